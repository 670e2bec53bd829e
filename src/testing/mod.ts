/**
 * Property-testing kit for freqaug: fast-check arbitraries of images,
 * pipelines and specs, and the laws of the ops as checkers that throw
 * {@link LawViolation}. Use them to property-test a spec of your own.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { decodeSpec } from "@freqaug/freqaug";
 * import { arbBatch, arbSeed, preservesChannelMeans } from "@freqaug/freqaug/testing";
 *
 * const spec = decodeSpec({ version: 1, ops: [{ op: "gmm", sigma: [1, 3], c: 2 }] });
 * if (spec._tag === "Right") {
 *   await fc.assert(
 *     fc.asyncProperty(arbBatch({ maxSide: 16 }), arbSeed(), (b, s) => preservesChannelMeans(spec.right, b, s)),
 *     { seed: 42, numRuns: 20 },
 *   );
 * }
 * ```
 *
 * @module
 */

export {
  arbAmplitudeRescale,
  arbBatch,
  arbClamp,
  arbFrequencyOp,
  arbGmm,
  arbNormalize,
  arbOp,
  arbPhaseShift,
  arbPipeline,
  arbProbability,
  arbRandomFrequencyMask,
  arbSeed,
  arbSpatialOp,
  arbSpec,
  arbViewOp,
  type BatchArbOptions,
} from "./arbitraries.ts";
export {
  adjacentOpsCommute,
  blurKeepsMeans,
  brightnessOneIsIdentity,
  clarityGrowsWithC,
  deterministic,
  flipTwiceIsIdentity,
  grayscaleChannelsEqual,
  largeCIsIdentity,
  LawViolation,
  maskInUnitRange,
  meanScalesByDcFactor,
  mixturesCompose,
  preservesChannelMeans,
  replayable,
  solarizeIsIdempotent,
  specRoundTrips,
  splitInvariant,
} from "./laws.ts";

// The types the arbitraries and laws speak of, so the kit documents itself.
export type { Arbitrary } from "fast-check";
export type { AugmentOptions } from "../api/augment.ts";
export type { BackendName } from "../api/backend.ts";
export type { RunOptions } from "../api/kernel.ts";
export type { Batch } from "../api/validate.ts";
export type { RealArray } from "../math/rfft2.ts";
export type {
  AmplitudeRescaleParams,
  ClampParams,
  ColorJitterParams,
  FieldKey,
  GaussianBlurParams,
  GaussianDraw,
  GmmParams,
  GrayscaleParams,
  HorizontalFlipParams,
  NormalizeParams,
  OpParams,
  PhaseShiftParams,
  RandomFrequencyMaskParams,
  RandomResizedCropParams,
  SampleParams,
  SolarizeParams,
  VerticalFlipParams,
} from "../params/types.ts";
export type {
  AmplitudeRescaleOp,
  ClampOp,
  ColorJitterOp,
  FrequencyOp,
  GaussianBlurOp,
  GmmOp,
  GmmPrecision,
  GrayscaleOp,
  HorizontalFlipOp,
  NormalizeOp,
  Op,
  PhaseShiftOp,
  Pipeline,
  RandomFrequencyMaskOp,
  RandomResizedCropOp,
  Range,
  SolarizeOp,
  SpatialOp,
  VerticalFlipOp,
} from "../dsl/types.ts";
export type { SpecJson } from "../spec/spec.ts";
