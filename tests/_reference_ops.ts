// An independent float64 reference of freqaug's spatial and colour ops
// (randomResizedCrop, horizontalFlip, verticalFlip, colorJitter, grayscale,
// gaussianBlur, solarize), written from the new-ops specification: their
// parameter draws from the documented Philox counter layout, and their apply
// semantics as torchvision 0.14's tensor functional (torch 1.13 interpolate).
// It shares no code with src/: it imports only the Philox of ./_reference.ts.
// Clear rather than fast; meant for small images.
//
// Images are planar: value (c, h, w) of a C×H×W image is x[c*H*W + h*W + w].

import { refKey, refPhilox } from "./_reference.ts";

// deno-lint-ignore no-explicit-any
export type RefNewOp = Record<string, any> & { op: string };
// deno-lint-ignore no-explicit-any
export type RefNewParams = Record<string, any> & { op: string; applied: boolean };

export interface RefImage {
  y: Float64Array;
  C: number;
  H: number;
  W: number;
}

/** The op names this module knows. */
export const REF_NEW_OPS = [
  "randomResizedCrop",
  "horizontalFlip",
  "verticalFlip",
  "colorJitter",
  "grayscale",
  "gaussianBlur",
  "solarize",
] as const;

// ---------------------------------------------------------------- small helpers

/** Python's round() on a float: nearest integer, ties to even. */
export function refRoundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f; // exact for doubles
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** floor(bits · m / 2^32) (mulhi): an integer uniform in [0, m). */
function below(bits: number, m: number): number {
  return Number((BigInt(bits) * BigInt(m)) >> 32n);
}

/** The 24 high bits of a u32 as a uniform in [0, 1). */
function unit(bits: number): number {
  return Math.floor(bits / 256) / 16777216;
}

function lerp(r: readonly number[], t: number): number {
  return r[0] + (r[1] - r[0]) * t;
}

function clamp01(v: number): number {
  // NaN stays NaN, as torch.clamp leaves it.
  return Math.min(1, Math.max(0, v));
}

/**
 * A colour-jitter factor range as torchvision's _check_input leaves it:
 * null (None) for a missing option, for 0, or for a range equal to [center, center];
 * a number b means [max(0, center - b), center + b] (brightness/contrast/saturation,
 * center 1) or [-b, b] (hue, center 0); a [lo, hi] pair is kept.
 */
function jitterRange(v: unknown, center: number, clampLow: boolean): [number, number] | null {
  if (v === null || v === undefined) return null;
  let r: [number, number];
  if (typeof v === "number") r = [clampLow ? Math.max(0, center - v) : center - v, center + v];
  else {
    const a = v as number[];
    r = [a[0], a[1]];
  }
  if (r[0] === center && r[1] === center) return null;
  return r;
}

// ---------------------------------------------------------------- draws

/** The spec's defaults of each op's options; a field given (null included) is kept. */
const DEFAULTS: Record<string, Record<string, unknown>> = {
  randomResizedCrop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3], antialias: true, p: 1 },
  horizontalFlip: { p: 0.5 },
  verticalFlip: { p: 0.5 },
  colorJitter: { brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, p: 1 },
  grayscale: { p: 0.1 },
  gaussianBlur: { sigma: [0.1, 2], p: 1 },
  solarize: { threshold: 0.5, p: 0.5 },
};

/** op with the spec's defaults filled in where a field is absent (undefined). */
export function refWithDefaults(op: RefNewOp): RefNewOp {
  const d = DEFAULTS[op.op];
  if (!d) throw new Error(`unknown op ${op.op}`);
  const out: RefNewOp = { ...op };
  for (const [k, v] of Object.entries(d)) if (out[k] === undefined) out[k] = v;
  return out;
}

/**
 * The params of op index `o` for sample `n` of an H×W input under `seed`, as the
 * spec's draws define them. Scalar draw j is word 0 of philox(counter (j, o, n, 0)).
 */
