/**
 * One image of a planar float batch as 8-bit PNG bytes, through
 * `encodePng` (the demo's inputs and contact sheet).
 *
 * @module
 */

import { encodePng } from "./png_encode.ts";
import type { Batch } from "../api/validate.ts";
import type { RealArray } from "../math/rfft2.ts";

/**
 * Image `index` of a batch (1 or 3 channels, values in [0, 1]) as 8-bit PNG
 * bytes; values outside [0, 1] are clamped.
 *
 * @example
 * ```ts
 * import { pngBytes } from "./png.ts";
 * const bytes = pngBytes({ data: new Float32Array(4).fill(0.5), count: 1, channels: 1, height: 2, width: 2 }, 0);
 * ```
 */
export function pngBytes(batch: Batch<RealArray>, index: number): Uint8Array {
  const { channels, height, width } = batch;
  if (channels !== 1 && channels !== 3) throw new RangeError(`PNG output takes 1 or 3 channels, got ${channels}`);
  const plane = height * width, base = index * channels * plane;
  const px = new Uint8Array(plane * channels);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < plane; i++) {
      const x = batch.data[base + c * plane + i];
      px[i * channels + c] = Math.round(255 * (x < 0 ? 0 : x > 1 ? 1 : x));
    }
  }
  return encodePng({ width, height, data: px, channels, bitDepth: 8 });
}
