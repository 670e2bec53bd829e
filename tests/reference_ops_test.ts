// The new ops (randomResizedCrop, flips, colorJitter, grayscale, gaussianBlur,
// solarize) against the independent reference in _reference_ops.ts, alone and
// mixed in any order with the frequency ops and normalize/clamp (whose reference
// is _reference.ts): draws exactly, outputs within 1e-9 on float64 data.
import assert from "node:assert/strict";
import fc from "fast-check";
import { augment, encodeSpec, pipe, type Pipeline, sample } from "../mod.ts";
import { arbOp, arbSeed, arbViewOp } from "../src/testing/mod.ts";
import { type RefDraw, refDraw, refIsFrequency, type RefOp, refRun } from "./_reference.ts";
import { REF_NEW_OPS, refApplyNew, refDrawNew, type RefNewParams } from "./_reference_ops.ts";
import { FC_SEED, maxAbs, maxDiff, property } from "./_helpers.ts";

const NEW = new Set<string>(REF_NEW_OPS);

/** Shapes each op sees, from the ops' JSON (only randomResizedCrop changes it). */
function shapes(ops: readonly RefOp[], H: number, W: number): [number, number][] {
  const out: [number, number][] = [[H, W]];
  for (const op of ops) out.push(op.op === "randomResizedCrop" ? [op.size[0], op.size[1]] : out[out.length - 1]);
  return out;
}

/** The reference's params of every op (each op drawn for the shape it sees). */
function refParams(ops: readonly RefOp[], seed: number, n: number, H: number, W: number): (RefDraw | RefNewParams)[] {
  const sh = shapes(ops, H, W);
  return ops.map((op, o) => NEW.has(op.op) ? refDrawNew(op, o, seed, n, ...sh[o]) : refDraw(op, o, seed, n, ...sh[o]));
}

/**
 * Runs a pipeline of any ops on one image by the references: the new ops by
 * _reference_ops.ts, each maximal run of the others by _reference.ts's refRun
 * (the ops outside the run hidden as ops it does not know, which it skips, so
 * every op keeps its index and so its counters).
 */
function refRunAll(
  ops: readonly RefOp[],
  x: ArrayLike<number>,
  C: number,
  H: number,
  W: number,
  seed: number,
  n: number,
) {
  const params = refParams(ops, seed, n, H, W);
  let img: ArrayLike<number> = x;
  let h = H, w = W;
  let i = 0;
  while (i < ops.length) {
    if (NEW.has(ops[i].op)) {
      const r = refApplyNew(ops[i], params[i] as RefNewParams, img, C, h, w);
      [img, h, w] = [r.y, r.H, r.W];
      i++;
      continue;
    }
    let j = i;
    while (j < ops.length && !NEW.has(ops[j].op)) j++;
    const hidden = ops.map((op, k) => (k >= i && k < j ? op : { op: "elsewhere" }));
    const draws = params.map((p, k) => (k >= i && k < j ? p as RefDraw : { applied: false }));
    img = refRun(hidden, img, C, h, w, seed, n, draws);
    i = j;
  }
  return { y: Array.from(img), H: h, W: w, params };
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
  void refIsFrequency;
  void FC_SEED;
});
