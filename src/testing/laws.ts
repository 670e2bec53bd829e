/**
 * The laws of freqaug's ops as checkers: each runs the real pipeline and
 * throws {@link LawViolation} with the numbers when the law fails, so it can
 * be the body of a fast-check property.
 *
 * @module
 */

import { isDeepStrictEqual } from "node:util";
import { augment, type AugmentOptions } from "../api/augment.ts";
import type { Batch } from "../api/validate.ts";
import type { FrequencyOp, GmmOp, Pipeline } from "../dsl/types.ts";
import { colorJitter, gaussianBlur, pipe } from "../dsl/ops.ts";
import { gmmMask } from "../math/gmm.ts";
import { rfft2 } from "../math/rfft2.ts";
import { sampleParams } from "../params/sample.ts";
import type { GmmParams } from "../params/types.ts";
import { decodeSpec, encodeSpec } from "../spec/spec.ts";

/** A law that did not hold; the message has the numbers. */
export class LawViolation extends Error {
  /** Makes a violation with a message. */
  constructor(message: string) {
    super(message);
    this.name = "LawViolation";
  }
}

function check(ok: boolean, message: () => string): void {
  if (!ok) throw new LawViolation(message());
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * For every draw of `op` on an H×W image, the mask lies in [0, 1].
 *
 * @example
 * ```ts
 * import { gmm } from "@freqaug/freqaug";
 * import { maskInUnitRange } from "@freqaug/freqaug/testing";
 * maskInUnitRange(gmm({ c: 0.5 }), 1, 32, 32);
 * ```
 */
export function maskInUnitRange(
  op: GmmOp,
  seed: number,
  height: number,
  width: number,
): void {
  const [[p]] = sampleParams({ version: 1, ops: [op] }, {
    seed,
    count: 1,
    height,
    width,
  });
  const m = gmmMask((p as GmmParams).gaussians, height, width, op);
  for (let i = 0; i < m.length; i++) {
    check(
      m[i] >= 0 && m[i] <= 1,
      () => `mask[${i}] = ${m[i]} is outside [0, 1]`,
    );
  }
}

function channelMeans(b: Batch<Float32Array | Float64Array>): number[] {
  const plane = b.height * b.width, out: number[] = [];
  for (let j = 0; j < b.count * b.channels; j++) {
    let s = 0;
    for (let i = j * plane; i < (j + 1) * plane; i++) s += b.data[i];
    out.push(s / plane);
  }
  return out;
}

/**
 * Each channel's mean is kept (relative `tol`, absolute 1e-7 near zero). Holds
 * for pipelines of frequency ops that keep the DC bin.
 *
 * @example
 * ```ts
 * import { gmm, pipe } from "@freqaug/freqaug";
 * import { preservesChannelMeans } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(64).fill(0.5), count: 1, channels: 1, height: 8, width: 8 };
 * await preservesChannelMeans(pipe(gmm({ sigma: 2 })), batch, 1);
 * ```
 */
export async function preservesChannelMeans(
  pipeline: Pipeline,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  tol = 1e-5,
  options: AugmentOptions = {},
): Promise<void> {
  const { images } = await augment(pipeline, batch, { workers: 0, ...options, seed });
  const before = channelMeans(batch), after = channelMeans(images);
  before.forEach((m, j) => {
    check(
      Math.abs(after[j] - m) <= tol * Math.abs(m) + 1e-7,
      () => `plane ${j}: mean ${m} became ${after[j]} (tolerance ${tol} relative)`,
    );
  });
}

function acEnergy(x: ArrayLike<number>, H: number, W: number): number {
  const { re, im } = rfft2(x, H, W);
  const V = (W >> 1) + 1;
  let e = 0;
  for (let u = 0; u < H; u++) {
    for (let v = 0; v < V; v++) {
      if (u === 0 && v === 0) continue;
      // Columns with a mirror count twice in the full spectrum.
      const w = v === 0 || (W % 2 === 0 && v === W >> 1) ? 1 : 2;
      e += w * (re[u * V + v] ** 2 + im[u * V + v] ** 2);
    }
  }
  return e;
}

function distance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  from: number,
  to: number,
): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * Clarity grows with c: for the same draws and c1 < c2, every image plane keeps
 * at least as much AC spectral energy, and ‖y − x‖₂ does not grow.
 *
 * @example
 * ```ts
 * import { gmm } from "@freqaug/freqaug";
 * import { clarityGrowsWithC } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(64).map((_, i) => i % 3), count: 1, channels: 1, height: 8, width: 8 };
 * await clarityGrowsWithC(gmm({ sigma: 2 }), 1, 4, batch, 7);
 * ```
 */
