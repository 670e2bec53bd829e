/**
 * Op constructors and `pipe`. Each constructor validates its options against
 * the same codec that reads spec files, fills defaults, and returns a frozen op.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { describeException, FreqaugError, orThrow } from "../errors/error.ts";
import type { Either } from "../errors/either.ts";
import {
  AmplitudeRescaleCodec,
  ClampCodec,
  decodeWith,
  GmmCodec,
  MAX_OPS,
  NormalizeCodec,
  OpCodec,
  PhaseShiftCodec,
  pipelineProblems,
  RandomFrequencyMaskCodec,
} from "../spec/codec.ts";
import type {
  AmplitudeRescaleOp,
  ClampOp,
  GmmOp,
  GmmPrecision,
  NormalizeOp,
  Op,
  PhaseShiftOp,
  Pipeline,
  RandomFrequencyMaskOp,
} from "./types.ts";

/** A number or a `[lo, hi]` range. */
export type RangeLike = number | readonly [number, number];

/** Options of {@link gmm}. */
export interface GmmOptions {
  /** Gaussians per sample, integer 1..1024. Default 20. */
  readonly k?: number;
  /** σ in bins, one number or [lo, hi], each in [0.001, 1e6]. Default [10, 15]. */
  readonly sigma?: RangeLike;
  /** Inverse notch depth, in [1e-6, 1e6]. Default 1 (lightly's mask). */
  readonly c?: number;
  /** Intensity range inside [0, 1]. Default [1, 1]. */
  readonly intensity?: RangeLike;
  /** Keep the DC bin (the mean). Default true; false reproduces lightly. */
  readonly keepDC?: boolean;
  /** Probability of applying. Default 1. */
  readonly p?: number;
  /**
   * `float64` (default), or `lightly`: lightly's own float32 arithmetic, bit for
   * bit (slower: one float32 exp per bin per Gaussian, as lightly does).
   */
  readonly precision?: GmmPrecision;
}

/**
 * The Gaussian mixture mask: k random Gaussian notches on the half-spectrum,
 * `M(u, v) = prod_i max(0, 1 - (a_i / c) G_i(u, v))`, applied to every channel.
 *
 * @example
 * ```ts
 * import { gmm, pipe } from "@freqaug/freqaug";
 * const lightly = pipe(gmm({ k: 20, sigma: [10, 15], c: 1, keepDC: false }));
 * const exactlyLightly = pipe(gmm({ c: 1, keepDC: false, precision: "lightly" }));
 * const gentle = pipe(gmm({ c: 4 }));
 * ```
 */
export function gmm(options: GmmOptions = {}): GmmOp {
  return build(GmmCodec, "gmm", options);
}

