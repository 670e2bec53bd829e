/**
 * `normalize`: per channel (x - mean) / std. No draws.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, numberArray, opCodec, ui } from "../codec_kit.ts";
import { type ArbKit, makeOp, type OpModule } from "../module.ts";
import wgsl from "./normalize.wgsl" with { type: "text" };

/** Per channel (x - mean) / std. */
export interface NormalizeOp {
  /** The tag. */
  readonly op: "normalize";
  /** Per-channel means (one value: all channels), each in [-1e6, 1e6]. */
  readonly mean: readonly number[];
  /** Per-channel standard deviations in [1e-6, 1e6], as many as means. */
  readonly std: readonly number[];
}

/** Parameters of a `normalize` op (always applied). */
export interface NormalizeParams {
  /** The op. */
  readonly op: "normalize";
  /** Always true. */
  readonly applied: true;
}

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** Per-channel means (or one for all), each in [-1e6, 1e6]. Default ImageNet's. */
  readonly mean?: readonly number[];
  /** Per-channel standard deviations in [1e-6, 1e6], as many as means. Default ImageNet's. */
  readonly std?: readonly number[];
}

/** ImageNet's channel means and standard deviations, as torchvision and lightly use them. */
export const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

/** Codec of the `normalize` op. */
export const NormalizeCodec = opCodec<NormalizeOp>(
  "normalize",
  {
    mean: f(
      numberArray("a number in [-1e6, 1e6]", (x) => Math.abs(x) <= 1e6),
      [...IMAGENET.mean],
      ui.numbers(-1e6, 1e6, 1, 64),
      "per-channel mean subtracted (one number for every channel)",
    ),
    std: f(
      numberArray("a number in [1e-6, 1e6]", (x) => x >= 1e-6 && x <= 1e6),
      [...IMAGENET.std],
      ui.numbers(1e-6, 1e6, 1, 64),
      "per-channel standard deviation divided by (as many as mean)",
    ),
  },
  [
    (o) => {
      const mean = o.mean as number[], std = o.std as number[];
      return mean.length === std.length ? null : [
        "std",
        std,
        `an array of the same length as mean (${mean.length}), of numbers in [1e-6, 1e6]`,
      ];
    },
  ],
);

/**
 * Per-channel normalisation `(x - mean) / std`.
 *
 * @example
 * ```ts
 * import { normalize, pipe } from "@freqaug/freqaug";
 * const p = pipe(normalize({ mean: [0.5], std: [0.25] }));
 * ```
 */
export function normalize(options: NormalizeOptions = {}): NormalizeOp {
  return makeOp(NormalizeCodec, "normalize", options);
}

/** The `normalize` op module. */
export const normalizeModule: OpModule<NormalizeOp, NormalizeParams> = {
  name: "normalize",
  summary: "per channel (x - mean) / std",
  stage: "spatial",
  random: false,
  codec: NormalizeCodec,
  sample: () => ({ op: "normalize", applied: true }),
  check(_op, _raw, applied, c) {
    if (applied !== true) c.bad(`${c.at}.applied`, applied, "true");
    return { op: "normalize", applied: true };
  },
  gain: (op, b) => (b + Math.max(...op.mean.map(Math.abs))) / Math.min(...op.std),
  channels: (op, channels) =>
    op.mean.length === 1 || op.mean.length === channels ? null : [
      "mean",
      op.mean,
      channels === 1
        ? "1 value (the batch has 1 channel)"
        : `1 or ${channels} values (the batch has ${channels} channels)`,
    ],
  apply(op, _p, img) {
    const { data, channels, height, width } = img;
    const plane = height * width;
    for (let c = 0; c < channels; c++) {
      const j = op.mean.length === 1 ? 0 : c;
      const m = op.mean[j], sd = op.std[j], s = c * plane;
      for (let i = s; i < s + plane; i++) data[i] = (data[i] - m) / sd;
    }
    return img;
  },
  gpu: {
    wgsl,
    constWords: (_op, channels) => 1 + 2 * channels,
    writeConsts(op, w, shape) {
      const n = op.mean.length;
      w.u32(0, n);
      for (let c = 0; c < shape.channels; c++) {
        w.f32(1 + c, op.mean[n === 1 ? 0 : c]);
        w.f32(1 + shape.channels + c, op.std[n === 1 ? 0 : c]);
      }
    },
    point: (o) => `y = sp_normalize(y, ch, ${o});`,
  },
  arbitrary(k: ArbKit): Arbitrary<NormalizeOp> {
    const { fc, channels } = k;
    const custom = fc.integer({ min: 0, max: 1 }).chain((one) => {
      const n = one ? 1 : channels;
      const values = (min: number, max: number) => fc.array(k.uniform(min, max), { minLength: n, maxLength: n });
      return fc.record({ op: fc.constant("normalize" as const), mean: values(0, 1), std: values(0.1, 1) });
    });
    const imagenet: NormalizeOp[] = channels === 3
      ? [{ op: "normalize", mean: [...IMAGENET.mean], std: [...IMAGENET.std] }]
      : [{ op: "normalize", mean: [0.5], std: [0.25] }];
    return k.withEdges(custom, imagenet, 3);
  },
};
