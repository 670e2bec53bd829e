// Statistical tests of the random parameter draws (src/params/sample.ts,
// src/params/keys.ts) and of the per-bin fields as the CPU backend uses them
// (src/cpu/multiplier.ts), over >= 10,000 draws each, with fixed seeds.
//
// Thresholds. Every Deno.test below has a false-alarm rate <= ALPHA = 1e-6:
// a test that makes m statistical checks runs each at ALPHA / m (Bonferroni).
// - chi-square: the statistic must not exceed the critical value c with
//   Q(df/2, c/2) = α, Q the regularized upper incomplete gamma function
//   (tests/_stats.ts, series + continued fraction; c found by bisection).
//   E.g. df = 1: 23.93; df = 6: 38.26; df = 9: 44.81 at α = 1e-6. All
//   expected cell counts here are >= 400, so the chi-square approximation holds.
// - Kolmogorov–Smirnov against a uniform CDF: D <= sqrt(ln(2/α)/2)/sqrt(n)
//   (the DKW inequality with Massart's constant, valid for every n; 0.0269 at
//   n = 10,000 and α = 1e-6), plus the proven bound on how far the values'
//   grid (2^-24 steps) can move the empirical CDF.
// - frequencies: the exact two-sided binomial p-value (twice the tail on the
//   observed side, summed from the pmf) must be >= α.
// - correlations of independent uniforms: r·sqrt(n) ~ N(0, 1); the two-sided
//   normal tail must be >= α (|z| <= 4.89 at α = 1e-6).
// - "reaches both ends" checks: a cell of probability 1/K missed by n draws
//   has probability (1 - 1/K)^n <= (4/5)^10000 < 1e-900 here: negligible.
// On failure the message names the statistic, the threshold and the seed.

import assert from "node:assert/strict";
import {
  amplitudeRescale,
  type AmplitudeRescaleParams,
  augment,
  gmm,
  type GmmParams,
  phaseShift,
  type PhaseShiftParams,
  pipe,
  type Pipeline,
  randomFrequencyMask,
  type RandomFrequencyMaskParams,
  sample,
  type SampleParams,
} from "../mod.ts";
import { fieldUniforms, scalarUnit, seedKey } from "../src/params/keys.ts";
import { dropGrid } from "../src/params/sample.ts";
import { rfft2 } from "../src/math/rfft2.ts";
import {
  binomialTwoSided,
  binomialUpperTail,
  binomialZ,
  chiSquareCritical,
  chiSquareGof,
  chiSquareIndependence,
  chiSquareSf,
  correlation,
  gammaP,
  gammaQ,
  ksCritical,
  ksUniform,
  lnGamma,
  normalTwoSided,
} from "./_stats.ts";

/** Per-test false-alarm rate. */
const ALPHA = 1e-6;
/** Step of the uniforms' grid. */
const GRID = 2 ** -24;

// Fixed seeds, one per test.
const SEED_U0 = 20240611;
const SEED_V0 = 9001;
const SEED_SIGMA = 424242;
const SEED_INTENSITY = 77;
const SEED_GMM_INDEP = 31337;
const SEED_PHASE = 1234567;
const SEED_Q = 55555;
const SEED_DROP = 8675309;
const SEED_MASK_E2E = 271828;
const SEED_AMP = 314159;
const SEED_APPLIED = 161803;
const SEED_INDEP = 141421;

// ---------------------------------------------------------------- checks

function expectChiSquare(
  what: string,
  r: { stat: number; df: number; p: number },
  alpha: number,
  seed: number,
): void {
  const crit = chiSquareCritical(r.df, alpha);
  assert.ok(
    r.stat <= crit,
    `${what}: chi-square ${r.stat.toFixed(3)} > critical ${crit.toFixed(3)} (df ${r.df}, p ${r.p.toExponential(3)}, ` +
      `alpha ${alpha.toExponential(2)}, seed ${seed})`,
  );
}

function expectKs(
  what: string,
  xs: ArrayLike<number>,
  lo: number,
  hi: number,
  alpha: number,
  seed: number,
  slack = 0,
): void {
  const d = ksUniform(xs, lo, hi);
  const crit = ksCritical(xs.length, alpha) + slack;
  assert.ok(
    d <= crit,
    `${what}: KS D ${d.toFixed(5)} > critical ${crit.toFixed(5)} (n ${xs.length}, uniform on [${lo}, ${hi}], ` +
      `alpha ${alpha.toExponential(2)}, seed ${seed})`,
  );
}

