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
import { describeException, FreqaugError, type Issue } from "../errors/error.ts";
import type { Op, OpName, Pipeline, Range } from "../dsl/types.ts";

const TWO_PI = 2 * Math.PI;

/**
 * The smallest σ of a Gaussian, in bins. Below it the mask's 1/(2σ²) leaves
 * float32's range on the GPU; at it a Gaussian is already a single bin.
 */
export const MIN_SIGMA = 1e-3;
/** The most ops in one pipeline. */
export const MAX_OPS = 64;
/** The most Gaussians in all the gmm ops of one pipeline together. */
export const MAX_GAUSSIANS = 2048;
/**
 * The largest gain bound a pipeline may have: the largest |value| its ops can
 * make from inputs in [-1, 1] (see {@link gainBound}).
 */
export const MAX_GAIN = 1e30;

function num(
  expected: string,
  ok: (x: number) => boolean,
): t.Type<number, number, unknown> {
  return new t.Type<number, number, unknown>(
    expected,
    (u): u is number => typeof u === "number" && Number.isFinite(u) && ok(u),
    // -0 becomes 0: JSON cannot carry it, and no op gives it a meaning.
    (u, c) => typeof u === "number" && Number.isFinite(u) && ok(u) ? t.success(u + 0) : t.failure(u, c, expected),
    t.identity,
  );
}

const bool = new t.Type<boolean, boolean, unknown>(
  "boolean",
  (u): u is boolean => typeof u === "boolean",
  (u, c) => typeof u === "boolean" ? t.success(u) : t.failure(u, c, "true or false"),
  t.identity,
);

const probability = num("a number in [0, 1]", (x) => x >= 0 && x <= 1);

function oneOf<L extends string>(values: readonly L[]): t.Type<L, L, unknown> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return new t.Type<L, L, unknown>(
    expected,
    (u): u is L => values.includes(u as L),
    (u, c) => values.includes(u as L) ? t.success(u as L) : t.failure(u, c, expected),
    t.identity,
  );
}

/**
 * A range `[lo, hi]` whose ends satisfy `end`, with lo <= hi; with
 * `scalar`, a single number x also stands for [x, x].
 */
function range(
  endExpected: string,
  end: (x: number) => boolean,
  scalar = false,
): t.Type<Range, Range, unknown> {
  const endCodec = num(endExpected, end);
  const shape = `${scalar ? `${endExpected}, or ` : ""}[lo, hi] with lo <= hi, each ${endExpected}`;
  return new t.Type<Range, Range, unknown>(
    shape,
    (u): u is Range =>
      Array.isArray(u) && u.length === 2 && endCodec.is(u[0]) &&
      endCodec.is(u[1]) && u[0] <= u[1],
    (u, c) => {
      if (scalar && typeof u === "number") {
        return E.map((x: number) => [x, x] as Range)(endCodec.validate(u, c));
      }
      if (!Array.isArray(u) || u.length !== 2) return t.failure(u, c, shape);
      const errors: t.Errors = [];
      // An index loop, so a hole is read (as undefined) and refused at its index.
      for (let i = 0; i < 2; i++) {
        const x = u[i];
        const r = endCodec.validate(x, t.appendContext(c, String(i), endCodec, x));
        if (E.isLeft(r)) append(errors, r.left);
      }
      if (errors.length) return t.failures(errors);
      if (u[0] > u[1]) return t.failure(u, c, shape);
      return t.success([u[0] + 0, u[1] + 0] as Range);
    },
    (r) => [r[0], r[1]],
  );
}

