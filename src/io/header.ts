/**
 * An image's format and size from its header, before any decoding, so a file
 * whose header claims too many pixels (a decompression bomb) is refused
 * without allocating its pixels. Over `readImageInfoEither`: the stored size (no
 * EXIF turn), a reason string on failure.
 *
 * @module
 */

import { readImageInfoEither } from "./decode_image.ts";

/** What a header says. */
export interface ImageHeader {
  /** `png` or `jpeg`. */
  readonly format: "png" | "jpeg";
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

/** The format and stored size of a PNG or JPEG; a reason string when it is neither or the header is bad. */
export function readHeader(bytes: Uint8Array): ImageHeader | string {
  const info = readImageInfoEither(bytes, { orientation: "ignore" });
  if (info._tag === "Left") return info.left.message;
  const { format, width, height } = info.right;
  return { format, width, height };
}