function expectBinomial(
  what: string,
  x: number,
  n: number,
  p: number,
  alpha: number,
  seed: number,
): void {
  const pv = binomialTwoSided(x, n, p);
  assert.ok(
    pv >= alpha,
    `${what}: ${x} of ${n} (rate ${(x / n).toFixed(5)}, expected ${p}), z ${binomialZ(x, n, p).toFixed(2)}, ` +
      `exact two-sided p ${pv.toExponential(3)} < alpha ${alpha.toExponential(2)} (seed ${seed})`,
  );
}

function expectUncorrelated(
  what: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  alpha: number,
  seed: number,
): void {
  const r = correlation(a, b);
  const z = r * Math.sqrt(a.length);
  const pv = normalTwoSided(z);
  assert.ok(
    pv >= alpha,
    `${what}: correlation ${r.toFixed(5)} (z ${z.toFixed(2)}, n ${a.length}), two-sided p ${pv.toExponential(3)} ` +
      `< alpha ${alpha.toExponential(2)} (seed ${seed})`,
  );
}

// ---------------------------------------------------------------- draws

interface Gaussians {
  u0: number[];
  v0: number[];
  sigmaU: number[];
  sigmaV: number[];
  intensity: number[];
  /** Index of the Gaussian in its sample. */
  i: number[];
}

function gaussiansOf(params: SampleParams[], op = 0): Gaussians {
  const g: Gaussians = { u0: [], v0: [], sigmaU: [], sigmaV: [], intensity: [], i: [] };
  for (const s of params) {
    const p = s[op] as GmmParams;
    p.gaussians.forEach((d, i) => {
      g.u0.push(d.u0);
      g.v0.push(d.v0);
      g.sigmaU.push(d.sigmaU);
      g.sigmaV.push(d.sigmaV);
      g.intensity.push(d.intensity);
      g.i.push(i);
    });
  }
  return g;
}

/** Counts of each integer value 0..cells-1. */
function histogram(xs: readonly number[], cells: number): number[] {
  const h = new Array(cells).fill(0);
  for (const x of xs) h[x]++;
  return h;
}

/** Quartile of x in [lo, hi): 0..3. */
const quartile = (x: number, lo: number, hi: number) => Math.min(3, Math.floor((4 * (x - lo)) / (hi - lo)));

function table(a: readonly number[], b: readonly number[], ra: number, rb: number): number[][] {
  const t = Array.from({ length: ra }, () => new Array(rb).fill(0));
  for (let i = 0; i < a.length; i++) t[a[i]][b[i]]++;
  return t;
}

// Ranges chosen so that lo + (hi - lo) u is exact in float64 (spans 8 and
// 1/2), which lets the tests read each draw's 24-bit uniform back exactly.
const SIGMA: [number, number] = [2, 10];
const INTENSITY: [number, number] = [0.25, 0.75];
const gmmOp = (k: number, p = 1) => gmm({ k, sigma: SIGMA, intensity: INTENSITY, p });

// ---------------------------------------------------------------- the helpers themselves

