/**
 * The one error type of freqaug, and the Either helpers the core uses.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";

/** What kind of thing was wrong. */
export type ErrorCode = "spec" | "input" | "params" | "backend" | "decode";

/** One problem: where (a JSON path such as `ops[0].sigma[1]`), what came, what was allowed. */
export interface Issue {
  /** Path of the offending value, e.g. `ops[0].sigma[1]` or `batch.data[17]`. */
  readonly path: string;
  /** The value that came. */
  readonly value: unknown;
  /** What is allowed there, e.g. `a number > 0`. */
  readonly expected: string;
}

/** Renders a value for an error message, shortened. */
export function show(value: unknown): string {
  try {
    if (typeof value === "number") {
      return Object.is(value, -0) ? "-0" : String(value);
    }
    if (typeof value === "bigint") return clip(`${value}n`, 80);
    if (value === undefined) return "undefined";
    if (typeof value === "function") return "a function";
    if (ArrayBuffer.isView(value)) {
      return `${clip(String(value.constructor?.name), 40)}(${(value as Uint8Array).length})`;
    }
    const s = JSON.stringify(value);
    return clip(s === undefined ? String(value) : s, 80);
  } catch {
    try {
      return clip(String(value), 80);
    } catch {
      return "a value that cannot be shown";
    }
  }
}

/** What an exception says, clipped; never throws. */
export function describeException(e: unknown): string {
  try {
    return clip(e instanceof Error ? e.message : String(e), 200);
  } catch {
    return "an exception that cannot be shown";
  }
}

/** Longest path, and longest "expected" text, that a message repeats. */
const MAX_PATH = 120, MAX_EXPECTED = 240;
/** Issues described in a message; the rest are counted. */
export const MESSAGE_ISSUES = 8;
/** Issues an error keeps in `issues`; the rest are counted in `omitted`. */
export const KEPT_ISSUES = 100;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 3)}...` : s;
}

function describe(issue: Issue): string {
  return `${clip(String(issue.path), MAX_PATH)}: got ${show(issue.value)}, expected ${
    clip(String(issue.expected), MAX_EXPECTED)
  }`;
}

/**
 * The error freqaug returns (as a value, in an `Either`) or throws (from the
 * convenience API). Its message names the field, the value and what is allowed.
 * The message stays short whatever came: at most 8 problems are described
 * (each path, value and range clipped), the rest counted; `issues` keeps the
 * first 100 and `omitted` counts the others.
 *
 * @example
 * ```ts
 * import { FreqaugError, gmm } from "@freqaug/freqaug";
 * try {
 *   gmm({ sigma: -1 });
 * } catch (e) {
 *   if (e instanceof FreqaugError) console.log(e.path, e.expected);
 * }
 * ```
 */
export class FreqaugError extends Error {
  /** What kind of thing was wrong. */
  readonly code: ErrorCode;
  /** Every problem found; the message describes the first. */
  readonly issues: readonly Issue[];
  /** Path of the first problem. */
  readonly path: string;
  /** The value of the first problem. */
  readonly value: unknown;
  /** What the first problem's field allows. */
  readonly expected: string;
  /** How many problems were found beyond the 100 kept in `issues`. */
  readonly omitted: number;

  /**
   * Makes an error from one or more issues (at least one). `message`, when
   * given and not empty, replaces the generated one (a decoder's reason, such
   * as `PNG: IDAT chunk CRC mismatch (...)`); it is clipped to 300 characters.
   */
  constructor(code: ErrorCode, issues: readonly Issue[], message?: string) {
    const first = issues[0] ?? { path: "", value: undefined, expected: "" };
    const shown = issues.slice(1, MESSAGE_ISSUES).map((i) => `\n  also ${describe(i)}`).join("");
    const rest = issues.length - Math.max(1, Math.min(issues.length, MESSAGE_ISSUES));
    super(
      message
        ? clip(message, 300)
        : `${describe(first)}${shown}${rest > 0 ? `\n  and ${rest} more problem${rest === 1 ? "" : "s"}` : ""}`,
    );
    this.name = "FreqaugError";
    this.code = code;
    this.issues = issues.length > KEPT_ISSUES ? issues.slice(0, KEPT_ISSUES) : issues;
    this.omitted = Math.max(0, issues.length - KEPT_ISSUES);
    this.path = first.path;
    this.value = first.value;
    this.expected = first.expected;
  }
}

/** A Left holding one issue. */
export function fail<A = never>(
  code: ErrorCode,
  path: string,
  value: unknown,
  expected: string,
): E.Either<FreqaugError, A> {
  return E.left(new FreqaugError(code, [{ path, value, expected }]));
}

/** The convenience API's bridge: the Right, or throw the Left. */
export function orThrow<A>(e: E.Either<FreqaugError, A>): A {
  if (E.isLeft(e)) throw e.left;
  return e.right;
}
