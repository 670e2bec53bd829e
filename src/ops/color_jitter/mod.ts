/**
 * `colorJitter`: brightness, contrast, saturation and hue, each by a random
 * factor, in a random order — torchvision's `ColorJitter` on float images in
 * [0, 1] (`F.adjust_brightness/contrast/saturation/hue`; the first three clamp
 * to [0, 1]; contrast blends with the mean of the grayscale image).
 *
 * Draws (op index o, sample n): 0 applies (against p); the order is a
 * Fisher–Yates shuffle of [0, 1, 2, 3] (0 brightness … 3 hue): for i = 3, 2, 1,
 * swap order[i] with order[below(4 - i, i + 1)]; the factors are
 * lerp(range, u(4)) for brightness, u(5) contrast, u(6) saturation, u(7) hue.
 * A factor whose range is its identity ([1, 1], or [0, 0] for hue) is null and
 * its adjustment is skipped, as torchvision skips a `None` factor.
 *
 * One deliberate difference: hue clamps its input to [0, 1] first. torchvision's
 * HSV conversion divides by the largest channel, so a pixel whose largest value
 * is 0 and smallest is negative (frequency ops can make one) becomes NaN there.
 *
 * @module
 */

import * as t from "io-ts";
import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, type Range, ui } from "../codec_kit.ts";
import { mulhi } from "../../params/philox.ts";
import { type ArbKit, checkNumber, lerp, makeOp, type OpModule } from "../module.ts";
import wgsl from "./color_jitter.wgsl" with { type: "text" };

