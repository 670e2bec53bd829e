/**
 * The CPU backend: pure TypeScript, float64 arithmetic, several threads
 * (the calling thread and workers) when the batch is large enough, the
 * calling thread alone otherwise.
 *
 * With shared memory (Deno, Bun, cross-origin isolated browsers) a batch is
 * copied once into a `SharedArrayBuffer` (not at all when it is on one
 * already), every thread takes ranges of images from a counter there until
 * none are left, and workers write their results to a shared output that the
 * calling thread copies into the result as each range is finished. The
 * calling thread computes its share in between (its event loop waits until
 * it has none left). The shared buffers are kept for the next batch while
 * the workers live. Without shared memory, chunks of images are transferred
 * to the workers and back, and the calling thread only hands them out.
 *
 * Memory: the result, the shared input and output (or one chunk in flight
 * per worker slot), and each thread's scratch of about one image's spectrum
 * (see kernel.ts) — never a copy of the batch per op.
 *
 * @module
 */

import { outputShape, type Stage, stagesOf } from "../dsl/stages.ts";
import type { Pipeline } from "../dsl/types.ts";
import { paramsFor, type ParamSource } from "./params_source.ts";
import { loadKernels } from "../wasm/kernels.ts";
import { type Dims, RETAINED_PIXELS, runImages } from "./kernel.ts";
import { NON_FINITE_MESSAGE, NonFiniteInput } from "./finite.ts";
import {
  allocOut,
  FLOAT_IO,
  type InArray,
  inView,
  type Io,
  OUT_BYTES,
  type OutArray,
  type OutKind,
  outView,
} from "./io.ts";
import {
  type Arena,
  CLAIMS,
  hardwareThreads,
  hold,
  IN_RESULT,
  NEXT,
  returnArena,
  runJob,
  runShared,
  sharedMemoryAvailable,
  takeArena,
  WORKER_DONE,
  workersAvailable,
} from "./pool.ts";

/** Below this many values in a batch, workers cost more than they save. */
const WORKER_THRESHOLD = 1 << 18;

/** About this many values per claim of images: one 224² RGB image is 150,528 (see {@link claimSize}). */
const CLAIM_VALUES = 1 << 16;

/**
 * Shared buffers of at most this many bytes are kept for the next batch (a
 * batch of 64 float32 RGB 384×384 images is 113 MB), and none after a batch of
 * images over the kernel's `RETAINED_PIXELS`: as the kernel's own scratch,
 * memory for a few large photos is not held between batches.
 */
const KEEP_BYTES = 256 * 2 ** 20;

/** Options of {@link runCpu}. */
export interface CpuOptions {
  /**
   * Threads, the calling thread among them: 0 or 1 runs on the calling
   * thread alone; default: one per core, when worth it.
   */
  readonly workers?: number;
  /** How the input is read and the output written (default: float NCHW both). */
  readonly io?: Io;
  /** The result's array kind (default: the input's, float32 for bytes). */
  readonly out?: OutKind;
}

/**
 * Internal switches, for tests and benchmarks: whether the calling thread
 * takes images too (else `workers` workers and a calling thread that only
 * copies results), and whether finished claims are copied into the result as
 * they come (else every thread writes to the shared output and it is copied
 * once at the end; see {@link inShared}). The calling thread takes images:
 * on 2 cores (bench/workers.ts, 64 RGB 224² float32 images, GMM / clamp alone,
 * img/s, two runs) the calling thread and one worker gave 682 / 1451 and
 * 687 / 1422, two workers 612 / 1332 and 646 / 1305 (and 184 / 197 ms of CPU
 * per GMM batch against 206 / 202); the first batch after the workers were
 * ended, 159 ms against 213 (the calling thread alone: 177).
 */
export const cpuTuning: { callerWorks: boolean; progressive: boolean } = { callerWorks: true, progressive: true };

/** What the last batch ran on (for tests and benchmarks). */
export interface CpuRunStats {
  /** The calling thread alone, a batch in shared memory, or chunks transferred to workers and back. */
  readonly path: "calling thread" | "shared" | "transfer";
  /** Threads asked for: the calling thread and the workers (1 for the calling thread alone). */
  readonly threads: number;
  /** Images per claim (shared) or per chunk (transfer). */
  readonly step: number;
  /** Images that workers computed. */
  readonly workerImages: number;
  /** Whether the batch was copied into shared memory (not when it was shared already). */
  readonly copiedInput: boolean;
}

let stats: CpuRunStats = { path: "calling thread", threads: 1, step: 0, workerImages: 0, copiedInput: false };

/** What the last batch ran on. */
export function cpuRunStats(): CpuRunStats {
  return stats;
}

/** How many threads (the calling thread and workers) a batch will use: 0 for the calling thread alone. */
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

/** Images per claim: about {@link CLAIM_VALUES} values, and at least 8 claims per thread. */
export function claimSize(count: number, valuesPerImage: number, threads: number): number {
  return Math.max(1, Math.min(Math.floor(CLAIM_VALUES / valuesPerImage), Math.floor(count / (threads * 8))));
}

