/**
 * What an op module is: one value holding everything about one op — its
 * codec (options and defaults), its parameter draws, the check of replayed
 * parameters, its CPU apply, its WGSL snippet and what the planner must know,
 * its gain bound, its arbitrary for `./testing`, and a line of docs. The
 * codec, the sampler, the backends, the planner and the arbitraries iterate
 * the registry (registry.ts) of these values; no layer above branches on an
 * op's name.
 *
 * @module
 */

import type * as t from "io-ts";
import type { Arbitrary } from "fast-check";
import type FC from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describeException, FreqaugError, orThrow } from "../errors/error.ts";
import type { Either } from "../errors/either.ts";
import { decodeWith, type Range } from "./codec_kit.ts";

/** The key of a per-bin random field: bin d draws Philox at this key and counter d. */
export interface FieldKey {
  /** The seed. */
  readonly seed: number;
  /** The sample's index in the dataset. */
  readonly sample: number;
  /** The op's index in the pipeline. */
  readonly op: number;
}

/** The scalar draws of one op for one sample (see params/keys.ts for the counters). */
export interface Draws {
  /** The op's index in the pipeline (its Philox counter word). */
  readonly index: number;
  /** The seed. */
  readonly seed: number;
  /** The sample's dataset index. */
  readonly sample: number;
  /** Height of the image the op sees. */
  readonly height: number;
  /** Width of the image the op sees. */
  readonly width: number;
  /** Whether the op applies to this sample (draw 0 against its p; always true without p). */
  readonly applied: boolean;
  /** Scalar draw j as a u32. */
  bits(j: number): number;
  /** Scalar draw j as a uniform in [0, 1) on the 2^-24 grid. */
  unit(j: number): number;
  /**
   * Combinators: the params of child `j` of this op (its counter index is
   * `childIndex(index, j)`), drawn for the same shape; `gate` false makes it not apply.
   */
  child(op: unknown, j: number, gate: boolean): unknown;
}

/** The Philox op index of child j of the op whose index is `index` (children of one op: at most 64). */
export function childIndex(index: number, j: number): number {
  return (index + 1) * 64 + j;
}

/** Where a frequency op folds itself: one complex multiplier per half-spectrum bin. */
export interface FoldTarget {
  /** Rows of the half-spectrum (= image height). */
  readonly H: number;
  /** Image width. */
  readonly W: number;
  /** Columns of the half-spectrum, floor(W/2) + 1. */
  readonly V: number;
  /** Real parts, bin (u, v) at u * V + v. */
  readonly re: Float64Array;
  /** Imaginary parts. */
  readonly im: Float64Array;
  /** Whether an imaginary part may be non-zero so far. */
  readonly complex: boolean;
  /** Scratch of H * V values. */
  readonly field: Float64Array;
  /** Scratch of V values. */
  readonly row: Float64Array;
}

/** A planar float64 image being worked on by the CPU backend: value (c, h, w) at (c * height + h) * width + w. */
export interface WorkImage {
  /** The values (may be longer than channels × height × width). */
  data: Float64Array;
  /** Channels. */
  channels: number;
  /** Height. */
  height: number;
  /** Width. */
  width: number;
}

/** Scratch the CPU backend lends to spatial ops: a second buffer, grown on demand. */
export interface Workspace {
  /** A Float64Array of at least n values, not the image's own. */
  spare(n: number): Float64Array;
  /** Combinators: runs a list of ops with their params on the image (frequency ops in their own stages). */
  run(ops: readonly unknown[], params: readonly unknown[], img: WorkImage): WorkImage;
}

/** What the replay check of one op's parameters is given. */
export interface CheckContext {
  /** The JSON path of the entry, e.g. `params[0][2]`. */
  readonly at: string;
  /** Height of the image the op sees. */
  readonly height: number;
  /** Width of the image the op sees. */
  readonly width: number;
  /** Records a problem. */
  bad(path: string, value: unknown, expected: string): void;
  /** Combinators: checks a child's replayed entry at `at` against its op and returns a copy (null if unusable). */
  child(op: unknown, raw: unknown, at: string): unknown;
}

