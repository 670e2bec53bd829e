/**
 * Reading one input image and writing one output file, for the command line:
 * the same code on a codec worker or on the calling thread. Failures are
 * reasons (never empty), never throws.
 *
 * @module
 */

import type { OutputFormat } from "./args.ts";
import { fromBatchEither, toBatch } from "../io/batch.ts";
import { decodeImageEither, readImageInfoEither } from "../io/decode_image.ts";
import type { Image } from "../io/image.ts";
import { encodePngEither } from "../io/png_encode.ts";
import { HEADER_FIRST_BYTES, HEADER_MAX_BYTES, plausibleFileBytes } from "./limits.ts";
import { npyBytes } from "./npy.ts";
import { deflatePng } from "./png_deflate.ts";

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

/** Reads from `file` until `buf` is full or the file ends; the bytes read. */
async function readInto(file: Deno.FsFile, buf: Uint8Array, from: number): Promise<number> {
  let n = from;
  while (n < buf.length) {
    const got = await file.read(buf.subarray(n));
    if (got === null) break;
    n += got;
  }
  return n;
}

/**
 * Reads an input file, its header first: the first 64 KiB (more, up to 16
 * MiB, while the header is cut off), then, once the header says a PNG or
 * JPEG of at most `maxPixels` pixels whose file size is plausible for them
 * (see {@link plausibleFileBytes}), the rest. Anything else is refused from
 * those first bytes, so a 2 GB video beside the photos costs 64 KiB. A
 * reason (one line) on failure.
 */
export async function readInput(path: string, maxPixels: number): Promise<Uint8Array | string> {
  let file: Deno.FsFile | undefined;
  try {
    // Listed as a regular file (or a link to one): never open anything else (a FIFO would block).
    if (!(await Deno.stat(path)).isFile) return "not a regular file any more";
    file = await Deno.open(path, { read: true });
    const info = await file.stat();
    if (!info.isFile) return "not a regular file any more";
    const size = info.size;
    let buf = new Uint8Array(Math.min(size, HEADER_FIRST_BYTES));
    let n = await readInto(file, buf, 0);
    for (;;) {
      const whole = n < buf.length || n >= size;
      const head = buf.subarray(0, n);
      const header = readImageInfoEither(head, { orientation: "ignore", maxPixels });
      if (header._tag === "Right") {
        const { width, height, bitDepth } = header.right;
        const most = plausibleFileBytes(width, height, bitDepth);
        if (size > most) {
          return `the file is ${size} bytes, more than a PNG or JPEG of ${width}x${height} can need ` +
            `(at most 2 x its raw size + 16 MiB = ${most} bytes): not read`;
        }
        break;
      }
      const why = header.left.message;
      // Not a PNG or JPEG, or over --max-pixels: said from the first bytes.
      if (!/truncated/.test(why) || whole) {
        if (whole) break; // the whole file is here: the decoder says what is wrong
        return nonEmpty(why.replace(/\(maxPixels\)$/, "(--max-pixels)"), "cannot decode");
      }
      if (n >= HEADER_MAX_BYTES) {
        return `no image header in the first ${HEADER_MAX_BYTES} bytes (16 MiB): not read further`;
      }
      const grown = new Uint8Array(Math.min(size, n * 4, HEADER_MAX_BYTES));
      grown.set(head);
      buf = grown;
      n = await readInto(file, buf, n);
    }
    if (n >= size) return buf.subarray(0, n);
    // The rest, into one buffer of the size the file had (a file that grows meanwhile is refused).
    const all = new Uint8Array(size + 1);
    all.set(buf.subarray(0, n));
    const total = await readInto(file, all, n);
    if (total > size) return "the file grew while it was read";
    return all.subarray(0, total);
  } catch (e) {
    return `cannot read (${message(e)})`;
  } finally {
    file?.close();
  }
}

/** Whether a decoded input can go into a batch as its own RGB bytes (8-bit, 3 channels, not resized). */
export function rgb8(s: Source): boolean {
  return s.image !== null && s.bitDepth === 8 && s.channels === 3 && s.image.channels === 3 &&
    s.image.data instanceof Uint8Array;
}

