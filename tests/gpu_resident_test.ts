// Batches that stay on the GPU: a kernel compiled with the caller's own
// GPUDevice runs batches of its GPUBuffers (float32 NCHW, or bytes NHWC
// packed 4 to a u32) into GPUBuffers, with no readback; every misuse is a
// FreqaugError naming the field. Needs a WebGPU adapter (Mesa's llvmpipe
// will do); without one every test is skipped, and says so.
import assert from "node:assert/strict";
import {
  augment,
  compile,
  FreqaugError,
  gmm,
  type GpuBatch,
  normalize,
  pipe,
  randomResizedCrop,
  sample,
  verticalFlip,
  webgpuAdapter,
} from "../mod.ts";
import { deviceContext } from "../src/webgpu/device.ts";
import { compileGpu } from "../src/webgpu/kernel.ts";

const gpuAdapter = await navigator.gpu?.requestAdapter().catch(() => null) ?? null;
if (!gpuAdapter) console.log("SKIPPED: no WebGPU adapter (every GPU-resident batch test needs a GPUDevice)");
const device = gpuAdapter ? await gpuAdapter.requestDevice() : null;
const gpuTest = (name: string, fn: (device: GPUDevice) => Promise<void>) =>
  Deno.test({
    name: `webgpu: ${name}`,
    ignore: !device,
    fn: () => fn(device!),
    sanitizeResources: false,
    sanitizeOps: false,
  });

const S = 0x80, SRC = 0x04, DST = 0x08; // GPUBufferUsage.STORAGE, COPY_SRC, COPY_DST

function upload(d: GPUDevice, bytes: Uint8Array, usage = S | SRC): GPUBuffer {
  const b = d.createBuffer({ size: Math.max(16, Math.ceil(bytes.byteLength / 4) * 4), usage: usage | DST });
  const padded = new Uint8Array(b.size);
  padded.set(bytes);
  d.queue.writeBuffer(b, 0, padded);
  return b;
}

async function read(d: GPUDevice, b: GPUBuffer, bytes: number): Promise<Uint8Array> {
  const size = Math.ceil(bytes / 4) * 4;
  const r = d.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = d.createCommandEncoder();
  enc.copyBufferToBuffer(b, 0, r, 0, size);
  d.queue.submit([enc.finish()]);
  await r.mapAsync(GPUMapMode.READ);
  const out = new Uint8Array(r.getMappedRange().slice(0, bytes));
  r.destroy();
  return out;
}

