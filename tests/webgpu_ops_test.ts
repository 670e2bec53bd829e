// The seven view ops (randomResizedCrop, flips, colorJitter, grayscale,
// gaussianBlur, solarize) and lightly's FDA views on the WebGPU backend,
// against the CPU backend (the reference): each op alone with fixed and with
// drawn parameters, the presets at several shapes, replayed parameters, and
// the plan (dispatches, and why each pass beyond a frequency stage's three
// exists). Without an adapter the GPU tests are skipped (and say so); the
// plan tests need no GPU. llvmpipe compiles shaders slowly: shapes stay small
// but for one 224 run.
import assert from "node:assert/strict";
import {
  amplitudeRescale,
  augment,
  clamp,
  colorJitter,
  compile,
  explain,
  fdaView1,
  fdaView2,
  gaussianBlur,
  gmm,
  grayscale,
  horizontalFlip,
  normalize,
  oneOf,
  phaseShift,
  pipe,
  type Pipeline,
  randomApply,
  randomFrequencyMask,
  randomResizedCrop,
  sample,
  type SampleParams,
  solarize,
  verticalFlip,
  webgpuAdapter,
} from "../mod.ts";
import { gpuContext } from "../src/webgpu/device.ts";
import { compileGpu } from "../src/webgpu/kernel.ts";
import { maxAbs, maxDiff } from "./_helpers.ts";

const adapter = await webgpuAdapter();
if (!adapter) console.log("SKIPPED: no WebGPU adapter");
const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `webgpu ops: ${name}`, ignore: !adapter, fn, sanitizeResources: false, sanitizeOps: false });

/** The bar: max abs difference on images in [0, 1] (relative to the output's scale above 1). */
const TOL = 2e-5;

function image(count: number, channels: number, height: number, width: number, salt = 0): Float32Array {
  // Edges, gratings and a gradient, in [0, 1], different per channel (so colour ops see colour).
  const out = new Float32Array(count * channels * height * width);
  let i = 0;
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const v = 0.5 + 0.3 * Math.sin(x * (0.9 + 0.4 * c + 0.1 * salt) + y * 0.37 * (n + 1)) +
            0.15 * (((x >> 1) + (y >> 2)) % 2 === 0 ? 1 : -1) * (c === 1 ? 1 : -0.5) + 0.1 * (y / height - 0.5);
          out[i++] = Math.min(1, Math.max(0, v));
        }
      }
    }
  }
  return out;
}

