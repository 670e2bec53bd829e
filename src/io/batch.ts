/**
 * Between decoded images and the library's batches: `toBatch` (channel
 * conversion, antialiased resize, planar float32 in [0, 1]), `fromBatch` (the
 * way back, clamped and rounded) and `resizeImage` (the same resize on one
 * image). The resize is torchvision's `resize(..., antialias=True)` on float
 * tensors: bilinear, with the triangle widened by the shrink factor when
 * reducing (as PIL's BILINEAR), so a downscale does not alias.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import type { Either } from "../errors/either.ts";
import { fail, type FreqaugError, orThrow } from "../errors/error.ts";
import type { Batch } from "../api/validate.ts";
import { resizeBilinear } from "../math/resize.ts";
import { checkImage } from "./check.ts";
import { DEFAULT_MAX_PIXELS, type Image } from "./image.ts";

/** torchvision's `rgb_to_grayscale` weights (ITU-R 601-2 luma). */
export const GRAY_WEIGHTS = [0.2989, 0.587, 0.114] as const;

/**
 * How to build a batch.
 *
 * @example
 * ```ts
 * import type { ToBatchOptions } from "@freqaug/freqaug/io";
 * const options: ToBatchOptions = { size: { height: 224, width: 224 }, channels: 3 };
 * ```
 */
export interface ToBatchOptions {
  /** Resize every image to this size (integers >= 1); required when the images differ in size. */
  readonly size?: { readonly height: number; readonly width: number };
  /** Channels of the batch: 1 (gray) or 3 (RGB); default 1 if every image is gray, else 3. */
  readonly channels?: 1 | 3;
  /** Largest `size` allowed, in pixels (height × width): default 89,478,485, as the decoder's. */
  readonly maxPixels?: number;
}

/**
 * How to turn a batch back into images.
 *
 * @example
 * ```ts
 * import type { FromBatchOptions } from "@freqaug/freqaug/io";
 * const options: FromBatchOptions = { bitDepth: 16 };
 * ```
 */
export interface FromBatchOptions {
  /** Bits per sample of the images: 8 (default) or 16. */
  readonly bitDepth?: 8 | 16;
}

function size(
  path: string,
  s: unknown,
  maxPixels: unknown = DEFAULT_MAX_PIXELS,
): E.Either<FreqaugError, { height: number; width: number }> {
  if (typeof maxPixels !== "number" || !Number.isSafeInteger(maxPixels) || maxPixels < 1) {
    return fail("input", "options.maxPixels", maxPixels, "an integer >= 1");
  }
  if (typeof s !== "object" || s === null) return fail("input", path, s, "{ height, width }, integers >= 1");
  const { height, width } = s as { height: unknown; width: unknown };
  for (const [k, v] of [["height", height], ["width", width]] as const) {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
      return fail("input", `${path}.${k}`, v, "an integer >= 1");
    }
  }
  const pixels = (height as number) * (width as number);
  if (pixels > maxPixels) {
    return fail("input", path, `${width}x${height}`, `at most ${maxPixels} pixels (got ${pixels}; maxPixels)`);
  }
  return E.right({ height: height as number, width: width as number });
}

/** `make()`, or a Left naming `path` when the memory cannot be had (a RangeError from an allocation). */
function allocate<A>(path: string, bytes: number, make: () => A): E.Either<FreqaugError, A> {
  try {
    return E.right(make());
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return fail("input", path, undefined, `a size whose ${bytes} bytes can be allocated (${e.message})`);
  }
}

/** Image `img` as `channels` planes of float64 in [0, 1]: alpha dropped, gray repeated or colour weighted. */
function planes(img: Image, channels: 1 | 3): Float64Array {
  const { width, height, channels: c, data } = img;
  const n = width * height;
  const scale = 1 / (img.bitDepth === 16 ? 65535 : 255);
  const out = new Float64Array(channels * n);
  const color = c >= 3;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    if (channels === 3) {
      if (color) {
        out[i] = data[s] * scale;
        out[n + i] = data[s + 1] * scale;
        out[2 * n + i] = data[s + 2] * scale;
      } else out[i] = out[n + i] = out[2 * n + i] = data[s] * scale;
    } else {
      out[i] = color
        ? (GRAY_WEIGHTS[0] * data[s] + GRAY_WEIGHTS[1] * data[s + 1] + GRAY_WEIGHTS[2] * data[s + 2]) * scale
        : data[s] * scale;
    }
  }
  return out;
}

/** Resizes `c` planes of `h × w` to `oh × ow` (antialiased bilinear); the input itself when the size is the same. */
export function resizePlanes(src: Float64Array, c: number, h: number, w: number, oh: number, ow: number): Float64Array {
  if (h === oh && w === ow) return src;
  const dst = new Float64Array(c * oh * ow);
  resizeBilinear(src, c, h, w, { top: 0, left: 0, height: h, width: w }, dst, oh, ow, true);
  return dst;
}

