/**
 * Complex FFT plans for any length, planned once per length and cached.
 *
 * - Lengths whose prime factors are 2, 3, 5 and 7 run a mixed-radix Stockham
 *   (autosort) FFT with butterflies for radix 4, 2, 3, 5 and 7.
 * - Other lengths whose prime factors are all at most {@link MAX_DIRECT_RADIX}
 *   add direct-DFT butterflies for those primes.
 * - Lengths with a larger prime factor run Bluestein's algorithm over a
 *   mixed-radix plan of the smallest 7-smooth length >= 2n - 1.
 *
 * Data is split complex: separate `Float64Array`s for real and imaginary parts.
 * Transforms are unscaled. The inverse is the forward transform with real and
 * imaginary parts swapped: `ifft(x) = swap(fft(swap(x)))`.
 *
 * @module
 */

import { twiddle } from "./elementary.ts";
import { Lru } from "./lru.ts";

/** Largest prime handled as a direct-DFT butterfly; larger primes use Bluestein. */
export const MAX_DIRECT_RADIX = 61;

/** A planned complex FFT of one length, holding its own scratch. Not reentrant. */
export interface ComplexFft {
  /** The transform length. */
  readonly n: number;
  /** How the plan computes: the radix sequence or Bluestein. */
  readonly strategy: string;
  /**
   * In-place forward DFT (sign -1, unscaled) of `re[off .. off+n)`,
   * `im[off .. off+n)`. Pass the arrays swapped for the unscaled inverse.
   */
  forward(re: Float64Array, im: Float64Array, off?: number): void;
  /**
   * In-place forward DFTs of `count` interleaved sequences: element k of
   * sequence b at `k * count + b`. Pass the arrays swapped for the inverse.
   */
  forwardMany(re: Float64Array, im: Float64Array, count: number): void;
}

/** forwardMany through forward, one gathered sequence at a time. */
function gatherEach(plan: ComplexFft, re: Float64Array, im: Float64Array, count: number): void {
  const n = plan.n, cr = new Float64Array(n), ci = new Float64Array(n);
  for (let b = 0; b < count; b++) {
    for (let k = 0; k < n; k++) {
      cr[k] = re[k * count + b];
      ci[k] = im[k * count + b];
    }
    plan.forward(cr, ci);
    for (let k = 0; k < n; k++) {
      re[k * count + b] = cr[k];
      im[k * count + b] = ci[k];
    }
  }
}

/** One radix pass of a mixed-radix plan, with its twiddles (shared with the WebAssembly kernels). */
export interface Stage {
  readonly p: number;
  readonly len: number; // current sub-transform length L
  readonly stride: number; // s, with L * s = n
  readonly twr: Float64Array; // e^{-2πi jk/L} at j*(p-1) + k-1
  readonly twi: Float64Array;
  readonly cr: Float64Array; // cos(2π tk/p) at (k-1)*h + t-1, odd generic radix only
  readonly ci: Float64Array; // sin(2π tk/p)
}

