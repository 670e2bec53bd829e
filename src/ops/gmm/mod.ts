/**
 * `gmm`: the Gaussian mixture mask of the Fourier Domain Augmentations
 * (arXiv 2312.02205), k random Gaussian notches on the half-spectrum,
 * `M(u, v) = prod_i max(0, 1 - (a_i / c) G_i(u, v))`, applied to every channel.
 *
 * Draws (op index o, sample n): 0 applies (against p); per Gaussian i, with
 * j = 1 + 5i: u0 = below(j, H), v0 = below(j + 1, V), σu = lerp(σ, u(j + 2)),
 * σv = lerp(σ, u(j + 3)), a = lerp(intensity, u(j + 4)).
 *
 * @module
 */

import type { Arbitrary } from "fast-check";
import { bool, choice, f, num, opCodec, probability, type Range, range, ui } from "../codec_kit.ts";
import {
  foldGmm,
  foldGmmLightly,
  type GaussianDraw,
  gmmFactors,
  type GmmPrecision,
  lightlyTerms,
} from "../../math/gmm.ts";
import { mulhi } from "../../params/philox.ts";
import { foldGmmWasm } from "../../wasm/gmm.ts";
import { type ArbKit, checkNumber, lerp, makeOp, type OpModule } from "../module.ts";
import wgsl from "./gmm.wgsl" with { type: "text" };

export type { GaussianDraw, GmmPrecision };

/**
 * The smallest σ of a Gaussian, in bins. Below it the mask's 1/(2σ²) leaves
 * float32's range on the GPU; at it a Gaussian is already a single bin.
 */
export const MIN_SIGMA = 1e-3;

/** The Gaussian mixture mask of the Fourier Domain Augmentations. */
export interface GmmOp {
  /** The tag. */
  readonly op: "gmm";
  /** Number of Gaussians drawn per sample, 1..1024. */
  readonly k: number;
  /** σ range (half-spectrum bins) for each axis of each Gaussian, inside [0.001, 1e6]. */
  readonly sigma: Range;
  /** Inverse notch depth, in [1e-6, 1e6]: bins are multiplied by max(0, 1 - (a/c) G). */
  readonly c: number;
  /** Range of a Gaussian's intensity a, inside [0, 1]. */
  readonly intensity: Range;
  /** Leave the DC bin alone, so each channel's mean is kept. */
  readonly keepDC: boolean;
  /** Probability that the op applies to a sample. */
  readonly p: number;
  /**
   * Arithmetic of the mask: `float64`, or `lightly` — lightly's own float32
   * arithmetic (torch on an x86 CPU), bit for bit.
   */
  readonly precision: GmmPrecision;
}

/** Parameters of a `gmm` op for one sample (no Gaussians when not applied). */
export interface GmmParams {
  /** The op. */
  readonly op: "gmm";
  /** Whether the op applied to this sample (its `p`). */
  readonly applied: boolean;
  /** The Gaussians drawn, in order. */
  readonly gaussians: readonly GaussianDraw[];
}

/** A number or a `[lo, hi]` range. */
export type RangeLike = number | readonly [number, number];

/** Options of {@link gmm}. */
export interface GmmOptions {
  /** Gaussians per sample, integer 1..1024. Default 20. */
  readonly k?: number;
  /** σ in bins, one number or [lo, hi], each in [0.001, 1e6]. Default [10, 15]. */
  readonly sigma?: RangeLike;
  /** Inverse notch depth, in [1e-6, 1e6]. Default 1 (lightly's mask). */
  readonly c?: number;
  /** Intensity range inside [0, 1]. Default [1, 1]. */
  readonly intensity?: RangeLike;
  /** Keep the DC bin (the mean). Default true; false reproduces lightly. */
  readonly keepDC?: boolean;
  /** Probability of applying. Default 1. */
  readonly p?: number;
  /**
   * `float64` (default), or `lightly`: lightly's own float32 arithmetic, bit for
   * bit (slower: one float32 exp per bin per Gaussian, as lightly does).
   */
  readonly precision?: GmmPrecision;
}

