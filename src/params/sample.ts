/**
 * Drawing the parameters of each sample from a seed.
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import { shapesOf } from "../dsl/stages.ts";
import { moduleOf, type Op, type OpParams } from "../ops/registry.ts";
import { childIndex } from "../ops/module.ts";
import { scalarBits, scalarUnit, seedKey } from "./keys.ts";
import type { SampleParams } from "./types.ts";

export { dropGrid } from "../ops/random_frequency_mask/mod.ts";

/** What {@link sampleParams} needs besides the pipeline. */
export interface SampleOptions {
  /** Any safe integer. */
  readonly seed: number;
  /** Number of samples. */
  readonly count: number;
  /** Image height H (half-spectrum rows U = H). */
  readonly height: number;
  /** Image width W (half-spectrum columns V = floor(W/2) + 1). */
  readonly width: number;
  /** Index of the first sample; sample n of a dataset always gets the same draws. Default 0. */
  readonly offset?: number;
}

/**
 * The parameters of op `index` (its Philox op index) for sample `n`, by the
 * op's own module; `gate` false makes it not apply (a combinator's child that
 * its group did not choose). Inputs must be valid.
 */
export function sampleOp(
  op: Op,
  index: number,
  k0: number,
  k1: number,
  seed: number,
  n: number,
  height: number,
  width: number,
  gate = true,
): OpParams {
  const m = moduleOf(op);
  const bits = (j: number) => scalarBits(k0, k1, n, index, j);
  const unit = (j: number) => scalarUnit(k0, k1, n, index, j);
  const p = (op as { p?: number }).p;
  const applied = gate && (!m.random || p === undefined || p >= 1 || unit(0) < p);
  const child = (c: unknown, j: number, g: boolean) =>
    sampleOp(c as Op, childIndex(index, j), k0, k1, seed, n, height, width, g);
  return m.sample(op, { index, seed, sample: n, height, width, applied, bits, unit, child });
}

/**
 * Draws the parameters of samples `offset .. offset + count - 1`. Inputs must
 * already be valid (see the API's `sample`, which checks them).
 */
export function sampleParams(
  pipeline: Pipeline,
  options: SampleOptions,
): SampleParams[] {
  const { seed, count, height, width, offset = 0 } = options;
  const [k0, k1] = seedKey(seed);
  // Each op draws for the shape it sees (a randomResizedCrop before it changes it).
  const shapes = shapesOf(pipeline, { channels: 1, height, width });
  const out: SampleParams[] = [];
  for (let s = 0; s < count; s++) {
    const n = offset + s;
    out.push(
      pipeline.ops.map((op, index) => sampleOp(op, index, k0, k1, seed, n, shapes[index].height, shapes[index].width)),
    );
  }
  return out;
}
