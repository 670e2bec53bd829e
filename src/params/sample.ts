/**
 * Drawing the parameters of each sample from a seed.
 *
 * @module
 */

import type { Op, Pipeline } from "../dsl/types.ts";
import { mulhi } from "./philox.ts";
import { scalarBits, scalarUnit, seedKey } from "./keys.ts";
import type { GaussianDraw, OpParams, SampleParams } from "./types.ts";

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

function lerp(lo: number, hi: number, u: number): number {
  return lo + (hi - lo) * u;
}

/**
 * The drop threshold of `randomFrequencyMask` lives on the 2^-24 grid of the
 * per-bin uniforms: q = (base + mulhi(bits, span)) / 2^24, a bin is dropped
 * when its uniform m / 2^24 <= q, i.e. when m <= base + mulhi(bits, span).
 * Both backends compute that integer exactly.
 */
export function dropGrid(lo: number, hi: number): { base: number; span: number } {
  const a = Math.ceil(lo * 16777216), b = Math.floor(hi * 16777216);
  return a <= b ? { base: a, span: b - a + 1 } : { base: Math.floor(lo * 16777216), span: 0 };
}

/** The parameters of op `index` for sample `n`. Inputs must be valid. */
export function sampleOp(
  op: Op,
  index: number,
  k0: number,
  k1: number,
  seed: number,
  n: number,
  height: number,
  width: number,
): OpParams {
  if (op.op === "normalize" || op.op === "clamp") {
    return { op: op.op, applied: true };
  }
  const applied = op.p >= 1 || scalarUnit(k0, k1, n, index, 0) < op.p;
  const u = (j: number) => scalarUnit(k0, k1, n, index, j);
  switch (op.op) {
    case "gmm": {
      const gaussians: GaussianDraw[] = [];
      if (applied) {
        const V = (width >> 1) + 1;
        for (let i = 0; i < op.k; i++) {
          const j = 1 + 5 * i;
          gaussians.push({
            u0: mulhi(scalarBits(k0, k1, n, index, j), height),
            v0: mulhi(scalarBits(k0, k1, n, index, j + 1), V),
            sigmaU: lerp(op.sigma[0], op.sigma[1], u(j + 2)),
            sigmaV: lerp(op.sigma[0], op.sigma[1], u(j + 3)),
            intensity: lerp(op.intensity[0], op.intensity[1], u(j + 4)),
          });
        }
      }
      return { op: "gmm", applied, gaussians };
    }
    case "amplitudeRescale":
      return { op: op.op, applied, key: { seed, sample: n, op: index } };
    case "phaseShift": {
      if (!applied) return { op: op.op, applied, theta: 0 };
      const theta = lerp(op.range[0], op.range[1], u(1));
      const negate = op.includeNegatives && u(2) < 0.5;
      return { op: op.op, applied, theta: negate ? -theta : theta };
    }
    case "randomFrequencyMask": {
      if (!applied) return { op: op.op, applied, q: 0, key: { seed, sample: n, op: index } };
      const { base, span } = dropGrid(op.k[0], op.k[1]);
      const t = base + mulhi(scalarBits(k0, k1, n, index, 1), span);
      // On the 2^-24 grid, so both backends compare integers; a range between
      // two grid points makes the same decisions as its lower end.
      const q = span === 0 ? op.k[0] : t / 16777216;
      return { op: op.op, applied, q, key: { seed, sample: n, op: index } };
    }
  }
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
  const out: SampleParams[] = [];
  for (let s = 0; s < count; s++) {
    const n = offset + s;
    out.push(
      pipeline.ops.map((op, index) => sampleOp(op, index, k0, k1, seed, n, height, width)),
    );
  }
  return out;
}