/** Codec of the `gmm` op. */
export const GmmCodec = opCodec<GmmOp>("gmm", {
  k: f(
    num("an integer in 1..1024", (x) => Number.isInteger(x) && x >= 1 && x <= 1024),
    20,
    ui.number(1, 1024, { integer: true, scale: "log", typical: [1, 200] }),
    "Gaussians drawn per sample",
  ),
  sigma: f(
    range(`a number in [${MIN_SIGMA}, 1e6]`, (x) => x >= MIN_SIGMA && x <= 1e6, true),
    [10, 15],
    ui.range(MIN_SIGMA, 1e6, { scalar: true, scale: "log", typical: [0.5, 200] }),
    "σ of each Gaussian along each axis, in half-spectrum bins",
  ),
  c: f(
    num("a number in [1e-6, 1e6]", (x) => x >= 1e-6 && x <= 1e6),
    1,
    ui.number(1e-6, 1e6, { scale: "log", typical: [0.1, 1000] }),
    "inverse notch depth: bins are multiplied by max(0, 1 - (a/c) G); larger c is gentler",
  ),
  intensity: f(
    range("a number in [0, 1]", (x) => x >= 0 && x <= 1, true),
    [1, 1],
    ui.range(0, 1, { scalar: true }),
    "range of each Gaussian's intensity a",
  ),
  keepDC: f(bool, true, ui.boolean, "leave the DC bin (each channel's mean) alone; false reproduces lightly"),
  p: f(probability, 1, ui.probability, "probability that the op applies to a sample"),
  precision: f(
    choice(["float64", "lightly"] as const),
    "float64",
    ui.choice(["float64", "lightly"]),
    "arithmetic of the mask: float64, or lightly's own float32, bit for bit",
  ),
});

/**
 * The Gaussian mixture mask: k random Gaussian notches on the half-spectrum,
 * `M(u, v) = prod_i max(0, 1 - (a_i / c) G_i(u, v))`, applied to every channel.
 *
 * @example
 * ```ts
 * import { gmm, pipe } from "@freqaug/freqaug";
 * const lightly = pipe(gmm({ k: 20, sigma: [10, 15], c: 1, keepDC: false }));
 * const exactlyLightly = pipe(gmm({ c: 1, keepDC: false, precision: "lightly" }));
 * const gentle = pipe(gmm({ c: 4 }));
 * ```
 */
export function gmm(options: GmmOptions = {}): GmmOp {
  return makeOp(GmmCodec, "gmm", options);
}

