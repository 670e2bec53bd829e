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

import type { GmmPrecision } from "../dsl/types.ts";
import type { GaussianDraw } from "../params/types.ts";
import { exp } from "./elementary.ts";
import { lightlyFactor, lightlyTerm } from "./lightly.ts";

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
    for (let u = 0; u < U; u++) rows[i * U + u] = exp(-(u - g.u0) * (u - g.u0) * ru);
    const s = g.intensity / c;
    for (let v = 0; v < V; v++) cols[i * V + v] = s * exp(-(v - g.v0) * (v - g.v0) * rv);
  }
  return { rows, cols };
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
 * The mask as a row-major U×V array (the reference form, for tests and
 * pictures; the backends fold it into their multipliers).
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
  if (options.precision === "lightly") {
    const { rows, cols, scales } = lightlyTerms(gaussians, U, V, options.c);
    for (let u = 0; u < U; u++) {
      for (let v = 0; v < V; v++) {
        let m = 1;
        for (let i = 0; i < gaussians.length; i++) m *= lightlyFactor(rows[i * U + u], cols[i * V + v], scales[i]);
        out[u * V + v] = m;
      }
    }
  } else {
    const { rows, cols } = gmmFactors(gaussians, U, V, options.c);
    for (let i = 0; i < gaussians.length; i++) {
      for (let u = 0; u < U; u++) {
        const r = rows[i * U + u];
        for (let v = 0; v < V; v++) {
          const t = r * cols[i * V + v];
          out[u * V + v] *= t >= 1 ? 0 : 1 - t;
        }
      }
    }
  }
  if (options.keepDC) out[0] = 1;
  return out;
}