/** Options of {@link amplitudeRescale}. */
export interface AmplitudeRescaleOptions {
  /** Range of the per-bin magnitude factor. Default [0.8, 1.75]. */
  readonly range?: readonly [number, number];
  /** Keep the DC bin. Default true. */
  readonly keepDC?: boolean;
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

/**
 * Random amplitude rescale: each half-spectrum bin's magnitude times its own
 * a ~ U(range), shared by the channels; phase kept.
 *
 * @example
 * ```ts
 * import { amplitudeRescale, pipe } from "@freqaug/freqaug";
 * const p = pipe(amplitudeRescale({ range: [0.9, 1.2], p: 0.5 }));
 * ```
 */
export function amplitudeRescale(
  options: AmplitudeRescaleOptions = {},
): AmplitudeRescaleOp {
  return build(AmplitudeRescaleCodec, "amplitudeRescale", options);
}

/** Options of {@link phaseShift}. */
export interface PhaseShiftOptions {
  /** Range of θ in radians, inside [-2π, 2π]. Default [0.4, 0.7]. */
  readonly range?: readonly [number, number];
  /** Negate θ with probability 1/2. Default false. */
  readonly includeNegatives?: boolean;
  /** Keep the DC bin. Default true. */
  readonly keepDC?: boolean;
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

/**
 * Random phase shift: every bin times e^{iθ}, one θ per sample.
 *
 * @example
 * ```ts
 * import { phaseShift, pipe } from "@freqaug/freqaug";
 * const p = pipe(phaseShift({ range: [0.4, 0.7], includeNegatives: true }));
 * ```
 */
export function phaseShift(options: PhaseShiftOptions = {}): PhaseShiftOp {
  return build(PhaseShiftCodec, "phaseShift", options);
}

/** Options of {@link randomFrequencyMask}. */
export interface RandomFrequencyMaskOptions {
  /** Range of the per-sample drop probability q, inside [0, 1]. Default [0.01, 0.1]. */
  readonly k?: RangeLike;
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

/**
 * Random frequency mask: one q ~ U(k) per sample, each bin dropped with
 * probability q; the DC bin is always kept.
 *
 * @example
 * ```ts
 * import { pipe, randomFrequencyMask } from "@freqaug/freqaug";
 * const p = pipe(randomFrequencyMask({ k: [0.05, 0.2] }));
 * ```
 */
export function randomFrequencyMask(
  options: RandomFrequencyMaskOptions = {},
): RandomFrequencyMaskOp {
  return build(RandomFrequencyMaskCodec, "randomFrequencyMask", options);
}

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** Per-channel means (or one for all), each in [-1e6, 1e6]. Default ImageNet's. */
  readonly mean?: readonly number[];
  /** Per-channel standard deviations in [1e-6, 1e6], as many as means. Default ImageNet's. */
  readonly std?: readonly number[];
}

/**
 * Per-channel normalisation `(x - mean) / std`.
 *
 * @example
 * ```ts
 * import { normalize, pipe } from "@freqaug/freqaug";
 * const p = pipe(normalize({ mean: [0.5], std: [0.25] }));
 * ```
 */
export function normalize(options: NormalizeOptions = {}): NormalizeOp {
  return build(NormalizeCodec, "normalize", options);
}

/** Options of {@link clamp}. */
export interface ClampOptions {
  /** Lower bound, in [-1e30, 1e30]. Default 0. */
  readonly min?: number;
  /** Upper bound, >= min, in [-1e30, 1e30]. Default 1. */
  readonly max?: number;
}

/**
 * Clamps every value into [min, max]. A NaN (which finite input and an
 * accepted pipeline never make) becomes min.
 *
 * @example
 * ```ts
 * import { clamp, gmm, pipe } from "@freqaug/freqaug";
 * const p = pipe(gmm(), clamp());
 * ```
 */
export function clamp(options: ClampOptions = {}): ClampOp {
  return build(ClampCodec, "clamp", options);
}

function build<O extends Op>(
  codec: { decode(u: unknown): unknown },
  name: O["op"],
  options: object,
): O {
  return orThrow(buildEither<O>(codec, name, options));
}

function buildEither<O extends Op>(
  codec: { decode(u: unknown): unknown },
  name: O["op"],
  options: unknown,
): Either<FreqaugError, O> {
  const bad = (path: string, value: unknown, expected: string) =>
    E.left(new FreqaugError("spec", [{ path, value, expected }]));
  try {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      return bad(name, options, "an options object");
    }
    for (const key in options) {
      if (!Object.hasOwn(options, key)) {
        return bad(
          `${name}.${key}`,
          undefined,
          "an own property (this one is inherited from the prototype, and is not read)",
        );
      }
    }
    const copy: Record<string, unknown> = { ...options };
    if (Object.hasOwn(copy, "op") && copy.op !== name) return bad(`${name}.op`, copy.op, `"${name}", or nothing`);
    return decodeWith(codec as never, { ...copy, op: name }, name) as Either<FreqaugError, O>;
  } catch (e) {
    return bad(name, undefined, `a readable options object (${describeException(e)})`);
  }
}

/**
 * Validates a list of ops (or pipelines, which are spliced in) as a pipeline:
 * at most 64 ops, at most 2048 Gaussians in all its gmm ops, and a gain bound
 * (the largest |value| its ops can make from inputs in [-1, 1]) of at most 1e30.
 *
 * @example
 * ```ts
 * import { gmm, pipeEither } from "@freqaug/freqaug";
 * const r = pipeEither(gmm(), { op: "gmm", k: 0 });
 * // r is a Left naming ops[1].k
 * ```
 */
export function pipeEither(
  ...items: readonly (Op | Pipeline)[]
): Either<FreqaugError, Pipeline> {
  const flat: unknown[] = [];
  const tooMany = () =>
    E.left(new FreqaugError("spec", [{ path: "ops", value: "more ops", expected: `at most ${MAX_OPS} ops` }]));
  try {
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      const inner = typeof item === "object" && item !== null && Object.hasOwn(item, "ops")
        ? (item as Pipeline).ops
        : undefined;
      if (Array.isArray(inner)) {
        if (flat.length + inner.length > MAX_OPS) return tooMany();
        for (let j = 0; j < inner.length; j++) flat.push(inner[j]);
      } else flat.push(item);
      if (flat.length > MAX_OPS) return tooMany();
    }
  } catch (e) {
    return E.left(
      new FreqaugError("spec", [{ path: "ops", value: undefined, expected: `readable ops (${describeException(e)})` }]),
    );
  }
  const errors: FreqaugError[] = [];
  const ops: Op[] = [];
  flat.forEach((u, i) => {
    const r = decodeWith(OpCodec, u, `ops[${i}]`);
    if (E.isLeft(r)) errors.push(r.left);
    else ops.push(r.right);
  });
  if (errors.length) {
    return E.left(new FreqaugError("spec", errors.flatMap((e) => e.issues)));
  }
  const problems = pipelineProblems(ops);
  if (problems.length) {
    return E.left(
      new FreqaugError(
        "spec",
        problems.map(([i, value, expected]) => ({ path: i === null ? "ops" : `ops[${i}]`, value, expected })),
      ),
    );
  }
  return E.right(
    Object.freeze({
      version: 1 as const,
      ops: Object.freeze(ops) as readonly Op[],
    }),
  );
}

/**
 * Builds a pipeline from ops, run in order on every sample. Frequency ops next
 * to each other share one rfft2/irfft2 pair. Throws {@link FreqaugError} on an
 * invalid op.
 *
 * @example
 * ```ts
 * import { gmm, normalize, pipe } from "@freqaug/freqaug";
 * const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), normalize());
 * ```
 */
export function pipe(...items: readonly (Op | Pipeline)[]): Pipeline {
  return orThrow(pipeEither(...items));
}
