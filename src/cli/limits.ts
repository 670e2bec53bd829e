/**
 * The command line's bounds on what it reads: the spec file's size, how far
 * into an input its header is looked for, and the largest file an image of a
 * given size may plausibly be, so nothing is read whole before it is known
 * to fit.
 *
 * @module
 */

/** The largest spec file read: 1 MiB (a spec of 64 ops is a few KiB). */
export const SPEC_MAX_BYTES = 1_048_576;

/** The first read of an input: 64 KiB, enough for the header of almost every PNG and JPEG. */
export const HEADER_FIRST_BYTES = 65_536;

/**
 * How far into an input its header is looked for: 16 MiB (a JPEG's markers
 * before its first scan, a PNG's chunks before its image data: EXIF, ICC
 * profiles and text chunks).
 */
export const HEADER_MAX_BYTES = 16_777_216;

/** The slack of {@link plausibleFileBytes}: 16 MiB of metadata. */
export const FILE_SLACK_BYTES = 16_777_216;

/**
 * The largest file a PNG or JPEG of `width` × `height` is accepted as: twice
 * its raw size as RGBA at its bit depth (4 channels × 1 or 2 bytes) plus 16
 * MiB. An uncompressed PNG is about its raw size; a JPEG of noise at quality
 * 100 stays under it; more is not an encoding of that many pixels (trailing
 * data, a bomb of tiny chunks), so the file is refused before it is read.
 */
export function plausibleFileBytes(width: number, height: number, bitDepth: 8 | 16): number {
  return 2 * width * height * 4 * (bitDepth / 8) + FILE_SLACK_BYTES;
}
