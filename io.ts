/**
 * Reading and writing images: PNG and JPEG decoding into `Image`s, PNG
 * encoding, and the way between images and the library's batches. Pure
 * TypeScript (inflate through fflate, JPEG through jpeg-js): it runs in Deno,
 * Bun and browsers.
 *
 * The decoders are strict and bounded. PNG: every chunk's CRC-32 and the
 * zlib Adler-32 are checked (an ancillary chunk with a bad CRC is ignored,
 * as libpng does), exactly one IHDR is accepted and the pixel limit is
 * checked on it before anything is allocated, decompression stops once the
 * image's size is reached (a zlib bomb cannot grow), every colour type, bit
 * depth and Adam7 interlace is read, tRNS adds alpha. JPEG: baseline or
 * progressive through jpeg-js, after a walk of every marker (one frame header,
 * checked against the limit; a truncated file is refused), EXIF orientation
 * applied. WebP is not supported. Every failure is a `FreqaugError` with a
 * short, non-empty reason.
 *
 * @example
 * ```ts
 * import { decodeImage, encodePng, fromBatch, toBatch } from "@freqaug/freqaug/io";
 *
 * const png = encodePng({ width: 2, height: 2, channels: 3, bitDepth: 8, data: new Uint8Array(12).fill(200) });
 * const image = decodeImage(png); // { width: 2, height: 2, channels: 3, bitDepth: 8, data }
 * const batch = toBatch([image], { size: { height: 4, width: 4 } }); // planar float32 in [0, 1]
 * const [back] = fromBatch(batch); // 8-bit RGB, 4x4
 * ```
 *
 * @module
 */

export type { DecodeOptions, Image, ImageInfo } from "./src/io/image.ts";
export { DEFAULT_MAX_PIXELS } from "./src/io/image.ts";
export { decodeImage, decodeImageEither, readImageInfo, readImageInfoEither } from "./src/io/decode_image.ts";
export { encodePng, encodePngEither, type EncodePngOptions } from "./src/io/png_encode.ts";
export {
  fromBatch,
  fromBatchEither,
  type FromBatchOptions,
  resizeImage,
  resizeImageEither,
  toBatch,
  toBatchEither,
  type ToBatchOptions,
} from "./src/io/batch.ts";
export type { Batch } from "./src/api/validate.ts";
export type { RealArray } from "./src/math/rfft2.ts";
export type { Either, Left, Right } from "./src/errors/either.ts";
export { type ErrorCode, FreqaugError, type Issue } from "./src/errors/error.ts";
