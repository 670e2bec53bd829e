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

const NO_IMAG = new Float64Array(1);

/** Scratch for building multipliers of one H×W. */
export class Multiplier implements FoldTarget {
  /** Half-spectrum columns. */
  readonly V: number;
  /** Real parts, bin (u, v) at u * V + v. */
  readonly re: Float64Array;
  /** Whether any imaginary part may be non-zero. */
  complex = false;
  /** Scratch of V values. */
  readonly row: Float64Array;
  // Made on first use: most ops fold real multipliers without scratch (48 MB each at 4000×3000).
  private imag: Float64Array | null = null;
  private scratch: Float64Array | null = null;

  constructor(readonly H: number, readonly W: number) {
    this.V = (W >> 1) + 1;
    this.re = new Float64Array(this.V * H);
    this.row = new Float64Array(this.V);
  }

  /** Imaginary parts; all zero unless `complex`. */
  get im(): Float64Array {
    return this.imag ??= new Float64Array(this.V * this.H);
  }

  /** Scratch of H * V values. */
  get field(): Float64Array {
    return this.scratch ??= new Float64Array(this.V * this.H);
  }

  /** Whether the imaginary parts and the scratch have been made (for tests). */
  get allocated(): { im: boolean; field: boolean } {
    return { im: this.imag !== null, field: this.scratch !== null };
  }

  /**
   * Builds the stage's multiplier for one sample. Returns false when no op of
   * the stage applies to it (the stage is then the identity and is skipped).
   */
  build(stage: FrequencyStage, params: SampleParams): boolean {
    const { H, W, re } = this;
    const active = stage.ops.filter(({ index }) => params[index].applied);
    if (active.length === 0) return false;
    re.fill(1 / (H * W));
    this.imag?.fill(0);
    this.complex = false;
    for (const { index, op } of active) {
      const m = moduleOf(op);
      const dcRe = re[0], dcIm = this.imag?.[0] ?? 0;
      this.complex = m.fold!(op, params[index], this);
      // Without imaginary parts (none made yet) the DC's is 0: written to a spare value.
      const im = this.imag ?? NO_IMAG;
      if (m.keepsDC!(op)) [re[0], im[0]] = [dcRe, dcIm];
    }
    return true;
  }
}
