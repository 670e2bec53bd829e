/**
 * The parameters of one sample: one JSON-serializable entry per op, in
 * pipeline order. They are everything the backends need besides the pipeline,
 * so passing them back replays a result exactly. Each op's parameter type
 * lives in its module under src/ops/.
 *
 * @module
 */

import type { OpParams } from "../ops/registry.ts";

export type { OpParams } from "../ops/registry.ts";
export type { FieldKey } from "../ops/module.ts";
export type { GaussianDraw, GmmParams } from "../ops/gmm/mod.ts";
export type { AmplitudeRescaleParams } from "../ops/amplitude_rescale/mod.ts";
export type { PhaseShiftParams } from "../ops/phase_shift/mod.ts";
export type { RandomFrequencyMaskParams } from "../ops/random_frequency_mask/mod.ts";
export type { NormalizeParams } from "../ops/normalize/mod.ts";
export type { ClampParams } from "../ops/clamp/mod.ts";
export type { RandomResizedCropParams } from "../ops/random_resized_crop/mod.ts";
export type { HorizontalFlipParams } from "../ops/horizontal_flip/mod.ts";
export type { VerticalFlipParams } from "../ops/vertical_flip/mod.ts";
export type { ColorJitterParams } from "../ops/color_jitter/mod.ts";
export type { GrayscaleParams } from "../ops/grayscale/mod.ts";
export type { GaussianBlurParams } from "../ops/gaussian_blur/mod.ts";
export type { SolarizeParams } from "../ops/solarize/mod.ts";
export type { RandomApplyParams } from "../ops/random_apply/mod.ts";
export type { OneOfParams } from "../ops/one_of/mod.ts";

/** Parameters of one sample: one entry per op, in pipeline order. */
export type SampleParams = readonly OpParams[];