export function refDrawNew(op: RefNewOp, o: number, seed: number, n: number, H: number, W: number): RefNewParams {
  op = refWithDefaults(op);
  const key = refKey(seed);
  const bits = (j: number) => refPhilox([j, o, n, 0], key)[0];
  const u = (j: number) => unit(bits(j));
  const p = op.p;
  const applied = p >= 1 || u(0) < p;
  switch (op.op) {
    case "randomResizedCrop": {
      if (!applied) return { op: op.op, applied, top: 0, left: 0, height: H, width: W };
      const area = H * W;
      const scale: number[] = op.scale;
      const ratio: number[] = op.ratio;
      const logr = [Math.log(ratio[0]), Math.log(ratio[1])];
      for (let t = 0; t < 10; t++) {
        const target = area * lerp(scale, u(1 + 4 * t));
        const ar = Math.exp(lerp(logr, u(2 + 4 * t)));
        const w = refRoundHalfEven(Math.sqrt(target * ar));
        const h = refRoundHalfEven(Math.sqrt(target / ar));
        if (0 < w && w <= W && 0 < h && h <= H) {
          const top = below(bits(3 + 4 * t), H - h + 1);
          const left = below(bits(4 + 4 * t), W - w + 1);
          return { op: op.op, applied, top, left, height: h, width: w };
        }
      }
      // torchvision's fallback: a central crop of the nearest allowed aspect ratio.
      const inRatio = W / H;
      const lo = Math.min(ratio[0], ratio[1]), hi = Math.max(ratio[0], ratio[1]);
      let w: number, h: number;
      if (inRatio < lo) {
        w = W;
        h = refRoundHalfEven(w / lo);
      } else if (inRatio > hi) {
        h = H;
        w = refRoundHalfEven(h * hi);
      } else {
        w = W;
        h = H;
      }
      return { op: op.op, applied, top: Math.floor((H - h) / 2), left: Math.floor((W - w) / 2), height: h, width: w };
    }
    case "horizontalFlip":
    case "verticalFlip":
    case "grayscale":
    case "solarize":
      return { op: op.op, applied };
    case "colorJitter": {
      const ranges = [
        jitterRange(op.brightness, 1, true),
        jitterRange(op.contrast, 1, true),
        jitterRange(op.saturation, 1, true),
        jitterRange(op.hue, 0, false),
      ];
      if (!applied) {
        return {
          op: op.op,
          applied,
          order: [0, 1, 2, 3],
          brightness: null,
          contrast: null,
          saturation: null,
          hue: null,
        };
      }
      const order = [0, 1, 2, 3];
      for (let i = 3; i >= 1; i--) {
        const k = below(bits(4 - i), i + 1);
        [order[i], order[k]] = [order[k], order[i]];
      }
      const f = ranges.map((r, q) => (r === null ? null : lerp(r, u(4 + q))));
      return { op: op.op, applied, order, brightness: f[0], contrast: f[1], saturation: f[2], hue: f[3] };
    }
    case "gaussianBlur": {
      if (!applied) return { op: op.op, applied, sigma: 0 };
      return { op: op.op, applied, sigma: lerp(op.sigma, u(1)) };
    }
  }
  throw new Error(`refDrawNew: unknown op ${op.op}`);
}

// ---------------------------------------------------------------- resampling

/** One output sample of a 1-D resampling: input indices and their weights. */
interface Taps {
  idx: number[];
  w: number[];
}

/**
 * torch's antialiased linear resampling (upsample_bilinear2d_aa, align_corners
 * False, no scale_factor), one axis: scale = in/out; support = max(scale, 1)
 * (the triangle's half-width, 1, widened by the downscale factor); output i is
 * centred at scale·(i + 0.5); it reads inputs j in
 * [max(trunc(center - support + 0.5), 0), min(trunc(center + support + 0.5), in))
 * with weight tri((j + 0.5 - center) / max(scale, 1)), tri(x) = max(0, 1 - |x|),
 * divided by their sum (when that sum is not 0).
 */
