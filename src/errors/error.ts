/**
 * The one error type of freqaug, and the Either helpers the core uses.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";

/** What kind of thing was wrong. */
export type ErrorCode = "spec" | "input" | "params" | "backend";

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
  if (typeof value === "number") {
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as Uint8Array).length})`;
  }
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return String(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

function describe(issue: Issue): string {
  return `${issue.path}: got ${show(issue.value)}, expected ${issue.expected}`;
}

/**
 * The error freqaug returns (as a value, in an `Either`) or throws (from the
 * convenience API). Its message names the field, the value and what is allowed.
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

  /** Makes an error from one or more issues (at least one). */
  constructor(code: ErrorCode, issues: readonly Issue[]) {
    const first = issues[0] ?? { path: "", value: undefined, expected: "" };
    const more = issues.length > 1 ? `\n${issues.slice(1).map((i) => `  also ${describe(i)}`).join("\n")}` : "";
    super(`${describe(first)}${more}`);
    this.name = "FreqaugError";
    this.code = code;
    this.issues = issues;
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
