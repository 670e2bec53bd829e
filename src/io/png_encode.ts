/**
 * PNG encoding of an `Image`: gray, gray + alpha, RGB or RGBA at 8 or 16
 * bits, not interlaced, each row filtered with the filter that minimises the
 * sum of absolute differences (libpng's heuristic), zlib through fflate.
 *
 * @module
 */

import { zlibSync } from "fflate";
import * as E from "fp-ts/lib/Either.js";
import type { Either } from "../errors/either.ts";
import { fail, type FreqaugError, orThrow } from "../errors/error.ts";
import { crc32 } from "./checksum.ts";
import type { Image } from "./image.ts";
import { checkImage } from "./check.ts";

/**
 * How to write a PNG.
 *
 * @example
 * ```ts
 * import type { EncodePngOptions } from "@freqaug/freqaug/io";
 * const options: EncodePngOptions = { bitDepth: 16, level: 9 };
 * ```
 */
export interface EncodePngOptions {
  /** Bits per sample in the file: 8 or 16; default the image's own. Converting rounds (16 → 8: `round(v / 257)`). */
  readonly bitDepth?: 8 | 16;
  /** zlib level, an integer in 0..9 (0 stores, 9 compresses most); default 6. */
  readonly level?: number;
}

const COLOR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * `encodePng` as an Either: a Left `FreqaugError` for a malformed image or bad options.
 *
 * @example
 * ```ts
 * import { encodePngEither } from "@freqaug/freqaug/io";
 * const r = encodePngEither({ width: 1, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(1) }, { level: 12 });
 * // Left: "options.level: got 12, expected an integer in 0..9"
 * ```
 */
export function encodePngEither(image: Image, options: EncodePngOptions = {}): Either<FreqaugError, Uint8Array> {
  const checked = checkImage(image, "image");
  if (E.isLeft(checked)) return checked;
  if (typeof options !== "object" || options === null) return fail("input", "options", options, "an options object");
  const { bitDepth = image.bitDepth, level = 6 } = options;
  if (bitDepth !== 8 && bitDepth !== 16) return fail("input", "options.bitDepth", bitDepth, "8 or 16");
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    return fail("input", "options.level", level, "an integer in 0..9");
  }
  const { width, height, channels } = image;
  const bytesPerPixel = channels * (bitDepth / 8);
  const rowBytes = width * bytesPerPixel;
  const raw = new Uint8Array(height * (rowBytes + 1));
  const line = new Uint8Array(rowBytes);
  const prev = new Uint8Array(rowBytes);
  const trial = new Uint8Array(rowBytes);
  const best = new Uint8Array(rowBytes);
  const src = image.data;
  const n = width * channels;
  for (let y = 0; y < height; y++) {
    const base = y * n;
    if (bitDepth === 8) {
      if (image.bitDepth === 8) line.set((src as Uint8Array).subarray(base, base + n));
      else for (let i = 0; i < n; i++) line[i] = Math.round(src[base + i] / 257);
    } else {
      for (let i = 0; i < n; i++) {
        const v = image.bitDepth === 16 ? src[base + i] : src[base + i] * 257;
        line[2 * i] = v >> 8;
        line[2 * i + 1] = v & 255;
      }
    }
    let bestType = 0, bestCost = Infinity;
    for (let type = 0; type < 5; type++) {
      const cost = filterRow(type, line, y === 0 ? undefined : prev, bytesPerPixel, trial);
      if (cost < bestCost) {
        bestCost = cost;
        bestType = type;
        best.set(trial);
      }
    }
    const o = y * (rowBytes + 1);
    raw[o] = bestType;
    raw.set(best, o + 1);
    prev.set(line);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = COLOR_TYPE[channels];
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlibSync(raw, { level: level as 0 })),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return E.right(out);
}

/** Filters `line` with `type` into `dst`; the sum of the filtered bytes read as signed. */
function filterRow(type: number, line: Uint8Array, prev: Uint8Array | undefined, bpp: number, dst: Uint8Array): number {
  let cost = 0;
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? line[i - bpp] : 0, b = prev ? prev[i] : 0, c = prev && i >= bpp ? prev[i - bpp] : 0;
    let p: number;
    switch (type) {
      case 0:
        p = 0;
        break;
      case 1:
        p = a;
        break;
      case 2:
        p = b;
        break;
      case 3:
        p = (a + b) >> 1;
        break;
      default: {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
    }
    const f = (line[i] - p) & 255;
    dst[i] = f;
    cost += f < 128 ? f : 256 - f;
  }
  return cost;
}

/**
 * Encodes an image as PNG bytes: gray (colour type 0), gray + alpha (4), RGB
 * (2) or RGBA (6) by its channel count, at the image's bit depth or the one
 * asked (8 → 16 multiplies by 257, 16 → 8 rounds `v / 257`), zlib level 0..9
 * (default 6). Throws a `FreqaugError` for a malformed image or bad options.
 * Decoding the bytes gives the image back exactly (at the same depth).
 *
 * @example
 * ```ts
 * import { decodeImage, encodePng } from "@freqaug/freqaug/io";
 * const img = { width: 2, height: 1, channels: 4, bitDepth: 8, data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 128]) } as const;
 * const png = encodePng(img, { level: 9 });
 * decodeImage(png).data; // Uint8Array [255, 0, 0, 255, 0, 0, 255, 128]
 * ```
 */
export function encodePng(image: Image, options?: EncodePngOptions): Uint8Array {
  return orThrow(encodePngEither(image, options));
}
