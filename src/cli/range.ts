/**
 * What a pipeline does to the [0, 1] range, for the PNG output: a pipeline
 * whose last value-changing op is `normalize` gives values far outside it
 * (the run is refused: write `--format npy`, or end with `clamp`); any other
 * pipeline may push some samples out (a strong gmm), which are counted.
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";

/** Ops that only move or average pixels: they never bring values back into [0, 1]. */
const TRANSPARENT: ReadonlySet<string> = new Set([
  "horizontalFlip",
  "verticalFlip",
  "randomResizedCrop",
  "gaussianBlur",
  "grayscale",
]);

interface Scan {
  /** The path of a `normalize` that may be the last value-changing op of some sample. */
  readonly normalize: string | null;
  /** Whether some value-changing op surely runs (so nothing earlier can be last). */
  readonly certain: boolean;
}

type AnyOp = { readonly op: string; readonly p?: number; readonly ops?: readonly AnyOp[] };

/** What one op contributes; null when it only moves or averages pixels. */
function scanOne(op: AnyOp, path: string): Scan | null {
  if (TRANSPARENT.has(op.op)) return null;
  const surely = op.p === undefined || op.p >= 1;
  if (op.op === "normalize") return { normalize: path, certain: true };
  if (op.op === "randomApply" || op.op === "oneOf") {
    const children = op.op === "randomApply"
      ? [scan(op.ops ?? [], `${path}.ops`)]
      : (op.ops ?? []).map((c, j) => scanOne(c, `${path}.ops[${j}]`) ?? { normalize: null, certain: false });
    const found = children.find((c) => c.normalize !== null);
    if (found) return found;
    return { normalize: null, certain: surely && children.every((c) => c.certain) };
  }
  return { normalize: null, certain: surely };
}

function scan(ops: readonly AnyOp[], at: string): Scan {
  for (let i = ops.length - 1; i >= 0; i--) {
    const r = scanOne(ops[i], `${at}[${i}]`);
    if (r && (r.normalize !== null || r.certain)) return r;
  }
  return { normalize: null, certain: false };
}

/**
 * The `normalize` op (its path, e.g. `ops[1]`) that may be the last
 * value-changing op of some sample, ignoring ops that only move or average
 * pixels (flips, crops, blur, grayscale); null when there is none.
 *
 * @example
 * ```ts
 * import { normalizeLast } from "./range.ts";
 * normalizeLast({ version: 1, ops: [{ op: "normalize", mean: [0.5], std: [0.25] }] }); // "ops[0]"
 * ```
 */
export function normalizeLast(pipeline: Pipeline): string | null {
  return scan(pipeline.ops as readonly AnyOp[], "ops").normalize;
}

/** How many values of `data` lie outside [0, 1] (NaN included). */
export function outOfRange(data: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (!(x >= 0 && x <= 1)) n++;
  }
  return n;
}
