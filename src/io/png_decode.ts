/**
 * A strict PNG decoder (pure TypeScript; inflate through fflate). Every chunk
 * is walked and its CRC-32 checked: a critical chunk (IHDR, PLTE, IDAT, IEND)
 * with a bad CRC is an error, an ancillary chunk with a bad CRC is ignored, as
 * libpng does. Exactly one IHDR, first; the pixel limit is checked on it before
 * anything is allocated, and it is the size the decoder uses. Colour types 0,
 * 2, 3, 4, 6 at every allowed bit depth, Adam7 interlace, tRNS (palette alpha
 * or a colour key, both adding an alpha channel). The zlib stream is checked
 * end to end (header, bounded output, Adler-32). Ancillary chunks other than
 * tRNS (gamma, colour profiles, text) are read past, not applied.
 *
 * Output: 1/2/3/4 channels (gray, gray + alpha, RGB, RGBA); bit depth 16 stays
 * 16 (`Uint16Array`), 1/2/4-bit gray is scaled to 0..255 as Pillow does
 * (1-bit: 0 or 255), palette images become RGB or RGBA.
 *
 * @module
 */

import { crc32 } from "./checksum.ts";
import { decodeError, hex32, type Image, type ImageInfo } from "./image.ts";
import { inflateZlib } from "./inflate.ts";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Adam7: x start, y start, x step, y step of each pass. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bit depths allowed for each colour type. */
const DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** What the chunks before the image data say. */
interface Header {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
  palette?: Uint8Array;
  /** Palette alpha (type 3) or the colour key's samples (types 0 and 2). */
  trns?: Uint8Array | Uint16Array;
}

const fail = (part: string, reason: string) => decodeError("PNG", part, reason);

function u32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

