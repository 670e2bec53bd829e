// Byte batches (NHWC, 3 or 4 channels): checked, converted in the load pass,
// and computing exactly as the float32 batch of their values (value / 255)
// on the CPU backend, and within float32 rounding of it on WebGPU (skipped,
// and said so, without an adapter).
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  augment,
  type ByteBatch,
  compile,
  FreqaugError,
  gmm,
  horizontalFlip,
  pipe,
  type Pipeline,
  randomApply,
  randomResizedCrop,
  verticalFlip,
  webgpuAdapter,
} from "../mod.ts";
import { arbPipeline, arbViewOp } from "../src/testing/mod.ts";
import { maxDiff, property } from "./_helpers.ts";

const adapter = await webgpuAdapter();
if (!adapter) console.log("SKIPPED: no WebGPU adapter (the WebGPU halves of the byte batch tests)");
const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `webgpu: ${name}`, ignore: !adapter, fn, sanitizeResources: false, sanitizeOps: false });

/** The float32 NCHW batch of a byte batch's colour channels: `v / 255` in float32. */
function planarOf(b: ByteBatch) {
  const { count: N, channels: C, height: H, width: W } = b;
  const out = new Float32Array(N * 3 * H * W);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < H * W; p++) out[(n * 3 + c) * H * W + p] = b.data[(n * H * W + p) * C + c] / 255;
    }
  }
  return { data: out, count: N, channels: 3, height: H, width: W };
}

/** Byte batches of 1..3 images of 3 or 4 channels, sides 1..maxSide, random bytes. */
function arbBytes(maxSide = 20, clamped = false): fc.Arbitrary<ByteBatch> {
  return fc.record({
    count: fc.integer({ min: 1, max: 3 }),
    channels: fc.constantFrom(3, 4),
    height: fc.integer({ min: 1, max: maxSide }),
    width: fc.integer({ min: 1, max: maxSide }),
  }).chain((s) => {
    const n = s.count * s.channels * s.height * s.width;
    return fc.uint8Array({ minLength: n, maxLength: n }).map((d) => ({
      ...s,
      layout: "NHWC" as const,
      data: clamped ? new Uint8ClampedArray(d.buffer) : d,
    }));
  });
}

/** Realistic pipelines: up to two view ops (crop, flips, colour, blur, solarize), then frequency and spatial ops. */
function arbRealistic(): fc.Arbitrary<Pipeline> {
  return fc.tuple(fc.array(arbViewOp(3), { maxLength: 2 }), arbPipeline({ channels: 3, maxOps: 3 }))
    .map(([view, rest]) => pipe(...view, ...rest.ops));
}

/** Whether two float arrays hold the same bits. */
function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

Deno.test("cpu: a byte batch gives exactly the float32 batch of its values (v / 255), same seed", async () => {
  await property(
    fc.asyncProperty(arbBytes(20), arbRealistic(), fc.integer(), async (b, p, seed) => {
      const got = await augment(p, b, { seed, backend: "cpu", workers: 0 });
      const want = await augment(p, planarOf(b), { seed, backend: "cpu", workers: 0 });
      assert.ok(got.images.data instanceof Float32Array);
      assert.deepEqual(
        [got.images.count, got.images.channels, got.images.height, got.images.width],
        [want.images.count, 3, want.images.height, want.images.width],
      );
      assert.ok(sameBits(got.images.data, want.images.data), "bit-identical to the float32 batch");
      assert.deepEqual(got.params, want.params);
    }),
    40,
  );
});

Deno.test("cpu: Uint8ClampedArray bytes (ImageData's) and worker threads give the same bits", async () => {
  const [b] = fc.sample(arbBytes(16, true), { numRuns: 1, seed: 3 });
  const big = { ...b, count: 5, data: new Uint8ClampedArray(5 * b.channels * b.height * b.width).map((_, i) => i * 7) };
  const p = pipe(gmm({ k: 4, sigma: [1, 3] }), randomResizedCrop({ size: [9, 7] }));
  const threads = await augment(p, big, { seed: 11, backend: "cpu", workers: 2, output: "uint8" });
  const one = await augment(p, big, { seed: 11, backend: "cpu", workers: 0, output: "uint8" });
  assert.deepEqual(threads.images.data, one.images.data);
  const f = await augment(p, big, { seed: 11, backend: "cpu", workers: 2 });
  const want = await augment(p, planarOf(big), { seed: 11, backend: "cpu", workers: 0 });
  assert.ok(sameBits(f.images.data, want.images.data));
});

