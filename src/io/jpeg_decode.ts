/**
 * JPEG decoding through jpeg-js (baseline and progressive, 8-bit, gray or
 * YCbCr), guarded by a walk of every marker first: exactly one frame header
 * (SOF0, SOF1 or SOF2) whose size is checked against the pixel limit before
 * jpeg-js allocates anything, every segment inside the file, every scan
 * followed by a marker, and an end-of-image marker — so a truncated file is
 * refused with a reason instead of decoding to gray. jpeg-js runs with
 * `tolerantDecoding` off (missing blocks are an error, not skipped) and with
 * its own resolution and memory limits set from the checked frame. The EXIF
 * orientation (APP1) is applied unless asked not to.
 *
 * Before decoding, a frame that claims more pixels than the file's bytes
 * could code is refused (jpeg-js would allocate for the whole frame first,
 * ~30 bytes a pixel): every 8×8 block of the full-resolution component costs
 * at least one bit in any baseline scan and in a progressive DC scan, so a
 * file needs at least one byte per {@link BLOCKS_PER_BYTE} such blocks
 * (half what the one-bit bound gives; a flat 4000×3000 photo written at
 * quality 1 takes ~30 times that).
 *
 * @module
 */

import jpeg from "jpeg-js";
import { applyOrientation, exifOrientation, type Orientation, swapsAxes } from "./exif.ts";
import { decodeError, type Image, type ImageInfo } from "./image.ts";

/** Whether `bytes` starts with a JPEG start-of-image marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** What the markers say. */
interface JpegFrame {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly orientation: Orientation;
}

const fail = (part: string, reason: string) => decodeError("JPEG", part, reason);

/** 8×8 blocks of the full-resolution component that one byte of a file may stand for, at most. */
export const BLOCKS_PER_BYTE = 16;

/** The fewest bytes a JPEG of `width`×`height` can have (see {@link BLOCKS_PER_BYTE}). */
export function minJpegBytes(width: number, height: number): number {
  return Math.ceil((Math.ceil(width / 8) * Math.ceil(height / 8)) / BLOCKS_PER_BYTE);
}

const sofName = (m: number) => `SOF${m - 0xc0}`;

/** The frame, once the markers before its scan are known: 4 components need Adobe's APP14 (CMYK or YCCK). */
function checked(
  frame: { width: number; height: number; components: number },
  orientation: Orientation,
  adobe: boolean,
): JpegFrame {
  if (frame.components === 4 && !adobe) {
    throw fail("", "4 components without an Adobe APP14 marker (CMYK or YCCK cannot be told apart)");
  }
  return { ...frame, orientation };
}

/**
 * Walks the markers of a JPEG. With `headerOnly` it stops at the first scan;
 * otherwise it walks to the end-of-image marker, skipping each scan's
 * entropy-coded data.
 */
