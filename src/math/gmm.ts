/**
 * The Gaussian mixture mask, shared by both backends.
 *
 *     G_i(u, v) = exp(-((u - u0_i)^2 / (2 σu_i^2) + (v - v0_i)^2 / (2 σv_i^2)))
 *     M(u, v)   = prod_i max(0, 1 - (a_i / c) G_i(u, v));   M(0, 0) = 1 when keepDC
 *
 * In float64, G_i is the product of a row factor and a column factor, so the
 * backends compute k·(U + V) exponentials per sample, never one per bin per
 * Gaussian. In `lightly` precision each factor is lightly's float32 value,
 * which is not separable (see `lightly.ts`).
 *
 * @module
 */

import { exp } from "./elementary.ts";
import { lightlyFactor, lightlyTerm } from "./lightly.ts";

/** How the GMM mask is computed: in float64, or exactly as lightly computes it. */
export type GmmPrecision = "float64" | "lightly";

/** One Gaussian of the mixture mask, as drawn. */
export interface GaussianDraw {
  /** Row of the half-spectrum, 0..H-1. */
  readonly u0: number;
  /** Column of the half-spectrum, 0..floor(W/2). */
  readonly v0: number;
  /** σ along the rows axis, in bins. */
  readonly sigmaU: number;
  /** σ along the columns axis, in bins. */
  readonly sigmaV: number;
  /** a_i in [0, 1]. */
  readonly intensity: number;
}

/** 2^-54: a factor 1 - t with t at most this rounds to exactly 1. */
const NEGLIGIBLE = 5.551115123125783e-17;

/** Half-spectrum size of an H×W image: U = H rows, V = floor(W/2) + 1 columns. */
export function halfSpectrum(height: number, width: number): { U: number; V: number } {
  return { U: height, V: (width >> 1) + 1 };
}

/**
 * Separable factors: `rows[i*U + u] = exp(-(u - u0_i)^2 / (2 σu_i^2))`,
 * `cols[i*V + v] = (a_i / c) exp(-(v - v0_i)^2 / (2 σv_i^2))`.
 */
export function gmmFactors(
  gaussians: readonly GaussianDraw[],
  U: number,
  V: number,
  c: number,
): { rows: Float64Array; cols: Float64Array } {
  const k = gaussians.length;
  const rows = new Float64Array(k * U);
  const cols = new Float64Array(k * V);
  for (let i = 0; i < k; i++) {
    const g = gaussians[i];
    const ru = 1 / (2 * g.sigmaU * g.sigmaU), rv = 1 / (2 * g.sigmaV * g.sigmaV);
    // Centres are whole bins: bins d before and after one share their factor (one exp each).
    mirrored(rows, i * U, U, g.u0, (d) => exp(-d * d * ru));
    const s = g.intensity / c;
    mirrored(cols, i * V, V, g.v0, (d) => s * exp(-d * d * rv));
  }
  return { rows, cols };
}

/** `out[at + x] = f(|x - x0|)` for x in [0, n), calling f once per distance. */
function mirrored(out: Float64Array, at: number, n: number, x0: number, f: (d: number) => number): void {
  const last = Math.max(x0, n - 1 - x0);
  for (let d = 0; d <= last; d++) {
    const y = f(d);
    if (x0 - d >= 0) out[at + x0 - d] = y;
    if (x0 + d < n) out[at + x0 + d] = y;
  }
}

/**
 * lightly's float32 exponent terms: `rows[i*U + u] = fround((u - u0)^2) / fround(2 σu^2)`
 * in float32, likewise `cols`; `scales[i] = fround(a_i / c)`; and `limits[i]`,
 * an exponent above which Gaussian i's factor is exactly 1.
 */
