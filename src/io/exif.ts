/**
 * The EXIF orientation of a JPEG (APP1 `Exif\0\0`, a TIFF header in either
 * byte order, IFD0's tag 0x0112), and the turn or flip that makes the image
 * upright. Malformed EXIF never throws: anything out of place means "no
 * orientation" (1).
 *
 * @module
 */

/** An EXIF orientation, 1 (upright) to 8. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** The orientation an APP1 segment's payload (after its length) gives; 1 when absent or malformed. */
export function exifOrientation(app1: Uint8Array): Orientation {
  // "Exif\0\0", then the TIFF header.
  if (app1.length < 14) return 1;
  if (app1[0] !== 0x45 || app1[1] !== 0x78 || app1[2] !== 0x69 || app1[3] !== 0x66 || app1[4] !== 0 || app1[5] !== 0) {
    return 1;
  }
  const t = app1.subarray(6);
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (i: number) => (little ? t[i] | (t[i + 1] << 8) : (t[i] << 8) | t[i + 1]);
  const u32 = (i: number) => (little ? (u16(i) | (u16(i + 2) << 16)) >>> 0 : ((u16(i) << 16) | u16(i + 2)) >>> 0);
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > t.length) return 1;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > t.length) return 1;
    if (u16(e) !== 0x0112) continue;
    // SHORT (type 3), one value, held in the entry itself.
    if (u16(e + 2) !== 3 || u32(e + 4) !== 1) return 1;
    const v = u16(e + 8);
    return v >= 1 && v <= 8 ? (v as Orientation) : 1;
  }
  return 1;
}

/** Whether an orientation turns the image by 90° (width and height swap). */
export function swapsAxes(o: Orientation): boolean {
  return o >= 5;
}

/**
 * The upright image of `data` (`w × h` pixels of `c` interleaved samples)
 * stored with orientation `o`, as Pillow's `ImageOps.exif_transpose` makes it.
 */
export function applyOrientation<T extends Uint8Array | Uint16Array>(
  data: T,
  w: number,
  h: number,
  c: number,
  o: Orientation,
): { data: T; width: number; height: number } {
  if (o === 1) return { data, width: w, height: h };
  const swap = swapsAxes(o);
  const ow = swap ? h : w, oh = swap ? w : h;
  const out = new (data.constructor as { new (n: number): T })(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number, sy: number;
      switch (o) {
        case 2: // mirrored
          sx = w - 1 - x, sy = y;
          break;
        case 3: // turned 180°
          sx = w - 1 - x, sy = h - 1 - y;
          break;
        case 4: // flipped top to bottom
          sx = x, sy = h - 1 - y;
          break;
        case 5: // transposed
          sx = y, sy = x;
          break;
        case 6: // stored turned 90° counter-clockwise: turn clockwise
          sx = y, sy = h - 1 - x;
          break;
        case 7: // transversed
          sx = w - 1 - y, sy = h - 1 - x;
          break;
        default: // 8: stored turned 90° clockwise: turn counter-clockwise
          sx = w - 1 - y, sy = x;
      }
      const s = (sy * w + sx) * c, d = (y * ow + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = data[s + k];
    }
  }
  return { data: out, width: ow, height: oh };
}
