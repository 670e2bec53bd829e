/**
 * Compiled pipelines: `compile(pipeline, shape)` gives a kernel that runs any
 * number of batches of that shape, with new seeds or replayed parameters,
 * without compiling again; `explain` shows the WebGPU plan and its WGSL.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { pipe as flow } from "fp-ts/lib/function.js";
import { describeException, fail, FreqaugError, orThrow } from "../errors/error.ts";
import type { TaskEither } from "../errors/either.ts";
import type { Pipeline } from "../dsl/types.ts";
import { decodeWith, SpecCodec } from "../spec/codec.ts";
import { outputShape } from "../dsl/stages.ts";
import { type Flat, flatten } from "../dsl/flatten.ts";
import { cpuOnlyOp } from "../ops/registry.ts";
import type { RealArray } from "../math/rfft2.ts";
import { Lru } from "../math/lru.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { runCpu } from "../cpu/backend.ts";
import { gpuError } from "../webgpu/device.ts";
import { compileGpu, type GpuKernel, grid } from "../webgpu/kernel.ts";
import { DEFAULT_LIMITS, planGpu, type PlanLimits, unplannable } from "../webgpu/plan.ts";
import { describeFft, type GpuFftPlan } from "../webgpu/fftplan.ts";
import { type BackendName, resolveBackend, type Resolved, validateBackend } from "./backend.ts";
import {
  type Batch,
  validateBatch,
  validateChannels,
  validateOptions,
  validateParams,
  validateRange,
  validateSeed,
  validateWorkers,
} from "./validate.ts";

/** The image shape a kernel is compiled for. */
export interface KernelShape {
  /** Image height H. */
  readonly height: number;
  /** Image width W. */
  readonly width: number;
  /** Channels per image C. */
  readonly channels: number;
}

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Backend. Default `auto`. */
  readonly backend?: BackendName;
  /** Do not say on stderr which backend `auto` chose. */
  readonly quiet?: boolean;
  /** CPU worker threads; 0 runs on the calling thread. Default: one per core when the batch is large enough. */
  readonly workers?: number;
}

/** Options of one run of a kernel. */
export interface RunOptions {
  /** Seed of the parameters (any safe integer). Default: a random one, returned in the result. */
  readonly seed?: number;
  /** Replay these parameters (one entry per sample) instead of drawing new ones. */
  readonly params?: readonly SampleParams[];
  /** Dataset index of the batch's first sample, so a split batch draws as the whole. Default 0; unused with `params`. */
  readonly offset?: number;
}

/** What a run returns. */
export interface AugmentResult<T extends RealArray = Float32Array> {
  /** The augmented batch, same shape and array type as the input. */
  readonly images: Batch<T>;
  /**
   * The parameters of every sample; pass them back as `params` to replay.
   * After a WebGPU run that drew them from a seed they are computed on first
   * read (the GPU drew them itself, from the same counters).
   */
  readonly params: SampleParams[];
  /** The seed used, when the parameters were drawn (absent when replayed). */
  readonly seed?: number;
  /** The backend that ran. */
  readonly backend: "cpu" | "webgpu";
}

/** One pass of {@link Explanation}. */
export interface ExplainedPass {
  /**
   * What the pass does: `rows`, `columns`, `inverse rows` (a frequency
   * stage's three), or a pass of spatial ops of its own: `pointwise`,
   * `gather` (a crop's resize, or half a blur) or `reduce` (partial sums of a
   * per-image mean).
   */
  readonly name: string;
  /** Its frequency stage (a pass of spatial ops: the last stage before it, or 0). */
  readonly stage: number;
  /** What it fuses, in order. */
  readonly fuses: readonly string[];
  /** Why the pass exists, for every pass beyond a frequency stage's three. */
  readonly why?: string;
  /** Threads per workgroup. */
  readonly workgroupSize: number;
  /** Bytes of workgroup memory per workgroup. */
  readonly workgroupMemory: number;
  /** Where its FFTs work: `workgroup` memory or a `storage` buffer. */
  readonly scratch: string;
  /** What one workgroup handles. */
  readonly perWorkgroup: string;
  /** Workgroups for the explained batch size. */
  readonly workgroups: number;
  /** The dispatch grid, [x, y]. */
  readonly dispatch: readonly [number, number];
  /** The WGSL module. */
  readonly wgsl: string;
}

