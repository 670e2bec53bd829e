/**
 * Checks of what users hand to the API, before any work: batches, seeds,
 * sample ranges and replayed parameters. Each returns an Either.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { describeException, fail, FreqaugError, type Issue } from "../errors/error.ts";
import type { Op, Pipeline } from "../dsl/types.ts";
import { shapesOf } from "../dsl/stages.ts";
import type { RealArray } from "../math/rfft2.ts";
import { moduleOf } from "../ops/registry.ts";
import type { OpParams, SampleParams } from "../params/types.ts";
import type { Batch, ByteArray, GpuLayout, OutputType } from "./images.ts";
import type { OutKind } from "../cpu/io.ts";
import { allFinite } from "../cpu/finite.ts";

export type { Batch } from "./images.ts";

const MAX_SAMPLE = 2 ** 32;

/**
 * Every property of an object read once, as a plain object: its own
 * (non-enumerable ones too, such as a getter made with `Object.defineProperty`)
 * and those of its prototypes up to `Object.prototype` (a class's getters), so
 * that no option a caller set is silently skipped.
 */
function snapshot(o: object, path: string): E.Either<FreqaugError, Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let p: object | null = o; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k === "constructor" || k in out) continue;
      try {
        out[k] = (o as Record<string, unknown>)[k];
      } catch (e) {
        return fail("input", `${path}.${k}`, undefined, `a readable value (${describeException(e)})`);
      }
    }
  }
  return E.right(out);
}

/** Checks an options argument: undefined means `{}`; otherwise a non-array object, copied. */
export function validateOptions<O extends object>(
  options: O | undefined,
  path = "options",
): E.Either<FreqaugError, O> {
  if (options === undefined) return E.right({} as O);
  // A snapshot: each option is read once, so a getter cannot change what was checked.
  try {
    return typeof options === "object" && options !== null && !Array.isArray(options)
      ? snapshot(options, path) as E.Either<FreqaugError, O>
      : fail("input", path, options, "an options object, or nothing");
  } catch (e) {
    return fail("input", path, undefined, `readable options (${describeException(e)})`);
  }
}

function dim(path: string, v: unknown): E.Either<FreqaugError, number> {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 1
    ? E.right(v)
    : fail("input", path, v, "an integer >= 1");
}

/**
 * Checks a float batch's shape against its data, and that every value is finite
 * (and at most `maxAbs` in magnitude: WebGPU takes float32's range). With
 * `values` false the values are left to the CPU kernel, which checks them as
 * it first loads them.
 */
export function validateBatch<T extends RealArray>(
  batch: Batch<T>,
  maxAbs = Infinity,
  values = true,
): E.Either<FreqaugError, Batch<T>> {
  if (typeof batch !== "object" || batch === null) {
    return fail(
      "input",
      "batch",
      batch,
      "an object { data, count, channels, height, width }",
    );
  }
  // Each field is read once: the snapshot is what runs.
  const { data, count, channels, height, width, layout } = batch as Batch<T>;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    return fail(
      "input",
      "batch.data",
      data,
      "a Float32Array or a Float64Array",
    );
  }
  if (layout !== undefined && layout !== "NCHW") {
    return fail(
      "input",
      "batch.layout",
      layout,
      `"NCHW" or nothing for float data (float batches are planar; "NHWC" is for Uint8Array data)`,
    );
  }
  const shape = checkDims({ count, channels, height, width }, "batch.data.length", data.length);
  if (E.isLeft(shape)) return shape;
  // Without a bound, a branch-free pass first: x * 0 is 0 for finite x and NaN otherwise, so
  // the sums stay 0 unless some value is NaN or ±Infinity; the loop below then finds it.
  if (!values || (maxAbs === Infinity && allFinite(data, 0, data.length))) {
    return E.right({ data: data as T, count, channels, height, width });
  }
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    // One pass: x - x is NaN for NaN and ±Infinity; the bound is Infinity unless WebGPU runs.
    if (x - x !== 0 || Math.abs(x) > maxAbs) {
      return fail(
        "input",
        `batch.data[${i}]`,
        x,
        x - x !== 0
          ? "a finite number (no NaN or ±Infinity)"
          : `a number in [-${maxAbs}, ${maxAbs}] (WebGPU computes in float32)`,
      );
    }
  }
  return E.right({ data: data as T, count, channels, height, width });
}

