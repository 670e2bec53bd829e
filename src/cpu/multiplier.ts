/**
 * Folds the frequency ops of one stage, for one sample, into one complex
 * multiplier per half-spectrum bin (column-major, like {@link Rfft2}), with
 * the inverse transform's 1/(H·W) folded in too.
 *
 * @module
 */

import type { FrequencyStage } from "../dsl/stages.ts";
import { cosSin } from "../math/elementary.ts";
import { gmmFactors } from "../math/gmm.ts";
import { fieldUniforms, seedKey } from "../params/keys.ts";
import type { SampleParams } from "../params/types.ts";

/** Scratch for building multipliers of one H×W. */
export class Multiplier {
  readonly V: number;
  /** Real parts, bin (u, v) at v * H + u. */
  readonly re: Float64Array;
  /** Imaginary parts; all zero unless `complex`. */
  readonly im: Float64Array;
  /** Whether any imaginary part may be non-zero. */
  complex = false;
  private rowsT = new Float64Array(0);
  private live = new Int32Array(0);
  private cv = new Float64Array(0);
  private readonly field: Float64Array;

  constructor(readonly H: number, readonly W: number) {
    this.V = (W >> 1) + 1;
    this.re = new Float64Array(this.V * H);
    this.im = new Float64Array(this.V * H);
    this.field = new Float64Array(this.V * H);
  }

  /**
   * Builds the stage's multiplier for one sample. Returns false when no op of
   * the stage applies to it (the stage is then the identity and is skipped).
   */
  build(stage: FrequencyStage, params: SampleParams): boolean {
    const { H, W, V, re, im, field } = this;
    const active = stage.ops.filter(({ index }) => params[index].applied);
    if (active.length === 0) return false;
    re.fill(1 / (H * W));
    im.fill(0);
    this.complex = false;
    for (const { index, op } of active) {
      const p = params[index];
      const dcRe = re[0], dcIm = im[0], cx = this.complex;
      if (op.op === "gmm" && p.op === "gmm") {
        const k = p.gaussians.length;
        const { rows, cols } = gmmFactors(p.gaussians, H, V, op.c);
        const rowsT = k * H <= this.rowsT.length ? this.rowsT : (this.rowsT = new Float64Array(k * H));
        for (let i = 0; i < k; i++) {
          for (let u = 0; u < H; u++) rowsT[u * k + i] = rows[i * H + u];
        }
        if (this.live.length < k) {
          this.live = new Int32Array(k);
          this.cv = new Float64Array(k);
        }
        foldGmm(re, im, cx, rowsT, cols, k, H, V, this.live, this.cv);
        if (op.keepDC) [re[0], im[0]] = [dcRe, dcIm];
      } else if (
        (op.op === "amplitudeRescale" && p.op === "amplitudeRescale") ||
        (op.op === "randomFrequencyMask" && p.op === "randomFrequencyMask")
      ) {
        const [k0, k1] = seedKey(p.key.seed);
        const n = H * V;
        const keepDC = op.op === "randomFrequencyMask" || op.keepDC;
        if (op.op === "amplitudeRescale") {
          fieldUniforms(
            k0,
            k1,
            p.key.sample,
            p.key.op,
            field,
            n,
            op.range[0],
            op.range[1],
          );
          for (let d = 0; d < n; d++) {
            const u = (d / V) | 0, v = d - u * V;
            re[v * H + u] *= field[d];
            if (cx) im[v * H + u] *= field[d];
          }
        } else {
          const q = (p as { q: number }).q;
          fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n);
          for (let d = 0; d < n; d++) {
            if (field[d] <= q) {
              const u = (d / V) | 0, v = d - u * V;
              re[v * H + u] = 0;
              im[v * H + u] = 0;
            }
          }
        }
        if (keepDC) [re[0], im[0]] = [dcRe, dcIm];
      } else if (op.op === "phaseShift" && p.op === "phaseShift") {
        const [c, s] = cosSin(p.theta);
        if (!this.complex) {
          const n = re.length;
          for (let d = 0; d < n; d++) {
            im[d] = re[d] * s;
            re[d] *= c;
          }
          this.complex = true;
        } else {
          for (let d = 0; d < re.length; d++) {
            const r = re[d], i = im[d];
            re[d] = r * c - i * s;
            im[d] = r * s + i * c;
          }
        }
        if (op.keepDC) [re[0], im[0]] = [dcRe, dcIm];
      }
    }
    return true;
  }
}

/**
 * Multiplies the column-major multiplier by the mixture mask. Per column, the
 * Gaussians whose column factor is at most 2^-54 are dropped (each of their
 * factors 1 - t rounds to exactly 1), then each bin takes the product over
 * the rest.
 */
function foldGmm(
  re: Float64Array,
  im: Float64Array,
  cx: boolean,
  rowsT: Float64Array,
  cols: Float64Array,
  k: number,
  H: number,
  V: number,
  live: Int32Array,
  cv: Float64Array,
): void {
  const tiny = 5.551115123125783e-17; // 2^-54
  for (let v = 0; v < V; v++) {
    let n = 0;
    for (let i = 0; i < k; i++) {
      const c = cols[i * V + v];
      if (c > tiny) {
        live[n] = i;
        cv[n++] = c;
      }
    }
    const base = v * H;
    for (let u = 0; u < H; u++) {
      const ru = u * k;
      let m = 1;
      for (let j = 0; j < n; j++) {
        const f = 1 - cv[j] * rowsT[ru + live[j]];
        m *= f > 0 ? f : 0;
      }
      re[base + u] *= m;
      if (cx) im[base + u] *= m;
    }
  }
}