/** The `gmm` op module. */
export const gmmModule: OpModule<GmmOp, GmmParams> = {
  name: "gmm",
  summary: "Gaussian mixture mask: k random Gaussian notches on the half-spectrum",
  stage: "frequency",
  random: true,
  codec: GmmCodec,
  sample(op, d) {
    const gaussians: GaussianDraw[] = [];
    if (d.applied) {
      const V = (d.width >> 1) + 1;
      for (let i = 0; i < op.k; i++) {
        const j = 1 + 5 * i;
        gaussians.push({
          u0: mulhi(d.bits(j), d.height),
          v0: mulhi(d.bits(j + 1), V),
          sigmaU: lerp(op.sigma, d.unit(j + 2)),
          sigmaV: lerp(op.sigma, d.unit(j + 3)),
          intensity: lerp(op.intensity, d.unit(j + 4)),
        });
      }
    }
    return { op: "gmm", applied: d.applied, gaussians };
  },
  check(op, raw, applied, c) {
    const gs = raw.gaussians;
    const want = applied ? op.k : 0;
    if (!Array.isArray(gs) || gs.length !== want) {
      c.bad(`${c.at}.gaussians`, Array.isArray(gs) ? `an array of ${gs.length}` : gs, `an array of ${want} Gaussians`);
      return { op: "gmm", applied, gaussians: [] };
    }
    const V = (c.width >> 1) + 1;
    const gaussians: GaussianDraw[] = [];
    for (let j = 0; j < want; j++) {
      const g = gs[j] as Record<string, unknown>;
      const at = `${c.at}.gaussians[${j}]`;
      if (typeof g !== "object" || g === null) {
        c.bad(at, g, "an object { u0, v0, sigmaU, sigmaV, intensity }");
        continue;
      }
      const sub = { ...c, at };
      const u0 = checkNumber(
        g,
        "u0",
        sub,
        `an integer in [0, ${c.height - 1}]`,
        (x) => Number.isInteger(x) && x >= 0 && x < c.height,
      );
      const v0 = checkNumber(
        g,
        "v0",
        sub,
        `an integer in [0, ${V - 1}]`,
        (x) => Number.isInteger(x) && x >= 0 && x < V,
      );
      const sigmaOk = (x: number) => x >= MIN_SIGMA && x <= 1e6;
      const sigmaU = checkNumber(g, "sigmaU", sub, `a number in [${MIN_SIGMA}, 1e6]`, sigmaOk);
      const sigmaV = checkNumber(g, "sigmaV", sub, `a number in [${MIN_SIGMA}, 1e6]`, sigmaOk);
      const intensity = checkNumber(g, "intensity", sub, "a number in [0, 1]", (x) => x >= 0 && x <= 1);
      gaussians.push({ u0, v0, sigmaU, sigmaV, intensity });
    }
    return { op: "gmm", applied, gaussians };
  },
  gain: (_op, b) => b,
  fold(op, p, t) {
    const cx = t.complex;
    if (op.precision === "lightly") {
      foldGmmLightly(
        t.re,
        cx ? t.im : null,
        lightlyTerms(p.gaussians, t.H, t.V, op.c),
        p.gaussians.length,
        t.H,
        t.V,
        t.row,
      );
    } else if (!foldGmmWasm(t.re, cx ? t.im : null, p.gaussians, op.c, t.H, t.V)) {
      const { rows, cols } = gmmFactors(p.gaussians, t.H, t.V, op.c);
      foldGmm(t.re, cx ? t.im : null, rows, cols, p.gaussians.length, t.H, t.V, t.row);
    }
    return cx;
  },
  keepsDC: (op) => op.keepDC,
  gpu: {
    wgsl,
    constWords: () => 10,
    writeConsts(op, w) {
      w.u32(3, op.keepDC ? 1 : 0);
      w.f32(4, op.sigma[0]);
      w.f32(5, op.sigma[1]);
      w.u32(6, op.k);
      w.f32(7, op.intensity[0]);
      w.f32(8, op.intensity[1]);
      w.f32(9, op.c);
    },
    tableWords: (op, height, width) => 1 + 5 * op.k + op.k * (height + (width >> 1) + 1),
    fillTable(p, _table, f, b) {
      p.gaussians.forEach((g, i) => {
        const d = b + 1 + 5 * i;
        f[d] = g.u0;
        f[d + 1] = g.v0;
        f[d + 2] = g.sigmaU;
        f[d + 3] = g.sigmaV;
        f[d + 4] = g.intensity;
      });
    },
    gen: (o, op) => `gen_gmm(s, n, ${o}, lid, ${op.precision === "lightly"});`,
    mult: (o, op) => `m = m_gmm(m, s, u, v, ${o}, ${op.precision === "lightly"});`,
  },
  arbitrary(k: ArbKit): Arbitrary<GmmOp> {
    const { fc } = k;
    const maxK = 40;
    const cLog = k.uniform(Math.log(0.1), Math.log(100)).map((x) => Math.min(100, Math.max(0.1, Math.exp(x))));
    return fc.record({
      op: fc.constant("gmm" as const),
      k: k.withEdges(fc.integer({ min: 1, max: maxK }), [1, maxK]),
      sigma: k.withEdges(k.range(1, 30), [[10, 15], [1, 1], [30, 30], [1, 30]] as Range[]),
      c: k.withEdges(cLog, [0.1, 1, 4, 100]),
      intensity: k.withEdges(k.range(0.2, 1), [[1, 1], [0.2, 0.2], [0.2, 1]] as Range[]),
      keepDC: fc.boolean(),
      p: k.probability(),
      precision: fc.constantFrom("float64" as const, "float64" as const, "lightly" as const),
    });
  },
};
