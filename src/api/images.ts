/**
 * The kinds of image batches the API takes and returns: planar float
 * batches (NCHW), byte batches (NHWC, e.g. `ImageData`'s RGBA), half-float
 * results, and batches that live in a `GPUBuffer` — and the types that make
 * a result's type follow its input and its `output` option.
 *
 * @module
 */

import type { RealArray } from "../math/rfft2.ts";
import type { SampleParams } from "../params/types.ts";

/**
 * A batch of images: planar NCHW, `data[((n * channels + c) * height + h) * width + w]`.
 * Values are conventionally in [0, 1]. Float64 data is computed and returned
 * in float64. `layout` may be left out of an input; when given it must be
 * `"NCHW"`. A result always has it.
 */
export interface Batch<T extends RealArray = Float32Array> {
  /** The values, planar NCHW. */
  readonly data: T;
  /** Number of images N. */
  readonly count: number;
  /** Channels per image C. */
  readonly channels: number;
  /** Height H. */
  readonly height: number;
  /** Width W. */
  readonly width: number;
  /** Always planar: `"NCHW"` or left out. */
  readonly layout?: "NCHW";
}

/** Bytes, as browsers (`ImageData.data`) and image decoders hand them out. */
export type ByteArray = Uint8Array | Uint8ClampedArray;

/**
 * A batch of 8-bit images, interleaved NHWC:
 * `data[((n * height + h) * width + w) * channels + c]`. Byte v means v / 255
 * (exactly the float32 value `Math.fround(v / 255)`). With 4 channels the
 * 4th is alpha: the pipeline runs on the 3 colour channels and alpha rides
 * along (see {@link OutputType}).
 *
 * @example
 * ```ts
 * import { augment, gmm, pipe } from "@freqaug/freqaug";
 * const rgba = new Uint8ClampedArray(2 * 32 * 32 * 4).fill(128); // two ImageData's bytes, back to back
 * const batch = { data: rgba, layout: "NHWC", count: 2, channels: 4, height: 32, width: 32 } as const;
 * const { images } = await augment(pipe(gmm()), batch, { seed: 1 }); // Float32Array, NCHW, 3 channels
 * ```
 */
export interface ByteBatch {
  /** The bytes, NHWC; length count × height × width × channels. */
  readonly data: ByteArray;
  /** Always `"NHWC"` (interleaved channels). */
  readonly layout: "NHWC";
  /** Number of images N (>= 1). */
  readonly count: number;
  /** 3 (RGB) or 4 (RGBA). */
  readonly channels: number;
  /** Height H (>= 1). */
  readonly height: number;
  /** Width W (>= 1). */
  readonly width: number;
}

/**
 * A result in half floats: planar NCHW, as {@link Batch}.
 *
 * @example
 * ```ts
 * import { augment, gmm, pipe } from "@freqaug/freqaug";
 * const batch = { data: new Float32Array(3 * 16 * 16).fill(0.5), count: 1, channels: 3, height: 16, width: 16 };
 * const { images } = await augment(pipe(gmm()), batch, { seed: 1, output: "float16" });
 * images.data; // Float16Array
 * ```
 */
export interface HalfBatch {
  /** The values, planar NCHW, rounded to float16. */
  readonly data: Float16Array;
  /** Always `"NCHW"`. */
  readonly layout: "NCHW";
  /** Number of images N. */
  readonly count: number;
  /** Channels per image C. */
  readonly channels: number;
  /** Height H. */
  readonly height: number;
  /** Width W. */
  readonly width: number;
}

/**
 * A result in bytes: interleaved NHWC, `round(clamp(x, 0, 1) * 255)` of each
 * value (see {@link OutputType}), with the input's channel count (alpha
 * included for a 4-channel byte batch).
 *
 * @example
 * ```ts
 * import { augment, gmm, pipe } from "@freqaug/freqaug";
 * const batch = { data: new Float32Array(3 * 16 * 16).fill(0.5), count: 1, channels: 3, height: 16, width: 16 };
 * const { images } = await augment(pipe(gmm()), batch, { seed: 1, output: "uint8" });
 * images.data[0]; // red of pixel (0, 0), NHWC
 * ```
 */
