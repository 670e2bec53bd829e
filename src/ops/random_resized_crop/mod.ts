/**
 * `randomResizedCrop`: a random box of the image, resized to `size` — torchvision's
 * `RandomResizedCrop` (its `get_params`, 10 tries and fallback included) and
 * `F.resized_crop(…, bilinear, antialias)`. It changes the image's shape: every
 * op after it sees `size`.
 *
 * Draws (op index o, sample n): 0 applies (against p); try t = 0..9 uses
 * u(1 + 4t) for the area fraction, u(2 + 4t) for the log aspect ratio, and
 * below(3 + 4t, H - h + 1), below(4 + 4t, W - w + 1) for the box's top and left.
 * A sample it does not apply to keeps the whole image as its box (still resized).
 *
 * @module
 */

import * as t from "io-ts";
import type { Arbitrary } from "fast-check";
import { bool, f, num, opCodec, probability, type Range, range, ui } from "../codec_kit.ts";
import { mulhi } from "../../params/philox.ts";
import { type ArbKit, checkNumber, type ImageShape, lerp, makeOp, type OpModule } from "../module.ts";
import { axisWeights, resizeBilinear } from "../../math/resize.ts";
import wgsl from "./random_resized_crop.wgsl" with { type: "text" };

/** The largest side `size` may ask for. */
export const MAX_SIZE = 8192;

/** A random box of the image, resized to `size`. */
export interface RandomResizedCropOp {
  /** The tag. */
  readonly op: "randomResizedCrop";
  /** Output [height, width], each an integer in 1..8192. */
  readonly size: readonly [number, number];
  /** Range of the box's area as a fraction of the image's, inside [1e-4, 1]. */
  readonly scale: Range;
  /** Range of the box's aspect ratio width / height, inside [1e-3, 1e3]. */
  readonly ratio: Range;
  /** Antialias when shrinking (PIL's and torchvision's `antialias=True`). */
  readonly antialias: boolean;
  /** Probability that a random box is drawn (otherwise the whole image is resized). */
  readonly p: number;
}

/** Parameters of a `randomResizedCrop` op: the box, in input pixels. */
export interface RandomResizedCropParams {
  /** The op. */
  readonly op: "randomResizedCrop";
  /** Whether a random box was drawn (false: the whole image). */
  readonly applied: boolean;
  /** First row of the box. */
  readonly top: number;
  /** First column of the box. */
  readonly left: number;
  /** Rows of the box, >= 1. */
  readonly height: number;
  /** Columns of the box, >= 1. */
  readonly width: number;
}

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Output side (square), or [height, width]; integers in 1..8192. Required. */
  readonly size: number | readonly [number, number];
  /** Area fraction range, inside [1e-4, 1]. Default [0.08, 1]. */
  readonly scale?: readonly [number, number];
  /** Aspect ratio (width / height) range, inside [1e-3, 1e3]. Default [3/4, 4/3]. */
  readonly ratio?: readonly [number, number];
  /** Antialias when shrinking. Default true. */
  readonly antialias?: boolean;
  /** Probability of drawing a box. Default 1. */
  readonly p?: number;
}

const side = num(`an integer in 1..${MAX_SIZE}`, (x) => Number.isInteger(x) && x >= 1 && x <= MAX_SIZE);

/** Codec of the `randomResizedCrop` op. */
export const RandomResizedCropCodec = opCodec<RandomResizedCropOp>("randomResizedCrop", {
  size: f(sizeCodec(), undefined, ui.size(1, MAX_SIZE), "output size: one side, or [height, width]"),
  scale: f(
    range("a number in [1e-4, 1]", (x) => x >= 1e-4 && x <= 1),
    [0.08, 1],
    ui.range(1e-4, 1, { scale: "log", typical: [0.01, 1] }),
    "range of the crop's area, as a fraction of the image",
  ),
  ratio: f(
    range("a number in [1e-3, 1e3]", (x) => x >= 1e-3 && x <= 1e3),
    [3 / 4, 4 / 3],
    ui.range(1e-3, 1e3, { scale: "log", typical: [0.1, 10] }),
    "range of the crop's width / height",
  ),
  antialias: f(bool, true, ui.boolean, "widen the filter when shrinking (torchvision's antialias=True)"),
  p: f(probability, 1, ui.probability, "probability that the op applies to a sample"),
}, [(o) => o.size === undefined ? ["size", undefined, `an integer in 1..${MAX_SIZE}, or [height, width]`] : null]);

