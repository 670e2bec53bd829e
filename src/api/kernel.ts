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
import type { OutArray, OutKind } from "../cpu/io.ts";
import { Lru } from "../math/lru.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { runCpu } from "../cpu/backend.ts";
import { NonFiniteInput } from "../cpu/finite.ts";
import type { ParamSource } from "../cpu/params_source.ts";
import { gpuError } from "../webgpu/device.ts";
import { compileGpu, type GpuKernel, grid } from "../webgpu/kernel.ts";
import type { GpuIo, GpuPlan } from "../webgpu/plan.ts";
import { DEFAULT_LIMITS, planGpu, type PlanLimits, unplannable } from "../webgpu/plan.ts";
import { describeFft, type GpuFftPlan } from "../webgpu/fftplan.ts";
import { type BackendName, type Resolved, resolveWithDevice, validateBackend, validateDevice } from "./backend.ts";
import type { AnyBatch, Augmented, Batch, GpuRunOptions, OutputOption, OutputType, ResultFor } from "./images.ts";
import {
  type Input,
  isOutputType,
  pipelineChannels,
  USAGE_COPY_DST,
  validateBatch,
  validateBuffer,
  validateChannels,
  validateInput,
  validateOptions,
  validateOutput,
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
  /** Backend. Default `auto` (`webgpu` when a `device` is given). */
  readonly backend?: BackendName;
  /** Do not say on stderr which backend `auto` chose. */
  readonly quiet?: boolean;
  /**
   * CPU threads, the calling thread among them (it computes a share of the images meanwhile); 0 or 1 runs on
   * the calling thread alone. Default: one per core when the batch is large enough.
   */
  readonly workers?: number;
  /**
   * Run on this `GPUDevice` of the caller's instead of one of freqaug's own
   * (no adapter is requested): the kernel then also runs {@link GpuBatch}es
   * of buffers of this device, with no readback. It needs no features and
   * no more than WebGPU's default limits (9 bindings, 8 of them storage
   * buffers, per bind group; 256 invocations and 16 KiB of workgroup memory
   * per workgroup); larger `maxStorageBufferBindingSize` and `maxBufferSize`
   * let a submission take more images. The backend must be `webgpu` or `auto`.
   */
  readonly device?: GPUDevice;
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

/** What a run of a float batch returns: the augmented batch (same array type as the input) and the parameters. */
export type AugmentResult<T extends RealArray = Float32Array> = Augmented<Batch<T>>;

/**
 * Options of one run of a kernel, with the result's type and, for GPU batches, where it goes.
 *
 * @example
 * ```ts
 * import { compile, gmm, type KernelRunOptions, pipe } from "@freqaug/freqaug";
 * const kernel = await compile(pipe(gmm()), { height: 8, width: 8, channels: 1 }, { backend: "cpu" });
 * const options: KernelRunOptions<"float16"> = { seed: 3, output: "float16" };
 * const { images } = await kernel.run({ data: new Float32Array(64), count: 1, channels: 1, height: 8, width: 8 }, options);
 * ```
 */
export interface KernelRunOptions<O extends OutputType | undefined = undefined>
  extends RunOptions, OutputOption<O>, GpuRunOptions {}

/**
 * Bytes read and written per image: what a pass that streams moves from
 * memory, counting each value it needs once in the image, spectrum and packed
 * buffers (a gather counts its whole source image; a crop reads only its
 * box). The parameter table, twiddles and consts are not counted (small, and
 * read through the caches), nor the stage's input that the inverse rows pass
 * reads again for a sample none of the stage's ops applies to.
 *
 * @example
 * ```ts
 * import { explain, gmm, pipe } from "@freqaug/freqaug";
 * const rows = explain(pipe(gmm()), { height: 224, width: 224, channels: 3 }).passes[0];
 * console.log(rows.bytes); // { read: 602112, written: 607488 }: 3x224x224 float32 in, 3x224x113 complex bins out
 * ```
 */
export interface ExplainedBytes {
  /** Bytes read per image (>= 0). */
  readonly read: number;
  /** Bytes written per image (>= 0). */
  readonly written: number;
}

/**
 * The bytes of a whole plan per image: the sum of its passes', and what a
 * {@link GpuBatch} run adds.
 *
 * @example
 * ```ts
 * import { explain, gmm, pipe } from "@freqaug/freqaug";
 * const { bytes } = explain(pipe(gmm()), { height: 224, width: 224, channels: 3 }, { input: "uint8" });
 * console.log(bytes.total); // 3182592: the float32 input's 602112 bytes read become 150528
 * ```
 */
export interface ExplainedTraffic extends ExplainedBytes {
  /** `read + written`: divide a memory bandwidth by it for the images per second that bandwidth allows at most. */
  readonly total: number;
  /**
   * Bytes per image that the device copies of a {@link GpuBatch} run add to
   * `total`: its input copied into the kernel's working set and the result
   * out into the caller's buffer, each read once and written once.
   */
  readonly gpuBatchCopies: number;
}

/** The input and output types a plan is explained for (see {@link ExplainOptions}). */
export interface ExplainIo {
  /**
   * `float32`: float NCHW (float32, or float64 converted on the host);
   * `uint8`: NHWC bytes (a {@link ByteBatch}, or a {@link GpuBatch} `"NHWC"`)
   * of 3 bytes per pixel, or 4 with `alpha`, on a kernel of 3 channels.
   * Default `float32`.
   */
  readonly input?: "float32" | "uint8";
  /** For `uint8` input: 4 bytes per pixel (RGBA), alpha riding along. Default false. */
  readonly alpha?: boolean;
  /** The result's type (see {@link OutputType}). Default `float32`. */
  readonly output?: OutputType;
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
  /** Bytes it reads and writes per image. */
  readonly bytes: ExplainedBytes;
  /**
   * How it reads and writes global memory, in words: every access of the
   * FFT passes is contiguous (consecutive invocations on consecutive words),
   * in runs as long as this says.
   */
  readonly access: string;
  /** Workgroups for the explained batch size. */
  readonly workgroups: number;
  /** The dispatch grid, [x, y]. */
  readonly dispatch: readonly [number, number];
  /** The WGSL module. */
  readonly wgsl: string;
}

/** The WebGPU plan of a pipeline for a shape: every pass, its WGSL, and the bytes it moves. */
export interface Explanation {
  /** Always `webgpu`: the CPU backend has no plan to show. */
  readonly backend: "webgpu";
  /** The shape. */
  readonly shape: KernelShape;
  /** The input and output types the plan is for (`alpha`: RGBA bytes in). */
  readonly io: { readonly input: "float32" | "uint8"; readonly alpha: boolean; readonly output: OutputType };
  /** Bytes per image of all passes together (see {@link ExplainedBytes}). */
  readonly bytes: ExplainedTraffic;
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
  /**
   * Runs a batch of the kernel's shape (a float, byte or GPU batch; see
   * {@link Kernel.run}), as a TaskEither that never rejects.
   */
  runTask<B extends AnyBatch, O extends OutputType | undefined = undefined>(
    batch: B,
    options?: KernelRunOptions<O>,
  ): TaskEither<FreqaugError, ResultFor<B, O>>;
  /**
   * Runs a batch of the kernel's shape; throws {@link FreqaugError}. A float
   * batch has the kernel's channels; a byte batch (3 or 4 channels) runs on
   * a kernel of 3 channels; a {@link GpuBatch} runs on a kernel compiled
   * with `{ device }` and returns a GpuBatch (in `options.into` when given).
   * `options.output` sets the result's type (see {@link OutputType}).
   */
  run<B extends AnyBatch, O extends OutputType | undefined = undefined>(
    batch: B,
    options?: KernelRunOptions<O>,
  ): Promise<ResultFor<B, O>>;
  /**
   * The WebGPU plan for a batch of `count` (default 1) of the input and
   * output types `io` (default float32 in and out), with the device's own
   * limits when on WebGPU. Throws {@link FreqaugError}.
   */
  explain(count?: number, io?: ExplainIo): Explanation;
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

/** What {@link checkRequest} returns: the options (a copy), the decoded pipeline, the backend's name, the device. */
export interface Checked<O> {
  readonly o: O;
  readonly p: Pipeline;
  readonly backend: BackendName;
  /** The caller's device, when given. */
  readonly device?: GPUDevice;
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
    E.chain((x) =>
      E.map((device: GPUDevice | undefined) => (device ? { ...x, device } : x))(validateDevice(x.o.device))
    ),
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

interface Prepared {
  /** The batch as checked (each field read once). */
  readonly input: Input;
  /** The result's kind. */
  readonly out: OutKind;
  /** Where a GPU batch's result goes (checked). */
  readonly into?: GPUBuffer;
  readonly seed?: number;
  readonly offset: number;
  readonly params?: SampleParams[];
}

/** Checks a batch and run options for a kernel; nothing runs. */
function prepare(
  pipeline: Pipeline,
  shape: KernelShape,
  batch: unknown,
  options: KernelRunOptions<OutputType | undefined> | undefined,
  maxAbs = Infinity,
  values = true,
): E.Either<FreqaugError, Prepared> {
  return flow(
    validateOptions(options),
    E.chain((o) => E.map((b: Input) => ({ o, b }))(validateInput(batch, maxAbs, values))),
    E.chainFirst(({ b }) => {
      const channels = pipelineChannels(b);
      if (channels !== shape.channels) {
        return fail(
          "input",
          "batch.channels",
          b.channels,
          channels === b.channels
            ? `${shape.channels}, the kernel's channels`
            : `a kernel of ${channels} channels for bytes (they run on their colour channels; this kernel has ${shape.channels})`,
        );
      }
      for (const key of ["height", "width"] as const) {
        if (b[key] !== shape[key]) {
          return fail("input", `batch.${key}`, b[key], `${shape[key]}, the kernel's ${key}`);
        }
      }
      return E.right(b);
    }),
    E.chain((x) => E.map((out: OutKind) => ({ ...x, out }))(validateOutput(x.o.output, x.b))),
    E.chain((x) => {
      const into = x.o.into;
      if (into === undefined) return E.right({ ...x, into: undefined });
      if (x.b.kind !== "gpu") {
        return fail<typeof x & { into?: GPUBuffer }>(
          "input",
          "into",
          into,
          "nothing for a host batch (into is for GPU batches)",
        );
      }
      if (into === x.b.buffer) {
        return fail<typeof x & { into?: GPUBuffer }>(
          "input",
          "into",
          "batch.buffer",
          "a buffer other than batch.buffer",
        );
      }
      const bytes = resultBytes(pipeline, shape, x.b, x.out);
      return E.map((buffer: GPUBuffer) => ({ ...x, into: buffer }))(
        validateBuffer("into", into, bytes, USAGE_COPY_DST, "COPY_DST"),
      );
    }),
    E.chain(({ o, b, out, into }) => {
      const base = { input: b, out, ...(into ? { into } : {}) };
      if (o.params !== undefined) {
        if (o.seed !== undefined) {
          return fail<Prepared>("input", "seed", o.seed, "no seed when params are given (params replay exactly)");
        }
        return E.map((params: SampleParams[]): Prepared => ({ ...base, params, offset: 0 }))(
          validateParams(pipeline, o.params, b.count, b.height, b.width, shape.channels),
        );
      }
      // Only a missing seed means a random one: null is refused like any other non-integer.
      const seed = o.seed === undefined ? randomSeed() : o.seed;
      return flow(
        validateSeed(seed),
        E.chain(() => validateRange(o.offset === undefined ? 0 : o.offset, b.count)),
        E.map((offset): Prepared => ({ ...base, seed, offset })),
      );
    }),
  );
}

/** Bytes per pixel of a byte result: the input's (alpha included), else the pipeline's channels. */
function outBytesOf(input: Input, channels: number): number {
  return input.kind === "bytes" || (input.kind === "gpu" && input.layout === "NHWC") ? input.channels : channels;
}

/** Bytes of the result of a run. */
function resultBytes(pipeline: Pipeline, shape: KernelShape, input: Input, out: OutKind): number {
  const o = outputShape(pipeline, shape);
  const pixels = input.count * o.height * o.width;
  if (out === "u8") return pixels * outBytesOf(input, shape.channels);
  return pixels * o.channels * (out === "f16" ? 2 : out === "f64" ? 8 : 4);
}

/** The images of a host result, described. */
function hostImages(pipeline: Pipeline, shape: KernelShape, prep: Prepared, data: OutArray): unknown {
  const o = outputShape(pipeline, shape);
  const count = prep.input.count;
  if (prep.out === "u8") {
    return {
      data,
      layout: "NHWC",
      count,
      channels: outBytesOf(prep.input, shape.channels),
      height: o.height,
      width: o.width,
    };
  }
  return { ...o, count, data, layout: "NCHW" };
}

/** The parameters of a prepared run: replayed, or drawn from its seed on the CPU. */
function drawn(pipeline: Pipeline, prep: Prepared): SampleParams[] {
  const batch = prep.input;
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
function withParams(
  images: unknown,
  backend: "cpu" | "webgpu",
  seed: number | undefined,
  params: () => SampleParams[],
): Augmented<unknown> {
  let memo: SampleParams[] | undefined;
  const r = { images, backend } as {
    images: unknown;
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

/** The kernel's reading and writing for explained types (checked). */
function gpuIoOf(io: Required<ExplainIo>, channels: number): GpuIo {
  const inBytes = io.input === "uint8" ? (io.alpha ? 4 : 3) : 0;
  return {
    inBytes,
    out: io.output === "float16" ? "f16" : io.output === "uint8" ? "u8" : "f32",
    outBytes: io.output === "uint8" ? inBytes || channels : 0,
  };
}

/** The bytes of a plan's passes per image, added up, and what a GPU batch's copies add. */
function traffic(plan: GpuPlan): ExplainedTraffic {
  const read = plan.passes.reduce((a, p) => a + p.bytes.read, 0);
  const written = plan.passes.reduce((a, p) => a + p.bytes.written, 0);
  return { read, written, total: read + written, gpuBatchCopies: 2 * (plan.inputBytes + plan.outputBytes) };
}

function explainPlan(
  pipeline: Pipeline,
  shape: KernelShape,
  count: number,
  limits: PlanLimits,
  io: Required<ExplainIo> = { input: "float32", alpha: false, output: "float32" },
): Explanation {
  // Combinators run as their flat list of ops (dsl/flatten.ts).
  const plan = planGpu(flatten(pipeline)?.pipeline ?? pipeline, shape, limits, gpuIoOf(io, shape.channels));
  const describe = (f: GpuFftPlan | null) => (f === null ? null : describeFft(f));
  return {
    backend: "webgpu",
    shape,
    io,
    bytes: traffic(plan),
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
      bytes: { read: p.bytes.read, written: p.bytes.written },
      access: p.access,
      workgroups: p.workgroups(count),
      dispatch: grid(p.workgroups(count)),
      wgsl: p.wgsl,
    })),
    fft: { rows: describe(plan.fft.rows), columns: describe(plan.fft.columns) },
  };
}

/** Options of {@link explain}: the batch size, the device limits, and the input and output types. */
export interface ExplainOptions extends ExplainIo {
  /** Batch size the dispatch sizes are given for. Default 1. */
  readonly count?: number;
  /** Device limits to plan for. Default: WebGPU's defaults (16 KiB of workgroup memory). */
  readonly limits?: Partial<PlanLimits>;
}

/**
 * The WebGPU plan of a pipeline for an image shape: each pass, what it fuses,
 * its workgroup size and dispatch size, how it reads and writes memory and
 * how many bytes per image (`bytes`, and the plan's total in
 * `Explanation.bytes`: divide a device's memory bandwidth by `bytes.total`
 * for the images per second it allows at most), and its WGSL. The plan is
 * for the input and output types of `options` (float32 in and out by
 * default): bytes in read a quarter of float32's in the first pass, and a
 * float16 or uint8 result adds a last pass that packs it. Needs no GPU.
 * Throws {@link FreqaugError}.
 *
 * @example
 * ```ts
 * import { clamp, explain, gmm, normalize, pipe } from "@freqaug/freqaug";
 * const plan = explain(pipe(gmm(), normalize(), clamp()), { height: 224, width: 224, channels: 3 }, { count: 64 });
 * console.log(plan.dispatches, plan.passes.map((p) => p.name)); // 3 [ "rows", "columns", "inverse rows" ]
 * console.log(plan.bytes.total); // 3634176 bytes per image
 * const bytes = explain(pipe(gmm()), { height: 224, width: 224, channels: 3 }, { input: "uint8", output: "uint8" });
 * console.log(bytes.passes.map((p) => p.name)); // [ "rows", "columns", "inverse rows", "pack" ]
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

/** Checks explain's input and output types; bytes in need a kernel of 3 channels. */
function checkIo(o: ExplainIo, channels: number): E.Either<FreqaugError, Required<ExplainIo>> {
  const { input = "float32", alpha = false, output = "float32" } = o;
  if (input !== "float32" && input !== "uint8") {
    return fail("input", "input", input, `"float32" or "uint8", or nothing (float32)`);
  }
  if (typeof alpha !== "boolean") return fail("input", "alpha", alpha, "a boolean, or nothing (false)");
  if (alpha && input !== "uint8") {
    return fail("input", "alpha", alpha, `false for input "${input}" (alpha is for bytes)`);
  }
  if (input === "uint8" && channels !== 3) {
    return fail("input", "shape.channels", channels, `3 for input "uint8" (bytes run on their colour channels)`);
  }
  if (!isOutputType(output)) return fail("input", "output", output, `"float32", "float16" or "uint8", or nothing`);
  return E.right({ input, alpha, output });
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
    E.chain((s) => E.map((io: Required<ExplainIo>) => ({ s, io }))(checkIo(o, s.channels))),
  );
  const { s, io } = orThrow(checked);
  return explainPlan(p, s, count, limits, io);
}

/** {@link explain}'s options for a kernel's `explain(count, io)`: io checked as options are. */
function kernelExplainOptions(count: number, io: ExplainIo | undefined, limits?: PlanLimits): ExplainOptions {
  const o = orThrow(validateOptions(io, "io"));
  return { input: o.input, alpha: o.alpha, output: o.output, count, ...(limits ? { limits } : {}) };
}

/** What the classes below share: run is runTask, thrown. */
abstract class BaseKernel {
  abstract runTask<B extends AnyBatch, O extends OutputType | undefined = undefined>(
    batch: B,
    options?: KernelRunOptions<O>,
  ): TaskEither<FreqaugError, ResultFor<B, O>>;

  async run<B extends AnyBatch, O extends OutputType | undefined = undefined>(
    batch: B,
    options?: KernelRunOptions<O>,
  ): Promise<ResultFor<B, O>> {
    return orThrow(await this.runTask(batch, options)());
  }
}

class CpuKernel extends BaseKernel implements Kernel {
  readonly backend = "cpu" as const;
  readonly outputShape: KernelShape;
  constructor(readonly pipeline: Pipeline, readonly shape: KernelShape, private readonly workers?: number) {
    super();
    this.outputShape = outputShape(pipeline, shape);
  }

  runTask<B extends AnyBatch, O extends OutputType | undefined = undefined>(
    batch: B,
    options?: KernelRunOptions<O>,
  ): TaskEither<FreqaugError, ResultFor<B, O>> {
    return guarded("cpu", () =>
      flow(
        // The values' check is folded into the kernel's first pass over them (see cpu/finite.ts).
        TE.fromEither(prepare(this.pipeline, this.shape, batch, options, Infinity, false)),
        TE.chain((prep) =>
          TE.tryCatch(async () => {
            const input = prep.input;
            if (input.kind === "gpu") {
              throw new FreqaugError("backend", [{
                path: "batch.buffer",
                value: "GPUBuffer",
                expected: "a host batch on the CPU backend (GPU batches run on a kernel compiled with { device })",
              }]);
            }
            // Seeded params are drawn by the threads that run the images, and for the result when it is read.
            const source: ParamSource = prep.params ??
              { seed: prep.seed!, offset: prep.offset, height: input.height, width: input.width };
            const inBytes = input.kind === "bytes" ? input.channels : 0;
            const io = { inBytes, outBytes: prep.out === "u8" ? outBytesOf(input, this.shape.channels) : 0 };
            const data = await runCpu(this.pipeline, input.data, input.count, this.shape, source, {
              workers: this.workers,
              io,
              out: prep.out,
            }).catch((e) => {
              if (!(e instanceof NonFiniteInput) || input.kind !== "float") throw e;
              // Only now the whole batch is scanned: for the first such value, as the error names it.
              const first = validateBatch(input);
              throw E.isLeft(first) ? first.left : e;
            });
            const images = hostImages(this.pipeline, this.shape, prep, data);
            return withParams(images, "cpu", prep.seed, () => drawn(this.pipeline, prep)) as ResultFor<B, O>;
          }, (e) => asError(e, "cpu"))
        ),
      ));
  }

  explain(count = 1, io?: ExplainIo): Explanation {
    return explain(this.pipeline, this.shape, kernelExplainOptions(count, io));
  }

  dispose(): void {}
}

class WebGpuKernel extends BaseKernel implements Kernel {
  readonly backend = "webgpu" as const;
  readonly outputShape: KernelShape;
  constructor(
    readonly pipeline: Pipeline,
    readonly shape: KernelShape,
    readonly gpu: GpuKernel,
    /** The flat form of a pipeline with combinators (their params drawn on the host), else null. */
    private readonly flat: Flat | null = null,
    /** Whether the device is the caller's (so GPU batches of its buffers run). */
    private readonly callersDevice = false,
  ) {
    super();
    this.outputShape = outputShape(pipeline, shape);
  }

  runTask<B extends AnyBatch, O extends OutputType | undefined = undefined>(
    batch: B,
    options?: KernelRunOptions<O>,
  ): TaskEither<FreqaugError, ResultFor<B, O>> {
    return guarded("webgpu", () =>
      flow(
        // float32's largest finite value: a float64 batch beyond it would reach the GPU as Infinity.
        TE.fromEither(prepare(this.pipeline, this.shape, batch, options, 3.4028234663852886e38)),
        TE.chain((prep) =>
          TE.tryCatch(async () => {
            const input = prep.input;
            // With combinators every parameter is drawn here, and the GPU runs the flat pipeline on them.
            const nested = this.flat ? drawn(this.pipeline, prep) : undefined;
            const req = {
              count: input.count,
              seed: nested ? undefined : prep.seed,
              offset: prep.offset,
              params: nested ? this.flat!.params(nested) : prep.params,
            };
            const io: GpuIo = {
              inBytes: input.kind === "bytes" || (input.kind === "gpu" && input.layout === "NHWC") ? input.channels : 0,
              out: prep.out === "f16" ? "f16" : prep.out === "u8" ? "u8" : "f32",
              outBytes: prep.out === "u8" ? outBytesOf(input, this.shape.channels) : 0,
            };
            const params = () => nested ?? drawn(this.pipeline, prep);
            const o = this.outputShape;
            if (input.kind === "gpu") {
              if (!this.callersDevice) {
                throw new FreqaugError("input", [{
                  path: "batch.buffer",
                  value: "GPUBuffer",
                  expected: "a host batch, or a kernel compiled with { device } (the device of the buffer)",
                }]);
              }
              const buffer = await this.gpu.runToBuffer(input.buffer, req, io, prep.into);
              const images = io.out === "u8"
                ? {
                  buffer,
                  layout: "NHWC",
                  count: input.count,
                  channels: io.outBytes,
                  height: o.height,
                  width: o.width,
                }
                : { buffer, layout: "NCHW", count: input.count, ...o };
              return withParams(images, "webgpu", prep.seed, params) as ResultFor<B, O>;
            }
            const out = await this.gpu.runAs({ host: input.data }, req, io);
            const data = prep.out === "f64" ? Float64Array.from(out) : out;
            return withParams(
              hostImages(this.pipeline, this.shape, prep, data),
              "webgpu",
              prep.seed,
              params,
            ) as ResultFor<
              B,
              O
            >;
          }, (e) => asError(e, "webgpu"))
        ),
      ));
  }

  explain(count = 1, io?: ExplainIo): Explanation {
    const { workgroupStorage, scratch } = this.gpu.ctx.limits;
    return explain(
      this.pipeline,
      this.shape,
      kernelExplainOptions(count, io, scratch ? { workgroupStorage, scratch } : { workgroupStorage }),
    );
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
  callersDevice = false,
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
    async () => new WebGpuKernel(pipeline, shape, await compileGpu(ctx, planned, shape), flat, callersDevice),
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
      TE.chain((x) =>
        flow(() => resolveWithDevice(x.backend, x.device, x.o.quiet === true, x.p.ops), TE.map((r) => ({ ...x, r })))
      ),
      TE.chain(({ o, p, s, r, device }) => compileResolved(p, s, r, o.workers, device !== undefined)),
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

const deviceIds = new WeakMap<GPUDevice, number>();
let nextDeviceId = 1;

/** The cached kernel for a resolved backend (failures are not cached); `callersDevice` when the device is the caller's. */
export function kernelFor(
  pipeline: Pipeline,
  shape: KernelShape,
  backend: Resolved,
  workers?: number,
  callersDevice = false,
): Promise<E.Either<FreqaugError, Kernel>> {
  if (backend.kind === "cpu") return Promise.resolve(E.right(new CpuKernel(pipeline, shape, workers)));
  const ctx = backend.ctx;
  let id = 0;
  if (callersDevice) {
    id = deviceIds.get(ctx.device) ?? nextDeviceId++;
    deviceIds.set(ctx.device, id);
  }
  const key = `${JSON.stringify(pipeline)}|${shape.channels}x${shape.height}x${shape.width}|${id}`;
  const made = kernels.get(key, () => compileResolved(pipeline, shape, backend, undefined, callersDevice)());
  return made.then((e) => {
    if (E.isLeft(e)) {
      kernels.delete(key);
      return e;
    }
    if (ctx.lost) return E.left(gpuError("a device that is not lost", ctx.lost));
    if ((e.right as WebGpuKernel).gpu.ctx !== ctx) {
      // Compiled on a device since lost: compile again on the current one.
      kernels.delete(key);
      return kernelFor(pipeline, shape, backend, workers, callersDevice);
    }
    return e;
  });
}