export interface ByteImages {
  /** The bytes, NHWC. Wrap them for `ImageData` with `new Uint8ClampedArray(data.buffer)`. */
  readonly data: Uint8Array;
  /** Always `"NHWC"`. */
  readonly layout: "NHWC";
  /** Number of images N. */
  readonly count: number;
  /** Bytes per pixel. */
  readonly channels: number;
  /** Height H. */
  readonly height: number;
  /** Width W. */
  readonly width: number;
}

/** How a {@link GpuBatch}'s buffer is laid out. */
export type GpuLayout = "NCHW" | "NHWC";

/**
 * A batch that lives in a `GPUBuffer` of the device a kernel was compiled
 * with (`compile(…, { device })`). `"NCHW"`: float32 values, planar, as
 * {@link Batch} (`count × channels × height × width × 4` bytes). `"NHWC"`:
 * bytes as {@link ByteBatch} (channels 3 or 4), packed 4 to a u32 word,
 * little end first: byte i is bits `8 (i % 4) .. 8 (i % 4) + 7` of word
 * `i / 4` (`count × height × width × channels` bytes, the buffer rounded up
 * to whole words). An input buffer needs the `COPY_SRC` usage; a result
 * buffer has `STORAGE | COPY_SRC | COPY_DST`, and a buffer passed as `into`
 * needs `COPY_DST`. The buffer may be larger than the batch; only its start is read.
 *
 * @example
 * ```ts
 * import { compile, gmm, pipe } from "@freqaug/freqaug";
 * const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
 * const buffer = device.createBuffer({ size: 8 * 3 * 64 * 64 * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
 * // ... fill it with a kernel of your own ...
 * const kernel = await compile(pipe(gmm()), { height: 64, width: 64, channels: 3 }, { device });
 * const { images } = await kernel.run({ buffer, layout: "NCHW", count: 8, channels: 3, height: 64, width: 64 }, { seed: 1 });
 * images.buffer; // a new GPUBuffer, float32 NCHW, for your next kernel
 * ```
 */
export interface GpuBatch<L extends GpuLayout = GpuLayout> {
  /** The buffer. */
  readonly buffer: GPUBuffer;
  /** `"NCHW"` (float32) or `"NHWC"` (bytes, 4 per u32). */
  readonly layout: L;
  /** Number of images N (>= 1). */
  readonly count: number;
  /** Channels per image (3 or 4 for `"NHWC"`). */
  readonly channels: number;
  /** Height H (>= 1). */
  readonly height: number;
  /** Width W (>= 1). */
  readonly width: number;
}

/**
 * What a run returns its images as:
 *
 * - `float32`: a `Float32Array`, planar NCHW ({@link Batch}).
 * - `float16`: a `Float16Array`, planar NCHW ({@link HalfBatch}); needs a
 *   runtime with `Float16Array` (Deno 2, Bun 1.4 have it). Not for GPU batches.
 * - `uint8`: bytes, interleaved NHWC ({@link ByteImages}, or a
 *   {@link GpuBatch} `"NHWC"` for a GPU batch): each value x becomes
 *   `round(clamp(x, 0, 1) * 255)`, computed on x as a float32 with a float32
 *   product, rounding half to even — on both backends, so it equals that
 *   conversion of the `float32` output. With the input's channel count: for
 *   a 4-channel byte batch the alpha bytes are copied through untouched when
 *   every pixel keeps its place (no `horizontalFlip`, `verticalFlip` or
 *   `randomResizedCrop` in the pipeline, combinators included), and are 255
 *   otherwise: alpha is not moved with the pixels (ready for `ImageData`).
 *
 * Default: the input's own type for float batches (`Float64Array` stays
 * float64), `float32` for byte batches and GPU batches. A float result of a
 * 4-channel byte batch has 3 channels (alpha dropped).
 *
 * @example
 * ```ts
 * import { augment, gmm, type OutputType, pipe } from "@freqaug/freqaug";
 * const output: OutputType = "uint8";
 * const batch = { data: new Float32Array(16).fill(0.5), count: 1, channels: 1, height: 4, width: 4 };
 * const { images } = await augment(pipe(gmm()), batch, { seed: 1, output });
 * ```
 */