export async function clarityGrowsWithC(
  op: GmmOp,
  c1: number,
  c2: number,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  options: AugmentOptions = {},
): Promise<void> {
  const lo = Math.min(c1, c2), hi = Math.max(c1, c2);
  const draws = sampleParams(pipe(op), {
    seed,
    count: batch.count,
    height: batch.height,
    width: batch.width,
  });
  const x64 = { ...batch, data: Float64Array.from(batch.data) };
  const run1 = await augment(pipe({ ...op, c: lo }), x64, { workers: 0, ...options, params: draws });
  const y1 = run1.images.data;
  const y2 = (await augment(pipe({ ...op, c: hi }), x64, { workers: 0, ...options, params: draws }))
    .images.data;
  // float64 on the CPU; float32 rounding on WebGPU.
  const rel = run1.backend === "cpu" ? 1e-9 : 1e-5;
  const H = batch.height, W = batch.width, plane = H * W;
  for (let j = 0; j < batch.count * batch.channels; j++) {
    const a = j * plane, b = a + plane;
    const e1 = acEnergy(y1.subarray(a, b), H, W),
      e2 = acEnergy(y2.subarray(a, b), H, W);
    const scale = acEnergy(x64.data.subarray(a, b), H, W);
    check(
      e2 >= e1 - rel * scale - 1e-12,
      () => `plane ${j}: AC energy ${e1} at c=${lo} fell to ${e2} at c=${hi}`,
    );
    const d1 = distance(y1, x64.data, a, b), d2 = distance(y2, x64.data, a, b);
    check(
      d2 <= d1 + rel * Math.sqrt(scale) + 1e-12,
      () => `plane ${j}: ‖y − x‖ ${d1} at c=${lo} grew to ${d2} at c=${hi}`,
    );
  }
}

/**
 * A large c approaches the identity: every factor is at least 1 - a/c (minus
 * float32 rounding in `lightly` precision), so for each image plane
 * ‖y − x‖₂ ≤ k·(max a / c + ε)·‖x‖₂ (Parseval). With c = 1e6, y ≈ x.
 *
 * @example
 * ```ts
 * import { gmm } from "@freqaug/freqaug";
 * import { largeCIsIdentity } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(16).fill(0.25), count: 1, channels: 1, height: 4, width: 4 };
 * await largeCIsIdentity(gmm({ sigma: 1 }), batch, 1);
 * ```
 */
export async function largeCIsIdentity(
  op: GmmOp,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  c = 1e6,
  options: AugmentOptions = {},
): Promise<void> {
  const x = { ...batch, data: Float64Array.from(batch.data) };
  const { images, backend } = await augment(pipe({ ...op, c }), x, { workers: 0, ...options, seed });
  // Rounding per factor: float64, or float32 (lightly's own, or the GPU's, with its FFT).
  const eps = backend === "webgpu" ? 2 ** -18 : op.precision === "lightly" ? 2 ** -23 : 1e-15;
  const bound = op.k * (op.intensity[1] / c + eps);
  const plane = batch.height * batch.width;
  for (let j = 0; j < batch.count * batch.channels; j++) {
    const a = j * plane, b = a + plane;
    const d = distance(images.data, x.data, a, b), n = distance(x.data, new Float64Array(b), a, b);
    check(
      d <= bound * n * (1 + 1e-9) + 1e-12,
      () => `plane ${j}: ‖y − x‖ = ${d} > ${bound} · ‖x‖ = ${bound * n} at c=${c}`,
    );
  }
}

/**
 * The same seed gives identical bytes (and with workers as without).
 *
 * @example
 * ```ts
 * import { gmm, pipe } from "@freqaug/freqaug";
 * import { deterministic } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(16).fill(0.25), count: 1, channels: 1, height: 4, width: 4 };
 * await deterministic(pipe(gmm({ sigma: 1 })), batch, 3);
 * ```
 */
