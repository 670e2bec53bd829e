// The CPU backend's hot path in WebAssembly: batched complex FFTs (mixed-radix
// Stockham and Bluestein), the real 2-D transform of one image plane, and the
// spectrum multiply, all in float64.
//
// Built by wasm/build.sh with clang's wasm32 target and -msimd128: every inner
// loop runs over `count` interleaved sequences (element k of sequence b at
// k * count + b), contiguous in b, which clang vectorises to f64x2. No libc,
// no allocator: the caller (src/wasm/fft.ts) lays out plans and buffers in
// linear memory and passes their addresses. The arithmetic is the one of
// src/math/fft.ts and src/math/rfft2.ts operation for operation (wasm has no
// fused multiply-add), so a Stockham plan gives the same bits as the
// TypeScript path.

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
// The q loops run over contiguous sequences: f64x2 pays even where the cost model doubts it.
#define VECTORIZE _Pragma("clang loop vectorize(enable) interleave(disable)")

typedef double f64;

// One radix pass of a Stockham plan; all fields 32-bit (addresses in linear memory).
typedef struct {
  int32_t p, len, stride;
  const f64 *twr, *twi; // e^{-2πi jk/len} at j*(p-1) + k-1
  const f64 *cr, *ci;   // cos, sin(2π tk/p) at (k-1)*h + t-1, odd radix > 7 only
  int32_t pad;
} Stage;

// kind 0: Stockham over `stages`; kind 1: Bluestein of length n through the
// plan `inner` of length m; kind 2: identity (n = 1).
typedef struct Plan {
  int32_t n, nstages, kind, m;
  const Stage *stages;
  const struct Plan *inner;
  const f64 *chr, *chi; // chirp e^{-πi k²/n}, k < n
  const f64 *fbr, *fbi; // FFT of the conjugate chirp, wrapped, scaled 1/m
  int32_t pad[6];
} Plan;

static void pass2(const Stage *st, int s, const f64 *restrict xr, const f64 *restrict xi, f64 *restrict yr,
                  f64 *restrict yi) {
  const int m = st->len / 2;
  for (int j = 0; j < m; j++) {
    const f64 wr = st->twr[j], wi = st->twi[j];
    const f64 *ar = xr + s * j, *ai = xi + s * j, *br = ar + s * m, *bi = ai + s * m;
    f64 *o0r = yr + s * 2 * j, *o0i = yi + s * 2 * j, *o1r = o0r + s, *o1i = o0i + s;
    VECTORIZE
    for (int q = 0; q < s; q++) {
      const f64 a_r = ar[q], a_i = ai[q], b_r = br[q], b_i = bi[q];
      o0r[q] = a_r + b_r;
      o0i[q] = a_i + b_i;
      const f64 dr = a_r - b_r, di = a_i - b_i;
      o1r[q] = dr * wr - di * wi;
      o1i[q] = dr * wi + di * wr;
    }
  }
}

static void pass3(const Stage *st, int s, const f64 *restrict xr, const f64 *restrict xi, f64 *restrict yr,
                  f64 *restrict yi) {
  const int m = st->len / 3;
  const f64 c = 0.86602540378443864676;
  for (int j = 0; j < m; j++) {
    const f64 w1r = st->twr[2 * j], w1i = st->twi[2 * j], w2r = st->twr[2 * j + 1], w2i = st->twi[2 * j + 1];
    const int i0 = s * j, i1 = i0 + s * m, i2 = i1 + s * m;
    const int o0 = s * 3 * j, o1 = o0 + s, o2 = o1 + s;
    VECTORIZE
    for (int q = 0; q < s; q++) {
      const f64 a0r = xr[i0 + q], a0i = xi[i0 + q];
      const f64 a1r = xr[i1 + q], a1i = xi[i1 + q];
      const f64 a2r = xr[i2 + q], a2i = xi[i2 + q];
      const f64 sr = a1r + a2r, si = a1i + a2i, dr = a1r - a2r, di = a1i - a2i;
      yr[o0 + q] = a0r + sr;
      yi[o0 + q] = a0i + si;
      const f64 mr = a0r - 0.5 * sr, mi = a0i - 0.5 * si;
      const f64 b1r = mr + c * di, b1i = mi - c * dr;
      const f64 b2r = mr - c * di, b2i = mi + c * dr;
      yr[o1 + q] = b1r * w1r - b1i * w1i;
      yi[o1 + q] = b1r * w1i + b1i * w1r;
      yr[o2 + q] = b2r * w2r - b2i * w2i;
      yi[o2 + q] = b2r * w2i + b2i * w2r;
    }
  }
}