function walk(bytes: Uint8Array, maxPixels: number, headerOnly: boolean): JpegFrame {
  const n = bytes.length;
  let pos = 2;
  let frame: { width: number; height: number; components: number } | undefined;
  let orientation: Orientation = 1;
  let exifSeen = false, adobe = false, scans = 0, coded = 0;
  for (;;) {
    if (pos >= n) throw fail("", "truncated file (no end-of-image marker)");
    if (bytes[pos] !== 0xff) throw fail("", `no marker at byte ${pos} (0x${bytes[pos].toString(16)} found)`);
    while (pos < n && bytes[pos] === 0xff) pos++; // fill bytes
    if (pos >= n) throw fail("", "truncated file (no end-of-image marker)");
    const m = bytes[pos++];
    if (m === 0xd9) {
      if (!frame) throw fail("", "no frame header (SOF) before the end-of-image marker");
      if (scans === 0) throw fail("", "no image data (no scan before the end-of-image marker)");
      // Comments and APPn padding code no blocks: the scans' own bytes must be enough for the frame.
      if (coded < minJpegBytes(frame.width, frame.height)) {
        throw fail(
          "",
          `${frame.width}x${frame.height} needs at least ${
            minJpegBytes(frame.width, frame.height)
          } bytes of scan data ` +
            `(one per ${BLOCKS_PER_BYTE} blocks of 8x8), the scans have ${coded}: damaged or forged`,
        );
      }
      return checked(frame, orientation, adobe);
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue; // TEM, RSTn: no length
    if (m === 0x00 || m === 0xd8) {
      throw fail("", `unexpected marker 0xff${m.toString(16).padStart(2, "0")} at byte ${pos - 2}`);
    }
    if (pos + 2 > n) throw fail("", "truncated file (a segment's length is cut off)");
    const length = (bytes[pos] << 8) | bytes[pos + 1];
    if (length < 2) throw fail("", `segment 0xff${m.toString(16)} has length ${length}, expected >= 2`);
    if (pos + length > n) {
      throw fail("", `truncated file (segment 0xff${m.toString(16)} needs ${length} bytes, ${n - pos} left)`);
    }
    const at = pos + 2, end = pos + length;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (frame) throw fail(sofName(m), "a second frame header (only one frame is allowed)");
      if (m > 0xc2) {
        throw fail(sofName(m), "lossless, hierarchical or arithmetic-coded JPEG is not supported (only SOF0..SOF2)");
      }
      if (length < 8) throw fail(sofName(m), `length ${length}, expected >= 8`);
      const precision = bytes[at];
      const height = (bytes[at + 1] << 8) | bytes[at + 2], width = (bytes[at + 3] << 8) | bytes[at + 4];
      const components = bytes[at + 5];
      if (precision !== 8) throw fail(sofName(m), `sample precision ${precision} bits, expected 8`);
      if (width === 0 || height === 0) {
        throw fail(sofName(m), `size ${width}x${height} (a height set later by DNL is not supported)`);
      }
      if (components !== 1 && components !== 3 && components !== 4) {
        throw fail(sofName(m), `${components} components, expected 1 (gray), 3 (colour) or 4 (Adobe CMYK)`);
      }
      if (length !== 8 + 3 * components) {
        throw fail(sofName(m), `length ${length}, expected ${8 + 3 * components} for ${components} components`);
      }
      for (let c = 0; c < components; c++) {
        const hv = bytes[at + 7 + 3 * c];
        if (hv >> 4 < 1 || hv >> 4 > 4 || (hv & 15) < 1 || (hv & 15) > 4) {
          throw fail(sofName(m), `sampling factors ${hv >> 4}x${hv & 15}, expected each in 1..4`);
        }
      }
      if (width * height > maxPixels) {
        throw fail(
          sofName(m),
          `${width}x${height} = ${width * height} pixels is over the limit of ${maxPixels} (maxPixels)`,
        );
      }
      if (!headerOnly && n < minJpegBytes(width, height)) {
        throw fail(
          sofName(m),
          `${width}x${height} needs at least ${minJpegBytes(width, height)} bytes ` +
            `(one per ${BLOCKS_PER_BYTE} blocks of 8x8), the file has ${n}: damaged or forged`,
        );
      }
      frame = { width, height, components };
    } else if (m === 0xee && length >= 14 && String.fromCharCode(...bytes.subarray(at, at + 5)) === "Adobe") {
      adobe = true;
    } else if (m === 0xe1 && !exifSeen && length >= 8) {
      const payload = bytes.subarray(at, end);
      if (payload[0] === 0x45 && payload[1] === 0x78 && payload[2] === 0x69 && payload[3] === 0x66) {
        exifSeen = true;
        orientation = exifOrientation(payload);
      }
    } else if (m === 0xda) {
      if (!frame) throw fail("SOS", "a scan before the frame header");
      if (headerOnly) return checked(frame, orientation, adobe);
      scans++;
      // Entropy-coded data: up to the next marker that is not a stuffed 0 or a restart.
      let i = end;
      for (;;) {
        if (i + 1 >= n) throw fail("", "truncated file (the scan data runs to the end, no end-of-image marker)");
        if (bytes[i] === 0xff) {
          const b = bytes[i + 1];
          if (b !== 0 && b !== 0xff && !(b >= 0xd0 && b <= 0xd7)) break;
        }
        i++;
      }
      coded += i - end;
      pos = i;
      continue;
    }
    pos = end;
  }
}

/** Format, size (after the orientation), channels and bit depth of a JPEG, from the markers before the first scan. */
export function readJpegInfo(
  bytes: Uint8Array,
  maxPixels = Infinity,
  orientation: "apply" | "ignore" = "apply",
): ImageInfo {
  const f = walk(bytes, maxPixels, true);
  const swap = orientation === "apply" && swapsAxes(f.orientation);
  return {
    format: "jpeg",
    width: swap ? f.height : f.width,
    height: swap ? f.width : f.height,
    channels: f.components === 1 ? 1 : 3,
    bitDepth: 8,
  };
}

/** Decodes a JPEG; throws a `FreqaugError` (code `decode`) on anything wrong. */
export function decodeJpeg(bytes: Uint8Array, maxPixels: number, orientation: "apply" | "ignore"): Image {
  const f = walk(bytes, maxPixels, false);
  const pixels = f.width * f.height;
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: (pixels + 1) / 1e6,
      // Coefficients (4 bytes per sample per component, MCU-padded), component lines and output: ~30 bytes a pixel.
      maxMemoryUsageInMB: Math.ceil((pixels * 40) / 2 ** 20) + 16,
    }) as unknown as typeof img;
  } catch (e) {
    const why = e instanceof Error ? e.message || e.name : String(e);
    throw fail("", `damaged data (${why.trim() || "the decoder failed without a reason"})`);
  }
  if (img.width !== f.width || img.height !== f.height || img.data.length !== 3 * pixels) {
    throw fail("", `the decoder returned ${img.width}x${img.height}, the frame header says ${f.width}x${f.height}`);
  }
  let data = img.data;
  const channels = f.components === 1 ? 1 : 3;
  if (channels === 1) {
    data = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) data[i] = img.data[3 * i];
  }
  const o = orientation === "apply" ? f.orientation : 1;
  const up = applyOrientation(data, f.width, f.height, channels, o);
  return { width: up.width, height: up.height, channels, bitDepth: 8, data: up.data };
}
