/**
 * The building blocks of the op codecs: numbers with a range, booleans,
 * ranges `[lo, hi]`, arrays of numbers, choices, and `opCodec`, which makes a
 * plain-data op codec (own fields only, each optional with a default, no
 * unknown fields, cross-field rules) from a table of fields.
 *
 * @module
 */

import * as t from "io-ts";
import * as E from "fp-ts/lib/Either.js";
import { describeException, FreqaugError, type Issue } from "../errors/error.ts";

/** A closed interval `[lo, hi]` with `lo <= hi`. */
export type Range = readonly [number, number];

/** A finite number satisfying `ok`, described as `expected`; -0 becomes 0. */
export function num(
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

/** true or false. */
export const bool = new t.Type<boolean, boolean, unknown>(
  "boolean",
  (u): u is boolean => typeof u === "boolean",
  (u, c) => typeof u === "boolean" ? t.success(u) : t.failure(u, c, "true or false"),
  t.identity,
);

/** A probability in [0, 1]. */
export const probability = num("a number in [0, 1]", (x) => x >= 0 && x <= 1);

/** One of the given strings. */
export function choice<L extends string>(values: readonly L[]): t.Type<L, L, unknown> {
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
export function range(
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

/** An array of 1..64 numbers, each satisfying `ok`. */
export function numberArray(
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

/** One field of an op: its codec and its default. */
export interface Field {
  // deno-lint-ignore no-explicit-any
  readonly codec: t.Type<any, any, unknown>;
  readonly default: unknown;
}

/** A cross-field rule: returns the failing field, its value and what is expected, or null. */
export type Rule = (
  o: Record<string, unknown>,
) => readonly [string, unknown, string] | null;

/**
 * A codec for one op: a plain object whose `op` is `name`, with the given
 * fields (each optional, defaulted), no others, and the cross-field rules.
 */
export function opCodec<O extends { readonly op: string }>(
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
export function append<T>(a: T[], b: readonly T[]): void {
  for (const x of b) a.push(x);
}

/** An own property's value; inherited properties are never read. */
export function own(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** One error for each enumerable property an object inherits: specs are plain data. */
export function inherited(o: object, c: t.Context): t.Errors {
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

/** Freezes a value and everything in it. */
export function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** A field with its default. */
// deno-lint-ignore no-explicit-any
export const f = (codec: t.Type<any, any, unknown>, dflt: unknown): Field => ({
  codec,
  default: dflt,
});

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