static void pass4(const Stage *st, int s, const f64 *restrict xr, const f64 *restrict xi, f64 *restrict yr,
                  f64 *restrict yi) {
  const int m = st->len / 4;
  for (int j = 0; j < m; j++) {
    const f64 w1r = st->twr[3 * j], w1i = st->twi[3 * j];
    const f64 w2r = st->twr[3 * j + 1], w2i = st->twi[3 * j + 1];
    const f64 w3r = st->twr[3 * j + 2], w3i = st->twi[3 * j + 2];
    const int i0 = s * j, i1 = i0 + s * m, i2 = i1 + s * m, i3 = i2 + s * m;
    const int o0 = s * 4 * j, o1 = o0 + s, o2 = o1 + s, o3 = o2 + s;
    VECTORIZE
    for (int q = 0; q < s; q++) {
      const f64 a0r = xr[i0 + q], a0i = xi[i0 + q];
      const f64 a1r = xr[i1 + q], a1i = xi[i1 + q];
      const f64 a2r = xr[i2 + q], a2i = xi[i2 + q];
      const f64 a3r = xr[i3 + q], a3i = xi[i3 + q];
      const f64 t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const f64 t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
      yr[o0 + q] = t0r + t2r;
      yi[o0 + q] = t0i + t2i;
      const f64 b1r = t1r + t3i, b1i = t1i - t3r;
      const f64 b2r = t0r - t2r, b2i = t0i - t2i;
      const f64 b3r = t1r - t3i, b3i = t1i + t3r;
      yr[o1 + q] = b1r * w1r - b1i * w1i;
      yi[o1 + q] = b1r * w1i + b1i * w1r;
      yr[o2 + q] = b2r * w2r - b2i * w2i;
      yi[o2 + q] = b2r * w2i + b2i * w2r;
      yr[o3 + q] = b3r * w3r - b3i * w3i;
      yi[o3 + q] = b3r * w3i + b3i * w3r;
    }
  }
}

#define SQRT1_2 0.70710678118654752440

static void pass8(const Stage *st, int s, const f64 *restrict xr, const f64 *restrict xi, f64 *restrict yr,
                  f64 *restrict yi) {
  const int m = st->len / 8, sm = s * m;
  for (int j = 0; j < m; j++) {
    const f64 *tr = st->twr + 7 * j, *ti = st->twi + 7 * j;
    const f64 w1r = tr[0], w1i = ti[0], w2r = tr[1], w2i = ti[1], w3r = tr[2], w3i = ti[2];
    const f64 w4r = tr[3], w4i = ti[3], w5r = tr[4], w5i = ti[4], w6r = tr[5], w6i = ti[5];
    const f64 w7r = tr[6], w7i = ti[6];
    const int i0 = s * j, o0 = s * 8 * j;
    VECTORIZE
    for (int q = 0; q < s; q++) {
      const int b = i0 + q;
      const f64 a0r = xr[b], a0i = xi[b], a1r = xr[b + sm], a1i = xi[b + sm];
      const f64 a2r = xr[b + 2 * sm], a2i = xi[b + 2 * sm], a3r = xr[b + 3 * sm], a3i = xi[b + 3 * sm];
      const f64 a4r = xr[b + 4 * sm], a4i = xi[b + 4 * sm], a5r = xr[b + 5 * sm], a5i = xi[b + 5 * sm];
      const f64 a6r = xr[b + 6 * sm], a6i = xi[b + 6 * sm], a7r = xr[b + 7 * sm], a7i = xi[b + 7 * sm];
      f64 t0r = a0r + a4r, t0i = a0i + a4i, t1r = a0r - a4r, t1i = a0i - a4i;
      f64 t2r = a2r + a6r, t2i = a2i + a6i, t3r = a2r - a6r, t3i = a2i - a6i;
      const f64 e0r = t0r + t2r, e0i = t0i + t2i, e2r = t0r - t2r, e2i = t0i - t2i;
      const f64 e1r = t1r + t3i, e1i = t1i - t3r, e3r = t1r - t3i, e3i = t1i + t3r;
      t0r = a1r + a5r, t0i = a1i + a5i, t1r = a1r - a5r, t1i = a1i - a5i;
      t2r = a3r + a7r, t2i = a3i + a7i, t3r = a3r - a7r, t3i = a3i - a7i;
      const f64 q0r = t0r + t2r, q0i = t0i + t2i, q2r = t0r - t2r, q2i = t0i - t2i;
      const f64 q1r = t1r + t3i, q1i = t1i - t3r, q3r = t1r - t3i, q3i = t1i + t3r;
      const f64 p1r = SQRT1_2 * (q1r + q1i), p1i = SQRT1_2 * (q1i - q1r);
      const f64 p2r = q2i, p2i = -q2r;
      const f64 p3r = SQRT1_2 * (q3i - q3r), p3i = -SQRT1_2 * (q3i + q3r);
      const int o = o0 + q;
      yr[o] = e0r + q0r;
      yi[o] = e0i + q0i;
      f64 br = e1r + p1r, bi = e1i + p1i;
      yr[o + s] = br * w1r - bi * w1i;
      yi[o + s] = br * w1i + bi * w1r;
      br = e2r + p2r, bi = e2i + p2i;
      yr[o + 2 * s] = br * w2r - bi * w2i;
      yi[o + 2 * s] = br * w2i + bi * w2r;
      br = e3r + p3r, bi = e3i + p3i;
      yr[o + 3 * s] = br * w3r - bi * w3i;
      yi[o + 3 * s] = br * w3i + bi * w3r;
      br = e0r - q0r, bi = e0i - q0i;
      yr[o + 4 * s] = br * w4r - bi * w4i;
      yi[o + 4 * s] = br * w4i + bi * w4r;
      br = e1r - p1r, bi = e1i - p1i;
      yr[o + 5 * s] = br * w5r - bi * w5i;
      yi[o + 5 * s] = br * w5i + bi * w5r;
      br = e2r - p2r, bi = e2i - p2i;
      yr[o + 6 * s] = br * w6r - bi * w6i;
      yi[o + 6 * s] = br * w6i + bi * w6r;
      br = e3r - p3r, bi = e3i - p3i;
      yr[o + 7 * s] = br * w7r - bi * w7i;
      yi[o + 7 * s] = br * w7i + bi * w7r;
    }
  }
}

