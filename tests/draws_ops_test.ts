// Statistical tests of the new ops' draws (src/ops/*/mod.ts `sample`), with
// fixed seeds, each Deno.test at a false-alarm rate <= 1e-6 (see draws_test.ts
// for the thresholds; a test making m checks runs each at 1e-6 / m).
// - randomResizedCrop against torchvision's RandomResizedCrop.get_params,
//   written out here with an independent generator (a 32-bit xorshift-multiply
//   generator, not Philox): two-sample Kolmogorov–Smirnov on the box's area
//   fraction, aspect ratio and position, and the fallback rate;
// - colorJitter: the order uniform over the 24 permutations, the factors
//   uniform in their ranges, null where torchvision has None;
// - gaussianBlur's σ uniform; each op's `applied` rate equal to its p.

import assert from "node:assert/strict";
import {
  colorJitter,
  gaussianBlur,
  grayscale,
  horizontalFlip,
  pipe,
  randomResizedCrop,
  sample,
  solarize,
  verticalFlip,
} from "../mod.ts";
import type { ColorJitterParams, GaussianBlurParams, RandomResizedCropParams } from "../mod.ts";
import { binomialTwoSided, chiSquareCritical, chiSquareGof, ksCritical, ksUniform } from "./_stats.ts";

const ALPHA = 1e-6;

/** Two-sample KS statistic. */
function ks2(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q), y = [...b].sort((p, q) => p - q);
  let i = 0, j = 0, d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** The asymptotic two-sample KS critical value at α (conservative for discrete data). */
function ks2Critical(n: number, m: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}

/** A small independent generator of uniforms in [0, 1) (not Philox). */
function generator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (Math.imul(s, 2654435761) >>> 0) / 4294967296;
  };
}

/** torchvision's RandomResizedCrop.get_params, as written in torchvision 0.14, on a generator. */
function getParams(H: number, W: number, scale: number[], ratio: number[], rand: () => number) {
  const round = (x: number) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  const area = H * W;
  const lr = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let t = 0; t < 10; t++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * rand());
    const ar = Math.exp(lr[0] + (lr[1] - lr[0]) * rand());
    const w = round(Math.sqrt(target * ar)), h = round(Math.sqrt(target / ar));
    if (0 < w && w <= W && 0 < h && h <= H) {
      return {
        top: Math.floor(rand() * (H - h + 1)),
        left: Math.floor(rand() * (W - w + 1)),
        height: h,
        width: w,
        fallback: false,
      };
    }
  }
  const r = W / H;
  let w = W, h = H;
  if (r < Math.min(...ratio)) h = round(w / Math.min(...ratio));
  else if (r > Math.max(...ratio)) w = round(h * Math.max(...ratio));
  return { top: Math.floor((H - h) / 2), left: Math.floor((W - w) / 2), height: h, width: w, fallback: true };
}