interface Dims4 {
  readonly count: unknown;
  readonly channels: unknown;
  readonly height: unknown;
  readonly width: unknown;
}

/** Checks the four sides (integers >= 1) and, unless null, that `units` of `what` is their product. */
function checkDims(
  dims: Dims4,
  what: string,
  units: number | null,
  order: readonly (keyof Dims4)[] = ["count", "channels", "height", "width"],
): E.Either<FreqaugError, { count: number; channels: number; height: number; width: number }> {
  for (const key of ["count", "channels", "height", "width"] as const) {
    const r = dim(`batch.${key}`, dims[key]);
    if (E.isLeft(r)) return r as E.Either<FreqaugError, never>;
  }
  const d = dims as { count: number; channels: number; height: number; width: number };
  const want = d.count * d.channels * d.height * d.width;
  if (units !== null && units !== want) {
    return fail("input", what, units, `${order.join(" × ")} = ${order.map((k) => d[k]).join(" × ")} = ${want}`);
  }
  return E.right({ count: d.count, channels: d.channels, height: d.height, width: d.width });
}

/** A batch as checked, each field read once: what a kernel runs. */
export type Input =
  | {
    readonly kind: "float";
    readonly data: RealArray;
    readonly count: number;
    readonly channels: number;
    readonly height: number;
    readonly width: number;
  }
  | {
    readonly kind: "bytes";
    readonly data: ByteArray;
    readonly count: number;
    /** Bytes per pixel: 3 or 4 (the 4th is alpha). */
    readonly channels: number;
    readonly height: number;
    readonly width: number;
  }
  | {
    readonly kind: "gpu";
    readonly buffer: GPUBuffer;
    readonly layout: GpuLayout;
    readonly count: number;
    readonly channels: number;
    readonly height: number;
    readonly width: number;
  };

/** The channels a pipeline runs on for a batch: a byte batch's (or an NHWC GPU batch's) colour channels, 3. */
export function pipelineChannels(input: Input): number {
  return input.kind === "bytes" || (input.kind === "gpu" && input.layout === "NHWC") ? 3 : input.channels;
}

const BYTE_CHANNELS = "3 or 4 for bytes (RGB or RGBA; alpha rides along)";

function isGpuBuffer(b: unknown): b is GPUBuffer {
  if (typeof GPUBuffer === "function" && b instanceof GPUBuffer) return true;
  const x = b as { size?: unknown; usage?: unknown; destroy?: unknown } | null;
  return typeof x === "object" && x !== null && typeof x.size === "number" && typeof x.usage === "number" &&
    typeof x.destroy === "function";
}

/** Checks a GPUBuffer's size and usage for a role (`usage` one flag, named `usageName`). */
export function validateBuffer(
  path: string,
  buffer: unknown,
  bytes: number,
  usage: number,
  usageName: string,
): E.Either<FreqaugError, GPUBuffer> {
  if (!isGpuBuffer(buffer)) return fail("input", path, buffer, "a GPUBuffer");
  if ((buffer.usage & usage) === 0) {
    return fail("input", `${path}.usage`, buffer.usage, `a usage with GPUBufferUsage.${usageName}`);
  }
  const need = Math.ceil(bytes / 4) * 4;
  if (buffer.size < need) {
    return fail("input", `${path}.size`, buffer.size, `at least ${need} bytes for this batch`);
  }
  return E.right(buffer);
}

/**
 * Checks any batch kind: a float batch (see {@link validateBatch}), a byte
 * batch (`layout: "NHWC"`, 3 or 4 channels, the length of its shape) or a
 * GPU batch (its layout, shape, and its buffer's size and usage). Values of
 * a GPU batch are not read, nor a float batch's with `values` false.
 */
