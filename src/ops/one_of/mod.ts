/**
 * `oneOf`: one of its ops per sample, chosen with probability proportional to
 * its weight — torchvision's `RandomChoice`. With p < 1, sometimes none.
 *
 * Draws (op index o, sample n): 0 applies (against p); the choice is the
 * first i with w_0 + … + w_i > u(1)·(w_0 + … + w_{n-1}); child j draws as an op
 * of index (o + 1)·64 + j, and does not apply unless chosen.
 *
 * @module
 */

import * as t from "io-ts";
import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, ui } from "../codec_kit.ts";
import { childList, type ChildOp, childrenChannels, childrenGain, MAX_CHILDREN } from "../children.ts";
import { late } from "../late.ts";
import { type ArbKit, checkNumber, makeOp, type OpModule } from "../module.ts";

/** One of its ops per sample, by weight. */
export interface OneOfOp {
  /** The tag. */
  readonly op: "oneOf";
  /** The ops to choose from (1..16, none that changes the shape). */
  readonly ops: readonly ChildOp[];
  /** One weight >= 0 per op (not all 0), or [] for equal weights. */
  readonly weights: readonly number[];
  /** Probability that one is applied at all. */
  readonly p: number;
}

/** Parameters of a `oneOf` op: which op was chosen, and each op's params. */
export interface OneOfParams {
  /** The op. */
  readonly op: "oneOf";
  /** Whether one op was applied. */
  readonly applied: boolean;
  /** Index of the chosen op, -1 when not applied. */
  readonly chosen: number;
  /** One entry per op, as that op's params (only the chosen one may apply). */
  readonly params: readonly unknown[];
}

/** Options of {@link oneOf}. */
export interface OneOfOptions {
  /** One weight >= 0 per op, not all 0. Default: equal. */
  readonly weights?: readonly number[];
  /** Probability of applying one at all, in [0, 1]. Default 1. */
  readonly p?: number;
}

const WEIGHTS_EXPECTED = `an array of up to ${MAX_CHILDREN} numbers in [0, 1e6], or [] for equal weights`;
const weightsCodec = new t.Type<readonly number[], readonly number[], unknown>(
  WEIGHTS_EXPECTED,
  (u): u is readonly number[] => Array.isArray(u) && u.every((x) => typeof x === "number" && x >= 0),
  (u, c) => {
    const expected = WEIGHTS_EXPECTED;
    if (!Array.isArray(u) || u.length > MAX_CHILDREN) return t.failure(u, c, expected);
    for (let i = 0; i < u.length; i++) {
      const x = u[i];
      if (typeof x !== "number" || !Number.isFinite(x) || x < 0 || x > 1e6) {
        return t.failure(x, t.appendContext(c, String(i), t.unknown, x), expected);
      }
    }
    return t.success(u.map((x: number) => x + 0));
  },
  (w) => [...w],
);

/** Codec of the `oneOf` op. */
export const OneOfCodec = opCodec<OneOfOp>("oneOf", {
  ops: f(childList(), undefined, ui.ops(1, MAX_CHILDREN), "the ops to choose from"),
  weights: f(
    weightsCodec,
    [],
    ui.numbers(0, 1e6, 0, MAX_CHILDREN),
    "one weight per op (relative), or none for equal weights",
  ),
  p: f(probability, 1, ui.probability, "probability that one op is applied at all"),
}, [
  (o) => o.ops === undefined ? ["ops", undefined, "an array of 1..16 ops"] : null,
  (o) => {
    const w = o.weights as number[], n = (o.ops as unknown[]).length;
    if (w.length === 0) return null;
    if (w.length !== n) return ["weights", w, `one weight per op (${n}), or []`];
    return w.some((x) => x > 0) ? null : ["weights", w, "at least one weight > 0"];
  },
]);

