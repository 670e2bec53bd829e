// Pass 3 of a frequency stage: the inverse real FFT of every row, two rows at
// a time (Z = A + i B over the full Hermitian extension of each half-row, the
// imaginary parts of the DC and Nyquist bins dropped, as numpy's irfft does),
// then the store, value by value (the spatial ops fused into it: pointwise
// ops, flips). The including module defines NSEQ, SL, fft_row(nseq, lid),
// half_bin(r, k) and finish(r, t, y), which stores row r's value at column t
// (or, for a sample no op of the stage applied to, the stage's input).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group_index(wid);
  if (g * NSEQ >= run.count * PAIRS) {
    return;
  }
  let first = g * NSEQ;
  for (var e = lid; e < NSEQ * W; e += WG) {
    let sq = e / W;
    let k = e - sq * W;
    let r = pair_rows(first + sq);
    var a = vec2<f32>(0.0, 0.0);
    var b = vec2<f32>(0.0, 0.0);
    if (r.x != NONE) {
      a = half_bin(r.x, k);
    }
    if (r.y != NONE) {
      b = half_bin(r.y, k);
    }
    // Z = a + i b, swapped for the inverse transform.
    buf[sq * SL + k] = vec2<f32>(a.y + b.x, a.x - b.y);
  }
  fft_row(NSEQ, lid);
  for (var e = lid; e < NSEQ * W; e += WG) {
    let sq = e / W;
    let t = e - sq * W;
    let r = pair_rows(first + sq);
    let z = buf[sq * SL + t].yx;
    if (r.x != NONE) {
      finish(r.x, t, z.x);
    }
    if (r.y != NONE) {
      finish(r.y, t, z.y);
    }
  }
}
