/**
 * The shapes of fp-ts's `Either` and `TaskEither`, declared here so the public
 * API documents them; fp-ts values are these shapes, so every fp-ts function
 * takes and returns them as they are.
 *
 * @module
 */

/** A failure, as fp-ts writes it. */
export interface Left<E> {
  /** The tag. */
  readonly _tag: "Left";
  /** The error. */
  readonly left: E;
}

/** A success, as fp-ts writes it. */
export interface Right<A> {
  /** The tag. */
  readonly _tag: "Right";
  /** The value. */
  readonly right: A;
}

/**
 * An error or a value: fp-ts's `Either<E, A>`.
 *
 * @example
 * ```ts
 * import { decodeSpec, type Either, FreqaugError, type Pipeline } from "@freqaug/freqaug";
 * const r: Either<FreqaugError, Pipeline> = decodeSpec({ version: 1, ops: [] });
 * ```
 */
export type Either<E, A> = Left<E> | Right<A>;

/**
 * A lazy asynchronous Either that never rejects: fp-ts's `TaskEither<E, A>`.
 *
 * @example
 * ```ts
 * import type { FreqaugError, TaskEither } from "@freqaug/freqaug";
 * const task: TaskEither<FreqaugError, number> = () => Promise.resolve({ _tag: "Right", right: 1 });
 * ```
 */
export type TaskEither<E, A> = () => Promise<Either<E, A>>;