function numberArray(
  expected: string,
  ok: (x: number) => boolean,
): t.Type<number[], number[], unknown> {
  const item = num(expected, ok);
  const shape = `an array of 1..64 items, each ${expected}`;
  return new t.Type<number[], number[], unknown>(
    shape,
    (u): u is number[] => Array.isArray(u) && u.length >= 1 && u.length <= 64 && Array.from(u).every(item.is),
    (u, c) => {
      if (!Array.isArray(u) || u.length < 1 || u.length > 64) {
        return t.failure(u, c, shape);
      }
      const errors: t.Errors = [];
      const out: number[] = [];
      for (let i = 0; i < u.length; i++) {
        const x = u[i]; // a hole reads as undefined and is refused at its index
        const r = item.validate(x, t.appendContext(c, String(i), item, x));
        if (E.isLeft(r)) append(errors, r.left);
        else out.push(r.right + 0);
      }
      return errors.length ? t.failures(errors) : t.success(out);
    },
    (a) => [...a],
  );
}

interface Field {
  // deno-lint-ignore no-explicit-any
  readonly codec: t.Type<any, any, unknown>;
  readonly default: unknown;
}

/** A cross-field rule: returns the failing field, its value and what is expected, or null. */
type Rule = (
  o: Record<string, unknown>,
) => readonly [string, unknown, string] | null;

/**
 * A codec for one op: a plain object whose `op` is `name`, with the given
 * fields (each optional, defaulted), no others, and the cross-field rules.
 */
function opCodec<O extends Op>(
  name: O["op"],
  fields: Record<string, Field>,
  rules: Rule[] = [],
): t.Type<O, O, unknown> {
  const allowed = ["op", ...Object.keys(fields)];
  const is = (u: unknown): u is O => E.isRight(codec.validate(u, [{ key: "", type: codec, actual: u }]));
  const codec: t.Type<O, O, unknown> = new t.Type<O, O, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== "object" || u === null || Array.isArray(u)) {
        return t.failure(u, c, `an object with "op": "${name}"`);
      }
      const o = u as Record<string, unknown>;
      const errors: t.Errors = inherited(o, c);
      for (const key of Object.keys(o)) {
        if (!allowed.includes(key)) {
          errors.push({
            value: o[key],
            context: t.appendContext(c, key, t.unknown, o[key]),
            message: `a known field of ${name} (${allowed.join(", ")})`,
          });
        }
      }
      const out: Record<string, unknown> = { op: name };
      for (const [key, field] of Object.entries(fields)) {
        const v = own(o, key);
        if (v === undefined) {
          out[key] = field.default;
          continue;
        }
        const r = field.codec.validate(
          v,
          t.appendContext(c, key, field.codec, v),
        );
        if (E.isLeft(r)) append(errors, r.left);
        else out[key] = r.right;
      }
      if (errors.length) return t.failures(errors);
      for (const rule of rules) {
        const bad = rule(out);
        if (bad) {
          const [key, value, expected] = bad;
          return t.failure(
            value,
            t.appendContext(c, key, t.unknown, value),
            expected,
          );
        }
      }
      return t.success(deepFreeze(out) as O);
    },
    (op) => {
      const json: Record<string, unknown> = { op: name };
      for (const [key, field] of Object.entries(fields)) {
        json[key] = field.codec.encode(
          (op as unknown as Record<string, unknown>)[key],
        );
      }
      return json as unknown as O;
    },
  );
  return codec;
}

/** Appends b to a with a loop: a spread of a very long array overflows the stack. */
function append<T>(a: T[], b: readonly T[]): void {
  for (const x of b) a.push(x);
}

