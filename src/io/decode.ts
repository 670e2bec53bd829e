/**
 * Reading images into the library's planar float layout. PNG through
 * fast-png (8 or 16 bits; gray, gray+alpha, RGB, RGBA, palette), JPEG through
 * jpeg-js (baseline and progressive). Every image becomes 3 channels in
 * [0, 1]; gray is repeated, alpha is dropped. Failures are values: a reason.
 *
 * @module
 */

import { decode as decodePng } from "fast-png";
import jpeg from "jpeg-js";
import { readHeader } from "./header.ts";

/** The decompression-bomb limit Pillow uses: 89,478,485 pixels. */
export const DEFAULT_MAX_PIXELS = 89_478_485;

/** A decoded image: 3 planes (R, G, B) of height × width values in [0, 1]. */
export interface Decoded {
  /** Width. */
  readonly width: number;
  /** Height. */
  readonly height: number;
  /** Planar RGB, values in [0, 1]. */
  readonly data: Float32Array;
}

/** Decodes PNG or JPEG bytes; a reason string on failure. */
export function decodeImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): Decoded | string {
  const header = readHeader(bytes);
  if (typeof header === "string") return header;
  const { width, height } = header;
  if (width < 1 || height < 1) return `${header.format.toUpperCase()} header says ${width}x${height}`;
  if (width * height > maxPixels) {
    return `${width}x${height} = ${width * height} pixels is over the limit of ${maxPixels} (--max-pixels)`;
  }
  try {
    return header.format === "png" ? fromPng(bytes) : fromJpeg(bytes, maxPixels);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return `corrupt ${header.format === "png" ? "PNG" : "JPEG"} data (${why})`;
  }
}

function fromPng(bytes: Uint8Array): Decoded {
  const png = decodePng(bytes);
  const { width, height } = png;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const src = png.data;
  if (png.palette) {
    const pal = png.palette;
    const depth = png.depth;
    if (src.length < Math.ceil((width * depth) / 8) * height) throw new Error("truncated image data");
    for (let i = 0; i < plane; i++) {
      const entry = pal[indexAt(src as Uint8Array, i, width, depth)] ?? [0, 0, 0];
      out[i] = entry[0] / 255;
      out[plane + i] = entry[1] / 255;
      out[2 * plane + i] = entry[2] / 255;
    }
    return { width, height, data: out };
  }
  const ch = png.channels;
  const scale = 1 / ((1 << png.depth) - 1);
  if (src.length < plane * ch) throw new Error("truncated image data");
  for (let i = 0; i < plane; i++) {
    if (ch <= 2) {
      const v = src[i * ch] * scale;
      out[i] = out[plane + i] = out[2 * plane + i] = v;
    } else {
      out[i] = src[i * ch] * scale;
      out[plane + i] = src[i * ch + 1] * scale;
      out[2 * plane + i] = src[i * ch + 2] * scale;
    }
  }
  return { width, height, data: out };
}

/** Palette index of pixel i when indices are packed `depth` bits each, rows padded to bytes. */
function indexAt(data: Uint8Array, i: number, width: number, depth: number): number {
  if (depth === 8) return data[i];
  const y = Math.floor(i / width), x = i - y * width;
  const rowBytes = Math.ceil((width * depth) / 8);
  const bit = x * depth;
  const byte = data[y * rowBytes + (bit >> 3)];
  return (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

function fromJpeg(bytes: Uint8Array, maxPixels: number): Decoded {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: Math.ceil(maxPixels / 1e6),
    maxMemoryUsageInMB: 4096,
  });
  const { width, height } = img;
  const plane = width * height;
  const ch = img.data.length / plane;
  if (ch !== 3 && ch !== 4 && ch !== 1) throw new Error(`unexpected ${ch} components`);
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    if (ch === 1) out[i] = out[plane + i] = out[2 * plane + i] = img.data[i] / 255;
    else {
      out[i] = img.data[i * ch] / 255;
      out[plane + i] = img.data[i * ch + 1] / 255;
      out[2 * plane + i] = img.data[i * ch + 2] / 255;
    }
  }
  return { width, height, data: out };
}

/** Bilinear resize of planar 3-channel data (pixel centres aligned, as most libraries do). */
export function resize(img: Decoded, height: number, width: number): Decoded {
  if (img.height === height && img.width === width) return img;
  const out = new Float32Array(3 * height * width);
  const sy = img.height / height, sx = img.width / width;
  const ip = img.width * img.height, op = width * height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, img.height - 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, img.width - 1), wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const b = c * ip, d = img.data;
        const top = d[b + y0 * img.width + x0] * (1 - wx) + d[b + y0 * img.width + x1] * wx;
        const bot = d[b + y1 * img.width + x0] * (1 - wx) + d[b + y1 * img.width + x1] * wx;
        out[c * op + y * width + x] = top * (1 - wy) + bot * wy;
      }
    }
  }
  return { width, height, data: out };
}
