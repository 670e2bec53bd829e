/**
 * Property-testing kit: fast-check arbitraries and the laws of the ops.
 * Re-exported from `src/testing` as the package's `./testing` entry.
 *
 * @example
 * ```ts
 * import { arbPipeline, specRoundTrips } from "@freqaug/freqaug/testing";
 * ```
 *
 * @module
 */
export * from "./src/testing/mod.ts";
