/**
 * A small pool of module workers for the CPU backend, and the shared memory
 * its batches run in. Workers start on first use and are ended after a short
 * idle time, so that a script using freqaug exits by itself;
 * {@link releaseWorkers} ends them at once. The shared buffers are kept
 * between batches while the workers live, and go with them.
 *
 * Two kinds of job: a shared batch (input and output in `SharedArrayBuffer`s;
 * each worker takes image ranges from a counter in shared memory until none
 * are left, and says so after each range), and, where memory cannot be
 * shared, a chunk whose images travel to the worker and back (transferred).
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import type { InArray, Io, OutArray, OutKind } from "./io.ts";
import type { ParamSource } from "./params_source.ts";
import type { SampleParams } from "../params/types.ts";
import type { Dims } from "./kernel.ts";

/** A chunk of images that travels to a worker and back. */
export interface ChunkJob {
  readonly kind: "chunk";
  readonly pipeline: Pipeline;
  /** The chunk's own parameters, one per image. */
  readonly params: readonly SampleParams[];
  readonly data: InArray;
  /** Shape of the input images (the channels the pipeline runs on). */
  readonly dims: Dims;
  /** Shape of the output images. */
  readonly outDims: Dims;
  /** How the input is read and the output written. */
  readonly io: Io;
  /** The output's array kind. */
  readonly out: OutKind;
}

/**
 * A batch in shared memory. Image ranges are claimed from `control` (see
 * {@link NEXT} and {@link CLAIMS}): a claim of `step` images starting at
 * `Atomics.add(control, NEXT, step)`; claim `a / step` is marked
 * {@link WORKER_DONE} once its images are in `dst`.
 */
export interface SharedJob {
  readonly kind: "shared";
  readonly pipeline: Pipeline;
  /** The parameters of every image of the batch, or the seed they are drawn from. */
  readonly params: ParamSource;
  /** The batch, image 0 first, on a `SharedArrayBuffer`. */
  readonly src: InArray;
  /** The output, image 0 first, on a `SharedArrayBuffer`. */
  readonly dst: OutArray;
  /** The claim counter and the state of each claim, on a `SharedArrayBuffer`. */
  readonly control: Int32Array;
  readonly count: number;
  /** Images per claim. */
  readonly step: number;
  readonly dims: Dims;
  readonly outDims: Dims;
  readonly io: Io;
}

/** A message to a worker. */
export type Job = (ChunkJob | SharedJob) & { readonly id: number };

/**
 * A worker's answer: a chunk's result, a claim finished, the end of its share
 * of a batch, why it failed, or (once, when it starts) that it answers jobs.
 */
export type JobResult =
  | { readonly id: number; readonly kind: "chunk"; readonly data: OutArray }
  | { readonly id: number; readonly kind: "progress" }
  | { readonly id: number; readonly kind: "done" }
  | { readonly id: number; readonly kind: "error"; readonly error: string }
  | { readonly id: 0; readonly kind: "ready" };

/** `control[NEXT]`: the first image not claimed yet (it grows past the count when all are). */
export const NEXT = 0;
/** `control[CLAIMS + a / step]`: the state of the claim of images `a ..`: 0 (not done), {@link WORKER_DONE}, {@link IN_RESULT}. */
export const CLAIMS = 1;
/** A claim whose images a worker has written to the shared output. */
export const WORKER_DONE = 1;
/** A claim whose images are in the caller's result. */
export const IN_RESULT = 2;

const IDLE_MS = 300;
const WORKER_URL = new URL("./worker.ts", import.meta.url);

interface Slot {
  readonly worker: Worker;
  busy: number;
  /** Until the worker says it answers jobs: ends the pool if it never does. */
  startTimer?: ReturnType<typeof setTimeout>;
}

/**
 * How long a new worker may take to say it answers jobs. A module that loads
 * but never answers (a bundle's main file named as the worker) would otherwise
 * leave its batch waiting for ever.
 */
export const START_MS = 30_000;
let startMs = START_MS;

interface Pending {
  readonly slot: Slot;
  readonly resolve: (r: JobResult) => void;
  readonly reject: (e: Error) => void;
  readonly progress?: () => void;
}

let slots: Slot[] = [];
let broken = false;
let failure: string | null = null;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let active = 0;
let nextId = 1;
let workerUrl: URL = WORKER_URL;
let sharedSwitch = true;
const pending = new Map<number, Pending>();

/** Cores available to this process. */
export function hardwareThreads(): number {
  const n = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}

