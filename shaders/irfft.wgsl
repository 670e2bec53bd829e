// The inverse passes' half-spectrum unfolding. The pass first reads the
// half-rows it transforms into workgroup memory, tile by tile as the forward
// pass wrote them (spectrum.wgsl), each value once: bins 0 .. V - 1 of the
// first row of pair sq at buf[sq * SL ..], of its second row at
// buf[HALF + sq * SL ..] (zeros for a row the pair lacks). Then, in place,
// Z = A + i B over the full Hermitian extension of each half-row (bin W - k
// is the conjugate of bin k), the imaginary parts of the DC and Nyquist bins
// dropped as numpy's irfft does, swapped for the inverse transform: bins
// 0 .. W - 1 at buf[sq * SL ..]. Bins k < V are read and written by the
// invocation of bin k alone, bins W - k >= V only written, so no invocation
// reads what another writes. The including module defines W, V, SL and HALF.

// Where row q (< 2 NSEQ) of a workgroup's rows keeps bin k before unfolding.
fn half_at(q: u32, k: u32) -> u32 {
  return (q % 2u) * HALF + (q / 2u) * SL + k;
}

fn unfold_pairs(nseq: u32, lid: u32) {
  workgroupBarrier();
  for (var e = lid; e < nseq * V; e += WG) {
    let sq = e / V;
    let k = e - sq * V;
    var a = buf[sq * SL + k];
    var b = buf[HALF + sq * SL + k];
    if (k == 0u || 2u * k == W) {
      a.y = 0.0;
      b.y = 0.0;
    }
    buf[sq * SL + k] = vec2<f32>(a.y + b.x, a.x - b.y);
    if (k > 0u && 2u * k < W) {
      buf[sq * SL + W - k] = vec2<f32>(b.x - a.y, a.x + b.y);
    }
  }
}
