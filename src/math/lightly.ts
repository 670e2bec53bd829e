/**
 * lightly's arithmetic, bit for bit, for the `precision: "lightly"` mode of the
 * Gaussian mixture mask.
 *
 * lightly builds each Gaussian with torch from a float32 σ, so torch computes
 * it in float32: the exponent `(u - u0)^2 / (2 σu^2) + (v - v0)^2 / (2 σv^2)`
 * with float32 rounding after each operation, `exp` as SLEEF's `expf_u10`
 * (what torch's vectorised CPU kernels call on x86, with fused multiply-adds),
 * and the factor `1 - G` in float32; only the product over the Gaussians is
 * float64. Emulating exactly that reproduces lightly's golden masks to the last
 * bit.
 *
 * A float32 operation is emulated as the float64 operation followed by
 * `Math.fround`; a float32 fused multiply-add as `fround(a * b + c)`, whose
 * product of two float32 values is exact in float64.
 *
 * @module
 */

import { exp2i } from "./elementary.ts";

const f32 = Math.fround;
const R_LN2F = f32(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = f32(0.693145751953125);
const L2LF = f32(1.428606765330187045e-06);
const P0 = f32(0.000198527617612853646278381);
const P1 = f32(0.00139304355252534151077271);
const P2 = f32(0.00833336077630519866943359);
const P3 = f32(0.0416664853692054748535156);
const P4 = f32(0.166666671633720397949219);

/** Round half to even, as the x86 conversion in SLEEF does. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * SLEEF's `expf_u10` (FMA variant) of a float32 value, emulated exactly.
 *
 * @example
 * ```ts
 * import { sleefExpf } from "./lightly.ts";
 * sleefExpf(0); // 1
 * ```
 */
export function sleefExpf(d: number): number {
  if (d < -104) return 0;
  const q = rint(f32(d * R_LN2F));
  let s = f32(q * -L2UF + d);
  s = f32(q * -L2LF + s);
  let u = f32(P0 * s + P1);
  u = f32(u * s + P2);
  u = f32(u * s + P3);
  u = f32(u * s + P4);
  u = f32(u * s + 0.5);
  u = f32(1 + f32(f32(s * s) * u + s));
  return f32(u * exp2i(q));
}

/** `fround(du^2) / fround(2 σ^2)` in float32: one axis's term of lightly's exponent. */
export function lightlyTerm(d: number, sigma: number): number {
  const s = f32(sigma);
  return f32(f32(d * d) / (2 * f32(s * s)));
}

/**
 * One Gaussian's factor `max(0, 1 - (a / c) G)` in float32, from the two float32
 * terms of its exponent; `scale` is `fround(a / c)` (1 in lightly's own mask).
 */
export function lightlyFactor(termU: number, termV: number, scale: number): number {
  const g = sleefExpf(-f32(termU + termV));
  const f = f32(1 - (scale === 1 ? g : f32(scale * g)));
  return f > 0 ? f : 0;
}
