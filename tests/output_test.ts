// Typed results: `output: "float32" | "float16" | "uint8"` on both backends
// (the WebGPU half skipped, and said so, without an adapter), the defaults,
// the byte conversion's rounding, the plans that pack results on the GPU,
// and the TypeScript types that follow the option.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  augment,
  augmentStream,
  type Batch,
  type ByteImages,
  compile,
  FreqaugError,
  gmm,
  type HalfBatch,
  normalize,
  pipe,
  type Pipeline,
  randomResizedCrop,
  webgpuAdapter,
} from "../mod.ts";
import { arbBatch, arbPipeline, arbViewOp } from "../src/testing/mod.ts";
import { toByte } from "../src/cpu/io.ts";
import { planGpu } from "../src/webgpu/plan.ts";
import { maxDiff, property } from "./_helpers.ts";

const adapter = await webgpuAdapter();
if (!adapter) console.log("SKIPPED: no WebGPU adapter (the WebGPU halves of the output tests)");
const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `webgpu: ${name}`, ignore: !adapter, fn, sanitizeResources: false, sanitizeOps: false });

function arbRealistic(channels: number): fc.Arbitrary<Pipeline> {
  const view = channels === 1 || channels === 3 ? fc.array(arbViewOp(channels), { maxLength: 2 }) : fc.constant([]);
  return fc.tuple(view, arbPipeline({ channels, maxOps: 3 })).map(([v, rest]) => pipe(...v, ...rest.ops));
}

/** Planar float values as NHWC bytes, by {@link toByte}. */
function bytesOf(x: Float32Array | Float64Array, count: number, channels: number, plane: number): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < plane; p++) out[(n * plane + p) * channels + c] = toByte(x[(n * channels + c) * plane + p]);
    }
  }
  return out;
}

Deno.test("toByte: clamps, rounds the float32 product half to even", () => {
  assert.equal(toByte(-0.5), 0);
  assert.equal(toByte(-0), 0);
  assert.equal(toByte(1e-30), 0);
  assert.equal(toByte(1), 255);
  assert.equal(toByte(7.5), 255);
  assert.equal(toByte(0.5), 128); // 127.5: ties go to the even 128
  for (let v = 0; v < 256; v++) assert.equal(toByte(v / 255), v, `byte ${v} comes back`);
  let ties = 0;
  for (let k = 0; k < 255; k++) {
    const x = Math.fround((k + 0.5) / 255);
    if (Math.fround(x * 255) !== k + 0.5) continue;
    ties++;
    assert.equal(toByte(x), k % 2 === 0 ? k : k + 1, `tie ${k}.5`);
  }
  assert.ok(ties > 100, `${ties} float32 ties tested`);
});

Deno.test("cpu: defaults are the input's type; float32 and float16 round the float64 result once", async () => {
  const p = pipe(gmm({ k: 6, sigma: [1, 3] }), normalize());
  const x = new Float32Array(2 * 3 * 9 * 11).map((_, i) => ((i * 37) % 101) / 100);
  const f32 = { data: x, count: 2, channels: 3, height: 9, width: 11 };
  const f64 = { ...f32, data: Float64Array.from(x) };
  const a = await augment(p, f32, { seed: 3, backend: "cpu" });
  const b = await augment(p, f64, { seed: 3, backend: "cpu" });
  assert.ok(a.images.data instanceof Float32Array);
  assert.ok(b.images.data instanceof Float64Array);
  assert.equal(a.images.layout, "NCHW", "every result says its layout");
  assert.equal(b.images.layout, "NCHW");
  const asF32 = await augment(p, f64, { seed: 3, backend: "cpu", output: "float32" });
  assert.deepEqual(asF32.images.data, Float32Array.from(b.images.data));
  assert.deepEqual(asF32.images.data, a.images.data);
  const half = await augment(p, f32, { seed: 3, backend: "cpu", output: "float16" });
  assert.ok(half.images.data instanceof Float16Array);
  assert.equal(half.images.layout, "NCHW");
  assert.deepEqual(half.images.data, Float16Array.from(b.images.data));
  const k = await compile(p, { height: 9, width: 11, channels: 3 }, { backend: "cpu" });
  const viaKernel = await k.run(f32, { seed: 3, output: "float16" });
  assert.deepEqual(viaKernel.images.data, half.images.data);
});