/**
 * One of `ops` per sample, chosen by weight — torchvision's `RandomChoice`.
 *
 * @example
 * ```ts
 * import { gaussianBlur, gmm, oneOf, pipe, solarize } from "@freqaug/freqaug";
 * const p = pipe(oneOf([gmm({ c: 4 }), gaussianBlur({ sigma: 1 }), solarize({ p: 1 })], { weights: [2, 1, 1] }));
 * ```
 */
export function oneOf(ops: readonly { readonly op: string }[], options: OneOfOptions = {}): OneOfOp {
  return makeOp(OneOfCodec, "oneOf", options, { ops });
}

/** The index chosen by uniform u in [0, 1) from the weights (equal when empty). */
export function choose(weights: readonly number[], n: number, u: number): number {
  if (weights.length === 0) return Math.min(n - 1, Math.floor(u * n));
  const total = weights.reduce((s, w) => s + w, 0);
  const x = u * total;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += weights[i];
    if (weights[i] > 0 && x < acc) return i;
  }
  // Rounding at the top end: the last op with a weight.
  for (let i = n - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return 0;
}

/** The `oneOf` op module. */
export const oneOfModule: OpModule<OneOfOp, OneOfParams> = {
  name: "oneOf",
  summary: "one of its ops per sample, by weight",
  stage: "spatial",
  random: true,
  codec: OneOfCodec,
  sample(op, d) {
    const chosen = d.applied ? choose(op.weights, op.ops.length, d.unit(1)) : -1;
    return {
      op: "oneOf",
      applied: d.applied,
      chosen,
      params: op.ops.map((child, j) => d.child(child, j, j === chosen)),
    };
  },
  check(op, raw, applied, c) {
    const n = op.ops.length;
    const allowed = (i: number) => op.weights.length === 0 || op.weights[i] > 0;
    const chosen = applied
      ? checkNumber(
        raw,
        "chosen",
        c,
        `an integer in [0, ${n - 1}] whose weight is > 0`,
        (x) => Number.isInteger(x) && x >= 0 && x < n && allowed(x),
      )
      : checkNumber(raw, "chosen", c, "-1 (not applied)", (x) => x === -1);
    const ps = raw.params;
    if (!Array.isArray(ps) || ps.length !== n) {
      c.bad(`${c.at}.params`, Array.isArray(ps) ? `an array of ${ps.length}` : ps, `an array of ${n}`);
      return { op: "oneOf", applied, chosen, params: [] };
    }
    return {
      op: "oneOf",
      applied,
      chosen,
      params: op.ops.map((child, j) => c.child(child, ps[j], `${c.at}.params[${j}]`)),
    };
  },
  gain: (op, b) => Math.max(b, ...op.ops.map((child) => childrenGain([child], b))),
  channels: (op, channels) => childrenChannels(op.ops, channels),
  children: (op) => op.ops,
  apply: (op, p, img, ws) => (p.applied ? ws.run([op.ops[p.chosen]], [p.params[p.chosen]], img) : img),
  arbitrary(k: ArbKit): Arbitrary<OneOfOp> {
    const { fc } = k;
    const child = fc.oneof(
      ...["gmm", "amplitudeRescale", "colorJitter", "grayscale", "gaussianBlur", "verticalFlip", "solarize"]
        .map((name) => late.moduleNamed!(name)!)
        .filter((m) => !m.channels || m.channels(m as never, k.channels) === null)
        .map((m) => m.arbitrary(k) as Arbitrary<ChildOp>),
    );
    return fc.array(child, { minLength: 1, maxLength: 3 }).chain((ops) =>
      fc.record({
        op: fc.constant("oneOf" as const),
        ops: fc.constant(ops),
        weights: fc.oneof(
          fc.constant([] as number[]),
          fc.array(k.uniform(0.1, 3), { minLength: ops.length, maxLength: ops.length }),
        ),
        p: k.withEdges(fc.constant(1), [0.5, 0], 4),
      })
    );
  },
};
