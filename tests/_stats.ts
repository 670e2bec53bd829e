// Small statistics kit for the tests of the random draws (tests/draws_test.ts):
// the regularized incomplete gamma function (Numerical Recipes style: a series
// below a + 1, a continued fraction by the modified Lentz method above), the
// chi-square statistic and its survival function, the one-sample
// Kolmogorov–Smirnov statistic against a uniform CDF with the DKW–Massart
// critical value, an exact two-sided binomial test, and a normal tail. All
// written here, in float64, with no dependency.

const EPS = 1e-16;
const FPMIN = 1e-300;

// Lanczos approximation (g = 7, n = 9), relative error ~1e-15.
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x = ${x} must be > 0`);
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// P(a, x) by its series, for x < a + 1.
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < 100000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

// Q(a, x) by its continued fraction (modified Lentz), for x >= a + 1.
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0, x >= 0. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the far tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Survival function of the chi-square distribution: P(X >= x) for df degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

/** The x with chiSquareSf(x, df) = alpha (bisection on the survival function). */
export function chiSquareCritical(df: number, alpha: number): number {
  let lo = 0, hi = Math.max(1, df);
  while (chiSquareSf(hi, df) > alpha) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (chiSquareSf(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Two-sided normal tail P(|Z| >= |z|) = erfc(|z| / √2) = Q(1/2, z² / 2). */
export function normalTwoSided(z: number): number {
  return gammaQ(0.5, (z * z) / 2);
}

/** Result of a chi-square test. */
export interface ChiSquare {
  /** The statistic Σ (O - E)² / E. */
  readonly stat: number;
  /** Degrees of freedom. */
  readonly df: number;
  /** P(X >= stat) under the null. */
  readonly p: number;
}

/**
 * Goodness of fit of `counts` to cell probabilities `probs` (default: all
 * cells equally likely). df = cells - 1.
 */
export function chiSquareGof(counts: readonly number[], probs?: readonly number[]): ChiSquare {
  const n = counts.reduce((s, c) => s + c, 0);
  const k = counts.length;
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const e = n * (probs ? probs[i] : 1 / k);
    stat += (counts[i] - e) ** 2 / e;
  }
  const df = k - 1;
  return { stat, df, p: df > 0 ? chiSquareSf(stat, df) : 1 };
}

/**
 * Independence in an r×c contingency table (expected counts from the
 * margins). df = (r - 1)(c - 1). Rows or columns with a zero margin are
 * dropped (they carry no information), which lowers df.
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquare {
  const rowSums = table.map((r) => r.reduce((s, c) => s + c, 0));
  const colSums = table[0].map((_, j) => table.reduce((s, r) => s + r[j], 0));
  const n = rowSums.reduce((s, c) => s + c, 0);
  const rows = rowSums.map((s, i) => (s > 0 ? i : -1)).filter((i) => i >= 0);
  const cols = colSums.map((s, j) => (s > 0 ? j : -1)).filter((j) => j >= 0);
  let stat = 0;
  for (const i of rows) {
    for (const j of cols) {
      const e = (rowSums[i] * colSums[j]) / n;
      stat += (table[i][j] - e) ** 2 / e;
    }
  }
  const df = Math.max(0, (rows.length - 1) * (cols.length - 1));
  return { stat, df, p: df > 0 ? chiSquareSf(stat, df) : 1 };
}

/**
 * One-sample Kolmogorov–Smirnov statistic D = sup |F_n(x) - F(x)| of `xs`
 * against the uniform CDF on [lo, hi].
 */
export function ksUniform(xs: ArrayLike<number>, lo: number, hi: number): number {
  const s = Float64Array.from(xs).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = Math.min(1, Math.max(0, (s[i] - lo) / (hi - lo)));
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * Critical value of the KS statistic at level alpha for n draws from the
 * DKW inequality with Massart's constant, P(D > ε) <= 2 exp(-2nε²), valid for
 * every n: ε = sqrt(ln(2/α) / 2) / sqrt(n). (Conservative: the exact level is
 * at most alpha.)
 */
export function ksCritical(n: number, alpha: number): number {
  return Math.sqrt(Math.log(2 / alpha) / 2) / Math.sqrt(n);
}

// ln of the binomial pmf.
function lnBinomialPmf(k: number, n: number, p: number): number {
  return lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** P(X <= x) for X ~ Binomial(n, p), x <= n p (summed downward from x: terms decrease). */
function lowerTail(x: number, n: number, p: number): number {
  let term = Math.exp(lnBinomialPmf(x, n, p));
  let sum = term;
  const r = (1 - p) / p;
  for (let i = x; i > 0; i--) {
    term *= (i / (n - i + 1)) * r; // pmf(i - 1) / pmf(i)
    sum += term;
    if (term < sum * 1e-18) break;
  }
  return sum;
}

/** P(X >= x) for X ~ Binomial(n, p), x >= n p (summed upward from x). */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let term = Math.exp(lnBinomialPmf(x, n, p));
  let sum = term;
  const r = p / (1 - p);
  for (let i = x; i < n; i++) {
    term *= ((n - i) / (i + 1)) * r; // pmf(i + 1) / pmf(i)
    sum += term;
    if (term < sum * 1e-18 && i + 1 > n * p) break;
  }
  return Math.min(1, sum);
}

/**
 * Exact two-sided binomial p-value for x successes in n trials of
 * probability p: twice the tail on x's side of the mean, capped at 1. Under
 * the null, P(p-value <= α) <= α.
 */
export function binomialTwoSided(x: number, n: number, p: number): number {
  if (p <= 0) return x === 0 ? 1 : 0;
  if (p >= 1) return x === n ? 1 : 0;
  const tail = x <= n * p ? lowerTail(x, n, p) : binomialUpperTail(x, n, p);
  return Math.min(1, 2 * tail);
}

/** The z-score of x successes in n trials of probability p (for messages). */
export function binomialZ(x: number, n: number, p: number): number {
  return (x - n * p) / Math.sqrt(n * p * (1 - p));
}

/** Pearson's correlation coefficient of two equally long series. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma, y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}