Deno.test("cpu: uint8 is NHWC bytes of the float32 result, exactly, for realistic pipelines", async () => {
  await property(
    fc.asyncProperty(
      arbBatch({ maxSide: 16 }).chain((b) => fc.tuple(fc.constant(b), arbRealistic(b.channels))),
      fc.integer(),
      async ([b, p], seed) => {
        const f = await augment(p, b, { seed, backend: "cpu", workers: 0 });
        const u = await augment(p, b, { seed, backend: "cpu", workers: 0, output: "uint8" });
        const { count, channels, height, width } = f.images;
        assert.deepEqual(
          [u.images.layout, u.images.count, u.images.channels, u.images.height, u.images.width],
          ["NHWC", count, channels, height, width],
        );
        assert.deepEqual(u.images.data, bytesOf(f.images.data, count, channels, height * width));
      },
    ),
    40,
  );
});

Deno.test("bad output options are refused, naming the value and what is allowed", async () => {
  const b = { data: new Float32Array(16), count: 1, channels: 1, height: 4, width: 4 };
  for (const output of ["int8", "Float32", 8, null]) {
    await assert.rejects(
      () => augment(pipe(gmm()), b, { seed: 1, backend: "cpu", output: output as "uint8" }),
      (e: unknown) => {
        assert.ok(e instanceof FreqaugError);
        assert.match(e.message, /output: got .*expected "float32", "float16" or "uint8", or nothing/);
        return true;
      },
    );
  }
  // A runtime without Float16Array says so rather than returning another type.
  const g = globalThis as { Float16Array?: unknown };
  const saved = g.Float16Array;
  delete g.Float16Array;
  try {
    await assert.rejects(
      () => augment(pipe(gmm()), b, { seed: 1, backend: "cpu", output: "float16" }),
      /output: got "float16", expected "float32" or "uint8" \(this runtime has no Float16Array\)/,
    );
  } finally {
    g.Float16Array = saved;
  }
});

Deno.test("result types follow the input and the output option", async () => {
  const p = pipe(gmm());
  const f32 = { data: new Float32Array(16), count: 1, channels: 1, height: 4, width: 4 };
  const bytes = { data: new Uint8Array(48), layout: "NHWC", count: 1, channels: 3, height: 4, width: 4 } as const;
  const a: Batch<Float32Array> = (await augment(p, f32, { seed: 1, backend: "cpu" })).images;
  const b: Batch<Float64Array> = (await augment(p, { ...f32, data: new Float64Array(16) }, { seed: 1, backend: "cpu" }))
    .images;
  const c: HalfBatch = (await augment(p, f32, { seed: 1, backend: "cpu", output: "float16" })).images;
  const d: ByteImages = (await augment(p, f32, { seed: 1, backend: "cpu", output: "uint8" })).images;
  const e: Batch<Float32Array> = (await augment(p, bytes, { seed: 1, backend: "cpu" })).images;
  const f: ByteImages = (await augment(p, bytes, { seed: 1, backend: "cpu", output: "uint8" })).images;
  // @ts-expect-error a float16 result is not a Float32Array
  const wrong: Float32Array = c.data;
  assert.ok(wrong instanceof Float16Array);
  assert.deepEqual(
    [a, b, c, d, e, f].map((x) => x.data.constructor.name),
    ["Float32Array", "Float64Array", "Float16Array", "Uint8Array", "Float32Array", "Uint8Array"],
  );
});

