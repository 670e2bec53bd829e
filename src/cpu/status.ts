/**
 * Where the CPU backend's workers come from and how they are doing: the
 * worker module's address (a bundle for a browser names its own file), and
 * a status that says whether batches reach the workers, travel in shared
 * memory, or run on the calling thread because the workers failed.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import type { Either } from "../errors/either.ts";
import { fail, type FreqaugError, orThrow } from "../errors/error.ts";
import { cpuRunStats } from "./backend.ts";
import {
  configurePool,
  poolFailure,
  runningWorkers,
  sharedMemoryAvailable,
  workerModule,
  workersAvailable,
} from "./pool.ts";
import { kernelsActive } from "../wasm/kernels.ts";

/** How the CPU backend's threads are doing. */
export interface CpuWorkerStatus {
  /** The address of the module new workers run. */
  readonly module: string;
  /**
   * Whether batches can go to workers: the runtime has workers, Deno may read
   * their module, and they have not failed.
   */
  readonly available: boolean;
  /** Workers running now (they end after a short idle time, and start again on the next batch). */
  readonly running: number;
  /** Whether batches reach the workers in shared memory (a browser: only when cross-origin isolated). */
  readonly sharedMemory: boolean;
  /** Why the workers failed (batches run on the calling thread since), or null. */
  readonly failure: string | null;
  /** Whether the WebAssembly SIMD kernels run the CPU backend's transforms (else its TypeScript path). */
  readonly kernels: boolean;
  /** The last CPU batch: how it ran, on how many threads (the calling thread among them), and workers' images. */
  readonly lastBatch: {
    readonly path: "calling thread" | "shared" | "transfer";
    readonly threads: number;
    readonly workerImages: number;
  };
}

/**
 * How the CPU backend's threads are doing: which module workers run,
 * whether batches reach them (and in shared memory), why they failed if
 * they did, and how the last batch ran. A failure is also said once with
 * `console.warn`; batches then run on the calling thread.
 *
 * @example
 * ```ts
 * import { cpuWorkerStatus } from "@freqaug/freqaug";
 * const s = cpuWorkerStatus();
 * if (s.failure) console.log(`CPU workers failed: ${s.failure}`);
 * ```
 */
export function cpuWorkerStatus(): CpuWorkerStatus {
  const last = cpuRunStats();
  return {
    module: workerModule(),
    available: workersAvailable(),
    running: runningWorkers(),
    sharedMemory: sharedMemoryAvailable(),
    failure: poolFailure(),
    kernels: kernelsActive(),
    lastBatch: { path: last.path, threads: last.threads, workerImages: last.workerImages },
  };
}

/**
 * {@link setCpuWorkerModule} as an Either: a Left `FreqaugError` for an
 * address that is not a URL.
 *
 * @example
 * ```ts
 * import { setCpuWorkerModuleEither } from "@freqaug/freqaug";
 * const r = setCpuWorkerModuleEither("not a url"); // Left: url
 * ```
 */
export function setCpuWorkerModuleEither(
  url: string | URL | undefined,
  base?: string | URL,
): Either<FreqaugError, void> {
  let u: URL | undefined;
  if (url !== undefined) {
    try {
      u = new URL(url, base);
    } catch {
      return fail("input", "url", url, "an absolute URL, or a relative one with a base");
    }
  }
  configurePool({ workerUrl: u });
  return E.right(undefined);
}

/**
 * Where CPU workers load their module from. Where the library is bundled (a
 * browser page), bundle `@freqaug/freqaug/worker` as a file of its own and
 * name it here before the first batch; `undefined` restores the library's
 * own `src/cpu/worker.ts`. Ends the running workers and clears an earlier
 * failure. Throws `FreqaugError` for an address that is not a URL.
 *
 * @example
 * ```ts
 * import { setCpuWorkerModule } from "@freqaug/freqaug";
 * // In a page whose bundle put the worker beside it as worker.js:
 * // setCpuWorkerModule(new URL("./worker.js", import.meta.url));
 * setCpuWorkerModule(undefined); // the library's own module again
 * ```
 */
export function setCpuWorkerModule(url: string | URL | undefined, base?: string | URL): void {
  orThrow(setCpuWorkerModuleEither(url, base));
}
