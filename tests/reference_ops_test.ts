// The new ops (randomResizedCrop, flips, colorJitter, grayscale, gaussianBlur,
// solarize) against the independent reference in _reference_ops.ts, alone and
// mixed in any order with the frequency ops and normalize/clamp (whose reference
// is _reference.ts): draws exactly, outputs within 1e-9 on float64 data.
import assert from "node:assert/strict";
import fc from "fast-check";
import { augment, encodeSpec, oneOf, pipe, type Pipeline, randomApply, sample } from "../mod.ts";
import { arbOp, arbSeed, arbViewOp } from "../src/testing/mod.ts";
import { type RefDraw, refDraw, refKey, type RefOp, refPhilox, refRun } from "./_reference.ts";
import { REF_NEW_OPS, refApplyNew, refDrawNew, type RefNewParams } from "./_reference_ops.ts";
import { FC_SEED, maxAbs, maxDiff, property } from "./_helpers.ts";

const NEW = new Set<string>(REF_NEW_OPS);

const COMBINATORS = new Set(["randomApply", "oneOf"]);

/** A uniform in [0, 1) from draw j of op index o, sample n: the README's counter layout, by the reference's Philox. */
function refUnit(seed: number, n: number, o: number, j: number): number {
  return (refPhilox([j, o, n, 0], refKey(seed))[0] >>> 8) / 16777216;
}

/**
 * Runs ops on one image by the references, op k drawing as Philox op index
 * idx[k] for the shape it sees: the new ops by _reference_ops.ts, each
 * maximal run of the older ops by _reference.ts's refRun (placed at their
 * indices in an array of ops it does not know, which it skips, so that every
 * op keeps its counters), and randomApply / oneOf as the README defines them:
 * draw 0 against p for the group, oneOf's choice from draw 1 by weight, child
 * j at index (o + 1)·64 + j.
 */
function refRunOps(
  ops: readonly RefOp[],
  idx: readonly number[],
  x: ArrayLike<number>,
  C: number,
  H: number,
  W: number,
  seed: number,
  n: number,
): { y: number[]; H: number; W: number } {
  let img: ArrayLike<number> = x;
  let h = H, w = W;
  let i = 0;
  while (i < ops.length) {
    const op = ops[i], o = idx[i];
    if (COMBINATORS.has(op.op)) {
      const applied = op.p >= 1 || refUnit(seed, n, o, 0) < op.p;
      const kids = op.ops as RefOp[];
      const at = (j: number) => (o + 1) * 64 + j;
      if (applied && op.op === "randomApply") {
        const r = refRunOps(kids, kids.map((_, j) => at(j)), img, C, h, w, seed, n);
        [img, h, w] = [r.y, r.H, r.W];
      } else if (applied) {
        const weights: number[] = op.weights.length ? op.weights : kids.map(() => 1);
        const total = weights.reduce((a, b) => a + b, 0);
        const target = refUnit(seed, n, o, 1) * total;
        let chosen = -1, acc = 0;
        for (let j = 0; j < kids.length && chosen < 0; j++) {
          acc += weights[j];
          if (weights[j] > 0 && target < acc) chosen = j;
        }
        if (chosen < 0) chosen = weights.map((wt, j) => (wt > 0 ? j : -1)).filter((j) => j >= 0).pop()!;
        const r = refRunOps([kids[chosen]], [at(chosen)], img, C, h, w, seed, n);
        [img, h, w] = [r.y, r.H, r.W];
      }
      i++;
      continue;
    }
    if (NEW.has(op.op)) {
      const r = refApplyNew(op, refDrawNew(op, o, seed, n, h, w), img, C, h, w);
      [img, h, w] = [r.y, r.H, r.W];
      i++;
      continue;
    }
    let j = i;
    while (j < ops.length && !NEW.has(ops[j].op) && !COMBINATORS.has(ops[j].op)) j++;
    const last = idx[j - 1];
    const hidden: RefOp[] = Array.from({ length: last + 1 }, () => ({ op: "elsewhere" }));
    const draws: RefDraw[] = Array.from({ length: last + 1 }, () => ({ applied: false }));
    for (let k = i; k < j; k++) {
      hidden[idx[k]] = ops[k];
      draws[idx[k]] = refDraw(ops[k], idx[k], seed, n, h, w);
    }
    img = refRun(hidden, img, C, h, w, seed, n, draws);
    i = j;
  }
  return { y: Array.from(img), H: h, W: w };
}

/** A whole pipeline (op k at index k). */
function refRunAll(
  ops: readonly RefOp[],
  x: ArrayLike<number>,
  C: number,
  H: number,
  W: number,
  seed: number,
  n: number,
) {
  return refRunOps(ops, ops.map((_, k) => k), x, C, H, W, seed, n);
}

