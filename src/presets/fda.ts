/**
 * lightly's two views of the Fourier Domain Augmentations (`FDAView1Transform`
 * and `FDAView2Transform`, lightly/transforms/fda_transform.py) as freqaug
 * pipelines, with lightly's options in camelCase.
 *
 * Three places differ on purpose, and each can be set back:
 * - the DC bin: lightly's Gaussian mixture mask multiplies the mean too (most
 *   draws darken the image); the preset's gmm keeps DC (`gmmKeepDC: false` is lightly's);
 * - after irfft2 lightly makes a PIL image (`mul(255).byte()`: values outside
 *   [0, 1] wrap around modulo 256 and everything is rounded to 8 bits); the
 *   preset clamps to [0, 1] and stays float;
 * - the blur: lightly's is PIL's `GaussianBlur(radius=σ)` on 8 bits, the
 *   preset's a sampled Gaussian of radius ⌈3σ⌉ (torchvision's `gaussian_blur`).
 *
 * lightly's random rotation (`rr_prob`, 0 by default) has no op here, and its
 * `kernel_size` is ignored by lightly itself; neither is an option.
 *
 * @module
 */

import { describeException, FreqaugError } from "../errors/error.ts";
import { pipe } from "../dsl/ops.ts";
import type { Op, Pipeline } from "../dsl/types.ts";
import { gmm } from "../ops/gmm/mod.ts";
import { amplitudeRescale } from "../ops/amplitude_rescale/mod.ts";
import { phaseShift } from "../ops/phase_shift/mod.ts";
import { randomFrequencyMask } from "../ops/random_frequency_mask/mod.ts";
import { clamp } from "../ops/clamp/mod.ts";
import { IMAGENET, normalize } from "../ops/normalize/mod.ts";
import { randomResizedCrop } from "../ops/random_resized_crop/mod.ts";
import { horizontalFlip } from "../ops/horizontal_flip/mod.ts";
import { verticalFlip } from "../ops/vertical_flip/mod.ts";
import { colorJitter } from "../ops/color_jitter/mod.ts";
import { grayscale } from "../ops/grayscale/mod.ts";
import { gaussianBlur } from "../ops/gaussian_blur/mod.ts";
import { solarize } from "../ops/solarize/mod.ts";

/** Options of {@link fdaView1} and {@link fdaView2}: lightly's, in camelCase, with its defaults. */
export interface FdaViewOptions {
  /** Output side of the random resized crop. Default 224. */
  readonly inputSize?: number;
  /** Smallest area fraction of the crop, in [1e-4, 1]. Default 0.08. */
  readonly minScale?: number;
  /** Probability of the colour jitter. Default 0.8. */
  readonly cjProb?: number;
  /** Brightness strength (times cjStrength). Default 0.4. */
  readonly cjBright?: number;
  /** Contrast strength (times cjStrength). Default 0.4. */
  readonly cjContrast?: number;
  /** Saturation strength (times cjStrength). Default 0.2. */
  readonly cjSat?: number;
  /** Hue strength (times cjStrength), the product in [0, 0.5]. Default 0.1. */
  readonly cjHue?: number;
  /** Multiplies the four strengths. Default 1. */
  readonly cjStrength?: number;
  /** Probability of turning gray. Default 0.2. */
  readonly randomGrayScale?: number;
  /** Probability of the blur. Default 1 (view 1), 0.1 (view 2). */
  readonly gaussianBlur?: number;
  /** σ range of the blur, in pixels. Default [0.1, 2]. */
  readonly sigmas?: readonly [number, number];
  /** Amplitude rescale range. Default [0.8, 1.75]. */
  readonly amplRescaleRange?: readonly [number, number];
  /** Amplitude rescale probability. Default 0.2. */
  readonly amplRescaleProb?: number;
  /** Phase shift range, radians. Default [0.4, 0.7]. */
  readonly phaseShiftRange?: readonly [number, number];
  /** Phase shift probability. Default 0.2. */
  readonly phaseShiftProb?: number;
  /** Random frequency mask: range of the drop probability. Default [0.01, 0.1]. */
  readonly randFreqMaskRange?: readonly [number, number];
  /** Random frequency mask probability. Default 0.5. */
  readonly randFreqMaskProb?: number;
  /** Gaussians of the mixture mask. Default 20. */
  readonly gmmNumGaussians?: number;
  /** σ range of the Gaussians, in bins. Default [10, 15]. */
  readonly gmmStdRange?: readonly [number, number];
  /** Probability of the mixture mask. Default 0.2 (view 1), 0 (view 2). */
  readonly gmmProb?: number;
  /** Keep the DC bin in the mixture mask (freqaug's default); false is lightly's. Default true. */
  readonly gmmKeepDC?: boolean;
  /** Probability of solarizing. Default 0. */
  readonly solarizationProb?: number;
  /** Probability of a vertical flip. Default 0. */
  readonly vfProb?: number;
  /** Probability of a horizontal flip. Default 0.5. */
  readonly hfProb?: number;
  /** `{ mean, std }` of the final normalize, or null for none. Default ImageNet's. */
  readonly normalize?: { readonly mean: readonly number[]; readonly std: readonly number[] } | null;
}