/** The WebGPU plan of a pipeline for a shape: every pass and its WGSL. */
export interface Explanation {
  /** Always `webgpu`: the CPU backend has no plan to show. */
  readonly backend: "webgpu";
  /** The shape. */
  readonly shape: KernelShape;
  /** The batch size the dispatch sizes are for. */
  readonly count: number;
  /** Dispatches per batch (one compute pass, one submit). */
  readonly dispatches: number;
  /** The passes in order. */
  readonly passes: readonly ExplainedPass[];
  /** How rows and columns are transformed (null without frequency ops). */
  readonly fft: { readonly rows: string | null; readonly columns: string | null };
}

/** A pipeline compiled for one shape. */
export interface Kernel {
  /** The backend it runs on. */
  readonly backend: "cpu" | "webgpu";
  /** The shape it takes. */
  readonly shape: KernelShape;
  /** The shape of its results (differs from `shape` after a `randomResizedCrop`). */
  readonly outputShape: KernelShape;
  /** The pipeline. */
  readonly pipeline: Pipeline;
  /** Runs a batch of the kernel's shape, as a TaskEither that never rejects. */
  runTask<T extends RealArray>(batch: Batch<T>, options?: RunOptions): TaskEither<FreqaugError, AugmentResult<T>>;
  /** Runs a batch of the kernel's shape; throws {@link FreqaugError}. */
  run<T extends RealArray>(batch: Batch<T>, options?: RunOptions): Promise<AugmentResult<T>>;
  /** The WebGPU plan for a batch of `count` (the device's own limits when on WebGPU). */
  explain(count?: number): Explanation;
  /** Frees GPU buffers (after runs in flight); the kernel cannot run afterwards. */
  dispose(): void;
}

/**
 * Checks a pipeline value (constructed by the DSL, decoded, or written by
 * hand) and returns its decoded copy: frozen, every field present, so what runs
 * is what was checked.
 */
export function checkPipeline(pipeline: Pipeline): E.Either<FreqaugError, Pipeline> {
  return decodeWith(SpecCodec, pipeline, "pipeline");
}

/** What {@link checkRequest} returns: the options (a copy), the decoded pipeline, the backend's name. */
export interface Checked<O> {
  readonly o: O;
  readonly p: Pipeline;
  readonly backend: BackendName;
}

/**
 * The checks `augment` and `compile` share, for images of `channels`
 * channels: the options, the pipeline (decoded), the backend and the workers.
 */
export function checkRequest<O extends CompileOptions>(
  pipeline: Pipeline,
  options: O | undefined,
  channels: number,
): E.Either<FreqaugError, Checked<O>> {
  return flow(
    validateOptions(options),
    E.chain((o) => E.map((p: Pipeline) => ({ o, p }))(checkPipeline(pipeline))),
    E.chainFirst(({ p }) => validateChannels(p, channels)),
    E.chain((x) => E.map((backend: BackendName) => ({ ...x, backend }))(validateBackend(x.o.backend))),
    E.chainFirst(({ o }) => validateWorkers(o.workers)),
  );
}

function checkShape(shape: KernelShape): E.Either<FreqaugError, KernelShape> {
  if (typeof shape !== "object" || shape === null) {
    return fail("input", "shape", shape, "an object { height, width, channels }");
  }
  for (const key of ["height", "width", "channels"] as const) {
    const v = shape[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
      return fail("input", `shape.${key}`, v, "an integer >= 1");
    }
  }
  return E.right({ height: shape.height, width: shape.width, channels: shape.channels });
}

/** A random safe-integer seed. */
export function randomSeed(): number {
  const w = new Uint32Array(2);
  crypto.getRandomValues(w);
  return (w[0] & 0x1fffff) * 4294967296 + w[1];
}

