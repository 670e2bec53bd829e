/**
 * `randomApply`: its ops, all or none, with one draw for the group —
 * torchvision's `RandomApply([...], p)`. Each op inside keeps its own p too.
 *
 * Draws (op index o, sample n): 0 applies the group (against p); child j
 * draws as an op of index `childIndex(o, j)` = (o + 1)·64 + j, and does not
 * apply when the group does not.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, ui } from "../codec_kit.ts";
import { childList, type ChildOp, childrenChannels, childrenGain, MAX_CHILDREN } from "../children.ts";
import { late } from "../late.ts";
import { type ArbKit, makeOp, type OpModule } from "../module.ts";

/** Its ops, all or none, by one draw per sample. */
export interface RandomApplyOp {
  /** The tag. */
  readonly op: "randomApply";
  /** The ops, in order (1..16, none that changes the shape). */
  readonly ops: readonly ChildOp[];
  /** Probability that the group applies to a sample. */
  readonly p: number;
}

/** Parameters of a `randomApply` op: the group's draw and each op's own params. */
export interface RandomApplyParams {
  /** The op. */
  readonly op: "randomApply";
  /** Whether the group applied. */
  readonly applied: boolean;
  /** One entry per op inside, as that op's params (not applied when the group is not). */
  readonly params: readonly unknown[];
}

/** Options of {@link randomApply}. */
export interface RandomApplyOptions {
  /** Probability of applying the group, in [0, 1]. Default 0.5 (torchvision's). */
  readonly p?: number;
}

/** Codec of the `randomApply` op. */
export const RandomApplyCodec = opCodec<RandomApplyOp>("randomApply", {
  ops: f(childList(), undefined, ui.ops(1, MAX_CHILDREN), "the ops applied together, in order"),
  p: f(probability, 0.5, ui.probability, "probability that the ops are applied"),
}, [(o) => o.ops === undefined ? ["ops", undefined, "an array of 1..16 ops"] : null]);

/**
 * Applies `ops` (in order) to a sample, or none of them, by one draw with
 * probability p — torchvision's `RandomApply`.
 *
 * @example
 * ```ts
 * import { colorJitter, gaussianBlur, pipe, randomApply } from "@freqaug/freqaug";
 * const p = pipe(randomApply([colorJitter(), gaussianBlur()], { p: 0.8 }));
 * ```
 */
export function randomApply(ops: readonly { readonly op: string }[], options: RandomApplyOptions = {}): RandomApplyOp {
  return makeOp(RandomApplyCodec, "randomApply", options, { ops });
}

/** The `randomApply` op module. */
export const randomApplyModule: OpModule<RandomApplyOp, RandomApplyParams> = {
  name: "randomApply",
  summary: "its ops, all or none, by one draw per sample",
  stage: "spatial",
  random: true,
  codec: RandomApplyCodec,
  sample: (op, d) => ({
    op: "randomApply",
    applied: d.applied,
    params: op.ops.map((child, j) => d.child(child, j, d.applied)),
  }),
  check(op, raw, applied, c) {
    const ps = raw.params;
    if (!Array.isArray(ps) || ps.length !== op.ops.length) {
      c.bad(`${c.at}.params`, Array.isArray(ps) ? `an array of ${ps.length}` : ps, `an array of ${op.ops.length}`);
      return { op: "randomApply", applied, params: [] };
    }
    return {
      op: "randomApply",
      applied,
      params: op.ops.map((child, j) => c.child(child, ps[j], `${c.at}.params[${j}]`)),
    };
  },
  gain: (op, b) => childrenGain(op.ops, b),
  channels: (op, channels) => childrenChannels(op.ops, channels),
  children: (op) => op.ops,
  apply: (op, p, img, ws) => (p.applied ? ws.run(op.ops, p.params, img) : img),
  arbitrary(k: ArbKit): Arbitrary<RandomApplyOp> {
    const { fc } = k;
    const child = fc.oneof(
      ...["gmm", "phaseShift", "colorJitter", "grayscale", "gaussianBlur", "horizontalFlip", "solarize"]
        .map((name) => late.moduleNamed!(name)!)
        .filter((m) => !m.channels || m.channels(m as never, k.channels) === null)
        .map((m) => m.arbitrary(k) as Arbitrary<ChildOp>),
    );
    return fc.record({
      op: fc.constant("randomApply" as const),
      ops: fc.array(child, { minLength: 1, maxLength: 3 }),
      p: k.withEdges(k.probability(), [0.5, 0.8], 3),
    });
  },
};
