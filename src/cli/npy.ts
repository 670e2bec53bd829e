/**
 * NumPy `.npy` files (format 1.0) of float32 little-endian values in C order,
 * for outputs that must keep values outside [0, 1] (normalized pipelines).
 *
 * @module
 */

/**
 * The bytes of a `.npy` file holding `data` as float32 little-endian with
 * `shape` (C order): the magic, version 1.0, a header padded with spaces to a
 * multiple of 64 bytes and ending in a newline, then the values.
 *
 * @example
 * ```ts
 * import { npyBytes } from "./npy.ts";
 * const bytes = npyBytes(new Float32Array([0, -1.5, 2, 0.25]), [1, 2, 2]);
 * ```
 */
export function npyBytes(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`npy shape (${shape}) holds ${count} values, got ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  if (header.length > 65535) throw new RangeError("npy header over 65535 bytes");
  const out = new Uint8Array(10 + header.length + 4 * count);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY, version 1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < count; i++) body.setFloat32(4 * i, data[i], true);
  return out;
}
