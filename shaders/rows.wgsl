// Pass 1 of a frequency stage: load rows (through the spatial ops fused into
// the load: a crop's gather, flips, pointwise and colour ops), and take
// the real FFT of every row, two rows at a time through one complex FFT of
// length W (z = a + i b; A_k = (Z_k + conj Z_{-k}) / 2, B_k = (Z_k - conj Z_{-k}) / 2i).
// Rows pair up within a sample only (the last row of an odd count pairs with
// zeros), so a sample's result never depends on the batch around it.
// `count` extra workgroups draw each sample's parameters of the stage's ops.
// The half-spectra go to `spec` in tiles of TILE columns (spectrum.wgsl).
// The including module defines NSEQ, SL, TILE, TILES, load_row(r, t) (the stage's input at
// row r of the batch, column t), fft_row(nseq, lid) and gen(s, n, lid).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group_index(wid);
  let groups = (run.count * PAIRS + NSEQ - 1u) / NSEQ;
  if (g >= groups) {
    if (GEN && g < groups + run.count) {
      let s = g - groups;
      gen(s, run.offset + s, lid);
    }
    return;
  }
  let first = g * NSEQ;
  for (var e = lid; e < NSEQ * W; e += WG) {
    let sq = e / W;
    let t = e - sq * W;
    let r = pair_rows(first + sq);
    var z = vec2<f32>(0.0, 0.0);
    if (r.x != NONE) {
      z.x = load_row(r.x, t);
    }
    if (r.y != NONE) {
      z.y = load_row(r.y, t);
    }
    buf[sq * SL + t] = z;
  }
  fft_row(NSEQ, lid);
  // Out, tile by tile (see spectrum.wgsl): each invocation one bin of one row,
  // of pair sq's spectrum Z: A_k = (Z_k + conj Z_{-k}) / 2 for its first row,
  // B_k = (Z_k - conj Z_{-k}) / 2i for its second.
  for (var e = lid; e < TILES * 2u * NSEQ * TILE; e += WG) {
    let at = tile_order(e, 2u * NSEQ);
    let q = at.x;
    let k = at.y;
    let sq = q / 2u;
    let pr = pair_rows(first + sq);
    let r = select(pr.x, pr.y, q % 2u == 1u);
    if (k < V && r != NONE) {
      let zk = buf[sq * SL + k];
      let zm = buf[sq * SL + (W - k) % W];
      let cz = vec2<f32>(zm.x, -zm.y);
      var x = 0.5 * (zk + cz);
      if (q % 2u == 1u) {
        let d = 0.5 * (zk - cz);
        x = vec2<f32>(d.y, -d.x);
      }
      spec[spec_at(r, k)] = x;
    }
  }
}
