/**
 * Folds the frequency ops of one stage, for one sample, into one complex
 * multiplier per half-spectrum bin (row-major, like {@link Rfft2}), with the
 * inverse transform's 1/(H·W) folded in too. Each op folds itself (its
 * module's `fold`); this module only keeps the DC bin of ops that keep it.
 *
 * @module
 */

import type { FrequencyStage } from "../dsl/stages.ts";
import { moduleOf } from "../ops/registry.ts";
import type { FoldTarget } from "../ops/module.ts";
import type { SampleParams } from "../params/types.ts";

/** Scratch for building multipliers of one H×W. */
export class Multiplier implements FoldTarget {
  /** Half-spectrum columns. */
  readonly V: number;
  /** Real parts, bin (u, v) at u * V + v. */
  readonly re: Float64Array;
  /** Imaginary parts; all zero unless `complex`. */
  readonly im: Float64Array;
  /** Whether any imaginary part may be non-zero. */
  complex = false;
  /** Scratch of H * V values. */
  readonly field: Float64Array;
  /** Scratch of V values. */
  readonly row: Float64Array;

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
    const { H, W, re, im } = this;
    const active = stage.ops.filter(({ index }) => params[index].applied);
    if (active.length === 0) return false;
    re.fill(1 / (H * W));
    im.fill(0);
    this.complex = false;
    for (const { index, op } of active) {
      const m = moduleOf(op);
      const dcRe = re[0], dcIm = im[0];
      this.complex = m.fold!(op, params[index], this);
      if (m.keepsDC!(op)) [re[0], im[0]] = [dcRe, dcIm];
    }
    return true;
  }
}
