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
  readonly sigmaU: number;
  readonly sigmaV: number;
  /** a_i in [0, 1]. */
  readonly intensity: number;
}

/** The key of a per-bin random field: bin d draws Philox at this key and counter d. */
export interface FieldKey {
  readonly seed: number;
  readonly sample: number;
  readonly op: number;
}

/** Parameters of a `gmm` op for one sample (no Gaussians when not applied). */
export interface GmmParams {
  readonly op: "gmm";
  readonly applied: boolean;
  readonly gaussians: readonly GaussianDraw[];
}

/** Parameters of an `amplitudeRescale` op: the key of its per-bin factors. */
export interface AmplitudeRescaleParams {
  readonly op: "amplitudeRescale";
  readonly applied: boolean;
  readonly key: FieldKey;
}

/** Parameters of a `phaseShift` op: its θ in radians (0 when not applied). */
export interface PhaseShiftParams {
  readonly op: "phaseShift";
  readonly applied: boolean;
  readonly theta: number;
}

/** Parameters of a `randomFrequencyMask` op: its drop probability and the key of its per-bin draws. */
export interface RandomFrequencyMaskParams {
  readonly op: "randomFrequencyMask";
  readonly applied: boolean;
  readonly q: number;
  readonly key: FieldKey;
}

/** Parameters of a `normalize` op (always applied). */
export interface NormalizeParams {
  readonly op: "normalize";
  readonly applied: true;
}

/** Parameters of a `clamp` op (always applied). */
export interface ClampParams {
  readonly op: "clamp";
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