function sizeCodec(): t.Type<readonly [number, number], readonly [number, number], unknown> {
  const expected = `an integer in 1..${MAX_SIZE}, or [height, width] of such integers`;
  return new t.Type<readonly [number, number], readonly [number, number], unknown>(
    expected,
    (u): u is readonly [number, number] => Array.isArray(u) && u.length === 2 && side.is(u[0]) && side.is(u[1]),
    (u, c) => {
      if (typeof u === "number") return side.is(u) ? t.success([u, u] as const) : t.failure(u, c, expected);
      if (!Array.isArray(u) || u.length !== 2) return t.failure(u, c, expected);
      for (let i = 0; i < 2; i++) {
        if (!side.is(u[i])) return t.failure(u[i], t.appendContext(c, String(i), side, u[i]), expected);
      }
      return t.success([u[0], u[1]] as const);
    },
    (s) => [s[0], s[1]],
  );
}

/**
 * A random box of the image resized to `size`, as torchvision's
 * `RandomResizedCrop(size, scale, ratio, antialias=True)`. Later ops see images of `size`.
 *
 * @example
 * ```ts
 * import { gmm, pipe, randomResizedCrop } from "@freqaug/freqaug";
 * const p = pipe(randomResizedCrop({ size: 224, scale: [0.08, 1] }), gmm());
 * ```
 */
export function randomResizedCrop(options: RandomResizedCropOptions): RandomResizedCropOp {
  return makeOp(RandomResizedCropCodec, "randomResizedCrop", options);
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The box torchvision's `RandomResizedCrop.get_params` would choose, from freqaug's draws. */
export function cropBox(
  op: RandomResizedCropOp,
  H: number,
  W: number,
  bits: (j: number) => number,
  unit: (j: number) => number,
): { top: number; left: number; height: number; width: number } {
  const area = H * W;
  const logRatio: Range = [Math.log(op.ratio[0]), Math.log(op.ratio[1])];
  for (let t = 0; t < 10; t++) {
    const target = area * lerp(op.scale, unit(1 + 4 * t));
    const aspect = Math.exp(lerp(logRatio, unit(2 + 4 * t)));
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= W && h > 0 && h <= H) {
      return { top: mulhi(bits(3 + 4 * t), H - h + 1), left: mulhi(bits(4 + 4 * t), W - w + 1), height: h, width: w };
    }
  }
  // torchvision's fallback: a central box of the ratio's nearer end, or the whole image.
  const inRatio = W / H;
  let w = W, h = H;
  if (inRatio < op.ratio[0]) h = roundHalfEven(w / op.ratio[0]);
  else if (inRatio > op.ratio[1]) w = roundHalfEven(h * op.ratio[1]);
  h = Math.max(1, Math.min(H, h));
  w = Math.max(1, Math.min(W, w));
  return { top: Math.floor((H - h) / 2), left: Math.floor((W - w) / 2), height: h, width: w };
}