export async function deterministic(
  pipeline: Pipeline,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  options: AugmentOptions = {},
): Promise<void> {
  const a = await augment(pipeline, batch, { ...options, seed });
  const b = await augment(pipeline, batch, { ...options, seed });
  check(
    sameBytes(a.images.data, b.images.data),
    () => "two runs with the same seed differ",
  );
  check(
    isDeepStrictEqual(a.params, b.params),
    () => "two runs with the same seed drew different parameters",
  );
}

/**
 * Splitting a batch in two (the second half at `offset`) gives the same bytes
 * and parameters as the whole.
 *
 * @example
 * ```ts
 * import { gmm, pipe } from "@freqaug/freqaug";
 * import { splitInvariant } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(48).fill(0.25), count: 3, channels: 1, height: 4, width: 4 };
 * await splitInvariant(pipe(gmm({ sigma: 1 })), batch, 3, 1);
 * ```
 */
export async function splitInvariant(
  pipeline: Pipeline,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  at: number,
  options: AugmentOptions = {},
): Promise<void> {
  const cut = Math.max(0, Math.min(batch.count, at));
  const whole = await augment(pipeline, batch, { workers: 0, ...options, seed });
  const per = batch.channels * batch.height * batch.width;
  const parts = [];
  for (const [from, to] of [[0, cut], [cut, batch.count]]) {
    if (to === from) continue;
    const part = {
      ...batch,
      count: to - from,
      data: batch.data.slice(from * per, to * per),
    };
    parts.push(await augment(pipeline, part, { ...options, seed, offset: from }));
  }
  const bytes = parts.flatMap((p) => Array.from(p.images.data));
  check(
    sameBytes(whole.images.data, bytes),
    () => `splitting at ${cut} changed the output`,
  );
  check(
    isDeepStrictEqual(whole.params, parts.flatMap((p) => p.params)),
    () => `splitting at ${cut} changed the parameters`,
  );
}

/**
 * `sample` then `augment({ params })` equals `augment({ seed })`, and the
 * parameters survive a JSON round trip.
 *
 * @example
 * ```ts
 * import { gmm, pipe } from "@freqaug/freqaug";
 * import { replayable } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(16).fill(0.25), count: 1, channels: 1, height: 4, width: 4 };
 * await replayable(pipe(gmm({ sigma: 1 })), batch, 3);
 * ```
 */
