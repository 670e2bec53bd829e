/**
 * The parameters of one sample: one JSON-serializable entry per op, in
 * pipeline order. They are everything the backends need besides the pipeline,
 * so passing them back replays a result exactly.
 *
 * @module
 */

/** One Gaussian of the mixture mask, as drawn. */
export interface GaussianDraw {
  /** Row of the half-spectrum, 0..H-1. */
  readonly u0: number;
  /** Column of the half-spectrum, 0..floor(W/2). */
  readonly v0: number;
  /** σ along the rows axis, in bins. */
  readonly sigmaU: number;
  /** σ along the columns axis, in bins. */
  readonly sigmaV: number;
  /** a_i in [0, 1]. */
  readonly intensity: number;
}

/** The key of a per-bin random field: bin d draws Philox at this key and counter d. */
export interface FieldKey {
  /** The seed. */
  readonly seed: number;
  /** The sample's index in the dataset. */
  readonly sample: number;
  /** The op's index in the pipeline. */
  readonly op: number;
}

/** Parameters of a `gmm` op for one sample (no Gaussians when not applied). */
export interface GmmParams {
  /** The op. */
  readonly op: "gmm";
  /** Whether the op applied to this sample (its `p`). */
  readonly applied: boolean;
  /** The Gaussians drawn, in order. */
  readonly gaussians: readonly GaussianDraw[];
}

/** Parameters of an `amplitudeRescale` op: the key of its per-bin factors. */
export interface AmplitudeRescaleParams {
  /** The op. */
  readonly op: "amplitudeRescale";
  /** Whether the op applied to this sample. */
  readonly applied: boolean;
  /** Key of the per-bin factors. */
  readonly key: FieldKey;
}

/** Parameters of a `phaseShift` op: its θ in radians (0 when not applied). */
export interface PhaseShiftParams {
  /** The op. */
  readonly op: "phaseShift";
  /** Whether the op applied to this sample. */
  readonly applied: boolean;
  /** θ in radians. */
  readonly theta: number;
}

/** Parameters of a `randomFrequencyMask` op: its drop probability and the key of its per-bin draws. */
export interface RandomFrequencyMaskParams {
  /** The op. */
  readonly op: "randomFrequencyMask";
  /** Whether the op applied to this sample. */
  readonly applied: boolean;
  /** Drop probability of each bin. */
  readonly q: number;
  /** Key of the per-bin draws. */
  readonly key: FieldKey;
}

/** Parameters of a `normalize` op (always applied). */
export interface NormalizeParams {
  /** The op. */
  readonly op: "normalize";
  /** Always true. */
  readonly applied: true;
}

/** Parameters of a `clamp` op (always applied). */
export interface ClampParams {
  /** The op. */
  readonly op: "clamp";
  /** Always true. */
  readonly applied: true;
}

/** Parameters of one op for one sample. */
export type OpParams =
  | GmmParams
  | AmplitudeRescaleParams
  | PhaseShiftParams
  | RandomFrequencyMaskParams
  | NormalizeParams
  | ClampParams;

/** Parameters of one sample: one entry per op, in pipeline order. */
export type SampleParams = readonly OpParams[];
