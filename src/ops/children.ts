/**
 * What randomApply and oneOf share: the codec of their list of child ops
 * (1..16 ops of the registry; none that changes the image's shape, since
 * every sample of a batch must come out the same shape; at most 3 levels of
 * combinators), and the composition of the children's gain bounds.
 *
 * @module
 */

import * as t from "io-ts";
import * as E from "fp-ts/lib/Either.js";
import { append } from "./codec_kit.ts";
import { late } from "./late.ts";
import type { AnyOpModule } from "./module.ts";

/** An op inside a combinator, as data. */
export type ChildOp = { readonly op: string } & Readonly<Record<string, unknown>>;

/** The most children of one combinator. */
export const MAX_CHILDREN = 16;
/** The deepest nesting of combinators. */
export const MAX_DEPTH = 3;

function mod(op: { readonly op: string }): AnyOpModule {
  const m = late.moduleNamed!(op.op);
  if (!m) throw new TypeError(`unknown op ${op.op}`);
  return m;
}

const COMBINATORS: ReadonlySet<unknown> = new Set(["randomApply", "oneOf"]);

function rawName(x: unknown): unknown {
  return typeof x === "object" && x !== null && Object.hasOwn(x, "op") ? (x as { op: unknown }).op : x;
}

/**
 * Levels of combinators in a value not yet decoded (own properties only),
 * counted no further than `cap`: a value nested a million levels deep costs
 * `cap` steps.
 */
function rawDepth(x: unknown, cap: number): number {
  if (cap <= 0 || !COMBINATORS.has(rawName(x))) return 0;
  const kids = Object.hasOwn(x as object, "ops") ? (x as { ops: unknown }).ops : undefined;
  if (!Array.isArray(kids)) return 1;
  let deepest = 0;
  for (let i = 0; i < kids.length && i < MAX_CHILDREN + 1; i++) deepest = Math.max(deepest, rawDepth(kids[i], cap - 1));
  return 1 + deepest;
}

/** The codec of a combinator's `ops`. */
export function childList(): t.Type<readonly ChildOp[], readonly ChildOp[], unknown> {
  const expected = `an array of 1..${MAX_CHILDREN} ops`;
  const type: t.Type<readonly ChildOp[], readonly ChildOp[], unknown> = new t.Type<
    readonly ChildOp[],
    readonly ChildOp[],
    unknown
  >(
    expected,
    (u): u is readonly ChildOp[] => E.isRight(type.validate(u, [])),
    (u, c) => {
      if (!Array.isArray(u) || u.length < 1 || u.length > MAX_CHILDREN) return t.failure(u, c, expected);
      const codec = late.opCodec!;
      const errors: t.Errors = [];
      const out: ChildOp[] = [];
      for (let i = 0; i < u.length; i++) {
        const x = u[i]; // a hole reads as undefined and is refused at its index
        const at = t.appendContext(c, String(i), codec, x);
        // The nesting is measured before anything inside is decoded, so a deep value cannot exhaust the stack.
        if (rawDepth(x, MAX_DEPTH) >= MAX_DEPTH) {
          errors.push({
            value: rawName(x),
            context: at,
            message: `at most ${MAX_DEPTH} levels of randomApply and oneOf`,
          });
          continue;
        }
        const r = codec.validate(x, at);
        if (E.isLeft(r)) {
          append(errors, r.left);
          continue;
        }
        const op = r.right as ChildOp;
        if (mod(op).reshape) {
          errors.push({
            value: op.op,
            context: at,
            message: "an op that keeps the image's shape (every sample of a batch must come out the same shape)",
          });
        } else out.push(op);
      }
      return errors.length ? t.failures(errors) : t.success(out);
    },
    (a) => a.map((op) => mod(op).codec.encode(op) as ChildOp),
  );
  return type;
}

/** The gain bound after the children in order, from b (at least b: they may not apply). */
export function childrenGain(ops: readonly ChildOp[], b: number): number {
  let g = b;
  for (const op of ops) g = mod(op).gain(op, g);
  return Math.max(b, g);
}

/** The first channel-count problem of the children, or null. */
export function childrenChannels(
  ops: readonly ChildOp[],
  channels: number,
): readonly [string, unknown, string] | null {
  for (const [i, op] of ops.entries()) {
    const problem = mod(op).channels?.(op, channels);
    if (problem) return [`ops[${i}].${problem[0]}`, problem[1], problem[2]];
  }
  return null;
}