/** Writes words of an op's consts block (indices relative to the block). */
export interface ConstWriter {
  /** Writes a u32. */
  u32(i: number, v: number): void;
  /** Writes a float32. */
  f32(i: number, v: number): void;
}

/** Shape of one image. */
export interface ImageShape {
  /** Channels. */
  readonly channels: number;
  /** Height. */
  readonly height: number;
  /** Width. */
  readonly width: number;
}

/**
 * How an op runs on WebGPU. Frequency ops fold into the column pass's
 * multiplier: their consts block has FREQ_BLOCK words, of which words 0..2
 * (op index, table offset, applied threshold) are written by the layout and
 * words 3.. by `writeConsts`. Pointwise ops become one WGSL statement on `y`
 * (the value) and `ch` (its channel) in the load or store pass. The other
 * spatial ops say what kind of step they are — a pixel op (every channel of a
 * pixel, maybe after a per-image sum: `pixel`, `term`), a remap (`remap`), or
 * gathers (`gathers`) — and the planner (src/webgpu/plan.ts) fuses them into
 * loads, stores or passes of their own; their parameters come from the host
 * (`hostTableWords`, `writeHostTable`).
 */
export interface GpuOp<O, P> {
  /** The WGSL snippet: the functions the calls below name. */
  readonly wgsl: string;
  /** Words of the op's consts block. */
  constWords(op: O, channels: number): number;
  /** Writes the op's own consts words. */
  writeConsts(op: O, w: ConstWriter, shape: ImageShape): void;
  /** Frequency ops: words of the op's entry in a sample's parameter table. */
  tableWords?(op: O, height: number, width: number): number;
  /** Frequency ops: writes replayed parameters into the table entry at `b` (word b is `applied`). */
  fillTable?(p: P, table: Uint32Array, f: Float32Array, b: number): void;
  /** Frequency ops: the draw statement of the first pass, for the consts block at `o`. */
  gen?(o: string, op: O): string;
  /** Frequency ops: the statement folding the op into `m` at bin (u, v) of sample s. */
  mult?(o: string, op: O): string;
  /** Pointwise ops: the statement updating `y` (channel `ch`, sample `s` of the batch). */
  point?(o: string, op: O): string;
  /**
   * Spatial ops whose parameters the host writes (drawn by `sample` from the
   * seed, or replayed): words of the op's entry in a sample's parameter table,
   * for an input of `shape`. Word 0 of such an op's consts block is the
   * entry's offset in the table (written by the layout, as word 1 of a
   * frequency op's block); the op's own consts words start at 1.
   */
  hostTableWords?(op: O, shape: ImageShape): number;
  /** Host-table ops: writes one sample's parameters into its table entry at `b` (input of `shape`). */
  writeHostTable?(op: O, p: P, shape: ImageShape, table: Uint32Array, f: Float32Array, b: number): void;
  /**
   * Pixel ops (they read every channel of a pixel; images of 1 or 3 channels):
   * the statement updating `px`, a `vec3<f32>` (channel c at `px[c]`, c < CH)
   * of sample `s`. `stat` names the sum of the op's {@link GpuOp.term} over the
   * image the op sees (only for an op with a term).
   */
  pixel?(o: string, op: O, stat: string): string;
  /**
   * Pixel ops that need a per-image sum first (colorJitter's contrast needs the
   * mean of the gray image): the WGSL expression of pixel `px`'s term of that
   * sum (sample `s`), or null when this op never needs it.
   */
  term?(o: string, op: O): string | null;
  /**
   * Remapping ops (flips): the statement updating the coordinates `h`, `w` of
   * sample `s` in the op's image. It must be its own inverse, so that a store
   * can apply it forwards and a load backwards.
   */
  remap?(o: string, op: O): string;
  /**
   * Gathering ops (each output pixel a weighted sum of input pixels): the
   * separable gathers the op is made of, in order. A crop is one gather along
   * both axes; a blur one along x, then one along y. A pass runs at most one.
   */
  gathers?(o: string, op: O): readonly GpuGather[];
}

