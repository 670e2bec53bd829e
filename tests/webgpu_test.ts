// The WebGPU backend against the CPU backend (the reference), on whatever
// adapter navigator.gpu yields: Mesa's llvmpipe in CI. Without an adapter
// every GPU test is skipped (and says so); the plan tests need no GPU.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  amplitudeRescale,
  augment,
  augmentStream,
  clamp,
  compile,
  explain,
  FreqaugError,
  gmm,
  type GmmParams,
  normalize,
  phaseShift,
  pipe,
  type Pipeline,
  randomFrequencyMask,
  sample,
  webgpuAdapter,
} from "../mod.ts";
import {
  arbPipeline,
  clarityGrowsWithC,
  deterministic,
  largeCIsIdentity,
  preservesChannelMeans,
  replayable,
  splitInvariant,
} from "../src/testing/mod.ts";
import { gpuContext } from "../src/webgpu/device.ts";
import { cachedPipelines, compileGpu } from "../src/webgpu/kernel.ts";
import { buildConsts, constOffsets } from "../src/webgpu/layout.ts";
import { resolveBackend } from "../src/api/backend.ts";
import { kernelFor } from "../src/api/kernel.ts";
import { gmmMask } from "../src/math/gmm.ts";
import { rfft2 } from "../src/math/rfft2.ts";
import { goldenCases, loadGolden, maxAbs, maxDiff, property } from "./_helpers.ts";

const adapter = await webgpuAdapter();
if (!adapter) console.log("SKIPPED: no WebGPU adapter");
const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `webgpu: ${name}`, ignore: !adapter, fn, sanitizeResources: false, sanitizeOps: false });

const EVERY_OP = pipe(
  gmm({ k: 20, sigma: [10, 15], c: 4 }),
  amplitudeRescale({ range: [0.8, 1.2] }),
  phaseShift({ range: [0.1, 0.6] }),
  randomFrequencyMask({ k: [0.05, 0.2] }),
  normalize(),
  clamp({ min: -3, max: 3 }),
);

function image(count: number, channels: number, height: number, width: number, salt = 0): Float32Array {
  // A picture with edges, gratings and a gradient, in [0, 1].
  const out = new Float32Array(count * channels * height * width);
  let i = 0;
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const v = 0.5 + 0.25 * Math.sin((x * (1 + c + salt)) * 0.7 + y * 0.3 * (n + 1)) +
            0.2 * (((x >> 2) + (y >> 2)) % 2 === 0 ? 1 : -1) * (c === 1 ? 1 : 0.5) + 0.05 * (y / height);
          out[i++] = Math.min(1, Math.max(0, v));
        }
      }
    }
  }
  return out;
}

/** GPU vs CPU on the same seed: max abs error <= 2e-4 (relative to the output's scale when above 1). */
async function parity(
  pipeline: Pipeline,
  count: number,
  channels: number,
  height: number,
  width: number,
  seed: number,
) {
  const batch = { data: image(count, channels, height, width, seed % 7), count, channels, height, width };
  const gpu = await augment(pipeline, batch, { seed, backend: "webgpu" });
  const cpu = await augment(pipeline, batch, { seed, backend: "cpu", workers: 0 });
  assert.equal(gpu.backend, "webgpu");
  const err = maxDiff(gpu.images.data, cpu.images.data);
  const tol = 2e-4 * Math.max(1, maxAbs(cpu.images.data));
  assert.ok(
    err <= tol,
    `${count}x${channels}x${height}x${width} seed ${seed}: max error ${err} > ${tol} for ${JSON.stringify(pipeline)}`,
  );
  return err;
}

// ---- The plan (no GPU needed) ----

