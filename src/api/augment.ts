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
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { type BackendName, resolveWithDevice } from "./backend.ts";
import {
  type Checked,
  checkPipeline,
  checkRequest,
  guarded,
  kernelFor,
  randomSeed,
  type RunOptions,
} from "./kernel.ts";
import type { AnyBatch, GpuRunOptions, HostBatch, OutputOption, OutputType, ResultFor } from "./images.ts";
import {
  type Input,
  pipelineChannels,
  validateInput,
  validateOptions,
  validateRange,
  validateSeed,
} from "./validate.ts";

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
  /**
   * CPU threads, the calling thread among them (it computes a share of the images meanwhile); 0 or 1 runs on
   * the calling thread alone. Default: one per core when the batch is large enough.
   */
  readonly workers?: number;
  /**
   * Run on this `GPUDevice` of the caller's (see `CompileOptions.device`):
   * needed for a {@link GpuBatch}, whose buffer must be of this device.
   */
  readonly device?: GPUDevice;
}

/**
 * Options of {@link augment} with the result's type and, for GPU batches, where it goes.
 *
 * @example
 * ```ts
 * import { augment, type AugmentRunOptions, gmm, pipe } from "@freqaug/freqaug";
 * const options: AugmentRunOptions<"uint8"> = { seed: 1, backend: "cpu", output: "uint8" };
 * const batch = { data: new Float32Array(3 * 8 * 8).fill(0.5), count: 1, channels: 3, height: 8, width: 8 };
 * const { images } = await augment(pipe(gmm()), batch, options); // images.data: Uint8Array, NHWC
 * ```
 */
export interface AugmentRunOptions<O extends OutputType | undefined = undefined>
  extends AugmentOptions, OutputOption<O>, GpuRunOptions {}

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
export function augmentTask<B extends AnyBatch, O extends OutputType | undefined = undefined>(
  pipeline: Pipeline,
  batch: B,
  options?: AugmentRunOptions<O>,
): TaskEither<FreqaugError, ResultFor<B, O>> {
  return guarded("augment", () => {
    // One read of the caller's fields: what is checked here is what the kernel runs.
    const snap = (typeof batch === "object" && batch !== null ? { ...batch } : batch) as B;
    // Values are checked by the kernel that runs them (the CPU's as it loads them): one pass, not two.
    const checked = flow(
      validateInput(snap, Infinity, false),
      E.chain((b: Input) =>
        E.map((x: Checked<AugmentRunOptions<O>>) => ({ ...x, b }))(
          checkRequest(pipeline, options, pipelineChannels(b)),
        )
      ),
      E.chainFirst((x) =>
        x.b.kind === "gpu" && x.device === undefined
          ? fail(
            "input",
            "device",
            undefined,
            "the GPUDevice of batch.buffer (a GPU batch runs on the caller's device)",
          )
          : E.right(x)
      ),
    );
    return flow(
      TE.fromEither(checked),
      TE.chain((x) =>
        flow(() => resolveWithDevice(x.backend, x.device, x.o.quiet === true, x.p.ops), TE.map((r) => ({ ...x, r })))
      ),
      TE.chain((x) => {
        const shape = { channels: pipelineChannels(x.b), height: x.b.height, width: x.b.width };
        return flow(
          () => kernelFor(x.p, shape, x.r, x.o.workers, x.device !== undefined),
          TE.map((kernel) => ({ ...x, kernel })),
        );
      }),
      TE.chain(({ o, kernel }) => kernel.runTask(snap, o)),
    );
  });
}

/**
 * Runs a pipeline on a batch of images and returns the augmented batch and
 * every sample's parameters. Throws {@link FreqaugError} on bad input,
 * before any work. On WebGPU the arithmetic is float32 (a Float64Array batch
 * comes back as float64 values of that result).
 *
 * The batch is a float batch ({@link Batch}: planar NCHW, values in [0, 1]
 * by convention), a byte batch ({@link ByteBatch}: `layout: "NHWC"`, 3 or 4
 * channels, e.g. an `ImageData`'s RGBA bytes) or, with `{ device }`, a
 * {@link GpuBatch} of that device (the result stays on the GPU). The
 * `output` option sets the result's type: `float32`, `float16` or `uint8`
 * (see {@link OutputType}); the result's TypeScript type follows it.
 *
 * @example
 * ```ts
 * import { augment, gmm, normalize, pipe } from "@freqaug/freqaug";
 * const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), normalize());
 * const batch = { data: new Float32Array(2 * 3 * 64 * 64).fill(0.5), count: 2, channels: 3, height: 64, width: 64 };
 * const { images, params } = await augment(pipeline, batch, { seed: 42 });
 * const again = await augment(pipeline, batch, { params }); // same bytes
 * ```
 *
 * @example Bytes in, bytes out (RGBA, alpha kept)
 * ```ts
 * import { augment, gmm, pipe } from "@freqaug/freqaug";
 * const rgba = new Uint8ClampedArray(64 * 64 * 4).fill(200); // e.g. an ImageData's data
 * const batch = { data: rgba, layout: "NHWC", count: 1, channels: 4, height: 64, width: 64 } as const;
 * const { images } = await augment(pipe(gmm()), batch, { seed: 1, output: "uint8" });
 * images.data; // Uint8Array, NHWC RGBA: new ImageData(new Uint8ClampedArray(images.data.buffer), 64, 64)
 * ```
 */
export async function augment<B extends AnyBatch, O extends OutputType | undefined = undefined>(
  pipeline: Pipeline,
  batch: B,
  options: AugmentRunOptions<O> = {},
): Promise<ResultFor<B, O>> {
  const r = await augmentTask(pipeline, batch, options)();
  return orThrow(r);
}

/** Options of {@link augmentStream}. */
export interface StreamOptions extends Omit<AugmentOptions, "params" | "device"> {
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
export async function* augmentStream<B extends HostBatch, O extends OutputType | undefined = undefined>(
  pipeline: Pipeline,
  batches: AsyncIterable<B> | Iterable<B>,
  options?: StreamOptions & OutputOption<O>,
): AsyncGenerator<ResultFor<B, O>, void, undefined> {
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
    const pending: Promise<E.Either<FreqaugError, ResultFor<B, O>>>[] = [];
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
