/**
 * The demo's view of decoding, over `decode_image.ts`: every image as
 * 3 planes of float32 in [0, 1] (gray repeated, alpha dropped), failures as a
 * reason string, and the antialiased resize of `batch.ts`.
 *
 * @module
 */

import { decodeImageEither } from "./decode_image.ts";
import { DEFAULT_MAX_PIXELS } from "./image.ts";
import { resizePlanes, toBatchEither } from "./batch.ts";

export { DEFAULT_MAX_PIXELS };

/** A decoded image: 3 planes (R, G, B) of height × width values in [0, 1]. */
export interface Decoded {
  /** Width. */
  readonly width: number;
  /** Height. */
  readonly height: number;
  /** Planar RGB, values in [0, 1]. */
  readonly data: Float32Array;
}

/** Decodes PNG or JPEG bytes (EXIF orientation applied) to planar RGB; the error's message on failure. */
export function decodeImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): Decoded | string {
  const img = decodeImageEither(bytes, { maxPixels });
  if (img._tag === "Left") return img.left.message;
  const batch = toBatchEither([img.right], { channels: 3 });
  if (batch._tag === "Left") return batch.left.message;
  const { width, height, data } = batch.right;
  return { width, height, data };
}

/** Antialiased bilinear resize of planar 3-channel data (torchvision's `resize(..., antialias=True)`). */
export function resize(img: Decoded, height: number, width: number): Decoded {
  if (img.height === height && img.width === width) return img;
  const out = resizePlanes(Float64Array.from(img.data), 3, img.height, img.width, height, width);
  return { width, height, data: Float32Array.from(out) };
}