interface Prepared<T extends RealArray> {
  /** The batch as checked (each field read once). */
  readonly batch: Batch<T>;
  readonly seed?: number;
  readonly offset: number;
  readonly params?: SampleParams[];
}

/** Checks a batch and run options for a kernel; nothing runs. */
function prepare<T extends RealArray>(
  pipeline: Pipeline,
  shape: KernelShape,
  batch: Batch<T>,
  options: RunOptions | undefined,
  maxAbs = Infinity,
): E.Either<FreqaugError, Prepared<T>> {
  return flow(
    validateOptions(options),
    E.chain((o) => E.map((b: Batch<T>) => ({ o, b }))(validateBatch(batch, maxAbs))),
    E.chainFirst(({ b }) => {
      for (const key of ["channels", "height", "width"] as const) {
        if (b[key] !== shape[key]) {
          return fail("input", `batch.${key}`, b[key], `${shape[key]}, the kernel's ${key}`);
        }
      }
      return E.right(b);
    }),
    E.chain(({ o, b }) => {
      if (o.params !== undefined) {
        if (o.seed !== undefined) {
          return fail<Prepared<T>>("input", "seed", o.seed, "no seed when params are given (params replay exactly)");
        }
        return E.map((params: SampleParams[]): Prepared<T> => ({ batch: b, params, offset: 0 }))(
          validateParams(pipeline, o.params, b.count, b.height, b.width, b.channels),
        );
      }
      // Only a missing seed means a random one: null is refused like any other non-integer.
      const seed = o.seed === undefined ? randomSeed() : o.seed;
      return flow(
        validateSeed(seed),
        E.chain(() => validateRange(o.offset === undefined ? 0 : o.offset, b.count)),
        E.map((offset): Prepared<T> => ({ batch: b, seed, offset })),
      );
    }),
  );
}

/** The parameters of a prepared run: replayed, or drawn from its seed on the CPU. */
function drawn(pipeline: Pipeline, prep: Prepared<RealArray>): SampleParams[] {
  const batch = prep.batch;
  return prep.params ?? sampleParams(pipeline, {
    seed: prep.seed!,
    count: batch.count,
    height: batch.height,
    width: batch.width,
    offset: prep.offset,
  });
}

function asError(e: unknown, backend: string): FreqaugError {
  return e instanceof FreqaugError
    ? e
    : new FreqaugError("backend", [{ path: "backend", value: backend, expected: `to run (${describeException(e)})` }]);
}

/**
 * A TaskEither that never throws nor rejects, whatever `make` does: checks run
 * when the task runs, and an exception becomes a {@link FreqaugError}.
 */
export function guarded<A>(what: string, make: () => TaskEither<FreqaugError, A>): TaskEither<FreqaugError, A> {
  return async () => {
    try {
      return await make()();
    } catch (e) {
      return E.left(asError(e, what));
    }
  };
}

/** A result whose params are drawn on first read. */
function withParams<T extends RealArray>(
  images: Batch<T>,
  backend: "cpu" | "webgpu",
  seed: number | undefined,
  params: () => SampleParams[],
): AugmentResult<T> {
  let memo: SampleParams[] | undefined;
  const r = { images, backend } as {
    images: Batch<T>;
    backend: "cpu" | "webgpu";
    seed?: number;
    params: SampleParams[];
  };
  if (seed !== undefined) r.seed = seed;
  Object.defineProperty(r, "params", {
    enumerable: true,
    get: () => memo ??= params(),
  });
  return r;
}