/** Each option's kind: what its value must be before the op that takes it checks its range. */
const KINDS: Readonly<Record<keyof FdaViewOptions, "number" | "range" | "boolean" | "normalize">> = {
  inputSize: "number",
  minScale: "number",
  cjProb: "number",
  cjBright: "number",
  cjContrast: "number",
  cjSat: "number",
  cjHue: "number",
  cjStrength: "number",
  randomGrayScale: "number",
  gaussianBlur: "number",
  sigmas: "range",
  amplRescaleRange: "range",
  amplRescaleProb: "number",
  phaseShiftRange: "range",
  phaseShiftProb: "number",
  randFreqMaskRange: "range",
  randFreqMaskProb: "number",
  gmmNumGaussians: "number",
  gmmStdRange: "range",
  gmmProb: "number",
  gmmKeepDC: "boolean",
  solarizationProb: "number",
  vfProb: "number",
  hfProb: "number",
  normalize: "normalize",
};
const KEYS = Object.keys(KINDS) as (keyof FdaViewOptions)[];

const EXPECTED = {
  number: "a finite number",
  range: "[lo, hi]: two finite numbers",
  boolean: "true or false",
  normalize: "{ mean, std } (arrays of numbers), or null for no normalize",
} as const;

function kindOk(kind: keyof typeof EXPECTED, v: unknown): boolean {
  const num = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  switch (kind) {
    case "number":
      return num(v);
    case "range":
      return Array.isArray(v) && v.length === 2 && num(v[0]) && num(v[1]);
    case "boolean":
      return typeof v === "boolean";
    default:
      return v === null || (typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, "mean") &&
        Object.hasOwn(v, "std"));
  }
}

/** The options as plain values: own, known, of the right kind, each read once. */
function readOptions(name: string, options: unknown): Record<string, unknown> {
  const fail = (path: string, value: unknown, expected: string): never => {
    throw new FreqaugError("spec", [{ path, value, expected }]);
  };
  const o: Record<string, unknown> = {};
  if (options === undefined) return o;
  try {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      return fail(name, options, "an options object, or nothing");
    }
    for (const key in options) {
      if (!Object.hasOwn(options, key)) {
        fail(
          `${name}.${key}`,
          undefined,
          "an own property (this one is inherited from the prototype, and is not read)",
        );
      }
    }
    for (const [key, value] of Object.entries(options)) {
      const kind = (KINDS as Record<string, keyof typeof EXPECTED>)[key];
      if (!kind) fail(`${name}.${key}`, value, `a known option (${KEYS.join(", ")})`);
      if (value !== undefined && !kindOk(kind, value)) fail(`${name}.${key}`, value, EXPECTED[kind]);
      o[key] = kind === "normalize" && value !== null && value !== undefined
        ? { mean: (value as { mean: unknown }).mean, std: (value as { std: unknown }).std }
        : value;
    }
  } catch (e) {
    if (e instanceof FreqaugError) throw e;
    fail(name, undefined, `a readable options object (${describeException(e)})`);
  }
  return o;
}

