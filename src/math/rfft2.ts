/**
 * Real 2-D FFTs with numpy's `rfft2`/`irfft2` semantics, for any H, W >= 1.
 *
 * The half-spectrum (U = H rows, V = floor(W/2) + 1 columns) is held
 * column-major — bin (u, v) at `v * H + u` — so the column FFTs run on
 * contiguous data. Rows are real: two rows go through one complex FFT
 * (z = a + i b) and are separated by Hermitian symmetry, for even and odd W.
 *
 * `irfft2` is numpy's: the inverse complex FFT along the rows axis, then a real
 * inverse along the last axis that ignores the imaginary part of bin 0 and,
 * for even W, of bin W/2.
 *
 * @module
 */

import { type ComplexFft, planFft } from "./fft.ts";

/** Readable and writable real image data. */
export type RealArray = Float32Array | Float64Array;

/** A reusable real 2-D transform for one H×W, with its spectrum scratch. Not reentrant. */
export class Rfft2 {
  /** Half-spectrum columns, floor(W/2) + 1. */
  readonly V: number;
  /** Spectrum, real parts, column-major (bin (u, v) at v * H + u). */
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
      for (let n = 0; n < W; n++) {
        zr[n] = src[a + n];
        zi[n] = pair ? src[a + W + n] : 0;
      }
      rowFft.forward(zr, zi);
      if (!pair) {
        for (let k = 0; k < V; k++) {
          re[k * H + u] = zr[k];
          im[k * H + u] = zi[k];
        }
        continue;
      }
      for (let k = 0; k < V; k++) {
        const kk = k === 0 ? 0 : W - k;
        const pr = zr[k], pi = zi[k], qr = zr[kk], qi = zi[kk];
        // A = (Z[k] + conj Z[-k]) / 2, B = (Z[k] - conj Z[-k]) / 2i
        re[k * H + u] = 0.5 * (pr + qr);
        im[k * H + u] = 0.5 * (pi - qi);
        re[k * H + u + 1] = 0.5 * (pi + qi);
        im[k * H + u + 1] = -0.5 * (pr - qr);
      }
    }
  }

  /** Forward FFT of column v (in place). */
  forwardColumn(v: number): void {
    this.colFft.forward(this.re, this.im, v * this.H);
  }

  /** Unscaled inverse FFT of column v (in place). */
  inverseColumn(v: number): void {
    this.colFft.forward(this.im, this.re, v * this.H);
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
      for (let k = 0; k < V; k++) {
        const ar = re[k * H + u], br = pair ? re[k * H + u + 1] : 0;
        let ai = im[k * H + u], bi = pair ? im[k * H + u + 1] : 0;
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
      const a = off + u * W;
      for (let n = 0; n < W; n++) dst[a + n] = zr[n] * scale;
      if (pair) { for (let n = 0; n < W; n++) dst[a + W + n] = zi[n] * scale; }
    }
  }
}

const cache = new Map<string, Rfft2>();

/** The cached {@link Rfft2} for H×W (one per thread). */
export function planRfft2(H: number, W: number): Rfft2 {
  const key = `${H}x${W}`;
  let p = cache.get(key);
  if (!p) {
    p = new Rfft2(H, W);
    cache.set(key, p);
  }
  return p;
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
export function rfft2(
  x: ArrayLike<number>,
  H: number,
  W: number,
): { re: Float64Array; im: Float64Array } {
  const p = new Rfft2(H, W);
  p.forwardRows(x, 0);
  const V = p.V;
  const re = new Float64Array(H * V), im = new Float64Array(H * V);
  for (let v = 0; v < V; v++) {
    p.forwardColumn(v);
    for (let u = 0; u < H; u++) {
      re[u * V + v] = p.re[v * H + u];
      im[u * V + v] = p.im[v * H + u];
    }
  }
  return { re, im };
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
export function irfft2(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  H: number,
  W: number,
): Float64Array {
  const p = new Rfft2(H, W);
  const V = p.V;
  for (let v = 0; v < V; v++) {
    for (let u = 0; u < H; u++) {
      p.re[v * H + u] = re[u * V + v];
      p.im[v * H + u] = im[u * V + v];
    }
    p.inverseColumn(v);
  }
  const out = new Float64Array(H * W);
  p.inverseRows(out, 0, 1 / (H * W));
  return out;
}