export function lightlyTerms(
  gaussians: readonly GaussianDraw[],
  U: number,
  V: number,
  c: number,
): { rows: Float64Array; cols: Float64Array; scales: Float64Array; limits: Float64Array } {
  const k = gaussians.length;
  const rows = new Float64Array(k * U), cols = new Float64Array(k * V);
  const scales = new Float64Array(k), limits = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const g = gaussians[i];
    for (let u = 0; u < U; u++) rows[i * U + u] = lightlyTerm(u - g.u0, g.sigmaU);
    for (let v = 0; v < V; v++) cols[i * V + v] = lightlyTerm(v - g.v0, g.sigmaV);
    scales[i] = Math.fround(g.intensity / c);
    // 1 - t rounds to exactly 1 in float32 once t <= 2^-25, i.e. once
    // scale · e^-x <= 2^-25; one unit of margin covers every rounding.
    limits[i] = 25 * Math.LN2 + Math.log(scales[i]) + 1;
  }
  return { rows, cols, scales, limits };
}

/**
 * The mask as a row-major U×V array, for tests and pictures; the CPU backend
 * folds it into its multipliers with the same {@link foldGmm}.
 *
 * @example
 * ```ts
 * import { gmmMask } from "@freqaug/freqaug";
 * const m = gmmMask([{ u0: 0, v0: 0, sigmaU: 2, sigmaV: 2, intensity: 1 }], 8, 8, { c: 1, keepDC: false });
 * // m[0] === 0: a full-depth notch at DC
 * ```
 */
export function gmmMask(
  gaussians: readonly GaussianDraw[],
  height: number,
  width: number,
  options: { readonly c: number; readonly keepDC: boolean; readonly precision?: GmmPrecision },
): Float64Array {
  const { U, V } = halfSpectrum(height, width);
  const out = new Float64Array(U * V).fill(1);
  const k = gaussians.length, row = new Float64Array(V);
  if (options.precision === "lightly") {
    foldGmmLightly(out, null, lightlyTerms(gaussians, U, V, options.c), k, U, V, row);
  } else {
    const { rows, cols } = gmmFactors(gaussians, U, V, options.c);
    foldGmm(out, null, rows, cols, k, U, V, row);
  }
  if (options.keepDC) out[0] = 1;
  return out;
}

/**
 * Multiplies a row-major U×V array (`re`, and `im` when given) by the mixture
 * mask, row by row: a
 * Gaussian whose factor on a row is at most 2^-54 everywhere leaves every bin
 * of that row exactly as it was, so it is skipped there.
 */
export function foldGmm(
  re: Float64Array,
  im: Float64Array | null,
  rows: Float64Array,
  cols: Float64Array,
  k: number,
  H: number,
  V: number,
  m: Float64Array,
): void {
  const peak = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let mx = 0;
    for (let v = 0; v < V; v++) mx = Math.max(mx, cols[i * V + v]);
    peak[i] = mx;
  }
  for (let u = 0; u < H; u++) {
    m.fill(1);
    for (let i = 0; i < k; i++) {
      const r = rows[i * H + u];
      if (r * peak[i] <= NEGLIGIBLE) continue;
      const ci = i * V;
      for (let v = 0; v < V; v++) {
        const f = 1 - r * cols[ci + v];
        m[v] *= f > 0 ? f : 0;
      }
    }
    const o = u * V;
    for (let v = 0; v < V; v++) re[o + v] *= m[v];
    if (im) { for (let v = 0; v < V; v++) im[o + v] *= m[v]; }
  }
}

/**
 * Like {@link foldGmm}, in lightly's float32 arithmetic: one float32 exp per bin
 * per Gaussian, as lightly does, except where the factor is exactly 1.
 */
export function foldGmmLightly(
  re: Float64Array,
  im: Float64Array | null,
  terms: ReturnType<typeof lightlyTerms>,
  k: number,
  H: number,
  V: number,
  m: Float64Array,
): void {
  const { rows, cols, scales, limits } = terms;
  for (let u = 0; u < H; u++) {
    m.fill(1);
    for (let i = 0; i < k; i++) {
      const a = rows[i * H + u], limit = limits[i], scale = scales[i], ci = i * V;
      if (a >= limit) continue;
      for (let v = 0; v < V; v++) {
        const b = cols[ci + v];
        if (a + b < limit) m[v] *= lightlyFactor(a, b, scale);
      }
    }
    const o = u * V;
    for (let v = 0; v < V; v++) re[o + v] *= m[v];
    if (im) { for (let v = 0; v < V; v++) im[o + v] *= m[v]; }
  }
}
