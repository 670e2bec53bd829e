/**
 * fast-check arbitraries for freqaug values: image batches, ops, pipelines,
 * specs and seeds.
 *
 * @module
 */

import fc, { type Arbitrary } from "fast-check";
import type { Batch } from "../api/validate.ts";
import type {
  AmplitudeRescaleOp,
  ClampOp,
  FrequencyOp,
  GmmOp,
  NormalizeOp,
  Op,
  PhaseShiftOp,
  Pipeline,
  RandomFrequencyMaskOp,
  Range,
} from "../dsl/types.ts";
import { pipe } from "../dsl/ops.ts";
import { encodeSpec, type SpecJson } from "../spec/spec.ts";

const f32 = Math.fround;

/** Options of {@link arbBatch}. */
export interface BatchArbOptions {
  /** Fixed channel count; default 1 or 3. */
  readonly channels?: number;
  /** Smallest side. Default 1. */
  readonly minSide?: number;
  /** Largest side. Default 24. */
  readonly maxSide?: number;
  /** Largest count. Default 3. */
  readonly maxCount?: number;
}

/**
 * Batches of float32 images with values in [0, 1], sides in [minSide, maxSide]
 * (odd and prime sides included).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbBatch } from "@freqaug/freqaug/testing";
 * const [b] = fc.sample(arbBatch({ maxSide: 8 }), { numRuns: 1, seed: 1 });
 * ```
 */
export function arbBatch(options: BatchArbOptions = {}): Arbitrary<Batch> {
  const { minSide = 1, maxSide = 24, maxCount = 3 } = options;
  const channels = options.channels !== undefined ? fc.constant(options.channels) : fc.constantFrom(1, 3);
  return fc.record({
    count: fc.integer({ min: 1, max: maxCount }),
    channels,
    height: fc.integer({ min: minSide, max: maxSide }),
    width: fc.integer({ min: minSide, max: maxSide }),
  }).chain(({ count, channels, height, width }) =>
    fc.float32Array({
      min: 0,
      max: f32(1),
      noNaN: true,
      noDefaultInfinity: true,
      minLength: count * channels * height * width,
      maxLength: count * channels * height * width,
    }).map((data) => ({ data, count, channels, height, width }))
  );
}

/** Seeds: safe integers, negative ones included. */
export function arbSeed(): Arbitrary<number> {
  return fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.maxSafeNat());
}

function arbRange(lo: number, hi: number): Arbitrary<Range> {
  return fc.tuple(
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }),
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }),
  ).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as Range);
}

const prob = fc.oneof(
  fc.constant(1),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

/**
 * Valid `gmm` ops (k up to `maxK`, σ in [0.5, 20]).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbGmm } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbGmm(), (op) => op.k >= 1));
 * ```
 */
export function arbGmm(maxK = 24): Arbitrary<GmmOp> {
  return fc.record({
    op: fc.constant("gmm" as const),
    k: fc.integer({ min: 1, max: maxK }),
    sigma: arbRange(0.5, 20),
    c: fc.double({ min: 0.05, max: 50, noNaN: true }),
    intensity: arbRange(0, 1),
    keepDC: fc.boolean(),
    p: prob,
    precision: fc.constantFrom("float64" as const, "lightly" as const),
  });
}

function arbAmplitude(): Arbitrary<AmplitudeRescaleOp> {
  return fc.record({
    op: fc.constant("amplitudeRescale" as const),
    range: arbRange(0, 3),
    keepDC: fc.boolean(),
    p: prob,
  });
}

function arbPhase(): Arbitrary<PhaseShiftOp> {
  return fc.record({
    op: fc.constant("phaseShift" as const),
    range: arbRange(-2 * Math.PI, 2 * Math.PI),
    includeNegatives: fc.boolean(),
    keepDC: fc.boolean(),
    p: prob,
  });
}

function arbFrequencyMask(): Arbitrary<RandomFrequencyMaskOp> {
  return fc.record({
    op: fc.constant("randomFrequencyMask" as const),
    k: arbRange(0, 1),
    p: prob,
  });
}

/** Valid frequency ops of every kind. */
export function arbFrequencyOp(): Arbitrary<FrequencyOp> {
  return fc.oneof(arbGmm(), arbAmplitude(), arbPhase(), arbFrequencyMask());
}

/** Valid spatial ops for `channels` channels. */
export function arbSpatialOp(
  channels = 3,
): Arbitrary<NormalizeOp | ClampOp> {
  const norm = fc.integer({ min: 0, max: 1 }).chain((one) => {
    const n = one ? 1 : channels;
    return fc.record({
      op: fc.constant("normalize" as const),
      mean: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
        minLength: n,
        maxLength: n,
      }),
      std: fc.array(fc.double({ min: 0.01, max: 4, noNaN: true }), {
        minLength: n,
        maxLength: n,
      }),
    });
  });
  const clampOp = arbRange(-2, 2).map(([min, max]) => ({
    op: "clamp" as const,
    min,
    max,
  }));
  return fc.oneof(norm, clampOp);
}

/** Valid ops of every kind. */
export function arbOp(channels = 3): Arbitrary<Op> {
  return fc.oneof({ arbitrary: arbFrequencyOp(), weight: 3 }, {
    arbitrary: arbSpatialOp(channels),
    weight: 1,
  });
}

/**
 * Valid pipelines of 1..maxOps ops whose normalize ops fit `channels`.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbPipeline } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbPipeline({ channels: 1 }), (p) => p.ops.length >= 1));
 * ```
 */
export function arbPipeline(
  options: { readonly maxOps?: number; readonly channels?: number } = {},
): Arbitrary<Pipeline> {
  return fc.array(arbOp(options.channels ?? 3), {
    minLength: 1,
    maxLength: options.maxOps ?? 4,
  }).map((ops) => pipe(...ops));
}

/** Valid spec JSON values, as `encodeSpec` writes them. */
export function arbSpec(
  options: { readonly maxOps?: number; readonly channels?: number } = {},
): Arbitrary<SpecJson> {
  return arbPipeline(options).map(encodeSpec);
}
