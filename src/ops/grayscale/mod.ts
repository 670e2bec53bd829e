/**
 * `grayscale`: with probability p, every channel becomes the pixel's luma
 * 0.2989 r + 0.587 g + 0.114 b (torchvision's `RandomGrayscale`; the image
 * keeps its 3 channels; 1 channel is left alone). Draws: 0 applies.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, ui } from "../codec_kit.ts";
import { LUMA } from "../color_jitter/mod.ts";
import { type ArbKit, makeOp, type OpModule } from "../module.ts";
import wgsl from "./grayscale.wgsl" with { type: "text" };

/** Turns a sample gray (all channels its luma) with probability p. */
export interface GrayscaleOp {
  /** The tag. */
  readonly op: "grayscale";
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `grayscale` op. */
export interface GrayscaleParams {
  /** The op. */
  readonly op: "grayscale";
  /** Whether the sample was turned gray. */
  readonly applied: boolean;
}

/** Options of {@link grayscale}. */
export interface GrayscaleOptions {
  /** Probability, in [0, 1]. Default 0.1 (torchvision's RandomGrayscale). */
  readonly p?: number;
}

/** Codec of the `grayscale` op. */
export const GrayscaleCodec = opCodec<GrayscaleOp>("grayscale", {
  p: f(probability, 0.1, ui.probability, "probability that a sample turns gray"),
});

/**
 * With probability p, every channel becomes the luma 0.2989 r + 0.587 g + 0.114 b
 * (torchvision's `RandomGrayscale`); images keep 3 channels. 1-channel images are left alone.
 *
 * @example
 * ```ts
 * import { grayscale, pipe } from "@freqaug/freqaug";
 * const p = pipe(grayscale({ p: 0.2 }));
 * ```
 */
export function grayscale(options: GrayscaleOptions = {}): GrayscaleOp {
  return makeOp(GrayscaleCodec, "grayscale", options);
}

/** The `grayscale` op module. */
export const grayscaleModule: OpModule<GrayscaleOp, GrayscaleParams> = {
  name: "grayscale",
  summary: "every channel becomes the luma 0.2989 r + 0.587 g + 0.114 b",
  stage: "spatial",
  random: true,
  codec: GrayscaleCodec,
  sample: (_op, d) => ({ op: "grayscale", applied: d.applied }),
  check: (_op, _raw, applied) => ({ op: "grayscale", applied }),
  gain: (_op, b) => b,
  channels: (_op, channels) =>
    channels === 1 || channels === 3 ? null : ["op", "grayscale", `images of 1 or 3 channels (these have ${channels})`],
  apply(_op, p, img) {
    if (!p.applied || img.channels !== 3) return img;
    const { data } = img;
    const plane = img.height * img.width;
    for (let i = 0; i < plane; i++) {
      const l = LUMA[0] * data[i] + LUMA[1] * data[plane + i] + LUMA[2] * data[2 * plane + i];
      data[i] = data[plane + i] = data[2 * plane + i] = l;
    }
    return img;
  },
  gpu: {
    wgsl,
    constWords: () => 1,
    writeConsts: () => {},
    hostTableWords: () => 1,
    writeHostTable: (_op, p, _shape, table, _f, b) => void (table[b] = p.applied ? 1 : 0),
    pixel: (o) => `px = gray_apply(px, s, ${o});`,
  },
  arbitrary: (k: ArbKit): Arbitrary<GrayscaleOp> =>
    k.fc.record({ op: k.fc.constant("grayscale" as const), p: k.withEdges(k.probability(), [0.2, 0.1], 3) }),
};