function tapsAntialias(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const support = scale >= 1 ? scale : 1;
  const invscale = scale >= 1 ? 1 / scale : 1;
  const out: Taps[] = [];
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    const idx: number[] = [], w: number[] = [];
    let total = 0;
    for (let j = xmin; j < xmax; j++) {
      const d = Math.abs((j - center + 0.5) * invscale);
      const v = d < 1 ? 1 - d : 0;
      idx.push(j);
      w.push(v);
      total += v;
    }
    if (total !== 0) { for (let k = 0; k < w.length; k++) w[k] /= total; }
    out.push({ idx, w });
  }
  return out;
}

/**
 * torch's plain linear resampling (align_corners False), one axis: source
 * position s = scale·(i + 0.5) - 0.5 with scale = in/out, raised to 0 when
 * negative; i0 = floor(s), i1 = i0 + 1 unless i0 is the last input (then i0);
 * weights (1 - λ, λ) with λ = s - i0.
 */
function tapsBilinear(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const out: Taps[] = [];
  for (let i = 0; i < outSize; i++) {
    let s = scale * (i + 0.5) - 0.5;
    if (s < 0) s = 0;
    const i0 = Math.min(Math.floor(s), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const l = Math.min(Math.max(s - i0, 0), 1);
    out.push({ idx: [i0, i1], w: [1 - l, l] });
  }
  return out;
}

/** Resizes each channel of a C×H×W image to C×oh×ow, rows then columns (separable). */
function resample(x: ArrayLike<number>, C: number, H: number, W: number, oh: number, ow: number, aa: boolean) {
  const tw = aa ? tapsAntialias(W, ow) : tapsBilinear(W, ow);
  const th = aa ? tapsAntialias(H, oh) : tapsBilinear(H, oh);
  const mid = new Float64Array(C * H * ow);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < H; h++) {
      for (let j = 0; j < ow; j++) {
        let s = 0;
        const t = tw[j];
        for (let k = 0; k < t.idx.length; k++) s += t.w[k] * x[c * H * W + h * W + t.idx[k]];
        mid[c * H * ow + h * ow + j] = s;
      }
    }
  }
  const y = new Float64Array(C * oh * ow);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < oh; i++) {
      const t = th[i];
      for (let j = 0; j < ow; j++) {
        let s = 0;
        for (let k = 0; k < t.idx.length; k++) s += t.w[k] * mid[c * H * ow + t.idx[k] * ow + j];
        y[c * oh * ow + i * ow + j] = s;
      }
    }
  }
  return y;
}

// ---------------------------------------------------------------- colour

/** rgb_to_grayscale's luma: 0.2989 r + 0.587 g + 0.114 b (no clamp). */
function luma(r: number, g: number, b: number): number {
  return 0.2989 * r + 0.587 * g + 0.114 * b;
}

/**
 * torchvision 0.14's _rgb2hsv for one pixel (no clamp; inputs outside [0, 1] give
 * what the formulas give): v = max, s = (max - min) / max (divisor 1 when max ==
 * min); with rc, gc, bc = (max - channel) / (max - min) (divisor 1 when equal),
 * h6 = bc - gc when max == r, else 2 + rc - bc when max == g, else 4 + gc - rc;
 * h = fmod(h6 / 6 + 1, 1).
 */
function rgb2hsv(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b), minc = Math.min(r, g, b);
  const eqc = maxc === minc;
  const cr = maxc - minc;
  const s = cr / (eqc ? 1 : maxc);
  const div = eqc ? 1 : cr;
  const rc = (maxc - r) / div, gc = (maxc - g) / div, bc = (maxc - b) / div;
  // The three masked terms are summed (a 0 mask times a NaN stays NaN, as in torch).
  const hr = (maxc === r ? 1 : 0) * (bc - gc);
  const hg = (maxc === g && maxc !== r ? 1 : 0) * (2 + rc - bc);
  const hb = (maxc !== g && maxc !== r ? 1 : 0) * (4 + gc - rc);
  const h = (hr + hg + hb) / 6 + 1;
  return [h % 1, s, maxc]; // JS % is C's fmod
}

