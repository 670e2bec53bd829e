/**
 * The op registry as data for forms and docs: every op's name, summary,
 * stage and options (each with its default, what it accepts and how a
 * control should move it), read off the op modules' codecs, so a new op
 * appears here by its one registry line.
 *
 * @module
 */

import { type FieldInfo, fieldsOf } from "./codec_kit.ts";
import type { OpName } from "./registry.ts";
import { OPS } from "./registry.ts";
import type { AnyOpModule } from "./module.ts";

/** One op of the registry, as forms and docs see it. */
export interface OpInfo {
  /** The op's tag, as in a spec's `"op"`. */
  readonly name: OpName;
  /** One line: what it does. */
  readonly summary: string;
  /** Where it runs: folded into the spectrum, or on pixels. */
  readonly stage: "frequency" | "spatial";
  /** Whether it has a `p` (applies to a sample with that probability). */
  readonly random: boolean;
  /** Whether it has a WebGPU plan (else it runs on the CPU backend only). */
  readonly gpu: boolean;
  /** Whether it changes the image's shape (a crop): such an op cannot be a combinator's child. */
  readonly reshapes: boolean;
  /** Its options, in order. */
  readonly options: readonly FieldInfo[];
}

const CATALOG: readonly OpInfo[] = Object.freeze(OPS.map((m): OpInfo =>
  Object.freeze({
    name: m.name,
    summary: m.summary,
    stage: m.stage,
    random: m.random,
    gpu: m.gpu !== undefined,
    reshapes: (m as AnyOpModule).reshape !== undefined,
    options: fieldsOf(m.codec),
  })
));

/**
 * Every op of the library with its options: defaults, accepted values and
 * how a control should move them (`scale: "log"` for σ, c, ratios), for
 * building forms, docs or specs by program. The values are frozen.
 *
 * @example
 * ```ts
 * import { opCatalog } from "@freqaug/freqaug";
 * const gmm = opCatalog().find((o) => o.name === "gmm")!;
 * const c = gmm.options.find((f) => f.name === "c")!;
 * // c.default === 1, c.control: { kind: "number", min: 1e-6, max: 1e6, scale: "log", ... }
 * ```
 */
export function opCatalog(): readonly OpInfo[] {
  return CATALOG;
}
