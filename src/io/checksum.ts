/**
 * The two checksums of a PNG file: CRC-32 (ISO 3309, the polynomial
 * 0xEDB88320 reflected, as zlib's `crc32`) over each chunk's type and data,
 * and Adler-32 (RFC 1950) over the decompressed image data.
 *
 * @module
 */

/** Eight tables of 256 entries: slicing-by-8, eight bytes per step. */
const TABLES: Uint32Array = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let s = 1; s < 8; s++) t[s * 256 + n] = (t[(s - 1) * 256 + n] >>> 8) ^ t[t[(s - 1) * 256 + n] & 0xff];
  }
  return t;
})();

/**
 * CRC-32 of `bytes[start, end)`, continuing from `crc` (0 to start).
 *
 * @example
 * ```ts
 * import { crc32 } from "./checksum.ts";
 * crc32(new TextEncoder().encode("IEND")); // 0xae426082
 * ```
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  const t = TABLES;
  let c = ~crc;
  let i = Math.max(0, start);
  end = Math.min(end, bytes.length);
  for (; i + 8 <= end; i += 8) {
    const a = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c = t[1792 + (a & 0xff)] ^ t[1536 + ((a >>> 8) & 0xff)] ^ t[1280 + ((a >>> 16) & 0xff)] ^ t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^ t[512 + bytes[i + 5]] ^ t[256 + bytes[i + 6]] ^ t[bytes[i + 7]];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Adler-32 of `bytes` (1 for no bytes).
 *
 * @example
 * ```ts
 * import { adler32 } from "./checksum.ts";
 * adler32(new TextEncoder().encode("Wikipedia")); // 0x11e60398
 * ```
 */
export function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  const n = bytes.length;
  // Reduce every 5552 bytes (zlib's NMAX): the sums stay small integers.
  for (let i = 0; i < n;) {
    const end = Math.min(i + 5552, n);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
