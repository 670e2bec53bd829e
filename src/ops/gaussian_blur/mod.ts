/**
 * `gaussianBlur`: a sampled Gaussian of radius ⌈3σ⌉, one σ ~ U(sigma) per
 * sample, with reflect padding — torchvision's
 * `F.gaussian_blur(img, 2⌈3σ⌉ + 1, σ)`, separable. Where the radius reaches
 * the image's side (torch refuses those), indices keep reflecting (period
 * 2(n - 1); a side of 1 reads its one pixel).
 *
 * Draws (op index o, sample n): 0 applies (against p); σ = lerp(sigma, u(1)).
 *
 * lightly blurs with PIL's `GaussianBlur(radius=σ)` on 8-bit images instead:
 * see tests/golden/torchvision/README.md for how far apart the two are.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, type Range, range, ui } from "../codec_kit.ts";
import { type ArbKit, checkNumber, lerp, makeOp, type OpModule } from "../module.ts";
import wgsl from "./gaussian_blur.wgsl" with { type: "text" };

/** The largest σ, in pixels. */
export const MAX_BLUR_SIGMA = 100;

/** Blurs a sample with a Gaussian of σ ~ U(sigma), with probability p. */
export interface GaussianBlurOp {
  /** The tag. */
  readonly op: "gaussianBlur";
  /** σ range in pixels, inside [0.001, 100]. */
  readonly sigma: Range;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `gaussianBlur` op: its σ (0 when not applied). */
export interface GaussianBlurParams {
  /** The op. */
  readonly op: "gaussianBlur";
  /** Whether the sample was blurred. */
  readonly applied: boolean;
  /** σ in pixels. */
  readonly sigma: number;
}

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** σ in pixels: a number or [lo, hi], inside [0.001, 100]. Default [0.1, 2]. */
  readonly sigma?: number | readonly [number, number];
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

/** Codec of the `gaussianBlur` op. */
export const GaussianBlurCodec = opCodec<GaussianBlurOp>("gaussianBlur", {
  sigma: f(
    range(`a number in [0.001, ${MAX_BLUR_SIGMA}]`, (x) => x >= 0.001 && x <= MAX_BLUR_SIGMA, true),
    [0.1, 2],
    ui.range(0.001, MAX_BLUR_SIGMA, { scalar: true, scale: "log", typical: [0.05, 20] }),
    "blur σ range, in pixels (radius ⌈3σ⌉)",
  ),
  p: f(probability, 1, ui.probability, "probability that the op applies to a sample"),
});

/**
 * A Gaussian blur of σ ~ U(sigma) with radius ⌈3σ⌉ and reflect padding, as
 * torchvision's `F.gaussian_blur(img, 2⌈3σ⌉ + 1, σ)`.
 *
 * @example
 * ```ts
 * import { gaussianBlur, pipe } from "@freqaug/freqaug";
 * const p = pipe(gaussianBlur({ sigma: [0.1, 2], p: 0.5 }));
 * ```
 */
export function gaussianBlur(options: GaussianBlurOptions = {}): GaussianBlurOp {
  return makeOp(GaussianBlurCodec, "gaussianBlur", options);
}

/** The normalised kernel of σ: exp(-x²/(2σ²)) for x = -r..r, r = ⌈3σ⌉. */
export function blurKernel(sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = 0; i <= 2 * r; i++) {
    const x = (i - r) / sigma;
    sum += k[i] = Math.exp(-0.5 * x * x);
  }
  for (let i = 0; i <= 2 * r; i++) k[i] /= sum;
  return k;
}

/** Index i of a side of n, reflected without repeating the edge (torch's "reflect"), as often as needed. */
export function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * Blurs each channel of a planar image in place (separable: rows, then
 * columns); `tmp` holds at least H×W values. Interior pixels read their row
 * directly, the ones within r of a border through the reflected indices, and
 * the column pass adds whole rows, so every inner loop runs over contiguous
 * memory.
 */