function explainPlan(pipeline: Pipeline, shape: KernelShape, count: number, limits: PlanLimits): Explanation {
  // Combinators run as their flat list of ops (dsl/flatten.ts).
  const plan = planGpu(flatten(pipeline)?.pipeline ?? pipeline, shape, limits);
  const describe = (f: GpuFftPlan | null) => (f === null ? null : describeFft(f));
  return {
    backend: "webgpu",
    shape,
    count,
    dispatches: plan.passes.length,
    passes: plan.passes.map((p) => ({
      name: p.name,
      stage: p.stage,
      fuses: p.fuses,
      ...(p.why === undefined ? {} : { why: p.why }),
      workgroupSize: p.workgroupSize,
      workgroupMemory: p.workgroupMemory,
      scratch: p.scratch,
      perWorkgroup: p.perWorkgroup,
      workgroups: p.workgroups(count),
      dispatch: grid(p.workgroups(count)),
      wgsl: p.wgsl,
    })),
    fft: { rows: describe(plan.fft.rows), columns: describe(plan.fft.columns) },
  };
}

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** Batch size the dispatch sizes are given for. Default 1. */
  readonly count?: number;
  /** Device limits to plan for. Default: WebGPU's defaults (16 KiB of workgroup memory). */
  readonly limits?: Partial<PlanLimits>;
}

/**
 * The WebGPU plan of a pipeline for an image shape: each pass, what it fuses,
 * its workgroup size and dispatch size, and its WGSL. Needs no GPU.
 *
 * @example
 * ```ts
 * import { clamp, explain, gmm, normalize, pipe } from "@freqaug/freqaug";
 * const plan = explain(pipe(gmm(), normalize(), clamp()), { height: 224, width: 224, channels: 3 }, { count: 64 });
 * console.log(plan.dispatches, plan.passes.map((p) => p.name)); // 3 [ "rows", "columns", "inverse rows" ]
 * ```
 */
export function explain(pipeline: Pipeline, shape: KernelShape, options?: ExplainOptions): Explanation {
  try {
    return explainChecked(pipeline, shape, options);
  } catch (e) {
    throw e instanceof FreqaugError ? e : new FreqaugError("input", [{
      path: "explain",
      value: undefined,
      expected: `readable arguments (${describeException(e)})`,
    }]);
  }
}

/** Checks explain's limits: a workgroup memory size of at least 1 KiB, and a known scratch kind. */
function checkLimits(limits: unknown): E.Either<FreqaugError, PlanLimits> {
  if (limits === undefined) return E.right(DEFAULT_LIMITS);
  if (typeof limits !== "object" || limits === null) {
    return fail("input", "limits", limits, "an object { workgroupStorage?, scratch? }");
  }
  const { workgroupStorage = DEFAULT_LIMITS.workgroupStorage, scratch } = limits as Partial<PlanLimits>;
  if (typeof workgroupStorage !== "number" || !Number.isSafeInteger(workgroupStorage) || workgroupStorage < 1024) {
    return fail("input", "limits.workgroupStorage", workgroupStorage, "an integer >= 1024 (bytes)");
  }
  if (scratch !== undefined && scratch !== "workgroup" && scratch !== "storage") {
    return fail("input", "limits.scratch", scratch, `"workgroup" or "storage"`);
  }
  return E.right(scratch === undefined ? { workgroupStorage } : { workgroupStorage, scratch });
}

function explainChecked(pipeline: Pipeline, shape: KernelShape, options?: ExplainOptions): Explanation {
  const o = orThrow(validateOptions(options));
  const count = o.count === undefined ? 1 : o.count;
  const limits = orThrow(checkLimits(o.limits));
  const p = orThrow(checkPipeline(pipeline));
  const checked = flow(
    checkShape(shape),
    E.chain((s) =>
      Number.isSafeInteger(count) && count >= 1
        ? E.right(s)
        : fail<KernelShape>("input", "count", count, "an integer >= 1")
    ),
    E.chain((s) => E.map(() => s)(validateChannels(p, s.channels))),
    E.chain((s) => {
      const cpuOnly = cpuOnlyOp(p.ops);
      if (cpuOnly) {
        return fail<KernelShape>(
          "backend",
          `pipeline.ops[${cpuOnly[0]}]`,
          cpuOnly[1],
          `an op with a WebGPU plan (${cpuOnly[1]} runs on the CPU backend only)`,
        );
      }
      const why = unplannable(s, limits, flatten(p)?.pipeline ?? p);
      return why ? fail<KernelShape>("backend", "shape", s, `a shape the WebGPU plan supports (${why})`) : E.right(s);
    }),
  );
  return explainPlan(p, orThrow(checked), count, limits);
}