interface Shape {
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** Runs on both backends (drawn from `seed`, or replaying `params`) and returns the max abs difference. */
async function parity(pipeline: Pipeline, s: Shape, run: { seed: number } | { params: SampleParams[] }, salt = 0) {
  const batch = { data: image(s.count, s.channels, s.height, s.width, salt), ...s };
  const gpu = await augment(pipeline, batch, { ...run, backend: "webgpu" });
  const cpu = await augment(pipeline, batch, { ...run, backend: "cpu", workers: 0 });
  assert.equal(gpu.backend, "webgpu");
  assert.deepEqual(
    [gpu.images.count, gpu.images.channels, gpu.images.height, gpu.images.width],
    [cpu.images.count, cpu.images.channels, cpu.images.height, cpu.images.width],
  );
  assert.equal(gpu.images.data.length, cpu.images.data.length);
  // What ran is what the result says ran, on both backends.
  assert.deepEqual(gpu.params, cpu.params);
  const err = maxDiff(gpu.images.data, cpu.images.data);
  const tol = TOL * Math.max(1, maxAbs(cpu.images.data));
  const what = `${s.count}x${s.channels}x${s.height}x${s.width} ${"seed" in run ? `seed ${run.seed}` : "replayed"}`;
  assert.ok(err <= tol, `${what}: max error ${err} > ${tol} for ${JSON.stringify(pipeline.ops)}`);
  return { err, gpu, cpu };
}

/** One sample's params of a one-op pipeline, repeated for `count` samples. */
const fixed = (count: number, p: SampleParams[number]): SampleParams[] => Array.from({ length: count }, () => [p]);

// ---- The plan (no GPU needed) ----

Deno.test("webgpu ops plan: fdaView1 and fdaView2 at 3x224x224 (from 256²) are at most five dispatches", () => {
  for (const view of [fdaView1(), fdaView2()]) {
    const plan = explain(view, { height: 256, width: 256, channels: 3 }, { count: 8 });
    assert.ok(plan.dispatches <= 5, `${plan.dispatches} dispatches`);
    assert.equal(plan.dispatches, plan.passes.length);
    const names = plan.passes.map((p) => p.name);
    assert.deepEqual(names.slice(0, 3), ["rows", "columns", "inverse rows"]);
    // The crop is a gather in the load; clamp and the flips fold into the store.
    assert.ok(plan.passes[0].fuses.includes("randomResizedCrop#0"), plan.passes[0].fuses.join());
    for (const f of ["clamp#5", "horizontalFlip#6", "verticalFlip#7"]) assert.ok(plan.passes[2].fuses.includes(f), f);
    // Every op runs somewhere.
    const fused = plan.passes.flatMap((p) => p.fuses).join(" ");
    for (let i = 0; i < view.ops.length; i++) assert.ok(fused.includes(`${view.ops[i].op}#${i}`), `op ${i}`);
    // Each pass beyond the frequency stage's three says why it exists.
    for (const p of plan.passes.slice(3)) {
      assert.ok(typeof p.why === "string" && p.why.length > 20, `${p.name} [${p.fuses.join(", ")}] says why`);
    }
    for (const p of plan.passes.slice(0, 3)) assert.equal(p.why, undefined);
  }
});

Deno.test("webgpu ops plan: numbers never enter the WGSL (the views share their shaders)", () => {
  const shape = { height: 40, width: 36, channels: 3 };
  const wgsl = (p: Pipeline) => explain(p, shape).passes.map((x) => x.wgsl);
  const a = wgsl(fdaView1({ inputSize: 24 }));
  assert.deepEqual(wgsl(fdaView2({ inputSize: 24 })), a);
  assert.deepEqual(
    wgsl(
      fdaView1({
        inputSize: 24,
        minScale: 0.3,
        cjProb: 0.3,
        cjBright: 0.1,
        cjContrast: 0.2,
        cjSat: 0.7,
        cjHue: 0.4,
        randomGrayScale: 0.9,
        gaussianBlur: 0.4,
        sigmas: [1, 7],
        solarizationProb: 0.5,
        vfProb: 0.5,
        hfProb: 0.1,
        normalize: { mean: [0.1, 0.2, 0.3], std: [1, 2, 3] },
      }),
    ),
    a,
  );
});

Deno.test("webgpu ops plan: where the view ops go, and why the extra passes exist", () => {
  const shape = { height: 32, width: 30, channels: 3 };
  const names = (p: Pipeline) => explain(p, shape).passes.map((x) => x.name);
  // Colour and pointwise ops alone: one pass.
  assert.deepEqual(names(pipe(grayscale(), solarize(), horizontalFlip(), verticalFlip(), normalize())), ["pointwise"]);
  // A jitter with contrast needs the image's mean first: a reduce pass.
  const cj = explain(pipe(colorJitter()), shape);
  assert.deepEqual(cj.passes.map((p) => p.name), ["reduce", "pointwise"]);
  assert.match(cj.passes[0].why!, /mean/);
  // Without contrast, no sum.
  assert.deepEqual(names(pipe(colorJitter({ contrast: 0 }))), ["pointwise"]);
  // A blur is two gathers; a crop then a blur three.
  assert.deepEqual(names(pipe(gaussianBlur())), ["gather", "gather"]);
  assert.deepEqual(names(pipe(randomResizedCrop({ size: 8 }), gaussianBlur())), ["gather", "gather", "gather"]);
  // A crop before a frequency stage is its load; after one, a pass of its own that says why.
  assert.deepEqual(names(pipe(randomResizedCrop({ size: 16 }), gmm())), ["rows", "columns", "inverse rows"]);
  const late = explain(pipe(gmm(), randomResizedCrop({ size: 16 })), shape);
  assert.deepEqual(late.passes.map((p) => p.name), ["rows", "columns", "inverse rows", "gather"]);
  assert.match(late.passes[3].why!, /randomResizedCrop#1/);
  // Spatial ops between two frequency stages: the store of one, the load of the next.
  const two = explain(pipe(gmm(), clamp(), grayscale(), randomResizedCrop({ size: 12 }), phaseShift()), shape);
  assert.equal(two.dispatches, 6);
  assert.ok(two.passes[2].fuses.includes("grayscale#2") && two.passes[3].fuses.includes("randomResizedCrop#3"));
  // The output shape follows the crop.
  assert.match(late.passes[3].wgsl, /const H: u32 = 16u;/);
});

// ---- On the adapter: each op alone ----

gpuTest("randomResizedCrop: drawn boxes; boxes at the borders, upscaled, shrunk hard, to and from 1x1", async () => {
  const s = { count: 3, channels: 3, height: 13, width: 17 };
  await parity(pipe(randomResizedCrop({ size: [9, 11] })), s, { seed: 1 });
  await parity(pipe(randomResizedCrop({ size: 20, scale: [0.02, 0.3], ratio: [0.5, 2] })), s, { seed: 2 });
  await parity(pipe(randomResizedCrop({ size: [5, 7], antialias: false, p: 0.5 })), s, { seed: 3 });
  const box = (top: number, left: number, height: number, width: number) =>
    ({ op: "randomResizedCrop", applied: true, top, left, height, width }) as const;
  const one = { ...s, count: 1 };
  for (
    const [size, b] of [
      [[6, 6], box(13 - 4, 17 - 5, 4, 5)], // the bottom-right corner, upscaled
      [[6, 6], box(0, 0, 3, 2)], // the top-left corner, upscaled 2-3x
      [[1, 1], box(0, 0, 13, 17)], // the whole image to one pixel
      [[2, 3], box(1, 2, 12, 15)], // shrunk 5-6x
      [[19, 23], box(6, 8, 1, 1)], // one pixel, blown up
      [[13, 17], box(0, 0, 13, 17)], // the identity
      [[7, 16], box(12, 0, 1, 17)], // the last row
    ] as const
  ) {
    for (const antialias of [true, false]) {
      const p = pipe(randomResizedCrop({ size: [size[0], size[1]], antialias }));
      await parity(p, one, { params: fixed(1, b) });
    }
  }
  // A large shrink: 96x80 to 3x2 (about 30 taps per axis).
  await parity(pipe(randomResizedCrop({ size: [3, 2], scale: [1, 1], ratio: [0.8, 0.9] })), {
    count: 2,
    channels: 1,
    height: 96,
    width: 80,
  }, { seed: 4 });
  // From a 1x1 image.
  await parity(pipe(randomResizedCrop({ size: [4, 3] })), { count: 2, channels: 3, height: 1, width: 1 }, { seed: 5 });
});

gpuTest("flips, grayscale and solarize: drawn and fixed", async () => {
  const s = { count: 4, channels: 3, height: 7, width: 10 };
  for (
    const [i, p] of [horizontalFlip(), verticalFlip(), grayscale({ p: 0.5 }), solarize({ threshold: 0.6 })].entries()
  ) {
    await parity(pipe(p), s, { seed: 10 + i });
    await parity(pipe(p), { ...s, channels: 1, height: 1 }, { seed: 20 + i });
    for (const applied of [true, false]) {
      const { err } = await parity(pipe(p), { ...s, count: 1 }, { params: fixed(1, { op: p.op, applied } as never) });
      // No arithmetic but grayscale's: exact.
      if (p.op !== "grayscale") assert.equal(err, 0);
    }
  }
});

gpuTest("colorJitter: drawn (1 and 3 channels), and each order of the contrast with null factors", async () => {
  const s = { count: 4, channels: 3, height: 9, width: 11 };
  await parity(pipe(colorJitter({ p: 0.8 })), s, { seed: 30 });
  await parity(pipe(colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.5 })), s, { seed: 31 });
  await parity(pipe(colorJitter()), { ...s, channels: 1 }, { seed: 32 });
  await parity(pipe(colorJitter({ contrast: 0 })), s, { seed: 33 });
  const base = {
    op: "colorJitter",
    applied: true,
    brightness: 1.3,
    contrast: 0.55,
    saturation: 1.6,
    hue: -0.23,
  } as const;
  for (const order of [[1, 0, 2, 3], [0, 1, 2, 3], [3, 2, 1, 0], [2, 3, 0, 1], [0, 3, 2, 1]]) {
    await parity(pipe(colorJitter()), { ...s, count: 1 }, { params: fixed(1, { ...base, order }) }, order[0]);
  }
  await parity(pipe(colorJitter()), { ...s, count: 1 }, {
    params: fixed(1, { ...base, order: [3, 0, 1, 2], brightness: null, saturation: null }),
  });
  // Two jitters: the second's mean is of the first's output.
  await parity(pipe(colorJitter(), grayscale({ p: 0.5 }), colorJitter()), s, { seed: 34 });
});