Deno.test("stats helpers: incomplete gamma, chi-square, KS, binomial and normal tails match known values", () => {
  // ln Γ at integers and 1/2.
  assert.ok(Math.abs(lnGamma(1)) < 1e-14);
  assert.ok(Math.abs(lnGamma(5) - Math.log(24)) < 1e-13);
  assert.ok(Math.abs(lnGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-13);
  assert.ok(Math.abs(lnGamma(101) - 363.73937555556347) < 1e-10);
  // P + Q = 1 on both branches; P(1, x) = 1 - e^-x.
  for (const [a, x] of [[0.5, 0.1], [3, 2], [3, 10], [40, 35], [40, 60]]) {
    assert.ok(Math.abs(gammaP(a, x) + gammaQ(a, x) - 1) < 1e-13, `P + Q at ${a}, ${x}`);
  }
  assert.ok(Math.abs(gammaP(1, 2.5) - (1 - Math.exp(-2.5))) < 1e-14);
  // Chi-square table values (p = 0.05 and 0.01) and df = 2, where Q = e^(-x/2).
  assert.ok(Math.abs(chiSquareSf(3.841, 1) - 0.05) < 1e-4);
  assert.ok(Math.abs(chiSquareSf(18.307, 10) - 0.05) < 1e-4);
  assert.ok(Math.abs(chiSquareSf(6.635, 1) - 0.01) < 1e-4);
  assert.ok(Math.abs(chiSquareSf(9.21, 2) - Math.exp(-9.21 / 2)) < 1e-14);
  assert.ok(Math.abs(chiSquareSf(40, 2) - Math.exp(-20)) < 1e-20);
  // Critical values: df = 1 at 1e-6 is 4.8916²; the inverse returns the level.
  assert.ok(Math.abs(chiSquareCritical(1, 1e-6) - 23.9281) < 1e-3);
  assert.ok(Math.abs(chiSquareSf(chiSquareCritical(9, 1e-6), 9) / 1e-6 - 1) < 1e-6);
  // Normal tails: 1.96 → 0.05, 4.8916 → 1e-6.
  assert.ok(Math.abs(normalTwoSided(1.959964) - 0.05) < 1e-6);
  assert.ok(Math.abs(normalTwoSided(-4.891638) / 1e-6 - 1) < 1e-4);
  // Chi-square statistics: a perfect fit is 0; a known table.
  assert.equal(chiSquareGof([25, 25, 25, 25]).stat, 0);
  assert.ok(Math.abs(chiSquareGof([30, 20]).stat - 2) < 1e-12);
  const ind = chiSquareIndependence([[10, 20], [20, 40]]);
  assert.ok(ind.stat < 1e-12 && ind.df === 1);
  assert.ok(chiSquareIndependence([[50, 0], [0, 50]]).stat > 99);
  // KS: a perfect grid has D = 1/(2n); a square-root-biased sample is far off.
  const n = 10000;
  const grid = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  assert.ok(Math.abs(ksUniform(grid, 0, 1) - 0.5 / n) < 1e-12);
  assert.ok(ksUniform(grid.map(Math.sqrt), 0, 1) > 0.24);
  assert.ok(Math.abs(ksCritical(10000, 1e-6) - 0.026934) < 1e-5);
  // Binomial: exact small cases, symmetry, a centred count is not rejected.
  assert.ok(Math.abs(binomialTwoSided(0, 10, 0.5) - 2 / 1024) < 1e-15);
  assert.ok(Math.abs(binomialTwoSided(10, 10, 0.5) - 2 / 1024) < 1e-15);
  assert.ok(Math.abs(binomialTwoSided(2, 10, 0.5) - (2 * 56) / 1024) < 1e-14);
  assert.equal(binomialTwoSided(5000, 10000, 0.5), 1);
  assert.ok(Math.abs(binomialTwoSided(4800, 10000, 0.5) - binomialTwoSided(5200, 10000, 0.5)) < 1e-15);
  assert.ok(binomialTwoSided(2500, 10000, 0.5) < 1e-300);
  assert.ok(Math.abs(binomialUpperTail(2, 3, 0.5) - 0.5) < 1e-15);
  // Correlation of a series with itself and with its reverse.
  assert.ok(Math.abs(correlation(grid, grid) - 1) < 1e-12);
  assert.ok(Math.abs(correlation(grid, grid.map((x) => 1 - x)) + 1) < 1e-12);
});

// ---------------------------------------------------------------- gmm

for (const H of [1, 7, 10]) {
  Deno.test(`gmm u0 is uniform on [0, ${H}) and reaches row ${H - 1}`, () => {
    const seed = SEED_U0 + H;
    const g = gaussiansOf(sample(pipe(gmmOp(4)), { seed, count: 5000, height: H, width: 8 }));
    assert.equal(g.u0.length, 20000);
    for (const u0 of g.u0) assert.ok(Number.isInteger(u0) && u0 >= 0 && u0 < H, `u0 ${u0} outside [0, ${H})`);
    assert.equal(Math.min(...g.u0), 0, `u0 never 0 (seed ${seed})`);
    assert.equal(Math.max(...g.u0), H - 1, `u0 never the last row ${H - 1} (seed ${seed})`);
    if (H > 1) expectChiSquare(`u0 over ${H} rows`, chiSquareGof(histogram(g.u0, H)), ALPHA, seed);
  });
}

for (const W of [1, 9, 10]) {
  const V = Math.floor(W / 2) + 1;
  Deno.test(`gmm v0 is uniform on [0, ${V}) for W = ${W} and reaches column ${V - 1}`, () => {
    const seed = SEED_V0 + W;
    const g = gaussiansOf(sample(pipe(gmmOp(4)), { seed, count: 5000, height: 8, width: W }));
    for (const v0 of g.v0) assert.ok(Number.isInteger(v0) && v0 >= 0 && v0 < V, `v0 ${v0} outside [0, ${V})`);
    assert.equal(Math.min(...g.v0), 0, `v0 never 0 (seed ${seed})`);
    assert.equal(Math.max(...g.v0), V - 1, `v0 never the last column ${V - 1} (seed ${seed})`);
    if (V > 1) expectChiSquare(`v0 over ${V} columns`, chiSquareGof(histogram(g.v0, V)), ALPHA, seed);
  });
}

Deno.test("gmm σu and σv are each uniform on the sigma range, independent, and drawn from different counters", () => {
  const seed = SEED_SIGMA;
  const g = gaussiansOf(sample(pipe(gmmOp(4)), { seed, count: 5000, height: 16, width: 16 }));
  const [lo, hi] = SIGMA;
  for (const s of [...g.sigmaU, ...g.sigmaV]) assert.ok(s >= lo && s < hi, `σ ${s} outside [${lo}, ${hi})`);
  // Four checks at ALPHA / 4. The values lie on a grid of step (hi - lo) 2^-24,
  // which moves the empirical CDF by at most 2^-24 against the continuous one.
  const a = ALPHA / 4;
  expectKs("σu", g.sigmaU, lo, hi, a, seed, GRID);
  expectKs("σv", g.sigmaV, lo, hi, a, seed, GRID);
  const qu = g.sigmaU.map((s) => quartile(s, lo, hi)), qv = g.sigmaV.map((s) => quartile(s, lo, hi));
  expectChiSquare("σu × σv quartiles (4×4)", chiSquareIndependence(table(qu, qv, 4, 4)), a, seed);
  // σu = σv exactly iff their 24-bit uniforms are equal: for independent draws
  // that is Binomial(n, 2^-24); the count must not be improbably high. Same
  // for σ against the intensity (its uniform read back exactly, see SIGMA).
  const unitS = (s: number) => (s - lo) / (hi - lo);
  const unitA = (x: number) => (x - INTENSITY[0]) / (INTENSITY[1] - INTENSITY[0]);
  const n = g.sigmaU.length;
  let equal = 0;
  for (let i = 0; i < n; i++) {
    const us = unitS(g.sigmaU[i]), vs = unitS(g.sigmaV[i]), ia = unitA(g.intensity[i]);
    if (us === vs) equal++;
    if (us === ia) equal++;
    if (vs === ia) equal++;
  }
  const tail = binomialUpperTail(equal, 3 * n, GRID);
  assert.ok(
    tail >= a,
    `σu, σv, intensity share their uniforms ${equal} times in ${3 * n} pairs: P(>= ${equal}) = ${tail} < ${a} ` +
      `(seed ${seed})`,
  );
});

Deno.test("gmm intensity is uniform on its range (a sqrt(u) bias fails)", () => {
  const seed = SEED_INTENSITY;
  const g = gaussiansOf(sample(pipe(gmmOp(2)), { seed, count: 6000, height: 8, width: 8 }));
  const [lo, hi] = INTENSITY;
  for (const x of g.intensity) assert.ok(x >= lo && x < hi, `intensity ${x} outside [${lo}, ${hi})`);
  expectKs("intensity", g.intensity, lo, hi, ALPHA, seed, GRID);
});

Deno.test("gmm: the five draws of a Gaussian are pairwise independent, and so are consecutive Gaussians", () => {
  const seed = SEED_GMM_INDEP;
  // H = 8, W = 6: u0 in 0..7 (halved to 4 classes), v0 in 0..3; σ and intensity by quartile.
  const g = gaussiansOf(sample(pipe(gmmOp(2)), { seed, count: 8000, height: 8, width: 6 }));
  const cls: [string, number[]][] = [
    ["u0", g.u0.map((u) => u >> 1)],
    ["v0", g.v0],
    ["σu", g.sigmaU.map((s) => quartile(s, SIGMA[0], SIGMA[1]))],
    ["σv", g.sigmaV.map((s) => quartile(s, SIGMA[0], SIGMA[1]))],
    ["intensity", g.intensity.map((x) => quartile(x, INTENSITY[0], INTENSITY[1]))],
  ];
  // 10 pairs within a Gaussian + 5 draws of Gaussian 0 against the same draw of Gaussian 1.
  const a = ALPHA / 15;
  for (let x = 0; x < 5; x++) {
    for (let y = x + 1; y < 5; y++) {
      const [nx, cx] = cls[x], [ny, cy] = cls[y];
      expectChiSquare(`${nx} × ${ny} (4×4)`, chiSquareIndependence(table(cx, cy, 4, 4)), a, seed);
    }
  }
  for (const [name, c] of cls) {
    const first = c.filter((_, i) => g.i[i] === 0), second = c.filter((_, i) => g.i[i] === 1);
    expectChiSquare(`${name} of Gaussian 0 × Gaussian 1`, chiSquareIndependence(table(first, second, 4, 4)), a, seed);
  }
});

// ---------------------------------------------------------------- phaseShift

Deno.test("phaseShift θ is uniform on its range, positive without includeNegatives; with it |θ| uniform, sign balanced", () => {
  const seed = SEED_PHASE;
  const lo = 0.4, hi = 0.7;
  const thetas = (includeNegatives: boolean) =>
    sample(pipe(phaseShift({ range: [lo, hi], includeNegatives })), { seed, count: 10000, height: 4, width: 4 })
      .map((s) => (s[0] as PhaseShiftParams).theta);
  // Four checks at ALPHA / 4. θ = lo + (hi - lo) u lies within rounding of a
  // grid of step (hi - lo) 2^-24: slack 2 · 2^-24 on the CDF.
  const a = ALPHA / 4;
  const pos = thetas(false);
  for (const t of pos) assert.ok(t > 0 && t >= lo && t < hi, `θ ${t} outside [${lo}, ${hi}) without includeNegatives`);
  expectKs("θ (includeNegatives false)", pos, lo, hi, a, seed, 2 * GRID);
  const both = thetas(true);
  const abs = both.map(Math.abs);
  for (const t of abs) assert.ok(t >= lo && t < hi, `|θ| ${t} outside [${lo}, ${hi})`);
  expectKs("|θ| (includeNegatives true)", abs, lo, hi, a, seed, 2 * GRID);
  const negative = both.filter((t) => t < 0).length;
  expectBinomial("negative θ", negative, both.length, 0.5, a, seed);
  // The sign is not tied to the magnitude (a sign drawn from θ's own uniform fails).
  const signs = both.map((t) => (t < 0 ? 1 : 0)), halves = abs.map((t) => (t < (lo + hi) / 2 ? 0 : 1));
  expectChiSquare("sign × |θ| half (2×2)", chiSquareIndependence(table(signs, halves, 2, 2)), a, seed);
});

// ---------------------------------------------------------------- randomFrequencyMask

Deno.test("randomFrequencyMask q is uniform on k, on the 2^-24 grid, and reaches both ends of a narrow range", () => {
  const seed = SEED_Q;
  const lo = 0.01, hi = 0.1;
  const qs = (k: [number, number]) =>
    sample(pipe(randomFrequencyMask({ k })), { seed, count: 10000, height: 4, width: 4 })
      .map((s) => (s[0] as RandomFrequencyMaskParams).q);
  const q = qs([lo, hi]);
  for (const x of q) {
    assert.ok(x >= lo && x <= hi, `q ${x} outside [${lo}, ${hi}]`);
    assert.ok(Number.isInteger(x * 2 ** 24), `q ${x} is not on the 2^-24 grid`);
  }
  // q = (base + i) 2^-24 with i uniform on 0..span-1: its CDF is within
  // 1/span of that of U[base 2^-24, (base + span) 2^-24), whose ends are within
  // 2^-24 of lo and hi, hence slack 1/span + 2 · 2^-24 / (hi - lo).
  const { span } = dropGrid(lo, hi);
  const a = ALPHA / 2;
  expectKs("q", q, lo, hi, a, seed, 1 / span + (2 * GRID) / (hi - lo));
  // A range of five grid points: each point equally often, the top one included.
  const base = 0.25 * 2 ** 24, top = base + 4;
  assert.equal(dropGrid(base * GRID, top * GRID).span, 5);
  const ticks = qs([base * GRID, top * GRID]).map((x) => x * 2 ** 24 - base);
  for (const t of ticks) assert.ok(Number.isInteger(t) && t >= 0 && t <= 4, `q tick ${t} outside 0..4`);
  assert.equal(Math.min(...ticks), 0, `q never the range's lower end (seed ${seed})`);
  assert.equal(Math.max(...ticks), 4, `q never the range's upper end (seed ${seed})`);
  expectChiSquare("q over 5 grid points", chiSquareGof(histogram(ticks, 5)), a, seed);
});

Deno.test("randomFrequencyMask drops each bin with probability q (its per-bin uniforms <= q)", () => {
  const seed = SEED_DROP;
  const count = 4, H = 128, W = 254, V = (W >> 1) + 1, bins = H * V; // 16,384 bins a sample
  const field = new Float64Array(bins);
  const [k0, k1] = seedKey(seed);
  const dropped = (p: RandomFrequencyMaskParams) => {
    assert.equal(p.key.seed, seed);
    fieldUniforms(k0, k1, p.key.sample, p.key.op, field, bins);
    let c = 0;
    for (let d = 0; d < bins; d++) if (field[d] <= p.q) c++;
    return c;
  };
  // Fixed q (k = [q, q]; not on the grid, so q = k[0]): a bin is dropped when
  // its uniform m 2^-24 <= q, i.e. with probability (floor(q 2^24) + 1) 2^-24.
  const fixed = [0.05, 0.3, 0.9];
  const a = ALPHA / (fixed.length + 1);
  for (const q of fixed) {
    const params = sample(pipe(randomFrequencyMask({ k: [q, q] })), { seed, count, height: H, width: W });
    let total = 0;
    for (const s of params) {
      const p = s[0] as RandomFrequencyMaskParams;
      assert.equal(p.q, q);
      total += dropped(p);
    }
    expectBinomial(`bins dropped at q = ${q}`, total, count * bins, (Math.floor(q * 2 ** 24) + 1) * GRID, a, seed);
  }
  // Drawn q: 200 samples of 1,024 bins; the total is a sum of independent
  // binomials, tested as a normal z with its exact mean and variance.
  const small = sample(pipe(randomFrequencyMask({ k: [0.2, 0.6] })), { seed, count: 200, height: 32, width: 62 });
  let total = 0, mean = 0, variance = 0;
  const n = 32 * 32;
  for (const s of small) {
    const p = s[0] as RandomFrequencyMaskParams;
    fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n);
    for (let d = 0; d < n; d++) if (field[d] <= p.q) total++;
    const pr = p.q + GRID; // q is on the grid: P(m 2^-24 <= q) = q + 2^-24
    mean += n * pr;
    variance += n * pr * (1 - pr);
  }
  const z = (total - mean) / Math.sqrt(variance);
  assert.ok(
    normalTwoSided(z) >= a,
    `bins dropped at drawn q: ${total}, expected ${mean.toFixed(1)}, z ${z.toFixed(2)}, p ${
      normalTwoSided(z)
    } < ${a} ` +
      `(seed ${seed})`,
  );
});

