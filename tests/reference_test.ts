// freqaug against the independent reference in _reference.ts (its own Philox,
// its own draws, direct DFTs, each op from the README): random pipelines of
// 1–6 ops in random order on random shapes. The CPU backend must match within
// 1e-9 on float64 data and 1e-5 on float32; WebGPU within 2e-5 where an
// adapter exists.
import assert from "node:assert/strict";
import fc from "fast-check";
import { augment, type Batch, encodeSpec, gmmMask, pipe, type Pipeline, sample, webgpuAdapter } from "../mod.ts";
import { arbOp, arbSeed } from "../src/testing/mod.ts";
import { type RefDraw, refDraw, refGmmMask, refIrfft2, type RefOp, refPhilox, refRfft2, refRun } from "./_reference.ts";
import { FC_SEED, maxAbs, maxDiff, property } from "./_helpers.ts";

const hex = (a: number[]) => a.map((x) => x.toString(16).padStart(8, "0")).join(" ");

Deno.test("reference: its Philox meets the Random123 known answers", () => {
  assert.equal(hex(refPhilox([0, 0, 0, 0], [0, 0])), "6627e8d5 e169c58d bc57ac4c 9b00dbd8");
  const f = 0xffffffff;
  assert.equal(hex(refPhilox([f, f, f, f], [f, f])), "408f276d 41c83b0e a20bc7c6 6d5451fd");
  assert.equal(
    hex(refPhilox([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    "d16cfe09 94fdcceb 5001e420 24126ea1",
  );
});

Deno.test("reference: its DFTs are numpy's rfft2 and irfft2", () => {
  // numpy.fft.rfft2([[1, 2, 3], [4, 5, 6]]) = [[21, -3+1.7320508j], [-9, 0]]
  const { re, im } = refRfft2([1, 2, 3, 4, 5, 6], 2, 3);
  const want = [[21, 0], [-3, Math.sqrt(3)], [-9, 0], [0, 0]];
  want.forEach(([r, i], d) => {
    assert.ok(Math.abs(re[d] - r) < 1e-12 && Math.abs(im[d] - i) < 1e-12, `bin ${d}: ${re[d]} ${im[d]}`);
  });
  // Round trip on odd and even sizes.
  for (const [H, W] of [[1, 1], [3, 4], [5, 7], [4, 6], [2, 1]]) {
    const x = Array.from({ length: H * W }, (_, i) => Math.sin(i * 1.7) + i / 7);
    const s = refRfft2(x, H, W);
    const y = refIrfft2(s.re, s.im, H, W);
    y.forEach((v, i) => assert.ok(Math.abs(v - x[i]) < 1e-12, `${H}x${W}[${i}]`));
  }
  // After the inverse along the first axis, the imaginary parts of column 0
  // and, for even W, of column W/2 are ignored: adding 5i to every bin of
  // those columns adds 5i at row 0 only, and changes nothing.
  const H = 3, W = 4, V = 3;
  const re2 = Array.from({ length: H * V }, (_, i) => i + 1), im2 = re2.map((v) => v / 3);
  const ignored = im2.map((v, d) => (d % V === 0 || d % V === 2 ? v + 5 : v));
  const a = refIrfft2(re2, ignored, H, W), b = refIrfft2(re2, im2, H, W);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `[${i}] ${v} vs ${b[i]}`));
  // …while an imaginary part in column 1 does change the output.
  const changed = refIrfft2(re2, im2.map((v, d) => (d % V === 1 ? v + 5 : v)), H, W);
  assert.ok(changed.some((v, i) => Math.abs(v - b[i]) > 1));
});

/** A shape: H, W in 1..48 (odd, even, prime), 1 or 3 channels, 1 or 2 images. */
const arbShape = fc.record({
  height: fc.oneof(fc.integer({ min: 1, max: 48 }), fc.constantFrom(1, 2, 31, 37, 47, 48)),
  width: fc.oneof(fc.integer({ min: 1, max: 48 }), fc.constantFrom(1, 2, 29, 43, 47, 48)),
  channels: fc.constantFrom(1, 3),
  count: fc.integer({ min: 1, max: 2 }),
});

/** Images in [0, 1] with structure (gradients, a grating, an edge) and noise. */
function arbImages(s: { height: number; width: number; channels: number; count: number }) {
  const n = s.count * s.channels * s.height * s.width;
  return fc.tuple(
    fc.float32Array({ min: 0, max: 1, noNaN: true, minLength: n, maxLength: n }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ).map(([noise, mix]) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const w = i % s.width, h = Math.floor(i / s.width) % s.height;
      const smooth = 0.5 + 0.25 * Math.sin(0.7 * w + 0.3 * h) + (w > s.width / 2 ? 0.2 : -0.2);
      out[i] = Math.min(1, Math.max(0, (1 - mix) * smooth + mix * noise[i]));
    }
    return out;
  });
}