/** An own property's value; inherited properties are never read. */
function own(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** One error for each enumerable property an object inherits: specs are plain data. */
function inherited(o: object, c: t.Context): t.Errors {
  const errors: t.ValidationError[] = [];
  for (const key in o) {
    if (!Object.hasOwn(o, key)) {
      errors.push({
        value: "an inherited value", // not read: a getter on the prototype is never called
        context: t.appendContext(c, key, t.unknown, undefined),
        message: "an own property (this one is inherited from the prototype, and is not read)",
      });
    }
  }
  return errors;
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

// deno-lint-ignore no-explicit-any
const f = (codec: t.Type<any, any, unknown>, dflt: unknown): Field => ({
  codec,
  default: dflt,
});

/** Codec of the `gmm` op. */
export const GmmCodec = opCodec<import("../dsl/types.ts").GmmOp>("gmm", {
  k: f(
    num(
      "an integer in 1..1024",
      (x) => Number.isInteger(x) && x >= 1 && x <= 1024,
    ),
    20,
  ),
  sigma: f(range(`a number in [${MIN_SIGMA}, 1e6]`, (x) => x >= MIN_SIGMA && x <= 1e6, true), [10, 15]),
  c: f(num("a number in [1e-6, 1e6]", (x) => x >= 1e-6 && x <= 1e6), 1),
  intensity: f(range("a number in [0, 1]", (x) => x >= 0 && x <= 1, true), [
    1,
    1,
  ]),
  keepDC: f(bool, true),
  p: f(probability, 1),
  precision: f(oneOf(["float64", "lightly"] as const), "float64"),
});

/** Codec of the `amplitudeRescale` op. */
export const AmplitudeRescaleCodec = opCodec<
  import("../dsl/types.ts").AmplitudeRescaleOp
>("amplitudeRescale", {
  range: f(range("a number in [0, 1e6]", (x) => x >= 0 && x <= 1e6), [
    0.8,
    1.75,
  ]),
  keepDC: f(bool, true),
  p: f(probability, 1),
});

/** Codec of the `phaseShift` op. */
export const PhaseShiftCodec = opCodec<import("../dsl/types.ts").PhaseShiftOp>(
  "phaseShift",
  {
    range: f(
      range("a number in [-2π, 2π]", (x) => x >= -TWO_PI && x <= TWO_PI),
      [0.4, 0.7],
    ),
    includeNegatives: f(bool, false),
    keepDC: f(bool, true),
    p: f(probability, 1),
  },
);

/** Codec of the `randomFrequencyMask` op. */
export const RandomFrequencyMaskCodec = opCodec<
  import("../dsl/types.ts").RandomFrequencyMaskOp
>(
  "randomFrequencyMask",
  {
    k: f(range("a number in [0, 1]", (x) => x >= 0 && x <= 1, true), [
      0.01,
      0.1,
    ]),
    p: f(probability, 1),
  },
);

/** Codec of the `normalize` op. */
export const NormalizeCodec = opCodec<import("../dsl/types.ts").NormalizeOp>(
  "normalize",
  {
    mean: f(numberArray("a number in [-1e6, 1e6]", (x) => Math.abs(x) <= 1e6), [0.485, 0.456, 0.406]),
    std: f(numberArray("a number in [1e-6, 1e6]", (x) => x >= 1e-6 && x <= 1e6), [0.229, 0.224, 0.225]),
  },
  [
    (o) => {
      const mean = o.mean as number[], std = o.std as number[];
      return mean.length === std.length ? null : [
        "std",
        std,
        `an array of the same length as mean (${mean.length}), of numbers in [1e-6, 1e6]`,
      ];
    },
  ],
);

/** Codec of the `clamp` op. */
export const ClampCodec = opCodec<import("../dsl/types.ts").ClampOp>("clamp", {
  min: f(num("a number in [-1e30, 1e30]", (x) => Math.abs(x) <= 1e30), 0),
  max: f(num("a number in [-1e30, 1e30]", (x) => Math.abs(x) <= 1e30), 1),
}, [
  (o) => (o.min as number) <= (o.max as number) ? null : ["max", o.max, `a number >= min (${o.min})`],
]);

const OP_CODECS: Record<OpName, t.Type<Op, Op, unknown>> = {
  gmm: GmmCodec as t.Type<Op, Op, unknown>,
  amplitudeRescale: AmplitudeRescaleCodec as t.Type<Op, Op, unknown>,
  phaseShift: PhaseShiftCodec as t.Type<Op, Op, unknown>,
  randomFrequencyMask: RandomFrequencyMaskCodec as t.Type<Op, Op, unknown>,
  normalize: NormalizeCodec as t.Type<Op, Op, unknown>,
  clamp: ClampCodec as t.Type<Op, Op, unknown>,
};

/** The names of all ops. */
export const OP_NAMES: readonly OpName[] = Object.keys(OP_CODECS) as OpName[];

/** Codec of any op, dispatching on its `op` field. */
export const OpCodec: t.Type<Op, Op, unknown> = new t.Type<Op, Op, unknown>(
  "Op",
  (u): u is Op =>
    typeof u === "object" && u !== null &&
    (OP_CODECS[(u as Op).op]?.is(u) ?? false),
  (u, c) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) {
      return t.failure(u, c, "an op object");
    }
    if (!Object.hasOwn(u, "op") && "op" in u) return t.failures(inherited(u, c));
    const name = own(u, "op");
    const codec = typeof name === "string" && Object.hasOwn(OP_CODECS, name) ? OP_CODECS[name as OpName] : undefined;
    if (!codec) {
      return t.failure(
        name,
        t.appendContext(c, "op", t.unknown, name),
        `one of ${OP_NAMES.join(", ")}`,
      );
    }
    return codec.validate(u, c);
  },
  (op) => OP_CODECS[op.op].encode(op),
);