Deno.test("a 4-channel byte batch: colour runs, alpha rides along (kept at the same size, 255 after a resize)", async () => {
  const H = 12, W = 10, N = 2;
  const data = new Uint8Array(N * H * W * 4).map((_, i) => (i * 53 + 7) & 255);
  const b = { data, layout: "NHWC", count: N, channels: 4, height: H, width: W } as const;
  const same = await augment(pipe(gmm({ k: 3, sigma: [1, 2] })), b, { seed: 2, backend: "cpu", output: "uint8" });
  assert.equal(same.images.layout, "NHWC");
  assert.equal(same.images.channels, 4);
  for (let i = 3; i < data.length; i += 4) assert.equal(same.images.data[i], data[i], `alpha byte ${i}`);
  // Any other size (the same height or width included) has opaque alpha.
  for (const size of [[6, 5], [H, 6], [7, W]] as const) {
    const crop = await augment(pipe(randomResizedCrop({ size: [size[0], size[1]] })), b, {
      seed: 2,
      backend: "cpu",
      output: "uint8",
    });
    assert.deepEqual([crop.images.height, crop.images.width, crop.images.channels], [size[0], size[1], 4]);
    assert.equal(crop.images.data.length, N * size[0] * size[1] * 4);
    for (let i = 3; i < crop.images.data.length; i += 4) assert.equal(crop.images.data[i], 255, `${size}: ${i}`);
  }
  const floats = await augment(pipe(gmm({ k: 3, sigma: [1, 2] })), b, { seed: 2, backend: "cpu" });
  assert.equal(floats.images.channels, 3, "a float result drops alpha");
  assert.equal(floats.images.data.length, N * 3 * H * W);
});

Deno.test("a 4-channel byte batch: a flip or a same-size crop, even inside a combinator, does not carry alpha to the wrong pixel", async () => {
  // Opaque red, then transparent blue: after a horizontal flip the blue pixel comes first; the input's alpha
  // bytes, left in place, would make it opaque and the red one transparent.
  const two = { data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 0]), layout: "NHWC", count: 1, channels: 4 } as const;
  const flipped = await augment(pipe(horizontalFlip({ p: 1 })), { ...two, height: 1, width: 2 }, {
    seed: 1,
    backend: "cpu",
    output: "uint8",
  });
  assert.deepEqual([...flipped.images.data], [0, 0, 255, 255, 255, 0, 0, 255], "colour moved, alpha opaque");
  const H = 6, W = 5;
  const data = new Uint8Array(H * W * 4).map((_, i) => (i * 53 + 7) & 255);
  const b = { data, layout: "NHWC", count: 1, channels: 4, height: H, width: W } as const;
  for (
    const p of [
      pipe(verticalFlip({ p: 1 })),
      pipe(randomResizedCrop({ size: [H, W] })),
      pipe(gmm({ k: 2, sigma: [1, 2] }), randomApply([horizontalFlip()], { p: 0.5 })),
    ]
  ) {
    const r = await augment(p, b, { seed: 3, backend: "cpu", output: "uint8" });
    for (let i = 3; i < r.images.data.length; i += 4) assert.equal(r.images.data[i], 255, `${p.ops[0].op}: ${i}`);
  }
});

Deno.test("a kernel of 3 channels runs byte batches of 3 and 4 channels; replayed params give the same bytes", async () => {
  const k = await compile(pipe(gmm({ k: 5, sigma: [1, 3] })), { height: 8, width: 8, channels: 3 }, { backend: "cpu" });
  const rgb = {
    data: new Uint8Array(2 * 8 * 8 * 3).map((_, i) => i),
    layout: "NHWC",
    count: 2,
    channels: 3,
    height: 8,
    width: 8,
  } as const;
  const rgba = {
    ...rgb,
    data: new Uint8Array(2 * 8 * 8 * 4).map((_, i) => (i >> 2) * 3 + (i & 3)),
    channels: 4,
  } as const;
  const a = await k.run(rgb, { seed: 9 });
  const b = await k.run(rgba, { params: a.params });
  assert.ok(sameBits(a.images.data, b.images.data), "alpha does not change the colour channels' result");
  const k4 = await compile(pipe(gmm()), { height: 8, width: 8, channels: 4 }, { backend: "cpu" });
  await assert.rejects(() => k4.run(rgba, { seed: 1 }), (e: FreqaugError) => {
    assert.match(e.message, /batch\.channels: got 4, expected a kernel of 3 channels for bytes/);
    return true;
  });
});