/** The radix sequence of n: radix 8s and 4s for its power of two, then its odd prime factors. */
export function radices(n: number): number[] {
  const out: number[] = [];
  let m = n, e = 0;
  while (m % 2 === 0) {
    m /= 2;
    e++;
  }
  // Powers of two as radix 8s and 4s; a lone 2 only when n has a single factor 2.
  if (e === 1) out.push(2);
  else {
    const fours = e % 3 === 1 ? 2 : e % 3 === 2 ? 1 : 0;
    for (let i = 0; i < (e - 2 * fours) / 3; i++) out.push(8);
    for (let i = 0; i < fours; i++) out.push(4);
  }
  for (let f = 2; f * f <= m; f++) {
    while (m % f === 0) {
      out.push(f);
      m /= f;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

/** The radix passes of the mixed-radix plan of length n, in order. */
export function planStages(n: number): Stage[] {
  const out: Stage[] = [];
  let len = n, stride = 1;
  for (const p of radices(n)) {
    out.push(makeStage(p, len, stride, n));
    len /= p;
    stride *= p;
  }
  return out;
}

/**
 * The length Bluestein's algorithm pads n to: the smallest m >= 2n - 1 whose
 * prime factors are 2, 3, 5 and 7, so that the convolution runs on the
 * mixed-radix butterflies (a power of two can be up to twice as long).
 */
export function bluesteinLength(n: number): number {
  for (let m = 2 * n - 1;; m++) {
    let r = m;
    for (const f of [2, 3, 5, 7]) while (r % f === 0) r /= f;
    if (r === 1) return m;
  }
}

/** Bluestein's chirp e^{-πi k²/n} (k < n) and the scaled FFT of its conjugate, wrapped to length m. */
export function bluesteinTables(
  n: number,
  m: number,
): { chr: Float64Array; chi: Float64Array; fbr: Float64Array; fbi: Float64Array } {
  const chr = new Float64Array(n), chi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // e^{-πi k²/n} = e^{-2πi (k² mod 2n) / (2n)}
    const [c, s] = twiddle((k * k) % (2 * n), 2 * n);
    chr[k] = c;
    chi[k] = s;
  }
  const fbr = new Float64Array(m), fbi = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    fbr[k] = chr[k] / m;
    fbi[k] = -chi[k] / m;
    if (k > 0) {
      fbr[m - k] = chr[k] / m;
      fbi[m - k] = -chi[k] / m;
    }
  }
  planFft(m).forward(fbr, fbi);
  return { chr, chi, fbr, fbi };
}

function makeStage(p: number, len: number, stride: number, n: number): Stage {
  const m = len / p;
  const twr = new Float64Array(m * (p - 1));
  const twi = new Float64Array(m * (p - 1));
  for (let j = 0; j < m; j++) {
    for (let k = 1; k < p; k++) {
      // e^{-2πi jk/L} = e^{-2πi (jk * stride)/n}, reduced on integers.
      const [c, s] = twiddle((j * k * stride) % n, n);
      twr[j * (p - 1) + k - 1] = c;
      twi[j * (p - 1) + k - 1] = s;
    }
  }
  const h = (p - 1) >> 1;
  const generic = p % 2 === 1 && p > 7;
  const cr = new Float64Array(generic ? h * h : 0);
  const ci = new Float64Array(generic ? h * h : 0);
  if (generic) {
    for (let k = 1; k <= h; k++) {
      for (let t = 1; t <= h; t++) {
        const [c, s] = twiddle((t * k) % p, p);
        cr[(k - 1) * h + t - 1] = c;
        ci[(k - 1) * h + t - 1] = -s; // sin(2π tk/p)
      }
    }
  }
  return { p, len, stride, twr, twi, cr, ci };
}

function pass2(
  st: Stage,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
): void {
  const m = st.len / 2, twr = st.twr, twi = st.twi;
  for (let j = 0; j < m; j++) {
    const wr = twr[j], wi = twi[j];
    const i0 = xo + s * j, i1 = i0 + s * m, o0 = yo + s * 2 * j, o1 = o0 + s;
    for (let q = 0; q < s; q++) {
      const ar = xr[i0 + q], ai = xi[i0 + q], br = xr[i1 + q], bi = xi[i1 + q];
      yr[o0 + q] = ar + br;
      yi[o0 + q] = ai + bi;
      const dr = ar - br, di = ai - bi;
      yr[o1 + q] = dr * wr - di * wi;
      yi[o1 + q] = dr * wi + di * wr;
    }
  }
}

function pass3(
  st: Stage,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
): void {
  const m = st.len / 3, twr = st.twr, twi = st.twi;
  const c = 0.86602540378443864676;
  for (let j = 0; j < m; j++) {
    const w1r = twr[2 * j],
      w1i = twi[2 * j],
      w2r = twr[2 * j + 1],
      w2i = twi[2 * j + 1];
    const i0 = xo + s * j, i1 = i0 + s * m, i2 = i1 + s * m;
    const o0 = yo + s * 3 * j, o1 = o0 + s, o2 = o1 + s;
    for (let q = 0; q < s; q++) {
      const a0r = xr[i0 + q], a0i = xi[i0 + q];
      const a1r = xr[i1 + q], a1i = xi[i1 + q];
      const a2r = xr[i2 + q], a2i = xi[i2 + q];
      const sr = a1r + a2r, si = a1i + a2i, dr = a1r - a2r, di = a1i - a2i;
      yr[o0 + q] = a0r + sr;
      yi[o0 + q] = a0i + si;
      const mr = a0r - 0.5 * sr, mi = a0i - 0.5 * si;
      const b1r = mr + c * di, b1i = mi - c * dr;
      const b2r = mr - c * di, b2i = mi + c * dr;
      yr[o1 + q] = b1r * w1r - b1i * w1i;
      yi[o1 + q] = b1r * w1i + b1i * w1r;
      yr[o2 + q] = b2r * w2r - b2i * w2i;
      yi[o2 + q] = b2r * w2i + b2i * w2r;
    }
  }
}

function pass4(
  st: Stage,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
): void {
  const m = st.len / 4, twr = st.twr, twi = st.twi;
  for (let j = 0; j < m; j++) {
    const w1r = twr[3 * j], w1i = twi[3 * j];
    const w2r = twr[3 * j + 1], w2i = twi[3 * j + 1];
    const w3r = twr[3 * j + 2], w3i = twi[3 * j + 2];
    const i0 = xo + s * j, i1 = i0 + s * m, i2 = i1 + s * m, i3 = i2 + s * m;
    const o0 = yo + s * 4 * j, o1 = o0 + s, o2 = o1 + s, o3 = o2 + s;
    for (let q = 0; q < s; q++) {
      const a0r = xr[i0 + q], a0i = xi[i0 + q];
      const a1r = xr[i1 + q], a1i = xi[i1 + q];
      const a2r = xr[i2 + q], a2i = xi[i2 + q];
      const a3r = xr[i3 + q], a3i = xi[i3 + q];
      const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
      yr[o0 + q] = t0r + t2r;
      yi[o0 + q] = t0i + t2i;
      const b1r = t1r + t3i, b1i = t1i - t3r;
      const b2r = t0r - t2r, b2i = t0i - t2i;
      const b3r = t1r - t3i, b3i = t1i + t3r;
      yr[o1 + q] = b1r * w1r - b1i * w1i;
      yi[o1 + q] = b1r * w1i + b1i * w1r;
      yr[o2 + q] = b2r * w2r - b2i * w2i;
      yi[o2 + q] = b2r * w2i + b2i * w2r;
      yr[o3 + q] = b3r * w3r - b3i * w3i;
      yi[o3 + q] = b3r * w3i + b3i * w3r;
    }
  }
}

const SQRT1_2 = 0.70710678118654752440;

function pass8(
  st: Stage,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
): void {
  const m = st.len / 8, twr = st.twr, twi = st.twi, sm = s * m;
  for (let j = 0; j < m; j++) {
    const t = 7 * j;
    const w1r = twr[t], w1i = twi[t], w2r = twr[t + 1], w2i = twi[t + 1];
    const w3r = twr[t + 2], w3i = twi[t + 2], w4r = twr[t + 3], w4i = twi[t + 3];
    const w5r = twr[t + 4], w5i = twi[t + 4], w6r = twr[t + 5], w6i = twi[t + 5];
    const w7r = twr[t + 6], w7i = twi[t + 6];
    const i0 = xo + s * j, o0 = yo + s * 8 * j;
    for (let q = 0; q < s; q++) {
      const b = i0 + q;
      const a0r = xr[b], a0i = xi[b], a1r = xr[b + sm], a1i = xi[b + sm];
      const a2r = xr[b + 2 * sm], a2i = xi[b + 2 * sm], a3r = xr[b + 3 * sm], a3i = xi[b + 3 * sm];
      const a4r = xr[b + 4 * sm], a4i = xi[b + 4 * sm], a5r = xr[b + 5 * sm], a5i = xi[b + 5 * sm];
      const a6r = xr[b + 6 * sm], a6i = xi[b + 6 * sm], a7r = xr[b + 7 * sm], a7i = xi[b + 7 * sm];
      // 4-point DFTs of the even and odd inputs.
      let t0r = a0r + a4r, t0i = a0i + a4i, t1r = a0r - a4r, t1i = a0i - a4i;
      let t2r = a2r + a6r, t2i = a2i + a6i, t3r = a2r - a6r, t3i = a2i - a6i;
      const e0r = t0r + t2r, e0i = t0i + t2i, e2r = t0r - t2r, e2i = t0i - t2i;
      const e1r = t1r + t3i, e1i = t1i - t3r, e3r = t1r - t3i, e3i = t1i + t3r;
      t0r = a1r + a5r, t0i = a1i + a5i, t1r = a1r - a5r, t1i = a1i - a5i;
      t2r = a3r + a7r, t2i = a3i + a7i, t3r = a3r - a7r, t3i = a3i - a7i;
      const o0r = t0r + t2r, o0i = t0i + t2i, o2r = t0r - t2r, o2i = t0i - t2i;
      const o1r = t1r + t3i, o1i = t1i - t3r, o3r = t1r - t3i, o3i = t1i + t3r;
      // Odd parts times W8^k.
      const p1r = SQRT1_2 * (o1r + o1i), p1i = SQRT1_2 * (o1i - o1r);
      const p2r = o2i, p2i = -o2r;
      const p3r = SQRT1_2 * (o3i - o3r), p3i = -SQRT1_2 * (o3i + o3r);
      const o = o0 + q;
      yr[o] = e0r + o0r;
      yi[o] = e0i + o0i;
      let br = e1r + p1r, bi = e1i + p1i;
      yr[o + s] = br * w1r - bi * w1i;
      yi[o + s] = br * w1i + bi * w1r;
      br = e2r + p2r, bi = e2i + p2i;
      yr[o + 2 * s] = br * w2r - bi * w2i;
      yi[o + 2 * s] = br * w2i + bi * w2r;
      br = e3r + p3r, bi = e3i + p3i;
      yr[o + 3 * s] = br * w3r - bi * w3i;
      yi[o + 3 * s] = br * w3i + bi * w3r;
      br = e0r - o0r, bi = e0i - o0i;
      yr[o + 4 * s] = br * w4r - bi * w4i;
      yi[o + 4 * s] = br * w4i + bi * w4r;
      br = e1r - p1r, bi = e1i - p1i;
      yr[o + 5 * s] = br * w5r - bi * w5i;
      yi[o + 5 * s] = br * w5i + bi * w5r;
      br = e2r - p2r, bi = e2i - p2i;
      yr[o + 6 * s] = br * w6r - bi * w6i;
      yi[o + 6 * s] = br * w6i + bi * w6r;
      br = e3r - p3r, bi = e3i - p3i;
      yr[o + 7 * s] = br * w7r - bi * w7i;
      yi[o + 7 * s] = br * w7i + bi * w7r;
    }
  }
}

const C5_1 = 0.30901699437494742410, C5_2 = -0.80901699437494742410;
const S5_1 = 0.95105651629515357212, S5_2 = 0.58778525229247312917;

function pass5(
  st: Stage,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
): void {
  const m = st.len / 5, twr = st.twr, twi = st.twi, sm = s * m;
  for (let j = 0; j < m; j++) {
    const t = 4 * j;
    const w1r = twr[t], w1i = twi[t], w2r = twr[t + 1], w2i = twi[t + 1];
    const w3r = twr[t + 2], w3i = twi[t + 2], w4r = twr[t + 3], w4i = twi[t + 3];
    const i0 = xo + s * j, o0 = yo + s * 5 * j;
    for (let q = 0; q < s; q++) {
      const b = i0 + q;
      const a0r = xr[b], a0i = xi[b];
      const a1r = xr[b + sm], a1i = xi[b + sm], a4r = xr[b + 4 * sm], a4i = xi[b + 4 * sm];
      const a2r = xr[b + 2 * sm], a2i = xi[b + 2 * sm], a3r = xr[b + 3 * sm], a3i = xi[b + 3 * sm];
      const s1r = a1r + a4r, s1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i;
      const s2r = a2r + a3r, s2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i;
      const c1r = a0r + C5_1 * s1r + C5_2 * s2r, c1i = a0i + C5_1 * s1i + C5_2 * s2i;
      const c2r = a0r + C5_2 * s1r + C5_1 * s2r, c2i = a0i + C5_2 * s1i + C5_1 * s2i;
      const e1r = S5_1 * d1r + S5_2 * d2r, e1i = S5_1 * d1i + S5_2 * d2i;
      const e2r = S5_2 * d1r - S5_1 * d2r, e2i = S5_2 * d1i - S5_1 * d2i;
      const o = o0 + q;
      yr[o] = a0r + s1r + s2r;
      yi[o] = a0i + s1i + s2i;
      let br = c1r + e1i, bi = c1i - e1r;
      yr[o + s] = br * w1r - bi * w1i;
      yi[o + s] = br * w1i + bi * w1r;
      br = c1r - e1i, bi = c1i + e1r;
      yr[o + 4 * s] = br * w4r - bi * w4i;
      yi[o + 4 * s] = br * w4i + bi * w4r;
      br = c2r + e2i, bi = c2i - e2r;
      yr[o + 2 * s] = br * w2r - bi * w2i;
      yi[o + 2 * s] = br * w2i + bi * w2r;
      br = c2r - e2i, bi = c2i + e2r;
      yr[o + 3 * s] = br * w3r - bi * w3i;
      yi[o + 3 * s] = br * w3i + bi * w3r;
    }
  }
}

const C7_1 = 0.62348980185873353053, C7_2 = -0.22252093395631440429, C7_3 = -0.90096886790241912624;
const S7_1 = 0.78183148246802980871, S7_2 = 0.97492791218182360702, S7_3 = 0.43388373911755812048;

function pass7(
  st: Stage,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
): void {
  const m = st.len / 7, twr = st.twr, twi = st.twi, sm = s * m;
  for (let j = 0; j < m; j++) {
    const t = 6 * j;
    const i0 = xo + s * j, o0 = yo + s * 7 * j;
    for (let q = 0; q < s; q++) {
      const b = i0 + q;
      const a0r = xr[b], a0i = xi[b];
      const a1r = xr[b + sm], a1i = xi[b + sm], a6r = xr[b + 6 * sm], a6i = xi[b + 6 * sm];
      const a2r = xr[b + 2 * sm], a2i = xi[b + 2 * sm], a5r = xr[b + 5 * sm], a5i = xi[b + 5 * sm];
      const a3r = xr[b + 3 * sm], a3i = xi[b + 3 * sm], a4r = xr[b + 4 * sm], a4i = xi[b + 4 * sm];
      const s1r = a1r + a6r, s1i = a1i + a6i, d1r = a1r - a6r, d1i = a1i - a6i;
      const s2r = a2r + a5r, s2i = a2i + a5i, d2r = a2r - a5r, d2i = a2i - a5i;
      const s3r = a3r + a4r, s3i = a3i + a4i, d3r = a3r - a4r, d3i = a3i - a4i;
      // C_k = a0 + sum_t s_t cos(2π tk/7), D_k = sum_t d_t sin(2π tk/7)
      const c1r = a0r + C7_1 * s1r + C7_2 * s2r + C7_3 * s3r, c1i = a0i + C7_1 * s1i + C7_2 * s2i + C7_3 * s3i;
      const c2r = a0r + C7_2 * s1r + C7_3 * s2r + C7_1 * s3r, c2i = a0i + C7_2 * s1i + C7_3 * s2i + C7_1 * s3i;
      const c3r = a0r + C7_3 * s1r + C7_1 * s2r + C7_2 * s3r, c3i = a0i + C7_3 * s1i + C7_1 * s2i + C7_2 * s3i;
      const e1r = S7_1 * d1r + S7_2 * d2r + S7_3 * d3r, e1i = S7_1 * d1i + S7_2 * d2i + S7_3 * d3i;
      const e2r = S7_2 * d1r - S7_3 * d2r - S7_1 * d3r, e2i = S7_2 * d1i - S7_3 * d2i - S7_1 * d3i;
      const e3r = S7_3 * d1r - S7_1 * d2r + S7_2 * d3r, e3i = S7_3 * d1i - S7_1 * d2i + S7_2 * d3i;
      const o = o0 + q;
      yr[o] = a0r + s1r + s2r + s3r;
      yi[o] = a0i + s1i + s2i + s3i;
      let br = c1r + e1i, bi = c1i - e1r, wr = twr[t], wi = twi[t];
      yr[o + s] = br * wr - bi * wi;
      yi[o + s] = br * wi + bi * wr;
      br = c2r + e2i, bi = c2i - e2r, wr = twr[t + 1], wi = twi[t + 1];
      yr[o + 2 * s] = br * wr - bi * wi;
      yi[o + 2 * s] = br * wi + bi * wr;
      br = c3r + e3i, bi = c3i - e3r, wr = twr[t + 2], wi = twi[t + 2];
      yr[o + 3 * s] = br * wr - bi * wi;
      yi[o + 3 * s] = br * wi + bi * wr;
      br = c3r - e3i, bi = c3i + e3r, wr = twr[t + 3], wi = twi[t + 3];
      yr[o + 4 * s] = br * wr - bi * wi;
      yi[o + 4 * s] = br * wi + bi * wr;
      br = c2r - e2i, bi = c2i + e2r, wr = twr[t + 4], wi = twi[t + 4];
      yr[o + 5 * s] = br * wr - bi * wi;
      yi[o + 5 * s] = br * wi + bi * wr;
      br = c1r - e1i, bi = c1i + e1r, wr = twr[t + 5], wi = twi[t + 5];
      yr[o + 6 * s] = br * wr - bi * wi;
      yi[o + 6 * s] = br * wi + bi * wr;
    }
  }
}

/** Odd radix p > 7 (the direct-DFT primes), pairing inputs t and p-t. */
function passOdd(
  st: Stage,
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
  sr: Float64Array,
  si: Float64Array,
  dr: Float64Array,
  di: Float64Array,
): void {
  const p = st.p, h = (p - 1) >> 1, m = st.len / p;
  const twr = st.twr, twi = st.twi, cr = st.cr, ci = st.ci;
  for (let j = 0; j < m; j++) {
    const tw = j * (p - 1);
    for (let q = 0; q < s; q++) {
      const base = xo + s * j + q;
      const a0r = xr[base], a0i = xi[base];
      let y0r = a0r, y0i = a0i;
      for (let t = 1; t <= h; t++) {
        const ir = base + s * m * t, jr = base + s * m * (p - t);
        const ur = xr[ir], ui = xi[ir], vr = xr[jr], vi = xi[jr];
        sr[t - 1] = ur + vr;
        si[t - 1] = ui + vi;
        dr[t - 1] = ur - vr;
        di[t - 1] = ui - vi;
        y0r += ur + vr;
        y0i += ui + vi;
      }
      const ob = yo + s * p * j + q;
      yr[ob] = y0r;
      yi[ob] = y0i;
      for (let k = 1; k <= h; k++) {
        let cR = a0r, cI = a0i, dR = 0, dI = 0;
        const row = (k - 1) * h;
        for (let t = 0; t < h; t++) {
          const c = cr[row + t], sn = ci[row + t];
          cR += sr[t] * c;
          cI += si[t] * c;
          dR += dr[t] * sn;
          dI += di[t] * sn;
        }
        // b_k = C - iD, b_{p-k} = C + iD
        const bkr = cR + dI, bki = cI - dR;
        const bmr = cR - dI, bmi = cI + dR;
        const wkr = twr[tw + k - 1], wki = twi[tw + k - 1];
        const wmr = twr[tw + p - k - 1], wmi = twi[tw + p - k - 1];
        const ok = ob + s * k, om = ob + s * (p - k);
        yr[ok] = bkr * wkr - bki * wki;
        yi[ok] = bkr * wki + bki * wkr;
        yr[om] = bmr * wmr - bmi * wmi;
        yi[om] = bmr * wmi + bmi * wmr;
      }
    }
  }
}

class StockhamFft implements ComplexFft {
  readonly strategy: string;
  private readonly stages: Stage[];
  private sr: Float64Array;
  private si: Float64Array;
  private readonly tmp: Float64Array[];
  constructor(readonly n: number, rad: number[]) {
    this.strategy = `stockham(${rad.join("x")})`;
    this.stages = planStages(n);
    this.sr = new Float64Array(n);
    this.si = new Float64Array(n);
    const h = Math.max(1, ...rad.map((p) => (p - 1) >> 1));
    this.tmp = [0, 1, 2, 3].map(() => new Float64Array(h));
  }
  forward(re: Float64Array, im: Float64Array, off = 0): void {
    this.run(re, im, off, 1);
  }
  forwardMany(re: Float64Array, im: Float64Array, count: number): void {
    this.run(re, im, 0, count);
  }
  private run(re: Float64Array, im: Float64Array, off: number, count: number): void {
    const size = this.n * count;
    if (this.sr.length < size) {
      this.sr = new Float64Array(size);
      this.si = new Float64Array(size);
    }
    let xr = re, xi = im, xo = off, yr = this.sr, yi = this.si, yo = 0;
    const [a, b, c, d] = this.tmp;
    for (const st of this.stages) {
      const s = st.stride * count;
      switch (st.p) {
        case 2:
          pass2(st, s, xr, xi, xo, yr, yi, yo);
          break;
        case 3:
          pass3(st, s, xr, xi, xo, yr, yi, yo);
          break;
        case 4:
          pass4(st, s, xr, xi, xo, yr, yi, yo);
          break;
        case 5:
          pass5(st, s, xr, xi, xo, yr, yi, yo);
          break;
        case 7:
          pass7(st, s, xr, xi, xo, yr, yi, yo);
          break;
        case 8:
          pass8(st, s, xr, xi, xo, yr, yi, yo);
          break;
        default:
          passOdd(st, s, xr, xi, xo, yr, yi, yo, a, b, c, d);
      }
      const tr = xr, ti = xi, to = xo;
      xr = yr;
      xi = yi;
      xo = yo;
      yr = tr;
      yi = ti;
      yo = to;
    }
    if (xr !== re) {
      re.set(xr.subarray(0, size), off);
      im.set(xi.subarray(0, size), off);
    }
  }
}

class BluesteinFft implements ComplexFft {
  readonly strategy: string;
  private readonly inner: ComplexFft;
  private readonly m: number;
  private readonly chr: Float64Array; // chirp e^{-πi k²/n}
  private readonly chi: Float64Array;
  private readonly fbr: Float64Array; // FFT of conj(chirp), wrapped, scaled 1/m
  private readonly fbi: Float64Array;
  private readonly ar: Float64Array;
  private readonly ai: Float64Array;
  constructor(readonly n: number) {
    const m = this.m = bluesteinLength(n);
    this.inner = planFft(m);
    this.strategy = `bluestein(${m})`;
    ({ chr: this.chr, chi: this.chi, fbr: this.fbr, fbi: this.fbi } = bluesteinTables(n, m));
    this.ar = new Float64Array(m);
    this.ai = new Float64Array(m);
  }
  forwardMany(re: Float64Array, im: Float64Array, count: number): void {
    gatherEach(this, re, im, count);
  }
  forward(re: Float64Array, im: Float64Array, off = 0): void {
    const { n, m, chr, chi, ar, ai, fbr, fbi } = this;
    for (let k = 0; k < n; k++) {
      const xr = re[off + k], xi = im[off + k];
      ar[k] = xr * chr[k] - xi * chi[k];
      ai[k] = xr * chi[k] + xi * chr[k];
    }
    ar.fill(0, n);
    ai.fill(0, n);
    this.inner.forward(ar, ai);
    for (let k = 0; k < m; k++) {
      const xr = ar[k], xi = ai[k];
      ar[k] = xr * fbr[k] - xi * fbi[k];
      ai[k] = xr * fbi[k] + xi * fbr[k];
    }
    this.inner.forward(ai, ar); // inverse by swapping
    for (let k = 0; k < n; k++) {
      const xr = ar[k], xi = ai[k];
      re[off + k] = xr * chr[k] - xi * chi[k];
      im[off + k] = xr * chi[k] + xi * chr[k];
    }
  }
}

class IdentityFft implements ComplexFft {
  readonly n = 1;
  readonly strategy = "identity";
  forward(): void {}
  forwardMany(): void {}
}

// Plans of the lengths met most recently (rows and columns of a few image sizes).
const cache = new Lru<ComplexFft>(16);

/** Which algorithm a plan uses; `auto` picks by the factors of n. */
export type FftStrategy = "auto" | "mixed-radix" | "bluestein";

/**
 * The cached FFT plan for length `n` (any integer >= 1).
 *
 * @example
 * ```ts
 * import { planFft } from "./fft.ts";
 * const re = new Float64Array([1, 2, 3]), im = new Float64Array(3);
 * planFft(3).forward(re, im); // re = [6, -1.5, -1.5]
 * ```
 */
export function planFft(n: number, strategy: FftStrategy = "auto"): ComplexFft {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`FFT length must be an integer >= 1, got ${n}`);
  }
  return cache.get(`${n}:${strategy}`, () => {
    if (n === 1) return new IdentityFft();
    if (strategy === "bluestein") return new BluesteinFft(n);
    if (strategy === "mixed-radix" || radices(n).every((p) => p <= MAX_DIRECT_RADIX)) {
      return new StockhamFft(n, radices(n));
    }
    return new BluesteinFft(n);
  });
}