#define C5_1 0.30901699437494742410
#define C5_2 (-0.80901699437494742410)
#define S5_1 0.95105651629515357212
#define S5_2 0.58778525229247312917

static void pass5(const Stage *st, int s, const f64 *restrict xr, const f64 *restrict xi, f64 *restrict yr,
                  f64 *restrict yi) {
  const int m = st->len / 5, sm = s * m;
  for (int j = 0; j < m; j++) {
    const f64 *tr = st->twr + 4 * j, *ti = st->twi + 4 * j;
    const f64 w1r = tr[0], w1i = ti[0], w2r = tr[1], w2i = ti[1], w3r = tr[2], w3i = ti[2], w4r = tr[3],
              w4i = ti[3];
    const int i0 = s * j, o0 = s * 5 * j;
    VECTORIZE
    for (int q = 0; q < s; q++) {
      const int b = i0 + q;
      const f64 a0r = xr[b], a0i = xi[b];
      const f64 a1r = xr[b + sm], a1i = xi[b + sm], a4r = xr[b + 4 * sm], a4i = xi[b + 4 * sm];
      const f64 a2r = xr[b + 2 * sm], a2i = xi[b + 2 * sm], a3r = xr[b + 3 * sm], a3i = xi[b + 3 * sm];
      const f64 s1r = a1r + a4r, s1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i;
      const f64 s2r = a2r + a3r, s2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i;
      const f64 c1r = a0r + C5_1 * s1r + C5_2 * s2r, c1i = a0i + C5_1 * s1i + C5_2 * s2i;
      const f64 c2r = a0r + C5_2 * s1r + C5_1 * s2r, c2i = a0i + C5_2 * s1i + C5_1 * s2i;
      const f64 e1r = S5_1 * d1r + S5_2 * d2r, e1i = S5_1 * d1i + S5_2 * d2i;
      const f64 e2r = S5_2 * d1r - S5_1 * d2r, e2i = S5_2 * d1i - S5_1 * d2i;
      const int o = o0 + q;
      yr[o] = a0r + s1r + s2r;
      yi[o] = a0i + s1i + s2i;
      f64 br = c1r + e1i, bi = c1i - e1r;
      yr[o + s] = br * w1r - bi * w1i;
      yi[o + s] = br * w1i + bi * w1r;
      br = c1r - e1i, bi = c1i + e1r;
      yr[o + 4 * s] = br * w4r - bi * w4i;
      yi[o + 4 * s] = br * w4i + bi * w4r;
      br = c2r + e2i, bi = c2i - e2r;
      yr[o + 2 * s] = br * w2r - bi * w2i;
      yi[o + 2 * s] = br * w2i + bi * w2r;
      br = c2r - e2i, bi = c2i + e2r;
      yr[o + 3 * s] = br * w3r - bi * w3i;
      yi[o + 3 * s] = br * w3i + bi * w3r;
    }
  }
}

#define C7_1 0.62348980185873353053
#define C7_2 (-0.22252093395631440429)
#define C7_3 (-0.90096886790241912624)
#define S7_1 0.78183148246802980871
#define S7_2 0.97492791218182360702
#define S7_3 0.43388373911755812048

