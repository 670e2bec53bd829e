/**
 * The CPU backend's worker, as an entry of its own: where the library is
 * bundled for a page, bundle this module as a separate file and name that
 * file with `setCpuWorkerModule` before the first batch. As a worker's module
 * it answers the CPU backend's jobs at once; imported on a main thread it
 * does nothing.
 *
 * @example
 * ```ts
 * // In the page (its bundle put this entry beside it as worker.js):
 * import { setCpuWorkerModule } from "@freqaug/freqaug";
 * setCpuWorkerModule(new URL("./worker.js", import.meta.url));
 * ```
 *
 * @module
 */

export { inWorkerScope, startCpuWorker } from "./src/cpu/worker.ts";
