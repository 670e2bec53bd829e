/**
 * Checks of an `Image` handed in by a user: shape, channel count, depth and
 * the typed array that goes with it.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { fail, type FreqaugError } from "../errors/error.ts";
import type { Image } from "./image.ts";

/** Checks an image's fields against each other; `path` names it in the error. */
export function checkImage(image: Image, path: string): E.Either<FreqaugError, Image> {
  if (typeof image !== "object" || image === null) {
    return fail("input", path, image, "an image { width, height, channels, bitDepth, data }");
  }
  const { width, height, channels, bitDepth, data } = image;
  for (const [k, v] of [["width", width], ["height", height]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) return fail("input", `${path}.${k}`, v, "an integer >= 1");
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    return fail("input", `${path}.channels`, channels, "1, 2, 3 or 4 (gray, gray + alpha, RGB, RGBA)");
  }
  if (bitDepth !== 8 && bitDepth !== 16) return fail("input", `${path}.bitDepth`, bitDepth, "8 or 16");
  const want = bitDepth === 8 ? "a Uint8Array (bitDepth 8)" : "a Uint16Array (bitDepth 16)";
  if (!(bitDepth === 8 ? data instanceof Uint8Array : data instanceof Uint16Array)) {
    return fail("input", `${path}.data`, data, want);
  }
  const n = width * height * channels;
  if (data.length !== n) {
    return fail(
      "input",
      `${path}.data.length`,
      data.length,
      `width × height × channels = ${width} × ${height} × ${channels} = ${n}`,
    );
  }
  return E.right(image);
}
