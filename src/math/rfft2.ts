/**
 * Real 2-D FFTs with numpy's `rfft2`/`irfft2` semantics, for any H, W >= 1.
 *
 * The half-spectrum (U = H rows, V = floor(W/2) + 1 columns) is held
 * row-major, bin (u, v) at `u * V + v`. Rows are real: two rows go through
 * one complex FFT (z = a + i b) and are separated by Hermitian symmetry, for
 * even and odd W. All V columns are transformed together: each butterfly of
 * the column FFT runs over V contiguous bins with one twiddle load.
 *
 * `irfft2` is numpy's: the inverse complex FFT along the rows axis, then a real
 * inverse along the last axis that ignores the imaginary part of bin 0 and,
 * for even W, of bin W/2.
 *
 * @module
 */

import { type ComplexFft, planFft } from "./fft.ts";
import { Lru } from "./lru.ts";

/** Readable and writable real image data. */
export type RealArray = Float32Array | Float64Array;

/** A reusable real 2-D transform for one H×W, with its spectrum scratch. Not reentrant. */
export class Rfft2 {
  /** Half-spectrum columns, floor(W/2) + 1. */
  readonly V: number;
  /** Spectrum, real parts, row-major (bin (u, v) at u * V + v). */
  readonly re: Float64Array;
  /** Spectrum, imaginary parts, same layout. */
  readonly im: Float64Array;
  private readonly rowFft: ComplexFft;
  private readonly colFft: ComplexFft;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(readonly H: number, readonly W: number) {
    this.V = (W >> 1) + 1;
    this.re = new Float64Array(this.V * H);
    this.im = new Float64Array(this.V * H);
    this.rowFft = planFft(W);
    this.colFft = planFft(H);
    this.zr = new Float64Array(W);
    this.zi = new Float64Array(W);
  }

  /** Row transforms of the real H×W plane at `src[off ..]` into the spectrum (not yet along columns). */
  forwardRows(src: ArrayLike<number>, off: number): void {
    const { H, W, V, re, im, zr, zi, rowFft } = this;
    for (let u = 0; u < H; u += 2) {
      const a = off + u * W;
      const pair = u + 1 < H;
      if (pair) {
        for (let n = 0; n < W; n++) {
          zr[n] = src[a + n];
          zi[n] = src[a + W + n];
        }
      } else {
        for (let n = 0; n < W; n++) {
          zr[n] = src[a + n];
          zi[n] = 0;
        }
      }
      rowFft.forward(zr, zi);
      const o = u * V;
      if (!pair) {
        for (let k = 0; k < V; k++) {
          re[o + k] = zr[k];
          im[o + k] = zi[k];
        }
        continue;
      }
      // A = (Z[k] + conj Z[-k]) / 2, B = (Z[k] - conj Z[-k]) / 2i
      re[o] = zr[0];
      im[o] = 0;
      re[o + V] = zi[0];
      im[o + V] = 0;
      for (let k = 1; k < V; k++) {
        const kk = W - k;
        const pr = zr[k], pi = zi[k], qr = zr[kk], qi = zi[kk];
        re[o + k] = 0.5 * (pr + qr);
        im[o + k] = 0.5 * (pi - qi);
        re[o + V + k] = 0.5 * (pi + qi);
        im[o + V + k] = 0.5 * (qr - pr);
      }
    }
  }

  /**
   * Along every column: forward FFT, multiply by `mr + i mi` (row-major like
   * the spectrum; `mi` may be null for a real multiplier, and `mr` null for
   * none), inverse FFT (unscaled).
   */
  filterColumns(mr: Float64Array | null, mi: Float64Array | null): void {
    const { re, im, colFft, V } = this;
    colFft.forwardMany(re, im, V);
    if (mr && mi) {
      for (let d = 0; d < re.length; d++) {
        const x = re[d], y = im[d], p = mr[d], q = mi[d];
        re[d] = x * p - y * q;
        im[d] = x * q + y * p;
      }
    } else if (mr) {
      for (let d = 0; d < re.length; d++) {
        re[d] *= mr[d];
        im[d] *= mr[d];
      }
    }
    colFft.forwardMany(im, re, V);
  }

  /** Forward FFTs along every column (completing rfft2). */
  forwardColumns(): void {
    this.colFft.forwardMany(this.re, this.im, this.V);
  }

  /** Unscaled inverse FFTs along every column. */
  inverseColumns(): void {
    this.colFft.forwardMany(this.im, this.re, this.V);
  }

  /**
   * Unscaled inverse real transforms of the rows into the H×W plane at
   * `dst[off ..]`, times `scale`.
   */
  inverseRows(dst: RealArray, off: number, scale = 1): void {
    const { H, W, V, re, im, zr, zi, rowFft } = this;
    const nyquist = W % 2 === 0 ? W >> 1 : -1;
    for (let u = 0; u < H; u += 2) {
      const pair = u + 1 < H;
      const a = u * V, b = a + V;
      for (let k = 0; k < V; k++) {
        const ar = re[a + k], br = pair ? re[b + k] : 0;
        let ai = im[a + k], bi = pair ? im[b + k] : 0;
        if (k === 0 || k === nyquist) ai = bi = 0;
        // Z = A + iB, and Z[-k] = conj(A) + i conj(B) for the mirrored bins.
        zr[k] = ar - bi;
        zi[k] = ai + br;
        if (k !== 0 && k !== nyquist) {
          zr[W - k] = ar + bi;
          zi[W - k] = br - ai;
        }
      }
      rowFft.forward(zi, zr);
      const o = off + u * W;
      for (let n = 0; n < W; n++) dst[o + n] = zr[n] * scale;
      if (pair) { for (let n = 0; n < W; n++) dst[o + W + n] = zi[n] * scale; }
    }
  }
}

// Transforms (with their spectrum scratch) of the image sizes met most recently.
const cache = new Lru<Rfft2>(4);

/** The cached {@link Rfft2} for H×W (one per thread; the last few sizes are kept). */
export function planRfft2(H: number, W: number): Rfft2 {
  return cache.get(`${H}x${W}`, () => new Rfft2(H, W));
}

/**
 * numpy's `rfft2` of a real H×W plane: row-major U×V arrays of the real and
 * imaginary parts (U = H, V = floor(W/2) + 1), unscaled.
 *
 * @example
 * ```ts
 * import { rfft2 } from "./rfft2.ts";
 * const { re } = rfft2(new Float64Array([1, 2, 3, 4]), 2, 2); // re[0] = 10
 * ```
 */
export function rfft2(x: ArrayLike<number>, H: number, W: number): { re: Float64Array; im: Float64Array } {
  const p = new Rfft2(H, W);
  p.forwardRows(x, 0);
  p.forwardColumns();
  return { re: p.re, im: p.im };
}

/**
 * numpy's `irfft2(X, s=(H, W))` of a row-major U×V half-spectrum.
 *
 * @example
 * ```ts
 * import { irfft2, rfft2 } from "./rfft2.ts";
 * const { re, im } = rfft2(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3);
 * const x = irfft2(re, im, 2, 3); // [1, 2, 3, 4, 5, 6] up to rounding
 * ```
 */
export function irfft2(re: ArrayLike<number>, im: ArrayLike<number>, H: number, W: number): Float64Array {
  const p = new Rfft2(H, W);
  p.re.set(re);
  p.im.set(im);
  p.inverseColumns();
  const out = new Float64Array(H * W);
  p.inverseRows(out, 0, 1 / (H * W));
  return out;
}
