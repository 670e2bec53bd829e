/**
 * Worker entry of the CPU backend: runs image ranges of a batch in shared
 * memory until none are left, or a chunk of images it is sent and sends back.
 * Loaded as a worker's module it starts at once; imported anywhere else (a
 * page's main thread, a program listing the package's entries) it does
 * nothing until {@link startCpuWorker} is called. A page bundles it as a file
 * of its own and names that file with `setCpuWorkerModule`.
 *
 * @example
 * ```ts
 * // worker.ts of your own, bundled beside your page; setCpuWorkerModule(new URL("./worker.js", import.meta.url)).
 * import { startCpuWorker } from "@freqaug/freqaug/worker";
 * startCpuWorker(); // does nothing outside a worker, and nothing a second time
 * ```
 *
 * @module
 */

import { stagesOf } from "../dsl/stages.ts";
import { runImages } from "./kernel.ts";
import { type ChunkJob, CLAIMS, type Job, type JobResult, NEXT, type SharedJob, WORKER_DONE } from "./pool.ts";
import { allocOut } from "./io.ts";
import { NON_FINITE_MESSAGE, NonFiniteInput } from "./finite.ts";
import { paramsFor } from "./params_source.ts";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  onmessageerror: (() => void) | null;
  postMessage(message: JobResult, transfer: Transferable[]): void;
};

/** Takes claims of `job` until none are left; says "progress" after each but the last, then "done". */
function shared(job: SharedJob & { id: number }): void {
  const stages = stagesOf(job.pipeline);
  const { control, count, step } = job;
  let a = Atomics.add(control, NEXT, step);
  while (a < count) {
    const b = Math.min(count, a + step);
    const params = paramsFor(job.pipeline, job.params, a, b);
    runImages(stages, params, job.src, a, b - a, job.dims, job.dst, a, job.outDims, job.io);
    Atomics.store(control, CLAIMS + a / step, WORKER_DONE);
    a = Atomics.add(control, NEXT, step);
    // The last claim's news comes with "done", so the caller hears of the end in one message.
    if (a < count) scope.postMessage({ id: job.id, kind: "progress" }, []);
  }
  scope.postMessage({ id: job.id, kind: "done" }, []);
}

function chunk(job: ChunkJob & { id: number }): void {
  const n = job.params.length, o = job.outDims;
  const per = (job.io.outBytes || o.channels) * o.height * o.width;
  const out = allocOut(job.out, n * per);
  runImages(stagesOf(job.pipeline), job.params, job.data, 0, n, job.dims, out, 0, o, job.io);
  scope.postMessage({ id: job.id, kind: "chunk", data: out }, [out.buffer as ArrayBuffer]);
}

function onJob(e: MessageEvent<Job>): void {
  const job = e.data;
  try {
    if (job.kind === "shared") shared(job);
    else chunk(job);
  } catch (err) {
    // A non-finite input fails the whole batch: no thread takes another claim, and the calling thread raises it.
    const nonFinite = err instanceof NonFiniteInput;
    if (nonFinite && job.kind === "shared") Atomics.store(job.control, NEXT, job.count);
    const error = nonFinite ? NON_FINITE_MESSAGE : String((err as Error)?.stack ?? err);
    scope.postMessage({ id: job.id, kind: "error", error }, []);
  }
}

/**
 * Whether this code runs in a worker: a worker global scope (browsers, Deno),
 * or Bun off its main thread.
 */
export function inWorkerScope(): boolean {
  const g = globalThis as { WorkerGlobalScope?: abstract new () => unknown; Bun?: { isMainThread?: boolean } };
  if (typeof g.WorkerGlobalScope === "function") return globalThis instanceof g.WorkerGlobalScope;
  return typeof g.Bun?.isMainThread === "boolean" && !g.Bun.isMainThread;
}

let started = false;

/**
 * Makes this worker answer the CPU backend's jobs. Called by this module
 * itself when it is a worker's module; in a worker of your own that imports
 * it, the same. Does nothing outside a worker (it returns false) or a second
 * time.
 *
 * @example
 * ```ts
 * import { startCpuWorker } from "@freqaug/freqaug/worker";
 * const serving = startCpuWorker(); // false on a main thread
 * ```
 */
export function startCpuWorker(): boolean {
  if (started || !inWorkerScope()) return started;
  started = true;
  // A job that cannot be read has no id to answer: failing the worker hands its batch to the calling thread.
  scope.onmessageerror = () => {
    throw new Error("a CPU job could not be read");
  };
  scope.onmessage = onJob;
  // The pool ends workers that never say this (a module that loads but is not this one).
  scope.postMessage({ id: 0, kind: "ready" }, []);
  return true;
}

startCpuWorker();
