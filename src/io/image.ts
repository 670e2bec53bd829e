/**
 * What the decoders return, what they take, and how they fail.
 *
 * @module
 */

import { FreqaugError } from "../errors/error.ts";

/**
 * A decoded image: interleaved samples, row-major,
 * `data[(y * width + x) * channels + c]`. Channels: 1 gray, 2 gray + alpha,
 * 3 RGB, 4 RGBA. 8-bit images hold a `Uint8Array` (0..255), 16-bit ones a
 * `Uint16Array` (0..65535).
 *
 * @example
 * ```ts
 * import type { Image } from "@freqaug/freqaug/io";
 * const red: Image = { width: 1, height: 1, channels: 3, bitDepth: 8, data: new Uint8Array([255, 0, 0]) };
 * ```
 */
export interface Image {
  /** Width in pixels, >= 1. */
  readonly width: number;
  /** Height in pixels, >= 1. */
  readonly height: number;
  /** Samples per pixel: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  /** Bits per sample: 8 (`Uint8Array`) or 16 (`Uint16Array`). */
  readonly bitDepth: 8 | 16;
  /** `width × height × channels` samples, interleaved, row by row. */
  readonly data: Uint8Array | Uint16Array;
}

/**
 * How to decode.
 *
 * @example
 * ```ts
 * import type { DecodeOptions } from "@freqaug/freqaug/io";
 * const options: DecodeOptions = { maxPixels: 4096 * 4096, orientation: "ignore" };
 * ```
 */
export interface DecodeOptions {
  /**
   * Largest `width × height` accepted, checked on the header before any pixel
   * is allocated (a decompression bomb is refused). An integer >= 1; default
   * 89,478,485, Pillow's limit.
   */
  readonly maxPixels?: number;
  /**
   * `"apply"` (default) turns a JPEG upright as its EXIF orientation says (as
   * Pillow's `ImageOps.exif_transpose`); `"ignore"` returns the stored pixels.
   */
  readonly orientation?: "apply" | "ignore";
}

/**
 * What a header says, without decoding pixels.
 *
 * @example
 * ```ts
 * import type { ImageInfo } from "@freqaug/freqaug/io";
 * const info: ImageInfo = { format: "png", width: 20, height: 14, channels: 3, bitDepth: 8 };
 * ```
 */
export interface ImageInfo {
  /** The container. */
  readonly format: "png" | "jpeg";
  /** Width of the decoded image (after the EXIF orientation: a 90° turn swaps width and height). */
  readonly width: number;
  /** Height of the decoded image. */
  readonly height: number;
  /** Channels `decodeImage` returns. */
  readonly channels: 1 | 2 | 3 | 4;
  /** Bits per sample `decodeImage` returns. */
  readonly bitDepth: 8 | 16;
}

/** The decompression-bomb limit Pillow uses: 89,478,485 pixels. */
export const DEFAULT_MAX_PIXELS = 89_478_485;

/**
 * A decoding failure: `format` names the file kind (`PNG`, `JPEG` or `image`),
 * `part` the place (`IDAT chunk`, `SOF0`, …), `reason` says what is wrong.
 * The message reads `PNG: IDAT chunk CRC mismatch (...)`.
 */
export function decodeError(format: "PNG" | "JPEG" | "image", part: string, reason: string): FreqaugError {
  const text = reason.trim() || "unreadable data";
  return new FreqaugError(
    "decode",
    [{ path: part ? `${format} ${part}` : format, value: undefined, expected: text }],
    `${format}: ${part ? `${part} ` : ""}${text}`,
  );
}

/** Hex of a 32-bit value, 8 digits. */
export function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, "0")}`;
}