gpuTest("gaussianBlur: drawn σ, and radii at and past the image's sides", async () => {
  const s = { count: 3, channels: 3, height: 8, width: 12 };
  await parity(pipe(gaussianBlur({ p: 0.7 })), s, { seed: 40 });
  await parity(pipe(gaussianBlur({ sigma: [2, 5] })), { ...s, channels: 1, height: 3, width: 1 }, { seed: 41 });
  for (const sigma of [0.001, 0.7, 2.5, 4.4]) {
    await parity(pipe(gaussianBlur()), { ...s, count: 1 }, {
      params: fixed(1, { op: "gaussianBlur", applied: true, sigma }),
    });
  }
});

// ---- The presets ----

gpuTest(
  "fdaView1 and fdaView2 match the CPU backend at several shapes (crops up and down, odd sizes, 1x1)",
  async () => {
    const plain = { normalize: null } as const;
    for (
      const [i, [C, H, W, size]] of ([
        [3, 32, 30, 24],
        [3, 17, 23, 9],
        [3, 12, 10, 20],
        [1, 15, 15, 7],
        [3, 1, 1, 3],
        [3, 40, 9, 1],
      ] as const).entries()
    ) {
      const s = { count: 3, channels: C, height: H, width: W };
      await parity(fdaView1({ ...plain, inputSize: size }), s, { seed: 100 + i }, i);
      await parity(fdaView2({ ...plain, inputSize: size }), s, { seed: 200 + i }, i);
    }
    // Every op applied, blur and jitter always: the extra passes do work for every sample.
    const all = {
      inputSize: 16,
      cjProb: 1,
      randomGrayScale: 0.5,
      gaussianBlur: 1,
      amplRescaleProb: 1,
      phaseShiftProb: 1,
      randFreqMaskProb: 1,
      gmmProb: 1,
      vfProb: 0.5,
    };
    await parity(fdaView1(all), { count: 4, channels: 3, height: 20, width: 22 }, { seed: 300 });
  },
);