/**
 * Runs `pipeline` on the CPU over `count` unit impulses of H×W (one channel):
 * every bin of an impulse's spectrum is 1, so each output's spectrum is the
 * multiplier the backend applied.
 */
function augmentImpulses(pipeline: Pipeline, seed: number, count: number, H: number, W: number) {
  const plane = H * W;
  const impulse = new Float64Array(count * plane);
  for (let s = 0; s < count; s++) impulse[s * plane] = 1;
  return augment(pipeline, { data: impulse, count, channels: 1, height: H, width: W }, {
    seed,
    backend: "cpu",
    workers: 0,
    quiet: true,
  });
}

Deno.test("randomFrequencyMask through augment: exactly the bins with uniform <= q are zeroed, DC never", async () => {
  const seed = SEED_MASK_E2E;
  const count = 24, H = 32, W = 66, V = (W >> 1) + 1, plane = H * W;
  const pipeline = pipe(randomFrequencyMask({ k: [0.5, 1] }));
  // A unit impulse has every bin equal to 1, so the output's spectrum is the
  // multiplier itself on the columns 1..V-2 (columns 0 and W/2 are
  // Hermitian-symmetrised by irfft2), and its DC bin is M(0, 0).
  const r = await augmentImpulses(pipeline, seed, count, H, W);
  const field = new Float64Array(H * V);
  const [k0, k1] = seedKey(seed);
  let zeroed = 0, bins = 0;
  for (let s = 0; s < count; s++) {
    const p = r.params[s][0] as RandomFrequencyMaskParams;
    assert.ok(p.applied && p.q >= 0.5 && p.q <= 1);
    fieldUniforms(k0, k1, p.key.sample, p.key.op, field, H * V);
    const y = rfft2(r.images.data.subarray(s * plane, (s + 1) * plane), H, W);
    assert.ok(Math.abs(y.re[0] - 1) < 1e-9 && Math.abs(y.im[0]) < 1e-9, `sample ${s}: DC bin ${y.re[0]} dropped`);
    for (let u = 0; u < H; u++) {
      for (let v = 1; v < V - 1; v++) {
        const d = u * V + v, mag = Math.hypot(y.re[d], y.im[d]);
        const drop = field[d] <= p.q;
        assert.ok(drop ? mag < 1e-9 : Math.abs(mag - 1) < 1e-9, `sample ${s}, bin (${u}, ${v}): |Y| ${mag}, q ${p.q}`);
        bins++;
        if (drop) zeroed++;
      }
    }
  }
  assert.ok(bins >= 10000 && zeroed > 0 && zeroed < bins);
  // A constant image keeps its value (only DC is non-zero, and DC is kept).
  const flat = new Float64Array(count * 3 * plane).fill(0.7);
  const c = await augment(pipeline, { data: flat, count, channels: 3, height: H, width: W }, {
    seed,
    backend: "cpu",
    workers: 0,
    quiet: true,
  });
  let worst = 0;
  for (const x of c.images.data) worst = Math.max(worst, Math.abs(x - 0.7));
  assert.ok(worst < 1e-12, `a constant image changed by ${worst} (seed ${seed})`);
});

