/**
 * The numbers of a pipeline, laid out for the shaders: the `consts` words
 * (one block per op, at offsets fixed by the pipeline's structure), the
 * per-sample parameter table (sizes depend on numbers such as k: first the
 * partial sums of per-image statistics, then one entry per op that has one),
 * the twiddle tables of a shape, the table of replayed parameters, and the
 * entries the host writes for the spatial ops (drawn by `sample`, or replayed).
 *
 * @module
 */

import type { Op, Pipeline } from "../dsl/types.ts";
import { shapesOf } from "../dsl/stages.ts";
import type { ImageShape } from "../ops/module.ts";
import { isFrequencyOp } from "../dsl/types.ts";
import { planFft } from "../math/fft.ts";
import { twiddle } from "../math/elementary.ts";
import { moduleOf, type OpParams } from "../ops/registry.ts";
import type { SampleParams } from "../params/types.ts";
import type { GpuFftPlan } from "./fftplan.ts";

/** Words of a frequency op's consts block (see shaders/params.wgsl). */
export const FREQ_BLOCK = 10;

/** Words of an op's consts block. */
export function blockSize(op: Op, channels: number): number {
  return isFrequencyOp(op) ? FREQ_BLOCK : moduleOf(op).gpu!.constWords(op, channels);
}

/** Offsets of each op's consts block; word 0 is the table stride. Structure only. */
export function constOffsets(pipeline: Pipeline, channels: number): number[] {
  let at = 1;
  return pipeline.ops.map((op) => {
    const o = at;
    at += blockSize(op, channels);
    return o;
  });
}

/** Words of an op's entry in a sample's parameter table (0 for spatial ops). */
export function tableSize(op: Op, height: number, width: number): number {
  return moduleOf(op).gpu!.tableWords?.(op, height, width) ?? 0;
}

/** Threshold t such that an op applies when draw 0's 24-bit uniform m < t (exact: m < p 2^24). */
export function appliedThreshold(p: number): number {
  return p >= 1 ? 16777216 : Math.ceil(p * 16777216);
}

/**
 * The consts words of a pipeline for a shape, and the per-sample table
 * stride. Each op's block is written for the shape the op sees; the table
 * starts with `statsWords` words of partial sums (see plan.ts).
 */
export function buildConsts(
  pipeline: Pipeline,
  shape: { height: number; width: number; channels: number },
  statsWords = 0,
): { words: Uint32Array; stride: number } {
  const offsets = constOffsets(pipeline, shape.channels);
  const shapes = shapesOf(pipeline, shape);
  const last = pipeline.ops.length
    ? offsets[offsets.length - 1] + blockSize(pipeline.ops[pipeline.ops.length - 1], shape.channels)
    : 1;
  const words = new Uint32Array(Math.max(last, 4));
  const f = new Float32Array(words.buffer);
  let stride = statsWords;
  pipeline.ops.forEach((op, index) => {
    const o = offsets[index];
    const m = moduleOf(op);
    const sh = shapes[index];
    if (isFrequencyOp(op)) {
      words[o] = index;
      words[o + 1] = stride;
      words[o + 2] = appliedThreshold(op.p);
      stride += tableSize(op, sh.height, sh.width);
    } else if (m.gpu!.hostTableWords) {
      words[o] = stride;
      stride += m.gpu!.hostTableWords(op, sh);
    }
    m.gpu!.writeConsts(op, { u32: (i, v) => (words[o + i] = v), f32: (i, v) => (f[o + i] = v) }, sh);
  });
  words[0] = stride;
  return { words, stride };
}

/**
 * Writes the table entries of the ops whose parameters the host writes, for
 * `count` samples: `paramsOf(s, index)` gives sample s's parameters of op
 * `index`; `shapes` are the shapes the ops see.
 */
export function fillHostTable(
  pipeline: Pipeline,
  consts: Uint32Array,
  offsets: readonly number[],
  shapes: readonly ImageShape[],
  count: number,
  paramsOf: (s: number, index: number) => OpParams,
  table: Uint32Array,
): void {
  const stride = consts[0];
  const f = new Float32Array(table.buffer, table.byteOffset, table.length);
  pipeline.ops.forEach((op, index) => {
    const g = moduleOf(op).gpu!;
    if (!g.writeHostTable) return;
    for (let s = 0; s < count; s++) {
      g.writeHostTable(op, paramsOf(s, index), shapes[index], table, f, s * stride + consts[offsets[index]]);
    }
  });
}

/**
 * Writes replayed parameters into the table, as the shaders' draw step would
 * have written them from a seed (floats rounded to float32).
 */
export function fillTable(
  pipeline: Pipeline,
  consts: Uint32Array,
  offsets: readonly number[],
  params: readonly SampleParams[],
  table: Uint32Array,
): void {
  const stride = consts[0];
  const f = new Float32Array(table.buffer, table.byteOffset, table.length);
  params.forEach((sample, s) => {
    pipeline.ops.forEach((op, index) => {
      if (!isFrequencyOp(op)) return;
      const b = s * stride + consts[offsets[index] + 1];
      const p = sample[index];
      table[b] = p.applied ? 1 : 0;
      moduleOf(op).gpu!.fillTable?.(p, table, f, b);
    });
  });
}

/** Offsets of one FFT plan's tables in the twiddle buffer. */
export interface FftTables {
  /** e^{-2 pi i t / m} for t < m (m = n, or Bluestein's length). */
  readonly tb: number;
  /** Bluestein's chirp e^{-pi i t^2 / n}, t < n. */
  readonly tc: number;
  /** Bluestein's chirp spectrum / m. */
  readonly th: number;
}

/** Appends an FFT plan's tables (float64 computed, stored as float32 pairs) to `out`. */
export function pushTables(plan: GpuFftPlan, out: number[]): FftTables {
  const at = () => out.length / 2;
  const push = (re: number, im: number) => out.push(re, im);
  const tb = at();
  for (let t = 0; t < plan.m; t++) push(...twiddle(t, plan.m));
  if (plan.kind !== "bluestein") return { tb, tc: 0, th: 0 };
  const n = plan.n, m = plan.m;
  const tc = at();
  const cr = new Float64Array(n), ci = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    [cr[t], ci[t]] = twiddle((t * t) % (2 * n), 2 * n);
    push(cr[t], ci[t]);
  }
  const br = new Float64Array(m), bi = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    br[t] = cr[t];
    bi[t] = -ci[t];
    if (t > 0) {
      br[m - t] = cr[t];
      bi[m - t] = -ci[t];
    }
  }
  planFft(m).forward(br, bi);
  const th = at();
  for (let t = 0; t < m; t++) push(br[t] / m, bi[t] / m);
  return { tb, tc, th };
}