gpuTest("fdaView1 at 3x224x224 from 256²: five dispatches, one pass, one submit, the CPU's result", async () => {
  const ctx = (await gpuContext())!;
  const shape = { height: 256, width: 256, channels: 3 };
  const kernel = await compileGpu(ctx, fdaView1(), shape);
  const data = image(2, 3, 256, 256);
  const out = await kernel.run(data, { count: 2, seed: 7 });
  assert.ok(kernel.stats.dispatches <= 5, JSON.stringify(kernel.stats));
  assert.equal(kernel.stats.computePasses, 1);
  assert.equal(kernel.stats.submissions, 1);
  assert.equal(out.length, 2 * 3 * 224 * 224);
  const cpu = await augment(fdaView1(), { data, count: 2, ...shape }, { seed: 7, backend: "cpu", workers: 0 });
  const err = maxDiff(out, cpu.images.data);
  assert.ok(err <= TOL * maxAbs(cpu.images.data), `max error ${err}`);
  kernel.dispose();
});

// ---- Replay, mixed structures, the workgroup-memory path ----

gpuTest("replayed params run exactly what they say, on both backends; a run's params replay it", async () => {
  const view = fdaView1({ inputSize: 12, cjProb: 1, randomGrayScale: 0.5, hfProb: 0.5, vfProb: 0.5 });
  const s = { count: 4, channels: 3, height: 18, width: 14 };
  const batch = { data: image(4, 3, 18, 14), ...s };
  const drawn = await augment(view, batch, { seed: 55, backend: "webgpu" });
  assert.deepEqual(drawn.params, sample(view, { seed: 55, count: 4, height: 18, width: 14 }));
  const again = await augment(view, batch, { params: drawn.params, backend: "webgpu" });
  assert.ok(maxDiff(again.images.data, drawn.images.data) <= 1e-6);
  // Edited params: another box and another order, as the CPU backend runs them.
  const edited = drawn.params.map((p) =>
    p.map((e) => {
      if (e.op === "randomResizedCrop") return { ...e, applied: true, top: 18 - 5, left: 0, height: 5, width: 14 };
      if (e.op === "colorJitter" && e.applied) return { ...e, order: [3, 1, 0, 2] };
      return e;
    })
  );
  await parity(view, s, { params: edited });
  // A seeded run split in two batches (offsets) draws as the whole.
  const kernel = await compile(view, { height: 18, width: 14, channels: 3 }, { backend: "webgpu" });
  const half = 2 * 3 * 18 * 14;
  const a = await kernel.run({ ...batch, count: 2, data: batch.data.slice(0, half) }, { seed: 55 });
  const b = await kernel.run({ ...batch, count: 2, data: batch.data.slice(half) }, { seed: 55, offset: 2 });
  assert.deepEqual([...a.images.data, ...b.images.data], [...drawn.images.data]);
  kernel.dispose();
});