/**
 * torchvision 0.14's _hsv2rgb for one pixel: i = floor(6h), f = 6h - i,
 * p = clamp(v(1 - s)), q = clamp(v(1 - s f)), t = clamp(v(1 - s(1 - f))) (clamped
 * to [0, 1]; v itself is not), sector i mod 6 picks (v,t,p), (q,v,p), (p,v,t),
 * (p,q,v), (t,p,v), (v,p,q). The pick is a 0/1-mask weighted sum over the six
 * sectors, so a NaN anywhere in p, q, t makes the pixel NaN.
 */
function hsv2rgb(h: number, s: number, v: number): [number, number, number] {
  const i0 = Math.floor(h * 6);
  const f = h * 6 - i0;
  const p = clamp01(v * (1 - s));
  const q = clamp01(v * (1 - s * f));
  const t = clamp01(v * (1 - s * (1 - f)));
  const i = ((i0 % 6) + 6) % 6;
  const a1 = [v, q, p, p, t, v], a2 = [t, v, v, q, p, p], a3 = [p, p, t, v, v, q];
  let r = 0, g = 0, b = 0;
  for (let k = 0; k < 6; k++) {
    const m = i === k ? 1 : 0;
    r += m * a1[k];
    g += m * a2[k];
    b += m * a3[k];
  }
  return [r, g, b];
}

/** Python-style x mod 1 as torch.remainder computes it: fmod, then + 1 when negative. */
function mod1(x: number): number {
  const m = x % 1;
  return m !== 0 && m < 0 ? m + 1 : m;
}

function requireColour(name: string, C: number): void {
  if (C !== 1 && C !== 3) throw new Error(`${name}: C must be 1 or 3, got ${C}`);
}

/** One colorJitter adjustment (fn 0 brightness, 1 contrast, 2 saturation, 3 hue) with factor f. */
function adjust(fn: number, f: number, x: Float64Array, C: number, H: number, W: number): Float64Array {
  const N = H * W;
  const y = new Float64Array(x.length);
  if (fn === 0) {
    // _blend(img, zeros, f) = clamp(f·x + (1 - f)·0, 0, 1)
    for (let i = 0; i < x.length; i++) y[i] = clamp01(f * x[i]);
    return y;
  }
  if (fn === 1) {
    // _blend(img, mean, f) with mean the mean of rgb_to_grayscale over the image (C = 1: of x)
    let sum = 0;
    for (let i = 0; i < N; i++) sum += C === 3 ? luma(x[i], x[N + i], x[2 * N + i]) : x[i];
    const mean = sum / N;
    for (let i = 0; i < x.length; i++) y[i] = clamp01(f * x[i] + (1 - f) * mean);
    return y;
  }
  if (fn === 2) {
    // _blend(img, rgb_to_grayscale(img), f) per pixel; identity for C = 1
    if (C === 1) return x.slice();
    for (let i = 0; i < N; i++) {
      const l = luma(x[i], x[N + i], x[2 * N + i]);
      for (let c = 0; c < 3; c++) y[c * N + i] = clamp01(f * x[c * N + i] + (1 - f) * l);
    }
    return y;
  }
  // hue: rgb -> hsv, h = (h + f) mod 1, hsv -> rgb (no final clamp); identity for C = 1.
  // freqaug's spec clamps the hue step's input to [0, 1] first (torchvision's HSV
  // conversion makes NaN of some out-of-range pixels); on [0, 1] it is torchvision's.
  if (C === 1) return x.slice();
  for (let i = 0; i < N; i++) {
    const [h, s, v] = rgb2hsv(clamp01(x[i]), clamp01(x[N + i]), clamp01(x[2 * N + i]));
    const [r, g, b] = hsv2rgb(mod1(h + f), s, v);
    y[i] = r;
    y[N + i] = g;
    y[2 * N + i] = b;
  }
  return y;
}

// ---------------------------------------------------------------- blur

/** torch "reflect" index of i for an axis of n samples, repeated for |i| beyond n (period 2(n - 1)). */
export function refReflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** The normalised 1-D Gaussian exp(-0.5 (x/σ)^2), x = -r..r, r = ceil(3σ). */
export function refGaussianKernel(sigma: number): number[] {
  const r = Math.ceil(3 * sigma);
  if (r === 0) return [1];
  const k: number[] = [];
  let sum = 0;
  for (let x = -r; x <= r; x++) {
    const v = Math.exp(-0.5 * (x / sigma) ** 2);
    k.push(v);
    sum += v;
  }
  return k.map((v) => v / sum);
}

