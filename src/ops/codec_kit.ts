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
  "true or false",
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

/** How a number or the ends of a range are best moved: evenly, or by factors (σ, c, ratios). */
export type Scale = "linear" | "log";

/** A number in [min, max] (an integer when `integer`). */
export interface NumberControl {
  /** The kind. */
  readonly kind: "number";
  /** The smallest value accepted. */
  readonly min: number;
  /** The largest value accepted. */
  readonly max: number;
  /** Whether only integers are accepted. */
  readonly integer: boolean;
  /** How a slider should move it. */
  readonly scale: Scale;
  /** The span a slider should cover: where values are useful (inside [min, max]). */
  readonly typical: Range;
}

/**
 * A range `[lo, hi]` inside [min, max]; with `scalar`, one number is
 * accepted too (for most ops x stands for [x, x]; colorJitter reads b as
 * [1 − b, 1 + b], as torchvision does).
 */
export interface RangeControl {
  /** The kind. */
  readonly kind: "range";
  /** The smallest end accepted. */
  readonly min: number;
  /** The largest end accepted. */
  readonly max: number;
  /** Whether one number is accepted too. */
  readonly scalar: boolean;
  /** How a slider should move each end. */
  readonly scale: Scale;
  /** The span a slider should cover. */
  readonly typical: Range;
}

/** true or false. */
export interface BooleanControl {
  /** The kind. */
  readonly kind: "boolean";
}

/** One of a few strings. */
export interface ChoiceControl {
  /** The kind. */
  readonly kind: "choice";
  /** The strings accepted. */
  readonly values: readonly string[];
}

/** An array of `minLength..maxLength` numbers, each in [min, max]. */
export interface NumbersControl {
  /** The kind. */
  readonly kind: "numbers";
  /** The smallest value accepted. */
  readonly min: number;
  /** The largest value accepted. */
  readonly max: number;
  /** The fewest items. */
  readonly minLength: number;
  /** The most items. */
  readonly maxLength: number;
}

/** A size: one integer in [min, max] for a square, or `[height, width]` of such integers. */
export interface SizeControl {
  /** The kind. */
  readonly kind: "size";
  /** The smallest side. */
  readonly min: number;
  /** The largest side. */
  readonly max: number;
}

/** A list of `minLength..maxLength` ops of the registry (a combinator's children). */
export interface OpsControl {
  /** The kind. */
  readonly kind: "ops";
  /** The fewest ops. */
  readonly minLength: number;
  /** The most ops. */
  readonly maxLength: number;
}

/** What kind of value an op's field takes, for forms and docs built from the registry. */
export type Control =
  | NumberControl
  | RangeControl
  | BooleanControl
  | ChoiceControl
  | NumbersControl
  | SizeControl
  | OpsControl;

/** Builders of {@link Control}s. */
export const ui = {
  /** A number in [min, max]. */
  number(
    min: number,
    max: number,
    o: { readonly integer?: boolean; readonly scale?: Scale; readonly typical?: Range } = {},
  ): NumberControl {
    return {
      kind: "number",
      min,
      max,
      integer: o.integer ?? false,
      scale: o.scale ?? "linear",
      typical: o.typical ?? [min, max],
    };
  },
  /** A range inside [min, max]. */
  range(
    min: number,
    max: number,
    o: { readonly scalar?: boolean; readonly scale?: Scale; readonly typical?: Range } = {},
  ): RangeControl {
    return {
      kind: "range",
      min,
      max,
      scalar: o.scalar ?? false,
      scale: o.scale ?? "linear",
      typical: o.typical ?? [min, max],
    };
  },
  /** A probability. */
  probability: { kind: "number", min: 0, max: 1, integer: false, scale: "linear", typical: [0, 1] } as NumberControl,
  /** true or false. */
  boolean: { kind: "boolean" } as BooleanControl,
  /** One of `values`. */
  choice(values: readonly string[]): ChoiceControl {
    return { kind: "choice", values };
  },
  /** An array of numbers. */
  numbers(min: number, max: number, minLength: number, maxLength: number): NumbersControl {
    return { kind: "numbers", min, max, minLength, maxLength };
  },
  /** A size. */
  size(min: number, max: number): SizeControl {
    return { kind: "size", min, max };
  },
  /** A list of ops. */
  ops(minLength: number, maxLength: number): OpsControl {
    return { kind: "ops", minLength, maxLength };
  },
} as const;

/** One field of an op: its codec, its default (undefined: required), its control and one line for people. */
export interface Field {
  // deno-lint-ignore no-explicit-any
  readonly codec: t.Type<any, any, unknown>;
  readonly default: unknown;
  readonly control: Control;
  readonly help: string;
}

/** One option of an op as forms and docs see it. */
export interface FieldInfo {
  /** The field's name. */
  readonly name: string;
  /** Its default, as JSON (absent: the field is required). */
  readonly default?: unknown;
  /** What kind of value it takes. */
  readonly control: Control;
  /** What the codec expects, in words (as its errors say). */
  readonly expected: string;
  /** One line for people. */
  readonly help: string;
}

const FIELDS = new WeakMap<object, readonly FieldInfo[]>();

/** The options of an op codec made by {@link opCodec}, in order (empty for any other codec). */
export function fieldsOf(codec: object): readonly FieldInfo[] {
  return FIELDS.get(codec) ?? [];
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
  FIELDS.set(
    codec,
    Object.freeze(
      Object.entries(fields).map(([key, field]): FieldInfo =>
        deepFreeze({
          name: key,
          ...(field.default === undefined ? {} : { default: field.codec.encode(field.default) }),
          control: field.control,
          expected: field.codec.name,
          help: field.help,
        })
      ),
    ),
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

/** A field: its codec, its default (undefined: required), its control and one line for people. */
// deno-lint-ignore no-explicit-any
export const f = (codec: t.Type<any, any, unknown>, dflt: unknown, control: Control, help: string): Field => ({
  codec,
  default: dflt,
  control,
  help,
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