static void pass7(const Stage *st, int s, const f64 *restrict xr, const f64 *restrict xi, f64 *restrict yr,
                  f64 *restrict yi) {
  const int m = st->len / 7, sm = s * m;
  for (int j = 0; j < m; j++) {
    const f64 *tr = st->twr + 6 * j, *ti = st->twi + 6 * j;
    const f64 w1r = tr[0], w1i = ti[0], w2r = tr[1], w2i = ti[1], w3r = tr[2], w3i = ti[2];
    const f64 w4r = tr[3], w4i = ti[3], w5r = tr[4], w5i = ti[4], w6r = tr[5], w6i = ti[5];
    const int i0 = s * j, o0 = s * 7 * j;
    VECTORIZE
    for (int q = 0; q < s; q++) {
      const int b = i0 + q;
      const f64 a0r = xr[b], a0i = xi[b];
      const f64 a1r = xr[b + sm], a1i = xi[b + sm], a6r = xr[b + 6 * sm], a6i = xi[b + 6 * sm];
      const f64 a2r = xr[b + 2 * sm], a2i = xi[b + 2 * sm], a5r = xr[b + 5 * sm], a5i = xi[b + 5 * sm];
      const f64 a3r = xr[b + 3 * sm], a3i = xi[b + 3 * sm], a4r = xr[b + 4 * sm], a4i = xi[b + 4 * sm];
      const f64 s1r = a1r + a6r, s1i = a1i + a6i, d1r = a1r - a6r, d1i = a1i - a6i;
      const f64 s2r = a2r + a5r, s2i = a2i + a5i, d2r = a2r - a5r, d2i = a2i - a5i;
      const f64 s3r = a3r + a4r, s3i = a3i + a4i, d3r = a3r - a4r, d3i = a3i - a4i;
      const f64 c1r = a0r + C7_1 * s1r + C7_2 * s2r + C7_3 * s3r, c1i = a0i + C7_1 * s1i + C7_2 * s2i + C7_3 * s3i;
      const f64 c2r = a0r + C7_2 * s1r + C7_3 * s2r + C7_1 * s3r, c2i = a0i + C7_2 * s1i + C7_3 * s2i + C7_1 * s3i;
      const f64 c3r = a0r + C7_3 * s1r + C7_1 * s2r + C7_2 * s3r, c3i = a0i + C7_3 * s1i + C7_1 * s2i + C7_2 * s3i;
      const f64 e1r = S7_1 * d1r + S7_2 * d2r + S7_3 * d3r, e1i = S7_1 * d1i + S7_2 * d2i + S7_3 * d3i;
      const f64 e2r = S7_2 * d1r - S7_3 * d2r - S7_1 * d3r, e2i = S7_2 * d1i - S7_3 * d2i - S7_1 * d3i;
      const f64 e3r = S7_3 * d1r - S7_1 * d2r + S7_2 * d3r, e3i = S7_3 * d1i - S7_1 * d2i + S7_2 * d3i;
      const int o = o0 + q;
      yr[o] = a0r + s1r + s2r + s3r;
      yi[o] = a0i + s1i + s2i + s3i;
      f64 br = c1r + e1i, bi = c1i - e1r;
      yr[o + s] = br * w1r - bi * w1i;
      yi[o + s] = br * w1i + bi * w1r;
      br = c2r + e2i, bi = c2i - e2r;
      yr[o + 2 * s] = br * w2r - bi * w2i;
      yi[o + 2 * s] = br * w2i + bi * w2r;
      br = c3r + e3i, bi = c3i - e3r;
      yr[o + 3 * s] = br * w3r - bi * w3i;
      yi[o + 3 * s] = br * w3i + bi * w3r;
      br = c3r - e3i, bi = c3i + e3r;
      yr[o + 4 * s] = br * w4r - bi * w4i;
      yi[o + 4 * s] = br * w4i + bi * w4r;
      br = c2r - e2i, bi = c2i + e2r;
      yr[o + 5 * s] = br * w5r - bi * w5i;
      yi[o + 5 * s] = br * w5i + bi * w5r;
      br = c1r - e1i, bi = c1i + e1r;
      yr[o + 6 * s] = br * w6r - bi * w6i;
      yi[o + 6 * s] = br * w6i + bi * w6r;
    }
  }
}

// Odd radix p > 7 (primes up to the planner's largest direct radix), pairing
// inputs t and p-t; `tmp` holds 4 * (p-1)/2 * s values.
static void passOdd(const Stage *st, int s, const f64 *restrict xr, const f64 *restrict xi, f64 *restrict yr,
                    f64 *restrict yi, f64 *restrict tmp) {
  const int p = st->p, h = (p - 1) >> 1, m = st->len / p, sm = s * m;
  f64 *restrict sr = tmp, *restrict si = tmp + h * s, *restrict dr = tmp + 2 * h * s, *restrict di = tmp + 3 * h * s;
  for (int j = 0; j < m; j++) {
    const f64 *tr = st->twr + j * (p - 1), *ti = st->twi + j * (p - 1);
    const int base = s * j, ob = s * p * j;
    VECTORIZE
    for (int q = 0; q < s; q++) {
      yr[ob + q] = xr[base + q];
      yi[ob + q] = xi[base + q];
    }
    for (int t = 1; t <= h; t++) {
      const f64 *ur = xr + base + sm * t, *ui = xi + base + sm * t;
      const f64 *vr = xr + base + sm * (p - t), *vi = xi + base + sm * (p - t);
      f64 *ssr = sr + (t - 1) * s, *ssi = si + (t - 1) * s, *ddr = dr + (t - 1) * s, *ddi = di + (t - 1) * s;
      VECTORIZE
    for (int q = 0; q < s; q++) {
        ssr[q] = ur[q] + vr[q];
        ssi[q] = ui[q] + vi[q];
        ddr[q] = ur[q] - vr[q];
        ddi[q] = ui[q] - vi[q];
        yr[ob + q] += ur[q] + vr[q];
        yi[ob + q] += ui[q] + vi[q];
      }
    }
    for (int k = 1; k <= h; k++) {
      const f64 *crow = st->cr + (k - 1) * h, *srow = st->ci + (k - 1) * h;
      const f64 wkr = tr[k - 1], wki = ti[k - 1], wmr = tr[p - k - 1], wmi = ti[p - k - 1];
      f64 *okr = yr + ob + s * k, *oki = yi + ob + s * k, *omr = yr + ob + s * (p - k), *omi = yi + ob + s * (p - k);
      VECTORIZE
    for (int q = 0; q < s; q++) {
        f64 cR = xr[base + q], cI = xi[base + q], dR = 0, dI = 0;
        for (int t = 0; t < h; t++) {
          const f64 c = crow[t], sn = srow[t];
          cR += sr[t * s + q] * c;
          cI += si[t * s + q] * c;
          dR += dr[t * s + q] * sn;
          dI += di[t * s + q] * sn;
        }
        const f64 bkr = cR + dI, bki = cI - dR, bmr = cR - dI, bmi = cI + dR;
        okr[q] = bkr * wkr - bki * wki;
        oki[q] = bkr * wki + bki * wkr;
        omr[q] = bmr * wmr - bmi * wmi;
        omi[q] = bmr * wmi + bmi * wmr;
      }
    }
  }
}

// Space between the arrays of one work area, in values: arrays whose starts differ by a
// multiple of 4 KiB collide in the cache and in store-to-load forwarding.
#define SKEW 40
// Pairs of rows per tile of the row transforms' transpositions.
#define TILE 8