/** Random brightness, contrast, saturation and hue, in a random order. */
export interface ColorJitterOp {
  /** The tag. */
  readonly op: "colorJitter";
  /** Brightness factor range, ends >= 0 ([1, 1]: skipped). */
  readonly brightness: Range;
  /** Contrast factor range, ends >= 0 ([1, 1]: skipped). */
  readonly contrast: Range;
  /** Saturation factor range, ends >= 0 ([1, 1]: skipped). */
  readonly saturation: Range;
  /** Hue shift range, inside [-0.5, 0.5] ([0, 0]: skipped). */
  readonly hue: Range;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `colorJitter` op: the order and the factors (null: skipped). */
export interface ColorJitterParams {
  /** The op. */
  readonly op: "colorJitter";
  /** Whether the op applied to this sample. */
  readonly applied: boolean;
  /** The order of the four adjustments: 0 brightness, 1 contrast, 2 saturation, 3 hue. */
  readonly order: readonly number[];
  /** Brightness factor, or null. */
  readonly brightness: number | null;
  /** Contrast factor, or null. */
  readonly contrast: number | null;
  /** Saturation factor, or null. */
  readonly saturation: number | null;
  /** Hue shift, or null. */
  readonly hue: number | null;
}

/** Options of {@link colorJitter}. */
export interface ColorJitterOptions {
  /** b >= 0 for factors in [max(0, 1 - b), 1 + b], or [lo, hi] with 0 <= lo. Default 0.4. */
  readonly brightness?: number | readonly [number, number];
  /** As brightness. Default 0.4. */
  readonly contrast?: number | readonly [number, number];
  /** As brightness. Default 0.2. */
  readonly saturation?: number | readonly [number, number];
  /** h in [0, 0.5] for shifts in [-h, h], or [lo, hi] inside [-0.5, 0.5]. Default 0.1. */
  readonly hue?: number | readonly [number, number];
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

const FACTOR_MAX = 1e3;

/** A jitter strength as torchvision reads it: x for [center - x, center + x] (cut at `min`), or a range. */
function strength(center: number, min: number, max: number): t.Type<Range, Range, unknown> {
  const expected = center === 1
    ? `a number in [0, ${FACTOR_MAX}], or [lo, hi] with 0 <= lo <= hi <= ${FACTOR_MAX}`
    : `a number in [0, 0.5], or [lo, hi] with -0.5 <= lo <= hi <= 0.5`;
  const okEnd = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= min && x <= max;
  return new t.Type<Range, Range, unknown>(
    expected,
    (u): u is Range => Array.isArray(u) && u.length === 2 && okEnd(u[0]) && okEnd(u[1]) && u[0] <= u[1],
    (u, c) => {
      if (typeof u === "number") {
        const lim = center === 1 ? FACTOR_MAX : 0.5;
        if (!Number.isFinite(u) || u < 0 || u > lim) return t.failure(u, c, expected);
        return t.success([Math.max(min, center - u) + 0, center + u + 0] as Range);
      }
      if (!Array.isArray(u) || u.length !== 2) return t.failure(u, c, expected);
      for (let i = 0; i < 2; i++) {
        if (!okEnd(u[i])) return t.failure(u[i], t.appendContext(c, String(i), t.unknown, u[i]), expected);
      }
      return u[0] <= u[1] ? t.success([u[0] + 0, u[1] + 0] as Range) : t.failure(u, c, expected);
    },
    (r) => [r[0], r[1]],
  );
}

/** Codec of the `colorJitter` op. */
export const ColorJitterCodec = opCodec<ColorJitterOp>("colorJitter", {
  brightness: f(
    strength(1, 0, FACTOR_MAX),
    [0.6, 1.4],
    ui.range(0, FACTOR_MAX, { scalar: true, typical: [0, 3] }),
    "brightness factor range (a number b: [max(0, 1 - b), 1 + b])",
  ),
  contrast: f(
    strength(1, 0, FACTOR_MAX),
    [0.6, 1.4],
    ui.range(0, FACTOR_MAX, { scalar: true, typical: [0, 3] }),
    "contrast factor range (a number b: [max(0, 1 - b), 1 + b])",
  ),
  saturation: f(
    strength(1, 0, FACTOR_MAX),
    [0.8, 1.2],
    ui.range(0, FACTOR_MAX, { scalar: true, typical: [0, 3] }),
    "saturation factor range (a number b: [max(0, 1 - b), 1 + b])",
  ),
  hue: f(
    strength(0, -0.5, 0.5),
    [-0.1, 0.1],
    ui.range(-0.5, 0.5, { scalar: true }),
    "hue shift range, in turns (a number h: [-h, h])",
  ),
  p: f(probability, 1, ui.probability, "probability that the op applies to a sample"),
});

/**
 * Random brightness, contrast, saturation and hue in a random order, as
 * torchvision's `ColorJitter` (`RandomApply([ColorJitter(...)], p)` is `p`).
 * Images must have 1 or 3 channels (saturation and hue leave 1 channel alone).
 *
 * @example
 * ```ts
 * import { colorJitter, pipe } from "@freqaug/freqaug";
 * const p = pipe(colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, p: 0.8 }));
 * ```
 */
export function colorJitter(options: ColorJitterOptions = {}): ColorJitterOp {
  return makeOp(ColorJitterCodec, "colorJitter", options);
}

const isIdentity = (r: Range, center: number) => r[0] === center && r[1] === center;

/** ITU-R 601 luma as torchvision's `rgb_to_grayscale` weighs it. */
export const LUMA = [0.2989, 0.587, 0.114] as const;

const clamp01 = (y: number) => (y < 0 ? 0 : y > 1 ? 1 : y);

/** torchvision's `adjust_hue` of one RGB pixel (input clamped to [0, 1] first), written to out. */
export function hueShift(r: number, g: number, b: number, shift: number, out: Float64Array): void {
  r = Math.min(1, Math.max(0, r));
  g = Math.min(1, Math.max(0, g));
  b = Math.min(1, Math.max(0, b));
  const maxc = Math.max(r, g, b), minc = Math.min(r, g, b);
  const eq = maxc === minc, cr = maxc - minc;
  const s = cr / (eq ? 1 : maxc);
  const d = eq ? 1 : cr;
  const rc = (maxc - r) / d, gc = (maxc - g) / d, bc = (maxc - b) / d;
  let h = maxc === r ? bc - gc : maxc === g ? 2 + rc - bc : 4 + gc - rc;
  h = (h / 6 + 1) % 1;
  h += shift;
  h -= Math.floor(h);
  const v = maxc;
  const i6 = Math.floor(h * 6), fr = h * 6 - i6, i = ((i6 % 6) + 6) % 6;
  const clamp = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
  const p = clamp(v * (1 - s)), q = clamp(v * (1 - s * fr)), t = clamp(v * (1 - s * (1 - fr)));
  // torchvision's six sectors: r = (v, q, p, p, t, v)[i], g = (t, v, v, q, p, p)[i], b = (p, p, t, v, v, q)[i].
  out[0] = i === 0 || i === 5 ? v : i === 1 ? q : i === 4 ? t : p;
  out[1] = i === 1 || i === 2 ? v : i === 0 ? t : i === 3 ? q : p;
  out[2] = i === 3 || i === 4 ? v : i === 2 ? t : i === 5 ? q : p;
}

/** Applies the four adjustments of `p` in its order to a planar image of 1 or 3 channels. */
export function jitter(p: ColorJitterParams, data: Float64Array, C: number, H: number, W: number): void {
  const plane = H * W, n = C * plane;
  const [wr, wg, wb] = LUMA;
  const px = new Float64Array(3);
  for (const step of p.order) {
    if (step === 0 && p.brightness !== null) {
      // torchvision's _blend with black: clamp(f·x, 0, 1).
      const f = p.brightness;
      for (let i = 0; i < n; i++) data[i] = clamp01(f * data[i] + (1 - f) * 0);
    } else if (step === 1 && p.contrast !== null) {
      // With the mean of the grayscale image (of the image itself for 1 channel).
      let sum = 0;
      if (C === 3) {
        for (let i = 0; i < plane; i++) sum += wr * data[i] + wg * data[plane + i] + wb * data[2 * plane + i];
      } else for (let i = 0; i < plane; i++) sum += data[i];
      const f = p.contrast, m = (1 - f) * (sum / plane);
      for (let i = 0; i < n; i++) data[i] = clamp01(f * data[i] + m);
    } else if (step === 2 && p.saturation !== null && C === 3) {
      // With each pixel's own gray value.
      const f = p.saturation, g = 1 - f;
      for (let i = 0; i < plane; i++) {
        const r = data[i], gr = data[plane + i], b = data[2 * plane + i];
        const l = g * (wr * r + wg * gr + wb * b);
        data[i] = clamp01(f * r + l);
        data[plane + i] = clamp01(f * gr + l);
        data[2 * plane + i] = clamp01(f * b + l);
      }
    } else if (step === 3 && p.hue !== null && C === 3) {
      for (let i = 0; i < plane; i++) {
        hueShift(data[i], data[plane + i], data[2 * plane + i], p.hue, px);
        data[i] = px[0];
        data[plane + i] = px[1];
        data[2 * plane + i] = px[2];
      }
    }
  }
}

/** The `colorJitter` op module. */
export const colorJitterModule: OpModule<ColorJitterOp, ColorJitterParams> = {
  name: "colorJitter",
  summary: "brightness, contrast, saturation and hue by random factors in a random order",
  stage: "spatial",
  random: true,
  codec: ColorJitterCodec,
  sample(op, d) {
    if (!d.applied) {
      return {
        op: "colorJitter",
        applied: false,
        order: [0, 1, 2, 3],
        brightness: null,
        contrast: null,
        saturation: null,
        hue: null,
      };
    }
    const order = [0, 1, 2, 3];
    for (let i = 3; i >= 1; i--) {
      const j = mulhi(d.bits(4 - i), i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const factor = (r: Range, center: number, j: number) => isIdentity(r, center) ? null : lerp(r, d.unit(j));
    return {
      op: "colorJitter",
      applied: true,
      order,
      brightness: factor(op.brightness, 1, 4),
      contrast: factor(op.contrast, 1, 5),
      saturation: factor(op.saturation, 1, 6),
      hue: factor(op.hue, 0, 7),
    };
  },
  check(_op, raw, applied, c) {
    const order = raw.order;
    const ok = Array.isArray(order) && order.length === 4 && [0, 1, 2, 3].every((i) => order.includes(i));
    if (!ok) c.bad(`${c.at}.order`, order, "a permutation of [0, 1, 2, 3]");
    const factor = (key: string, expected: string, okf: (x: number) => boolean) =>
      raw[key] === null ? null : checkNumber(raw, key, c, `${expected}, or null (skipped)`, okf);
    const nonNeg = (x: number) => x >= 0 && x <= FACTOR_MAX;
    return {
      op: "colorJitter",
      applied,
      order: ok ? [...(order as number[])] : [0, 1, 2, 3],
      brightness: factor("brightness", `a number in [0, ${FACTOR_MAX}]`, nonNeg),
      contrast: factor("contrast", `a number in [0, ${FACTOR_MAX}]`, nonNeg),
      saturation: factor("saturation", `a number in [0, ${FACTOR_MAX}]`, nonNeg),
      hue: factor("hue", "a number in [-0.5, 0.5]", (x) => Math.abs(x) <= 0.5),
    };
  },
  gain: (_op, b) => Math.max(b, 1),
  channels: (_op, channels) =>
    channels === 1 || channels === 3
      ? null
      : ["op", "colorJitter", `images of 1 or 3 channels (these have ${channels})`],
  apply(_op, p, img) {
    if (p.applied) jitter(p, img.data, img.channels, img.height, img.width);
    return img;
  },
  gpu: {
    wgsl,
    constWords: () => 2,
    writeConsts: (_op, w, shape) => w.u32(1, shape.height * shape.width),
    hostTableWords: () => 9,
    writeHostTable(_op, p, shape, table, f, b) {
      const factors = [p.brightness, p.contrast, p.saturation, p.hue];
      table[b] = p.applied ? 1 : 0;
      p.order.forEach((step, k) => {
        // A null factor is skipped; saturation and hue leave one channel alone.
        const skip = factors[step] === null || (step >= 2 && shape.channels !== 3);
        table[b + 1 + k] = skip ? 0xffffffff : step;
      });
      factors.forEach((x, i) => (f[b + 5 + i] = x ?? 0));
    },
    pixel: (o, _op, stat) => `px = cj_apply(px, s, ${o}, ${stat});`,
    // The contrast blends with the mean of the gray image: a sum over the image first.
    term: (o, op) => (isIdentity(op.contrast, 1) ? null : `cj_term(px, s, ${o})`),
  },
  arbitrary(k: ArbKit): Arbitrary<ColorJitterOp> {
    const { fc } = k;
    const s = (max: number) => k.uniform(0, max).map((x) => [Math.max(0, 1 - x), 1 + x] as Range);
    return fc.record({
      op: fc.constant("colorJitter" as const),
      brightness: k.withEdges(s(0.8), [[0.6, 1.4], [1, 1], [0, 2]] as Range[]),
      contrast: k.withEdges(s(0.8), [[0.6, 1.4], [1, 1], [0, 0]] as Range[]),
      saturation: k.withEdges(s(0.8), [[0.8, 1.2], [1, 1], [0, 0]] as Range[]),
      hue: k.withEdges(k.uniform(0, 0.5).map((x) => [-x, x] as Range), [[-0.1, 0.1], [0, 0], [0.5, 0.5]] as Range[]),
      p: k.withEdges(k.probability(), [0.8], 3),
    });
  },
};
