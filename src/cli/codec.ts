/**
 * Reading one input image and writing one output PNG, for the command line:
 * the same code on a codec worker or on the calling thread. Failures are
 * reasons, never throws.
 *
 * @module
 */

import { type Decoded, decodeImage, resize } from "../io/decode.ts";
import { pngBytes, writeFileAtomic } from "../io/png.ts";

/** Reads, decodes and (with `size`) resizes an image; a reason on failure. */
export async function readImage(
  path: string,
  maxPixels: number,
  size?: { readonly height: number; readonly width: number },
): Promise<Decoded | string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    return `cannot read (${e instanceof Error ? e.message : e})`;
  }
  const img = decodeImage(bytes, maxPixels);
  return typeof img === "string" || !size ? img : resize(img, size.height, size.width);
}

/**
 * Encodes planar RGB as PNG and writes it atomically, making its folder
 * once per folder in `made`; a reason on failure, null when written.
 */
export async function writeImage(
  path: string,
  data: Float32Array,
  height: number,
  width: number,
  made: Set<string>,
): Promise<string | null> {
  try {
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (!made.has(dir)) {
      await Deno.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await writeFileAtomic(path, pngBytes({ data, count: 1, channels: 3, height, width }, 0));
    return null;
  } catch (e) {
    return `cannot write (${e instanceof Error ? e.message : e})`;
  }
}