export async function replayable(
  pipeline: Pipeline,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  options: AugmentOptions = {},
): Promise<void> {
  const direct = await augment(pipeline, batch, { workers: 0, ...options, seed });
  const params = JSON.parse(JSON.stringify(
    sampleParams(pipeline, {
      seed,
      count: batch.count,
      height: batch.height,
      width: batch.width,
    }),
  ));
  const replay = await augment(pipeline, batch, { workers: 0, ...options, params });
  // On the CPU, bytes; on WebGPU the replay path uploads float32 roundings of
  // the float64 draws while a seeded run draws in float32 on the GPU.
  const tol = direct.backend === "cpu" ? 0 : 2e-4 * Math.max(1, maxAbs(direct.images.data));
  check(
    tol === 0
      ? sameBytes(direct.images.data, replay.images.data)
      : maxDiff(direct.images.data, replay.images.data) <= tol,
    () => "replaying sampled parameters changed the output",
  );
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Without keepDC the mixture scales each channel's mean by the mask's DC
 * factor M(0, 0) (as lightly's mask does): mean(y) = M(0, 0) · mean(x) per
 * image plane, in both precisions. `op` must have `keepDC: false` and `p: 1`.
 *
 * @example
 * ```ts
 * import { gmm } from "@freqaug/freqaug";
 * import { meanScalesByDcFactor } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(64).fill(0.5), count: 1, channels: 1, height: 8, width: 8 };
 * await meanScalesByDcFactor(gmm({ sigma: 2, keepDC: false }), batch, 1);
 * ```
 */
export async function meanScalesByDcFactor(
  op: GmmOp,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  options: AugmentOptions = {},
): Promise<void> {
  check(!op.keepDC && op.p === 1, () => "meanScalesByDcFactor needs keepDC: false and p: 1");
  const x = { ...batch, data: Float64Array.from(batch.data) };
  const { images, params, backend } = await augment(pipe(op), x, { workers: 0, ...options, seed });
  const before = channelMeans(x), after = channelMeans(images);
  const tol = backend === "cpu" ? 1e-12 : 1e-5;
  for (let j = 0; j < before.length; j++) {
    const n = Math.floor(j / batch.channels);
    const dc = gmmMask((params[n][0] as GmmParams).gaussians, batch.height, batch.width, op)[0];
    check(
      Math.abs(after[j] - dc * before[j]) <= tol * (Math.abs(before[j]) + 1),
      () => `plane ${j}: mean ${before[j]} became ${after[j]}, expected M(0, 0) = ${dc} times it`,
    );
  }
}

/**
 * Adjacent frequency ops share one spectrum and multiply it by the product of
 * their multipliers, so their order does not matter: `pipe(a, b)` with draws
 * (A, B) equals `pipe(b, a)` with draws (B, A), within float rounding. (Split
 * into two stages they would differ: each inverse transform keeps only the
 * real part of its result.)
 *
 * @example
 * ```ts
 * import { gmm, phaseShift } from "@freqaug/freqaug";
 * import { adjacentOpsCommute } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(64).map((_, i) => i % 5), count: 1, channels: 1, height: 8, width: 8 };
 * await adjacentOpsCommute(gmm({ sigma: 2 }), phaseShift(), batch, 3);
 * ```
 */
export async function adjacentOpsCommute(
  a: FrequencyOp,
  b: FrequencyOp,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  options: AugmentOptions = {},
): Promise<void> {
  const x = { ...batch, data: Float64Array.from(batch.data) };
  const ab = await augment(pipe(a, b), x, { workers: 0, ...options, seed });
  const params = ab.params.map(([pa, pb]) => [pb, pa]);
  const ba = await augment(pipe(b, a), x, { workers: 0, ...options, params });
  const scale = Math.max(1, maxAbs(ab.images.data));
  const tol = ab.backend === "cpu" ? 1e-12 : 1e-4;
  const d = maxDiff(ab.images.data, ba.images.data);
  check(d <= tol * scale, () => `pipe(${a.op}, ${b.op}) and pipe(${b.op}, ${a.op}) differ by ${d}`);
}

/**
 * Two GMMs with the same c, keepDC and precision compose into one: `pipe(a, b)`
 * with draws G₁ and G₂ equals one gmm with the Gaussians G₁ ∪ G₂ (the mask is a
 * product over Gaussians). Both must have `p: 1`.
 *
 * @example
 * ```ts
 * import { gmm } from "@freqaug/freqaug";
 * import { mixturesCompose } from "@freqaug/freqaug/testing";
 * const batch = { data: new Float32Array(64).map((_, i) => i % 5), count: 1, channels: 1, height: 8, width: 8 };
 * await mixturesCompose(gmm({ k: 2, sigma: 2 }), gmm({ k: 3, sigma: [1, 4] }), batch, 3);
 * ```
 */
export async function mixturesCompose(
  a: GmmOp,
  b: GmmOp,
  batch: Batch<Float32Array | Float64Array>,
  seed: number,
  options: AugmentOptions = {},
): Promise<void> {
  const two = pipe(a, { ...b, c: a.c, keepDC: a.keepDC, precision: a.precision, p: 1 });
  check(a.p === 1, () => "mixturesCompose needs p: 1");
  const x = { ...batch, data: Float64Array.from(batch.data) };
  const pair = await augment(two, x, { workers: 0, ...options, seed });
  const one = pipe({ ...a, k: a.k + b.k, sigma: [1, 1], intensity: [1, 1] });
  const params = pair.params.map(([pa, pb]) => [{
    op: "gmm" as const,
    applied: true,
    gaussians: [...(pa as GmmParams).gaussians, ...(pb as GmmParams).gaussians],
  }]);
  const union = await augment(one, x, { workers: 0, ...options, params });
  const scale = Math.max(1, maxAbs(pair.images.data));
  const tol = pair.backend === "cpu" ? 1e-12 : 1e-4;
  const d = maxDiff(pair.images.data, union.images.data);
  check(d <= tol * scale, () => `two mixtures of ${a.k} and ${b.k} differ from one of ${a.k + b.k} by ${d}`);
}

/**
 * Spec encode∘decode is the identity, also through JSON text.
 *
 * @example
 * ```ts
 * import { gmm, pipe } from "@freqaug/freqaug";
 * import { specRoundTrips } from "@freqaug/freqaug/testing";
 * specRoundTrips(pipe(gmm()));
 * ```
 */
export function specRoundTrips(pipeline: Pipeline): void {
  const text = JSON.stringify(encodeSpec(pipeline));
  const back = decodeSpec(text);
  check(
    back._tag === "Right",
    () => `decoding the encoded spec failed: ${back._tag === "Left" ? back.left.message : ""}`,
  );
  if (back._tag === "Right") {
    check(
      isDeepStrictEqual(back.right, pipeline),
      () => `round trip changed the pipeline: ${text}`,
    );
  }
}

const CPU: AugmentOptions = { backend: "cpu", workers: 0 };

/**
 * A flip applied twice (p = 1) gives back the batch exactly; once, it is a
 * mirror image (the law fails on a batch that is its own mirror only if the
 * flip does nothing at all).
 *
 * @example
 * ```ts
 * import { flipTwiceIsIdentity } from "@freqaug/freqaug/testing";
 * const batch = { data: Float32Array.from({ length: 12 }, (_, i) => i / 12), count: 1, channels: 1, height: 3, width: 4 };
 * await flipTwiceIsIdentity("horizontalFlip", batch);
 * ```
 */
export async function flipTwiceIsIdentity(
  flip: "horizontalFlip" | "verticalFlip",
  batch: Batch<Float32Array | Float64Array>,
  options: AugmentOptions = CPU,
): Promise<void> {
  const op = { op: flip, p: 1 } as const;
  const once = await augment(pipe(op), batch, { ...options, seed: 1 });
  const twice = await augment(pipe(op, op), batch, { ...options, seed: 1 });
  check(sameBytes(twice.images.data, batch.data), () => `${flip} twice changed the batch`);
  const { height: H, width: W } = batch;
  for (let i = 0; i < batch.data.length; i++) {
    const x = i % W, y = Math.floor(i / W) % H, base = i - x - y * W;
    const j = flip === "horizontalFlip" ? base + y * W + (W - 1 - x) : base + (H - 1 - y) * W + x;
    check(Object.is(once.images.data[i], batch.data[j]), () => `${flip}: value ${i} is not the mirror of ${j}`);
  }
}

/**
 * After `grayscale` (p = 1) on a 3-channel batch, the channels of every pixel
 * are equal, and equal to its luma 0.2989 r + 0.587 g + 0.114 b (within `tol`).
 *
 * @example
 * ```ts
 * import { grayscaleChannelsEqual } from "@freqaug/freqaug/testing";
 * const batch = { data: Float32Array.from({ length: 12 }, (_, i) => (i % 5) / 5), count: 1, channels: 3, height: 2, width: 2 };
 * await grayscaleChannelsEqual(batch);
 * ```
 */
export async function grayscaleChannelsEqual(
  batch: Batch<Float32Array | Float64Array>,
  tol = 1e-6,
  options: AugmentOptions = CPU,
): Promise<void> {
  check(batch.channels === 3, () => `grayscaleChannelsEqual needs 3 channels, not ${batch.channels}`);
  const { images } = await augment(pipe({ op: "grayscale", p: 1 }), batch, { ...options, seed: 1 });
  const plane = batch.height * batch.width, x = batch.data, y = images.data;
  for (let n = 0; n < batch.count; n++) {
    for (let i = 0; i < plane; i++) {
      const b = n * 3 * plane + i;
      const l = 0.2989 * x[b] + 0.587 * x[b + plane] + 0.114 * x[b + 2 * plane];
      check(y[b] === y[b + plane] && y[b] === y[b + 2 * plane], () => `pixel ${n}:${i}: channels differ`);
      check(Math.abs(y[b] - l) <= tol, () => `pixel ${n}:${i}: ${y[b]} is not the luma ${l}`);
    }
  }
}

/**
 * `solarize` (p = 1) with a threshold t >= 0.5 is idempotent on values in
 * [0, 1]: a value x >= t becomes 1 - x <= 1 - t <= t, which the second pass
 * leaves alone (below 0.5 it is not: x in [t, 1 - t] is inverted back). Note
 * that solarizing twice is not the identity.
 *
 * @example
 * ```ts
 * import { solarizeIsIdempotent } from "@freqaug/freqaug/testing";
 * const batch = { data: Float32Array.from({ length: 16 }, (_, i) => i / 15), count: 1, channels: 1, height: 4, width: 4 };
 * await solarizeIsIdempotent(0.6, batch);
 * ```
 */
export async function solarizeIsIdempotent(
  threshold: number,
  batch: Batch<Float32Array | Float64Array>,
  options: AugmentOptions = CPU,
): Promise<void> {
  check(threshold >= 0.5 && threshold <= 1, () => `the law needs a threshold in [0.5, 1], not ${threshold}`);
  const op = { op: "solarize", threshold, p: 1 } as const;
  const once = await augment(pipe(op), batch, { ...options, seed: 1 });
  const twice = await augment(pipe(op, op), batch, { ...options, seed: 1 });
  for (let i = 0; i < batch.data.length; i++) {
    const x = batch.data[i];
    if (x < 0 || x > 1 || (threshold === 0.5 && x === 0.5)) continue;
    check(
      Object.is(twice.images.data[i], once.images.data[i]),
      () => `value ${i} (${x}): ${once.images.data[i]} then ${twice.images.data[i]}`,
    );
  }
}

/**
 * A Gaussian blur keeps each channel's mean, up to what its reflect padding
 * moves at the border: with radius r, at most the fraction of pixels within r
 * of an edge times the largest |value| difference (checked at `tol` plus that).
 *
 * @example
 * ```ts
 * import { blurKeepsMeans } from "@freqaug/freqaug/testing";
 * const batch = { data: Float32Array.from({ length: 400 }, (_, i) => (i % 7) / 7), count: 1, channels: 1, height: 20, width: 20 };
 * await blurKeepsMeans(1, batch);
 * ```
 */
export async function blurKeepsMeans(
  sigma: number,
  batch: Batch<Float32Array | Float64Array>,
  tol = 1e-6,
  options: AugmentOptions = CPU,
): Promise<void> {
  const { images } = await augment(pipe(gaussianBlur({ sigma, p: 1 })), batch, { ...options, seed: 1 });
  const r = Math.ceil(3 * sigma), { height: H, width: W } = batch;
  const inner = Math.max(0, H - 2 * r) * Math.max(0, W - 2 * r);
  const border = 1 - inner / (H * W);
  let lo = Infinity, hi = -Infinity;
  for (const v of batch.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const before = channelMeans(batch), after = channelMeans(images);
  before.forEach((m, j) => {
    const allowed = tol + border * (hi - lo);
    check(Math.abs(after[j] - m) <= allowed, () => `plane ${j}: mean ${m} became ${after[j]} (allowed ${allowed})`);
  });
}

/**
 * colorJitter with brightness exactly 1 (and nothing else) is the identity on
 * values in [0, 1] (outside, torchvision's blend clamps them).
 *
 * @example
 * ```ts
 * import { brightnessOneIsIdentity } from "@freqaug/freqaug/testing";
 * const batch = { data: Float32Array.from({ length: 12 }, (_, i) => i / 11), count: 1, channels: 3, height: 2, width: 2 };
 * await brightnessOneIsIdentity(batch);
 * ```
 */
export async function brightnessOneIsIdentity(
  batch: Batch<Float32Array | Float64Array>,
  options: AugmentOptions = CPU,
): Promise<void> {
  // Replayed with a brightness factor of exactly 1 and the other three skipped.
  const params = Array.from({ length: batch.count }, () => [{
    op: "colorJitter" as const,
    applied: true,
    order: [0, 1, 2, 3],
    brightness: 1,
    contrast: null,
    saturation: null,
    hue: null,
  }]);
  const r = await augment(pipe(colorJitter()), batch, { ...options, params });
  for (let i = 0; i < batch.data.length; i++) {
    const x = batch.data[i];
    const want = Math.min(1, Math.max(0, x));
    check(Object.is(r.images.data[i], want), () => `value ${i}: ${x} became ${r.images.data[i]}`);
  }
}
