/**
 * The entry points: `sample` draws parameters, `augment` runs a pipeline on a
 * batch. Each has an Either/TaskEither form that returns errors as values and
 * a convenience form that throws {@link FreqaugError}.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { pipe as flow } from "fp-ts/lib/function.js";
import { describeException, fail, FreqaugError, orThrow } from "../errors/error.ts";
import type { Either, TaskEither } from "../errors/either.ts";
import type { Pipeline } from "../dsl/types.ts";
import type { RealArray } from "../math/rfft2.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { type BackendName, resolveBackend } from "./backend.ts";
import {
  type AugmentResult,
  type Checked,
  checkPipeline,
  checkRequest,
  guarded,
  kernelFor,
  randomSeed,
  type RunOptions,
} from "./kernel.ts";
import { type Batch, validateBatch, validateOptions, validateRange, validateSeed } from "./validate.ts";

/** The longest side `sample` draws for (its integer draws are 32-bit). */
const MAX_SIDE = 2 ** 31;
/** The most draws (per sample: one per op plus one per Gaussian) that one `sample` call returns. */
const MAX_DRAWS = 2 ** 26;

/** Options of {@link augment}. */
export interface AugmentOptions extends RunOptions {
  /**
   * Backend. Default `auto`: WebGPU on a hardware adapter, else the CPU
   * backend; it says once on stderr which it chose (see `quiet`).
   */
  readonly backend?: BackendName;
  /** Do not say on stderr which backend `auto` chose. */
  readonly quiet?: boolean;
  /** CPU worker threads; 0 runs on the calling thread. Default: one per core when the batch is large enough. */
  readonly workers?: number;
}

/** Options of {@link sample}. */
export interface SampleRequest {
  /** Any safe integer. */
  readonly seed: number;
  /** Number of samples. */
  readonly count: number;
  /** Image height. */
  readonly height: number;
  /** Image width. */
  readonly width: number;
  /** Dataset index of the first sample. Default 0. */
  readonly offset?: number;
}

/**
 * Draws the parameters of samples `offset .. offset + count - 1` for an image
 * size, as values (Either).
 *
 * @example
 * ```ts
 * import { gmm, pipe, sampleEither } from "@freqaug/freqaug";
 * const r = sampleEither(pipe(gmm()), { seed: 1, count: 2, height: 32, width: 32 });
 * ```
 */
export function sampleEither(
  pipeline: Pipeline,
  request: SampleRequest,
): Either<FreqaugError, SampleParams[]> {
  try {
    const decoded = checkPipeline(pipeline);
    if (E.isLeft(decoded)) return decoded;
    const p = decoded.right;
    if (typeof request !== "object" || request === null) {
      return fail("input", "request", request, "an object { seed, count, height, width, offset? }");
    }
    const { seed, count, height, width, offset = 0 } = request; // each read once
    return flow(
      validateSeed(seed),
      E.chain(() => {
        const sides = { count, height, width };
        for (const key of ["count", "height", "width"] as const) {
          const v = sides[key];
          if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
            return fail("input", key, v, "an integer >= 1");
          }
          if (key !== "count" && v > MAX_SIDE) return fail("input", key, v, `an integer in [1, ${MAX_SIDE}]`);
        }
        const draws = count * p.ops.reduce((n, op) => n + 1 + (op.op === "gmm" ? op.k : 0), 0);
        if (draws > MAX_DRAWS) {
          return fail(
            "input",
            "count",
            count,
            `at most ${Math.max(1, Math.floor(count * MAX_DRAWS / draws))} samples for this pipeline in one call ` +
              `(at most ${MAX_DRAWS} draws; draw the rest with offset)`,
          );
        }
        return validateRange(offset, count);
      }),
      E.map(() => sampleParams(p, { seed, count, height, width, offset })),
    );
  } catch (e) {
    return fail("input", "request", undefined, `a readable request (${describeException(e)})`);
  }
}

/**
 * Draws the parameters of each sample: per sample, one JSON-serializable
 * entry per op. Sample n's parameters depend only on (seed, n, the op and its
 * index), never on batch size, order or backend.
 *
 * @example
 * ```ts
 * import { gmm, pipe, sample } from "@freqaug/freqaug";
 * const [first] = sample(pipe(gmm({ k: 2 })), { seed: 7, count: 1, height: 32, width: 32 });
 * console.log(first[0]); // { op: "gmm", applied: true, gaussians: [ ... ] }
 * ```
 */
export function sample(
  pipeline: Pipeline,
  request: SampleRequest,
): SampleParams[] {
  return orThrow(sampleEither(pipeline, request));
}

/**
 * Runs a pipeline on a batch, as a TaskEither that never rejects.
 *
 * @example
 * ```ts
 * import { augmentTask, gmm, pipe } from "@freqaug/freqaug";
 * const batch = { data: new Float32Array(3 * 8 * 8), count: 1, channels: 3, height: 8, width: 8 };
 * const r = await augmentTask(pipe(gmm({ sigma: 2 })), batch, { seed: 1 })();
 * ```
 */