static void copy(f64 *restrict dst, const f64 *restrict src, int n) {
  for (int i = 0; i < n; i++) dst[i] = src[i];
}

static void fftMany(const Plan *plan, f64 *re, f64 *im, int count, f64 *work);

// Stockham: ping-pong between (re, im) and the first 2 * (n * count + SKEW) values of work.
static void stockham(const Plan *plan, f64 *re, f64 *im, int count, f64 *work) {
  const int size = plan->n * count;
  f64 *xr = re, *xi = im, *yr = work, *yi = yr + size + SKEW, *tmp = yi + size + SKEW;
  for (int i = 0; i < plan->nstages; i++) {
    const Stage *st = plan->stages + i;
    const int s = st->stride * count;
    switch (st->p) {
      case 2: pass2(st, s, xr, xi, yr, yi); break;
      case 3: pass3(st, s, xr, xi, yr, yi); break;
      case 4: pass4(st, s, xr, xi, yr, yi); break;
      case 5: pass5(st, s, xr, xi, yr, yi); break;
      case 7: pass7(st, s, xr, xi, yr, yi); break;
      case 8: pass8(st, s, xr, xi, yr, yi); break;
      default: passOdd(st, s, xr, xi, yr, yi, tmp);
    }
    f64 *t = xr; xr = yr; yr = t;
    t = xi; xi = yi; yi = t;
  }
  if (xr != re) {
    copy(re, xr, size);
    copy(im, xi, size);
  }
}

// Bluestein, all `count` sequences at once: chirp, zero-pad to m, convolve
// through the inner plan (forward, times the chirp's spectrum, inverse by
// swapping), chirp again. Uses 2 * (m * count + SKEW) values of work, then the inner plan's.
static void bluestein(const Plan *plan, f64 *re, f64 *im, int count, f64 *work) {
  const int n = plan->n, m = plan->m;
  f64 *restrict ar = work, *restrict ai = ar + m * count + SKEW, *inner = ai + m * count + SKEW;
  const f64 *chr = plan->chr, *chi = plan->chi, *fbr = plan->fbr, *fbi = plan->fbi;
  for (int k = 0; k < n; k++) {
    const f64 cr = chr[k], ci = chi[k];
    const f64 *xr = re + k * count, *xi = im + k * count;
    f64 *yr = ar + k * count, *yi = ai + k * count;
    for (int b = 0; b < count; b++) {
      yr[b] = xr[b] * cr - xi[b] * ci;
      yi[b] = xr[b] * ci + xi[b] * cr;
    }
  }
  for (int i = n * count; i < m * count; i++) ar[i] = ai[i] = 0;
  fftMany(plan->inner, ar, ai, count, inner);
  for (int k = 0; k < m; k++) {
    const f64 br = fbr[k], bi = fbi[k];
    f64 *yr = ar + k * count, *yi = ai + k * count;
    for (int b = 0; b < count; b++) {
      const f64 xr = yr[b], xi = yi[b];
      yr[b] = xr * br - xi * bi;
      yi[b] = xr * bi + xi * br;
    }
  }
  fftMany(plan->inner, ai, ar, count, inner);
  for (int k = 0; k < n; k++) {
    const f64 cr = chr[k], ci = chi[k];
    f64 *xr = re + k * count, *xi = im + k * count;
    const f64 *yr = ar + k * count, *yi = ai + k * count;
    for (int b = 0; b < count; b++) {
      xr[b] = yr[b] * cr - yi[b] * ci;
      xi[b] = yr[b] * ci + yi[b] * cr;
    }
  }
}

static void fftMany(const Plan *plan, f64 *re, f64 *im, int count, f64 *work) {
  if (plan->kind == 0) stockham(plan, re, im, count, work);
  else if (plan->kind == 1) bluestein(plan, re, im, count, work);
}

// fftMany over blocks of `block` sequences at a time (block < count): each
// block is gathered into 2 * (n * block + SKEW) values of work, transformed
// there with the rest of work as the plan's, and scattered back, so that a
// large batch streams through memory twice instead of once per pass.
static void fftBlocked(const Plan *plan, f64 *re, f64 *im, int count, int block, f64 *work) {
  if (block >= count) {
    fftMany(plan, re, im, count, work);
    return;
  }
  const int n = plan->n;
  f64 *restrict br = work, *restrict bi = br + n * block + SKEW, *rest = bi + n * block + SKEW;
  for (int b0 = 0; b0 < count; b0 += block) {
    const int t = b0 + block <= count ? block : count - b0;
    for (int k = 0; k < n; k++) {
      const f64 *restrict xr = re + k * count + b0, *restrict xi = im + k * count + b0;
      f64 *restrict yr = br + k * t, *restrict yi = bi + k * t;
      for (int q = 0; q < t; q++) {
        yr[q] = xr[q];
        yi[q] = xi[q];
      }
    }
    fftMany(plan, br, bi, t, rest);
    for (int k = 0; k < n; k++) {
      f64 *restrict xr = re + k * count + b0, *restrict xi = im + k * count + b0;
      const f64 *restrict yr = br + k * t, *restrict yi = bi + k * t;
      for (int q = 0; q < t; q++) {
        xr[q] = yr[q];
        xi[q] = yi[q];
      }
    }
  }
}