export function blur(
  data: Float64Array,
  C: number,
  H: number,
  W: number,
  sigma: number,
  tmp: Float64Array,
): void {
  const k = blurKernel(sigma), r = (k.length - 1) >> 1, taps = k.length;
  const cols = new Int32Array(W + 2 * r), rows = new Int32Array(H + 2 * r);
  for (let i = -r; i < W + r; i++) cols[i + r] = reflect(i, W);
  for (let i = -r; i < H + r; i++) rows[i + r] = reflect(i, H);
  const lo = Math.min(r, W), hi = Math.max(lo, W - r);
  for (let c = 0; c < C; c++) {
    const base = c * H * W;
    for (let y = 0; y < H; y++) {
      const row = base + y * W, out = y * W;
      for (let x = 0; x < lo; x++) {
        let acc = 0;
        for (let j = 0; j < taps; j++) acc += k[j] * data[row + cols[x + j]];
        tmp[out + x] = acc;
      }
      for (let x = lo; x < hi; x++) {
        let acc = 0;
        const at = row + x - r;
        for (let j = 0; j < taps; j++) acc += k[j] * data[at + j];
        tmp[out + x] = acc;
      }
      for (let x = hi; x < W; x++) {
        let acc = 0;
        for (let j = 0; j < taps; j++) acc += k[j] * data[row + cols[x + j]];
        tmp[out + x] = acc;
      }
    }
    for (let y = 0; y < H; y++) {
      const out = base + y * W;
      const first = rows[y] * W, k0 = k[0];
      for (let x = 0; x < W; x++) data[out + x] = k0 * tmp[first + x];
      for (let j = 1; j < taps; j++) {
        const from = rows[y + j] * W, kj = k[j];
        for (let x = 0; x < W; x++) data[out + x] += kj * tmp[from + x];
      }
    }
  }
}

/** The `gaussianBlur` op module. */
export const gaussianBlurModule: OpModule<GaussianBlurOp, GaussianBlurParams> = {
  name: "gaussianBlur",
  summary: "a sampled Gaussian blur of radius ⌈3σ⌉ with reflect padding",
  stage: "spatial",
  random: true,
  codec: GaussianBlurCodec,
  sample: (op, d) => ({ op: "gaussianBlur", applied: d.applied, sigma: d.applied ? lerp(op.sigma, d.unit(1)) : 0 }),
  check(_op, raw, applied, c) {
    const sigma = applied
      ? checkNumber(raw, "sigma", c, `a number in [0.001, ${MAX_BLUR_SIGMA}]`, (x) => x >= 0.001 && x <= MAX_BLUR_SIGMA)
      : checkNumber(raw, "sigma", c, "0 (not applied)", (x) => x === 0);
    return { op: "gaussianBlur", applied, sigma };
  },
  gain: (_op, b) => b,
  apply(_op, p, img, ws) {
    if (!p.applied) return img;
    blur(img.data, img.channels, img.height, img.width, p.sigma, ws.spare(img.height * img.width));
    return img;
  },
  gpu: {
    wgsl,
    constWords: () => 3,
    writeConsts(_op, w, shape) {
      w.u32(1, shape.height);
      w.u32(2, shape.width);
    },
    // applied, r, σ, and 1 / the sum of the kernel's 2r + 1 terms (any σ a replay may give).
    hostTableWords: () => 4,
    writeHostTable(_op, p, _shape, table, f, b) {
      table[b] = p.applied ? 1 : 0;
      if (!p.applied) {
        table[b + 1] = 0;
        f[b + 2] = 1;
        f[b + 3] = 1;
        return;
      }
      const r = Math.ceil(3 * p.sigma);
      let sum = 0;
      for (let i = -r; i <= r; i++) sum += Math.exp(-0.5 * (i / p.sigma) ** 2);
      table[b + 1] = r;
      f[b + 2] = p.sigma;
      f[b + 3] = 1 / sum;
    },
    gathers: () => [
      { what: "horizontal", x: { count: "blur_n", at: "blur_xat", weight: "blur_wt" } },
      { what: "vertical", y: { count: "blur_n", at: "blur_yat", weight: "blur_wt" } },
    ],
  },
  arbitrary: (k: ArbKit): Arbitrary<GaussianBlurOp> =>
    k.fc.record({
      op: k.fc.constant("gaussianBlur" as const),
      sigma: k.withEdges(k.range(0.1, 4), [[0.1, 2], [0.1, 0.1], [2, 2]] as Range[]),
      p: k.probability(),
    }),
};
