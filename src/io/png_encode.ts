/**
 * PNG encoding of an `Image`: gray, gray + alpha, RGB or RGBA at 8 or 16
 * bits, not interlaced, each row filtered with the filter that minimises the
 * sum of absolute differences (libpng's heuristic) or with one filter, zlib
 * through fflate or a compressor the caller passes.
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
 * const options: EncodePngOptions = { bitDepth: 16, level: 9, filter: "paeth" };
 * ```
 */
export interface EncodePngOptions {
  /** Bits per sample in the file: 8 or 16; default the image's own. Converting rounds (16 → 8: `round(v / 257)`). */
  readonly bitDepth?: 8 | 16;
  /** zlib level, an integer in 0..9 (0 stores, 9 compresses most); default 6. Passed to `deflate`. */
  readonly level?: number;
  /**
   * The PNG row filter: `"adaptive"` (default) picks for each row the filter
   * whose output has the smallest sum of absolute values (read as signed
   * bytes; libpng's heuristic, the first of none, sub, up, average, paeth on
   * a tie); the others use that one filter for every row.
   */
  readonly filter?: "adaptive" | "none" | "sub" | "up" | "average" | "paeth";
  /**
   * The compressor of the filtered rows: takes them and `level` and returns
   * a zlib stream (RFC 1950: header, deflate data, Adler-32) of exactly
   * those bytes. Default: fflate's `zlibSync` (pure TypeScript, runs
   * anywhere). A native one is faster where there is one, e.g. in Deno, Node
   * or Bun: `(data, level) => zlib.deflateSync(data, { level })` with
   * `import * as zlib from "node:zlib"`.
   */
  readonly deflate?: (data: Uint8Array, level: number) => Uint8Array;
}

