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
import type { RealArray } from "../math/rfft2.ts";
import type { SampleParams } from "../params/types.ts";
import { type Dims, runImages } from "./kernel.ts";
import { hardwareThreads, hold, runJob, workersAvailable } from "./pool.ts";

/** Below this many values in a batch, workers cost more than they save. */
const WORKER_THRESHOLD = 1 << 18;

/** Options of {@link runCpu}. */
export interface CpuOptions {
  /** Worker threads: 0 or 1 runs on the calling thread; default: one per core, when worth it. */
  readonly workers?: number;
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
 * returns a new array of the same type as `data`, of the output's shape
 * (see `outputShape`).
 */
export async function runCpu(
  pipeline: Pipeline,
  data: RealArray,
  count: number,
  dims: Dims,
  params: readonly SampleParams[],
  options: CpuOptions = {},
): Promise<RealArray> {
  const per = dims.channels * dims.height * dims.width;
  const outDims = outputShape(pipeline, dims);
  const outPer = outDims.channels * outDims.height * outDims.width;
  const stages = stagesOf(pipeline);
  const out = data instanceof Float64Array ? new Float64Array(count * outPer) : new Float32Array(count * outPer);
  const workers = workerCount(count, Math.max(per, outPer), options.workers);
  const local = (a: number, b: number) => {
    runImages(stages, params.slice(a, b), data, a, b - a, dims, out, a, outDims);
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