class CpuKernel implements Kernel {
  readonly backend = "cpu" as const;
  readonly outputShape: KernelShape;
  constructor(readonly pipeline: Pipeline, readonly shape: KernelShape, private readonly workers?: number) {
    this.outputShape = outputShape(pipeline, shape);
  }

  runTask<T extends RealArray>(batch: Batch<T>, options?: RunOptions): TaskEither<FreqaugError, AugmentResult<T>> {
    return guarded("cpu", () =>
      flow(
        TE.fromEither(prepare(this.pipeline, this.shape, batch, options)),
        TE.chain((prep) =>
          TE.tryCatch(async () => {
            const batch = prep.batch;
            const params = drawn(this.pipeline, prep);
            const data = await runCpu(this.pipeline, batch.data, batch.count, this.shape, params, {
              workers: this.workers,
            });
            const images = { ...outputShape(this.pipeline, this.shape), count: batch.count, data: data as T };
            return withParams(images, "cpu", prep.seed, () => params);
          }, (e) => asError(e, "cpu"))
        ),
      ));
  }

  async run<T extends RealArray>(batch: Batch<T>, options?: RunOptions): Promise<AugmentResult<T>> {
    return orThrow(await this.runTask(batch, options)());
  }

  explain(count = 1): Explanation {
    return explain(this.pipeline, this.shape, { count });
  }

  dispose(): void {}
}

class WebGpuKernel implements Kernel {
  readonly backend = "webgpu" as const;
  readonly outputShape: KernelShape;
  constructor(
    readonly pipeline: Pipeline,
    readonly shape: KernelShape,
    readonly gpu: GpuKernel,
    /** The flat form of a pipeline with combinators (their params drawn on the host), else null. */
    private readonly flat: Flat | null = null,
  ) {
    this.outputShape = outputShape(pipeline, shape);
  }

  runTask<T extends RealArray>(batch: Batch<T>, options?: RunOptions): TaskEither<FreqaugError, AugmentResult<T>> {
    return guarded("webgpu", () =>
      flow(
        // float32's largest finite value: a float64 batch beyond it would reach the GPU as Infinity.
        TE.fromEither(prepare(this.pipeline, this.shape, batch, options, 3.4028234663852886e38)),
        TE.chain((prep) =>
          TE.tryCatch(async () => {
            const batch = prep.batch;
            // With combinators every parameter is drawn here, and the GPU runs the flat pipeline on them.
            const nested = this.flat ? drawn(this.pipeline, prep) : undefined;
            const out = await this.gpu.run(batch.data, {
              count: batch.count,
              seed: nested ? undefined : prep.seed,
              offset: prep.offset,
              params: nested ? this.flat!.params(nested) : prep.params,
            });
            const data = (batch.data instanceof Float64Array ? Float64Array.from(out) : out) as T;
            const images = { ...outputShape(this.pipeline, this.shape), count: batch.count, data };
            return withParams(images, "webgpu", prep.seed, () => nested ?? drawn(this.pipeline, prep));
          }, (e) => asError(e, "webgpu"))
        ),
      ));
  }

  async run<T extends RealArray>(batch: Batch<T>, options?: RunOptions): Promise<AugmentResult<T>> {
    return orThrow(await this.runTask(batch, options)());
  }

  explain(count = 1): Explanation {
    return explainPlan(this.pipeline, this.shape, count, this.gpu.ctx.limits);
  }

  dispose(): void {
    this.gpu.dispose();
  }
}