// In-place forward DFTs (sign -1, unscaled) of `count` interleaved sequences,
// `block` at a time; pass re and im swapped for the unscaled inverse.
EXPORT(fft_many) void fft_many(const Plan *plan, f64 *re, f64 *im, int count, int block, f64 *work) {
  fftBlocked(plan, re, im, count, block, work);
}

// Row transforms of a real H×W plane (rows pw >= W apart) into the half-spectrum (re, im: H rows of
// V = W/2+1 bins, row-major, rows `ld` >= V apart). Rows 2b and 2b+1 ride one
// complex FFT as z = a + i b, all ceil(H/2) pairs batched: zr, zi hold W * B
// values each, element w of pair b at w * B + b. B >= ceil(H/2) may add
// pairs that stay zero: an odd B keeps the FFT's streams from colliding in
// the cache (as an odd ld does for the columns).
// The padding pairs pairs..B-1 of the row buffers hold zeros (the buffers share memory with other data).
static void zeroPadding(f64 *restrict zr, f64 *restrict zi, int W, int pairs, int B) {
  for (int w = 0; w < W; w++)
    for (int b = pairs; b < B; b++) zr[w * B + b] = zi[w * B + b] = 0;
}

EXPORT(rows_forward)
void rows_forward(const f64 *restrict plane, int H, int W, int pw, const Plan *plan, int B, int block,
                  f64 *restrict zr, f64 *restrict zi, int ld, f64 *restrict re, f64 *restrict im, f64 *work) {
  const int pairs = (H + 1) >> 1, V = (W >> 1) + 1;
  // In tiles of TILE pairs, so that both sides of the transposition stay in a few cache lines and pages.
  for (int b0 = 0; b0 < pairs; b0 += TILE) {
    const int b1 = b0 + TILE < pairs ? b0 + TILE : pairs;
    for (int w = 0; w < W; w++) {
      f64 *restrict r = zr + w * B, *restrict i = zi + w * B;
      for (int b = b0; b < b1; b++) {
        r[b] = plane[2 * b * pw + w];
        i[b] = 2 * b + 1 < H ? plane[(2 * b + 1) * pw + w] : 0;
      }
    }
  }
  zeroPadding(zr, zi, W, pairs, B);
  fftBlocked(plan, zr, zi, B, block, work);
  for (int b0 = 0; b0 < pairs; b0 += TILE) {
    const int b1 = b0 + TILE < pairs ? b0 + TILE : pairs;
    for (int b = b0; b < b1; b++) {
      const int o = 2 * b * ld;
      re[o] = zr[b];
      if (2 * b + 1 < H) {
        im[o] = 0;
        re[o + ld] = zi[b];
        im[o + ld] = 0;
      } else {
        im[o] = zi[b]; // a lone last row keeps its transform as it is
      }
    }
    for (int k = 1; k < V; k++) {
      const f64 *restrict pr = zr + k * B, *restrict pi = zi + k * B;
      const f64 *restrict qr = zr + (W - k) * B, *restrict qi = zi + (W - k) * B;
      for (int b = b0; b < b1; b++) {
        const int o = 2 * b * ld + k;
        if (2 * b + 1 >= H) {
          // A lone last row: its own transform (z = a, b = 0), no separation.
          re[o] = pr[b];
          im[o] = pi[b];
          continue;
        }
        // A = (Z[k] + conj Z[-k]) / 2, B = (Z[k] - conj Z[-k]) / 2i
        re[o] = 0.5 * (pr[b] + qr[b]);
        im[o] = 0.5 * (pi[b] - qi[b]);
        re[o + ld] = 0.5 * (pi[b] + qi[b]);
        im[o + ld] = 0.5 * (qr[b] - pr[b]);
      }
    }
  }
}

// Along every column of the half-spectra of `channels` planes (H rows of ld
// bins each, one after the other; the multiplier H×ld, the same for each):
// forward FFT, times mr + i mi (mi may be null for a real multiplier),
// unscaled inverse FFT. Columns V..ld-1 hold zeros. The row transforms see the
// planes as one plane of channels·H rows.
EXPORT(filter_columns)
void filter_columns(f64 *restrict re, f64 *restrict im, int H, int ld, const Plan *plan, int block,
                    const f64 *restrict mr, const f64 *restrict mi, f64 *work, int channels) {
  const int n = H * ld;
  for (int c = 0; c < channels; c++) {
    f64 *restrict xr = re + c * n, *restrict xi = im + c * n;
    fftBlocked(plan, xr, xi, ld, block, work);
    if (mi) {
      for (int d = 0; d < n; d++) {
        const f64 x = xr[d], y = xi[d], p = mr[d], q = mi[d];
        xr[d] = x * p - y * q;
        xi[d] = x * q + y * p;
      }
    } else {
      for (int d = 0; d < n; d++) {
        xr[d] *= mr[d];
        xi[d] *= mr[d];
      }
    }
    fftBlocked(plan, xi, xr, ld, block, work);
  }
}