// ---------------------------------------------------------------- amplitudeRescale

Deno.test("amplitudeRescale: per-bin factors uniform on the range, equal to |Y| / |X|, shared by the channels", async () => {
  const seed = SEED_AMP;
  const lo = 0.8, hi = 1.75;
  const pipeline = pipe(amplitudeRescale({ range: [lo, hi] }));
  const count = 2, H = 64, W = 160, V = (W >> 1) + 1, plane = H * W; // 5,184 bins a sample, 5,056 off columns 0 and W/2
  const a = ALPHA / 2;
  // The field as the CPU backend draws it, from the key in the params.
  const params = sample(pipeline, { seed, count, height: H, width: W });
  const [k0, k1] = seedKey(seed);
  const field = new Float64Array(count * H * V);
  params.forEach((s, i) => {
    const p = s[0] as AmplitudeRescaleParams;
    assert.equal(p.op, "amplitudeRescale");
    fieldUniforms(k0, k1, p.key.sample, p.key.op, field.subarray(i * H * V), H * V, lo, hi);
  });
  assert.ok(field.length >= 10000);
  expectKs("amplitude factors", field, lo, hi, a, seed, GRID);
  // Through augment on impulses (every bin 1): |Y| is the factor on the
  // columns 1..V-2, and the KS test again on what the backend applied.
  const r = await augmentImpulses(pipeline, seed, count, H, W);
  const applied: number[] = [];
  for (let s = 0; s < count; s++) {
    const y = rfft2(r.images.data.subarray(s * plane, (s + 1) * plane), H, W);
    for (let u = 0; u < H; u++) {
      for (let v = 1; v < V - 1; v++) {
        const d = u * V + v, mag = Math.hypot(y.re[d], y.im[d]);
        assert.ok(Math.abs(mag - field[s * H * V + d]) < 1e-9, `sample ${s}, bin (${u}, ${v}): |Y| ${mag}`);
        applied.push(mag);
      }
    }
  }
  expectKs("applied amplitude factors", applied, lo, hi, a, seed, GRID + 1e-9);

  // Three identical channels stay bitwise identical.
  let x = 12345;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296;
  const same = new Float64Array(count * 3 * plane);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < plane; i++) {
      const val = rand();
      for (let c = 0; c < 3; c++) same[(s * 3 + c) * plane + i] = val;
    }
  }
  const rs = await augment(pipeline, { data: same, count, channels: 3, height: H, width: W }, {
    seed,
    backend: "cpu",
    workers: 0,
    quiet: true,
  });
  for (let s = 0; s < count; s++) {
    const c0 = rs.images.data.subarray(s * 3 * plane, (s * 3 + 1) * plane);
    for (let c = 1; c < 3; c++) {
      const cc = rs.images.data.subarray((s * 3 + c) * plane, (s * 3 + c + 1) * plane);
      assert.ok(cc.every((v, i) => Object.is(v, c0[i])), `sample ${s}: channel ${c} differs from channel 0`);
    }
  }
  // Different channels: |Y_c| / |X_c| is the same for every channel at every bin.
  const diff = new Float64Array(count * 3 * plane).map(rand);
  const rd = await augment(pipeline, { data: diff, count, channels: 3, height: H, width: W }, {
    seed,
    backend: "cpu",
    workers: 0,
    quiet: true,
  });
  let compared = 0;
  for (let s = 0; s < count; s++) {
    const ratios: Float64Array[] = [], mags: Float64Array[] = [];
    for (let c = 0; c < 3; c++) {
      const o = (s * 3 + c) * plane;
      const X = rfft2(diff.subarray(o, o + plane), H, W), Y = rfft2(rd.images.data.subarray(o, o + plane), H, W);
      const m = X.re.map((re, d) => Math.hypot(re, X.im[d]));
      mags.push(m);
      ratios.push(m.map((mx, d) => Math.hypot(Y.re[d], Y.im[d]) / mx));
    }
    const big = Math.max(...mags.map((m) => Math.max(...m.subarray(1))));
    for (let d = 0; d < H * V; d++) {
      if (mags.some((m) => m[d] < 1e-3 * big)) continue; // |X| tiny: the ratio is rounding noise
      for (let c = 1; c < 3; c++) {
        assert.ok(
          Math.abs(ratios[c][d] - ratios[0][d]) <= 1e-9 * ratios[0][d],
          `sample ${s}, bin ${d}: |Y|/|X| ${ratios[c][d]} in channel ${c} vs ${ratios[0][d]} in channel 0`,
        );
      }
      compared++;
    }
  }
  assert.ok(compared >= 0.9 * count * H * V, `only ${compared} bins compared`);
});

