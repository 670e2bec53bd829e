/**
 * io-ts codecs for pipeline specs: `{ "version": 1, "ops": [ { "op": "gmm", ... } ] }`.
 *
 * Every field of an op may be left out and takes its default; unknown fields,
 * unknown ops, wrong types and values out of range are rejected with the JSON
 * path, the value and the allowed range.
 *
 * @module
 */

import * as t from "io-ts";
import * as E from "fp-ts/lib/Either.js";
import type { Pipeline } from "../dsl/types.ts";
import { append, inherited, own } from "../ops/codec_kit.ts";
import { moduleOf, type Op, OP_NAMES, OpCodec } from "../ops/registry.ts";

export { decodeWith, toIssues } from "../ops/codec_kit.ts";
export { MIN_SIGMA } from "../ops/gmm/mod.ts";
export { OP_NAMES, OpCodec };
/** The most ops in one pipeline. */
export const MAX_OPS = 64;
/** The most Gaussians in all the gmm ops of one pipeline together. */
export const MAX_GAUSSIANS = 2048;
/**
 * The largest gain bound a pipeline may have: the largest |value| its ops can
 * make from inputs in [-1, 1] (see {@link gainBound}).
 */
export const MAX_GAIN = 1e30;

/**
 * The gain bound of a pipeline: the largest |value| its ops can make from
 * inputs in [-1, 1], op by op, if no frequency op moved energy between pixels
 * (each op module says how it maps a bound: a frequency op multiplies it by
 * its largest factor, normalize maps B to (B + max |mean|) / min std, clamp
 * to the larger |end| it can reach). Returns the bound after each op.
 */
export function gainBound(ops: readonly Op[]): number[] {
  let b = 1;
  return ops.map((op) => (b = moduleOf(op).gain(op, b)));
}

/**
 * The limits on a whole pipeline: at most {@link MAX_OPS} ops, at most
 * {@link MAX_GAUSSIANS} Gaussians in all, and a gain bound of at most
 * {@link MAX_GAIN}, so that finite input never overflows. Each problem is
 * `[op index or null for the whole list, value, expected]`.
 */
export function pipelineProblems(list: readonly Op[]): [number | null, unknown, string][] {
  const out: [number | null, unknown, string][] = [];
  if (list.length > MAX_OPS) out.push([null, `${list.length} ops`, `at most ${MAX_OPS} ops`]);
  let gaussians = 0;
  // The Gaussians of an op, those of the ops inside a randomApply or oneOf included.
  const countOf = (op: { readonly op: string }): number =>
    op.op === "gmm"
      ? (op as unknown as { k: number }).k
      : (moduleOf(op).children?.(op) ?? []).reduce((s, c) => s + countOf(c), 0);
  list.forEach((op, i) => {
    const k = countOf(op);
    if (k === 0) return;
    gaussians += k;
    if (gaussians > MAX_GAUSSIANS && gaussians - k <= MAX_GAUSSIANS) {
      out.push([
        i,
        k,
        `at most ${MAX_GAUSSIANS} Gaussians in all the gmm ops together (k sums to ${gaussians} here)`,
      ]);
    }
  });
  const gains = gainBound(list);
  const over = gains.findIndex((g) => !(g <= MAX_GAIN));
  if (over >= 0) {
    out.push([
      over,
      list[over].op,
      `a pipeline whose values stay finite: after this op, inputs in [-1, 1] may reach ${
        gains[over].toExponential(2)
      }, over the limit ${MAX_GAIN.toExponential(0)}`,
    ]);
  }
  return out;
}

const ops = new t.Type<Op[], Op[], unknown>(
  "ops",
  (u): u is Op[] => E.isRight(ops.validate(u, [])),
  (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, `an array of at most ${MAX_OPS} ops`);
    if (u.length > MAX_OPS) return t.failure(`${u.length} ops`, c, `an array of at most ${MAX_OPS} ops`);
    const errors: t.Errors = [];
    const out: Op[] = [];
    for (let i = 0; i < u.length; i++) {
      const x = u[i]; // a hole reads as undefined and is refused at its index
      const r = OpCodec.validate(x, t.appendContext(c, String(i), OpCodec, x));
      if (E.isLeft(r)) append(errors, r.left);
      else out.push(r.right);
    }
    if (errors.length) return t.failures(errors);
    const problems = pipelineProblems(out);
    if (problems.length) {
      return t.failures(problems.map(([i, value, message]) => ({
        value,
        context: i === null ? c : t.appendContext(c, String(i), OpCodec, u[i]),
        message,
      })));
    }
    return t.success(out);
  },
  (a) => a.map(OpCodec.encode),
);

const version = new t.Type<1, 1, unknown>(
  "version",
  (u): u is 1 => u === 1,
  (u, c) => u === 1 ? t.success(1) : t.failure(u, c, "1"),
  t.identity,
);

/** Codec of a whole spec `{ version: 1, ops: [...] }`; decodes to a frozen {@link Pipeline}. */
export const SpecCodec: t.Type<Pipeline, Pipeline, unknown> = new t.Type<
  Pipeline,
  Pipeline,
  unknown
>(
  "Spec",
  (u): u is Pipeline => E.isRight(SpecCodec.validate(u, [])),
  (u, c) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) {
      return t.failure(u, c, `an object { "version": 1, "ops": [...] }`);
    }
    const o = u as Record<string, unknown>;
    const errors: t.Errors = inherited(o, c);
    for (const key of Object.keys(o)) {
      if (key !== "version" && key !== "ops") {
        errors.push({
          value: o[key],
          context: t.appendContext(c, key, t.unknown, o[key]),
          message: "a known field of a spec (version, ops)",
        });
      }
    }
    const v = version.validate(own(o, "version"), t.appendContext(c, "version", version, own(o, "version")));
    const p = ops.validate(own(o, "ops"), t.appendContext(c, "ops", ops, own(o, "ops")));
    if (E.isLeft(v)) append(errors, v.left);
    if (E.isLeft(p)) append(errors, p.left);
    if (errors.length || E.isLeft(p)) return t.failures(errors);
    return t.success(
      Object.freeze({
        version: 1 as const,
        ops: Object.freeze(p.right) as readonly Op[],
      }),
    );
  },
  (p) => ({ version: 1, ops: ops.encode([...p.ops]) }),
);