/** One call's batch, its shapes and its result. */
interface Run {
  readonly pipeline: Pipeline;
  readonly stages: readonly Stage[];
  readonly params: ParamSource;
  readonly data: InArray;
  readonly count: number;
  readonly dims: Dims;
  readonly outDims: Dims;
  readonly io: Io;
  readonly kind: OutKind;
  /** Values per input image and per output image. */
  readonly per: number;
  readonly outPer: number;
  readonly out: OutArray;
}

/** Images `a .. b - 1` of `src` into the same images of `dst`, on the calling thread. */
function local(r: Run, a: number, b: number, src: InArray = r.data, dst: OutArray = r.out): void {
  runImages(r.stages, paramsFor(r.pipeline, r.params, a, b), src, a, b - a, r.dims, dst, a, r.outDims, r.io);
}

/** Copies images `a .. b - 1` of `from` (an array of the result's kind) into the result. */
function copyImages(r: Run, from: OutArray, a: number, b: number): void {
  (r.out as Float64Array).set(from.subarray(a * r.outPer, b * r.outPer) as Float64Array, a * r.outPer);
}

/**
 * Runs a validated pipeline on a validated batch with its parameters, and
 * returns a new array of the output's shape (see `outputShape`): of the
 * same type as `data` unless `options.out` says otherwise, on an ordinary
 * `ArrayBuffer`. `dims` are the channels the pipeline runs on (3 for RGBA bytes).
 * Seeded parameters are drawn by the thread that runs each image.
 */
export async function runCpu(
  pipeline: Pipeline,
  data: InArray,
  count: number,
  dims: Dims,
  params: ParamSource,
  options: CpuOptions = {},
): Promise<OutArray> {
  const io = options.io ?? FLOAT_IO;
  const plane = dims.height * dims.width;
  const per = io.inBytes ? io.inBytes * plane : dims.channels * plane;
  const outDims = outputShape(pipeline, dims);
  const outPlane = outDims.height * outDims.width;
  const outPer = io.outBytes ? io.outBytes * outPlane : outDims.channels * outPlane;
  const kind = options.out ?? (data instanceof Float64Array ? "f64" : "f32");
  const out = allocOut(kind, count * outPer);
  const r: Run = {
    pipeline,
    stages: stagesOf(pipeline),
    params,
    data,
    count,
    dims,
    outDims,
    io,
    kind,
    per,
    outPer,
    out,
  };
  // Where only asynchronous compilation is allowed (a browser's main thread), the kernels compile here once.
  await loadKernels();
  const values = Math.max(dims.channels * plane, outDims.channels * outPlane);
  const threads = workerCount(count, values, options.workers);
  if (threads === 0) {
    local(r, 0, count);
    stats = { path: "calling thread", threads: 1, step: count, workerImages: 0, copiedInput: false };
    return out;
  }
  const release = hold();
  try {
    const step = claimSize(count, values, threads);
    const arena = sharedMemoryAvailable() ? arenaFor(r, Math.ceil(count / step)) : null;
    if (arena) {
      const kept = Math.max(plane, outPlane) > RETAINED_PIXELS ? 0 : KEEP_BYTES;
      await inShared(r, arena, step, threads, cpuTuning.callerWorks).finally(() => returnArena(arena, kept));
    } else {
      await byTransfer(r, threads);
    }
  } finally {
    release();
  }
  return out;
}

/** Shared buffers for a run, or null when the runtime cannot allocate them (the batch then travels by transfer). */
function arenaFor(r: Run, claims: number): Arena | null {
  try {
    return takeArena(
      r.data.buffer instanceof SharedArrayBuffer ? 0 : r.count * r.per * r.data.BYTES_PER_ELEMENT,
      r.count * r.outPer * OUT_BYTES[r.kind],
      (CLAIMS + claims) * 4,
    );
  } catch {
    return null;
  }
}

/**
 * A batch in shared memory: `threads` threads (the calling thread one of
 * them when `callerWorks`, else `threads` workers) take claims of `step`
 * images until none are left.
 *
 * The result must be an ordinary `ArrayBuffer` (`crypto.subtle.digest`,
 * `new Blob([...])` and others refuse views of shared memory), so the
 * workers' images are copied into it once. Measured (bench/workers.ts, 2
 * cores, 64 RGB 224² float32 images; GMM / clamp alone, img/s, two runs):
 * copying each claim into the result as it is reported, while the others
 * still compute, with the calling thread writing its own images straight into
 * the result: 682 / 1451 and 687 / 1422; everyone writing to the shared output
 * and one copy at the end (`dst.slice()` costs the same): 607 / 1298 and 648 /
 * 1217 — that copy runs on one thread after the others finished, and a fresh
 * result's first write costs its page faults (~17 ms for 38 MB here) on top
 * of the copy (~3 ms).
 */