function typeName(b: Uint8Array, i: number): string {
  let s = "";
  for (let k = 0; k < 4; k++) {
    const c = b[i + k];
    s += (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
      ? String.fromCharCode(c)
      : `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return s;
}

function readIhdr(b: Uint8Array, at: number, length: number, maxPixels: number): Header {
  if (length !== 13) throw fail("IHDR chunk", `length ${length}, expected 13`);
  const width = u32(b, at), height = u32(b, at + 4);
  const depth = b[at + 8], colorType = b[at + 9];
  if (width < 1 || width > 0x7fffffff || height < 1 || height > 0x7fffffff) {
    throw fail("IHDR chunk", `size ${width}x${height}, expected each side in 1..2^31-1`);
  }
  if (width * height > maxPixels) {
    throw fail(
      "IHDR chunk",
      `${width}x${height} = ${BigInt(width) * BigInt(height)} pixels is over the limit of ${maxPixels} (maxPixels)`,
    );
  }
  const depths = DEPTHS[colorType];
  if (!depths) throw fail("IHDR chunk", `colour type ${colorType}, expected 0, 2, 3, 4 or 6`);
  if (!depths.includes(depth)) {
    throw fail("IHDR chunk", `bit depth ${depth} with colour type ${colorType}, expected one of ${depths.join(", ")}`);
  }
  if (b[at + 10] !== 0) throw fail("IHDR chunk", `compression method ${b[at + 10]}, expected 0`);
  if (b[at + 11] !== 0) throw fail("IHDR chunk", `filter method ${b[at + 11]}, expected 0`);
  if (b[at + 12] > 1) throw fail("IHDR chunk", `interlace method ${b[at + 12]}, expected 0 or 1`);
  return { width, height, depth, colorType, interlaced: b[at + 12] === 1 };
}

/** Reads a tRNS chunk; undefined when it does not fit the image (ignored, as libpng does). */
function readTrns(h: Header, b: Uint8Array, at: number, length: number): Uint8Array | Uint16Array | undefined {
  if (h.colorType === 3) {
    if (!h.palette || length > h.palette.length / 3 || length === 0) return undefined;
    return b.slice(at, at + length);
  }
  const n = h.colorType === 0 ? 1 : h.colorType === 2 ? 3 : 0;
  if (n === 0 || length !== 2 * n) return undefined;
  const key = new Uint16Array(n);
  for (let i = 0; i < n; i++) key[i] = (b[at + 2 * i] << 8) | b[at + 2 * i + 1];
  return key;
}

/** Channels and bit depth the decoder returns for a header. */
function outputOf(h: Header): { channels: 1 | 2 | 3 | 4; bitDepth: 8 | 16 } {
  const alpha = h.trns !== undefined ? 1 : 0;
  const channels = (h.colorType === 3 ? 3 + alpha : SAMPLES[h.colorType] + (h.colorType <= 2 ? alpha : 0)) as
    | 1
    | 2
    | 3
    | 4;
  return { channels, bitDepth: h.depth === 16 ? 16 : 8 };
}

/** The chunks of a PNG, walked; with `headerOnly`, stops at the first IDAT. */
function walk(bytes: Uint8Array, maxPixels: number, headerOnly: boolean): { header: Header; idat: Uint8Array[] } {
  if (!isPng(bytes)) throw fail("", "no PNG signature");
  let pos = 8;
  let header: Header | undefined;
  const idat: Uint8Array[] = [];
  let idatDone = false, plteSeen = false, trnsSeen = false;
  for (;;) {
    if (pos + 8 > bytes.length) {
      throw fail("", pos === bytes.length ? "truncated file (no IEND chunk)" : `truncated chunk header at byte ${pos}`);
    }
    const length = u32(bytes, pos);
    const name = typeName(bytes, pos + 4);
    if (!/^[A-Za-z]{4}$/.test(name)) throw fail("", `invalid chunk type "${name}" at byte ${pos}`);
    if (length > 0x7fffffff) throw fail(`${name} chunk`, `length ${length} is over 2^31-1`);
    const at = pos + 8;
    if (headerOnly && header && name === "IDAT") {
      // The header is known once the image data starts: its bytes (and CRC) need not be here.
      if (header.colorType === 3 && !header.palette) {
        throw fail("PLTE chunk", "missing (a palette image, colour type 3, needs one before IDAT)");
      }
      return { header, idat };
    }
    if (at + length + 4 > bytes.length) {
      throw fail(`${name} chunk`, `truncated (needs ${length + 4} bytes after its header, ${bytes.length - at} left)`);
    }
    const stored = u32(bytes, at + length);
    const computed = crc32(bytes, pos + 4, at + length);
    const critical = (bytes[pos + 4] & 0x20) === 0;
    pos = at + length + 4;
    if (stored !== computed) {
      if (critical) throw fail(`${name} chunk`, `CRC mismatch (stored ${hex32(stored)}, computed ${hex32(computed)})`);
      continue; // a damaged ancillary chunk is skipped
    }
    if (!header) {
      if (name !== "IHDR") throw fail("", `first chunk is ${name}, expected IHDR`);
      header = readIhdr(bytes, at, length, maxPixels);
      continue;
    }
    if (name !== "IDAT" && idat.length > 0) idatDone = true;
    switch (name) {
      case "IHDR":
        throw fail("IHDR chunk", "appears twice (only one is allowed)");
      case "PLTE":
        if (plteSeen) throw fail("PLTE chunk", "appears twice (only one is allowed)");
        if (idat.length > 0) throw fail("PLTE chunk", "comes after the image data (it must come before IDAT)");
        if (header.colorType === 0 || header.colorType === 4) {
          throw fail("PLTE chunk", `in a gray image (colour type ${header.colorType}), where none is allowed`);
        }
        if (length === 0 || length % 3 !== 0 || length > 768) {
          throw fail("PLTE chunk", `length ${length}, expected a multiple of 3 in 3..768`);
        }
        plteSeen = true;
        if (header.colorType === 3) header.palette = bytes.slice(at, at + length);
        break;
      case "tRNS":
        // A misplaced or misfitting tRNS is ignored, as libpng does.
        if (!trnsSeen && idat.length === 0) {
          trnsSeen = true;
          header.trns = readTrns(header, bytes, at, length);
        }
        break;
      case "IDAT":
        if (idatDone) {
          throw fail("IDAT chunk", "after another chunk that follows IDAT (IDAT chunks must be consecutive)");
        }
        if (header.colorType === 3 && !header.palette) {
          throw fail("PLTE chunk", "missing (a palette image, colour type 3, needs one before IDAT)");
        }
        idat.push(bytes.subarray(at, at + length));
        break;
      case "IEND":
        if (idat.length === 0) throw fail("IDAT chunk", "missing (IEND came before any image data)");
        return { header, idat };
      default:
        if (critical) throw fail(`${name} chunk`, "is an unknown critical chunk");
    }
  }
}

/** Format, size, channels and bit depth of a PNG, from the chunks before IDAT. */
export function readPngInfo(bytes: Uint8Array, maxPixels = Infinity): ImageInfo {
  const { header } = walk(bytes, maxPixels, true);
  return { format: "png", width: header.width, height: header.height, ...outputOf(header) };
}

/** Decodes a PNG; throws a `FreqaugError` (code `decode`) on anything wrong. */
export function decodePng(bytes: Uint8Array, maxPixels: number): Image {
  const { header: h, idat } = walk(bytes, maxPixels, false);
  const bitsPerPixel = h.depth * SAMPLES[h.colorType];
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const passes = h.interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  let expected = 0;
  const dims = passes.map(([xs, ys, dx, dy]) => {
    const w = h.width > xs ? Math.ceil((h.width - xs) / dx) : 0;
    const rows = h.height > ys ? Math.ceil((h.height - ys) / dy) : 0;
    const rowBytes = Math.ceil((w * bitsPerPixel) / 8);
    if (w > 0 && rows > 0) expected += rows * (rowBytes + 1);
    return { w, rows, rowBytes };
  });
  let stream: Uint8Array;
  if (idat.length === 1) stream = idat[0];
  else {
    stream = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of idat) {
      stream.set(c, o);
      o += c.length;
    }
  }
  const raw = inflateZlib(stream, expected);
  if (typeof raw === "string") throw fail("IDAT chunk", raw);
  const { channels, bitDepth } = outputOf(h);
  const out = bitDepth === 16
    ? new Uint16Array(h.width * h.height * channels)
    : new Uint8Array(h.width * h.height * channels);
  let off = 0;
  for (let p = 0; p < passes.length; p++) {
    const { w, rows, rowBytes } = dims[p];
    if (w === 0 || rows === 0) continue;
    const [xs, ys, dx, dy] = passes[p];
    for (let r = 0; r < rows; r++) {
      unfilter(raw, off, r === 0 ? -1 : off - rowBytes - 1, rowBytes, bpp, r);
      const y = ys + r * dy;
      expandRow(h, raw, off + 1, w, out, (y * h.width + xs) * channels, dx * channels, channels);
      off += rowBytes + 1;
    }
  }
  return { width: h.width, height: h.height, channels, bitDepth, data: out };
}

/** Undoes the filter of the row at `at` (its filter byte first) in place; `prev` is the previous row's filter byte, -1 for none. */
function unfilter(d: Uint8Array, at: number, prev: number, n: number, bpp: number, row: number): void {
  const type = d[at];
  const s = at + 1, p = prev + 1;
  switch (type) {
    case 0:
      return;
    case 1:
      for (let i = s + bpp; i < s + n; i++) d[i] += d[i - bpp];
      return;
    case 2:
      if (prev < 0) return;
      for (let i = 0; i < n; i++) d[s + i] += d[p + i];
      return;
    case 3:
      if (prev < 0) {
        for (let i = bpp; i < n; i++) d[s + i] += d[s + i - bpp] >> 1;
        return;
      }
      for (let i = 0; i < bpp && i < n; i++) d[s + i] += d[p + i] >> 1;
      for (let i = bpp; i < n; i++) d[s + i] += (d[s + i - bpp] + d[p + i]) >> 1;
      return;
    case 4:
      if (prev < 0) {
        for (let i = s + bpp; i < s + n; i++) d[i] += d[i - bpp];
        return;
      }
      for (let i = 0; i < bpp && i < n; i++) d[s + i] += d[p + i];
      for (let i = bpp; i < n; i++) {
        const a = d[s + i - bpp], b = d[p + i], c = d[p + i - bpp];
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        d[s + i] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      return;
    default:
      throw fail("IDAT chunk", `filter type ${type} in row ${row}, expected 0..4`);
  }
}

/** Writes `w` pixels of an unfiltered row into `out` from index `o`, `step` apart. */
function expandRow(
  h: Header,
  src: Uint8Array,
  s: number,
  w: number,
  out: Uint8Array | Uint16Array,
  o: number,
  step: number,
  channels: number,
): void {
  const { depth, colorType, trns } = h;
  if (colorType === 3) {
    const pal = h.palette!, entries = pal.length / 3;
    const alpha = trns as Uint8Array | undefined;
    const mask = (1 << depth) - 1, perByte = 8 / depth;
    for (let x = 0; x < w; x++, o += step) {
      const idx = depth === 8
        ? src[s + x]
        : (src[s + Math.floor(x / perByte)] >> (8 - depth * ((x % perByte) + 1))) & mask;
      if (idx >= entries) throw fail("IDAT chunk", `palette index ${idx} beyond the ${entries}-entry palette`);
      out[o] = pal[3 * idx];
      out[o + 1] = pal[3 * idx + 1];
      out[o + 2] = pal[3 * idx + 2];
      if (alpha) out[o + 3] = idx < alpha.length ? alpha[idx] : 255;
    }
    return;
  }
  const n = SAMPLES[colorType];
  const key = trns as Uint16Array | undefined;
  if (depth < 8) {
    const mask = (1 << depth) - 1, perByte = 8 / depth, scale = 255 / mask;
    for (let x = 0; x < w; x++, o += step) {
      const v = (src[s + Math.floor(x / perByte)] >> (8 - depth * ((x % perByte) + 1))) & mask;
      out[o] = v * scale;
      if (key) out[o + 1] = v === key[0] ? 0 : 255;
    }
    return;
  }
  if (depth === 8) {
    if (!key && step === channels) {
      (out as Uint8Array).set(src.subarray(s, s + w * n), o);
      return;
    }
    for (let x = 0, i = s; x < w; x++, o += step) {
      let same = key !== undefined;
      for (let c = 0; c < n; c++, i++) {
        out[o + c] = src[i];
        if (same && src[i] !== key![c]) same = false;
      }
      if (key) out[o + n] = same ? 0 : 255;
    }
    return;
  }
  for (let x = 0, i = s; x < w; x++, o += step) {
    let same = key !== undefined;
    for (let c = 0; c < n; c++, i += 2) {
      const v = (src[i] << 8) | src[i + 1];
      out[o + c] = v;
      if (same && v !== key![c]) same = false;
    }
    if (key) out[o + n] = same ? 0 : 65535;
  }
}