export function augmentTask<T extends RealArray>(
  pipeline: Pipeline,
  batch: Batch<T>,
  options?: AugmentOptions,
): TaskEither<FreqaugError, AugmentResult<T>> {
  return guarded("augment", () => {
    const checked = flow(
      validateBatch(batch),
      E.chain((b) => E.map((x: Checked<AugmentOptions>) => ({ ...x, b }))(checkRequest(pipeline, options, b.channels))),
    );
    return flow(
      TE.fromEither(checked),
      TE.chain((x) => flow(() => resolveBackend(x.backend, x.o.quiet === true, x.p.ops), TE.map((r) => ({ ...x, r })))),
      TE.chain((x) => {
        const shape = { channels: x.b.channels, height: x.b.height, width: x.b.width };
        return flow(() => kernelFor(x.p, shape, x.r, x.o.workers), TE.map((kernel) => ({ ...x, kernel })));
      }),
      TE.chain(({ o, b, kernel }) => kernel.runTask(b, o)),
    );
  });
}

/**
 * Runs a pipeline on a batch of images (NCHW, planar) and returns the
 * augmented batch and every sample's parameters. Throws {@link FreqaugError}
 * on bad input, before any work. On WebGPU the arithmetic is float32 (a
 * Float64Array batch comes back as float64 values of that result).
 *
 * @example
 * ```ts
 * import { augment, gmm, normalize, pipe } from "@freqaug/freqaug";
 * const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), normalize());
 * const batch = { data: new Float32Array(2 * 3 * 64 * 64).fill(0.5), count: 2, channels: 3, height: 64, width: 64 };
 * const { images, params } = await augment(pipeline, batch, { seed: 42 });
 * const again = await augment(pipeline, batch, { params }); // same bytes
 * ```
 */
export async function augment<T extends RealArray>(
  pipeline: Pipeline,
  batch: Batch<T>,
  options: AugmentOptions = {},
): Promise<AugmentResult<T>> {
  const r = await augmentTask(pipeline, batch, options)();
  return orThrow(r);
}

/** Options of {@link augmentStream}. */
export interface StreamOptions extends Omit<AugmentOptions, "params"> {
  /** Batches in flight at once, at least 2. Default 4. */
  readonly inFlight?: number;
}

/**
 * Runs a pipeline over a stream of batches, keeping several in flight so the
 * GPU never waits for a readback (Deno resolves each readback on a ~10 ms
 * poll). One seed serves the whole stream and sample indices run on from
 * batch to batch, so the result does not depend on how the data is batched.
 * Results come in input order; a bad batch ends the stream with its error.
 *
 * @example
 * ```ts
 * import { augmentStream, gmm, pipe } from "@freqaug/freqaug";
 * async function* batches() {
 *   for (let i = 0; i < 4; i++) yield { data: new Float32Array(8 * 3 * 32 * 32).fill(0.5), count: 8, channels: 3, height: 32, width: 32 };
 * }
 * for await (const { images } of augmentStream(pipe(gmm()), batches(), { seed: 1 })) console.log(images.count);
 * ```
 */
export async function* augmentStream<T extends RealArray>(
  pipeline: Pipeline,
  batches: AsyncIterable<Batch<T>> | Iterable<Batch<T>>,
  options?: StreamOptions,
): AsyncGenerator<AugmentResult<T>, void, undefined> {
  try {
    const o = orThrow(validateOptions(options));
    const p = orThrow(checkPipeline(pipeline));
    const depth = o.inFlight === undefined ? 4 : o.inFlight;
    if (!Number.isInteger(depth) || depth < 2) orThrow(fail("input", "inFlight", depth, "an integer >= 2"));
    const seed = o.seed === undefined ? randomSeed() : o.seed;
    orThrow(validateSeed(seed));
    let offset = o.offset === undefined ? 0 : o.offset;
    orThrow(validateRange(offset, 0));
    const iterable = batches as unknown as Record<symbol, unknown> | null;
    if (
      typeof iterable !== "object" || iterable === null ||
      (typeof iterable[Symbol.asyncIterator] !== "function" && typeof iterable[Symbol.iterator] !== "function")
    ) orThrow(fail("input", "batches", batches, "an iterable or async iterable of batches"));
    const pending: Promise<E.Either<FreqaugError, AugmentResult<T>>>[] = [];
    for await (const batch of batches) {
      // A snapshot, so the count that moves the offset is the count that ran.
      const b = typeof batch === "object" && batch !== null ? { ...batch } : batch;
      pending.push(augmentTask(p, b, { ...o, seed, offset })());
      offset += typeof b?.count === "number" && Number.isSafeInteger(b.count) ? b.count : 0;
      if (pending.length >= depth) yield orThrow(await pending.shift()!);
    }
    while (pending.length) yield orThrow(await pending.shift()!);
  } catch (e) {
    throw e instanceof FreqaugError ? e : new FreqaugError("input", [{
      path: "batches",
      value: undefined,
      expected: `readable batches (${describeException(e)})`,
    }]);
  }
}