/**
 * `toBatch` as an Either: a Left `FreqaugError` instead of a throw.
 *
 * @example
 * ```ts
 * import { toBatchEither } from "@freqaug/freqaug/io";
 * const r = toBatchEither([]); // Left: "images: got [], expected a non-empty array of images"
 * ```
 */
export function toBatchEither(
  images: readonly Image[],
  options: ToBatchOptions = {},
): Either<FreqaugError, Batch<Float32Array>> {
  if (!Array.isArray(images) || images.length === 0) {
    return fail("input", "images", images, "a non-empty array of images");
  }
  if (typeof options !== "object" || options === null) return fail("input", "options", options, "an options object");
  for (let k = 0; k < images.length; k++) {
    const r = checkImage(images[k], `images[${k}]`);
    if (E.isLeft(r)) return r;
  }
  const limit = options.maxPixels;
  if (limit !== undefined && (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1)) {
    return fail("input", "options.maxPixels", limit, "an integer >= 1");
  }
  let target: { height: number; width: number };
  if (options.size !== undefined) {
    const r = size("options.size", options.size, options.maxPixels);
    if (E.isLeft(r)) return r;
    target = r.right;
  } else {
    target = { height: images[0].height, width: images[0].width };
    const k = images.findIndex((im) => im.height !== target.height || im.width !== target.width);
    if (k >= 0) {
      return fail(
        "input",
        "options.size",
        undefined,
        `a { height, width } to resize to: images[${k}] is ${images[k].width}x${
          images[k].height
        }, images[0] is ${target.width}x${target.height}`,
      );
    }
  }
  const channels = options.channels ?? (images.every((im) => im.channels <= 2) ? 1 : 3);
  if (channels !== 1 && channels !== 3) return fail("input", "options.channels", channels, "1 or 3");
  const { height, width } = target;
  const per = channels * height * width;
  return allocate("options.size", images.length * per * 4, () => {
    const data = new Float32Array(images.length * per);
    images.forEach((img, k) => {
      data.set(resizePlanes(planes(img, channels), channels, img.height, img.width, height, width), k * per);
    });
    return { data, count: images.length, channels, height, width };
  });
}

/**
 * Stacks images into a planar NCHW float32 batch in [0, 1] (8-bit samples
 * divided by 255, 16-bit by 65535), the layout every op takes. Alpha is
 * dropped (not composited). With `channels: 3` a gray image is repeated; with
 * `channels: 1` a colour image becomes `0.2989 R + 0.587 G + 0.114 B`
 * (torchvision's `rgb_to_grayscale`). Images of different sizes need `size`;
 * resizing is torchvision's `resize(..., antialias=True)` (bilinear, widened
 * when reducing). Throws a `FreqaugError` for an empty list, a malformed
 * image, mixed sizes without `size`, a `size` over `maxPixels` (default
 * 89,478,485) or too large to allocate, or channels other than 1 or 3.
 *
 * @example
 * ```ts
 * import { toBatch } from "@freqaug/freqaug/io";
 * const gray = { width: 4, height: 4, channels: 1, bitDepth: 8, data: new Uint8Array(16).fill(255) } as const;
 * const batch = toBatch([gray], { size: { height: 2, width: 2 }, channels: 3 });
 * // { count: 1, channels: 3, height: 2, width: 2, data: Float32Array(12) [1, 1, …] }
 * ```
 */
export function toBatch(images: readonly Image[], options?: ToBatchOptions): Batch<Float32Array> {
  return orThrow(toBatchEither(images, options));
}

/**
 * `fromBatch` as an Either: a Left `FreqaugError` instead of a throw.
 *
 * @example
 * ```ts
 * import { fromBatchEither } from "@freqaug/freqaug/io";
 * const r = fromBatchEither({ data: new Float32Array(4), count: 1, channels: 1, height: 2, width: 2 }, { bitDepth: 16 });
 * ```
 */