// Unscaled inverse real transforms of the half-spectrum's rows into the H×W
// plane, times `scale`, two rows per complex FFT, all pairs batched.
EXPORT(rows_inverse)
void rows_inverse(f64 *restrict plane, int H, int W, int pw, const Plan *plan, int B, int block,
                  f64 *restrict zr, f64 *restrict zi, int ld, const f64 *restrict re, const f64 *restrict im,
                  f64 *work, f64 scale) {
  const int pairs = (H + 1) >> 1, V = (W >> 1) + 1, nyquist = W % 2 == 0 ? W >> 1 : -1;
  for (int b0 = 0; b0 < pairs; b0 += TILE) {
    const int b1 = b0 + TILE < pairs ? b0 + TILE : pairs;
    for (int k = 0; k < V; k++) {
      const int edge = k == 0 || k == nyquist;
      f64 *restrict r = zr + k * B, *restrict i = zi + k * B;
      f64 *restrict mr = zr + (W - k) * B, *restrict mi = zi + (W - k) * B;
      for (int b = b0; b < b1; b++) {
        const int pair = 2 * b + 1 < H, a0 = 2 * b * ld + k, c0 = a0 + ld;
        const f64 ar = re[a0], br = pair ? re[c0] : 0;
        const f64 ai = edge ? 0 : im[a0], bi = edge || !pair ? 0 : im[c0];
        // Z = A + iB, and Z[-k] = conj(A) + i conj(B) for the mirrored bins.
        r[b] = ar - bi;
        i[b] = ai + br;
        if (!edge) {
          mr[b] = ar + bi;
          mi[b] = br - ai;
        }
      }
    }
  }
  zeroPadding(zr, zi, W, pairs, B);
  fftBlocked(plan, zi, zr, B, block, work);
  for (int b0 = 0; b0 < pairs; b0 += TILE) {
    const int b1 = b0 + TILE < pairs ? b0 + TILE : pairs;
    for (int w = 0; w < W; w++) {
      const f64 *restrict r = zr + w * B, *restrict i = zi + w * B;
      for (int b = b0; b < b1; b++) {
        plane[2 * b * pw + w] = r[b] * scale;
        if (2 * b + 1 < H) plane[(2 * b + 1) * pw + w] = i[b] * scale;
      }
    }
  }
}

// float32 (H×W, contiguous) → float64 plane (rows pw apart), and back. widen
// returns whether any value is NaN or ±Infinity (x - x is NaN exactly then):
// the batch's finiteness check rides on this first pass over the input.
EXPORT(widen) int widen(const float *restrict src, f64 *restrict dst, int H, int W, int pw) {
  int bad = 0;
  for (int u = 0; u < H; u++) {
    const float *restrict s = src + u * W;
    f64 *restrict d = dst + u * pw;
    for (int w = 0; w < W; w++) {
      const f64 x = s[w], t = x - x;
      d[w] = x;
      bad |= t != t;
    }
  }
  return bad;
}

EXPORT(narrow) void narrow(const f64 *restrict src, float *restrict dst, int H, int W, int pw) {
  for (int u = 0; u < H; u++) {
    const f64 *restrict s = src + u * pw;
    float *restrict d = dst + u * W;
    for (int w = 0; w < W; w++) d[w] = (float)s[w];
  }
}

// Copies an H×W float64 plane between row pitches (sp, dp values); returns
// whether any value is NaN or ±Infinity, like widen.
EXPORT(repitch) int repitch(const f64 *restrict src, f64 *restrict dst, int H, int W, int sp, int dp) {
  int bad = 0;
  for (int u = 0; u < H; u++) {
    const f64 *restrict s = src + u * sp;
    f64 *restrict d = dst + u * dp;
    for (int w = 0; w < W; w++) {
      const f64 x = s[w], t = x - x;
      d[w] = x;
      bad |= t != t;
    }
  }
  return bad;
}

// exp(x) exactly as src/math/elementary.ts computes it (the same operations in
// the same order, so the same bits): Cody-Waite reduction by ln 2, a Taylor
// polynomial, scaling by 2^k.
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define INV_LN2 1.44269504088896338700e+00

static f64 pow2(int k) {
  union { f64 f; uint64_t u; } v;
  v.u = (uint64_t)(k + 1023) << 52;
  return v.f;
}

// JavaScript's Math.round: the nearest integer, halves toward +Infinity.
static f64 jsRound(f64 x) {
  f64 r = __builtin_floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}

static f64 expJs(f64 x) {
  if (x != x) return x;
  if (x > 709.782712893384) return __builtin_inf();
  if (x < -745.1332191019412) return 0;
  const f64 k = jsRound(x * INV_LN2);
  const f64 r = (x - k * LN2_HI) - k * LN2_LO;
  f64 p = 1 / 87178291200.0;
  p = p * r + 1 / 6227020800.0;
  p = p * r + 1 / 479001600.0;
  p = p * r + 1 / 39916800.0;
  p = p * r + 1 / 3628800.0;
  p = p * r + 1 / 362880.0;
  p = p * r + 1 / 40320.0;
  p = p * r + 1 / 5040.0;
  p = p * r + 1 / 720.0;
  p = p * r + 1 / 120.0;
  p = p * r + 1 / 24.0;
  p = p * r + 1 / 6.0;
  p = p * r + 0.5;
  p = p * r * r + r;
  const f64 e = 1 + p;
  const int ki = (int)k;
  if (ki > 1023) return e * pow2(1023) * pow2(ki - 1023);
  if (ki < -1022) return e * pow2(-1022) * pow2(ki + 1022);
  return e * pow2(ki);
}

