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

/**
 * A batch of images: planar NCHW, `data[((n * channels + c) * height + h) * width + w]`.
 * Float64 data is computed and returned in float64.
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
}

const MAX_SAMPLE = 2 ** 32;

/** Checks an options argument: undefined means `{}`; otherwise a non-array object, copied. */
export function validateOptions<O extends object>(
  options: O | undefined,
  path = "options",
): E.Either<FreqaugError, O> {
  if (options === undefined) return E.right({} as O);
  // A snapshot: each option is read once, so a getter cannot change what was checked.
  try {
    return typeof options === "object" && options !== null && !Array.isArray(options)
      ? E.right({ ...options })
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
 * Checks a batch's shape against its data, and that every value is finite
 * (and at most `maxAbs` in magnitude: WebGPU takes float32's range).
 */
export function validateBatch<T extends RealArray>(
  batch: Batch<T>,
  maxAbs = Infinity,
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
  const { data, count, channels, height, width } = batch as Batch<T>;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    return fail(
      "input",
      "batch.data",
      data,
      "a Float32Array or a Float64Array",
    );
  }
  const dims = { count, channels, height, width };
  for (const key of ["count", "channels", "height", "width"] as const) {
    const r = dim(`batch.${key}`, dims[key]);
    if (E.isLeft(r)) return r as E.Either<FreqaugError, never>;
  }
  const want = count * channels * height * width;
  if (data.length !== want) {
    return fail(
      "input",
      "batch.data.length",
      data.length,
      `count × channels × height × width = ${count} × ${channels} × ${height} × ${width} = ${want}`,
    );
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
