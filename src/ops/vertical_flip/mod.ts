/**
 * `verticalFlip`: mirrors the rows (torchvision's `RandomVerticalFlip`).
 * Draws: 0 applies (against p).
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, ui } from "../codec_kit.ts";
import { type ArbKit, makeOp, type OpModule } from "../module.ts";
import wgsl from "./vertical_flip.wgsl" with { type: "text" };

/** Mirrors the rows of a sample with probability p. */
export interface VerticalFlipOp {
  /** The tag. */
  readonly op: "verticalFlip";
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `verticalFlip` op. */
export interface VerticalFlipParams {
  /** The op. */
  readonly op: "verticalFlip";
  /** Whether the sample was flipped. */
  readonly applied: boolean;
}

/** Options of {@link verticalFlip}. */
export interface VerticalFlipOptions {
  /** Probability of flipping, in [0, 1]. Default 0.5. */
  readonly p?: number;
}

/** Codec of the `verticalFlip` op. */
export const VerticalFlipCodec = opCodec<VerticalFlipOp>("verticalFlip", {
  p: f(probability, 0.5, ui.probability, "probability that a sample is mirrored top to bottom"),
});

/**
 * Mirrors the rows with probability p, as torchvision's `RandomVerticalFlip`.
 *
 * @example
 * ```ts
 * import { verticalFlip, pipe } from "@freqaug/freqaug";
 * const p = pipe(verticalFlip({ p: 0.5 }));
 * ```
 */
export function verticalFlip(options: VerticalFlipOptions = {}): VerticalFlipOp {
  return makeOp(VerticalFlipCodec, "verticalFlip", options);
}

/** The `verticalFlip` op module. */
export const verticalFlipModule: OpModule<VerticalFlipOp, VerticalFlipParams> = {
  name: "verticalFlip",
  summary: "mirrors the rows",
  stage: "spatial",
  random: true,
  codec: VerticalFlipCodec,
  sample: (_op, d) => ({ op: "verticalFlip", applied: d.applied }),
  check: (_op, _raw, applied) => ({ op: "verticalFlip", applied }),
  gain: (_op, b) => b,
  apply(_op, p, img) {
    if (!p.applied) return img;
    const { data, width: W, height: H } = img;
    for (let c = 0; c < img.channels; c++) {
      for (let top = 0, bottom = H - 1; top < bottom; top++, bottom--) {
        const a = (c * H + top) * W, b = (c * H + bottom) * W;
        for (let x = 0; x < W; x++) {
          const v = data[a + x];
          data[a + x] = data[b + x];
          data[b + x] = v;
        }
      }
    }
    return img;
  },
  gpu: {
    wgsl,
    constWords: () => 2,
    writeConsts: (_op, w, shape) => w.u32(1, shape.height),
    hostTableWords: () => 1,
    writeHostTable: (_op, p, _shape, table, _f, b) => void (table[b] = p.applied ? 1 : 0),
    remap: (o) => `h = vflip_h(s, ${o}, h);`,
  },
  arbitrary: (k: ArbKit): Arbitrary<VerticalFlipOp> =>
    k.fc.record({ op: k.fc.constant("verticalFlip" as const), p: k.withEdges(k.fc.constant(0.5), [1, 0, 0.2], 2) }),
};
