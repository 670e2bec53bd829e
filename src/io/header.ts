/**
 * An image's format and size from its first bytes, before any decoding, so a
 * file whose header claims too many pixels (a decompression bomb) is refused
 * without allocating its pixels.
 *
 * @module
 */

/** What a header says. */
export interface ImageHeader {
  /** `png` or `jpeg`. */
  readonly format: "png" | "jpeg";
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format and size of a PNG or JPEG; a reason string when it is neither or the header is cut short. */
export function readHeader(bytes: Uint8Array): ImageHeader | string {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    if (bytes.length < 24) return "truncated PNG header";
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { format: "png", width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    // Walk the markers to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return "corrupt JPEG: no marker where one was expected";
      const marker = bytes[i + 1];
      if (marker === 0xff) {
        i++;
        continue;
      }
      const len = (bytes[i + 2] << 8) | bytes[i + 3];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return {
          format: "jpeg",
          height: (bytes[i + 5] << 8) | bytes[i + 6],
          width: (bytes[i + 7] << 8) | bytes[i + 8],
        };
      }
      i += 2 + len;
    }
    return "truncated JPEG header (no frame header)";
  }
  return "not a PNG or JPEG file";
}
