// Pass 2 of a frequency stage: per tile of TILE adjacent columns and TC
// channels of one sample, the FFT down each column, every frequency op folded
// into one complex multiplier per bin (computed once per bin for the TC
// channels), and the inverse FFT. Each channel's tile is one contiguous run
// of H * TILE values in `spec` (spectrum.wgsl): read and written whole,
// consecutive invocations on consecutive words. The including module defines
// TC, TILE, TILES, NSEQ = TC * TILE, SL, fft_col(nseq, lid) and mult(s, u, v).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group_index(wid);
  let per = (CH / TC) * TILES;
  if (g >= run.count * per) {
    return;
  }
  let s = g / per;
  let r = g - s * per;
  let c0 = (r / TILES) * TC;
  let j = r % TILES;
  let v0 = j * TILE;
  // Value i of channel c's tile is bin (i / TILE, v0 + i % TILE): column i % TILE of the workgroup.
  for (var e = lid; e < TC * H * TILE; e += WG) {
    let c = e / (H * TILE);
    let i = e - c * (H * TILE);
    let u = i / TILE;
    let l = i - u * TILE;
    var x = vec2<f32>(0.0, 0.0);
    if (v0 + l < V) {
      x = spec[((s * CH + c0 + c) * TILES + j) * (H * TILE) + i];
    }
    buf[(c * TILE + l) * SL + u] = x;
  }
  fft_col(NSEQ, lid);
  for (var e = lid; e < TILE * H; e += WG) {
    let l = e / H;
    let u = e - l * H;
    let v = v0 + l;
    if (v < V) {
      let m = mult(s, u, v);
      for (var c = 0u; c < TC; c++) {
        let i = (c * TILE + l) * SL + u;
        buf[i] = cmul(buf[i], m).yx;
      }
    }
  }
  fft_col(NSEQ, lid);
  for (var e = lid; e < TC * H * TILE; e += WG) {
    let c = e / (H * TILE);
    let i = e - c * (H * TILE);
    let u = i / TILE;
    let l = i - u * TILE;
    if (v0 + l < V) {
      spec[((s * CH + c0 + c) * TILES + j) * (H * TILE) + i] = buf[(c * TILE + l) * SL + u].yx;
    }
  }
}