gpuTest("mixed structures: ops between two frequency stages, a crop after one, colour ops before one", async () => {
  const s = { count: 3, channels: 3, height: 14, width: 15 };
  const pipelines = [
    pipe(gmm({ k: 4, sigma: [1, 3] }), clamp(), colorJitter(), randomResizedCrop({ size: [9, 10] }), phaseShift()),
    pipe(phaseShift({ range: [0.1, 0.4] }), randomResizedCrop({ size: [11, 7] }), clamp()),
    pipe(colorJitter(), horizontalFlip(), grayscale({ p: 0.5 }), gmm({ k: 3, sigma: [1, 4] }), verticalFlip()),
    pipe(gaussianBlur({ sigma: [0.5, 1.5] }), randomResizedCrop({ size: 6 }), gmm({ k: 2, sigma: [1, 2] }), clamp()),
    pipe(phaseShift({ range: [0.1, 0.3] }), gaussianBlur(), phaseShift({ range: [0.1, 0.3] }), grayscale({ p: 1 })),
    pipe(clamp(), grayscale({ p: 0.5 }), solarize({ p: 0.5 }), colorJitter({ contrast: 0 }), horizontalFlip()),
  ];
  for (const [i, p] of pipelines.entries()) {
    await parity(p, s, { seed: 400 + i }, i);
    await parity(p, { ...s, channels: 1, count: 2 }, { seed: 500 + i }, i);
  }
});

gpuTest("the workgroup-memory path (what hardware adapters run) for the views", async () => {
  const ctx = (await gpuContext())!;
  // A small workgroup memory keeps llvmpipe's compile quick.
  const wg = { ...ctx, limits: { ...ctx.limits, scratch: "workgroup" as const, workgroupStorage: 2048 } };
  const view = fdaView1({ inputSize: 12, cjProb: 1, gaussianBlur: 1, normalize: null });
  for (const pipeline of [view, pipe(colorJitter(), gaussianBlur())]) {
    const shape = { height: 16, width: 14, channels: 3 };
    const kernel = await compileGpu(wg, pipeline, shape);
    assert.ok(kernel.plan.passes.every((p) => p.scratch === "workgroup"));
    const data = image(2, 3, 16, 14);
    const got = await kernel.run(data, { count: 2, seed: 61 });
    const cpu = await augment(pipeline, { data, count: 2, ...shape }, { seed: 61, backend: "cpu", workers: 0 });
    const err = maxDiff(got, cpu.images.data);
    assert.ok(err <= TOL, `${err}`);
    kernel.dispose();
  }
});

gpuTest(
  "randomApply and oneOf run as their flat list of ops, as on the CPU (frequency ops inside kept apart)",
  async () => {
    const cases = [
      pipe(randomApply([gmm({ k: 4, sigma: [1, 3] }), colorJitter()], { p: 0.6 }), horizontalFlip()),
      pipe(
        phaseShift({ p: 1 }),
        oneOf([amplitudeRescale(), gaussianBlur({ sigma: [0.3, 1.5] }), solarize({ p: 1 })], { weights: [1, 1, 2] }),
        gmm({ k: 3, sigma: 2, c: 4 }),
      ),
      pipe(randomApply([oneOf([grayscale({ p: 1 }), verticalFlip({ p: 1 })]), randomFrequencyMask()], { p: 0.7 })),
    ];
    for (const p of cases) {
      const batch = { data: image(5, 3, 13, 10, 3), count: 5, channels: 3, height: 13, width: 10 };
      const cpu = await augment(p, batch, { seed: 11, backend: "cpu" });
      const gpu = await augment(p, batch, { seed: 11, backend: "webgpu" });
      assert.deepEqual(JSON.parse(JSON.stringify(gpu.params)), JSON.parse(JSON.stringify(cpu.params)));
      const d = maxDiff(gpu.images.data, cpu.images.data);
      assert.ok(d <= 2e-5, `max diff ${d} for ${JSON.stringify(p.ops.map((o) => o.op))}`);
      const replay = await augment(p, batch, { params: cpu.params, backend: "webgpu" });
      assert.deepEqual(replay.images.data, gpu.images.data);
    }
    // A combinator that holds an op without p (normalize, clamp) has no WebGPU plan: refused by name.
    await assert.rejects(
      augment(
        pipe(randomApply([normalize()])),
        { data: image(1, 3, 4, 4), count: 1, channels: 3, height: 4, width: 4 },
        {
          seed: 1,
          backend: "webgpu",
        },
      ),
      /randomApply/,
    );
  },
);
