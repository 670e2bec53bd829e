/**
 * The counter layout: which Philox counter each draw uses. A draw is keyed by
 * (seed, sample index, op index, draw index) and by nothing else, so a
 * sample's parameters do not depend on batch size, order, backend or runtime.
 *
 * - key = (seed mod 2^32, floor(seed / 2^32) mod 2^32)
 * - scalar draw j of op o for sample n: counter (j, o, n, 0), word 0
 * - per-bin field of op o for sample n, bin d = u * V + v (row-major
 *   half-spectrum): counter (floor(d / 4), o, n, 1), word d mod 4
 *
 * @module
 */

import { philox4x32, toUnit } from "./philox.ts";

/** The two key words of a seed (any safe integer, negative too). */
export function seedKey(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

const buf = new Uint32Array(4);

/** Scalar draw j (u32) of op `op` for sample `sample`. */
export function scalarBits(
  k0: number,
  k1: number,
  sample: number,
  op: number,
  j: number,
): number {
  return philox4x32(j, op, sample, 0, k0, k1, buf)[0];
}

/** Scalar draw j as a uniform in [0, 1). */
export function scalarUnit(
  k0: number,
  k1: number,
  sample: number,
  op: number,
  j: number,
): number {
  return toUnit(scalarBits(k0, k1, sample, op, j));
}

/**
 * Fills `out[d]` for d in [0, n) with the per-bin uniforms in [0, 1) of op
 * `op` for sample `sample`: `lo + (hi - lo) * u` when lo/hi are given.
 */
export function fieldUniforms(
  k0: number,
  k1: number,
  sample: number,
  op: number,
  out: Float64Array,
  n: number,
  lo = 0,
  hi = 1,
): void {
  const w = new Uint32Array(4);
  const span = hi - lo;
  for (let b = 0; 4 * b < n; b++) {
    philox4x32(b, op, sample, 1, k0, k1, w);
    const base = 4 * b;
    const m = Math.min(4, n - base);
    for (let i = 0; i < m; i++) out[base + i] = lo + span * toUnit(w[i]);
  }
}