/** Random pipelines of 1–6 ops in random order (frequency ops adjacent, or split by spatial ops). */
const arbCase = arbShape.chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    ops: fc.array(arbOp(shape.channels), { minLength: 1, maxLength: 6 }),
    data: arbImages(shape),
    seed: arbSeed(),
  })
);

/** The reference's output for a whole batch, drawn from the seed (sample n = batch index). */
function reference(pipeline: Pipeline, batch: Batch<Float64Array>, seed: number): Float64Array {
  const ops = encodeSpec(pipeline).ops as RefOp[];
  const { channels: C, height: H, width: W } = batch;
  const per = C * H * W, out = new Float64Array(batch.data.length);
  for (let n = 0; n < batch.count; n++) {
    out.set(refRun(ops, batch.data.subarray(n * per, (n + 1) * per), C, H, W, seed, n), n * per);
  }
  return out;
}

/**
 * The allowed error: `rel` of the values' scale, plus, for `lightly`-precision
 * GMMs, the reference's own float32 rounding (its exp is correctly rounded,
 * lightly's is SLEEF's: each factor within (3a/c + 2)·2^-24, so the mask within
 * k times that, and the output within that times ‖x‖₂ by Parseval).
 */
function tolerance(pipeline: Pipeline, batch: Batch<Float64Array>, ref: Float64Array, rel: number): number {
  const scale = Math.max(1, maxAbs(ref), maxAbs(batch.data));
  let lightly = 0;
  for (const op of pipeline.ops) {
    if (op.op === "gmm" && op.precision === "lightly") lightly += op.k * (3 * op.intensity[1] / op.c + 2) * 2 ** -24;
  }
  // Later ops may amplify (amplitudeRescale ≤ 2.2, normalize ≤ 10 per op): the scale bounds that.
  return rel * scale + lightly * Math.sqrt(batch.height * batch.width) * scale * 25;
}

let worst64 = 0, worst32 = 0, worstLightly = 0, cases = 0, lightlyCases = 0;

Deno.test("reference: sample() draws what the documented counter layout gives", async () => {
  await property(
    fc.property(arbCase, ({ shape, ops, seed }) => {
      const pipeline = pipe(...ops);
      const refOps = encodeSpec(pipeline).ops as RefOp[];
      const got = sample(pipeline, { seed, count: shape.count, height: shape.height, width: shape.width, offset: 5 });
      got.forEach((entries, s) => {
        entries.forEach((p, o) => {
          const want: RefDraw = refDraw(refOps[o], o, seed, 5 + s, shape.height, shape.width);
          assert.equal(p.applied, want.applied, `sample ${s} op ${o} applied`);
          if (!p.applied) return;
          if (p.op === "gmm") assert.deepEqual(p.gaussians, want.gaussians, `sample ${s} op ${o} gaussians`);
          if (p.op === "phaseShift") assert.equal(p.theta, want.theta, `sample ${s} op ${o} theta`);
          if (p.op === "randomFrequencyMask") assert.equal(p.q, want.q, `sample ${s} op ${o} q`);
          if (p.op === "amplitudeRescale" || p.op === "randomFrequencyMask") {
            assert.deepEqual(p.key, { seed, sample: 5 + s, op: o }, `sample ${s} op ${o} key`);
          }
        });
      });
    }),
    300,
  );
});

Deno.test("reference: the CPU backend equals the reference (1e-9 float64, 1e-5 float32), ops in any order", async () => {
  await property(
    fc.asyncProperty(arbCase, async ({ shape, ops, data, seed }) => {
      const pipeline = pipe(...ops);
      const b64: Batch<Float64Array> = { ...shape, data };
      const ref = reference(pipeline, b64, seed);
      const r64 = await augment(pipeline, b64, { seed, backend: "cpu", workers: 0 });
      const e64 = maxDiff(r64.images.data, ref);
      const t64 = tolerance(pipeline, b64, ref, 1e-9);
      assert.ok(e64 <= t64, `float64: max error ${e64} > ${t64}\n${JSON.stringify(encodeSpec(pipeline))}`);
      const r32 = await augment(pipeline, { ...shape, data: Float32Array.from(data) }, {
        seed,
        backend: "cpu",
        workers: 0,
      });
      const e32 = maxDiff(r32.images.data, ref);
      const t32 = tolerance(pipeline, b64, ref, 1e-5);
      assert.ok(e32 <= t32, `float32: max error ${e32} > ${t32}\n${JSON.stringify(encodeSpec(pipeline))}`);
      const scale = Math.max(1, maxAbs(ref));
      if (pipeline.ops.some((op) => op.op === "gmm" && op.precision === "lightly")) {
        worstLightly = Math.max(worstLightly, e64 / scale);
        lightlyCases++;
      } else {
        worst64 = Math.max(worst64, e64 / scale);
        worst32 = Math.max(worst32, e32 / scale);
      }
      cases++;
    }),
    Number(Deno.env.get("FREQAUG_REFERENCE_RUNS") ?? 250),
  );
  console.log(
    `reference property (fast-check seed ${FC_SEED}): ${cases} cases, worst error relative to max(1, |y|): ` +
      `float64 ${worst64.toExponential(2)}, float32 ${worst32.toExponential(2)}; ` +
      `${lightlyCases} with a lightly-precision gmm, float64 ${worstLightly.toExponential(2)}`,
  );
});

