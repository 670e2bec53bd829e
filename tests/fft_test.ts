// FFT plans and the real 2-D transforms against a naive float64 DFT.
import assert from "node:assert/strict";
import { MAX_DIRECT_RADIX, planFft, radices } from "../src/math/fft.ts";
import { irfft2, rfft2 } from "../src/math/rfft2.ts";
import { maxDiff } from "./_helpers.ts";
import { cosSin, exp, twiddle } from "../src/math/elementary.ts";

// A small deterministic generator for test data (not the library's RNG).
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function naiveDft(
  re: Float64Array,
  im: Float64Array,
): [Float64Array, Float64Array] {
  const n = re.length, or = new Float64Array(n), oi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(a), s = Math.sin(a);
      sr += re[j] * c - im[j] * s;
      si += re[j] * s + im[j] * c;
    }
    or[k] = sr;
    oi[k] = si;
  }
  return [or, oi];
}

/** numpy's rfft2 by definition, as direct sums (row DFT, then column DFT; no FFT), kept on U × V bins. */
function naiveRfft2(
  x: Float64Array,
  H: number,
  W: number,
): [Float64Array, Float64Array] {
  const V = (W >> 1) + 1;
  const tr = new Float64Array(H * V), ti = new Float64Array(H * V);
  for (let h = 0; h < H; h++) {
    for (let v = 0; v < V; v++) {
      let sr = 0, si = 0;
      for (let w = 0; w < W; w++) {
        const a = (-2 * Math.PI * ((v * w) % W)) / W;
        sr += x[h * W + w] * Math.cos(a);
        si += x[h * W + w] * Math.sin(a);
      }
      tr[h * V + v] = sr;
      ti[h * V + v] = si;
    }
  }
  const re = new Float64Array(H * V), im = new Float64Array(H * V);
  for (let u = 0; u < H; u++) {
    for (let v = 0; v < V; v++) {
      let sr = 0, si = 0;
      for (let h = 0; h < H; h++) {
        const a = (-2 * Math.PI * ((u * h) % H)) / H;
        const c = Math.cos(a), s = Math.sin(a);
        sr += tr[h * V + v] * c - ti[h * V + v] * s;
        si += tr[h * V + v] * s + ti[h * V + v] * c;
      }
      re[u * V + v] = sr;
      im[u * V + v] = si;
    }
  }
  return [re, im];
}

/** numpy's irfft2 by definition: complex inverse along rows, then the real inverse along columns. */
function naiveIrfft2(
  re: Float64Array,
  im: Float64Array,
  H: number,
  W: number,
): Float64Array {
  const V = (W >> 1) + 1;
  const tr = new Float64Array(H * V), ti = new Float64Array(H * V);
  for (let h = 0; h < H; h++) {
    for (let v = 0; v < V; v++) {
      let sr = 0, si = 0;
      for (let u = 0; u < H; u++) {
        const a = (2 * Math.PI * ((u * h) % H)) / H;
        sr += re[u * V + v] * Math.cos(a) - im[u * V + v] * Math.sin(a);
        si += re[u * V + v] * Math.sin(a) + im[u * V + v] * Math.cos(a);
      }
      tr[h * V + v] = sr / H;
      ti[h * V + v] = si / H;
    }
  }
  const out = new Float64Array(H * W);
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      let s = 0;
      for (let v = 0; v < V; v++) {
        const edge = v === 0 || (W % 2 === 0 && v === W / 2);
        const a = (2 * Math.PI * ((v * w) % W)) / W;
        const term = tr[h * V + v] * Math.cos(a) -
          (edge ? 0 : ti[h * V + v] * Math.sin(a));
        s += edge ? term : 2 * term;
      }
      out[h * W + w] = s / W;
    }
  }
  return out;
}

Deno.test("radices: 8s and 4s for the power of two, then primes; product is n", () => {
  assert.deepEqual(radices(224), [8, 4, 7]);
  assert.deepEqual(radices(1024), [8, 8, 4, 4]);
  assert.deepEqual(radices(2 * 3 * 7), [2, 3, 7]);
  assert.deepEqual(radices(97), [97]);
  for (let n = 1; n <= 500; n++) {
    assert.equal(radices(n).reduce((a, b) => a * b, 1), n);
  }
});

