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
import type { ArbKit } from "../ops/module.ts";
import { gmmModule } from "../ops/gmm/mod.ts";
import { amplitudeRescaleModule } from "../ops/amplitude_rescale/mod.ts";
import { phaseShiftModule } from "../ops/phase_shift/mod.ts";
import { randomFrequencyMaskModule } from "../ops/random_frequency_mask/mod.ts";
import { normalizeModule } from "../ops/normalize/mod.ts";
import { clampModule } from "../ops/clamp/mod.ts";
import { randomResizedCropModule } from "../ops/random_resized_crop/mod.ts";
import { horizontalFlipModule } from "../ops/horizontal_flip/mod.ts";
import { verticalFlipModule } from "../ops/vertical_flip/mod.ts";
import { colorJitterModule } from "../ops/color_jitter/mod.ts";
import { grayscaleModule } from "../ops/grayscale/mod.ts";
import { gaussianBlurModule } from "../ops/gaussian_blur/mod.ts";
import { solarizeModule } from "../ops/solarize/mod.ts";
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

/**
 * Seeds: safe integers, negative ones included.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbSeed } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbSeed(), (s) => Number.isSafeInteger(s)));
 * ```
 */
export function arbSeed(): Arbitrary<number> {
  return fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.maxSafeNat());
}

/**
 * A number uniform in value on [min, max] (fast-check's `double` is uniform over
 * the doubles' bit patterns, which crowds values near 0 and near the ends).
 */
function uniform(min: number, max: number): Arbitrary<number> {
  return fc.integer({ min: 0, max: 1 << 24 }).map((i) => Math.min(max, min + (max - min) * (i / (1 << 24))));
}

/** A range `[lo, hi]` inside [min, max], each end uniform, sorted. */
function arbRange(min: number, max: number): Arbitrary<Range> {
  return fc.tuple(uniform(min, max), uniform(min, max)).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as Range);
}

/** Mostly `realistic`, sometimes one of the `edges` (the boundaries, on purpose). */
function withEdges<T>(realistic: Arbitrary<T>, edges: readonly T[], weight = 6): Arbitrary<T> {
  return fc.oneof({ arbitrary: realistic, weight }, { arbitrary: fc.constantFrom(...edges), weight: 1 });
}

/** The helpers op modules build their arbitraries with. */
function kit(channels: number): ArbKit {
  return { fc, uniform, range: arbRange, withEdges, probability: arbProbability, channels };
}

/**
 * How often an op applies: mostly 1, sometimes 0.5 or 0.2 (lightly's FDA views
 * use both), rarely any value or 0.
 */
export function arbProbability(): Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.constant(1), weight: 12 },
    { arbitrary: fc.constantFrom(0.5, 0.2), weight: 4 },
    { arbitrary: uniform(0, 1), weight: 1 },
    { arbitrary: fc.constant(0), weight: 1 },
  );
}

/**
 * Valid `gmm` ops with the parameters practitioners use: k in 1..maxK, σ in 1..30
 * bins, c log-uniform in [0.1, 100], intensity inside [0.2, 1], p mostly 1;
 * lightly's defaults and the ends of each range on purpose; a third in
 * `precision: "lightly"`.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbGmm } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbGmm(), (op) => op.k >= 1 && op.sigma[0] >= 1));
 * ```
 */
export function arbGmm(maxK = 40): Arbitrary<GmmOp> {
  const base = gmmModule.arbitrary(kit(3));
  if (maxK === 40) return base;
  // The module's own k (1..40, ends on purpose), drawn again for another maxK.
  return fc.tuple(base, withEdges(fc.integer({ min: 1, max: maxK }), [1, maxK])).map(([op, k]) => ({ ...op, k }));
}

/**
 * Valid `amplitudeRescale` ops: a range from [0.2, 2.2] (lightly's [0.8, 1.75]
 * and the ends [0, 2] on purpose), p mostly 1.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbAmplitudeRescale } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbAmplitudeRescale(), (op) => op.range[1] <= 2.2));
 * ```
 */
export function arbAmplitudeRescale(): Arbitrary<AmplitudeRescaleOp> {
  return amplitudeRescaleModule.arbitrary(kit(3));
}

