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
  /** The tag. */
  readonly op: "gmm";
  /** Number of Gaussians drawn per sample, 1..1024. */
  readonly k: number;
  /** σ range (half-spectrum bins) for each axis of each Gaussian, inside [0.001, 1e6]. */
  readonly sigma: Range;
  /** Inverse notch depth, in [1e-6, 1e6]: bins are multiplied by max(0, 1 - (a/c) G). */
  readonly c: number;
  /** Range of a Gaussian's intensity a, inside [0, 1]. */
  readonly intensity: Range;
  /** Leave the DC bin alone, so each channel's mean is kept. */
  readonly keepDC: boolean;
  /** Probability that the op applies to a sample. */
  readonly p: number;
  /**
   * Arithmetic of the mask: `float64`, or `lightly` — lightly's own float32
   * arithmetic (torch on an x86 CPU), bit for bit.
   */
  readonly precision: GmmPrecision;
}

/** How the GMM mask is computed: in float64, or exactly as lightly computes it. */
export type GmmPrecision = "float64" | "lightly";

/** Multiplies each half-spectrum bin's magnitude by its own factor a ~ U(range). */
export interface AmplitudeRescaleOp {
  /** The tag. */
  readonly op: "amplitudeRescale";
  /** Range of the per-bin magnitude factor. */
  readonly range: Range;
  /** Leave the DC bin alone. */
  readonly keepDC: boolean;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Multiplies every bin by e^{iθ}, one θ ~ U(range) per sample (sign ± when includeNegatives). */
export interface PhaseShiftOp {
  /** The tag. */
  readonly op: "phaseShift";
  /** Range of θ in radians. */
  readonly range: Range;
  /** Negate θ with probability 1/2. */
  readonly includeNegatives: boolean;
  /** Leave the DC bin alone. */
  readonly keepDC: boolean;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Zeroes each bin with probability q ~ U(k), one q per sample; DC is always kept. */
export interface RandomFrequencyMaskOp {
  /** The tag. */
  readonly op: "randomFrequencyMask";
  /** Range of the per-sample drop probability q. */
  readonly k: Range;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Per channel (x - mean) / std. */
export interface NormalizeOp {
  /** The tag. */
  readonly op: "normalize";
  /** Per-channel means (one value: all channels), each in [-1e6, 1e6]. */
  readonly mean: readonly number[];
  /** Per-channel standard deviations in [1e-6, 1e6], as many as means. */
  readonly std: readonly number[];
}

/** Clamps every value into [min, max]. */
export interface ClampOp {
  /** The tag. */
  readonly op: "clamp";
  /** Lower bound, in [-1e30, 1e30]. */
  readonly min: number;
  /** Upper bound, >= min, in [-1e30, 1e30]. */
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
  /** Spec format version. */
  readonly version: 1;
  /** The ops, in order. */
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