// ---------------------------------------------------------------- p

const appliedOps = [
  ["gmm", (p: number) => gmm({ k: 1, p })],
  ["amplitudeRescale", (p: number) => amplitudeRescale({ p })],
  ["phaseShift", (p: number) => phaseShift({ p })],
  ["randomFrequencyMask", (p: number) => randomFrequencyMask({ p })],
] as const;

for (const [name, make] of appliedOps) {
  Deno.test(`${name} applies with frequency p (0.2, 0.5, 0.8), never at p = 0, always at p = 1, iff u < p`, () => {
    const seed = SEED_APPLIED;
    const count = 10000;
    const flags = (p: number, s = seed) =>
      sample(pipe(make(p)), { seed: s, count, height: 4, width: 4 }).map((x) => x[0].applied);
    const ps = [0.2, 0.5, 0.8];
    for (const p of ps) {
      const hits = flags(p).filter(Boolean).length;
      expectBinomial(`${name} applied at p = ${p}`, hits, count, p, ALPHA / ps.length, seed);
    }
    assert.ok(flags(0).every((f) => !f), `${name} applied at p = 0`);
    assert.ok(flags(1).every((f) => f), `${name} not applied at p = 1`);
    // The decision is u < p exactly (u = draw 0 of the op, counter (0, op, n, 0)):
    // take p equal to some sample's u; that sample must not apply, and every
    // sample applies iff its u < p. (`u <= p` would apply it: P(u <= p) = p + 2^-24.)
    const [k0, k1] = seedKey(seed);
    const us = Array.from({ length: 2000 }, (_, n) => scalarUnit(k0, k1, n, 0, 0));
    const edge = us.findIndex((u) => u > 0.3 && u < 0.7);
    const pEdge = us[edge];
    const f = sample(pipe(make(pEdge)), { seed, count: 2000, height: 4, width: 4 }).map((x) => x[0].applied);
    assert.equal(f[edge], false, `${name}: sample ${edge} with u = p = ${pEdge} applied`);
    f.forEach((a, n) => assert.equal(a, us[n] < pEdge, `${name}: sample ${n}, u ${us[n]}, p ${pEdge}`));
  });
}