Deno.test("webgpu plan: every frequency op, normalize and clamp make three dispatches", () => {
  const plan = explain(EVERY_OP, { height: 224, width: 224, channels: 3 }, { count: 64 });
  assert.ok(plan.dispatches <= 3, `${plan.dispatches} dispatches`);
  assert.deepEqual(plan.passes.map((p) => p.name), ["rows", "columns", "inverse rows"]);
  assert.ok(plan.passes[1].fuses.some((f) => f.startsWith("gmm#0")));
  assert.ok(plan.passes[1].fuses.some((f) => f.startsWith("randomFrequencyMask#3")));
  assert.ok(plan.passes[2].fuses.includes("normalize#4") && plan.passes[2].fuses.includes("clamp#5"));
  for (const p of plan.passes) {
    assert.ok(p.workgroups >= 1 && p.dispatch[0] * p.dispatch[1] >= p.workgroups);
    assert.match(p.wgsl, /@compute @workgroup_size\(WG\)/);
    assert.match(p.wgsl, /const WG: u32 = \d+u;/);
  }
});

Deno.test("webgpu plan: numbers never enter the WGSL, so they never recompile", () => {
  const shape = { height: 48, width: 40, channels: 3 };
  const a = explain(EVERY_OP, shape);
  const b = explain(
    pipe(
      gmm({ k: 3, sigma: [1, 2], c: 0.5, intensity: [0.2, 0.3], keepDC: true, p: 0.5 }),
      amplitudeRescale({ range: [0.1, 3], keepDC: true }),
      phaseShift({ range: [-1, 1], includeNegatives: false }),
      randomFrequencyMask({ k: [0.5, 0.9], p: 0.1 }),
      normalize({ mean: [0.1, 0.2, 0.3], std: [1, 2, 3] }),
      clamp({ min: 0, max: 1 }),
    ),
    shape,
  );
  assert.deepEqual(a.passes.map((p) => p.wgsl), b.passes.map((p) => p.wgsl));
});

Deno.test("webgpu plan: pointwise-only pipelines take one pass; separated frequency stages three each", () => {
  assert.equal(explain(pipe(normalize(), clamp()), { height: 8, width: 8, channels: 3 }).dispatches, 1);
  const two = explain(pipe(gmm(), clamp(), phaseShift()), { height: 8, width: 8, channels: 3 });
  assert.equal(two.dispatches, 6);
});

Deno.test("webgpu plan: FFT strategies by length", () => {
  const plan = (n: number) =>
    explain(pipe(gmm()), { height: n, width: n, channels: 1 }, { limits: { scratch: "storage" } }).fft;
  assert.match(plan(224).rows!, /Stockham, radices 4·4·2·7/);
  assert.match(plan(2048).rows!, /Stockham/);
  assert.match(plan(97).rows!, /Bluestein over 256/);
  assert.match(plan(2039).rows!, /Bluestein over 4096/);
  const small = explain(pipe(gmm()), { height: 67, width: 67, channels: 1 }, { limits: { workgroupStorage: 2048 } });
  assert.match(small.fft.rows!, /direct DFT/);
  // Too long for WebGPU's default 16 KiB of workgroup memory: storage scratch instead.
  const long = explain(pipe(gmm()), { height: 8, width: 2048, channels: 1 });
  assert.equal(long.passes[0].scratch, "storage");
  assert.equal(explain(pipe(gmm()), { height: 8, width: 1024, channels: 1 }).passes[0].scratch, "workgroup");
  assert.throws(
    () => explain(pipe(gmm()), { height: 8, width: 9000, channels: 1 }),
    (e: unknown) => e instanceof FreqaugError && /width 9000/.test(e.message),
  );
});

// ---- On the adapter ----

gpuTest("random pipelines match the CPU backend for H, W in 1..96, 1 or 3 channels", async () => {
  const shape = fc.record({
    height: fc.integer({ min: 1, max: 96 }),
    width: fc.integer({ min: 1, max: 96 }),
    channels: fc.constantFrom(1, 3),
    count: fc.integer({ min: 1, max: 3 }),
  });
  const pick = shape.chain((s) => fc.tuple(fc.constant(s), arbPipeline({ channels: s.channels, maxOps: 4 })));
  await property(
    fc.asyncProperty(pick, fc.integer({ min: 0, max: 2 ** 31 }), async ([s, pipeline], seed) => {
      await parity(pipeline, s.count, s.channels, s.height, s.width, seed);
    }),
    Number(Deno.env.get("FREQAUG_GPU_RUNS") ?? 12),
  );
});

