/**
 * The CPU interpreter of a pipeline: runs every stage on a range of images in
 * float64, one image at a time in a work buffer (so a value is rounded to the
 * output's type once, at the end). Its scratch (per thread) is two work
 * buffers of the largest image shape the pipeline passes through, one
 * channel's spectrum, the column FFTs' work space and the multiplier: about
 * two images in all. A pipeline of frequency ops only (one stage, float in
 * and out) runs one channel at a time instead, in a work buffer of one
 * channel. Scratch of images over {@link RETAINED_PIXELS} pixels is not kept
 * after the call (a 4000×3000 photo's would hold ~500 MB between batches).
 *
 * @module
 */

import { keepsPixelPositions, type Stage, stagesOf } from "../dsl/stages.ts";
import type { Op } from "../dsl/types.ts";
import { Lru } from "../math/lru.ts";
import type { RealArray } from "../math/rfft2.ts";
import type { WorkImage, Workspace } from "../ops/module.ts";
import { moduleOf } from "../ops/registry.ts";
import type { SampleParams } from "../params/types.ts";
import { Multiplier } from "./multiplier.ts";
import { type PlaneFilter, planeFilter, STACKED_VALUES } from "./plane_filter.ts";
import { allFinite, NonFiniteInput } from "./finite.ts";
import { FLOAT_IO, type InArray, type Io, loadBytes, type OutArray, storeBytes } from "./io.ts";

/** Shape of a planar NCHW batch. */
export interface Dims {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** Images of at most this many pixels keep their scratch between calls (the last few sizes). */
export const RETAINED_PIXELS = 1 << 20;

// Multiplier scratch of the image sizes met most recently.
const multipliers = new Lru<Multiplier>(4);

/** The plane filters and multipliers of one call: cached for small sizes, the call's own for large ones. */
class Scratch {
  private readonly mults = new Map<string, Multiplier>();
  private readonly filters = new Map<string, PlaneFilter>();

  multiplier(H: number, W: number): Multiplier {
    const key = `${H}x${W}`;
    if (H * W <= RETAINED_PIXELS) return multipliers.get(key, () => new Multiplier(H, W));
    let m = this.mults.get(key);
    if (!m) this.mults.set(key, m = new Multiplier(H, W));
    return m;
  }

  /** The filter of `channels` planes of H×W at a time, with the multiplier's current values. */
  filter(H: number, W: number, channels: number, mult: Multiplier): PlaneFilter {
    const key = `${H}x${W}x${channels}`;
    let f = this.filters.get(key);
    if (!f) this.filters.set(key, f = planeFilter(H, W, channels));
    f.setMultiplier(mult.re, mult.complex ? mult.im : null);
    return f;
  }
}

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

  /** Drops both buffers when either holds more than `keep` values. */
  trim(keep: number): void {
    if (this.a.length > keep || this.b.length > keep) this.current = this.a = this.b = new Float64Array(0);
  }

  /** The size of the larger buffer, in values. */
  get size(): number {
    return Math.max(this.a.length, this.b.length);
  }

  run(ops: readonly unknown[], params: readonly unknown[], img: WorkImage): WorkImage {
    return runStages(stagesOf({ version: 1, ops: ops as Op[] }), params as SampleParams, img, new Scratch());
  }
}

const buffers = new Buffers();

