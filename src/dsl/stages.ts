/**
 * How a pipeline runs: consecutive frequency ops share one rfft2/irfft2 pair
 * (a frequency stage); spatial ops run pointwise between them.
 *
 * @module
 */

import { type FrequencyOp, isFrequencyOp, type Pipeline, type SpatialOp } from "./types.ts";

/** A run of frequency ops folded into one multiplier per bin between one rfft2 and one irfft2. */
export interface FrequencyStage {
  readonly kind: "frequency";
  /** The ops with their indices in the pipeline. */
  readonly ops: readonly { readonly index: number; readonly op: FrequencyOp }[];
}

/** One pointwise op. */
export interface SpatialStage {
  readonly kind: "spatial";
  readonly ops: readonly { readonly index: number; readonly op: SpatialOp }[];
}

/** A stage of execution. */
export type Stage = FrequencyStage | SpatialStage;

/** Groups a pipeline's ops into stages, in order. */
export function stagesOf(pipeline: Pipeline): Stage[] {
  const out: Stage[] = [];
  pipeline.ops.forEach((op, index) => {
    const kind = isFrequencyOp(op) ? "frequency" : "spatial";
    const last = out[out.length - 1];
    if (last && last.kind === kind) {
      (last.ops as { index: number; op: typeof op }[]).push({ index, op });
    } else if (kind === "frequency") {
      out.push({ kind, ops: [{ index, op: op as FrequencyOp }] });
    } else {
      out.push({ kind, ops: [{ index, op: op as SpatialOp }] });
    }
  });
  return out;
}