Deno.test("bad byte batches are refused before any work, naming the field, the value and what is allowed", async () => {
  const p = pipe(gmm());
  const ok = {
    data: new Uint8Array(2 * 4 * 5 * 4),
    layout: "NHWC",
    count: 2,
    channels: 4,
    height: 4,
    width: 5,
  } as const;
  const cases: [unknown, RegExp][] = [
    [{ ...ok, layout: undefined }, /batch\.layout: got undefined, expected "NHWC" for byte data/],
    [{ ...ok, layout: "NCHW" }, /batch\.layout: got "NCHW", expected "NHWC" for byte data/],
    [{ ...ok, channels: 1, data: new Uint8Array(40) }, /batch\.channels: got 1, expected 3 or 4 for bytes/],
    [{ ...ok, channels: 5 }, /batch\.channels: got 5, expected 3 or 4 for bytes/],
    [
      { ...ok, data: new Uint8Array(159) },
      /batch\.data\.length: got 159, expected count × height × width × channels = 2 × 4 × 5 × 4 = 160/,
    ],
    [{ ...ok, height: 0 }, /batch\.height: got 0, expected an integer >= 1/],
    [{ ...ok, count: 1.5 }, /batch\.count: got 1\.5, expected an integer >= 1/],
    [
      { data: new Float32Array(3 * 16), layout: "NHWC", count: 1, channels: 3, height: 4, width: 4 },
      /batch\.layout: got "NHWC", expected "NCHW" or nothing for float data/,
    ],
    [
      { ...ok, data: new Int16Array(160) },
      /batch\.data: got .*expected a Float32Array or Float64Array \(NCHW\), or a Uint8Array/,
    ],
    [{ ...ok, data: Array.from({ length: 160 }, () => 0) }, /batch\.data: got .*expected a Float32Array/],
  ];
  for (const [batch, re] of cases) {
    for (const backend of ["cpu", "auto"] as const) {
      await assert.rejects(
        () => augment(p, batch as ByteBatch, { seed: 1, backend, quiet: true }),
        (e: unknown) => {
          assert.ok(e instanceof FreqaugError, String(e));
          assert.match(e.message, re);
          return true;
        },
        `${JSON.stringify(Object.keys(batch as object))} ${re}`,
      );
    }
  }
  // A float batch may say it is planar.
  const planar = { data: new Float32Array(16), layout: "NCHW", count: 1, channels: 1, height: 4, width: 4 } as const;
  assert.equal((await augment(p, planar, { seed: 1, backend: "cpu" })).images.data.length, 16);
});

gpuTest("a byte batch gives the float32 batch of its values, within 1e-6", async () => {
  let worst = 0;
  await property(
    fc.asyncProperty(arbBytes(12), arbRealistic(), fc.integer(), async (b, p, seed) => {
      const got = await augment(p, b, { seed, backend: "webgpu" });
      const want = await augment(p, planarOf(b), { seed, backend: "webgpu" });
      assert.ok(got.images.data instanceof Float32Array);
      assert.equal(got.images.channels, 3);
      const d = maxDiff(got.images.data, want.images.data);
      worst = Math.max(worst, d);
      assert.ok(d <= 1e-6, `max error ${d}`);
    }),
    12,
  );
  console.log(`largest |bytes - float32| on ${adapter?.description}: ${worst}`);
});

gpuTest("alpha rides along; bytes out match the CPU backend's to within one step", async () => {
  const H = 12, W = 10, N = 2;
  const data = new Uint8Array(N * H * W * 4).map((_, i) => (i * 53 + 7) & 255);
  const b = { data, layout: "NHWC", count: N, channels: 4, height: H, width: W } as const;
  for (
    const p of [
      pipe(gmm({ k: 3, sigma: [1, 2] })),
      pipe(randomResizedCrop({ size: [6, 5] }), gmm()),
      pipe(gmm(), horizontalFlip()),
    ]
  ) {
    const gpu = await augment(p, b, { seed: 4, backend: "webgpu", output: "uint8" });
    const cpu = await augment(p, b, { seed: 4, backend: "cpu", output: "uint8" });
    assert.equal(gpu.images.data.length, cpu.images.data.length);
    assert.ok(maxDiff(gpu.images.data, cpu.images.data) <= 1);
    const moved = p.ops.some((o) => o.op === "randomResizedCrop" || o.op === "horizontalFlip");
    for (let i = 3; i < gpu.images.data.length; i += 4) assert.equal(gpu.images.data[i], moved ? 255 : data[i]);
  }
});