/** Compiles for a resolved backend. */
export function compileResolved(
  pipeline: Pipeline,
  shape: KernelShape,
  backend: Resolved,
  workers?: number,
): TaskEither<FreqaugError, Kernel> {
  if (backend.kind === "cpu") return TE.right(new CpuKernel(pipeline, shape, workers));
  const ctx = backend.ctx;
  const cpuOnly = cpuOnlyOp(pipeline.ops);
  if (cpuOnly) return TE.left(gpuError("ops with a WebGPU plan", `${cpuOnly[1]} runs on the CPU backend only`));
  const flat = flatten(pipeline);
  const planned = flat?.pipeline ?? pipeline;
  const why = unplannable(shape, ctx.limits, planned);
  if (why) return TE.left(gpuError("a shape this adapter can transform", why));
  return TE.tryCatch(
    async () => new WebGpuKernel(pipeline, shape, await compileGpu(ctx, planned, shape), flat),
    (e) => asError(e, "webgpu"),
  );
}

/**
 * Compiles a pipeline for an image shape, as a TaskEither that never rejects.
 *
 * @example
 * ```ts
 * import { compileTask, gmm, pipe } from "@freqaug/freqaug";
 * const r = await compileTask(pipe(gmm()), { height: 32, width: 32, channels: 3 }, { backend: "cpu" })();
 * ```
 */
export function compileTask(
  pipeline: Pipeline,
  shape: KernelShape,
  options?: CompileOptions,
): TaskEither<FreqaugError, Kernel> {
  return guarded("compile", () => {
    const checked = flow(
      checkShape(shape),
      E.chain((s) => E.map((x: Checked<CompileOptions>) => ({ ...x, s }))(checkRequest(pipeline, options, s.channels))),
    );
    return flow(
      TE.fromEither(checked),
      TE.chain((x) => flow(() => resolveBackend(x.backend, x.o.quiet === true, x.p.ops), TE.map((r) => ({ ...x, r })))),
      TE.chain(({ o, p, s, r }) => compileResolved(p, s, r, o.workers)),
    );
  });
}

/**
 * Compiles a pipeline for an image shape into a kernel that runs batches of
 * that shape with new seeds or replayed parameters without compiling again.
 * On WebGPU the numbers of the pipeline and of each run travel in buffers,
 * and shader pipelines are cached per device by structure and shape. Throws
 * {@link FreqaugError}.
 *
 * @example
 * ```ts
 * import { compile, gmm, normalize, pipe } from "@freqaug/freqaug";
 * const kernel = await compile(pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), normalize()), { height: 64, width: 64, channels: 3 });
 * const batch = { data: new Float32Array(8 * 3 * 64 * 64).fill(0.5), count: 8, channels: 3, height: 64, width: 64 };
 * const a = await kernel.run(batch, { seed: 1 });
 * const b = await kernel.run(batch, { seed: 2, offset: 8 }); // no recompilation
 * kernel.dispose();
 * ```
 */
export async function compile(pipeline: Pipeline, shape: KernelShape, options: CompileOptions = {}): Promise<Kernel> {
  return orThrow(await compileTask(pipeline, shape, options)());
}

// Kernels behind `augment`, per (backend, pipeline, shape).
const kernels = new Lru<Promise<E.Either<FreqaugError, Kernel>>>(8, (k) => {
  k.then((e) => E.isRight(e) && e.right.dispose());
});

/** The cached kernel for a resolved backend (failures are not cached). */
export function kernelFor(
  pipeline: Pipeline,
  shape: KernelShape,
  backend: Resolved,
  workers?: number,
): Promise<E.Either<FreqaugError, Kernel>> {
  if (backend.kind === "cpu") return Promise.resolve(E.right(new CpuKernel(pipeline, shape, workers)));
  const key = `${JSON.stringify(pipeline)}|${shape.channels}x${shape.height}x${shape.width}`;
  const ctx = backend.ctx;
  const made = kernels.get(key, () => compileResolved(pipeline, shape, backend)());
  return made.then((e) => {
    if (E.isLeft(e)) {
      kernels.delete(key);
      return e;
    }
    if (ctx.lost) return E.left(gpuError("a device that is not lost", ctx.lost));
    if ((e.right as WebGpuKernel).gpu.ctx !== ctx) {
      // Compiled on a device since lost: compile again on the current one.
      kernels.delete(key);
      return kernelFor(pipeline, shape, backend, workers);
    }
    return e;
  });
}