/**
 * Valid `phaseShift` ops: |θ| in [0.1, π] (lightly's [0.4, 0.7] and the codec's
 * ends ±2π on purpose), negative ranges too, p mostly 1.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbPhaseShift } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbPhaseShift(), (op) => Math.abs(op.range[1]) <= 2 * Math.PI));
 * ```
 */
export function arbPhaseShift(): Arbitrary<PhaseShiftOp> {
  return phaseShiftModule.arbitrary(kit(3));
}

/**
 * Valid `randomFrequencyMask` ops: q's range inside [0.01, 0.5] (lightly's
 * [0.01, 0.1], and [0, 0], [1, 1] on purpose), p mostly 1.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbRandomFrequencyMask } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbRandomFrequencyMask(), (op) => op.k[1] <= 1));
 * ```
 */
export function arbRandomFrequencyMask(): Arbitrary<RandomFrequencyMaskOp> {
  return randomFrequencyMaskModule.arbitrary(kit(3));
}

/**
 * Valid frequency ops of every kind, with realistic parameters.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbFrequencyOp } from "@freqaug/freqaug/testing";
 * const ops = fc.sample(arbFrequencyOp(), { numRuns: 5, seed: 1 });
 * ```
 */
export function arbFrequencyOp(): Arbitrary<FrequencyOp> {
  return fc.oneof(arbGmm(), arbAmplitudeRescale(), arbPhaseShift(), arbRandomFrequencyMask());
}

/**
 * Valid `normalize` ops for `channels` channels (one value or one per
 * channel): means in [0, 1], standard deviations in [0.1, 1], ImageNet's on purpose.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbNormalize } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbNormalize(3), (op) => op.std.every((s) => s >= 0.1)));
 * ```
 */
export function arbNormalize(channels = 3): Arbitrary<NormalizeOp> {
  return normalizeModule.arbitrary(kit(channels));
}

/**
 * Valid `clamp` ops: min in [-0.5, 0.3], max in [0.7, 1.5], and [0, 1] on purpose.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbClamp } from "@freqaug/freqaug/testing";
 * fc.assert(fc.property(arbClamp(), (op) => op.min < op.max));
 * ```
 */
export function arbClamp(): Arbitrary<ClampOp> {
  return clampModule.arbitrary(kit(3));
}

/**
 * Valid spatial ops for `channels` channels.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbSpatialOp } from "@freqaug/freqaug/testing";
 * const ops = fc.sample(arbSpatialOp(1), { numRuns: 5, seed: 1 });
 * ```
 */
export function arbSpatialOp(
  channels = 3,
): Arbitrary<NormalizeOp | ClampOp> {
  return fc.oneof(arbNormalize(channels), arbClamp());
}

/**
 * Valid ops of the view around the frequency stage (lightly's FDA view):
 * randomResizedCrop, flips, colorJitter, grayscale, gaussianBlur, solarize —
 * each with realistic parameters from its module (colour ops only for 1 or 3
 * channels).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbViewOp } from "@freqaug/freqaug/testing";
 * const ops = fc.sample(arbViewOp(3), { numRuns: 5, seed: 1 });
 * ```
 */
export function arbViewOp(channels = 3): Arbitrary<Op> {
  const k = kit(channels);
  const mods = [
    randomResizedCropModule,
    horizontalFlipModule,
    verticalFlipModule,
    colorJitterModule,
    grayscaleModule,
    gaussianBlurModule,
    solarizeModule,
  ].filter((m) => !m.channels || m.channels(m as never, channels) === null);
  return fc.oneof(...mods.map((m) => (m.arbitrary as (k: ArbKit) => Arbitrary<Op>)(k)));
}

/**
 * Valid ops of every kind for `channels` channels: three frequency ops for
 * one spatial op.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbOp } from "@freqaug/freqaug/testing";
 * const ops = fc.sample(arbOp(3), { numRuns: 5, seed: 1 });
 * ```
 */
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

/**
 * Valid spec JSON values, as `encodeSpec` writes them.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arbSpec } from "@freqaug/freqaug/testing";
 * const [spec] = fc.sample(arbSpec({ maxOps: 3 }), { numRuns: 1, seed: 1 });
 * ```
 */
export function arbSpec(
  options: { readonly maxOps?: number; readonly channels?: number } = {},
): Arbitrary<SpecJson> {
  return arbPipeline(options).map(encodeSpec);
}