export function fromBatchEither(
  batch: Batch<Float32Array | Float64Array>,
  options: FromBatchOptions = {},
): Either<FreqaugError, Image[]> {
  if (typeof batch !== "object" || batch === null) {
    return fail("input", "batch", batch, "an object { data, count, channels, height, width }");
  }
  if (typeof options !== "object" || options === null) return fail("input", "options", options, "an options object");
  const { data, count, channels, height, width } = batch;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    return fail("input", "batch.data", data, "a Float32Array or a Float64Array");
  }
  for (const [k, v] of [["count", count], ["height", height], ["width", width]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) return fail("input", `batch.${k}`, v, "an integer >= 1");
  }
  if (channels !== 1 && channels !== 3) return fail("input", "batch.channels", channels, "1 or 3 (gray or RGB)");
  const want = count * channels * height * width;
  if (data.length !== want) {
    return fail("input", "batch.data.length", data.length, `count × channels × height × width = ${want}`);
  }
  const bitDepth = options.bitDepth ?? 8;
  if (bitDepth !== 8 && bitDepth !== 16) return fail("input", "options.bitDepth", bitDepth, "8 or 16");
  const max = bitDepth === 16 ? 65535 : 255;
  const plane = height * width;
  const images: Image[] = [];
  for (let n = 0; n < count; n++) {
    const out = bitDepth === 16 ? new Uint16Array(plane * channels) : new Uint8Array(plane * channels);
    const base = n * channels * plane;
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < plane; i++) {
        const x = data[base + c * plane + i];
        if (Number.isNaN(x)) return fail("input", `batch.data[${base + c * plane + i}]`, x, "a number (not NaN)");
        out[i * channels + c] = Math.round(max * (x < 0 ? 0 : x > 1 ? 1 : x));
      }
    }
    images.push({ width, height, channels: channels as 1 | 3, bitDepth, data: out });
  }
  return E.right(images);
}

/**
 * Splits a planar NCHW batch (1 or 3 channels, float32 or float64) into
 * images: values clamped to [0, 1] and rounded to 8 bits (default) or 16.
 * `fromBatch(toBatch(images))` gives 8-bit images back exactly. Throws a
 * `FreqaugError` for a malformed batch, channels other than 1 or 3, NaN, or
 * a bit depth other than 8 or 16.
 *
 * @example
 * ```ts
 * import { encodePng, fromBatch } from "@freqaug/freqaug/io";
 * const batch = { data: new Float32Array(2 * 3 * 4 * 4).fill(0.5), count: 2, channels: 3, height: 4, width: 4 };
 * const [first] = fromBatch(batch); // 8-bit RGB, every sample 128
 * const png = encodePng(first);
 * ```
 */
export function fromBatch(batch: Batch<Float32Array | Float64Array>, options?: FromBatchOptions): Image[] {
  return orThrow(fromBatchEither(batch, options));
}

/**
 * `resizeImage` as an Either: a Left `FreqaugError` instead of a throw.
 *
 * @example
 * ```ts
 * import { resizeImageEither } from "@freqaug/freqaug/io";
 * const img = { width: 2, height: 2, channels: 1, bitDepth: 8, data: new Uint8Array(4) } as const;
 * const r = resizeImageEither(img, { height: 0, width: 1 }); // Left: "size.height: got 0, expected an integer >= 1"
 * ```
 */
export function resizeImageEither(
  image: Image,
  target: { readonly height: number; readonly width: number },
  options: { readonly maxPixels?: number } = {},
): Either<FreqaugError, Image> {
  const checked = checkImage(image, "image");
  if (E.isLeft(checked)) return checked;
  const s = size("size", target, options?.maxPixels);
  if (E.isLeft(s)) return s;
  return allocate(
    "size",
    (image.channels * (image.width * image.height + s.right.height * s.right.width)) * 8,
    () => resized(image, s.right.height, s.right.width),
  );
}

function resized(image: Image, height: number, width: number): Image {
  const { channels: c, bitDepth, data } = image;
  const n = image.width * image.height;
  const src = new Float64Array(c * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) src[k * n + i] = data[i * c + k];
  const dst = resizePlanes(src, c, image.height, image.width, height, width);
  const m = height * width, max = bitDepth === 16 ? 65535 : 255;
  const out = bitDepth === 16 ? new Uint16Array(m * c) : new Uint8Array(m * c);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < c; k++) {
      const v = Math.round(dst[k * m + i]);
      out[i * c + k] = v < 0 ? 0 : v > max ? max : v;
    }
  }
  return { width, height, channels: c, bitDepth, data: out };
}

/**
 * The image resized to `size` with the resize of `toBatch` (antialiased
 * bilinear, torchvision's `resize(..., antialias=True)`), every channel alike
 * (alpha is not premultiplied), rounded back to the image's bit depth.
 * `size` is at most `options.maxPixels` pixels (default 89,478,485).
 *
 * @example
 * ```ts
 * import { resizeImage } from "@freqaug/freqaug/io";
 * const img = { width: 4, height: 2, channels: 1, bitDepth: 8, data: new Uint8Array(8).fill(9) } as const;
 * resizeImage(img, { height: 1, width: 2 }).data; // Uint8Array [9, 9]
 * ```
 */
export function resizeImage(
  image: Image,
  size: { readonly height: number; readonly width: number },
  options?: { readonly maxPixels?: number },
): Image {
  return orThrow(resizeImageEither(image, size, options));
}