/** Reads and decodes an input, choosing its channels; with `size`, resizes it. A reason on failure. */
export async function readImage(
  path: string,
  maxPixels: number,
  accepts: Accepts,
  size?: { readonly height: number; readonly width: number },
): Promise<Source | string> {
  const bytes = await readInput(path, maxPixels);
  if (typeof bytes === "string") return bytes;
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
    const planar = toBatch([image], { size, channels, maxPixels }).data;
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

/** The shape of one output. */
export interface Shape {
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
}

/** What writing one output did. */
export interface Written {
  /** The temporary it was written to. */
  readonly tmp: string;
  /** Values outside [0, 1] that the PNG clipped (0 for npy). */
  readonly clipped: number;
}

/**
 * One planar output (C × H × W floats) as an interleaved image of `bitDepth`
 * bits: each value clamped to [0, 1] and rounded, `round(max × x)` (what
 * `fromBatch` gives), and how many values were outside [0, 1]. A reason (the
 * one `fromBatch` gives) when a value is NaN.
 */
export function toImage(
  data: Float32Array,
  shape: Shape,
  bitDepth: 8 | 16,
): { image: Image; clipped: number } | string {
  const { channels, height, width } = shape;
  const plane = height * width;
  const out = bitDepth === 16 ? new Uint16Array(plane * channels) : new Uint8Array(plane * channels);
  // One loop per kind of array, so each stays monomorphic (this runs on every output).
  const clipped = bitDepth === 16
    ? quantize(data, out as Uint16Array, channels, plane, 65535)
    : quantize(data, out as Uint8Array, channels, plane, 255);
  if (clipped < 0) {
    // A NaN: the library's message, which names the value's index.
    const refused = fromBatchEither({ data, count: 1, channels, height, width }, { bitDepth });
    return refused._tag === "Left" ? refused.left.message : "a value is NaN";
  }
  return { image: { width, height, channels, bitDepth, data: out }, clipped };
}

/**
 * Planar `data` (channels × plane) into interleaved `out`: `round(max × x)`
 * of x clamped to [0, 1]; the count of values outside [0, 1], or -1 at a NaN.
 * `(max × x + 0.5) | 0` is `Math.round(max × x)` here, several times faster:
 * x is a float32 (24 significant bits) and max < 2^16, so max × x + 0.5 is
 * exact unless x < 2^-29, where both give 0.
 */
function quantize<T extends Uint8Array | Uint16Array>(
  data: Float32Array,
  out: T,
  channels: number,
  plane: number,
  max: number,
): number {
  let clipped = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0, o = c, j = c * plane; i < plane; i++, o += channels, j++) {
      const x = data[j];
      if (x >= 0 && x <= 1) out[o] = (max * x + 0.5) | 0;
      else if (x > 1) {
        out[o] = max;
        clipped++;
      } else if (x < 0) {
        out[o] = 0;
        clipped++;
      } else return -1;
    }
  }
  return clipped;
}

/**
 * One output's file bytes: npy (float32, as computed), or PNG at `level`
 * 0..9 (see png_deflate.ts), values clipped and counted. A reason on failure.
 */
export function encodeOutput(
  data: Float32Array,
  shape: Shape,
  format: OutputFormat,
  bitDepth: 8 | 16,
  level: number,
): { bytes: Uint8Array; clipped: number } | string {
  if (format === "npy") return { bytes: npyBytes(data, [shape.channels, shape.height, shape.width]), clipped: 0 };
  const img = toImage(data, shape, bitDepth);
  if (typeof img === "string") return img;
  // Stored rows (level 0) are as large whatever the filter: filter none, the cheapest.
  const filter = level === 0 ? "none" : "adaptive";
  const png = encodePngEither(img.image, { bitDepth, level, filter, deflate: deflatePng });
  return png._tag === "Left" ? png.left.message : { bytes: png.right, clipped: img.clipped };
}

/**
 * Encodes one output (planar C × H × W) as PNG (at zlib `level`) or npy and
 * writes it to the temporary `tmp`, making its folder once per folder in
 * `made`; a reason on failure (and no temporary left).
 */
export async function writeImage(
  tmp: string,
  data: Float32Array,
  shape: Shape,
  format: OutputFormat,
  bitDepth: 8 | 16,
  level: number,
  made: Set<string>,
): Promise<Written | string> {
  try {
    const encoded = encodeOutput(data, shape, format, bitDepth, level);
    if (typeof encoded === "string") return `cannot write (${encoded})`;
    const dir = tmp.slice(0, tmp.lastIndexOf("/"));
    if (dir && !made.has(dir)) {
      await Deno.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await Deno.writeFile(tmp, encoded.bytes, { createNew: true });
    return { tmp, clipped: encoded.clipped };
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    return `cannot write (${message(e)})`;
  }
}
