/**
 * The CPU backend: pure TypeScript, float64 arithmetic, both cores through
 * workers when the batch is large enough, one thread otherwise.
 *
 * Memory: the output, one chunk in flight per worker slot, and each thread's
 * scratch of about one image's spectrum (see kernel.ts) — never a copy of the batch per op.
 *
 * @module
 */

import { outputShape, stagesOf } from "../dsl/stages.ts";
import type { Pipeline } from "../dsl/types.ts";
import type { SampleParams } from "../params/types.ts";
import { type Dims, runImages } from "./kernel.ts";
import { allocOut, FLOAT_IO, type InArray, type Io, type OutArray, type OutKind } from "./io.ts";
import { hardwareThreads, hold, runJob, workersAvailable } from "./pool.ts";

/** Below this many values in a batch, workers cost more than they save. */
const WORKER_THRESHOLD = 1 << 18;

/** Options of {@link runCpu}. */
export interface CpuOptions {
  /** Worker threads: 0 or 1 runs on the calling thread; default: one per core, when worth it. */
  readonly workers?: number;
  /** How the input is read and the output written (default: float NCHW both). */
  readonly io?: Io;
  /** The result's array kind (default: the input's, float32 for bytes). */
  readonly out?: OutKind;
}

/** How many workers a batch will use. */
export function workerCount(
  count: number,
  valuesPerImage: number,
  requested?: number,
): number {
  const want = requested ??
    (count * valuesPerImage >= WORKER_THRESHOLD ? hardwareThreads() : 0);
  const n = Math.min(want, count, 16);
  return n >= 2 && workersAvailable() ? n : 0;
}

/**
 * Runs a validated pipeline on a validated batch with its parameters, and
 * returns a new array of the output's shape (see `outputShape`): of the
 * same type as `data` unless `options.out` says otherwise. `dims` are the
 * channels the pipeline runs on (3 for RGBA bytes).
 */
export async function runCpu(
  pipeline: Pipeline,
  data: InArray,
  count: number,
  dims: Dims,
  params: readonly SampleParams[],
  options: CpuOptions = {},
): Promise<OutArray> {
  const io = options.io ?? FLOAT_IO;
  const plane = dims.height * dims.width;
  const per = io.inBytes ? io.inBytes * plane : dims.channels * plane;
  const outDims = outputShape(pipeline, dims);
  const outPlane = outDims.height * outDims.width;
  const outPer = io.outBytes ? io.outBytes * outPlane : outDims.channels * outPlane;
  const stages = stagesOf(pipeline);
  const kind = options.out ?? (data instanceof Float64Array ? "f64" : "f32");
  const out = allocOut(kind, count * outPer);
  const workers = workerCount(count, Math.max(dims.channels * plane, outDims.channels * outPlane), options.workers);
  const local = (a: number, b: number) => {
    runImages(stages, params.slice(a, b), data, a, b - a, dims, out, a, outDims, io);
  };
  if (workers === 0) {
    local(0, count);
    return out;
  }
  // Chunks of about 4 per worker, at most ~1 MiB (but at least one image); two in flight per worker.
  const chunk = Math.max(
    1,
    Math.min(
      Math.ceil(count / (workers * 4)),
      Math.floor((1 << 20) / (Math.max(per, outPer) * 8)) || 1,
    ),
  );
  const release = hold();
  try {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const a = next, b = Math.min(count, a + chunk);
        next = b;
        const slice = data.slice(a * per, b * per);
        try {
          const done = await runJob({
            pipeline,
            params: params.slice(a, b),
            data: slice,
            dims,
            outDims,
            io,
            out: kind,
          }, workers);
          out.set(done, a * outPer);
        } catch {
          // A worker that fails leaves the pool unusable; finish this chunk here.
          local(a, b);
        }
      }
    };
    await Promise.all(Array.from({ length: workers * 2 }, lane));
  } finally {
    release();
  }
  return out;
}
