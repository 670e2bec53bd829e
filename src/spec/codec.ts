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
import { FreqaugError, type Issue } from "../errors/error.ts";
import type { Op, OpName, Pipeline, Range } from "../dsl/types.ts";

const TWO_PI = 2 * Math.PI;

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
      u.forEach((x, i) => {
        const r = endCodec.validate(
          x,
          t.appendContext(c, String(i), endCodec, x),
        );
        if (E.isLeft(r)) errors.push(...r.left);
      });
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
    (u): u is number[] => Array.isArray(u) && u.length >= 1 && u.length <= 64 && u.every(item.is),
    (u, c) => {
      if (!Array.isArray(u) || u.length < 1 || u.length > 64) {
        return t.failure(u, c, shape);
      }
      const errors: t.Errors = [];
      u.forEach((x, i) => {
        const r = item.validate(x, t.appendContext(c, String(i), item, x));
        if (E.isLeft(r)) errors.push(...r.left);
      });
      return errors.length ? t.failures(errors) : t.success(u.map((x: number) => x + 0));
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
      const errors: t.Errors = [];
      for (const key of Object.keys(o)) {
        if (!allowed.includes(key)) {
          errors.push({
            value: o[key],
            context: t.appendContext(c, key, t.unknown, o[key]),
            message: `a known field of ${name} (${allowed.join(", ")}); "${key}" is not one`,
          });
        }
      }
      const out: Record<string, unknown> = { op: name };
      for (const [key, field] of Object.entries(fields)) {
        const v = o[key];
        if (v === undefined) {
          out[key] = field.default;
          continue;
        }
        const r = field.codec.validate(
          v,
          t.appendContext(c, key, field.codec, v),
        );
        if (E.isLeft(r)) errors.push(...r.left);
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
  sigma: f(range("a number > 0", (x) => x > 0 && x <= 1e6, true), [10, 15]),
  c: f(num("a number > 0", (x) => x > 0), 1),
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
    mean: f(numberArray("a finite number", () => true), [0.485, 0.456, 0.406]),
    std: f(numberArray("a number > 0", (x) => x > 0), [0.229, 0.224, 0.225]),
  },
  [
    (o) => {
      const mean = o.mean as number[], std = o.std as number[];
      return mean.length === std.length ? null : [
        "std",
        std,
        `an array of the same length as mean (${mean.length}), of numbers > 0`,
      ];
    },
  ],
);

/** Codec of the `clamp` op. */
export const ClampCodec = opCodec<import("../dsl/types.ts").ClampOp>("clamp", {
  min: f(num("a finite number", () => true), 0),
  max: f(num("a finite number", () => true), 1),
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
    const name = (u as { op?: unknown }).op;
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

const ops = new t.Type<Op[], Op[], unknown>(
  "ops",
  (u): u is Op[] => Array.isArray(u) && u.every(OpCodec.is),
  (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, "an array of ops");
    const errors: t.Errors = [];
    const out: Op[] = [];
    u.forEach((x, i) => {
      const r = OpCodec.validate(x, t.appendContext(c, String(i), OpCodec, x));
      if (E.isLeft(r)) errors.push(...r.left);
      else out.push(r.right);
    });
    return errors.length ? t.failures(errors) : t.success(out);
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
  (u): u is Pipeline =>
    typeof u === "object" && u !== null && (u as Pipeline).version === 1 &&
    ops.is((u as Pipeline).ops),
  (u, c) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) {
      return t.failure(u, c, `an object { "version": 1, "ops": [...] }`);
    }
    const o = u as Record<string, unknown>;
    const errors: t.Errors = [];
    for (const key of Object.keys(o)) {
      if (key !== "version" && key !== "ops") {
        errors.push({
          value: o[key],
          context: t.appendContext(c, key, t.unknown, o[key]),
          message: `a known field of a spec (version, ops); "${key}" is not one`,
        });
      }
    }
    const v = version.validate(
      o.version,
      t.appendContext(c, "version", version, o.version),
    );
    const p = ops.validate(o.ops, t.appendContext(c, "ops", ops, o.ops));
    if (E.isLeft(v)) errors.push(...v.left);
    if (E.isLeft(p)) errors.push(...p.left);
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
  return E.mapLeft((errors: t.Errors) => new FreqaugError("spec", toIssues(errors, root)))(codec.decode(u));
}