const COLOR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** The filters by name, as their PNG type bytes; adaptive is -1. */
const FILTERS: Readonly<Record<string, number>> = { adaptive: -1, none: 0, sub: 1, up: 2, average: 3, paeth: 4 };

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function fflateZlib(data: Uint8Array, level: number): Uint8Array {
  return zlibSync(data, { level: level as 0 });
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
  const { bitDepth = image.bitDepth, level = 6, filter = "adaptive", deflate = fflateZlib } = options;
  if (bitDepth !== 8 && bitDepth !== 16) return fail("input", "options.bitDepth", bitDepth, "8 or 16");
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    return fail("input", "options.level", level, "an integer in 0..9");
  }
  if (typeof filter !== "string" || !Object.hasOwn(FILTERS, filter)) {
    return fail("input", "options.filter", filter, `"adaptive", "none", "sub", "up", "average" or "paeth"`);
  }
  if (typeof deflate !== "function") {
    return fail("input", "options.deflate", deflate, "a function (data, level) returning zlib bytes");
  }
  const { width, height, channels } = image;
  const raw = filterRows(image, bitDepth, FILTERS[filter]);
  let idat: Uint8Array;
  try {
    idat = deflate(raw, level);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail(
      "input",
      "options.deflate",
      deflate,
      `a function (data, level) returning zlib bytes (it threw: ${why})`,
    );
  }
  if (!(idat instanceof Uint8Array) || idat.length < 6) {
    return fail("input", "options.deflate", deflate, "a function (data, level) returning zlib bytes (a Uint8Array)");
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
    chunk("IDAT", idat),
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

/**
 * The image's rows at `bitDepth`, each preceded by its filter type byte and
 * filtered with `type` (0..4), or, for -1, with the filter of smallest cost.
 */
function filterRows(image: Image, bitDepth: 8 | 16, type: number): Uint8Array {
  const { width, height, channels } = image;
  const bpp = channels * (bitDepth / 8);
  const rowBytes = width * bpp;
  const raw = new Uint8Array(height * (rowBytes + 1));
  const n = width * channels;
  const src = image.data;
  // 8-bit rows of an 8-bit image are read in place; any other row is converted into a buffer of its own.
  const direct = bitDepth === 8 && image.bitDepth === 8;
  let line = new Uint8Array(direct ? 0 : rowBytes), prev = new Uint8Array(rowBytes);
  const candidates = type < 0 ? new Uint8Array(5 * rowBytes) : null;
  const costs = new Float64Array(5);
  for (let y = 0; y < height; y++) {
    const base = y * n;
    let row: Uint8Array;
    if (direct) row = (src as Uint8Array).subarray(base, base + n);
    else {
      row = line;
      if (bitDepth === 8) { for (let i = 0; i < n; i++) row[i] = Math.round(src[base + i] / 257); }
      else {
        for (let i = 0; i < n; i++) {
          const v = image.bitDepth === 16 ? src[base + i] : src[base + i] * 257;
          row[2 * i] = v >> 8;
          row[2 * i + 1] = v & 255;
        }
      }
    }
    const above = y === 0
      ? (direct ? prev : prev.fill(0))
      : direct
      ? (src as Uint8Array).subarray(base - n, base)
      : prev;
    const o = y * (rowBytes + 1);
    let chosen = type;
    if (candidates) {
      filterAll(row, above, bpp, candidates, costs);
      chosen = 0;
      for (let t = 1; t < 5; t++) if (costs[t] < costs[chosen]) chosen = t;
      raw[o] = chosen;
      raw.set(chosen === 0 ? row : candidates.subarray(chosen * rowBytes, (chosen + 1) * rowBytes), o + 1);
    } else {
      raw[o] = chosen;
      filterOne(chosen, row, above, bpp, raw, o + 1);
    }
    if (!direct) [line, prev] = [prev, line];
  }
  return raw;
}

/**
 * In one pass: the row filtered with sub, up, average and paeth into rows 1..4
 * of `out` (row 0 unused), and in `costs` the cost of each of the five
 * filters: the sum of the filtered bytes' absolute values, read as signed.
 * (This loop is most of an encode's time, so the Paeth predictor and
 * |signed byte| — `d = (f << 24) >> 24`, then `(d ^ (d >> 31)) - (d >> 31)` —
 * are written out.)
 */
function filterAll(line: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array, costs: Float64Array): void {
  const n = line.length, r1 = n, r2 = 2 * n, r3 = 3 * n, r4 = 4 * n, head = Math.min(bpp, n);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  // The first pixel has nothing on its left (a = c = 0): sub keeps it, and paeth predicts b, as up.
  for (let i = 0; i < head; i++) {
    const x = line[i], b = prev[i];
    const f2 = (x - b) & 255, f3 = (x - (b >> 1)) & 255;
    out[r1 + i] = x;
    out[r2 + i] = f2;
    out[r3 + i] = f3;
    out[r4 + i] = f2;
    let d = (x << 24) >> 24;
    s0 += (d ^ (d >> 31)) - (d >> 31);
    s1 += (d ^ (d >> 31)) - (d >> 31);
    d = (f2 << 24) >> 24;
    s2 += (d ^ (d >> 31)) - (d >> 31);
    s4 += (d ^ (d >> 31)) - (d >> 31);
    d = (f3 << 24) >> 24;
    s3 += (d ^ (d >> 31)) - (d >> 31);
  }
  for (let i = bpp; i < n; i++) {
    const x = line[i], b = prev[i], a = line[i - bpp], c = prev[i - bpp];
    const p = b - c, q = a - c, r = p + q;
    const pa = (p ^ (p >> 31)) - (p >> 31), pb = (q ^ (q >> 31)) - (q >> 31), pc = (r ^ (r >> 31)) - (r >> 31);
    const f1 = (x - a) & 255, f2 = (x - b) & 255, f3 = (x - ((a + b) >> 1)) & 255;
    const f4 = (x - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
    out[r1 + i] = f1;
    out[r2 + i] = f2;
    out[r3 + i] = f3;
    out[r4 + i] = f4;
    let d = (x << 24) >> 24;
    s0 += (d ^ (d >> 31)) - (d >> 31);
    d = (f1 << 24) >> 24;
    s1 += (d ^ (d >> 31)) - (d >> 31);
    d = (f2 << 24) >> 24;
    s2 += (d ^ (d >> 31)) - (d >> 31);
    d = (f3 << 24) >> 24;
    s3 += (d ^ (d >> 31)) - (d >> 31);
    d = (f4 << 24) >> 24;
    s4 += (d ^ (d >> 31)) - (d >> 31);
  }
  costs[0] = s0;
  costs[1] = s1;
  costs[2] = s2;
  costs[3] = s3;
  costs[4] = s4;
}

/** The Paeth predictor of PNG: of a (left), b (above), c (above left), the nearest to a + b - c. */
function paeth(a: number, b: number, c: number): number {
  const p = b - c, q = a - c, r = p + q;
  const pa = p < 0 ? -p : p, pb = q < 0 ? -q : q, pc = r < 0 ? -r : r;
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filters `line` with `type` (0..4) into `out` at `o`. */
function filterOne(type: number, line: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array, o: number): void {
  const n = line.length, head = Math.min(bpp, n);
  switch (type) {
    case 0:
      out.set(line, o);
      return;
    case 1:
      for (let i = 0; i < head; i++) out[o + i] = line[i];
      for (let i = bpp; i < n; i++) out[o + i] = line[i] - line[i - bpp];
      return;
    case 2:
      for (let i = 0; i < n; i++) out[o + i] = line[i] - prev[i];
      return;
    case 3:
      for (let i = 0; i < head; i++) out[o + i] = line[i] - (prev[i] >> 1);
      for (let i = bpp; i < n; i++) out[o + i] = line[i] - ((line[i - bpp] + prev[i]) >> 1);
      return;
    default:
      for (let i = 0; i < head; i++) out[o + i] = line[i] - prev[i];
      for (let i = bpp; i < n; i++) out[o + i] = line[i] - paeth(line[i - bpp], prev[i], prev[i - bpp]);
  }
}

/**
 * Encodes an image as PNG bytes: gray (colour type 0), gray + alpha (4), RGB
 * (2) or RGBA (6) by its channel count, at the image's bit depth or the one
 * asked (8 → 16 multiplies by 257, 16 → 8 rounds `v / 257`), zlib level 0..9
 * (default 6), the row filter of `options.filter` (default adaptive) and the
 * compressor of `options.deflate` (default fflate's). Throws a
 * `FreqaugError` for a malformed image or bad options.
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