/** The `randomResizedCrop` op module. */
export const randomResizedCropModule: OpModule<RandomResizedCropOp, RandomResizedCropParams> = {
  name: "randomResizedCrop",
  summary: "a random box of the image, resized to size (torchvision's RandomResizedCrop)",
  stage: "spatial",
  random: true,
  codec: RandomResizedCropCodec,
  sample(op, d) {
    if (!d.applied) {
      return { op: "randomResizedCrop", applied: false, top: 0, left: 0, height: d.height, width: d.width };
    }
    return { op: "randomResizedCrop", applied: true, ...cropBox(op, d.height, d.width, d.bits, d.unit) };
  },
  check(_op, raw, applied, c) {
    const int = (key: string, lo: number, hi: number) =>
      checkNumber(raw, key, c, `an integer in [${lo}, ${hi}]`, (x) => Number.isInteger(x) && x >= lo && x <= hi);
    const top = int("top", 0, c.height - 1), left = int("left", 0, c.width - 1);
    const height = int("height", 1, c.height - (Number.isInteger(top) && top >= 0 ? top : 0));
    const width = int("width", 1, c.width - (Number.isInteger(left) && left >= 0 ? left : 0));
    if (!applied && !(top === 0 && left === 0 && height === c.height && width === c.width)) {
      c.bad(c.at, { top, left, height, width }, `the whole image (0, 0, ${c.height}, ${c.width}) when not applied`);
    }
    return { op: "randomResizedCrop", applied, top, left, height, width };
  },
  gain: (_op, b) => b,
  reshape: (op, shape): ImageShape => ({ channels: shape.channels, height: op.size[0], width: op.size[1] }),
  apply(op, p, img, ws) {
    const { channels: C } = img;
    const [oh, ow] = op.size;
    const out = ws.spare(C * oh * ow);
    resizeBilinear(img.data, C, img.height, img.width, p, out, oh, ow, op.antialias);
    return { data: out, channels: C, height: oh, width: ow };
  },
  gpu: {
    wgsl,
    constWords: () => 6,
    writeConsts(op, w, shape) {
      // Taps per output sample at most: the antialiased triangle over the whole image, or two.
      const taps = (inSize: number, outSize: number) =>
        op.antialias ? 2 * Math.ceil(Math.max(1, inSize / outSize)) + 1 : 2;
      const [oh, ow] = op.size, sy = taps(shape.height, oh);
      w.u32(1, oh);
      w.u32(2, sy);
      w.u32(3, oh * (2 + sy));
      w.u32(4, ow);
      w.u32(5, taps(shape.width, ow));
    },
    hostTableWords(op, shape) {
      const taps = (inSize: number, outSize: number) =>
        op.antialias ? 2 * Math.ceil(Math.max(1, inSize / outSize)) + 1 : 2;
      const [oh, ow] = op.size;
      return oh * (2 + taps(shape.height, oh)) + ow * (2 + taps(shape.width, ow));
    },
    writeHostTable(op, p, shape, table, f, b) {
      const taps = (inSize: number, outSize: number) =>
        op.antialias ? 2 * Math.ceil(Math.max(1, inSize / outSize)) + 1 : 2;
      // Per axis: first input index (absolute), tap count, then `stride` weights per output index.
      const axis = (at: number, first: number, box: number, out: number, stride: number) => {
        const a = axisWeights(box, out, op.antialias);
        for (let i = 0; i < out; i++) {
          table[at + i] = first + a.start[i];
          table[at + out + i] = a.count[i];
          for (let j = 0; j < a.count[i]; j++) f[at + 2 * out + i * stride + j] = a.weights[i * a.stride + j];
        }
      };
      const [oh, ow] = op.size, sy = taps(shape.height, oh);
      axis(b, p.top, p.height, oh, sy);
      axis(b + oh * (2 + sy), p.left, p.width, ow, taps(shape.width, ow));
    },
    gathers: () => [{
      what: "resize",
      y: { count: "rrc_yn", at: "rrc_yat", weight: "rrc_ywt" },
      x: { count: "rrc_xn", at: "rrc_xat", weight: "rrc_xwt" },
    }],
  },
  arbitrary(k: ArbKit): Arbitrary<RandomResizedCropOp> {
    const { fc } = k;
    const sideArb = k.withEdges(fc.integer({ min: 1, max: 40 }), [1, 2, 32]);
    return fc.record({
      op: fc.constant("randomResizedCrop" as const),
      size: fc.tuple(sideArb, sideArb),
      scale: k.withEdges(k.range(0.05, 1), [[0.08, 1], [1, 1], [0.5, 0.5]] as Range[]),
      ratio: k.withEdges(k.range(0.5, 2), [[3 / 4, 4 / 3], [1, 1]] as Range[]),
      antialias: k.withEdges(fc.constant(true), [false], 4),
      p: k.probability(),
    });
  },
};