/** Whether workers can be started here: the runtime has them and (in Deno) may read their module. */
export function workersAvailable(): boolean {
  if (broken || typeof Worker === "undefined") return false;
  const deno = (globalThis as {
    Deno?: {
      permissions?: { querySync?: (d: unknown) => { state: string } };
    };
  }).Deno;
  if (deno?.permissions?.querySync && workerUrl.protocol === "file:") {
    try {
      return deno.permissions.querySync({ name: "read", path: workerUrl })
        .state === "granted";
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Whether batches can go to workers in shared memory: the runtime has
 * `SharedArrayBuffer` (Deno, Bun; a browser only when cross-origin isolated,
 * as `crossOriginIsolated` says) and it is not switched off.
 */
export function sharedMemoryAvailable(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return sharedSwitch && typeof SharedArrayBuffer === "function" && typeof Atomics === "object" &&
    g.crossOriginIsolated !== false;
}

/**
 * Internal, for tests and benchmarks. `shared: false` makes batches travel
 * to the workers and back (the path of runtimes without shared memory),
 * `true` restores the default. `workerUrl` ends the workers and has new ones
 * run that module instead (`undefined`: the real one again), and clears a
 * failure of the pool. `startMs`: how long a new worker may take to say it
 * answers jobs (default {@link START_MS}).
 */
export function configurePool(options: { shared?: boolean; workerUrl?: URL; startMs?: number }): void {
  if (options.shared !== undefined) sharedSwitch = options.shared;
  if (options.startMs !== undefined) startMs = options.startMs;
  if ("workerUrl" in options) {
    releaseWorkers();
    broken = false;
    failure = null;
    workerUrl = options.workerUrl ?? WORKER_URL;
  }
}

/** The worker module's address. */
export function workerModule(): string {
  return workerUrl.href;
}

/** Why the pool failed (null while it has not). */
export function poolFailure(): string | null {
  return failure;
}

/** Workers running now. */
export function runningWorkers(): number {
  return slots.length;
}

/** Whether the pool failed earlier (a worker died): no more batches go to workers in this process. */
export function poolBroken(): boolean {
  return broken;
}

function failAll(message: string): void {
  if (!broken) {
    // One line, no colours: a runtime's report of a worker's error can be a page of text.
    // deno-lint-ignore no-control-regex
    const line = message.replace(/\x1b\[[0-9;]*m/g, "").split("\n")[0].trim();
    failure = line.length > 300 ? `${line.slice(0, 297)}...` : line;
    // Batches go on, on the calling thread: said once, so a slower run is never a silent one.
    console.warn(`freqaug: ${failure}; CPU batches run on the calling thread from now on`);
  }
  broken = true;
  for (const [, p] of pending) p.reject(new Error(message));
  pending.clear();
  releaseWorkers();
}

function ensure(n: number): Slot[] {
  if (idleTimer !== undefined) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
  while (slots.length < n) {
    const worker = new Worker(workerUrl.href, { type: "module" });
    const slot: Slot = { worker, busy: 0 };
    slot.startTimer = setTimeout(
      () => failAll(`the CPU worker module ${workerUrl.href} loaded but did not answer within ${startMs / 1000} s`),
      startMs,
    );
    worker.onmessage = (e: MessageEvent<JobResult>) => {
      const r = e.data;
      if (r.kind === "ready") {
        clearTimeout(slot.startTimer);
        slot.startTimer = undefined;
        return;
      }
      const p = pending.get(r.id);
      if (!p) return;
      if (r.kind === "progress") {
        p.progress?.();
        return;
      }
      pending.delete(r.id);
      p.slot.busy--;
      if (r.kind === "error") p.reject(new Error(r.error));
      else p.resolve(r);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      // A module that cannot be fetched or parsed (a bundle without its worker file) gives no message.
      failAll(e.message ? `a CPU worker failed: ${e.message}` : `the CPU worker module ${workerUrl.href} did not load`);
    };
    worker.onmessageerror = () => failAll("a CPU worker's answer could not be read");
    slots.push(slot);
  }
  return slots;
}

function post(slot: Slot, job: Job, transfer: Transferable[], progress?: () => void): Promise<JobResult> {
  slot.busy++;
  return new Promise<JobResult>((resolve, reject) => {
    pending.set(job.id, { slot, resolve, reject, progress });
    try {
      slot.worker.postMessage(job, transfer);
    } catch (e) {
      pending.delete(job.id);
      slot.busy--;
      reject(e as Error);
    }
  });
}

/**
 * Runs a chunk on the least busy of `workers` workers; resolves with the
 * transformed chunk. `job.data` is transferred: the caller loses it.
 */
export async function runJob(job: Omit<ChunkJob, "kind">, workers: number): Promise<OutArray> {
  if (broken) throw new Error("the CPU worker pool failed earlier");
  const pool = ensure(workers).slice(0, workers);
  const slot = pool.reduce((a, b) => (b.busy < a.busy ? b : a));
  const r = await post(slot, { ...job, kind: "chunk", id: nextId++ }, [job.data.buffer as ArrayBuffer]);
  if (r.kind !== "chunk") throw new Error(`CPU worker answered ${r.kind} to a chunk`);
  return r.data;
}

/**
 * Hands a shared batch to each of `workers` workers. One promise per worker:
 * it resolves when that worker finds no claim left, and rejects when the
 * worker fails (the claim it held stays not done). `progress` is called
 * after each claim a worker finishes.
 */
export function runShared(job: Omit<SharedJob, "kind">, workers: number, progress: () => void): Promise<void>[] {
  if (broken) return [Promise.reject(new Error("the CPU worker pool failed earlier"))];
  return ensure(workers).slice(0, workers).map((slot) =>
    post(slot, { ...job, kind: "shared", id: nextId++ }, [], progress).then(() => {})
  );
}

/** Marks the start and end of a use of the pool, so idle workers can be ended. */
export function hold(): () => void {
  active++;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    active--;
    if (active === 0 && slots.length) {
      idleTimer = setTimeout(() => {
        idleTimer = undefined;
        if (active === 0) releaseWorkers();
      }, IDLE_MS);
    }
  };
}

/** The shared buffers of a batch, each grown as needed and reused by later batches. */
export interface Arena {
  /** For the batch's copy (null when the caller's batches were shared already). */
  readonly input: SharedArrayBuffer | null;
  readonly output: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  /** The pool's generation when it was handed out: workers ended since may still write to it. */
  readonly generation: number;
}

interface Kept {
  readonly input: SharedArrayBuffer | null;
  readonly output: SharedArrayBuffer | null;
  readonly control: SharedArrayBuffer | null;
}

let kept: Kept | null = null;
let generation = 0;

function fit(b: SharedArrayBuffer | null | undefined, bytes: number): SharedArrayBuffer | null {
  return b && b.byteLength >= bytes ? b : bytes > 0 ? new SharedArrayBuffer(bytes) : null;
}

/**
 * Shared buffers of at least these sizes in bytes: the kept ones where large
 * enough, else new ones (a `RangeError` when the runtime cannot allocate
 * them). Give them back with {@link returnArena}.
 */
export function takeArena(inputBytes: number, outputBytes: number, controlBytes: number): Arena {
  const old = kept;
  kept = null;
  return {
    input: fit(old?.input, inputBytes),
    output: fit(old?.output, Math.max(outputBytes, 1))!,
    control: fit(old?.control, Math.max(controlBytes, 4))!,
    generation,
  };
}

/**
 * Keeps an arena's buffers of at most `keepBytes` bytes each for the next
 * batch (of two batches that ran at once, the larger buffers). An arena
 * handed out before the workers were ended is dropped: an ending worker may
 * still write to it.
 */
export function returnArena(a: Arena, keepBytes: number): void {
  if (a.generation !== generation) return;
  const pick = (mine: SharedArrayBuffer | null, other: SharedArrayBuffer | null | undefined) => {
    const m = mine && mine.byteLength <= keepBytes ? mine : null;
    return !other || (m && m.byteLength >= other.byteLength) ? m : other;
  };
  kept = {
    input: pick(a.input, kept?.input),
    output: pick(a.output, kept?.output),
    control: pick(a.control, kept?.control),
  };
}

/** Bytes of shared memory kept for the next batch now (for tests). */
export function keptSharedBytes(): number {
  return (kept?.input?.byteLength ?? 0) + (kept?.output?.byteLength ?? 0) + (kept?.control?.byteLength ?? 0);
}

/**
 * Ends the CPU backend's worker threads now (they also end by themselves
 * shortly after the last call), and drops the shared memory kept for them.
 * Safe to call at any time: a batch running on them finishes on the calling
 * thread.
 *
 * @example
 * ```ts
 * import { releaseWorkers } from "@freqaug/freqaug";
 * releaseWorkers();
 * ```
 */
export function releaseWorkers(): void {
  if (idleTimer !== undefined) {
    clearTimeout(idleTimer);
    idleTimer = undefined;
  }
  const ended = [...pending.values()];
  pending.clear();
  for (const s of slots) {
    clearTimeout(s.startTimer);
    s.worker.terminate();
  }
  slots = [];
  kept = null;
  generation++;
  for (const p of ended) p.reject(new Error("the CPU workers were released"));
}
