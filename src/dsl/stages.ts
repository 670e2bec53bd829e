/**
 * How a pipeline runs: consecutive frequency ops share one rfft2/irfft2 pair
 * (a frequency stage); spatial ops run on pixels between them. Ops that change
 * the image's shape say so in their module, and {@link shapesOf} follows them.
 *
 * @module
 */

import { moduleOf } from "../ops/registry.ts";
import type { ImageShape } from "../ops/module.ts";
import { type FrequencyOp, isFrequencyOp, type Pipeline, type SpatialOp } from "./types.ts";

/** A run of frequency ops folded into one multiplier per bin between one rfft2 and one irfft2. */
export interface FrequencyStage {
  readonly kind: "frequency";
  /** The ops with their indices in the pipeline. */
  readonly ops: readonly { readonly index: number; readonly op: FrequencyOp }[];
}

/** A run of ops on pixels. */
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

/**
 * The image shape each op of a pipeline sees, and after the last one the
 * output's: `ops.length + 1` shapes.
 */
export function shapesOf(pipeline: Pipeline, shape: ImageShape): ImageShape[] {
  const out: ImageShape[] = [{ channels: shape.channels, height: shape.height, width: shape.width }];
  for (const op of pipeline.ops) {
    const m = moduleOf(op);
    const last = out[out.length - 1];
    out.push(m.reshape ? m.reshape(op, last) : last);
  }
  return out;
}

/** The shape of a pipeline's output for input images of `shape`. */
export function outputShape(pipeline: Pipeline, shape: ImageShape): ImageShape {
  const s = shapesOf(pipeline, shape);
  return s[s.length - 1];
}

/** Ops that move pixels without changing the image's size (or may, for a crop to the input's size). */
const MOVES_PIXELS = new Set(["horizontalFlip", "verticalFlip", "randomResizedCrop"]);

/**
 * Whether every pixel of the result comes from the same position of the
 * input: no flip or crop anywhere in the ops (combinators' children
 * included). Alpha carried through from the input is only right then.
 */
export function keepsPixelPositions(ops: readonly { readonly op: string }[]): boolean {
  return ops.every((o) => {
    const children = (o as { readonly ops?: readonly { readonly op: string }[] }).ops;
    return !MOVES_PIXELS.has(o.op) && (children === undefined || keepsPixelPositions(children));
  });
}
