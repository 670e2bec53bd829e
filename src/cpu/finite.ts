/**
 * The CPU backend's finiteness check, folded into the first pass over the
 * input: each load of a float plane says whether it met NaN or ±Infinity,
 * and the kernel then throws {@link NonFiniteInput}. The API turns that into
 * the usual error by scanning the batch for the first such value (only then).
 *
 * @module
 */

/** Thrown by the CPU kernel when a float input holds NaN or ±Infinity. */
export class NonFiniteInput extends Error {
  constructor() {
    super("the batch holds a NaN or an infinite value");
    this.name = "NonFiniteInput";
  }
}

/** The message a worker sends for {@link NonFiniteInput}, so the calling thread can raise it again. */
export const NON_FINITE_MESSAGE = "NonFiniteInput";

/** Whether `a[from .. to)` is all finite: x * 0 is 0 for finite x and NaN otherwise. */
export function allFinite(a: ArrayLike<number>, from: number, to: number): boolean {
  let s0 = 0, s1 = 0, i = from;
  for (const end = to - ((to - from) & 1); i < end; i += 2) {
    s0 += a[i] * 0;
    s1 += a[i + 1] * 0;
  }
  if (i < to) s0 += a[i] * 0;
  return s0 + s1 === 0;
}