/** Shapes each op sees, from the ops' JSON (only randomResizedCrop changes it). */
function shapes(ops: readonly RefOp[], H: number, W: number): [number, number][] {
  const out: [number, number][] = [[H, W]];
  for (const op of ops) out.push(op.op === "randomResizedCrop" ? [op.size[0], op.size[1]] : out[out.length - 1]);
  return out;
}

/** The reference's params of every new op (each drawn for the shape it sees). */
function refParams(ops: readonly RefOp[], seed: number, n: number, H: number, W: number): RefNewParams[] {
  const sh = shapes(ops, H, W);
  return ops.map((op, o) => refDrawNew(op, o, seed, n, ...sh[o]));
}

const arbShape = fc.record({
  channels: fc.constantFrom(1, 3, 3),
  height: fc.oneof(fc.integer({ min: 1, max: 24 }), fc.constantFrom(1, 2, 13, 17)),
  width: fc.oneof(fc.integer({ min: 1, max: 24 }), fc.constantFrom(1, 2, 13, 16)),
});

function image(C: number, H: number, W: number, seed: number): Float64Array {
  // Smooth content with edges, in [0, 1]: what crops, blurs and colour ops meet in photos.
  return Float64Array.from({ length: C * H * W }, (_, i) => {
    const c = Math.floor(i / (H * W)), y = Math.floor(i / W) % H, x = i % W;
    const v = 0.5 + 0.35 * Math.sin(0.7 * x + 1.3 * y + seed + 2 * c) + (x > W / 2 ? 0.1 : -0.1);
    return Math.min(1, Math.max(0, v));
  });
}

Deno.test("reference (new ops): sample() draws exactly the reference's params, every op, every shape it sees", async () => {
  await property(
    fc.property(
      fc.record({ shape: arbShape, ops: fc.array(arbViewOp(3), { minLength: 1, maxLength: 5 }), seed: arbSeed() }),
      ({ shape, ops, seed }) => {
        const p = pipe(...ops);
        const json = encodeSpec(p).ops as RefOp[];
        const got = sample(p, { seed, count: 3, offset: 5, height: shape.height, width: shape.width });
        for (let s = 0; s < 3; s++) {
          const want = refParams(json, seed, 5 + s, shape.height, shape.width);
          assert.deepEqual(JSON.parse(JSON.stringify(got[s])), JSON.parse(JSON.stringify(want)));
        }
      },
    ),
    300,
  );
});

Deno.test("reference (new ops): random pipelines of every op in any order, CPU within 1e-9 on float64", async () => {
  let worst = 0, runs = 0;
  await property(
    fc.asyncProperty(
      fc.record({
        shape: arbShape,
        ops: fc.array(fc.oneof({ arbitrary: arbViewOp(3), weight: 3 }, { arbitrary: arbOp(3), weight: 2 }), {
          minLength: 1,
          maxLength: 6,
        }),
        seed: arbSeed(),
      }).filter(({ shape, ops }) =>
        shape.channels === 3 || ops.every((op) => op.op !== "normalize" || op.mean.length === 1)
      ),
      async ({ shape, ops, seed }) => {
        const { channels: C, height: H, width: W } = shape;
        const p: Pipeline = pipe(...ops);
        const x = image(C, H, W, seed % 7);
        const r = await augment(p, { data: Float64Array.from(x), count: 1, channels: C, height: H, width: W }, {
          seed,
          backend: "cpu",
        });
        const want = refRunAll(encodeSpec(p).ops as RefOp[], x, C, H, W, seed, 0);
        assert.deepEqual([r.images.height, r.images.width], [want.H, want.W]);
        const d = maxDiff(r.images.data, want.y);
        const scale = Math.max(1, maxAbs(want.y));
        // lightly's float32 mask factors are the reference's within float32 rounding of exp's argument.
        const tol = ops.some((op) => op.op === "gmm" && op.precision === "lightly") ? 1e-8 : 1e-9;
        assert.ok(d <= tol * scale, `max diff ${d} (scale ${scale}) for ${JSON.stringify(encodeSpec(p).ops)}`);
        worst = Math.max(worst, d / scale);
        runs++;
      },
    ),
    250,
  );
  console.log(`worst relative difference ${worst.toExponential(2)} over ${runs} pipelines`);
});