Deno.test("complex FFT matches a naive DFT for n = 1..130, mixed-radix and Bluestein", () => {
  const rnd = lcg(1);
  for (const strategy of ["auto", "bluestein"] as const) {
    for (let n = 1; n <= 130; n++) {
      const re = new Float64Array(n).map(rnd),
        im = new Float64Array(n).map(rnd);
      const [er, ei] = naiveDft(re, im);
      const plan = planFft(n, strategy);
      plan.forward(re, im);
      const err = Math.max(maxDiff(re, er), maxDiff(im, ei));
      assert.ok(
        err < 1e-11 * Math.max(1, n),
        `n=${n} ${plan.strategy}: ${err}`,
      );
    }
  }
});

Deno.test("FFT strategies: 2/3/5/7-smooth lengths use Stockham, large primes Bluestein", () => {
  assert.match(planFft(224).strategy, /^stockham/);
  assert.match(planFft(2 * 3 * 5 * 7 * 4).strategy, /^stockham/);
  assert.match(planFft(MAX_DIRECT_RADIX).strategy, /^stockham/);
  assert.match(planFft(67).strategy, /^bluestein/);
  assert.match(planFft(2 * 1009).strategy, /^bluestein/);
});

Deno.test("complex FFT of large and prime lengths agrees with a naive DFT", () => {
  const rnd = lcg(2);
  for (const n of [211, 448, 1009, 2048, 2 * 1009]) {
    const re = new Float64Array(n).map(rnd), im = new Float64Array(n).map(rnd);
    const [er, ei] = naiveDft(re, im);
    planFft(n).forward(re, im);
    const err = Math.max(maxDiff(re, er), maxDiff(im, ei));
    assert.ok(err < 1e-10 * n, `n=${n}: ${err}`);
  }
});

Deno.test("rfft2 and irfft2 agree with naive float64 DFTs and round-trip, every H, W in 1..40", () => {
  const rnd = lcg(3);
  for (let H = 1; H <= 40; H++) {
    for (let W = 1; W <= 40; W++) {
      const x = new Float64Array(H * W).map(rnd);
      const { re, im } = rfft2(x, H, W);
      const back = irfft2(re, im, H, W);
      assert.ok(
        maxDiff(back, x) < 1e-13,
        `round trip ${H}x${W}: ${maxDiff(back, x)}`,
      );
      const [nr, ni] = naiveRfft2(x, H, W);
      const err = Math.max(maxDiff(re, nr), maxDiff(im, ni));
      assert.ok(err < 1e-12 * H * W, `rfft2 ${H}x${W}: ${err}`);
      const viaNaive = naiveIrfft2(re, im, H, W);
      assert.ok(
        maxDiff(back, viaNaive) < 1e-13,
        `irfft2 ${H}x${W}: ${maxDiff(back, viaNaive)}`,
      );
    }
  }
});

Deno.test("irfft2 of a non-Hermitian half-spectrum follows numpy's rule", () => {
  const rnd = lcg(4);
  for (
    const [H, W] of [
      [1, 1],
      [3, 4],
      [5, 5],
      [6, 8],
      [7, 9],
      [12, 2],
      [13, 17],
      [16, 16],
    ]
  ) {
    const V = (W >> 1) + 1;
    const re = new Float64Array(H * V).map(rnd),
      im = new Float64Array(H * V).map(rnd);
    const got = irfft2(re, im, H, W);
    const want = naiveIrfft2(re, im, H, W);
    assert.ok(maxDiff(got, want) < 1e-13, `${H}x${W}: ${maxDiff(got, want)}`);
  }
});

Deno.test("deterministic exp, cos, sin and twiddles are within a few ulp", () => {
  const rnd = lcg(5);
  for (let i = 0; i < 20000; i++) {
    const x = rnd() * 1400;
    const e = exp(x), m = Math.exp(x);
    assert.ok(Math.abs(e - m) <= 4e-16 * m, `exp(${x})`);
    const t = rnd() * 40;
    const [c, s] = cosSin(t);
    assert.ok(
      Math.abs(c - Math.cos(t)) < 5e-16 && Math.abs(s - Math.sin(t)) < 5e-16,
      `cosSin(${t})`,
    );
  }
  assert.equal(exp(0), 1);
  assert.equal(exp(-800), 0);
  assert.equal(exp(800), Infinity);
  assert.deepEqual(twiddle(0, 8), [1, -0]);
  const [c, s] = twiddle(1, 4);
  assert.ok(Math.abs(c) < 1e-16 && s === -1);
});