const asBytes = (x: Float32Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
const PIPE = pipe(randomResizedCrop({ size: [6, 5] }), gmm({ k: 4, sigma: [1, 2] }), verticalFlip(), normalize());
const SHAPE = { height: 9, width: 7, channels: 3 };

function floats(n: number): Float32Array {
  return new Float32Array(n * 3 * 9 * 7).map((_, i) => ((i * 29) % 97) / 96);
}

gpuTest("a float32 NCHW GPU batch gives, in a new buffer, what the same kernel gives for the host batch", async (d) => {
  const k = await compile(PIPE, SHAPE, { device: d });
  const x = floats(3);
  const host = await k.run({ data: x, count: 3, ...SHAPE }, { seed: 21, offset: 4 });
  const input = upload(d, asBytes(x));
  const batch: GpuBatch<"NCHW"> = { buffer: input, layout: "NCHW", count: 3, ...SHAPE };
  const r = await k.run(batch, { seed: 21, offset: 4 });
  assert.deepEqual(
    [r.images.layout, r.images.count, r.images.channels, r.images.height, r.images.width],
    ["NCHW", 3, 3, 6, 5],
  );
  assert.ok(r.images.buffer !== input);
  assert.ok((r.images.buffer.usage & (S | SRC | DST)) === (S | SRC | DST));
  const got = await read(d, r.images.buffer, host.images.data.byteLength);
  assert.deepEqual(got, asBytes(host.images.data));
  assert.equal(r.seed, 21);
  assert.deepEqual(r.params, sample(PIPE, { seed: 21, count: 3, height: 9, width: 7, offset: 4 }));
  // The input is left as it was.
  assert.deepEqual(await read(d, input, x.byteLength), asBytes(x));
  k.dispose();
});

gpuTest("NHWC bytes packed 4 to a word, in and out: the host byte run's bytes, alpha kept", async (d) => {
  const k = await compile(pipe(gmm({ k: 4, sigma: [1, 2] })), { height: 5, width: 7, channels: 3 }, { device: d });
  for (const C of [3, 4]) {
    const bytes = new Uint8Array(2 * 5 * 7 * C).map((_, i) => (i * 73 + 5) & 255); // 210 or 280 bytes
    const hostBatch = { data: bytes, layout: "NHWC", count: 2, channels: C, height: 5, width: 7 } as const;
    const want = await k.run(hostBatch, { seed: 8, output: "uint8" });
    const wantF = await k.run(hostBatch, { seed: 8 });
    const batch = { buffer: upload(d, bytes), layout: "NHWC", count: 2, channels: C, height: 5, width: 7 } as const;
    const r = await k.run(batch, { seed: 8, output: "uint8" });
    assert.deepEqual([r.images.layout, r.images.channels, r.images.height, r.images.width], ["NHWC", C, 5, 7]);
    assert.deepEqual(await read(d, r.images.buffer, bytes.length), want.images.data);
    const f = await k.run(batch, { seed: 8 });
    assert.equal(f.images.layout, "NCHW");
    assert.equal(f.images.channels, 3);
    assert.deepEqual(await read(d, f.images.buffer, wantF.images.data.byteLength), asBytes(wantF.images.data));
    if (C === 4) { for (let i = 3; i < bytes.length; i += 4) assert.equal(want.images.data[i], bytes[i]); }
  }
  k.dispose();
});

gpuTest("into: the result goes into the caller's buffer; augment with { device } runs the same", async (d) => {
  const x = floats(2);
  const input = upload(d, asBytes(x));
  const batch = { buffer: input, layout: "NCHW", count: 2, ...SHAPE } as const;
  const into = d.createBuffer({ size: 4096, usage: S | SRC | DST });
  const a = await augment(PIPE, batch, { seed: 3, device: d, into });
  assert.equal(a.images.buffer, into);
  assert.equal(a.backend, "webgpu");
  const b = await augment(PIPE, batch, { seed: 3, device: d });
  const n = 2 * 3 * 6 * 5 * 4;
  assert.deepEqual(await read(d, into, n), await read(d, b.images.buffer, n));
  const host = await augment(PIPE, { data: x, count: 2, ...SHAPE }, { seed: 3, backend: "cpu" });
  const gpu = new Float32Array((await read(d, into, n)).buffer);
  for (let i = 0; i < gpu.length; i++) assert.ok(Math.abs(gpu[i] - host.images.data[i]) < 1e-4, `value ${i}`);
});

gpuTest("misuse is a FreqaugError naming the field, the value and what is allowed", async (d) => {
  const k = await compile(PIPE, SHAPE, { device: d });
  const good = { buffer: upload(d, asBytes(floats(1))), layout: "NCHW", count: 1, ...SHAPE } as const;
  const bytes1 = (n: number, usage?: number) => upload(d, new Uint8Array(n), usage);
  const destroyed = bytes1(4 * 189);
  destroyed.destroy();
  const other = await gpuAdapter!.requestDevice();
  const foreign = upload(other, new Uint8Array(4 * 189));
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "no device",
      () => augment(PIPE, good, { seed: 1 }),
      /device: got undefined, expected the GPUDevice of batch\.buffer/,
    ],
    [
      "no COPY_SRC",
      () => k.run({ ...good, buffer: d.createBuffer({ size: 1024, usage: S }) }),
      /batch\.buffer\.usage: got 128, expected a usage with GPUBufferUsage\.COPY_SRC/,
    ],
    [
      "too small",
      () => k.run({ ...good, buffer: bytes1(16) }),
      /batch\.buffer\.size: got 16, expected at least 756 bytes for this batch/,
    ],
    ["not a buffer", () => k.run({ ...good, buffer: {} as GPUBuffer }), /batch\.buffer: got .*expected a GPUBuffer/],
    ["bad layout", () => k.run({ ...good, layout: "NWHC" as "NHWC" }), /batch\.layout: got "NWHC", expected "NCHW"/],
    [
      "NHWC of 2 channels",
      () => k.run({ ...good, layout: "NHWC", channels: 2 }),
      /batch\.channels: got 2, expected 3 or 4 for bytes/,
    ],
    ["wrong height", () => k.run({ ...good, height: 8 }), /batch\.height: got 8, expected 9, the kernel's height/],
    [
      "into without COPY_DST",
      () => k.run(good, { into: d.createBuffer({ size: 4096, usage: S | SRC }) }),
      /into\.usage: got 132, expected a usage with GPUBufferUsage\.COPY_DST/,
    ],
    ["into too small", () => k.run(good, { into: bytes1(64) }), /into\.size: got 64, expected at least 360 bytes/],
    ["into the input", () => k.run(good, { into: good.buffer }), /into: got "batch\.buffer", expected a buffer other/],
    [
      "into for a host batch",
      () => k.run({ data: floats(1), count: 1, ...SHAPE }, { into: bytes1(4096) }),
      /into: got .*expected nothing for a host batch/,
    ],
    [
      "float16 on the GPU",
      () => k.run(good, { output: "float16" as "uint8" }),
      /output: got "float16", expected "float32" or "uint8" for a GPU batch/,
    ],
    [
      "destroyed",
      () => k.run({ ...good, buffer: destroyed }),
      /batch\.buffer: got "GPUBuffer", expected a buffer of the kernel's device, not destroyed/,
    ],
    [
      "another device's",
      () => k.run({ ...good, buffer: foreign }),
      /batch\.buffer: got "GPUBuffer", expected a buffer of the kernel's device/,
    ],
    [
      "destroyed into",
      () => k.run(good, { into: destroyed }),
      /into: got "GPUBuffer", expected a buffer of the kernel's device, not destroyed/,
    ],
    [
      "a CPU kernel",
      async () => (await compile(PIPE, SHAPE, { backend: "cpu" })).run(good),
      /batch\.buffer: got "GPUBuffer", expected a host batch on the CPU backend/,
    ],
    [
      "device with the CPU backend",
      () => compile(PIPE, SHAPE, { device: d, backend: "cpu" }),
      /backend: got "cpu", expected "webgpu" or "auto" with a device/,
    ],
    ["not a device", () => compile(PIPE, SHAPE, { device: {} as GPUDevice }), /device: got .*expected a GPUDevice/],
  ];
  if (await webgpuAdapter()) {
    cases.push([
      "a kernel on freqaug's own device",
      async () => (await compile(PIPE, SHAPE, { backend: "webgpu" })).run(good),
      /batch\.buffer: got "GPUBuffer", expected a host batch, or a kernel compiled with \{ device \}/,
    ]);
  }
  for (const [what, run, re] of cases) {
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof FreqaugError, `${what}: ${e}`);
      assert.match(e.message, re, what);
      return true;
    }, what);
  }
  // Nothing is left broken: the kernel still runs.
  const r = await k.run(good, { seed: 1 });
  assert.equal(r.images.count, 1);
  other.destroy();
  k.dispose();
});

