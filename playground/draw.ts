/// <reference lib="dom" />
/**
 * Pixels for the playground: a view's planar float values as RGBA for a
 * canvas (clamped and rounded as the library's `fromBatch`, or stretched to
 * the view's own range, or with a final normalize undone first), and the
 * picture of a gmm op's mask for one sample, computed by the op's own fold.
 *
 * @module
 */

import type { GmmOp, GmmParams, NormalizeOp, OpParams } from "../mod.ts";
import { gmmModule } from "../src/ops/gmm/mod.ts";

/** One image of a batch: planar values, channel c at (c × height + y) × width + x. */
export interface ViewImage {
  readonly data: Float32Array;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/**
 * RGBA bytes of a view. `clamp`: round(255 · clamp(x, 0, 1)), as the
 * library's `fromBatch`; `stretch`: the view's min..max onto 0..255. With
 * `undo`, x · std[c] + mean[c] first (a pipeline that ends with normalize).
 */
export function toDisplay(
  v: ViewImage,
  mode: "clamp" | "stretch",
  undo: NormalizeOp | null,
): Uint8ClampedArray<ArrayBuffer> {
  const plane = v.height * v.width;
  const out = new Uint8ClampedArray(plane * 4);
  const value = (c: number, i: number) => {
    const x = v.data[c * plane + i];
    if (!undo) return x;
    const k = undo.mean.length === 1 ? 0 : c;
    return x * undo.std[k] + undo.mean[k];
  };
  let lo = 0, hi = 1;
  if (mode === "stretch") {
    lo = Infinity;
    hi = -Infinity;
    for (let c = 0; c < v.channels; c++) {
      for (let i = 0; i < plane; i++) {
        const x = value(c, i);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    if (!(hi > lo)) hi = lo + 1;
  }
  const scale = 1 / (hi - lo);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      const c = v.channels === 1 ? 0 : k;
      let x = value(c, i);
      if (mode === "stretch") x = (x - lo) * scale;
      out[4 * i + k] = Math.round(255 * (x < 0 ? 0 : x > 1 ? 1 : x));
    }
    out[4 * i + 3] = 255;
  }
  return out;
}

/** What a drawn mask was: its mean and smallest value over the half-spectrum. */
export interface MaskStats {
  readonly mean: number;
  readonly min: number;
}

/**
 * Draws the mask M of a gmm op for one sample's params on `canvas`, as the
 * op defines it: the half-spectrum bins, row u down (0..H−1), column v right
 * (0..⌊W/2⌋), so DC is the top-left corner and the lowest frequencies sit in
 * the left corners; black 0 to white 1. Computed by the op's own fold on an
 * H × W image. Null (nothing drawn) when the op did not apply.
 */
export function drawMask(
  canvas: HTMLCanvasElement,
  op: GmmOp,
  p: OpParams | undefined,
  H: number,
  W: number,
): MaskStats | null {
  if (!p || p.op !== "gmm" || !p.applied) {
    canvas.width = canvas.height = 0;
    return null;
  }
  const V = (W >> 1) + 1;
  const re = new Float64Array(H * V).fill(1);
  gmmModule.fold!(op, p as GmmParams, {
    H,
    W,
    V,
    re,
    im: new Float64Array(H * V),
    complex: false,
    field: new Float64Array(H * V),
    row: new Float64Array(V),
  });
  // The op leaves the DC bin alone when it keeps it (the fold itself does not know).
  if (gmmModule.keepsDC?.(op)) re[0] = 1;
  canvas.width = V;
  canvas.height = H;
  const rgba = new Uint8ClampedArray(H * V * 4);
  let sum = 0, min = Infinity;
  for (let i = 0; i < H * V; i++) {
    const m = re[i];
    sum += m;
    if (m < min) min = m;
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = Math.round(255 * (m < 0 ? 0 : m > 1 ? 1 : m));
    rgba[4 * i + 3] = 255;
  }
  canvas.getContext("2d")!.putImageData(new ImageData(rgba, V, H), 0, 0);
  return { mean: sum / (H * V), min };
}