// ---------------------------------------------------------------- independence

Deno.test("draws of different ops and different samples are independent", () => {
  const seed = SEED_INDEP;
  const a = ALPHA / 6;
  // The applied flags of op 0 and op 1 of one pipeline: 2×2 table.
  const two = sample(pipe(gmm({ k: 1, p: 0.5 }), phaseShift({ p: 0.5 })), { seed, count: 10000, height: 4, width: 4 });
  const f0 = two.map((s) => (s[0].applied ? 1 : 0)), f1 = two.map((s) => (s[1].applied ? 1 : 0));
  expectChiSquare("applied flags of op 0 × op 1 (2×2)", chiSquareIndependence(table(f0, f1, 2, 2)), a, seed);
  // The same op twice in a pipeline draws different θ.
  const twin = sample(pipe(phaseShift({ range: [0, 1] }), phaseShift({ range: [0, 1] })), {
    seed,
    count: 10000,
    height: 4,
    width: 4,
  });
  const t0 = twin.map((s) => (s[0] as PhaseShiftParams).theta), t1 = twin.map((s) => (s[1] as PhaseShiftParams).theta);
  expectUncorrelated("θ of op 0 vs op 1", t0, t1, a, seed);
  // u0 of sample 2m against sample 2m + 1 (disjoint pairs, so the pairs are
  // independent of each other): 7×7 table and correlation.
  const g = gaussiansOf(sample(pipe(gmmOp(1)), { seed, count: 20000, height: 7, width: 8 }));
  const even = g.u0.filter((_, i) => i % 2 === 0), odd = g.u0.filter((_, i) => i % 2 === 1);
  expectChiSquare("u0 of sample n × n + 1 (7×7)", chiSquareIndependence(table(even, odd, 7, 7)), a, seed);
  expectUncorrelated("u0 of sample n vs n + 1", even, odd, a, seed);
  // Per-bin fields of different samples and of different ops are uncorrelated.
  const fields = sample(pipe(amplitudeRescale(), amplitudeRescale()), { seed, count: 2, height: 100, width: 198 });
  const n = 100 * 100;
  const [k0, k1] = seedKey(seed);
  const f = (s: number, op: number) => {
    const out = new Float64Array(n);
    const p = fields[s][op] as AmplitudeRescaleParams;
    fieldUniforms(k0, k1, p.key.sample, p.key.op, out, n);
    return out;
  };
  expectUncorrelated("field of sample 0 vs sample 1", f(0, 0), f(1, 0), a, seed);
  expectUncorrelated("field of op 0 vs op 1", f(0, 0), f(0, 1), a, seed);
});
