/**
 * `randomFrequencyMask`: one q ~ U(k) per sample, each half-spectrum bin
 * dropped with probability q; the DC bin is always kept.
 *
 * Draws (op index o, sample n): 0 applies (against p); q's grid point
 * t = base + below(1, span) (see {@link dropGrid}); the per-bin uniforms are
 * the field of (o, n), as amplitudeRescale's: bin d is dropped when its 24-bit
 * uniform m satisfies m <= t.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, opCodec, probability, type Range, range, ui } from "../codec_kit.ts";
import { mulhi } from "../../params/philox.ts";
import { fieldUniforms, seedKey } from "../../params/keys.ts";
import { type ArbKit, checkKey, checkNumber, type FieldKey, makeOp, type OpModule } from "../module.ts";
import wgsl from "./random_frequency_mask.wgsl" with { type: "text" };

/** Zeroes each bin with probability q ~ U(k), one q per sample; DC is always kept. */
export interface RandomFrequencyMaskOp {
  /** The tag. */
  readonly op: "randomFrequencyMask";
  /** Range of the per-sample drop probability q. */
  readonly k: Range;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `randomFrequencyMask` op: its drop probability and the key of its per-bin draws. */
export interface RandomFrequencyMaskParams {
  /** The op. */
  readonly op: "randomFrequencyMask";
  /** Whether the op applied to this sample. */
  readonly applied: boolean;
  /** Drop probability of each bin. */
  readonly q: number;
  /** Key of the per-bin draws. */
  readonly key: FieldKey;
}

/** Options of {@link randomFrequencyMask}. */
export interface RandomFrequencyMaskOptions {
  /** Range of the per-sample drop probability q, inside [0, 1]. Default [0.01, 0.1]. */
  readonly k?: number | readonly [number, number];
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

/** Codec of the `randomFrequencyMask` op. */
export const RandomFrequencyMaskCodec = opCodec<RandomFrequencyMaskOp>("randomFrequencyMask", {
  k: f(
    range("a number in [0, 1]", (x) => x >= 0 && x <= 1, true),
    [0.01, 0.1],
    ui.range(0, 1, { scalar: true }),
    "range of q, the fraction of bins dropped",
  ),
  p: f(probability, 1, ui.probability, "probability that the op applies to a sample"),
});

/**
 * Random frequency mask: one q ~ U(k) per sample, each bin dropped with
 * probability q; the DC bin is always kept.
 *
 * @example
 * ```ts
 * import { pipe, randomFrequencyMask } from "@freqaug/freqaug";
 * const p = pipe(randomFrequencyMask({ k: [0.05, 0.2] }));
 * ```
 */
export function randomFrequencyMask(options: RandomFrequencyMaskOptions = {}): RandomFrequencyMaskOp {
  return makeOp(RandomFrequencyMaskCodec, "randomFrequencyMask", options);
}

/**
 * The drop threshold lives on the 2^-24 grid of the per-bin uniforms:
 * q = (base + mulhi(bits, span)) / 2^24, a bin is dropped when its uniform
 * m / 2^24 <= q, i.e. when m <= base + mulhi(bits, span). Both backends
 * compute that integer exactly.
 */
export function dropGrid(lo: number, hi: number): { base: number; span: number } {
  const a = Math.ceil(lo * 16777216), b = Math.floor(hi * 16777216);
  return a <= b ? { base: a, span: b - a + 1 } : { base: Math.floor(lo * 16777216), span: 0 };
}

/** The `randomFrequencyMask` op module. */
export const randomFrequencyMaskModule: OpModule<RandomFrequencyMaskOp, RandomFrequencyMaskParams> = {
  name: "randomFrequencyMask",
  summary: "each bin dropped with probability q, one q per sample; DC kept",
  stage: "frequency",
  random: true,
  codec: RandomFrequencyMaskCodec,
  sample(op, d) {
    const key = { seed: d.seed, sample: d.sample, op: d.index };
    if (!d.applied) return { op: "randomFrequencyMask", applied: false, q: 0, key };
    const { base, span } = dropGrid(op.k[0], op.k[1]);
    const t = base + mulhi(d.bits(1), span);
    // On the 2^-24 grid, so both backends compare integers; a range between
    // two grid points makes the same decisions as its lower end.
    const q = span === 0 ? op.k[0] : t / 16777216;
    return { op: "randomFrequencyMask", applied: true, q, key };
  },
  check: (_op, raw, applied, c) => {
    const key = checkKey(raw.key, c);
    const q = checkNumber(raw, "q", c, "a number in [0, 1]", (x) => x >= 0 && x <= 1);
    return { op: "randomFrequencyMask", applied, q, key };
  },
  gain: (_op, b) => b,
  fold(_op, p, t) {
    const [k0, k1] = seedKey(p.key.seed);
    const n = t.H * t.V, field = t.field, re = t.re, im = t.im;
    fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n);
    for (let d = 0; d < n; d++) {
      if (field[d] <= p.q) re[d] = im[d] = 0;
    }
    return t.complex;
  },
  keepsDC: () => true, // DC is always kept
  gpu: {
    wgsl,
    constWords: () => 10,
    writeConsts(op, w) {
      const { base, span } = dropGrid(op.k[0], op.k[1]);
      w.u32(6, base);
      w.u32(7, span);
    },
    tableWords: () => 6,
    fillTable(p, table, _f, b) {
      table[b + 1] = Math.min(Math.floor(p.q * 16777216), 0xffffffff);
      const [k0, k1] = seedKey(p.key.seed);
      table[b + 2] = p.key.sample >>> 0;
      table[b + 3] = k0;
      table[b + 4] = k1;
      table[b + 5] = p.key.op;
    },
    gen: (o) => `gen_dropmask(s, n, ${o}, lid);`,
    mult: (o) => `m = m_dropmask(m, s, u, v, ${o});`,
  },
  arbitrary(k: ArbKit): Arbitrary<RandomFrequencyMaskOp> {
    const { fc } = k;
    return fc.record({
      op: fc.constant("randomFrequencyMask" as const),
      k: k.withEdges(k.range(0.01, 0.5), [[0.01, 0.1], [0, 0], [1, 1], [0.5, 0.5]] as Range[]),
      p: k.probability(),
    });
  },
};
