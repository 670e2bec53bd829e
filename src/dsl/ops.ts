/**
 * Op constructors and `pipe`. Each constructor (in its op's module) validates
 * its options against the same codec that reads spec files, fills defaults,
 * and returns a frozen op.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { describeException, FreqaugError, orThrow } from "../errors/error.ts";
import type { Either } from "../errors/either.ts";
import { decodeWith, MAX_OPS, OpCodec, pipelineProblems } from "../spec/codec.ts";
import type { Op, Pipeline } from "./types.ts";

export { amplitudeRescale, type AmplitudeRescaleOptions } from "../ops/amplitude_rescale/mod.ts";
export { clamp, type ClampOptions } from "../ops/clamp/mod.ts";
export { gmm, type GmmOptions, type RangeLike } from "../ops/gmm/mod.ts";
export { normalize, type NormalizeOptions } from "../ops/normalize/mod.ts";
export { phaseShift, type PhaseShiftOptions } from "../ops/phase_shift/mod.ts";
export { randomFrequencyMask, type RandomFrequencyMaskOptions } from "../ops/random_frequency_mask/mod.ts";
export { randomResizedCrop, type RandomResizedCropOptions } from "../ops/random_resized_crop/mod.ts";
export { horizontalFlip, type HorizontalFlipOptions } from "../ops/horizontal_flip/mod.ts";
export { verticalFlip, type VerticalFlipOptions } from "../ops/vertical_flip/mod.ts";
export { colorJitter, type ColorJitterOptions } from "../ops/color_jitter/mod.ts";
export { grayscale, type GrayscaleOptions } from "../ops/grayscale/mod.ts";
export { gaussianBlur, type GaussianBlurOptions } from "../ops/gaussian_blur/mod.ts";
export { solarize, type SolarizeOptions } from "../ops/solarize/mod.ts";
export { randomApply, type RandomApplyOptions } from "../ops/random_apply/mod.ts";
export { oneOf, type OneOfOptions } from "../ops/one_of/mod.ts";

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
      const inner =
        typeof item === "object" && item !== null && Object.hasOwn(item, "ops") && !Object.hasOwn(item, "op")
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
