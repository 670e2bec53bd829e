// Complex FFTs in workgroup memory: `nseq` sequences, sequence q at
// buf[q * sl ..] in the first half of `buf`. Mixed-radix Stockham (autosort,
// decimation in frequency): a stage of radix p with sub-transform length len
// and stride s = n / len reads x[q + s (j + t m)] (m = len / p) from one half
// and writes y[q + s (p j + k)] = (sum_t x_t w_p^{tk}) w_len^{jk} to the other,
// so no thread holds more than one butterfly in registers (shader compilers
// turn dynamically indexed register arrays into slow code, slowly).
// `tw[tb + t]` holds e^{-2 pi i t / n}. Forward transforms only, unscaled;
// callers get the inverse by swapping real and imaginary parts on the way in
// and out. The including module defines HALF (= CAP / 2) and WG.

var<workgroup> buf: array<vec2<f32>, CAP>;

// Butterfly b of a radix-p stage (per = n / p butterflies per sequence, stride s):
// its first input in half x, its first output in half y, and j (for the twiddles).
fn butterfly(b: u32, p: u32, per: u32, s: u32, sl: u32, x: u32, y: u32) -> vec3<u32> {
  let sq = b / per;
  let w = b - sq * per;
  let j = w / s;
  let q = w - j * s;
  return vec3<u32>(x + sq * sl + q + s * j, y + sq * sl + q + p * s * j, j);
}

fn st2(n: u32, len: u32, nseq: u32, sl: u32, tb: u32, lid: u32, x: u32, y: u32) {
  let s = n / len;
  let m = len >> 1u;
  let per = n >> 1u;
  for (var b = lid; b < per * nseq; b += WG) {
    let at = butterfly(b, 2u, per, s, sl, x, y);
    let i0 = at.x;
    let o = at.y;
    let j = at.z;
    let a0 = buf[i0];
    let a1 = buf[i0 + s * m];
    buf[o] = a0 + a1;
    buf[o + s] = cmul(a0 - a1, tw[tb + j * s]);
  }
  workgroupBarrier();
}

fn st4(n: u32, len: u32, nseq: u32, sl: u32, tb: u32, lid: u32, x: u32, y: u32) {
  let s = n / len;
  let m = len >> 2u;
  let per = n >> 2u;
  for (var b = lid; b < per * nseq; b += WG) {
    let at = butterfly(b, 4u, per, s, sl, x, y);
    let i0 = at.x;
    let o = at.y;
    let j = at.z;
    let sm = s * m;
    let a0 = buf[i0];
    let a1 = buf[i0 + sm];
    let a2 = buf[i0 + 2u * sm];
    let a3 = buf[i0 + 3u * sm];
    let t0 = a0 + a2;
    let t1 = a0 - a2;
    let t2 = a1 + a3;
    let t3 = a1 - a3;
    let t3m = vec2<f32>(t3.y, -t3.x); // -i t3
    let js = j * s;
    buf[o] = t0 + t2;
    buf[o + s] = cmul(t1 + t3m, tw[tb + js]);
    buf[o + 2u * s] = cmul(t0 - t2, tw[tb + 2u * js]);
    buf[o + 3u * s] = cmul(t1 - t3m, tw[tb + 3u * js]);
  }
  workgroupBarrier();
}

// Any radix p as a direct DFT butterfly (used for 3, 5, 7, 11, 13).
fn stp(p: u32, n: u32, len: u32, nseq: u32, sl: u32, tb: u32, lid: u32, x: u32, y: u32) {
  let s = n / len;
  let m = len / p;
  let per = n / p;
  for (var b = lid; b < per * nseq; b += WG) {
    let at = butterfly(b, p, per, s, sl, x, y);
    let i0 = at.x;
    let o = at.y;
    let j = at.z;
    for (var k = 0u; k < p; k++) {
      var acc = buf[i0];
      var idx = 0u;
      for (var t = 1u; t < p; t++) {
        idx += k;
        if (idx >= p) {
          idx -= p;
        }
        acc += cmul(buf[i0 + t * s * m], tw[tb + idx * per]);
      }
      buf[o + k * s] = cmul(acc, tw[tb + j * k * s]);
    }
  }
  workgroupBarrier();
}

// A direct DFT of length n, O(n^2): the fallback when Bluestein's buffer does not fit.
fn dft(n: u32, nseq: u32, sl: u32, tb: u32, lid: u32, x: u32, y: u32) {
  for (var e = lid; e < n * nseq; e += WG) {
    let sq = e / n;
    let k = e - sq * n;
    let b0 = x + sq * sl;
    var acc = vec2<f32>(0.0, 0.0);
    var idx = 0u;
    for (var t = 0u; t < n; t++) {
      acc += cmul(buf[b0 + t], tw[tb + idx]);
      idx += k;
      if (idx >= n) {
        idx -= n;
      }
    }
    buf[y + sq * sl + k] = acc;
  }
  workgroupBarrier();
}

// Moves the second half's sequences to the first half.
fn fft_home(nseq: u32, sl: u32, lid: u32) {
  for (var e = lid; e < nseq * sl; e += WG) {
    buf[e] = buf[HALF + e];
  }
  workgroupBarrier();
}

// Bluestein, step 1: x_t <- x_t c_t for t < n (c_t = e^{-pi i t^2 / n} at tw[tc]), zero up to M.
fn bs_pre(n: u32, mm: u32, nseq: u32, tc: u32, lid: u32) {
  for (var e = lid; e < mm * nseq; e += WG) {
    let t = e % mm;
    if (t < n) {
      buf[e] = cmul(buf[e], tw[tc + t]);
    } else {
      buf[e] = vec2<f32>(0.0, 0.0);
    }
  }
  workgroupBarrier();
}

// Bluestein, step 2: times the chirp's spectrum / M (at tw[tb]), swapped for the inverse FFT.
fn bs_mid(mm: u32, nseq: u32, tb: u32, lid: u32) {
  for (var e = lid; e < mm * nseq; e += WG) {
    buf[e] = cmul(buf[e], tw[tb + e % mm]).yx;
  }
  workgroupBarrier();
}

// Bluestein, step 3: unswap and X_k = c_k y_k for k < n.
fn bs_post(n: u32, mm: u32, nseq: u32, tc: u32, lid: u32) {
  for (var e = lid; e < mm * nseq; e += WG) {
    let t = e % mm;
    if (t < n) {
      buf[e] = cmul(buf[e].yx, tw[tc + t]);
    }
  }
  workgroupBarrier();
}