Deno.test("reference (new ops): fixed orders around a frequency stage, as lightly's view has them", async () => {
  const C = 3, H = 29, W = 22;
  const x = image(C, H, W, 3);
  const orders: Record<string, unknown>[][] = [
    [{ op: "randomResizedCrop", size: [17, 19], p: 1 }, { op: "gmm", k: 5, sigma: [2, 4] }, { op: "colorJitter" }],
    [{ op: "colorJitter", p: 1 }, { op: "phaseShift" }, { op: "gaussianBlur" }, { op: "horizontalFlip", p: 1 }],
    [{ op: "gmm", k: 3, keepDC: false }, { op: "randomResizedCrop", size: 12 }, { op: "amplitudeRescale" }],
    [{ op: "solarize", p: 1 }, { op: "grayscale", p: 1 }, { op: "verticalFlip", p: 1 }, { op: "normalize" }],
  ];
  for (const ops of orders) {
    const p = pipe(...ops as never[]);
    for (const seed of [1, 2, 3]) {
      const r = await augment(p, { data: Float64Array.from(x), count: 1, channels: C, height: H, width: W }, {
        seed,
        backend: "cpu",
      });
      const want = refRunAll(encodeSpec(p).ops as RefOp[], x, C, H, W, seed, 0);
      assert.ok(maxDiff(r.images.data, want.y) <= 1e-9, JSON.stringify(ops));
    }
  }
  void FC_SEED;
});

Deno.test("reference (combinators): randomApply and oneOf, nested and around every op, CPU within 1e-9", async () => {
  let runs = 0;
  const arbChild = fc.oneof(arbViewOp(3).filter((op) => op.op !== "randomResizedCrop"), arbOp(3));
  const arbGroup = fc.oneof(
    fc.record({ ops: fc.array(arbChild, { minLength: 1, maxLength: 3 }), p: fc.constantFrom(0.5, 0.8, 1, 0.2) })
      .map(({ ops, p }) => randomApply(ops, { p })),
    fc.array(arbChild, { minLength: 1, maxLength: 3 }).chain((ops) =>
      fc.record({
        weights: fc.oneof(
          fc.constant([] as number[]),
          fc.array(fc.constantFrom(0, 0.5, 1, 3), { minLength: ops.length, maxLength: ops.length })
            .filter((w) => w.some((x) => x > 0)),
        ),
        p: fc.constantFrom(1, 0.6),
      }).map(({ weights, p }) => oneOf(ops, { weights, p }))
    ),
  );
  await property(
    fc.asyncProperty(
      fc.record({
        shape: arbShape.filter((s) => s.channels === 3),
        ops: fc.array(fc.oneof({ arbitrary: arbGroup, weight: 2 }, { arbitrary: arbChild, weight: 1 }), {
          minLength: 1,
          maxLength: 4,
        }),
        nest: fc.boolean(),
        seed: arbSeed(),
      }),
      async ({ shape, ops, nest, seed }) => {
        const { channels: C, height: H, width: W } = shape;
        const list = nest ? [randomApply([ops[0], oneOf(ops.slice(0, 2))], { p: 0.7 }), ...ops.slice(1)] : ops;
        const p = pipe(...list as never[]);
        const x = image(C, H, W, seed % 5);
        // Two samples (dataset indices 3 and 4) of the same image.
        const batch = { data: Float64Array.from([...x, ...x]), count: 2, channels: C, height: H, width: W };
        const r = await augment(p, batch, { seed, backend: "cpu", offset: 3 });
        // A group that did not apply reports none of its ops as applied (oneOf: only the chosen one may be).
        const quiet = (e: { op: string; applied: boolean; chosen?: number; params?: unknown[] }): void => {
          if (!e.params) return;
          (e.params as { op: string; applied: boolean }[]).forEach((c, j) => {
            if (!e.applied || (e.op === "oneOf" && j !== e.chosen)) {
              assert.ok(!c.applied || c.op === "normalize" || c.op === "clamp", `${e.op} child ${j} applied`);
            }
            quiet(c);
          });
        };
        r.params.flat().forEach((e) => quiet(e as never));
        for (let n = 0; n < 2; n++) {
          const want = refRunAll(encodeSpec(p).ops as RefOp[], x, C, H, W, seed, 3 + n);
          const got = r.images.data.subarray(n * C * H * W, (n + 1) * C * H * W);
          const d = maxDiff(got, want.y);
          const lightly = JSON.stringify(encodeSpec(p)).includes('"lightly"');
          assert.ok(
            d <= (lightly ? 1e-8 : 1e-9) * Math.max(1, maxAbs(want.y)),
            `diff ${d}: ${JSON.stringify(encodeSpec(p).ops)}`,
          );
        }
        runs++;
      },
    ),
    150,
  );
  assert.equal(runs, 150);
});
