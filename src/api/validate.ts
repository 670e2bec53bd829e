/**
 * Checks of what users hand to the API, before any work: batches, seeds,
 * sample ranges and replayed parameters. Each returns an Either.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { fail, FreqaugError, type Issue } from "../errors/error.ts";
import type { Pipeline } from "../dsl/types.ts";
import type { RealArray } from "../math/rfft2.ts";
import type { SampleParams } from "../params/types.ts";
import { MIN_SIGMA } from "../spec/codec.ts";

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

/** Checks an options argument: undefined means `{}`; otherwise a non-array object. */
export function validateOptions<O extends object>(
  options: O | undefined,
  path = "options",
): E.Either<FreqaugError, O> {
  if (options === undefined) return E.right({} as O);
  return typeof options === "object" && options !== null && !Array.isArray(options)
    ? E.right(options)
    : fail("input", path, options, "an options object, or nothing");
}

function dim(path: string, v: unknown): E.Either<FreqaugError, number> {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 1
    ? E.right(v)
    : fail("input", path, v, "an integer >= 1");
}

/** Checks a batch's shape against its data, and that every value is finite. */
export function validateBatch<T extends RealArray>(
  batch: Batch<T>,
): E.Either<FreqaugError, Batch<T>> {
  if (typeof batch !== "object" || batch === null) {
    return fail(
      "input",
      "batch",
      batch,
      "an object { data, count, channels, height, width }",
    );
  }
  const data = batch.data as unknown;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    return fail(
      "input",
      "batch.data",
      data,
      "a Float32Array or a Float64Array",
    );
  }
  for (const key of ["count", "channels", "height", "width"] as const) {
    const r = dim(`batch.${key}`, batch[key]);
    if (E.isLeft(r)) return r as E.Either<FreqaugError, never>;
  }
  const { count, channels, height, width } = batch;
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
    if (x - x !== 0) {
      return fail(
        "input",
        `batch.data[${i}]`,
        x,
        "a finite number (no NaN or ±Infinity)",
      );
    }
  }
  return E.right(batch);
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

/** Checks that a pipeline's normalize ops fit the number of channels. */
export function validateChannels(
  pipeline: Pipeline,
  channels: number,
): E.Either<FreqaugError, Pipeline> {
  for (const [i, op] of pipeline.ops.entries()) {
    if (
      op.op === "normalize" && op.mean.length !== 1 &&
      op.mean.length !== channels
    ) {
      return fail(
        "input",
        `ops[${i}].mean`,
        op.mean,
        `1 or ${channels} values (the batch has ${channels} channels)`,
      );
    }
  }
  return E.right(pipeline);
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isU32 = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < MAX_SAMPLE;

/**
 * Checks replayed parameters against the pipeline and the image size: one
 * entry per sample, one per op in order, every value in its range.
 */
export function validateParams(
  pipeline: Pipeline,
  params: unknown,
  count: number,
  height: number,
  width: number,
): E.Either<FreqaugError, SampleParams[]> {
  const issues: Issue[] = [];
  const bad = (path: string, value: unknown, expected: string) => issues.push({ path, value, expected });
  if (!Array.isArray(params) || params.length !== count) {
    return fail(
      "params",
      "params",
      Array.isArray(params) ? `an array of ${params.length}` : params,
      `an array of ${count} (one per sample)`,
    );
  }
  const V = (width >> 1) + 1;
  params.forEach((sample: unknown, n: number) => {
    const ops = pipeline.ops;
    if (!Array.isArray(sample) || sample.length !== ops.length) {
      bad(
        `params[${n}]`,
        Array.isArray(sample) ? `an array of ${sample.length}` : sample,
        `an array of ${ops.length} (one per op)`,
      );
      return;
    }
    sample.forEach((p: Record<string, unknown>, i: number) => {
      const at = `params[${n}][${i}]`;
      const op = ops[i];
      if (typeof p !== "object" || p === null || p.op !== op.op) {
        bad(`${at}.op`, p?.op ?? p, `"${op.op}" (op ${i} of the pipeline)`);
        return;
      }
      if (typeof p.applied !== "boolean") {
        bad(`${at}.applied`, p.applied, "true or false");
      }
      if ((op.op === "normalize" || op.op === "clamp") && p.applied !== true) {
        bad(`${at}.applied`, p.applied, "true");
      }
      if (op.op === "gmm") {
        const gs = p.gaussians;
        const want = p.applied ? op.k : 0;
        if (!Array.isArray(gs) || gs.length !== want) {
          bad(
            `${at}.gaussians`,
            Array.isArray(gs) ? `an array of ${gs.length}` : gs,
            `an array of ${want} Gaussians`,
          );
          return;
        }
        gs.forEach((g: Record<string, unknown>, j: number) => {
          const gp = `${at}.gaussians[${j}]`;
          if (typeof g !== "object" || g === null) {
            return bad(
              gp,
              g,
              "an object { u0, v0, sigmaU, sigmaV, intensity }",
            );
          }
          if (
            !Number.isInteger(g.u0) || (g.u0 as number) < 0 ||
            (g.u0 as number) >= height
          ) {
            bad(`${gp}.u0`, g.u0, `an integer in [0, ${height - 1}]`);
          }
          if (
            !Number.isInteger(g.v0) || (g.v0 as number) < 0 ||
            (g.v0 as number) >= V
          ) {
            bad(`${gp}.v0`, g.v0, `an integer in [0, ${V - 1}]`);
          }
          for (const key of ["sigmaU", "sigmaV"]) {
            if (!isNum(g[key]) || g[key] < MIN_SIGMA || g[key] > 1e6) {
              bad(`${gp}.${key}`, g[key], `a number in [${MIN_SIGMA}, 1e6]`);
            }
          }
          if (!isNum(g.intensity) || g.intensity < 0 || g.intensity > 1) {
            bad(`${gp}.intensity`, g.intensity, "a number in [0, 1]");
          }
        });
      }
      if (
        op.op === "phaseShift" &&
        (!isNum(p.theta) || Math.abs(p.theta) > 2 * Math.PI)
      ) {
        bad(`${at}.theta`, p.theta, "a number in [-2π, 2π]");
      }
      if (
        op.op === "randomFrequencyMask" && (!isNum(p.q) || p.q < 0 || p.q > 1)
      ) bad(`${at}.q`, p.q, "a number in [0, 1]");
      if (op.op === "amplitudeRescale" || op.op === "randomFrequencyMask") {
        const k = p.key as Record<string, unknown> | null;
        if (typeof k !== "object" || k === null) {
          bad(`${at}.key`, k, "an object { seed, sample, op }");
        } else {
          if (typeof k.seed !== "number" || !Number.isSafeInteger(k.seed)) {
            bad(`${at}.key.seed`, k.seed, "a safe integer");
          }
          if (!isU32(k.sample)) {
            bad(`${at}.key.sample`, k.sample, "an integer in [0, 2^32)");
          }
          if (!isU32(k.op)) {
            bad(`${at}.key.op`, k.op, "an integer in [0, 2^32)");
          }
        }
      }
    });
  });
  return issues.length ? E.left(new FreqaugError("params", issues.slice(0, 20))) : E.right(params as SampleParams[]);
}