gpuTest("prime, odd and edge sizes up to 2048 match the CPU backend", async () => {
  for (const [h, w] of [[1, 1], [1, 2], [2, 1], [89, 97], [61, 67], [96, 95], [17, 3], [5, 96], [3, 2048], [2039, 2]]) {
    await parity(EVERY_OP, 2, 3, h, w, h * 1000 + w);
  }
});

gpuTest("224x224 and 256x256 with every op match the CPU backend", async () => {
  await parity(EVERY_OP, 3, 3, 224, 224, 11);
  await parity(EVERY_OP, 2, 3, 256, 256, 12);
  await parity(pipe(gmm({ k: 20, sigma: [10, 15], c: 4 })), 4, 3, 224, 224, 13);
});

gpuTest(
  "the spectrum's tiles at 224², 97x89, 223x227, 32², 16x128, 1024², in 16 and 48 KiB of workgroup memory",
  async () => {
    const ctx = (await gpuContext())!;
    // Tiles of 1 to 16 columns: 16 KiB is WebGPU's default, 48 KiB NVIDIA's; storage scratch is llvmpipe's.
    const variants = [
      { ...ctx, limits: { ...ctx.limits, scratch: "workgroup" as const, workgroupStorage: 16384 } },
      { ...ctx, limits: { ...ctx.limits, scratch: "workgroup" as const, workgroupStorage: 49152 } },
      { ...ctx, limits: { ...ctx.limits, scratch: "storage" as const } },
    ];
    const tiles = new Set<string>();
    for (
      const [h, w, count] of [[224, 224, 2], [97, 89, 3], [223, 227, 2], [32, 32, 5], [16, 128, 3], [1024, 1024, 1]]
    ) {
      const shape = { height: h, width: w, channels: 3 };
      const data = image(count, 3, h, w, h % 5);
      const cpu = await augment(EVERY_OP, { data, count, ...shape }, { seed: h + w, backend: "cpu", workers: 0 });
      const tol = 2e-4 * Math.max(1, maxAbs(cpu.images.data));
      for (const v of variants) {
        const kernel = await compileGpu(v, EVERY_OP, shape);
        tiles.add(kernel.plan.passes[1].perWorkgroup.split(" x ")[0]);
        const got = await kernel.run(data, { count, seed: h + w });
        const err = maxDiff(got, cpu.images.data);
        assert.ok(err <= tol, `${h}x${w}, ${v.limits.workgroupStorage} B ${v.limits.scratch}: ${err} > ${tol}`);
        kernel.dispose();
      }
    }
    assert.ok(tiles.has("1 column(s)") && tiles.has("4 column(s)") && tiles.has("16 column(s)"), [...tiles].join(", "));
  },
);

gpuTest("the five lightly golden cases in lightly precision, within 2e-4", async () => {
  for (const name of goldenCases()) {
    const { g, params } = loadGolden(name);
    const [C, H, W] = g.shape;
    const pipeline = pipe(gmm({ k: g.num_gaussians, sigma: g.std_range, c: 1, keepDC: false, precision: "lightly" }));
    const batch = { data: Float32Array.from(g.x), count: 1, channels: C, height: H, width: W };
    const r = await augment(pipeline, batch, { params, backend: "webgpu" });
    const err = maxDiff(r.images.data, g.y);
    assert.ok(err <= 2e-5, `${name}: max error ${err} (2e-4 is the bar; llvmpipe gives <= 3.4e-7)`);
  }
});

