/**
 * Folds the frequency ops of one stage, for one sample, into one complex
 * multiplier per half-spectrum bin (row-major, like {@link Rfft2}), with the
 * inverse transform's 1/(H·W) folded in too.
 *
 * @module
 */

import type { FrequencyStage } from "../dsl/stages.ts";
import { cosSin } from "../math/elementary.ts";
import { foldGmm, foldGmmLightly, gmmFactors, lightlyTerms } from "../math/gmm.ts";
import { fieldUniforms, seedKey } from "../params/keys.ts";
import type { SampleParams } from "../params/types.ts";

/** Scratch for building multipliers of one H×W. */
export class Multiplier {
  /** Half-spectrum columns. */
  readonly V: number;
  /** Real parts, bin (u, v) at u * V + v. */
  readonly re: Float64Array;
  /** Imaginary parts; all zero unless `complex`. */
  readonly im: Float64Array;
  /** Whether any imaginary part may be non-zero. */
  complex = false;
  private readonly field: Float64Array;
  private readonly row: Float64Array;

  constructor(readonly H: number, readonly W: number) {
    this.V = (W >> 1) + 1;
    this.re = new Float64Array(this.V * H);
    this.im = new Float64Array(this.V * H);
    this.field = new Float64Array(this.V * H);
    this.row = new Float64Array(this.V);
  }

  /**
   * Builds the stage's multiplier for one sample. Returns false when no op of
   * the stage applies to it (the stage is then the identity and is skipped).
   */
  build(stage: FrequencyStage, params: SampleParams): boolean {
    const { H, W, V, re, im, field } = this;
    const n = H * V;
    const active = stage.ops.filter(({ index }) => params[index].applied);
    if (active.length === 0) return false;
    re.fill(1 / (H * W));
    im.fill(0);
    this.complex = false;
    for (const { index, op } of active) {
      const p = params[index];
      const dcRe = re[0], dcIm = im[0], cx = this.complex;
      if (op.op === "gmm" && p.op === "gmm") {
        if (op.precision === "lightly") {
          foldGmmLightly(re, cx ? im : null, lightlyTerms(p.gaussians, H, V, op.c), p.gaussians.length, H, V, this.row);
        } else {
          const { rows, cols } = gmmFactors(p.gaussians, H, V, op.c);
          foldGmm(re, cx ? im : null, rows, cols, p.gaussians.length, H, V, this.row);
        }
        if (op.keepDC) [re[0], im[0]] = [dcRe, dcIm];
      } else if (op.op === "amplitudeRescale" && p.op === "amplitudeRescale") {
        const [k0, k1] = seedKey(p.key.seed);
        fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n, op.range[0], op.range[1]);
        for (let d = 0; d < n; d++) re[d] *= field[d];
        if (cx) { for (let d = 0; d < n; d++) im[d] *= field[d]; }
        if (op.keepDC) [re[0], im[0]] = [dcRe, dcIm];
      } else if (op.op === "randomFrequencyMask" && p.op === "randomFrequencyMask") {
        const [k0, k1] = seedKey(p.key.seed);
        fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n);
        for (let d = 0; d < n; d++) {
          if (field[d] <= p.q) re[d] = im[d] = 0;
        }
        [re[0], im[0]] = [dcRe, dcIm]; // DC is always kept
      } else if (op.op === "phaseShift" && p.op === "phaseShift") {
        const [c, s] = cosSin(p.theta);
        for (let d = 0; d < n; d++) {
          const r = re[d], i = im[d];
          re[d] = r * c - i * s;
          im[d] = r * s + i * c;
        }
        this.complex = true;
        if (op.keepDC) [re[0], im[0]] = [dcRe, dcIm];
      }
    }
    return true;
  }
}
