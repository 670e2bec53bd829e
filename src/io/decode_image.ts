/**
 * Decoding PNG and JPEG bytes into an `Image`, and reading their headers.
 * Errors are values (`Either`); `decodeImage` throws the Left.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import type { Either } from "../errors/either.ts";
import { describeException, fail, FreqaugError, orThrow } from "../errors/error.ts";
import { decodeError, type DecodeOptions, DEFAULT_MAX_PIXELS, type Image, type ImageInfo } from "./image.ts";
import { decodeJpeg, isJpeg, readJpegInfo } from "./jpeg_decode.ts";
import { decodePng, isPng, readPngInfo } from "./png_decode.ts";

function isWebp(b: Uint8Array): boolean {
  return b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 &&
    b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50;
}

function checkOptions(
  options: DecodeOptions | undefined,
): E.Either<FreqaugError, { maxPixels: number; orientation: "apply" | "ignore" }> {
  if (options === undefined) return E.right({ maxPixels: DEFAULT_MAX_PIXELS, orientation: "apply" });
  if (typeof options !== "object" || options === null) return fail("input", "options", options, "an options object");
  const { maxPixels = DEFAULT_MAX_PIXELS, orientation = "apply" } = options;
  if (typeof maxPixels !== "number" || !(Number.isSafeInteger(maxPixels) || maxPixels === Infinity) || maxPixels < 1) {
    return fail("input", "options.maxPixels", maxPixels, "an integer >= 1 (or Infinity)");
  }
  if (orientation !== "apply" && orientation !== "ignore") {
    return fail("input", "options.orientation", orientation, `"apply" or "ignore"`);
  }
  return E.right({ maxPixels, orientation });
}

/** Runs a decoder; anything it throws becomes a Left with a reason. */
function attempt<A>(bytes: unknown, run: (b: Uint8Array) => A): E.Either<FreqaugError, A> {
  if (!(bytes instanceof Uint8Array)) return fail("input", "bytes", bytes, "a Uint8Array holding a PNG or JPEG file");
  if (isWebp(bytes)) return E.left(decodeError("image", "", "WebP is not supported (convert to PNG or JPEG)"));
  if (!isPng(bytes) && !isJpeg(bytes)) return E.left(decodeError("image", "", "not a PNG or JPEG file"));
  try {
    return E.right(run(bytes));
  } catch (e) {
    if (e instanceof FreqaugError) return E.left(e);
    // Not expected (the decoders throw FreqaugErrors); say what happened rather than nothing.
    const why = describeException(e).trim() || (e instanceof Error ? e.name : "") || "unknown failure";
    return E.left(decodeError(isPng(bytes) ? "PNG" : "JPEG", "", `decoder failed (${why})`));
  }
}

/**
 * Decodes a PNG or JPEG file into an `Image`; a Left `FreqaugError` (code
 * `decode` for a bad file, `input` for bad arguments) with a short, non-empty
 * reason otherwise. Never throws.
 *
 * PNG: every colour type and bit depth, interlaced or not; 16-bit stays
 * 16-bit; a tRNS chunk adds an alpha channel; every chunk's CRC and the
 * zlib checksum are verified (an ancillary chunk with a bad CRC is ignored,
 * as libpng does). JPEG: baseline or progressive, gray (1 channel) or colour
 * (3), turned upright by its EXIF orientation unless `orientation: "ignore"`.
 * WebP and other formats are refused. The pixel limit (`maxPixels`, default
 * 89,478,485) is checked on the header before any pixel is allocated.
 *
 * @example
 * ```ts
 * import { decodeImageEither } from "@freqaug/freqaug/io";
 * const r = decodeImageEither(new Uint8Array([1, 2, 3]));
 * if (r._tag === "Left") console.log(r.left.message); // "image: not a PNG or JPEG file"
 * ```
 */
export function decodeImageEither(bytes: Uint8Array, options?: DecodeOptions): Either<FreqaugError, Image> {
  const opts = checkOptions(options);
  if (E.isLeft(opts)) return opts;
  const { maxPixels, orientation } = opts.right;
  return attempt(bytes, (b) => (isPng(b) ? decodePng(b, maxPixels) : decodeJpeg(b, maxPixels, orientation)));
}

/**
 * `decodeImageEither`, throwing the `FreqaugError` on failure.
 *
 * @example
 * ```ts
 * import { decodeImage, encodePng } from "@freqaug/freqaug/io";
 * const png = encodePng({ width: 2, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array([0, 255]) });
 * const img = decodeImage(png); // { width: 2, height: 1, channels: 1, bitDepth: 8, data: Uint8Array [0, 255] }
 * ```
 */
export function decodeImage(bytes: Uint8Array, options?: DecodeOptions): Image {
  return orThrow(decodeImageEither(bytes, options));
}

/**
 * `readImageInfo` as an Either: a Left `FreqaugError` instead of a throw.
 *
 * @example
 * ```ts
 * import { encodePng, readImageInfoEither } from "@freqaug/freqaug/io";
 * const png = encodePng({ width: 3, height: 2, channels: 3, bitDepth: 16, data: new Uint16Array(18) });
 * const info = readImageInfoEither(png); // Right { format: "png", width: 3, height: 2, channels: 3, bitDepth: 16 }
 * ```
 */
export function readImageInfoEither(bytes: Uint8Array, options?: DecodeOptions): Either<FreqaugError, ImageInfo> {
  const opts = checkOptions(
    options === undefined
      ? { maxPixels: Infinity }
      : typeof options === "object" && options !== null
      ? { maxPixels: Infinity, ...options }
      : options,
  );
  if (E.isLeft(opts)) return opts;
  const { maxPixels, orientation } = opts.right;
  return attempt(bytes, (b) => (isPng(b) ? readPngInfo(b, maxPixels) : readJpegInfo(b, maxPixels, orientation)));
}

/**
 * The format, size, channels and bit depth `decodeImage` would return, from
 * the header alone (PNG: the chunks before the image data; JPEG: the markers
 * before the first scan), with no pixel allocated. The size is after the
 * EXIF orientation (a 90° turn swaps width and height) unless
 * `orientation: "ignore"`. No pixel limit applies unless `maxPixels` is given.
 * Throws a `FreqaugError` (code `decode`) when the header is not one.
 *
 * @example
 * ```ts
 * import { encodePng, readImageInfo } from "@freqaug/freqaug/io";
 * const png = encodePng({ width: 3, height: 2, channels: 3, bitDepth: 16, data: new Uint16Array(18) });
 * const info = readImageInfo(png); // { format: "png", width: 3, height: 2, channels: 3, bitDepth: 16 }
 * ```
 */
export function readImageInfo(bytes: Uint8Array, options?: DecodeOptions): ImageInfo {
  return orThrow(readImageInfoEither(bytes, options));
}