gpuTest(
  "parameters drawn on the GPU are the CPU's sample(): same integer draws, float32 of the same uniforms",
  async () => {
    const ctx = (await gpuContext())!;
    const pipeline = pipe(
      gmm({ k: 7, sigma: [2, 9], c: 3, intensity: [0.3, 0.9], p: 0.6 }),
      phaseShift({ range: [0.2, 1.5], p: 0.7 }),
      randomFrequencyMask({ k: [0.1, 0.4], p: 0.8 }),
      amplitudeRescale({ range: [0.5, 1.5], p: 0.5 }),
    );
    const shape = { height: 37, width: 52, channels: 1 };
    const count = 40, seed = -987654321012, offset = 4294967000; // sample indices near 2^32
    const kernel = await compileGpu(ctx, pipeline, shape);
    await kernel.run(image(count, 1, 37, 52), { count, seed, offset });
    const table = await kernel.readTable(count);
    const f = new Float32Array(table.buffer);
    const cpu = sample(pipeline, { seed, count, height: 37, width: 52, offset });
    const { words } = buildConsts(pipeline, shape);
    const offsets = constOffsets(pipeline, 1);
    const ulps = (a: number, b: number) => Math.abs(a - b) / (Math.abs(b) * 2 ** -23 + 1e-30);
    let applied = 0;
    for (let s = 0; s < count; s++) {
      const base = (i: number) => s * words[0] + words[offsets[i] + 1];
      const [g, ph, rfm, amp] = cpu[s];
      assert.equal(table[base(0)], g.applied ? 1 : 0, `sample ${s} gmm applied`);
      if (g.op === "gmm" && g.applied) {
        applied++;
        g.gaussians.forEach((d, i) => {
          const o = base(0) + 1 + 5 * i;
          assert.equal(f[o], d.u0);
          assert.equal(f[o + 1], d.v0);
          assert.ok(ulps(f[o + 2], d.sigmaU) <= 2 && ulps(f[o + 3], d.sigmaV) <= 2 && ulps(f[o + 4], d.intensity) <= 2);
        });
      }
      assert.equal(table[base(1)], ph.applied ? 1 : 0);
      if (ph.op === "phaseShift" && ph.applied) assert.ok(ulps(f[base(1) + 1], ph.theta) <= 2);
      assert.equal(table[base(2)], rfm.applied ? 1 : 0);
      if (rfm.op === "randomFrequencyMask" && rfm.applied) {
        assert.equal(table[base(2) + 1], rfm.q * 16777216, `sample ${s}: drop threshold`);
        assert.deepEqual([...table.subarray(base(2) + 2, base(2) + 6)], [
          (offset + s) >>> 0,
          seed >>> 0,
          Math.floor(seed / 2 ** 32) >>> 0,
          2,
        ]);
      }
      assert.equal(table[base(3)], amp.applied ? 1 : 0);
    }
    assert.ok(applied > 10 && applied < count, `gmm applied to ${applied} of ${count}`);
    kernel.dispose();
  },
);

gpuTest(
  "laws: mask in [0, 1] (read back through the impulse response), keepDC means, clarity grows with c, large c",
  async () => {
    const H = 24, W = 20, V = (W >> 1) + 1;
    for (const seed of [1, 2, 3]) {
      const op = gmm({ k: 6, sigma: [1, 4], c: 0.5 + seed, keepDC: false });
      const impulse = new Float32Array(H * W);
      impulse[0] = 1; // its spectrum is 1 in every bin, so the output's spectrum is the mask
      const r = await augment(pipe(op), { data: impulse, count: 1, channels: 1, height: H, width: W }, {
        seed,
        backend: "webgpu",
      });
      const spec = rfft2(r.images.data, H, W);
      const [p] = sample(pipe(op), { seed, count: 1, height: H, width: W });
      const ref = gmmMask((p[0] as GmmParams).gaussians, H, W, { c: op.c, keepDC: false });
      for (let u = 0; u < H; u++) {
        for (let v = 0; v < V; v++) {
          const m = spec.re[u * V + v];
          assert.ok(m >= -1e-5 && m <= 1 + 1e-5 && Math.abs(spec.im[u * V + v]) <= 1e-5, `mask ${m} at ${u},${v}`);
          // Interior columns have no mirror, so irfft2 keeps the mask exactly there.
          if (v > 0 && !(W % 2 === 0 && v === W >> 1)) assert.ok(Math.abs(m - ref[u * V + v]) <= 2e-5);
        }
      }
    }
    const batch = { data: image(2, 3, 30, 26), count: 2, channels: 3, height: 30, width: 26 };
    const options = { backend: "webgpu" as const };
    await preservesChannelMeans(
      pipe(gmm({ k: 5, sigma: [2, 5], keepDC: true }), phaseShift({ keepDC: true })),
      batch,
      5,
      1e-4,
      options,
    );
    await clarityGrowsWithC(gmm({ k: 8, sigma: [2, 6] }), 0.5, 8, batch, 6, options);
    await largeCIsIdentity(gmm({ k: 8, sigma: [2, 6] }), batch, 7, 1e6, options);
    await deterministic(EVERY_OP, batch, 8, options);
    await splitInvariant(EVERY_OP, { ...batch, data: image(3, 3, 30, 26), count: 3 }, 9, 1, options);
    await replayable(EVERY_OP, batch, 10, options);
  },
);

