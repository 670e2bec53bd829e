/**
 * `amplitudeRescale`: each half-spectrum bin's magnitude times its own factor
 * a ~ U(range), shared by the channels; the phase is kept.
 *
 * Draws (op index o, sample n): 0 applies (against p); the factors are the
 * per-bin field of (o, n): bin d = u * V + v uses counter (d / 4, o, n, 1),
 * word d mod 4.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { bool, f, opCodec, probability, type Range, range, ui } from "../codec_kit.ts";
import { fieldUniforms, seedKey } from "../../params/keys.ts";
import { type ArbKit, checkKey, type FieldKey, makeOp, type OpModule } from "../module.ts";
import wgsl from "./amplitude_rescale.wgsl" with { type: "text" };

/** Multiplies each half-spectrum bin's magnitude by its own factor a ~ U(range). */
export interface AmplitudeRescaleOp {
  /** The tag. */
  readonly op: "amplitudeRescale";
  /** Range of the per-bin magnitude factor. */
  readonly range: Range;
  /** Leave the DC bin alone. */
  readonly keepDC: boolean;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of an `amplitudeRescale` op: the key of its per-bin factors. */
export interface AmplitudeRescaleParams {
  /** The op. */
  readonly op: "amplitudeRescale";
  /** Whether the op applied to this sample. */
  readonly applied: boolean;
  /** Key of the per-bin factors. */
  readonly key: FieldKey;
}

/** Options of {@link amplitudeRescale}. */
export interface AmplitudeRescaleOptions {
  /** Range of the per-bin magnitude factor, inside [0, 1e6]. Default [0.8, 1.75]. */
  readonly range?: readonly [number, number];
  /** Keep the DC bin. Default true. */
  readonly keepDC?: boolean;
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

/** Codec of the `amplitudeRescale` op. */
export const AmplitudeRescaleCodec = opCodec<AmplitudeRescaleOp>("amplitudeRescale", {
  range: f(
    range("a number in [0, 1e6]", (x) => x >= 0 && x <= 1e6),
    [0.8, 1.75],
    ui.range(0, 1e6, { typical: [0, 4] }),
    "each bin's magnitude is multiplied by its own a drawn from this range",
  ),
  keepDC: f(bool, true, ui.boolean, "leave the DC bin (each channel's mean) alone"),
  p: f(probability, 1, ui.probability, "probability that the op applies to a sample"),
});

/**
 * Random amplitude rescale: each half-spectrum bin's magnitude times its own
 * a ~ U(range), shared by the channels; phase kept.
 *
 * @example
 * ```ts
 * import { amplitudeRescale, pipe } from "@freqaug/freqaug";
 * const p = pipe(amplitudeRescale({ range: [0.9, 1.2], p: 0.5 }));
 * ```
 */
export function amplitudeRescale(options: AmplitudeRescaleOptions = {}): AmplitudeRescaleOp {
  return makeOp(AmplitudeRescaleCodec, "amplitudeRescale", options);
}

/** The `amplitudeRescale` op module. */
export const amplitudeRescaleModule: OpModule<AmplitudeRescaleOp, AmplitudeRescaleParams> = {
  name: "amplitudeRescale",
  summary: "each bin's magnitude times its own uniform factor",
  stage: "frequency",
  random: true,
  codec: AmplitudeRescaleCodec,
  sample: (_op, d) => ({
    op: "amplitudeRescale",
    applied: d.applied,
    key: { seed: d.seed, sample: d.sample, op: d.index },
  }),
  check: (_op, raw, applied, c) => ({ op: "amplitudeRescale", applied, key: checkKey(raw.key, c) }),
  gain: (op, b) => b * Math.max(1, op.range[1]),
  fold(op, p, t) {
    const [k0, k1] = seedKey(p.key.seed);
    const n = t.H * t.V, field = t.field, re = t.re, im = t.im;
    fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n, op.range[0], op.range[1]);
    for (let d = 0; d < n; d++) re[d] *= field[d];
    if (t.complex) { for (let d = 0; d < n; d++) im[d] *= field[d]; }
    return t.complex;
  },
  keepsDC: (op) => op.keepDC,
  gpu: {
    wgsl,
    constWords: () => 10,
    writeConsts(op, w) {
      w.u32(3, op.keepDC ? 1 : 0);
      w.f32(4, op.range[0]);
      w.f32(5, op.range[1]);
    },
    tableWords: () => 5,
    fillTable(p, table, _f, b) {
      const [k0, k1] = seedKey(p.key.seed);
      table[b + 1] = p.key.sample >>> 0;
      table[b + 2] = k0;
      table[b + 3] = k1;
      table[b + 4] = p.key.op;
    },
    gen: (o) => `gen_amplitude(s, n, ${o}, lid);`,
    mult: (o) => `m = m_amplitude(m, s, u, v, ${o});`,
  },
  arbitrary(k: ArbKit): Arbitrary<AmplitudeRescaleOp> {
    const { fc } = k;
    return fc.record({
      op: fc.constant("amplitudeRescale" as const),
      range: k.withEdges(k.range(0.2, 2.2), [[0.8, 1.75], [0, 2], [0, 0], [2, 2]] as Range[]),
      keepDC: fc.boolean(),
      p: k.probability(),
    });
  },
};