// y[i] = expJs(x[i]) for i < n, two at a time: the same operations in f64x2
// (2^k built in the exponent bits), lanes outside [-708, 709] or NaN through expJs.
static void expMany(const f64 *restrict x, f64 *restrict y, int n) {
  const v128_t lo = wasm_f64x2_splat(-708.0), hi = wasm_f64x2_splat(709.0);
  const v128_t half = wasm_f64x2_splat(0.5), one = wasm_f64x2_splat(1.0);
  // k + 1023 + 2^52 holds k + 1023 in its low mantissa bits; shifted by 52 they are 2^k's exponent.
  const v128_t bias = wasm_f64x2_splat(1023.0 + 4503599627370496.0);
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    const v128_t vx = wasm_v128_load(x + i);
    if (!wasm_i64x2_all_true(wasm_v128_and(wasm_f64x2_ge(vx, lo), wasm_f64x2_le(vx, hi)))) {
      y[i] = expJs(x[i]);
      y[i + 1] = expJs(x[i + 1]);
      continue;
    }
    const v128_t t = wasm_f64x2_mul(vx, wasm_f64x2_splat(INV_LN2)), fl = wasm_f64x2_floor(t);
    const v128_t k = wasm_v128_bitselect(wasm_f64x2_add(fl, one), fl, wasm_f64x2_ge(wasm_f64x2_sub(t, fl), half));
    const v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(vx, wasm_f64x2_mul(k, wasm_f64x2_splat(LN2_HI))),
                                    wasm_f64x2_mul(k, wasm_f64x2_splat(LN2_LO)));
#define HORNER(c) p = wasm_f64x2_add(wasm_f64x2_mul(p, r), wasm_f64x2_splat(c))
    v128_t p = wasm_f64x2_splat(1 / 87178291200.0);
    HORNER(1 / 6227020800.0);
    HORNER(1 / 479001600.0);
    HORNER(1 / 39916800.0);
    HORNER(1 / 3628800.0);
    HORNER(1 / 362880.0);
    HORNER(1 / 40320.0);
    HORNER(1 / 5040.0);
    HORNER(1 / 720.0);
    HORNER(1 / 120.0);
    HORNER(1 / 24.0);
    HORNER(1 / 6.0);
    HORNER(0.5);
#undef HORNER
    p = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_mul(p, r), r), r);
    const v128_t e = wasm_f64x2_add(one, p);
    const v128_t scale = wasm_i64x2_shl(wasm_f64x2_add(k, bias), 52);
    wasm_v128_store(y + i, wasm_f64x2_mul(e, scale));
  }
  for (; i < n; i++) y[i] = expJs(x[i]);
}

#define NEGLIGIBLE 5.551115123125783e-17

// The Gaussian mixture mask folded into a multiplier, as src/math/gmm.ts's
// gmmFactors and foldGmm compute it: g holds k Gaussians as (u0, v0, σu, σv,
// a); re (and im, unless null) are H×V row-major and are multiplied by the
// mask. scratch: k * (H + V + 1) + V + 2 * max(H, V) values.
EXPORT(fold_gmm)
void fold_gmm(f64 *restrict re, f64 *restrict im, const f64 *restrict g, int k, f64 c, int H, int V,
              f64 *restrict scratch) {
  f64 *restrict rows = scratch, *restrict cols = rows + k * H, *restrict peak = cols + k * V;
  f64 *restrict m = peak + k, *restrict args = m + V, *restrict ex = args + (H > V ? H : V);
  for (int i = 0; i < k; i++) {
    const f64 u0 = g[5 * i], v0 = g[5 * i + 1], su = g[5 * i + 2], sv = g[5 * i + 3], a = g[5 * i + 4];
    const f64 ru = 1 / (2 * su * su), rv = 1 / (2 * sv * sv);
    // Centres are whole bins: bins d before and after one share their factor (one exp each).
    const int cu = (int)u0, cv = (int)v0, lu = cu > H - 1 - cu ? cu : H - 1 - cu, lv = cv > V - 1 - cv ? cv : V - 1 - cv;
    f64 *restrict ri = rows + i * H, *restrict col = cols + i * V;
    for (int d = 0; d <= lu; d++) args[d] = -(f64)d * d * ru;
    expMany(args, ex, lu + 1);
    for (int d = 0; d <= lu; d++) {
      if (cu - d >= 0) ri[cu - d] = ex[d];
      if (cu + d < H) ri[cu + d] = ex[d];
    }
    const f64 s = a / c;
    for (int d = 0; d <= lv; d++) args[d] = -(f64)d * d * rv;
    expMany(args, ex, lv + 1);
    for (int d = 0; d <= lv; d++) {
      const f64 y = s * ex[d];
      if (cv - d >= 0) col[cv - d] = y;
      if (cv + d < V) col[cv + d] = y;
    }
    f64 mx = 0;
    for (int v = 0; v < V; v++) mx = col[v] > mx ? col[v] : mx;
    peak[i] = mx;
  }
  for (int u = 0; u < H; u++) {
    for (int v = 0; v < V; v++) m[v] = 1;
    for (int i = 0; i < k; i++) {
      const f64 r = rows[i * H + u];
      if (r * peak[i] <= NEGLIGIBLE) continue;
      const f64 *restrict ci = cols + i * V;
      VECTORIZE
      for (int v = 0; v < V; v++) {
        const f64 f = 1 - r * ci[v];
        m[v] *= f > 0 ? f : 0;
      }
    }
    f64 *restrict o = re + u * V;
    for (int v = 0; v < V; v++) o[v] *= m[v];
    if (im) {
      f64 *restrict q = im + u * V;
      for (int v = 0; v < V; v++) q[v] *= m[v];
    }
  }
}