gpuTest("a run is one compute pass of at most three dispatches, and reruns never recompile", async () => {
  const ctx = (await gpuContext())!;
  const shape = { height: 40, width: 36, channels: 3 };
  const k1 = await compile(EVERY_OP, shape, { backend: "webgpu" });
  assert.ok(k1.explain(8).dispatches <= 3);
  const batch = { data: image(4, 3, 40, 36), count: 4, channels: 3, height: 40, width: 36 };
  await k1.run(batch, { seed: 1 });
  const compiled = cachedPipelines(ctx.device);
  await k1.run(batch, { seed: 2, offset: 4 });
  const again = await k1.run(batch, { seed: 3 });
  await k1.run(batch, { params: again.params });
  const k2 = await compile(
    pipe(
      gmm({ k: 3, sigma: [1, 2], c: 0.5 }),
      amplitudeRescale({ range: [0.1, 3] }),
      phaseShift({ range: [-1, 1] }),
      randomFrequencyMask({ k: [0.5, 0.9] }),
      normalize({ mean: [0.1, 0.2, 0.3], std: [1, 2, 3] }),
      clamp({ min: 0, max: 1 }),
    ),
    shape,
    { backend: "webgpu" },
  );
  await k2.run(batch, { seed: 4 });
  assert.equal(cachedPipelines(ctx.device), compiled, "new seeds, params or numbers compiled new shaders");
  const gpu = await compileGpu(ctx, EVERY_OP, shape);
  await gpu.run(batch.data, { count: 4, seed: 5 });
  assert.ok(gpu.stats.dispatches <= 3 && gpu.stats.computePasses === 1, JSON.stringify(gpu.stats));
  for (const k of [k1, k2, gpu]) k.dispose();
});

gpuTest("a batch over the device's buffer limit is split and gives the same result", async () => {
  const ctx = (await gpuContext())!;
  const shape = { height: 20, width: 18, channels: 3 };
  const per = 8 * 3 * 20 * 10; // bytes of one image's half-spectrum
  const small = { ...ctx, limits: { ...ctx.limits, maxBinding: 3 * per } };
  const kernel = await compileGpu(small, EVERY_OP, shape);
  assert.ok(kernel.maxChunk <= 3, `chunk ${kernel.maxChunk}`);
  const data = image(10, 3, 20, 18);
  const split = await kernel.run(data, { count: 10, seed: 77 });
  assert.equal(kernel.stats.submissions, Math.ceil(10 / kernel.maxChunk));
  const whole = await augment(EVERY_OP, { data, count: 10, ...shape }, { seed: 77, backend: "webgpu" });
  assert.deepEqual(split, whole.images.data);
  kernel.dispose();
});

gpuTest("augmentStream keeps batches in flight and equals one big batch", async () => {
  const shape = { height: 24, width: 24, channels: 3 };
  const data = image(12, 3, 24, 24);
  const per = 3 * 24 * 24;
  let pulled = 0, pulledAtFirst = 0;
  async function* batches() {
    for (let i = 0; i < 4; i++) {
      pulled++;
      yield { data: data.slice(3 * i * per, 3 * (i + 1) * per), count: 3, ...shape };
    }
  }
  const out: number[] = [];
  let n = 0;
  for await (const r of augmentStream(EVERY_OP, batches(), { seed: 21, backend: "webgpu", inFlight: 3 })) {
    if (n === 0) pulledAtFirst = pulled;
    assert.equal(r.backend, "webgpu");
    out.push(...r.images.data);
    n++;
  }
  assert.equal(n, 4);
  // Three batches were submitted before the first result was awaited ...
  assert.equal(pulledAtFirst, 3);
  // ... and the GPU kernel behind them had more than one run in flight.
  const backend = await resolveBackend("webgpu");
  assert.ok(backend._tag === "Right");
  const kernel = await kernelFor(EVERY_OP, shape, backend.right);
  assert.ok(kernel._tag === "Right" && kernel.right instanceof Object);
  const gpu = (kernel.right as unknown as { gpu: { stats: { peakRuns: number } } }).gpu;
  assert.ok(gpu.stats.peakRuns >= 2, `peak runs in flight: ${gpu.stats.peakRuns}`);
  const whole = await augment(EVERY_OP, { data, count: 12, ...shape }, { seed: 21, backend: "webgpu" });
  assert.deepEqual(Float32Array.from(out), whole.images.data);
});