export type OutputType = "float32" | "float16" | "uint8";

/** Every batch kind held in host memory. */
export type HostBatch = Batch<RealArray> | ByteBatch;

/** Every batch kind a run takes. */
export type AnyBatch = HostBatch | GpuBatch;

/**
 * The images a run of batch kind `B` with `output` option `O` returns:
 * `O` when given, else the input's own kind (`float32` for bytes).
 *
 * @example
 * ```ts
 * import type { ByteBatch, ByteImages, ImagesFor } from "@freqaug/freqaug";
 * type Out = ImagesFor<ByteBatch, "uint8">; // ByteImages
 * const check = (x: Out): ByteImages => x;
 * ```
 */
export type ImagesFor<B, O extends OutputType | undefined> = B extends GpuBatch
  ? (O extends "uint8" ? GpuBatch<"NHWC"> : GpuBatch<"NCHW">)
  : O extends "float32" ? Batch<Float32Array>
  : O extends "float16" ? HalfBatch
  : O extends "uint8" ? ByteImages
  : B extends ByteBatch ? Batch<Float32Array>
  : B extends Batch<infer T extends RealArray> ? Batch<T>
  : never;

/**
 * What a run returns: the images (of a kind that follows the input and the `output` option) and the parameters.
 *
 * @example
 * ```ts
 * import { augment, type Augmented, type Batch, gmm, pipe } from "@freqaug/freqaug";
 * const batch = { data: new Float32Array(16).fill(0.5), count: 1, channels: 1, height: 4, width: 4 };
 * const r: Augmented<Batch<Float32Array>> = await augment(pipe(gmm()), batch, { seed: 1 });
 * ```
 */
export interface Augmented<I> {
  /** The augmented images. */
  readonly images: I;
  /**
   * The parameters of every sample; pass them back as `params` to replay.
   * After a WebGPU run that drew them from a seed they are computed on first
   * read (the GPU drew them itself, from the same counters).
   */
  readonly params: SampleParams[];
  /** The seed used, when the parameters were drawn (absent when replayed). */
  readonly seed?: number;
  /** The backend that ran. */
  readonly backend: "cpu" | "webgpu";
}

/** The result of a run of batch kind `B` with `output` option `O`. */
export type ResultFor<B, O extends OutputType | undefined> = Augmented<ImagesFor<B, O>>;

/**
 * The `output` option of a run.
 *
 * @example
 * ```ts
 * import type { OutputOption } from "@freqaug/freqaug";
 * const o: OutputOption<"float32"> = { output: "float32" };
 * ```
 */
export interface OutputOption<O extends OutputType | undefined = OutputType | undefined> {
  /** The type (and layout) of the result; see {@link OutputType}. */
  readonly output?: O;
}

/**
 * The options of a run that only GPU batches take.
 *
 * @example
 * ```ts
 * import type { GpuRunOptions } from "@freqaug/freqaug";
 * const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
 * const into = device.createBuffer({ size: 3 * 64 * 64 * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
 * const options: GpuRunOptions = { into }; // kernel.run(gpuBatch, { seed: 1, ...options })
 * ```
 */
export interface GpuRunOptions {
  /**
   * For a GPU batch: write the result into this buffer (of the kernel's
   * device, with the `COPY_DST` usage, at least the result's size) instead
   * of a new one.
   */
  readonly into?: GPUBuffer;
}