gpuTest("a batch split over several submissions gives what one submission gives (bytes of any length)", async (d) => {
  const shape = { height: 5, width: 7, channels: 3 };
  const p = pipe(gmm({ k: 3, sigma: [1, 2] }), verticalFlip());
  const own = deviceContext(d);
  // The smallest power-of-two binding limit that holds one image: a submission of one or two images.
  let small: Awaited<ReturnType<typeof compileGpu>> | null = null;
  for (let limit = 256; !small; limit *= 2) {
    small = await compileGpu({ ...own, limits: { ...own.limits, maxBinding: limit } }, p, shape).catch(() => null);
  }
  assert.ok(small.maxChunk >= 1 && small.maxChunk <= 2, `${small.maxChunk} images a submission`);
  const whole = await compile(p, shape, { device: d });
  const req = { count: 5, seed: 12, offset: 3 };
  for (const C of [3, 4]) {
    const bytes = new Uint8Array(5 * 5 * 7 * C).map((_, i) => (i * 89 + 1) & 255);
    const io = { inBytes: C, out: "u8" as const, outBytes: C };
    const want = await whole.run({ data: bytes, layout: "NHWC", count: 5, height: 5, width: 7, channels: C }, {
      seed: 12,
      offset: 3,
      output: "uint8",
    });
    assert.deepEqual(await small.runAs({ host: bytes }, req, io), want.images.data, `${C} channels, host`);
    const f = await small.runAs({ host: bytes }, req, { inBytes: C, out: "f32", outBytes: 0 });
    const wantF = await whole.run({ data: bytes, layout: "NHWC", count: 5, height: 5, width: 7, channels: C }, {
      seed: 12,
      offset: 3,
    });
    assert.deepEqual(f, wantF.images.data);
    const input = upload(d, bytes);
    if (C === 4) {
      const out = await small.runToBuffer(input, req, io);
      assert.deepEqual(await read(d, out, bytes.length), want.images.data, "4 channels, GPU to GPU");
    } else {
      // 105 bytes an image: a chunk would start inside a word.
      await assert.rejects(() => small!.runToBuffer(input, req, io), /a GPU batch of at most [12] samples/);
    }
  }
  small.dispose();
  whole.dispose();
});