/** Runs the stages of one sample (its params) on an image in the work buffers; returns the result. */
function runStages(stages: readonly Stage[], params: SampleParams, img: WorkImage, scratch: Scratch): WorkImage {
  for (const stage of stages) {
    if (stage.kind === "spatial") {
      for (const { index, op } of stage.ops) {
        buffers.current = img.data;
        img = moduleOf(op).apply!(op, params[index], img, buffers);
      }
      continue;
    }
    const { channels: C, height: H, width: W } = img;
    const mult = scratch.multiplier(H, W);
    if (!mult.build(stage, params)) continue;
    const plane = H * W, data = img.data, step = stackOf(C, H, plane);
    const f = scratch.filter(H, W, step, mult);
    for (let c = 0; c < C; c += step) {
      f.load(data, c * plane);
      f.filter();
      f.store(data, c * plane);
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
 * Throws {@link NonFiniteInput} when a float input holds NaN or ±Infinity
 * (checked as each value is first loaded).
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
  const C = dims.channels;
  // Alpha bytes ride along when every pixel keeps its place (no flip or crop, so the size is kept too).
  const alpha = io.inBytes === io.outBytes && io.outBytes > C &&
      keepsPixelPositions(stages.flatMap((s) => s.ops.map((o) => o.op)))
    ? src as Uint8Array
    : null;
  const scratch = new Scratch();
  try {
    if (!io.outBytes && stages.length === 1 && stages[0].kind === "frequency") {
      byChannel(stages[0], params, src, first, count, dims, dst as RealArray, dstFirst, io.inBytes, scratch);
      return;
    }
    wholeImages(stages, params, src, first, count, dims, dst, dstFirst, outDims, io, alpha, scratch);
  } finally {
    // A large image's work buffers are not kept (its multiplier and transform go with `scratch`).
    const large = Math.max(dims.height * dims.width, outDims.height * outDims.width) > RETAINED_PIXELS;
    buffers.trim(large ? 0 : 4 * RETAINED_PIXELS);
  }
}

/** The size of this thread's work buffers now, in float64 values (for tests: 0 after a large image). */
export function workBufferSize(): number {
  return buffers.size;
}

/**
 * How many of an image's C planes of H rows (`plane` values) the filter takes
 * at a time: all of a small image's, else one. Only for an even H: the row
 * transforms pair rows 2b and 2b+1, and a pair across two planes would round
 * differently from the plane-at-a-time path (the same values, other bits).
 */
function stackOf(C: number, H: number, plane: number): number {
  return H % 2 === 0 && C * plane <= STACKED_VALUES ? C : 1;
}

/**
 * A single frequency stage, float out (float NCHW in, or NHWC bytes of
 * `inBytes` per pixel): one channel at a time, in a work buffer of one channel.
 */
function byChannel(
  stage: Stage & { kind: "frequency" },
  params: readonly SampleParams[],
  src: InArray,
  first: number,
  count: number,
  dims: Dims,
  dst: RealArray,
  dstFirst: number,
  inBytes: number,
  scratch: Scratch,
): void {
  const { channels: C, height: H, width: W } = dims, plane = H * W, per = C * plane, step = stackOf(C, H, plane);
  const inPer = inBytes ? inBytes * plane : per;
  for (let s = 0; s < count; s++) {
    const base = (first + s) * inPer, out = (dstFirst + s) * per;
    const mult = scratch.multiplier(H, W);
    const f = mult.build(stage, params[s]) ? scratch.filter(H, W, step, mult) : null;
    for (let c = 0; c < C; c += f ? step : 1) {
      const to = out + c * plane;
      if (!f) {
        // Inactive stage: a copy (typed-array copies convert as assignment does).
        const data = buffers.start(plane);
        if (inBytes) loadBytes(src as Uint8Array, base + c, inBytes, 1, plane, data);
        else {
          data.set((src as RealArray).subarray(base + c * plane, base + (c + 1) * plane));
          if (!allFinite(data, 0, plane)) throw new NonFiniteInput();
        }
        dst.set(data.subarray(0, plane), to);
        continue;
      }
      if (inBytes) {
        loadBytes(src as Uint8Array, base + c, inBytes, step, plane, f.staging);
        f.commit();
      } else if (!f.load(src as RealArray, base + c * plane)) throw new NonFiniteInput();
      f.filter();
      f.store(dst, to);
    }
  }
}

/** Any stages and io: one whole image at a time. */
function wholeImages(
  stages: readonly Stage[],
  params: readonly SampleParams[],
  src: InArray,
  first: number,
  count: number,
  dims: Dims,
  dst: OutArray,
  dstFirst: number,
  outDims: Dims,
  io: Io,
  alpha: Uint8Array | null,
  scratch: Scratch,
): void {
  const C = dims.channels, plane = dims.height * dims.width;
  const outPlane = outDims.height * outDims.width;
  const per = C * plane;
  const inPer = io.inBytes ? io.inBytes * plane : per;
  const outPer = io.outBytes ? io.outBytes * outPlane : outDims.channels * outPlane;
  for (let s = 0; s < count; s++) {
    const base = (first + s) * inPer;
    const data = buffers.start(per);
    if (io.inBytes) loadBytes(src as Uint8Array, base, io.inBytes, C, plane, data);
    else {
      data.set((src as RealArray).subarray(base, base + per));
      if (!allFinite(data, 0, per)) throw new NonFiniteInput();
    }
    const img = runStages(stages, params[s], {
      data,
      channels: C,
      height: dims.height,
      width: dims.width,
    }, scratch);
    const out = (dstFirst + s) * outPer, d = img.data;
    if (io.outBytes) storeBytes(d, outDims.channels, outPlane, dst as Uint8Array, out, io.outBytes, alpha, base);
    else for (let i = 0; i < outPer; i++) dst[out + i] = d[i];
  }
}