export function validateInput(batch: unknown, maxAbs = Infinity, values = true): E.Either<FreqaugError, Input> {
  if (typeof batch !== "object" || batch === null) {
    return fail("input", "batch", batch, "an object { data, count, channels, height, width }");
  }
  const b = { ...batch } as Record<string, unknown>; // each field read once
  if (b.buffer !== undefined && b.data === undefined) return validateGpuBatch(b);
  const data = b.data;
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
      return fail(
        "input",
        "batch.data",
        data,
        `a Float32Array or Float64Array (NCHW), or a Uint8Array or Uint8ClampedArray (with layout "NHWC")`,
      );
    }
    return E.map((f: Batch<RealArray>): Input => ({ kind: "float", ...f }))(validateBatch(b as never, maxAbs, values));
  }
  if (b.layout !== "NHWC") {
    return fail(
      "input",
      "batch.layout",
      b.layout,
      `"NHWC" for byte data (interleaved: data[((n * height + h) * width + w) * channels + c])`,
    );
  }
  const dims = { count: b.count, channels: b.channels, height: b.height, width: b.width };
  if (dims.channels !== 3 && dims.channels !== 4) return fail("input", "batch.channels", dims.channels, BYTE_CHANNELS);
  return E.map((d: { count: number; channels: number; height: number; width: number }): Input => ({
    kind: "bytes",
    data,
    ...d,
  }))(checkDims(dims, "batch.data.length", data.length, ["count", "height", "width", "channels"]));
}

function validateGpuBatch(b: Record<string, unknown>): E.Either<FreqaugError, Input> {
  const layout = b.layout;
  if (layout !== "NCHW" && layout !== "NHWC") {
    return fail("input", "batch.layout", layout, `"NCHW" (float32) or "NHWC" (bytes, 4 per u32) for a GPU batch`);
  }
  const dims = { count: b.count, channels: b.channels, height: b.height, width: b.width };
  if (layout === "NHWC" && dims.channels !== 3 && dims.channels !== 4) {
    return fail("input", "batch.channels", dims.channels, BYTE_CHANNELS);
  }
  const checked = checkDims(dims, "", null);
  if (E.isLeft(checked)) return checked;
  const d = checked.right;
  const bytes = d.count * d.channels * d.height * d.width * (layout === "NCHW" ? 4 : 1);
  return E.map((buffer: GPUBuffer): Input => ({ kind: "gpu", buffer, layout, ...d }))(
    validateBuffer("batch.buffer", b.buffer, bytes, USAGE_COPY_SRC, "COPY_SRC"),
  );
}

/** GPUBufferUsage.COPY_SRC and COPY_DST (constants of the spec, so no GPU global is needed to check). */
export const USAGE_COPY_SRC = 0x0004;
/** See {@link USAGE_COPY_SRC}. */
export const USAGE_COPY_DST = 0x0008;

export type { OutKind };

/**
 * Checks an `output` option for an input and resolves it: nothing is the
 * input's own type (`float32` for bytes and GPU batches).
 */
export function validateOutput(output: unknown, input: Input): E.Either<FreqaugError, OutKind> {
  if (output === undefined) {
    return E.right(input.kind === "float" && input.data instanceof Float64Array ? "f64" : "f32");
  }
  if (output !== "float32" && output !== "float16" && output !== "uint8") {
    return fail("input", "output", output, `"float32", "float16" or "uint8", or nothing (the input's own type)`);
  }
  if (output === "float16") {
    if (input.kind === "gpu") {
      return fail("input", "output", output, `"float32" or "uint8" for a GPU batch`);
    }
    if (typeof Float16Array !== "function") {
      return fail("input", "output", output, `"float32" or "uint8" (this runtime has no Float16Array)`);
    }
    return E.right("f16");
  }
  return E.right(output === "float32" ? "f32" : "u8");
}

/** Checks the `output` option's value alone (for compile-time checks of options). */
export function isOutputType(v: unknown): v is OutputType {
  return v === "float32" || v === "float16" || v === "uint8";
}

/** Checks a worker count: nothing (the default) or an integer >= 0. */
export function validateWorkers(workers: unknown): E.Either<FreqaugError, number | undefined> {
  return workers === undefined || (typeof workers === "number" && Number.isSafeInteger(workers) && workers >= 0)
    ? E.right(workers as number | undefined)
    : fail("input", "workers", workers, "an integer >= 0, or nothing (one per core)");
}

