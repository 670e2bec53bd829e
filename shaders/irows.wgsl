// Pass 3 of a frequency stage: the inverse real FFT of every row, two rows at
// a time (Z = A + i B over the full Hermitian extension of each half-row: see
// irfft.wgsl), then the store, value by value (the spatial ops fused into it:
// pointwise ops, flips). The including module defines NSEQ, SL, TILE, TILES,
// fft_row(nseq, lid), unfold_pairs(nseq, lid) and finish(r, t, y), which
// stores row r's value at column t (or, for a sample no op of the stage
// applied to, the stage's input).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group_index(wid);
  if (g * NSEQ >= run.count * PAIRS) {
    return;
  }
  let first = g * NSEQ;
  // In, tile by tile as the rows pass wrote (consecutive invocations, consecutive words).
  for (var e = lid; e < TILES * 2u * NSEQ * TILE; e += WG) {
    let at = tile_order(e, 2u * NSEQ);
    let q = at.x;
    let k = at.y;
    if (k < V) {
      let pr = pair_rows(first + q / 2u);
      let r = select(pr.x, pr.y, q % 2u == 1u);
      var x = vec2<f32>(0.0, 0.0);
      if (r != NONE) {
        x = spec[spec_at(r, k)];
      }
      buf[half_at(q, k)] = x;
    }
  }
  unfold_pairs(NSEQ, lid);
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