/**
 * One separable gather: output pixel (h, w) of sample s is
 * sum_j wy_j sum_i wx_i in(y_j, x_i), over the taps of each axis (an absent
 * axis is the identity along it). The axes name WGSL functions of the op's
 * snippet, called as `count(s, o, i)`, `at(s, o, i, j)` and `weight(s, o, i, j)`
 * for output coordinate i and tap j.
 */
export interface GpuGather {
  /** Along the rows' direction: which rows of the input output row h reads. */
  readonly y?: GpuAxis;
  /** Along the columns' direction: which columns output column w reads. */
  readonly x?: GpuAxis;
  /** Words for people, e.g. `horizontal`. */
  readonly what: string;
}

/** The WGSL functions of one axis of a {@link GpuGather}. */
export interface GpuAxis {
  /** `fn (s: u32, o: u32, i: u32) -> u32`: taps of output coordinate i. */
  readonly count: string;
  /** `fn (s: u32, o: u32, i: u32, j: u32) -> u32`: input coordinate of tap j. */
  readonly at: string;
  /** `fn (s: u32, o: u32, i: u32, j: u32) -> f32`: weight of tap j. */
  readonly weight: string;
}

/** The helpers an op's arbitrary is built with (given by `./testing`, so the library never loads fast-check). */
export interface ArbKit {
  /** fast-check itself. */
  readonly fc: typeof FC;
  /** A number uniform in value on [min, max]. */
  uniform(min: number, max: number): Arbitrary<number>;
  /** A range inside [min, max], each end uniform, sorted. */
  range(min: number, max: number): Arbitrary<Range>;
  /** Mostly `realistic`, sometimes one of the `edges`. */
  withEdges<T>(realistic: Arbitrary<T>, edges: readonly T[], weight?: number): Arbitrary<T>;
  /** How often an op applies: mostly 1, sometimes 0.5 or 0.2, rarely anything or 0. */
  probability(): Arbitrary<number>;
  /** Channels of the images the pipeline will see. */
  readonly channels: number;
}

/** Where an op runs: folded into a frequency stage's multiplier, or on pixels. */
export type OpStage = "frequency" | "spatial";

/** One op: everything the layers above need, as data and functions. */
export interface OpModule<
  O extends { readonly op: string },
  P extends { readonly op: string; readonly applied: boolean },
> {
  /** The op's tag. */
  readonly name: O["op"];
  /** One line for people: what it does. */
  readonly summary: string;
  /** Where it runs. */
  readonly stage: OpStage;
  /** Whether it has a `p` (its draw 0 decides whether it applies). */
  readonly random: boolean;
  /** Its codec: options with defaults, plain data only. */
  readonly codec: t.Type<O, O, unknown>;
  /** Draws its parameters for one sample. */
  sample(op: O, d: Draws): P;
  /** Checks a replayed entry (its `op` and `applied` already checked) and returns a copy. */
  check(op: O, raw: Readonly<Record<string, unknown>>, applied: boolean, c: CheckContext): P;
  /** The largest |value| after the op, given the largest |value| `b` before it. */
  gain(op: O, b: number): number;
  /** Combinators: the ops inside (for the limits, the channel checks and the docs). */
  children?(op: O): readonly { readonly op: string }[];
  /** Shape-changing ops: the shape of the op's output for an input of `shape`. */
  reshape?(op: O, shape: ImageShape): ImageShape;
  /** A problem with the channel count, or null. */
  channels?(op: O, channels: number): readonly [field: string, value: unknown, expected: string] | null;
  /** Frequency ops: folds the op into the multiplier; returns whether it may now be complex. */
  fold?(op: O, p: P, t: FoldTarget): boolean;
  /** Frequency ops: whether the op leaves the DC bin alone. */
  keepsDC?(op: O): boolean;
  /** Spatial ops: applies the op to one image (in place, or into a new image it returns). */
  apply?(op: O, p: P, img: WorkImage, ws: Workspace): WorkImage;
  /** How it runs on WebGPU (absent: the op runs on the CPU backend only, and `auto` chooses it). */
  readonly gpu?: GpuOp<O, P>;
  /** Realistic valid ops, for property tests. */
  arbitrary(k: ArbKit): Arbitrary<O>;
}

