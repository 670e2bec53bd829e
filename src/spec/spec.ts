/**
 * Reading and writing pipeline specs as JSON.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { FreqaugError } from "../errors/error.ts";
import type { Either } from "../errors/either.ts";
import type { Pipeline } from "../dsl/types.ts";
import { decodeWith, SpecCodec } from "./codec.ts";

/** The JSON form of a pipeline. */
export interface SpecJson {
  /** Spec format version. */
  readonly version: 1;
  /** The ops as JSON objects, every field written out. */
  readonly ops: readonly Record<string, unknown>[];
}

/**
 * Decodes a spec (a parsed JSON value, or JSON text) into a validated pipeline.
 * Missing fields take their defaults.
 *
 * @example
 * ```ts
 * import { decodeSpec } from "@freqaug/freqaug";
 * const r = decodeSpec({ version: 1, ops: [{ op: "gmm", sigma: 0 }] });
 * if (r._tag === "Left") console.log(r.left.message);
 * // ops[0].sigma: got 0, expected a number in [0.001, 1e6]
 * ```
 */
export function decodeSpec(json: unknown): Either<FreqaugError, Pipeline> {
  if (typeof json === "string") {
    try {
      json = JSON.parse(json);
    } catch (e) {
      return E.left(
        new FreqaugError("spec", [{
          path: "(root)",
          value: json,
          expected: `JSON text (${(e as Error).message})`,
        }]),
      );
    }
  }
  return decodeWith(SpecCodec, json);
}

/**
 * Encodes a pipeline as its spec JSON, every field written out.
 * `decodeSpec(encodeSpec(p))` gives back a pipeline equal to `p`.
 *
 * @example
 * ```ts
 * import { encodeSpec, gmm, pipe } from "@freqaug/freqaug";
 * const text = JSON.stringify(encodeSpec(pipe(gmm({ k: 8 }))));
 * ```
 */
export function encodeSpec(pipeline: Pipeline): SpecJson {
  return SpecCodec.encode(pipeline) as unknown as SpecJson;
}
