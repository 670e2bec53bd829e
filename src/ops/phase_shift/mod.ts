/**
 * `phaseShift`: every bin times e^{iθ}, one θ ~ U(range) per sample, negated
 * with probability 1/2 when `includeNegatives`.
 *
 * Draws (op index o, sample n): 0 applies (against p); θ = lerp(range, u(1));
 * negated when includeNegatives and u(2) < 0.5.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { bool, f, opCodec, probability, type Range, range, ui } from "../codec_kit.ts";
import { cosSin } from "../../math/elementary.ts";
import { type ArbKit, checkNumber, lerp, makeOp, type OpModule } from "../module.ts";
import wgsl from "./phase_shift.wgsl" with { type: "text" };

const TWO_PI = 2 * Math.PI;

/** Multiplies every bin by e^{iθ}, one θ ~ U(range) per sample (sign ± when includeNegatives). */
export interface PhaseShiftOp {
  /** The tag. */
  readonly op: "phaseShift";
  /** Range of θ in radians. */
  readonly range: Range;
  /** Negate θ with probability 1/2. */
  readonly includeNegatives: boolean;
  /** Leave the DC bin alone. */
  readonly keepDC: boolean;
  /** Probability that the op applies to a sample. */
  readonly p: number;
}

/** Parameters of a `phaseShift` op: its θ in radians (0 when not applied). */
export interface PhaseShiftParams {
  /** The op. */
  readonly op: "phaseShift";
  /** Whether the op applied to this sample. */
  readonly applied: boolean;
  /** θ in radians. */
  readonly theta: number;
}

/** Options of {@link phaseShift}. */
export interface PhaseShiftOptions {
  /** Range of θ in radians, inside [-2π, 2π]. Default [0.4, 0.7]. */
  readonly range?: readonly [number, number];
  /** Negate θ with probability 1/2. Default false. */
  readonly includeNegatives?: boolean;
  /** Keep the DC bin. Default true. */
  readonly keepDC?: boolean;
  /** Probability of applying. Default 1. */
  readonly p?: number;
}

/** Codec of the `phaseShift` op. */
export const PhaseShiftCodec = opCodec<PhaseShiftOp>("phaseShift", {
  range: f(
    range("a number in [-2π, 2π]", (x) => x >= -TWO_PI && x <= TWO_PI),
    [0.4, 0.7],
    ui.range(-TWO_PI, TWO_PI),
    "range of the phase θ, in radians",
  ),
  includeNegatives: f(bool, false, ui.boolean, "θ is negated with probability 1/2"),
  keepDC: f(bool, true, ui.boolean, "leave the DC bin (each channel's mean) alone"),
  p: f(probability, 1, ui.probability, "probability that the op applies to a sample"),
});

/**
 * Random phase shift: every bin times e^{iθ}, one θ per sample.
 *
 * @example
 * ```ts
 * import { phaseShift, pipe } from "@freqaug/freqaug";
 * const p = pipe(phaseShift({ range: [0.4, 0.7], includeNegatives: true }));
 * ```
 */
export function phaseShift(options: PhaseShiftOptions = {}): PhaseShiftOp {
  return makeOp(PhaseShiftCodec, "phaseShift", options);
}

/** The `phaseShift` op module. */
export const phaseShiftModule: OpModule<PhaseShiftOp, PhaseShiftParams> = {
  name: "phaseShift",
  summary: "every bin times e^{iθ}, one θ per sample",
  stage: "frequency",
  random: true,
  codec: PhaseShiftCodec,
  sample(op, d) {
    if (!d.applied) return { op: "phaseShift", applied: false, theta: 0 };
    const theta = lerp(op.range, d.unit(1));
    const negate = op.includeNegatives && d.unit(2) < 0.5;
    return { op: "phaseShift", applied: true, theta: negate ? -theta : theta };
  },
  check: (_op, raw, applied, c) => ({
    op: "phaseShift",
    applied,
    theta: checkNumber(raw, "theta", c, "a number in [-2π, 2π]", (x) => Math.abs(x) <= TWO_PI),
  }),
  gain: (_op, b) => b,
  fold(_op, p, t) {
    const [c, s] = cosSin(p.theta);
    const n = t.H * t.V, re = t.re, im = t.im;
    for (let d = 0; d < n; d++) {
      const r = re[d], i = im[d];
      re[d] = r * c - i * s;
      im[d] = r * s + i * c;
    }
    return true;
  },
  keepsDC: (op) => op.keepDC,
  gpu: {
    wgsl,
    constWords: () => 10,
    writeConsts(op, w) {
      w.u32(3, op.keepDC ? 1 : 0);
      w.f32(4, op.range[0]);
      w.f32(5, op.range[1]);
      w.u32(6, op.includeNegatives ? 1 : 0);
    },
    tableWords: () => 4,
    fillTable(p, _table, f, b) {
      f[b + 1] = p.theta;
    },
    gen: (o) => `gen_phase(s, n, ${o}, lid);`,
    mult: (o) => `m = m_phase(m, s, u, v, ${o});`,
  },
  arbitrary(k: ArbKit): Arbitrary<PhaseShiftOp> {
    const { fc } = k;
    const r = fc.tuple(k.range(0.1, Math.PI), fc.boolean()).map(([[a, b], neg]) => (neg ? [-b, -a] : [a, b]) as Range);
    return fc.record({
      op: fc.constant("phaseShift" as const),
      range: k.withEdges(r, [[0.4, 0.7], [Math.PI, Math.PI], [-TWO_PI, TWO_PI], [0.1, 0.1]] as Range[]),
      includeNegatives: fc.boolean(),
      keepDC: fc.boolean(),
      p: k.probability(),
    });
  },
};