function blur(x: Float64Array, C: number, H: number, W: number, sigma: number): Float64Array {
  const k = refGaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const mid = new Float64Array(x.length);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let s = 0;
        for (let d = -r; d <= r; d++) s += k[d + r] * x[c * H * W + h * W + refReflect(w + d, W)];
        mid[c * H * W + h * W + w] = s;
      }
    }
  }
  const y = new Float64Array(x.length);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let s = 0;
        for (let d = -r; d <= r; d++) s += k[d + r] * mid[c * H * W + refReflect(h + d, H) * W + w];
        y[c * H * W + h * W + w] = s;
      }
    }
  }
  return y;
}

// ---------------------------------------------------------------- apply

/**
 * Applies op with its params to one C×H×W image (float64, not modified) and
 * returns the output and its shape (only randomResizedCrop changes the shape).
 */
export function refApplyNew(
  op: RefNewOp,
  params: RefNewParams,
  x: ArrayLike<number>,
  C: number,
  H: number,
  W: number,
): RefImage {
  op = refWithDefaults(op);
  const N = H * W;
  const img = Float64Array.from({ length: C * N }, (_, i) => x[i]);
  switch (op.op) {
    case "randomResizedCrop": {
      // F.resized_crop: crop the box, then interpolate(bilinear, align_corners False, antialias).
      const { top, left, height: h, width: w } = params;
      if (!(top >= 0 && left >= 0 && h >= 1 && w >= 1 && top + h <= H && left + w <= W)) {
        throw new Error(`randomResizedCrop: box ${top},${left},${h},${w} outside ${H}x${W}`);
      }
      const crop = new Float64Array(C * h * w);
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < h; i++) {
          for (let j = 0; j < w; j++) crop[c * h * w + i * w + j] = img[c * N + (top + i) * W + left + j];
        }
      }
      const [oh, ow] = op.size;
      return { y: resample(crop, C, h, w, oh, ow, op.antialias), C, H: oh, W: ow };
    }
    case "horizontalFlip":
    case "verticalFlip": {
      if (!params.applied) return { y: img, C, H, W };
      const y = new Float64Array(img.length);
      const hflip = op.op === "horizontalFlip";
      for (let c = 0; c < C; c++) {
        for (let h = 0; h < H; h++) {
          for (let w = 0; w < W; w++) {
            const src = hflip ? c * N + h * W + (W - 1 - w) : c * N + (H - 1 - h) * W + w;
            y[c * N + h * W + w] = img[src];
          }
        }
      }
      return { y, C, H, W };
    }
    case "colorJitter": {
      if (!params.applied) return { y: img, C, H, W };
      requireColour("colorJitter", C);
      const factors = [params.brightness, params.contrast, params.saturation, params.hue];
      let y: Float64Array = img;
      for (const fn of params.order as number[]) {
        const f = factors[fn];
        if (f === null || f === undefined) continue;
        y = adjust(fn, f, y, C, H, W);
      }
      return { y, C, H, W };
    }
    case "grayscale": {
      if (!params.applied) return { y: img, C, H, W };
      requireColour("grayscale", C);
      if (C === 1) return { y: img, C, H, W };
      const y = new Float64Array(img.length);
      for (let i = 0; i < N; i++) {
        const l = luma(img[i], img[N + i], img[2 * N + i]);
        y[i] = y[N + i] = y[2 * N + i] = l;
      }
      return { y, C, H, W };
    }
    case "gaussianBlur": {
      if (!params.applied) return { y: img, C, H, W };
      return { y: blur(img, C, H, W, params.sigma), C, H, W };
    }
    case "solarize": {
      if (!params.applied) return { y: img, C, H, W };
      const th = Math.fround(op.threshold); // compared as a float32, as torchvision compares a float32 image
      return { y: img.map((v) => (v >= th ? 1 - v : v)), C, H, W };
    }
  }
  throw new Error(`refApplyNew: unknown op ${op.op}`);
}