/** An op module of any op, as the layers that iterate the registry see it. */
// deno-lint-ignore no-explicit-any
export type AnyOpModule = OpModule<any, any>;

/**
 * Builds an op from user options with its codec: the options must be a plain
 * object of own properties; `op` may be given only as the op's own name.
 */
export function buildOp<O extends { readonly op: string }>(
  codec: t.Type<O, O, unknown>,
  name: O["op"],
  options: unknown,
  given: Readonly<Record<string, unknown>> = {},
): Either<FreqaugError, O> {
  const bad = (path: string, value: unknown, expected: string) =>
    E.left(new FreqaugError("spec", [{ path, value, expected }]));
  try {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      return bad(name, options, "an options object");
    }
    for (const key in options) {
      if (!Object.hasOwn(options, key)) {
        return bad(
          `${name}.${key}`,
          undefined,
          "an own property (this one is inherited from the prototype, and is not read)",
        );
      }
    }
    const copy: Record<string, unknown> = { ...options };
    if (Object.hasOwn(copy, "op") && copy.op !== name) return bad(`${name}.op`, copy.op, `"${name}", or nothing`);
    // Fields given as arguments (a combinator's ops) are not options too.
    for (const key of Object.keys(given)) {
      if (Object.hasOwn(copy, key)) return bad(`${name}.${key}`, copy[key], `nothing (${key} is given as an argument)`);
    }
    return decodeWith(codec, { ...copy, ...given, op: name }, name);
  } catch (e) {
    return bad(name, undefined, `a readable options object (${describeException(e)})`);
  }
}

/** {@link buildOp}, throwing {@link FreqaugError}. */
export function makeOp<O extends { readonly op: string }>(
  codec: t.Type<O, O, unknown>,
  name: O["op"],
  options: unknown,
  given: Readonly<Record<string, unknown>> = {},
): O {
  return orThrow(buildOp(codec, name, options, given));
}

/** Checks a replayed number field: finite and `ok`. */
export function checkNumber(
  raw: Readonly<Record<string, unknown>>,
  key: string,
  c: CheckContext,
  expected: string,
  ok: (x: number) => boolean,
): number {
  const x = raw[key];
  if (typeof x !== "number" || !Number.isFinite(x) || !ok(x)) c.bad(`${c.at}.${key}`, x, expected);
  return x as number;
}

const isU32 = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < 2 ** 32;

/** Checks a per-bin field's key and returns a copy. */
export function checkKey(raw: unknown, c: CheckContext): FieldKey {
  const at = `${c.at}.key`;
  if (typeof raw !== "object" || raw === null) {
    c.bad(at, raw, "an object { seed, sample, op }");
    return { seed: 0, sample: 0, op: 0 };
  }
  const { seed, sample, op } = raw as Record<string, unknown>;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) c.bad(`${at}.seed`, seed, "a safe integer");
  if (!isU32(sample)) c.bad(`${at}.sample`, sample, "an integer in [0, 2^32)");
  if (!isU32(op)) c.bad(`${at}.op`, op, "an integer in [0, 2^32)");
  return { seed, sample, op } as FieldKey;
}

/** lo + (hi - lo) u. */
export function lerp(r: Range, u: number): number {
  return r[0] + (r[1] - r[0]) * u;
}