Deno.test("draws (randomResizedCrop): boxes distributed as torchvision's get_params, tries and fallback included", () => {
  const N = 12000;
  const cases: [number, number, number[], number[]][] = [
    [224, 224, [0.08, 1], [3 / 4, 4 / 3]],
    [31, 120, [0.08, 1], [3 / 4, 4 / 3]], // wide: some tries fail
    [30, 100, [0.08, 1], [3 / 4, 4 / 3]], // fallback now and then
    [17, 13, [0.5, 1], [0.5, 2]],
  ];
  const checks = cases.length * 5;
  const a = ALPHA / checks;
  for (const [H, W, scale, ratio] of cases) {
    const op = randomResizedCrop({ size: 8, scale: scale as [number, number], ratio: ratio as [number, number] });
    const ours = sample(pipe(op), { seed: 20261128, count: N, height: H, width: W })
      .map((s) => s[0] as RandomResizedCropParams);
    const rand = generator(H * 7919 + W);
    const theirs = Array.from({ length: N }, () => getParams(H, W, scale, ratio, rand));
    const crit = ks2Critical(N, N, a);
    const stat = (f: (b: { top: number; left: number; height: number; width: number }) => number) =>
      ks2(ours.map(f), theirs.map(f));
    const features: [string, (b: { top: number; left: number; height: number; width: number }) => number][] = [
      ["area", (b) => (b.height * b.width) / (H * W)],
      ["aspect", (b) => b.width / b.height],
      ["top", (b) => (b.top + b.height / 2) / H],
      ["left", (b) => (b.left + b.width / 2) / W],
    ];
    for (const [name, f] of features) {
      const d = stat(f);
      assert.ok(d <= crit, `${H}x${W} ${name}: KS ${d.toFixed(4)} > ${crit.toFixed(4)}`);
    }
    // Every box lies inside the image, and the fallback's box is as frequent in both (a two-proportion z test).
    for (const b of ours) assert.ok(b.top >= 0 && b.left >= 0 && b.top + b.height <= H && b.left + b.width <= W);
    const fb = theirs.find((b) => b.fallback);
    if (fb) {
      const same = (b: { top: number; left: number; height: number; width: number }) =>
        b.top === fb.top && b.left === fb.left && b.height === fb.height && b.width === fb.width;
      const x = ours.filter(same).length, y = theirs.filter(same).length;
      const pooled = (x + y) / (2 * N);
      const z = Math.abs(x - y) / N / Math.sqrt(pooled * (1 - pooled) * (2 / N));
      assert.ok(x > 0, `${H}x${W}: the fallback box never drawn`);
      assert.ok(z <= 5.6, `${H}x${W}: fallback box ${x} vs ${y} of ${N} (z ${z.toFixed(2)})`);
    }
  }
});

Deno.test("draws (colorJitter): order uniform over the 24 permutations, factors uniform, null where skipped", () => {
  const N = 24000;
  const op = colorJitter({ brightness: 0.4, contrast: [0.2, 1.7], saturation: 0, hue: 0.1 });
  const ps = sample(pipe(op), { seed: 7, count: N, height: 4, width: 4 }).map((s) => s[0] as ColorJitterParams);
  const perms = new Map<string, number>();
  for (const p of ps) perms.set(p.order.join(""), (perms.get(p.order.join("")) ?? 0) + 1);
  assert.equal(perms.size, 24);
  const chi = chiSquareGof([...perms.values()]);
  const a = ALPHA / 4;
  assert.ok(chi.stat <= chiSquareCritical(23, a), `order chi-square ${chi.stat}`);
  assert.ok(ksUniform(ps.map((p) => p.brightness!), 0.6, 1.4) <= ksCritical(N, a) + 2 ** -23);
  assert.ok(ksUniform(ps.map((p) => p.contrast!), 0.2, 1.7) <= ksCritical(N, a) + 2 ** -23);
  assert.ok(ksUniform(ps.map((p) => p.hue!), -0.1, 0.1) <= ksCritical(N, a) + 2 ** -23);
  assert.ok(ps.every((p) => p.saturation === null), "saturation 0 is torchvision's None");
});

Deno.test("draws (new ops): applied at the rate p, and blur σ uniform", () => {
  const N = 20000;
  const ops = [
    horizontalFlip({ p: 0.5 }),
    verticalFlip({ p: 0.2 }),
    colorJitter({ p: 0.8 }),
    grayscale({ p: 0.2 }),
    gaussianBlur({ sigma: [0.1, 2], p: 0.1 }),
    solarize({ p: 0.3 }),
  ];
  const ps = sample(pipe(...ops), { seed: 99, count: N, height: 8, width: 8 });
  const a = ALPHA / (ops.length + 1);
  ops.forEach((op, i) => {
    const k = ps.filter((s) => s[i].applied).length;
    assert.ok(binomialTwoSided(k, N, op.p) >= a, `${op.op}: applied ${k} of ${N} at p ${op.p}`);
  });
  const sigmas = ps.map((s) => s[4] as GaussianBlurParams).filter((p) => p.applied).map((p) => p.sigma);
  assert.ok(ksUniform(sigmas, 0.1, 2) <= ksCritical(sigmas.length, a) + 2 ** -23);
  // Not applied: σ 0, and every op's params still one entry per op.
  assert.ok(ps.every((s) => s[4].applied || (s[4] as GaussianBlurParams).sigma === 0));
});
