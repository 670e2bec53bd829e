/**
 * The CPU interpreter of a pipeline: runs every stage on a range of images,
 * in place, in float64 arithmetic; its scratch (per thread) is one channel's spectrum,
 * the column FFTs' work space of the same size and the multiplier: about one
 * 3-channel image's spectrum in all.
 *
 * @module
 */

import type { Stage } from "../dsl/stages.ts";
import type { SpatialOp } from "../dsl/types.ts";
import { Lru } from "../math/lru.ts";
import { planRfft2, type RealArray } from "../math/rfft2.ts";
import type { SampleParams } from "../params/types.ts";
import { Multiplier } from "./multiplier.ts";

/** Shape of a planar NCHW batch. */
export interface Dims {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

// Multiplier scratch of the image sizes met most recently.
const multipliers = new Lru<Multiplier>(4);

function spatial(
  op: SpatialOp,
  data: RealArray,
  base: number,
  dims: Dims,
): void {
  const plane = dims.height * dims.width;
  if (op.op === "clamp") {
    const lo = op.min, hi = op.max, end = base + dims.channels * plane;
    for (let i = base; i < end; i++) {
      const x = data[i];
      // Written so that NaN (which finite input and an accepted spec never make) becomes min.
      data[i] = x >= lo ? (x <= hi ? x : hi) : lo;
    }
    return;
  }
  for (let c = 0; c < dims.channels; c++) {
    const j = op.mean.length === 1 ? 0 : c;
    const m = op.mean[j], sd = op.std[j], s = base + c * plane;
    for (let i = s; i < s + plane; i++) data[i] = (data[i] - m) / sd;
  }
}

/**
 * Runs `stages` in place on images `first .. first + count - 1` of `data`,
 * where `params[i]` are the parameters of image `first + i`.
 */
export function runImages(
  stages: readonly Stage[],
  params: readonly SampleParams[],
  data: RealArray,
  first: number,
  count: number,
  dims: Dims,
): void {
  const { channels: C, height: H, width: W } = dims;
  const plane = H * W;
  const rf = planRfft2(H, W);
  const mult = multipliers.get(`${H}x${W}`, () => new Multiplier(H, W));
  for (let s = 0; s < count; s++) {
    const base = (first + s) * C * plane;
    for (const stage of stages) {
      if (stage.kind === "spatial") {
        for (const { op } of stage.ops) spatial(op, data, base, dims);
        continue;
      }
      if (!mult.build(stage, params[s])) continue;
      const mi = mult.complex ? mult.im : null;
      for (let c = 0; c < C; c++) {
        rf.forwardRows(data, base + c * plane);
        rf.filterColumns(mult.re, mi);
        rf.inverseRows(data, base + c * plane);
      }
    }
  }
}
