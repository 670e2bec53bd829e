/**
 * zlib decompression (RFC 1950) of a known amount of data, through fflate's
 * streaming inflater, with the output bounded: the result is one buffer of
 * exactly the expected size, and the input is fed in slices small enough that
 * one slice cannot expand (at deflate's worst, 1032:1) much beyond what is
 * still missing, so a zlib bomb is refused after at most about 16 MiB of
 * output beyond the expected size (fflate's working buffer may hold twice
 * that for a moment), and after work proportional to the image's size, not to
 * the bomb's. The header is checked (deflate, window <= 32 KiB, check bits,
 * no preset dictionary) and the Adler-32 trailer verified.
 *
 * @module
 */

import { Inflate } from "fflate";
import { adler32 } from "./checksum.ts";
import { hex32 } from "./image.ts";

/** Deflate's largest expansion: 258 bytes from a 2-bit code, about 1032 per input byte. */
const MAX_RATIO = 1032;
/** Output allowed beyond what is still missing before a slice is fed: bounds a bomb, keeps slices large enough to be fast. */
const SLACK = 16 << 20;
/** Input slice sizes: fflate's streaming inflater pays a fixed cost per push (a 32 KiB window copy and a fresh buffer). */
const MIN_SLICE = 16 << 10, MAX_SLICE = 256 << 10;

/**
 * Inflates the zlib stream `stream` into exactly `expected` bytes; a reason
 * string when the header is bad, the data is damaged, ends early, holds more
 * than `expected` bytes or fails its Adler-32.
 */
export function inflateZlib(stream: Uint8Array, expected: number): Uint8Array | string {
  if (stream.length < 2) return "zlib stream is empty";
  const cmf = stream[0], flg = stream[1];
  if ((cmf & 15) !== 8) return `zlib method ${cmf & 15}, expected 8 (deflate)`;
  if (cmf >> 4 > 7) return `zlib window 2^${(cmf >> 4) + 8}, expected at most 2^15`;
  if (((cmf << 8) | flg) % 31 !== 0) return `zlib header check bits wrong (0x${((cmf << 8) | flg).toString(16)})`;
  if (flg & 32) return "zlib preset dictionary, which PNG does not allow";
  if (stream.length < 6) return "truncated image data (zlib stream cut short)";
  const body = stream.subarray(2, stream.length - 4);
  const out = new Uint8Array(expected);
  let produced = 0, over = false;
  const inflater = new Inflate((chunk: Uint8Array) => {
    if (over) return;
    if (produced + chunk.length > expected) {
      over = true;
      return;
    }
    out.set(chunk, produced);
    produced += chunk.length;
  });
  try {
    for (let pos = 0; pos < body.length || pos === 0;) {
      const budget = expected - produced + SLACK;
      const size = Math.max(MIN_SLICE, Math.min(MAX_SLICE, Math.floor(budget / MAX_RATIO)));
      const end = Math.min(body.length, pos + size);
      inflater.push(body.subarray(pos, end), end === body.length);
      if (over) return `more image data than ${expected} bytes (extra compressed data)`;
      pos = end;
      if (end === body.length) break;
    }
  } catch (e) {
    const why = e instanceof Error && e.message ? e.message : String(e);
    return /unexpected EOF/i.test(why)
      ? `truncated image data (the deflate stream ends early, ${produced} of ${expected} bytes)`
      : `damaged compressed data (${why || "inflate failed"})`;
  }
  if (produced < expected) return `truncated image data (${produced} of ${expected} bytes)`;
  const t = stream.length - 4;
  const stored = ((stream[t] << 24) | (stream[t + 1] << 16) | (stream[t + 2] << 8) | stream[t + 3]) >>> 0;
  const computed = adler32(out);
  if (stored !== computed) return `zlib Adler-32 mismatch (stored ${hex32(stored)}, computed ${hex32(computed)})`;
  return out;
}
