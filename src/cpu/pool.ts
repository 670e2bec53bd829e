/**
 * A small pool of module workers for the CPU backend. Workers start on first
 * use and are ended after a short idle time, so that a script using freqaug
 * exits by itself; {@link releaseWorkers} ends them at once.
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import type { InArray, Io, OutArray, OutKind } from "./io.ts";
import type { SampleParams } from "../params/types.ts";
import type { Dims } from "./kernel.ts";

/** A chunk of images for a worker. */
export interface Job {
  readonly id: number;
  readonly pipeline: Pipeline;
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

/** A worker's answer. */
export interface JobResult {
  readonly id: number;
  readonly data: OutArray;
  readonly error?: string;
}

const IDLE_MS = 300;
const WORKER_URL = new URL("./worker.ts", import.meta.url);

interface Slot {
  readonly worker: Worker;
  busy: number;
}

let slots: Slot[] = [];
let broken = false;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let active = 0;
let nextId = 1;
const pending = new Map<
  number,
  { resolve: (d: OutArray) => void; reject: (e: Error) => void }
>();

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
  if (deno?.permissions?.querySync && WORKER_URL.protocol === "file:") {
    try {
      return deno.permissions.querySync({ name: "read", path: WORKER_URL })
        .state === "granted";
    } catch {
      return false;
    }
  }
  return true;
}

function failAll(message: string): void {
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
    const worker = new Worker(WORKER_URL.href, { type: "module" });
    worker.onmessage = (e: MessageEvent<JobResult>) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      const slot = slots.find((s) => s.worker === worker);
      if (slot) slot.busy--;
      if (e.data.error) p.reject(new Error(e.data.error));
      else p.resolve(e.data.data);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      failAll(`CPU worker failed: ${e.message}`);
    };
    slots.push({ worker, busy: 0 });
  }
  return slots;
}

/** Runs a job on the least busy worker; resolves with the transformed chunk. */
export function runJob(
  job: Omit<Job, "id">,
  workers: number,
): Promise<OutArray> {
  if (broken) return Promise.reject(new Error("the CPU worker pool failed earlier"));
  const pool = ensure(workers);
  const slot = pool.slice(0, workers).reduce((
    a,
    b,
  ) => (b.busy < a.busy ? b : a));
  const id = nextId++;
  slot.busy++;
  return new Promise<OutArray>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    try {
      slot.worker.postMessage({ ...job, id }, [job.data.buffer as ArrayBuffer]);
    } catch (e) {
      pending.delete(id);
      slot.busy--;
      reject(e as Error);
    }
  });
}

/** Marks the start and end of a use of the pool, so idle workers can be ended. */
export function hold(): () => void {
  active++;
  return () => {
    active--;
    if (active === 0 && slots.length) {
      idleTimer = setTimeout(() => {
        idleTimer = undefined;
        if (active === 0) releaseWorkers();
      }, IDLE_MS);
    }
  };
}

/**
 * Ends the CPU backend's worker threads now (they also end by themselves
 * shortly after the last call). Safe to call at any time.
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
  for (const s of slots) s.worker.terminate();
  slots = [];
}
