/**
 * `horizontalFlip`: mirrors the columns (torchvision's `RandomHorizontalFlip`).
 * Draws: 0 applies (against p).
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, ui } from "../codec_kit.ts";
import { type ArbKit, makeOp, type OpModule } from "../module.ts";
import wgsl from "./horizontal_flip.wgsl" with { type: "text" };

/** Mirrors the columns of a sample with probability p. */
export interface HorizontalFlipOp {
  /** The tag. */
  readonly op: "horizontalFlip";
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `horizontalFlip` op. */
export interface HorizontalFlipParams {
  /** The op. */
  readonly op: "horizontalFlip";
  /** Whether the sample was flipped. */
  readonly applied: boolean;
}

/** Options of {@link horizontalFlip}. */
export interface HorizontalFlipOptions {
  /** Probability of flipping, in [0, 1]. Default 0.5. */
  readonly p?: number;
}

/** Codec of the `horizontalFlip` op. */
export const HorizontalFlipCodec = opCodec<HorizontalFlipOp>("horizontalFlip", {
  p: f(probability, 0.5, ui.probability, "probability that a sample is mirrored left to right"),
});

/**
 * Mirrors the columns with probability p, as torchvision's `RandomHorizontalFlip`.
 *
 * @example
 * ```ts
 * import { horizontalFlip, pipe } from "@freqaug/freqaug";
 * const p = pipe(horizontalFlip({ p: 0.5 }));
 * ```
 */
export function horizontalFlip(options: HorizontalFlipOptions = {}): HorizontalFlipOp {
  return makeOp(HorizontalFlipCodec, "horizontalFlip", options);
}

/** The `horizontalFlip` op module. */
export const horizontalFlipModule: OpModule<HorizontalFlipOp, HorizontalFlipParams> = {
  name: "horizontalFlip",
  summary: "mirrors the columns",
  stage: "spatial",
  random: true,
  codec: HorizontalFlipCodec,
  sample: (_op, d) => ({ op: "horizontalFlip", applied: d.applied }),
  check: (_op, _raw, applied) => ({ op: "horizontalFlip", applied }),
  gain: (_op, b) => b,
  apply(_op, p, img) {
    if (!p.applied) return img;
    const { data, width: W } = img;
    const rows = img.channels * img.height;
    for (let r = 0; r < rows; r++) {
      for (let a = r * W, b = a + W - 1; a < b; a++, b--) {
        const x = data[a];
        data[a] = data[b];
        data[b] = x;
      }
    }
    return img;
  },
  gpu: {
    wgsl,
    constWords: () => 2,
    writeConsts: (_op, w, shape) => w.u32(1, shape.width),
    hostTableWords: () => 1,
    writeHostTable: (_op, p, _shape, table, _f, b) => void (table[b] = p.applied ? 1 : 0),
    remap: (o) => `w = hflip_w(s, ${o}, w);`,
  },
  arbitrary: (k: ArbKit): Arbitrary<HorizontalFlipOp> =>
    k.fc.record({ op: k.fc.constant("horizontalFlip" as const), p: k.withEdges(k.fc.constant(0.5), [1, 0, 0.2], 2) }),
};