/** Checks a seed: any safe integer. */
export function validateSeed(
  seed: unknown,
  path = "seed",
): E.Either<FreqaugError, number> {
  return typeof seed === "number" && Number.isSafeInteger(seed) ? E.right(seed) : fail(
    "input",
    path,
    seed,
    `a safe integer in [${Number.MIN_SAFE_INTEGER}, ${Number.MAX_SAFE_INTEGER}]`,
  );
}

/** Checks a sample offset and count: sample indices must fit in 32 bits. */
export function validateRange(
  offset: unknown,
  count: number,
): E.Either<FreqaugError, number> {
  if (
    typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0 ||
    offset + count > MAX_SAMPLE
  ) {
    return fail(
      "input",
      "offset",
      offset,
      `an integer >= 0 with offset + count <= 2^32 (count is ${count})`,
    );
  }
  return E.right(offset);
}

/** Checks that a pipeline's ops fit the number of channels (each op's module says what it takes). */
export function validateChannels(
  pipeline: Pipeline,
  channels: number,
): E.Either<FreqaugError, Pipeline> {
  for (const [i, op] of pipeline.ops.entries()) {
    const problem = moduleOf(op).channels?.(op, channels);
    if (problem) return fail("input", `ops[${i}].${problem[0]}`, problem[1], problem[2]);
  }
  return E.right(pipeline);
}

/**
 * Checks replayed parameters against the pipeline and the image size: one
 * entry per sample, one per op in order, every value in its range (each op's
 * module checks its own). Each value is read once, and what comes back is a
 * fresh copy of what was checked (a getter or a later change to the caller's
 * objects cannot alter the run).
 */
export function validateParams(
  pipeline: Pipeline,
  params: unknown,
  count: number,
  height: number,
  width: number,
  channels = 1,
): E.Either<FreqaugError, SampleParams[]> {
  const issues: Issue[] = [];
  const bad = (path: string, value: unknown, expected: string) => {
    issues.push({ path, value, expected });
  };
  if (!Array.isArray(params) || params.length !== count) {
    return fail(
      "params",
      "params",
      Array.isArray(params) ? `an array of ${params.length}` : params,
      `an array of ${count} (one per sample)`,
    );
  }
  const ops = pipeline.ops;
  const shapes = shapesOf(pipeline, { channels, height, width });
  const out: SampleParams[] = [];
  for (let n = 0; n < count; n++) {
    const sample: unknown = params[n]; // a hole reads as undefined and is refused
    if (!Array.isArray(sample) || sample.length !== ops.length) {
      bad(
        `params[${n}]`,
        Array.isArray(sample) ? `an array of ${sample.length}` : sample,
        `an array of ${ops.length} (one per op)`,
      );
      continue;
    }
    const entries: OpParams[] = [];
    for (let i = 0; i < ops.length; i++) {
      const entry = checkEntry(ops[i], i, sample[i], `params[${n}][${i}]`, shapes[i], bad);
      if (entry) entries.push(entry);
    }
    out.push(entries);
  }
  return issues.length ? E.left(new FreqaugError("params", issues)) : E.right(out);
}

/** Checks one op's replayed entry and returns a copy of it (null when it is not an object of the right op). */
function checkEntry(
  op: Op,
  i: number,
  raw: unknown,
  at: string,
  shape: { readonly height: number; readonly width: number },
  bad: (path: string, value: unknown, expected: string) => void,
): OpParams | null {
  if (typeof raw !== "object" || raw === null) {
    bad(`${at}.op`, raw, `"${op.op}" (op ${i} of the pipeline)`);
    return null;
  }
  try {
    const p = { ...raw } as Record<string, unknown>; // each field read once
    if (p.op !== op.op) {
      bad(`${at}.op`, p.op, `"${op.op}" (op ${i} of the pipeline)`);
      return null;
    }
    const applied = p.applied;
    if (typeof applied !== "boolean") bad(`${at}.applied`, applied, "true or false");
    const child = (c: unknown, r: unknown, where: string) => checkEntry(c as Op, i, r, where, shape, bad);
    return moduleOf(op).check(op, p, applied === true, { at, height: shape.height, width: shape.width, bad, child });
  } catch (e) {
    // A getter or a proxy that throws while the entry (or something inside it) is read.
    bad(at, undefined, `readable params (${describeException(e)})`);
    return null;
  }
}