gpuTest("float64 batches come back as float64; params are lazily the CPU's", async () => {
  const batch = { data: Float64Array.from(image(2, 1, 16, 16)), count: 2, channels: 1, height: 16, width: 16 };
  const pipeline = pipe(gmm(), normalize({ mean: [0.5], std: [0.25] }));
  const r = await augment(pipeline, batch, { seed: 3, backend: "webgpu" });
  assert.ok(r.images.data instanceof Float64Array);
  assert.deepEqual(r.params, sample(pipeline, { seed: 3, count: 2, height: 16, width: 16 }));
});

gpuTest("the workgroup-memory FFTs (what hardware adapters run): Stockham, Bluestein and direct DFT", async () => {
  const ctx = (await gpuContext())!;
  // A small workgroup memory keeps llvmpipe's compile quick and forces all three strategies.
  const wg = { ...ctx, limits: { ...ctx.limits, scratch: "workgroup" as const, workgroupStorage: 2048 } };
  for (const [h, w] of [[12, 10], [17, 37], [67, 8]]) {
    const shape = { height: h, width: w, channels: 3 };
    const kernel = await compileGpu(wg, EVERY_OP, shape);
    assert.equal(kernel.plan.passes[0].scratch, "workgroup");
    const data = image(2, 3, h, w);
    const got = await kernel.run(data, { count: 2, seed: 31 });
    const cpu = await augment(EVERY_OP, { data, count: 2, ...shape }, { seed: 31, backend: "cpu", workers: 0 });
    const err = maxDiff(got, cpu.images.data);
    assert.ok(
      err <= 2e-4 * Math.max(1, maxAbs(cpu.images.data)),
      `${h}x${w}: ${err} (${kernel.plan.fft.rows?.kind}/${kernel.plan.fft.columns?.kind})`,
    );
    kernel.dispose();
  }
});

gpuTest("auto picks the CPU backend on a software adapter, WebGPU on hardware", async () => {
  const r = await resolveBackend("auto", true);
  assert.ok(r._tag === "Right");
  if (adapter!.fallback) {
    assert.equal(r.right.kind, "cpu");
    assert.match(r.right.why, /software fallback/);
  } else assert.equal(r.right.kind, "webgpu");
});

gpuTest("a shape over the adapter's FFT limit is the library's error, naming the axis", async () => {
  const batch = { data: new Float32Array(9000), count: 1, channels: 1, height: 1, width: 9000 };
  await assert.rejects(
    augment(pipe(gmm()), batch, { backend: "webgpu", seed: 1 }),
    (e: unknown) => e instanceof FreqaugError && e.code === "backend" && /width 9000/.test(e.message),
  );
});

// Last: it destroys the shared device.
gpuTest("a lost device is the library's error for its kernels; the next call opens a new device", async () => {
  const shape = { height: 16, width: 16, channels: 1 };
  const batch = { data: image(1, 1, 16, 16), count: 1, ...shape };
  const kernel = await compile(pipe(gmm()), shape, { backend: "webgpu" });
  await kernel.run(batch, { seed: 1 });
  const old = (await gpuContext())!;
  old.device.destroy();
  await old.device.lost;
  await assert.rejects(
    kernel.run(batch, { seed: 2 }),
    (e: unknown) => e instanceof FreqaugError && e.code === "backend" && /lost/.test(e.message),
  );
  const again = await augment(pipe(gmm()), batch, { seed: 2, backend: "webgpu" });
  assert.equal(again.backend, "webgpu");
  assert.notEqual((await gpuContext())!.device, old.device);
});
