/**
 * The pipeline as data: every op is an immutable, JSON-shaped value with an
 * `op` tag, and a pipeline is `{ version: 1, ops }` — the same shape as a spec
 * file, so a pipeline can be written with `JSON.stringify` as it is. Each op's
 * type lives in its module under src/ops/; the unions come from the registry.
 *
 * @module
 */

import { moduleOf, type Op } from "../ops/registry.ts";
import type { GmmOp } from "../ops/gmm/mod.ts";
import type { AmplitudeRescaleOp } from "../ops/amplitude_rescale/mod.ts";
import type { PhaseShiftOp } from "../ops/phase_shift/mod.ts";
import type { RandomFrequencyMaskOp } from "../ops/random_frequency_mask/mod.ts";

export type { Range } from "../ops/codec_kit.ts";
export type { Op, OpName } from "../ops/registry.ts";
export type { GmmOp, GmmPrecision } from "../ops/gmm/mod.ts";
export type { AmplitudeRescaleOp } from "../ops/amplitude_rescale/mod.ts";
export type { PhaseShiftOp } from "../ops/phase_shift/mod.ts";
export type { RandomFrequencyMaskOp } from "../ops/random_frequency_mask/mod.ts";
export type { NormalizeOp } from "../ops/normalize/mod.ts";
export type { ClampOp } from "../ops/clamp/mod.ts";
export type { RandomResizedCropOp } from "../ops/random_resized_crop/mod.ts";
export type { HorizontalFlipOp } from "../ops/horizontal_flip/mod.ts";
export type { VerticalFlipOp } from "../ops/vertical_flip/mod.ts";
export type { ColorJitterOp } from "../ops/color_jitter/mod.ts";
export type { GrayscaleOp } from "../ops/grayscale/mod.ts";
export type { GaussianBlurOp } from "../ops/gaussian_blur/mod.ts";
export type { SolarizeOp } from "../ops/solarize/mod.ts";
export type { RandomApplyOp } from "../ops/random_apply/mod.ts";
export type { OneOfOp } from "../ops/one_of/mod.ts";
export type { ChildOp } from "../ops/children.ts";

/** Ops that act on the half-spectrum (they fold into one multiplier per bin). */
export type FrequencyOp = GmmOp | AmplitudeRescaleOp | PhaseShiftOp | RandomFrequencyMaskOp;
/** Ops that act on pixels. */
export type SpatialOp = Exclude<Op, FrequencyOp>;

/** A validated pipeline: the ops run in order on every sample. */
export interface Pipeline {
  /** Spec format version. */
  readonly version: 1;
  /** The ops, in order. */
  readonly ops: readonly Op[];
}

/** Whether an op acts on the spectrum. */
export function isFrequencyOp(op: Op): op is FrequencyOp {
  return moduleOf(op).stage === "frequency";
}
