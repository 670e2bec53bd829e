/**
 * The CPU interpreter of a pipeline: runs every stage on a range of images in
 * float64, one image at a time in a work buffer (so a value is rounded to the
 * output's type once, at the end). Its scratch (per thread) is two work
 * buffers of the largest image shape the pipeline passes through, one
 * channel's spectrum, the column FFTs' work space and the multiplier: about
 * two images in all.
 *
 * @module
 */

import { type Stage, stagesOf } from "../dsl/stages.ts";
import type { Op } from "../dsl/types.ts";
import { Lru } from "../math/lru.ts";
import { planRfft2, type RealArray } from "../math/rfft2.ts";
import type { WorkImage, Workspace } from "../ops/module.ts";
import { moduleOf } from "../ops/registry.ts";
import type { SampleParams } from "../params/types.ts";
import { Multiplier } from "./multiplier.ts";
import { FLOAT_IO, type InArray, type Io, loadBytes, type OutArray, storeBytes } from "./io.ts";

/** Shape of a planar NCHW batch. */
export interface Dims {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

// Multiplier scratch of the image sizes met most recently.
const multipliers = new Lru<Multiplier>(4);

/** Two float64 buffers that ops take turns in. */
class Buffers implements Workspace {
  private a = new Float64Array(0);
  private b = new Float64Array(0);
  /** The buffer the image is in now. */
  current: Float64Array = this.a;

  /** The first buffer, of at least n values, made current. */
  start(n: number): Float64Array {
    if (this.a.length < n) this.a = new Float64Array(n);
    return this.current = this.a;
  }

  spare(n: number): Float64Array {
    const other = this.current === this.a ? "b" : "a";
    if (this[other].length < n) this[other] = new Float64Array(Math.max(n, this.current.length));
    return this[other];
  }

  run(ops: readonly unknown[], params: readonly unknown[], img: WorkImage): WorkImage {
    return runStages(stagesOf({ version: 1, ops: ops as Op[] }), params as SampleParams, img);
  }
}

const buffers = new Buffers();

/** Runs the stages of one sample (its params) on an image in the work buffers; returns the result. */
function runStages(stages: readonly Stage[], params: SampleParams, img: WorkImage): WorkImage {
  for (const stage of stages) {
    if (stage.kind === "spatial") {
      for (const { index, op } of stage.ops) {
        buffers.current = img.data;
        img = moduleOf(op).apply!(op, params[index], img, buffers);
      }
      continue;
    }
    const { channels: C, height: H, width: W } = img;
    const mult = multipliers.get(`${H}x${W}`, () => new Multiplier(H, W));
    if (!mult.build(stage, params)) continue;
    const rf = planRfft2(H, W);
    const mi = mult.complex ? mult.im : null;
    const plane = H * W;
    for (let c = 0; c < C; c++) {
      rf.forwardRows(img.data, c * plane);
      rf.filterColumns(mult.re, mi);
      rf.inverseRows(img.data, c * plane);
    }
  }
  return img;
}

/**
 * Runs `stages` on images `first .. first + count - 1` of `src` (of shape
 * `dims`) and writes each result to `dst` at image `dstFirst + i` (of shape
 * `outDims`), where `params[i]` are the parameters of image `first + i`.
 * `src` and `dst` may be the same array when the shapes are equal. With
 * `io`, `src` holds NHWC bytes (`io.inBytes` per pixel, `dims.channels` of
 * them run) and/or `dst` takes NHWC bytes (`io.outBytes` per pixel).
 */
export function runImages(
  stages: readonly Stage[],
  params: readonly SampleParams[],
  src: InArray,
  first: number,
  count: number,
  dims: Dims,
  dst: OutArray = src as RealArray,
  dstFirst: number = first,
  outDims: Dims = dims,
  io: Io = FLOAT_IO,
): void {
  const C = dims.channels, plane = dims.height * dims.width;
  const outPlane = outDims.height * outDims.width;
  const per = C * plane;
  const inPer = io.inBytes ? io.inBytes * plane : per;
  const outPer = io.outBytes ? io.outBytes * outPlane : outDims.channels * outPlane;
  // Alpha bytes ride along when the image keeps its size.
  const alpha = io.inBytes === io.outBytes && io.outBytes > C && dims.height === outDims.height &&
      dims.width === outDims.width
    ? src as Uint8Array
    : null;
  for (let s = 0; s < count; s++) {
    const base = (first + s) * inPer;
    const data = buffers.start(per);
    if (io.inBytes) loadBytes(src as Uint8Array, base, io.inBytes, C, plane, data);
    else for (let i = 0; i < per; i++) data[i] = src[base + i];
    const img = runStages(stages, params[s], {
      data,
      channels: C,
      height: dims.height,
      width: dims.width,
    });
    const out = (dstFirst + s) * outPer, d = img.data;
    if (io.outBytes) storeBytes(d, outDims.channels, outPlane, dst as Uint8Array, out, io.outBytes, alpha, base);
    else for (let i = 0; i < outPer; i++) dst[out + i] = d[i];
  }
}
