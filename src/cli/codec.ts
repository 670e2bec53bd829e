/**
 * Reading one input image and writing one output file, for the command line:
 * the same code on a codec worker or on the calling thread. Failures are
 * reasons (never empty), never throws.
 *
 * @module
 */

import type { OutputFormat } from "./args.ts";
import { fromBatch, toBatch } from "../io/batch.ts";
import { decodeImageEither } from "../io/decode_image.ts";
import type { Image } from "../io/image.ts";
import { encodePng } from "../io/png_encode.ts";
import { npyBytes } from "./npy.ts";
import { outOfRange } from "./range.ts";

/** Which channel counts the pipeline takes. */
export interface Accepts {
  /** 1 channel (gray inputs stay gray). */
  readonly gray: boolean;
  /** 3 channels. */
  readonly rgb: boolean;
}

/** A decoded input, ready to batch. */
export interface Source {
  /** Height as batched (after --size). */
  readonly height: number;
  /** Width as batched. */
  readonly width: number;
  /** Channels as batched: 1 (gray, when the pipeline takes it) or 3. */
  readonly channels: 1 | 3;
  /** The input's bit depth. */
  readonly bitDepth: 8 | 16;
  /** Whether the input was gray (1 or 2 channels). */
  readonly gray: boolean;
  /** The decoded image (no --size), interleaved; or null when `planar` holds it. */
  readonly image: Image | null;
  /** The resized image as planar floats in [0, 1] (with --size). */
  readonly planar: Float32Array | null;
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.trim() || (e instanceof Error ? e.name : "unknown error");
}

/** A reason that is never empty. */
export function nonEmpty(reason: string, what: string): string {
  return reason.trim() ? reason : `${what} (no reason given)`;
}

/** Reads and decodes an input, choosing its channels; with `size`, resizes it. A reason on failure. */
export async function readImage(
  path: string,
  maxPixels: number,
  accepts: Accepts,
  size?: { readonly height: number; readonly width: number },
): Promise<Source | string> {
  let bytes: Uint8Array;
  try {
    // Listed as a regular file (or a link to one): never open anything else (a FIFO would block).
    const info = await Deno.stat(path);
    if (!info.isFile) return "not a regular file any more";
    bytes = await Deno.readFile(path);
  } catch (e) {
    return `cannot read (${message(e)})`;
  }
  let image: Image;
  try {
    const decoded = decodeImageEither(bytes, { maxPixels, orientation: "apply" });
    if (decoded._tag === "Left") {
      // The library names its option; the command line names its flag.
      return nonEmpty(decoded.left.message.replace(/\(maxPixels\)$/, "(--max-pixels)"), "cannot decode");
    }
    image = decoded.right;
  } catch (e) {
    return `cannot decode (${message(e)})`;
  }
  const gray = image.channels <= 2;
  if (!gray && !accepts.rgb) return "a color image, and the spec takes 1 channel only";
  const channels: 1 | 3 = gray && accepts.gray ? 1 : 3;
  const base = { channels, bitDepth: image.bitDepth, gray };
  if (!size) return { ...base, height: image.height, width: image.width, image, planar: null };
  try {
    const planar = toBatch([image], { size, channels }).data;
    return { ...base, height: size.height, width: size.width, image: null, planar };
  } catch (e) {
    return `cannot resize (${message(e)})`;
  }
}

/**
 * Writes an input's planar floats in [0, 1] (C × H × W) into `out` at
 * `offset`: the values `toBatch` gives (8-bit samples / 255, 16-bit / 65535,
 * gray repeated, alpha dropped), without its float64 intermediates (a
 * 4000×3000 photo would need 288 MB more).
 */
export function writePlanar(s: Source, out: Float32Array, offset: number): void {
  if (s.planar) {
    out.set(s.planar, offset);
    return;
  }
  const { width, height, channels: c, data } = s.image!;
  const n = width * height, scale = 1 / (s.bitDepth === 16 ? 65535 : 255);
  if (s.channels === 1) {
    for (let i = 0; i < n; i++) out[offset + i] = data[i * c] * scale;
  } else if (c >= 3) {
    for (let i = 0, j = 0; i < n; i++, j += c) {
      out[offset + i] = data[j] * scale;
      out[offset + n + i] = data[j + 1] * scale;
      out[offset + 2 * n + i] = data[j + 2] * scale;
    }
  } else {
    for (let i = 0; i < n; i++) out[offset + i] = out[offset + n + i] = out[offset + 2 * n + i] = data[i * c] * scale;
  }
}

/** What writing one output did. */
export interface Written {
  /** The temporary it was written to. */
  readonly tmp: string;
  /** Values outside [0, 1] that the PNG clipped (0 for npy). */
  readonly clipped: number;
}

/**
 * Encodes one output (planar C × H × W) as PNG or npy and writes it to the
 * temporary `tmp`, making its folder once per folder in `made`; a reason on failure.
 */
export async function writeImage(
  tmp: string,
  data: Float32Array,
  shape: { readonly channels: 1 | 3; readonly height: number; readonly width: number },
  format: OutputFormat,
  bitDepth: 8 | 16,
  made: Set<string>,
): Promise<Written | string> {
  try {
    const dir = tmp.slice(0, tmp.lastIndexOf("/"));
    if (dir && !made.has(dir)) {
      await Deno.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    const { channels, height, width } = shape;
    let bytes: Uint8Array, clipped = 0;
    if (format === "npy") bytes = npyBytes(data, [channels, height, width]);
    else {
      clipped = outOfRange(data);
      const [img] = fromBatch({ data, count: 1, channels, height, width }, { bitDepth });
      bytes = encodePng(img, { bitDepth });
    }
    await Deno.writeFile(tmp, bytes, { createNew: true });
    return { tmp, clipped };
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    return `cannot write (${message(e)})`;
  }
}
