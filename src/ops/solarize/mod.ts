/**
 * `solarize`: with probability p, every value x >= threshold becomes 1 - x
 * (torchvision's `RandomSolarize` on float images: the threshold is compared
 * as a float32, as torchvision compares a float32 image). Draws: 0 applies.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, num, opCodec, probability, ui } from "../codec_kit.ts";
import { type ArbKit, makeOp, type OpModule } from "../module.ts";
import wgsl from "./solarize.wgsl" with { type: "text" };

/** Inverts the values at or above a threshold, with probability p. */
export interface SolarizeOp {
  /** The tag. */
  readonly op: "solarize";
  /** Values x >= threshold become 1 - x; in [0, 1]. */
  readonly threshold: number;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `solarize` op. */
export interface SolarizeParams {
  /** The op. */
  readonly op: "solarize";
  /** Whether the sample was solarized. */
  readonly applied: boolean;
}

/** Options of {@link solarize}. */
export interface SolarizeOptions {
  /** Threshold in [0, 1]. Default 0.5. */
  readonly threshold?: number;
  /** Probability, in [0, 1]. Default 0.5. */
  readonly p?: number;
}

/** Codec of the `solarize` op. */
export const SolarizeCodec = opCodec<SolarizeOp>("solarize", {
  threshold: f(
    num("a number in [0, 1]", (x) => x >= 0 && x <= 1),
    0.5,
    ui.number(0, 1),
    "values >= threshold become 1 - value",
  ),
  p: f(probability, 0.5, ui.probability, "probability that the op applies to a sample"),
});

/**
 * With probability p, every value x >= threshold becomes 1 - x.
 *
 * @example
 * ```ts
 * import { pipe, solarize } from "@freqaug/freqaug";
 * const p = pipe(solarize({ threshold: 0.5, p: 0.2 }));
 * ```
 */
export function solarize(options: SolarizeOptions = {}): SolarizeOp {
  return makeOp(SolarizeCodec, "solarize", options);
}

/** The `solarize` op module. */
export const solarizeModule: OpModule<SolarizeOp, SolarizeParams> = {
  name: "solarize",
  summary: "values at or above the threshold become 1 - x",
  stage: "spatial",
  random: true,
  codec: SolarizeCodec,
  sample: (_op, d) => ({ op: "solarize", applied: d.applied }),
  check: (_op, _raw, applied) => ({ op: "solarize", applied }),
  gain: (_op, b) => b + 1,
  apply(op, p, img) {
    if (!p.applied) return img;
    // The threshold as a float32, as torchvision compares a float32 image: x = f32(0.7) < 0.7 is inverted at 0.7.
    const { data } = img, n = img.channels * img.height * img.width, t = Math.fround(op.threshold);
    for (let i = 0; i < n; i++) if (data[i] >= t) data[i] = 1 - data[i];
    return img;
  },
  gpu: {
    wgsl,
    constWords: () => 2,
    writeConsts: (op, w) => w.f32(1, op.threshold),
    hostTableWords: () => 1,
    writeHostTable: (_op, p, _shape, table, _f, b) => void (table[b] = p.applied ? 1 : 0),
    point: (o) => `y = sol_apply(y, s, ${o});`,
  },
  arbitrary: (k: ArbKit): Arbitrary<SolarizeOp> =>
    k.fc.record({
      op: k.fc.constant("solarize" as const),
      threshold: k.withEdges(k.uniform(0.2, 0.9), [0.5, 0, 1], 3),
      p: k.probability(),
    }),
};
