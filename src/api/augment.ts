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
import { fail, FreqaugError, orThrow } from "../errors/error.ts";
import type { Either, TaskEither } from "../errors/either.ts";
import type { Pipeline } from "../dsl/types.ts";
import { decodeWith, SpecCodec } from "../spec/codec.ts";
import type { RealArray } from "../math/rfft2.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { runCpu } from "../cpu/backend.ts";
import {
  type Batch,
  validateBatch,
  validateChannels,
  validateParams,
  validateRange,
  validateSeed,
} from "./validate.ts";

/** Which backend runs the pipeline. This version has the CPU backend; `auto` picks it. */
export type BackendName = "cpu" | "auto";

/** Options of {@link augment}. */
export interface AugmentOptions {
  /** Seed of the parameters (any safe integer). Default: a random one, returned in the result. */
  readonly seed?: number;
  /** Replay these parameters (one entry per sample) instead of drawing new ones. */
  readonly params?: readonly SampleParams[];
  /** Dataset index of the batch's first sample, so a split batch draws as the whole. Default 0; unused with `params`. */
  readonly offset?: number;
  /** Backend. Default `auto`. */
  readonly backend?: BackendName;
  /** CPU worker threads; 0 runs on the calling thread. Default: one per core when the batch is large enough. */
  readonly workers?: number;
}

/** What {@link augment} returns. */
export interface AugmentResult<T extends RealArray = Float32Array> {
  /** The augmented batch, same shape and array type as the input. */
  readonly images: Batch<T>;
  /** The parameters of every sample; pass them back as `params` to replay. */
  readonly params: SampleParams[];
  /** The seed used, when the parameters were drawn (absent when replayed). */
  readonly seed?: number;
  /** The backend that ran. */
  readonly backend: "cpu";
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

function randomSeed(): number {
  const w = new Uint32Array(2);
  crypto.getRandomValues(w);
  return (w[0] & 0x1fffff) * 4294967296 + w[1];
}

function checkPipeline(pipeline: Pipeline): E.Either<FreqaugError, Pipeline> {
  return SpecCodec.is(pipeline) ? E.right(pipeline) : decodeWith(SpecCodec, pipeline, "pipeline");
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
  return flow(
    checkPipeline(pipeline),
    E.chain(() => validateSeed(request?.seed)),
    E.chain(() => {
      for (const key of ["count", "height", "width"] as const) {
        const v = request[key];
        if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
          return fail("input", key, v, "an integer >= 1");
        }
      }
      return validateRange(request.offset ?? 0, request.count);
    }),
    E.map(() => sampleParams(pipeline, request)),
  );
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
  options: AugmentOptions = {},
): TaskEither<FreqaugError, AugmentResult<T>> {
  const checked = flow(
    checkPipeline(pipeline),
    E.chain(() => validateBatch(batch)),
    E.chain(() => validateChannels(pipeline, batch.channels)),
    E.chain(() => {
      const backend = options.backend ?? "auto";
      if (backend !== "cpu" && backend !== "auto") {
        return fail<never>(
          "backend",
          "backend",
          backend,
          `"cpu" or "auto" (this version has the CPU backend only)`,
        );
      }
      if (
        options.workers !== undefined &&
        (!Number.isInteger(options.workers) || options.workers < 0)
      ) {
        return fail<never>(
          "input",
          "workers",
          options.workers,
          "an integer >= 0",
        );
      }
      if (options.params !== undefined) {
        if (options.seed !== undefined) {
          return fail<never>(
            "input",
            "seed",
            options.seed,
            "no seed when params are given (params replay exactly)",
          );
        }
        return E.map((p: SampleParams[]) => ({
          params: p,
          seed: undefined as number | undefined,
        }))(
          validateParams(
            pipeline,
            options.params,
            batch.count,
            batch.height,
            batch.width,
          ),
        );
      }
      const seed = options.seed ?? randomSeed();
      return flow(
        validateSeed(seed),
        E.chain(() => validateRange(options.offset ?? 0, batch.count)),
        E.map((offset) => ({
          params: sampleParams(pipeline, {
            seed,
            count: batch.count,
            height: batch.height,
            width: batch.width,
            offset,
          }),
          seed: seed as number | undefined,
        })),
      );
    }),
  );
  return flow(
    TE.fromEither(checked),
    TE.chain(({ params, seed }) =>
      TE.tryCatch(
        async () => {
          const dims = {
            channels: batch.channels,
            height: batch.height,
            width: batch.width,
          };
          const data = await runCpu(
            pipeline,
            batch.data,
            batch.count,
            dims,
            params,
            { workers: options.workers },
          );
          const images = { ...dims, count: batch.count, data: data as T };
          return seed === undefined
            ? { images, params, backend: "cpu" as const }
            : { images, params, seed, backend: "cpu" as const };
        },
        (e) =>
          e instanceof FreqaugError ? e : new FreqaugError("backend", [{
            path: "backend",
            value: "cpu",
            expected: `to run (${String(e)})`,
          }]),
      )
    ),
  );
}

/**
 * Runs a pipeline on a batch of images (NCHW, planar) and returns the
 * augmented batch and every sample's parameters. Throws {@link FreqaugError}
 * on bad input, before any work.
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
