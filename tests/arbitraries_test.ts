// The testing kit's arbitraries generate ops that do something: the share of
// generated ops that apply and change an image by more than 1e-3 is reported
// and must be at least 50%, and their parameters lie in practitioners' ranges.
import assert from "node:assert/strict";
import fc from "fast-check";
import { augment, type Op, pipe } from "../mod.ts";
import { arbGmm, arbOp, arbPipeline, arbProbability } from "../src/testing/mod.ts";
import { FC_SEED } from "./_helpers.ts";

/** A photo-like 3-channel image in [0, 1]: gradients, a grating, an edge, some texture. */
function photo(height: number, width: number): Float32Array {
  const out = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        const v = 0.35 + 0.2 * (w / width) + 0.15 * Math.sin(0.9 * h + c) + (w > width / 2 ? 0.15 : 0) +
          0.08 * Math.sin(2.7 * w * h + c);
        out[(c * height + h) * width + w] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return out;
}

Deno.test("arbitraries: at least 50% of generated ops apply and change the image by more than 1e-3", async () => {
  const n = 600;
  const ops = fc.sample(arbOp(3), { numRuns: n, seed: FC_SEED });
  const sizes = fc.sample(fc.tuple(fc.integer({ min: 8, max: 40 }), fc.integer({ min: 8, max: 40 })), {
    numRuns: n,
    seed: FC_SEED + 1,
  });
  const byKind = new Map<string, { total: number; effective: number }>();
  let effective = 0;
  for (let i = 0; i < n; i++) {
    const op: Op = ops[i];
    const [height, width] = sizes[i];
    const data = photo(height, width);
    const r = await augment(pipe(op), { data, count: 1, channels: 3, height, width }, {
      seed: i,
      backend: "cpu",
      workers: 0,
    });
    let change = 0;
    for (let j = 0; j < data.length; j++) change = Math.max(change, Math.abs(r.images.data[j] - data[j]));
    const works = r.params[0][0].applied && change > 1e-3;
    if (works) effective++;
    const k = byKind.get(op.op) ?? { total: 0, effective: 0 };
    k.total++;
    if (works) k.effective++;
    byKind.set(op.op, k);
  }
  const share = effective / n;
  const detail = [...byKind].map(([name, k]) => `${name} ${k.effective}/${k.total}`).join(", ");
  console.log(`coverage (fast-check seed ${FC_SEED}): ${(100 * share).toFixed(1)}% of ${n} ops effective (${detail})`);
  assert.ok(share >= 0.5, `only ${(100 * share).toFixed(1)}% of generated ops apply and change the image`);
  for (const [name, k] of byKind) {
    assert.ok(k.effective / k.total >= 0.3, `${name}: only ${k.effective}/${k.total} effective`);
  }
});

Deno.test("arbitraries: parameters lie in practitioners' ranges, with the boundaries present", () => {
  const gmms = fc.sample(arbGmm(), { numRuns: 2000, seed: FC_SEED });
  for (const op of gmms) {
    assert.ok(op.k >= 1 && op.k <= 40, `k ${op.k}`);
    assert.ok(op.sigma[0] >= 1 && op.sigma[1] <= 30 && op.sigma[0] <= op.sigma[1], `sigma ${op.sigma}`);
    assert.ok(op.c >= 0.1 && op.c <= 100, `c ${op.c}`);
    assert.ok(op.intensity[0] >= 0.2 && op.intensity[1] <= 1, `intensity ${op.intensity}`);
  }
  const share = (f: (x: (typeof gmms)[number]) => boolean) => gmms.filter(f).length / gmms.length;
  // c is log-uniform: about as many below 1 as in [1, 10] and in [10, 100].
  assert.ok(share((o) => o.c < 1) > 0.2 && share((o) => o.c > 10) > 0.2, "c is not spread over its decades");
  assert.ok(share((o) => o.k === 1) > 0.02 && share((o) => o.k === 40) > 0.02, "k's ends are rare");
  assert.ok(share((o) => o.precision === "lightly") > 0.2, "lightly precision is rare");
  assert.ok(share((o) => o.intensity[1] > 0.01 && o.p > 0) > 0.9, "near-identity GMMs are common");
  const ps = fc.sample(arbProbability(), { numRuns: 2000, seed: FC_SEED });
  const p1 = ps.filter((p) => p === 1).length / ps.length;
  assert.ok(p1 > 0.5 && p1 < 0.8, `p = 1 in ${p1}`);
  assert.ok(ps.includes(0.2) && ps.includes(0.5) && ps.includes(0), "p's usual values are missing");
  const pipelines = fc.sample(arbPipeline({ maxOps: 6, channels: 3 }), { numRuns: 300, seed: FC_SEED });
  assert.ok(pipelines.every((p) => p.ops.length >= 1 && p.ops.length <= 6));
  assert.ok(pipelines.some((p) => p.ops.length === 6));
});