/**
 * The gain bound of a pipeline: the largest |value| its ops can make from
 * inputs in [-1, 1], op by op, if no frequency op moved energy between pixels
 * (a frequency op multiplies by at most its largest factor: amplitudeRescale's
 * upper end, 1 for the others; normalize maps B to (B + max |mean|) / min std;
 * clamp to the larger |end| it can reach). Returns the bound after each op.
 */
export function gainBound(ops: readonly Op[]): number[] {
  let b = 1;
  return ops.map((op) => {
    switch (op.op) {
      case "amplitudeRescale":
        b *= Math.max(1, op.range[1]);
        break;
      case "normalize":
        b = (b + Math.max(...op.mean.map(Math.abs))) / Math.min(...op.std);
        break;
      case "clamp": {
        const at = (x: number) => Math.abs(Math.min(op.max, Math.max(op.min, x)));
        b = Math.max(at(-b), at(b));
        break;
      }
      default:
        break;
    }
    return b;
  });
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
  list.forEach((op, i) => {
    if (op.op !== "gmm") return;
    gaussians += op.k;
    if (gaussians > MAX_GAUSSIANS && gaussians - op.k <= MAX_GAUSSIANS) {
      out.push([
        i,
        op.k,
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

/** Turns io-ts errors into issues with JSON paths such as `ops[0].sigma[1]`. */
export function toIssues(errors: t.Errors, root = ""): Issue[] {
  return errors.map((e) => {
    let path = root;
    for (const entry of e.context) {
      if (entry.key === "") continue;
      path += /^\d+$/.test(entry.key) ? `[${entry.key}]` : (path ? `.${entry.key}` : entry.key);
    }
    return {
      path: path || "(root)",
      value: e.value,
      expected: e.message ?? e.context[e.context.length - 1]?.type.name,
    };
  });
}

/** Runs a codec and maps its errors to a {@link FreqaugError} with paths under `root`. */
export function decodeWith<A>(
  codec: t.Type<A, unknown, unknown>,
  u: unknown,
  root = "",
): E.Either<FreqaugError, A> {
  try {
    return E.mapLeft((errors: t.Errors) => new FreqaugError("spec", toIssues(errors, root)))(codec.decode(u));
  } catch (e) {
    // A getter or proxy that throws while the value is read.
    return E.left(
      new FreqaugError("spec", [{
        path: root || "(root)",
        value: undefined,
        expected: `a readable value (${describeException(e)})`,
      }]),
    );
  }
}
