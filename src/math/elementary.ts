/**
 * Deterministic elementary functions.
 *
 * `Math.exp`, `Math.sin` and `Math.cos` are not specified to the last bit, and
 * V8 (Deno) and JavaScriptCore (Bun) do give different bits for some inputs.
 * freqaug promises identical bytes on every runtime, so the few transcendental
 * values the backends need are computed here with `+ - * /` only, which IEEE 754
 * fixes exactly. Accuracy is within a few ulp of the true value.
 *
 * @module
 */

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** 2^k for an integer k in [-1022, 1023], built from its bits. */
function pow2(k: number): number {
  u32[HI] = (k + 1023) << 20;
  u32[1 - HI] = 0;
  return f64[0];
}

/** 2^k for k in [-1022, 1023] at index k + 1022. */
const POW2 = new Float64Array(2046);
for (let k = -1022; k <= 1023; k++) POW2[k + 1022] = pow2(k);

/** 2^k, exactly, for an integer k in [-1022, 1023]. */
export function exp2i(k: number): number {
  return POW2[k + 1022];
}

/** e^x, deterministic on every runtime. */
export function exp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * INV_LN2);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  // Taylor series to r^14 / 14!: |r| <= 0.3466 makes the tail < 1e-17.
  let p = 1 / 87178291200;
  p = p * r + 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r * r + r;
  const e = 1 + p;
  if (k > 1023) return e * pow2(1023) * pow2(k - 1023);
  if (k < -1022) return e * pow2(-1022) * pow2(k + 1022);
  return e * POW2[k + 1022];
}

const PIO2_1 = 1.57079632673412561417e+00;
const PIO2_1T = 6.07710050650619224932e-11;
const INV_PIO2 = 6.36619772367581382433e-01;

function sinPoly(r: number): number {
  const r2 = r * r;
  let p = -1 / 121645100408832000;
  p = p * r2 + 1 / 355687428096000;
  p = p * r2 - 1 / 1307674368000;
  p = p * r2 + 1 / 6227020800;
  p = p * r2 - 1 / 39916800;
  p = p * r2 + 1 / 362880;
  p = p * r2 - 1 / 5040;
  p = p * r2 + 1 / 120;
  p = p * r2 - 1 / 6;
  return r + r * r2 * p;
}

function cosPoly(r: number): number {
  const r2 = r * r;
  let p = 1 / 2432902008176640000;
  p = p * r2 - 1 / 6402373705728000;
  p = p * r2 + 1 / 20922789888000;
  p = p * r2 - 1 / 87178291200;
  p = p * r2 + 1 / 479001600;
  p = p * r2 - 1 / 3628800;
  p = p * r2 + 1 / 40320;
  p = p * r2 - 1 / 720;
  p = p * r2 + 1 / 24;
  return 1 - r2 * 0.5 + r2 * r2 * p;
}

/**
 * cos θ and sin θ together, deterministic on every runtime, accurate for
 * |θ| up to about 1e6 (the reduction uses a 2-term π/2).
 */
export function cosSin(theta: number): [number, number] {
  const k = Math.round(theta * INV_PIO2);
  const r = (theta - k * PIO2_1) - k * PIO2_1T;
  const c = cosPoly(r);
  const s = sinPoly(r);
  switch (((k % 4) + 4) % 4) {
    case 0:
      return [c, s];
    case 1:
      return [-s, c];
    case 2:
      return [-c, -s];
    default:
      return [s, -c];
  }
}

/**
 * e^{-2πi j/n} as [re, im], with the angle reduced exactly on integers first,
 * so that twiddles of large transforms keep full accuracy.
 */
export function twiddle(j: number, n: number): [number, number] {
  let m = j % n;
  if (m < 0) m += n;
  // Reduce to an angle in [-π, π]: index in (-n/2, n/2].
  if (2 * m > n) m -= n;
  const [c, s] = cosSin((2 * Math.PI * m) / n);
  return [c, -s];
}
