/**
 * `clamp`: every value into [min, max]; a NaN (which finite input and an
 * accepted pipeline never make) becomes min. No draws.
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { f, num, opCodec, ui } from "../codec_kit.ts";
import { type ArbKit, makeOp, type OpModule } from "../module.ts";
import wgsl from "./clamp.wgsl" with { type: "text" };

/** Clamps every value into [min, max]. */
export interface ClampOp {
  /** The tag. */
  readonly op: "clamp";
  /** Lower bound, in [-1e30, 1e30]. */
  readonly min: number;
  /** Upper bound, >= min, in [-1e30, 1e30]. */
  readonly max: number;
}

/** Parameters of a `clamp` op (always applied). */
export interface ClampParams {
  /** The op. */
  readonly op: "clamp";
  /** Always true. */
  readonly applied: true;
}

/** Options of {@link clamp}. */
export interface ClampOptions {
  /** Lower bound, in [-1e30, 1e30]. Default 0. */
  readonly min?: number;
  /** Upper bound, >= min, in [-1e30, 1e30]. Default 1. */
  readonly max?: number;
}

/** Codec of the `clamp` op. */
export const ClampCodec = opCodec<ClampOp>("clamp", {
  min: f(
    num("a number in [-1e30, 1e30]", (x) => Math.abs(x) <= 1e30),
    0,
    ui.number(-1e30, 1e30, { typical: [-3, 3] }),
    "values below become min",
  ),
  max: f(
    num("a number in [-1e30, 1e30]", (x) => Math.abs(x) <= 1e30),
    1,
    ui.number(-1e30, 1e30, { typical: [-3, 3] }),
    "values above become max (max >= min)",
  ),
}, [
  (o) => (o.min as number) <= (o.max as number) ? null : ["max", o.max, `a number >= min (${o.min})`],
]);

/**
 * Clamps every value into [min, max]. A NaN (which finite input and an
 * accepted pipeline never make) becomes min.
 *
 * @example
 * ```ts
 * import { clamp, gmm, pipe } from "@freqaug/freqaug";
 * const p = pipe(gmm(), clamp());
 * ```
 */
export function clamp(options: ClampOptions = {}): ClampOp {
  return makeOp(ClampCodec, "clamp", options);
}

/** The `clamp` op module. */
export const clampModule: OpModule<ClampOp, ClampParams> = {
  name: "clamp",
  summary: "every value into [min, max]",
  stage: "spatial",
  random: false,
  codec: ClampCodec,
  sample: () => ({ op: "clamp", applied: true }),
  check(_op, _raw, applied, c) {
    if (applied !== true) c.bad(`${c.at}.applied`, applied, "true");
    return { op: "clamp", applied: true };
  },
  gain(op, b) {
    const at = (x: number) => Math.abs(Math.min(op.max, Math.max(op.min, x)));
    return Math.max(at(-b), at(b));
  },
  apply(op, _p, img) {
    const lo = op.min, hi = op.max, data = img.data, end = img.channels * img.height * img.width;
    for (let i = 0; i < end; i++) {
      const x = data[i];
      // Written so that NaN (which finite input and an accepted spec never make) becomes min.
      data[i] = x >= lo ? (x <= hi ? x : hi) : lo;
    }
    return img;
  },
  gpu: {
    wgsl,
    constWords: () => 2,
    writeConsts(op, w) {
      w.f32(0, op.min);
      w.f32(1, op.max);
    },
    point: (o) => `y = sp_clamp(y, ${o});`,
  },
  arbitrary(k: ArbKit): Arbitrary<ClampOp> {
    const { fc } = k;
    const custom = fc.tuple(k.uniform(-0.5, 0.3), k.uniform(0.7, 1.5)).map(([min, max]) => ({
      op: "clamp" as const,
      min,
      max,
    }));
    return k.withEdges(custom, [{ op: "clamp", min: 0, max: 1 }], 3);
  },
};