Deno.test("the WebGPU plan packs results in a last pass, and unpacks bytes in the load (no GPU needed)", () => {
  const p = pipe(gmm(), normalize());
  const shape = { height: 16, width: 12, channels: 3 };
  const plain = planGpu(p, shape);
  assert.deepEqual(plain.passes.map((x) => x.name), ["rows", "columns", "inverse rows"]);
  assert.ok(plain.passes.every((x) => !x.wgsl.includes("in_byte") && !x.wgsl.includes("binding(8)")));
  const bytes = planGpu(p, shape, undefined, { inBytes: 4, out: "u8", outBytes: 4 });
  assert.deepEqual(bytes.passes.map((x) => x.name), ["rows", "columns", "inverse rows", "pack"]);
  assert.match(bytes.passes[0].wgsl, /in_byte\(s, /, "the load unpacks bytes");
  assert.equal(bytes.inputBytes, 16 * 12 * 4);
  assert.equal(bytes.outputBytes, 16 * 12 * 4, "a quarter of float32's bytes come back");
  assert.equal(plain.outputBytes, 4 * 3 * 16 * 12);
  assert.match(bytes.passes[3].wgsl, /const KEEP_ALPHA: bool = true;/);
  const crop = planGpu(pipe(randomResizedCrop({ size: [8, 8] }), gmm()), shape, undefined, {
    inBytes: 4,
    out: "u8",
    outBytes: 4,
  });
  assert.match(crop.passes[crop.passes.length - 1].wgsl, /const KEEP_ALPHA: bool = false;/);
  const half = planGpu(p, shape, undefined, { inBytes: 0, out: "f16", outBytes: 0 });
  assert.equal(half.outputBytes, 2 * 3 * 16 * 12);
  assert.match(half.passes[3].wgsl, /pack2x16float/);
});

gpuTest("uint8 is the float32 result's bytes exactly; float16 within one float16 step of float32", async () => {
  await property(
    fc.asyncProperty(
      arbBatch({ maxSide: 12 }).chain((b) => fc.tuple(fc.constant(b), arbRealistic(b.channels))),
      fc.integer(),
      async ([b, p], seed) => {
        const f = await augment(p, b, { seed, backend: "webgpu" });
        const u = await augment(p, b, { seed, backend: "webgpu", output: "uint8" });
        const h = await augment(p, b, { seed, backend: "webgpu", output: "float16" });
        const { count, channels, height, width } = f.images;
        assert.deepEqual(u.images.data, bytesOf(f.images.data, count, channels, height * width));
        assert.ok(h.images.data instanceof Float16Array);
        for (let i = 0; i < h.images.data.length; i++) {
          const x = f.images.data[i], step = Math.max(Math.abs(x) * 2 ** -10, 2 ** -24);
          assert.ok(Math.abs(h.images.data[i] - x) <= step, `value ${i}: ${h.images.data[i]} for ${x}`);
        }
      },
    ),
    10,
  );
});

gpuTest("both backends turn the same float32 values into the same bytes (ties included)", async () => {
  const xs: number[] = [-1, -0, 0, 1e-30, 0.5, 1, 2];
  for (let k = 0; k < 255; k++) {
    xs.push(Math.fround((k + 0.5) / 255), Math.fround(k / 255), Math.fround((k + 0.4) / 255));
  }
  const b = { data: Float32Array.from(xs), count: 1, channels: 1, height: 1, width: xs.length };
  const gpu = await augment(pipe(), b, { seed: 1, backend: "webgpu", output: "uint8" });
  const cpu = await augment(pipe(), b, { seed: 1, backend: "cpu", output: "uint8" });
  assert.deepEqual(gpu.images.data, cpu.images.data);
  assert.deepEqual(cpu.images.data, Uint8Array.from(xs, toByte));
  const k = await compile(pipe(gmm({ k: 3 })), { height: 8, width: 8, channels: 3 }, { backend: "webgpu" });
  const x = {
    data: new Float32Array(2 * 3 * 64).map((_, i) => (i % 17) / 16),
    count: 2,
    channels: 3,
    height: 8,
    width: 8,
  };
  const f = await k.run(x, { seed: 5 });
  const u = await k.run(x, { seed: 5, output: "uint8" });
  assert.deepEqual(u.images.data, bytesOf(f.images.data, 2, 3, 64));
  assert.ok(maxDiff(f.images.data, (await k.run(x, { seed: 5, output: "float32" })).images.data) === 0);
  k.dispose();
});

Deno.test("augmentStream takes byte batches and the output option", async () => {
  const p = pipe(gmm({ k: 3, sigma: [1, 2] }));
  const batch = (i: number) => ({
    data: new Uint8Array(2 * 6 * 5 * 4).map((_, j) => (j * 13 + i * 7) & 255),
    layout: "NHWC" as const,
    count: 2,
    channels: 4,
    height: 6,
    width: 5,
  });
  const got: Uint8Array[] = [];
  for await (const r of augmentStream(p, [batch(0), batch(1)], { seed: 4, backend: "cpu", output: "uint8" })) {
    const bytes: Uint8Array = r.images.data;
    got.push(bytes);
  }
  for (const i of [0, 1]) {
    const one = await augment(p, batch(i), { seed: 4, offset: 2 * i, backend: "cpu", output: "uint8" });
    assert.deepEqual(got[i], one.images.data);
  }
});