Deno.test("reference: ops in the other order are caught (phaseShift before gmm and amplitudeRescale)", async () => {
  // The two orders of a non-commuting pair differ from each other, and each
  // matches the reference of its own order only.
  const H = 12, W = 10, seed = 77;
  const data = new Float64Array(3 * H * W).map((_, i) => 0.5 + 0.4 * Math.sin(i * 0.37) * Math.cos(i * 0.11));
  const batch: Batch<Float64Array> = { data, count: 1, channels: 3, height: H, width: W };
  const ops: RefOp[] = [
    { op: "phaseShift", range: [0.5, 1.5], includeNegatives: true, keepDC: false, p: 1 },
    { op: "gmm", k: 6, sigma: [1, 3], c: 0.7, intensity: [0.6, 1], keepDC: false, p: 1, precision: "float64" },
    { op: "amplitudeRescale", range: [0.3, 1.9], keepDC: true, p: 1 },
  ];
  for (const order of [[0, 1, 2], [1, 0, 2], [2, 1, 0], [1, 2, 0]]) {
    const pipeline = pipe(...order.map((i) => ops[i]) as never[]);
    const got = (await augment(pipeline, batch, { seed, backend: "cpu", workers: 0 })).images.data;
    const ref = reference(pipeline, batch, seed);
    assert.ok(maxDiff(got, ref) <= 1e-9, `order ${order}: ${maxDiff(got, ref)}`);
  }
});

Deno.test("reference: gmmMask with and without keepDC is the README's formula in both precisions", () => {
  const gaussians = [
    { u0: 0, v0: 0, sigmaU: 2.5, sigmaV: 1.5, intensity: 0.9 },
    { u0: 7, v0: 3, sigmaU: 4, sigmaV: 6, intensity: 0.4 },
    { u0: 10, v0: 6, sigmaU: 1, sigmaV: 1, intensity: 1 },
  ];
  {
    for (const [H, W] of [[11, 12], [12, 11], [1, 1]]) {
      for (const keepDC of [false, true]) {
        for (const c of [0.3, 1, 4]) {
          const gs = gaussians.map((g) => ({ ...g, u0: g.u0 % H, v0: g.v0 % (Math.floor(W / 2) + 1) }));
          const m = gmmMask(gs, H, W, { c, keepDC });
          const ref = refGmmMask(gs, H, W, c, keepDC);
          assert.ok(maxDiff(m, ref) <= 1e-14, `${H}x${W} keepDC ${keepDC} c ${c}: ${maxDiff(m, ref)}`);
          if (keepDC) assert.equal(m[0], 1);
          else assert.ok(m[0] < 1 || H * W === 1, `DC bin ${m[0]} not notched without keepDC`);
          const ml = gmmMask(gs, H, W, { c, keepDC, precision: "lightly" });
          const rl = refGmmMask(gs, H, W, c, keepDC, "lightly");
          assert.ok(maxDiff(ml, rl) <= 3 * (3 / c + 2) * 2 ** -24, `lightly ${H}x${W}: ${maxDiff(ml, rl)}`);
          assert.ok(maxDiff(ml, ref) <= 3 * (3 / c + 2) * 2 ** -24, `lightly vs float64 ${H}x${W}`);
        }
      }
    }
  }
});

const adapter = await webgpuAdapter();
Deno.test({
  name: "reference: the WebGPU backend equals the reference within 2e-5 (float32)",
  ignore: !adapter,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    let n = 0, worst = 0;
    await property(
      fc.asyncProperty(arbCase, async ({ shape, ops, data, seed }) => {
        const pipeline = pipe(...ops);
        const b64: Batch<Float64Array> = { ...shape, data };
        const ref = reference(pipeline, b64, seed);
        const r = await augment(pipeline, { ...shape, data: Float32Array.from(data) }, { seed, backend: "webgpu" });
        const e = maxDiff(r.images.data, ref);
        const t = tolerance(pipeline, b64, ref, 2e-5);
        assert.ok(e <= t, `webgpu: max error ${e} > ${t}\n${JSON.stringify(encodeSpec(pipeline))}`);
        worst = Math.max(worst, e / Math.max(1, maxAbs(ref)));
        n++;
      }),
      Number(Deno.env.get("FREQAUG_GPU_RUNS") ?? 12),
    );
    console.log(`reference property on WebGPU: ${n} cases, worst relative error ${worst.toExponential(2)}`);
  },
});
