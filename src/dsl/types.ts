/**
 * The pipeline as data: every op is an immutable, JSON-shaped value with an
 * `op` tag, and a pipeline is `{ version: 1, ops }` — the same shape as a spec
 * file, so a pipeline can be written with `JSON.stringify` as it is.
 *
 * @module
 */

/** A closed interval `[lo, hi]` with `lo <= hi`. */
export type Range = readonly [number, number];

/** The Gaussian mixture mask of the Fourier Domain Augmentations. */
export interface GmmOp {
  readonly op: "gmm";
  /** Number of Gaussians drawn per sample, 1..1024. */
  readonly k: number;
  /** σ range (half-spectrum bins) for each axis of each Gaussian. */
  readonly sigma: Range;
  /** Inverse notch depth: bins are multiplied by max(0, 1 - (a/c) G). */
  readonly c: number;
  /** Range of a Gaussian's intensity a, inside [0, 1]. */
  readonly intensity: Range;
  /** Leave the DC bin alone, so each channel's mean is kept. */
  readonly keepDC: boolean;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Multiplies each half-spectrum bin's magnitude by its own factor a ~ U(range). */
export interface AmplitudeRescaleOp {
  readonly op: "amplitudeRescale";
  readonly range: Range;
  readonly keepDC: boolean;
  readonly p: number;
}

/** Multiplies every bin by e^{iθ}, one θ ~ U(range) per sample (sign ± when includeNegatives). */
export interface PhaseShiftOp {
  readonly op: "phaseShift";
  readonly range: Range;
  readonly includeNegatives: boolean;
  readonly keepDC: boolean;
  readonly p: number;
}

/** Zeroes each bin with probability q ~ U(k), one q per sample; DC is always kept. */
export interface RandomFrequencyMaskOp {
  readonly op: "randomFrequencyMask";
  readonly k: Range;
  readonly p: number;
}

/** Per channel (x - mean) / std. */
export interface NormalizeOp {
  readonly op: "normalize";
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Clamps every value into [min, max]. */
export interface ClampOp {
  readonly op: "clamp";
  readonly min: number;
  readonly max: number;
}

/** Ops that act on the half-spectrum. */
export type FrequencyOp =
  | GmmOp
  | AmplitudeRescaleOp
  | PhaseShiftOp
  | RandomFrequencyMaskOp;
/** Ops that act on each pixel. */
export type SpatialOp = NormalizeOp | ClampOp;
/** Any op. */
export type Op = FrequencyOp | SpatialOp;
/** The tag of an op. */
export type OpName = Op["op"];

/** A validated pipeline: the ops run in order on every sample. */
export interface Pipeline {
  readonly version: 1;
  readonly ops: readonly Op[];
}

const FREQUENCY: ReadonlySet<string> = new Set([
  "gmm",
  "amplitudeRescale",
  "phaseShift",
  "randomFrequencyMask",
]);

/** Whether an op acts on the spectrum. */
export function isFrequencyOp(op: Op): op is FrequencyOp {
  return FREQUENCY.has(op.op);
}