async function inShared(r: Run, arena: Arena, step: number, threads: number, callerWorks: boolean): Promise<void> {
  const { count, per, outPer, data } = r;
  const claims = Math.ceil(count / step);
  const src = data.buffer instanceof SharedArrayBuffer ? data : inView(data, arena.input!, count * per);
  if (src !== data) (src as Float64Array).set(data.subarray(0, count * per) as Float64Array);
  const dst = outView(r.kind, arena.output, count * outPer);
  const control = new Int32Array(arena.control, 0, CLAIMS + claims);
  control.fill(0);
  const progressive = cpuTuning.progressive;
  // Claims before `cursor` are in the result; `shared` images came from the shared output, `mine` are the caller's.
  let cursor = 0, shared = 0, mine = 0;
  const collect = (all: boolean) => {
    while (cursor < claims) {
      const state = Atomics.load(control, CLAIMS + cursor);
      if (state === IN_RESULT) {
        cursor++;
        continue;
      }
      if (state === WORKER_DONE) {
        let end = cursor + 1;
        while (end < claims && Atomics.load(control, CLAIMS + end) === WORKER_DONE) end++;
        const a = cursor * step, b = Math.min(count, end * step);
        copyImages(r, dst, a, b);
        shared += b - a;
        cursor = end;
        continue;
      }
      if (!all) return;
      // Claimed by a worker that failed (or by none: no worker could start): its images are computed here.
      local(r, cursor * step, Math.min(count, (cursor + 1) * step));
      cursor++;
    }
  };
  let settled: Promise<void>[];
  try {
    settled = runShared(
      {
        pipeline: r.pipeline,
        params: r.params,
        src,
        dst,
        control,
        count,
        step,
        dims: r.dims,
        outDims: r.outDims,
        io: r.io,
      },
      callerWorks ? threads - 1 : threads,
      () => progressive && collect(false),
    );
  } catch {
    settled = [];
  }
  // An error here (a non-finite input) stops the claims; the workers' claims are waited for, then it is thrown.
  let failure: { readonly error: unknown } | null = null;
  if (callerWorks) {
    try {
      for (let a = Atomics.add(control, NEXT, step); a < count; a = Atomics.add(control, NEXT, step)) {
        const b = Math.min(count, a + step);
        mine += b - a;
        if (progressive) {
          local(r, a, b);
          Atomics.store(control, CLAIMS + a / step, IN_RESULT);
          collect(false);
        } else {
          local(r, a, b, data, dst);
          Atomics.store(control, CLAIMS + a / step, WORKER_DONE);
        }
      }
    } catch (error) {
      failure = { error };
      Atomics.store(control, NEXT, count);
    }
  }
  const outcomes = await Promise.allSettled(settled);
  if (failure) throw failure.error;
  if (outcomes.some((o) => o.status === "rejected" && (o.reason as Error)?.message === NON_FINITE_MESSAGE)) {
    throw new NonFiniteInput();
  }
  collect(true);
  stats = {
    path: "shared",
    threads,
    step,
    workerImages: progressive ? shared : shared - mine,
    copiedInput: src !== data,
  };
}

/**
 * Without shared memory: chunks of images are transferred to `threads`
 * workers and back, a few per worker (at most ~1 MiB, at least one image),
 * two in flight per worker.
 */
async function byTransfer(r: Run, threads: number): Promise<void> {
  const { count, per, outPer } = r;
  const chunk = Math.max(
    1,
    Math.min(Math.ceil(count / (threads * 4)), Math.floor((1 << 20) / (Math.max(per, outPer) * 8)) || 1),
  );
  let next = 0, fromWorkers = 0;
  // Set in the lanes (so typed as read here, not as assigned above).
  let failure = null as { readonly error: unknown } | null;
  const lane = async () => {
    while (next < count) {
      const a = next, b = Math.min(count, a + chunk);
      next = b;
      try {
        let done: OutArray | null = null;
        try {
          done = await runJob({
            pipeline: r.pipeline,
            params: paramsFor(r.pipeline, r.params, a, b),
            data: r.data.slice(a * per, b * per),
            dims: r.dims,
            outDims: r.outDims,
            io: r.io,
            out: r.kind,
          }, threads);
        } catch (e) {
          if ((e as Error)?.message === NON_FINITE_MESSAGE) throw new NonFiniteInput();
        }
        if (done) {
          (r.out as Float64Array).set(done as Float64Array, a * outPer);
          fromWorkers += b - a;
        } else {
          // A worker that failed: this chunk is computed here.
          local(r, a, b);
        }
      } catch (error) {
        // The batch fails (a non-finite input): no more chunks go out, and it is thrown once all lanes stop.
        failure ??= { error };
        next = count;
      }
    }
  };
  await Promise.all(Array.from({ length: threads * 2 }, lane));
  if (failure) throw failure.error;
  stats = { path: "transfer", threads, step: chunk, workerImages: fromWorkers, copiedInput: false };
}
