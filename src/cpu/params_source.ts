/**
 * Where a CPU run's per-image parameters come from: given (replayed, or
 * drawn already), or drawn from a seed by whichever thread runs the image.
 * Drawing is counter-based (sample n depends only on the seed and n), so a
 * thread drawing its own images' parameters gets exactly what one draw of
 * the whole batch gives, and workers need not be sent thousands of small
 * parameter objects.
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";

/** Parameters drawn from `seed` for images `offset ..` of a batch of height × width images. */
export interface SeededParams {
  readonly seed: number;
  readonly offset: number;
  readonly height: number;
  readonly width: number;
}

/** The parameters of a run: one entry per image, or where to draw them. */
export type ParamSource = readonly SampleParams[] | SeededParams;

/** The parameters of images `a .. b - 1`. */
export function paramsFor(pipeline: Pipeline, source: ParamSource, a: number, b: number): readonly SampleParams[] {
  if (Array.isArray(source)) return source.slice(a, b);
  const { seed, offset, height, width } = source as SeededParams;
  return sampleParams(pipeline, { seed, count: b - a, offset: offset + a, height, width });
}
