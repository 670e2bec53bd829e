/**
 * How the CPU backend reads a batch and writes its result: float NCHW (the
 * array's own type), or bytes NHWC, converted in the load and the store of
 * each image (no batch-sized copy in another type).
 *
 * Bytes in: byte v is the float32 value `Math.fround(v / 255)`, so a byte
 * batch computes exactly as the float32 batch of those values. Bytes out:
 * {@link toByte}, the conversion the WebGPU backend's shaders do too.
 *
 * @module
 */

/** The array kind of a result: float32, float64, float16 (NCHW) or bytes (NHWC). */
export type OutKind = "f32" | "f64" | "f16" | "u8";

/** An array of a result. */
export type OutArray = Float32Array | Float64Array | Float16Array | Uint8Array;

/** An array of an input batch. */
export type InArray = Float32Array | Float64Array | Uint8Array | Uint8ClampedArray;

/** How a run reads and writes: bytes per pixel of NHWC bytes, or 0 for float NCHW. */
export interface Io {
  /** Bytes per pixel of the input (3 or 4, the 4th alpha), or 0: float NCHW. */
  readonly inBytes: number;
  /** Bytes per pixel of the output, or 0: float NCHW (of the output array's type). */
  readonly outBytes: number;
}

/** Float in, float out. */
export const FLOAT_IO: Io = { inBytes: 0, outBytes: 0 };

/** Byte v as the value it stands for: the float32 nearest v / 255. */
export const BYTE_VALUE: Float64Array = Float64Array.from({ length: 256 }, (_, v) => Math.fround(v / 255));

/**
 * A value as a byte: `round(clamp(x, 0, 1) * 255)` on x rounded to float32,
 * with the product rounded to float32 and ties to even — what WGSL's
 * `round(clamp(x, 0.0, 1.0) * 255.0)` computes on a float32 x.
 */
export function toByte(x: number): number {
  const v = Math.fround(x);
  if (!(v > 0)) return 0;
  if (v >= 1) return 255;
  const y = Math.fround(v * 255);
  let r = Math.round(y);
  if (r - y === 0.5 && (r & 1) === 1) r--;
  return r;
}

/** A new result array of `n` values of a kind. */
export function allocOut(kind: OutKind, n: number): OutArray {
  switch (kind) {
    case "f64":
      return new Float64Array(n);
    case "f16":
      return new Float16Array(n);
    case "u8":
      return new Uint8Array(n);
    default:
      return new Float32Array(n);
  }
}

/** Bytes per value of a result kind. */
export const OUT_BYTES: Readonly<Record<OutKind, number>> = { f32: 4, f64: 8, f16: 2, u8: 1 };

/** A result array of `n` values of a kind over the start of `buffer` (at least `n * OUT_BYTES[kind]` bytes). */
export function outView(kind: OutKind, buffer: ArrayBufferLike, n: number): OutArray {
  switch (kind) {
    case "f64":
      return new Float64Array(buffer, 0, n);
    case "f16":
      return new Float16Array(buffer, 0, n);
    case "u8":
      return new Uint8Array(buffer, 0, n);
    default:
      return new Float32Array(buffer, 0, n);
  }
}

/** An input array of the type of `like`, of `n` values over the start of `buffer`. */
export function inView(like: InArray, buffer: ArrayBufferLike, n: number): InArray {
  if (like instanceof Float64Array) return new Float64Array(buffer, 0, n);
  if (like instanceof Float32Array) return new Float32Array(buffer, 0, n);
  if (like instanceof Uint8ClampedArray) return new Uint8ClampedArray(buffer, 0, n);
  return new Uint8Array(buffer, 0, n);
}

/**
 * Reads image `base` (a byte offset) of NHWC bytes of `stride` bytes per
 * pixel into planar float64: the first `channels` channels of `plane` pixels.
 */
export function loadBytes(
  src: Uint8Array | Uint8ClampedArray,
  base: number,
  stride: number,
  channels: number,
  plane: number,
  out: Float64Array,
): void {
  for (let c = 0; c < channels; c++) {
    const o = c * plane;
    for (let p = 0, j = base + c; p < plane; p++, j += stride) out[o + p] = BYTE_VALUE[src[j]];
  }
}

/**
 * Writes a planar float64 image of `channels` channels of `plane` pixels as
 * NHWC bytes of `stride` bytes per pixel at byte `at` of `dst`. Bytes past
 * the channels (alpha) are copied from `alpha` (the input image's bytes, at
 * `alphaAt`, of the same stride and pixel count) when given, else 255.
 */
export function storeBytes(
  img: Float64Array,
  channels: number,
  plane: number,
  dst: Uint8Array,
  at: number,
  stride: number,
  alpha: Uint8Array | Uint8ClampedArray | null,
  alphaAt: number,
): void {
  for (let c = 0; c < channels; c++) {
    const o = c * plane;
    for (let p = 0, j = at + c; p < plane; p++, j += stride) dst[j] = toByte(img[o + p]);
  }
  for (let c = channels; c < stride; c++) {
    if (alpha) { for (let p = 0, j = c; p < plane; p++, j += stride) dst[at + j] = alpha[alphaAt + j]; }
    else for (let p = 0, j = at + c; p < plane; p++, j += stride) dst[j] = 255;
  }
}