function view(name: string, options: FdaViewOptions | undefined, defaults: Partial<FdaViewOptions>): Pipeline {
  const o = readOptions(name, options);
  const get = <K extends keyof FdaViewOptions>(key: K, dflt: FdaViewOptions[K]): FdaViewOptions[K] =>
    (o[key] !== undefined ? o[key] : key in defaults ? defaults[key] : dflt) as FdaViewOptions[K];
  // Each op is built from the options it takes; an error names the preset's option.
  const build = (fields: Readonly<Record<string, string>>, make: () => Op): Op => {
    try {
      return make();
    } catch (e) {
      if (!(e instanceof FreqaugError)) throw e;
      throw new FreqaugError(
        "spec",
        e.issues.map((i) => {
          const field = /^[A-Za-z]+\.([A-Za-z]+)/.exec(i.path)?.[1] ?? "";
          const key = fields[field] ?? Object.values(fields).join(" or ");
          return { ...i, path: `${name}.${key}`, expected: `${i.expected} (as ${i.path})` };
        }),
      );
    }
  };
  const s = get("cjStrength", 1)!;
  const norm = get("normalize", { mean: [...IMAGENET.mean], std: [...IMAGENET.std] });
  const size = get("inputSize", 224)!;
  const ops: Op[] = [
    build(
      { size: "inputSize", scale: "minScale" },
      () => randomResizedCrop({ size, scale: [get("minScale", 0.08)!, 1] }),
    ),
    build(
      { range: "amplRescaleRange", p: "amplRescaleProb" },
      () =>
        amplitudeRescale({
          range: get("amplRescaleRange", [0.8, 1.75]),
          keepDC: false,
          p: get("amplRescaleProb", 0.2),
        }),
    ),
    build(
      { range: "phaseShiftRange", p: "phaseShiftProb" },
      () => phaseShift({ range: get("phaseShiftRange", [0.4, 0.7]), keepDC: false, p: get("phaseShiftProb", 0.2) }),
    ),
    build(
      { k: "randFreqMaskRange", p: "randFreqMaskProb" },
      () => randomFrequencyMask({ k: get("randFreqMaskRange", [0.01, 0.1]), p: get("randFreqMaskProb", 0.5) }),
    ),
    build({ k: "gmmNumGaussians", sigma: "gmmStdRange", p: "gmmProb", keepDC: "gmmKeepDC" }, () =>
      gmm({
        k: get("gmmNumGaussians", 20),
        sigma: get("gmmStdRange", [10, 15]),
        c: 1,
        keepDC: get("gmmKeepDC", true),
        p: get("gmmProb", 0.2),
      })),
    clamp({ min: 0, max: 1 }),
    build({ p: "hfProb" }, () => horizontalFlip({ p: get("hfProb", 0.5) })),
    build({ p: "vfProb" }, () => verticalFlip({ p: get("vfProb", 0) })),
    build(
      s === 1 ? { p: "cjProb", brightness: "cjBright", contrast: "cjContrast", saturation: "cjSat", hue: "cjHue" } : {
        p: "cjProb",
        brightness: "cjBright × cjStrength",
        contrast: "cjContrast × cjStrength",
        saturation: "cjSat × cjStrength",
        hue: "cjHue × cjStrength",
      },
      () =>
        colorJitter({
          brightness: s * get("cjBright", 0.4)!,
          contrast: s * get("cjContrast", 0.4)!,
          saturation: s * get("cjSat", 0.2)!,
          hue: s * get("cjHue", 0.1)!,
          p: get("cjProb", 0.8),
        }),
    ),
    build({ p: "randomGrayScale" }, () => grayscale({ p: get("randomGrayScale", 0.2) })),
    build(
      { p: "gaussianBlur", sigma: "sigmas" },
      () => gaussianBlur({ sigma: get("sigmas", [0.1, 2]), p: get("gaussianBlur", 1) }),
    ),
    // lightly solarizes an 8-bit PIL image at 128: x >= 128/255.
    build({ p: "solarizationProb" }, () => solarize({ threshold: 128 / 255, p: get("solarizationProb", 0) })),
  ];
  if (norm !== null && norm !== undefined) {
    ops.push(build({ mean: "normalize", std: "normalize" }, () => normalize({ mean: norm.mean, std: norm.std })));
  }
  return pipe(...ops);
}

/**
 * lightly's `FDAView1Transform` with its defaults (GMM p 0.2, blur p 1), as a
 * pipeline: random resized crop → amplitude rescale → phase shift → random
 * frequency mask → GMM → clamp to [0, 1] → flips → colour jitter → grayscale →
 * blur → solarize → ImageNet normalize. See the module docs for the three
 * deliberate differences. Throws {@link FreqaugError} naming a bad option.
 *
 * @example
 * ```ts
 * import { augment, fdaView1 } from "@freqaug/freqaug";
 * const view1 = fdaView1({ inputSize: 96 });
 * const batch = { data: new Float32Array(3 * 128 * 128).fill(0.5), count: 1, channels: 3, height: 128, width: 128 };
 * const { images } = await augment(view1, batch, { seed: 1, backend: "cpu" }); // 3 × 96 × 96
 * ```
 */
export function fdaView1(options?: FdaViewOptions): Pipeline {
  return view("fdaView1", options, {});
}

/**
 * lightly's `FDAView2Transform`: {@link fdaView1} with GMM p 0 and blur p 0.1.
 *
 * @example
 * ```ts
 * import { encodeSpec, fdaView2 } from "@freqaug/freqaug";
 * const json = JSON.stringify(encodeSpec(fdaView2({ gmmProb: 0.1 })));
 * ```
 */
export function fdaView2(options?: FdaViewOptions): Pipeline {
  return view("fdaView2", options, { gmmProb: 0, gaussianBlur: 0.1 });
}
