/**
 * The zlib compressor of the command line's PNGs: the runtime's native zlib
 * (`node:zlib`, in Deno, Node and Bun), which the pure-TypeScript `./io`
 * encoder takes as its `deflate` option. What each `--compression` level
 * does was chosen by measurement on augmented 224×224 photos and on flat
 * synthetic pictures (the table is in the README):
 *
 * - 0: stored, not compressed (about the raw size; the fastest).
 * - 1: Huffman codes and runs only (zlib's `Z_RLE` strategy). PNG's row
 *   filters leave a photo as noise-like residuals in which the string
 *   matches of full deflate find little: this is as small as any level on
 *   photos, in a half to a twentieth of the time.
 * - 2..9: the smaller of level 1's stream and full deflate at that level
 *   (zlib's `Z_FILTERED` strategy, the one meant for PNG rows). Never
 *   larger than level 1; smaller on flat or synthetic pictures (cartoons,
 *   renders, test cards), where string matches pay; slower as the level
 *   rises (9 is several times 8 for little gain).
 *
 * @module
 */

import * as zlib from "node:zlib";

/** The default `--compression` level. */
export const DEFAULT_COMPRESSION = 1;

/**
 * A zlib stream (RFC 1950) of `data` at `level` 0..9, as listed in the
 * module's documentation.
 *
 * @example
 * ```ts
 * import { deflatePng } from "./png_deflate.ts";
 * import { encodePng } from "../io/png_encode.ts";
 * const png = encodePng({ width: 1, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(1) }, {
 *   level: 1,
 *   deflate: deflatePng,
 * });
 * ```
 */
export function deflatePng(data: Uint8Array, level: number): Uint8Array {
  if (level <= 0) return zlib.deflateSync(data, { level: 0 });
  // Z_RLE gives the same bytes at every level from 1; at 6 it was fastest.
  const runs = zlib.deflateSync(data, { level: 6, strategy: zlib.constants.Z_RLE });
  if (level === 1) return runs;
  const full = zlib.deflateSync(data, { level, strategy: zlib.constants.Z_FILTERED });
  return full.length < runs.length ? full : runs;
}
