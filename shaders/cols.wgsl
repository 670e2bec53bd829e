// Pass 2 of a frequency stage: per tile of TV columns and TC channels of one
// sample, the FFT down each column, every frequency op folded into one
// complex multiplier per bin (computed once per bin for the TC channels),
// and the inverse FFT. The including module defines TC, TV, NSEQ = TC * TV,
// SL, fft_col(nseq, lid) and mult(s, u, v).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group_index(wid);
  let tiles = (V + TV - 1u) / TV;
  let per = (CH / TC) * tiles;
  if (g >= run.count * per) {
    return;
  }
  let s = g / per;
  let r = g - s * per;
  let c0 = (r / tiles) * TC;
  let v0 = (r % tiles) * TV;
  for (var e = lid; e < NSEQ * H; e += WG) {
    let sq = e / H;
    let u = e - sq * H;
    let v = v0 + sq % TV;
    var x = vec2<f32>(0.0, 0.0);
    if (v < V) {
      x = spec[((s * CH + c0 + sq / TV) * H + u) * V + v];
    }
    buf[sq * SL + u] = x;
  }
  fft_col(NSEQ, lid);
  for (var e = lid; e < TV * H; e += WG) {
    let vl = e / H;
    let u = e - vl * H;
    let v = v0 + vl;
    if (v < V) {
      let m = mult(s, u, v);
      for (var c = 0u; c < TC; c++) {
        let i = (c * TV + vl) * SL + u;
        buf[i] = cmul(buf[i], m).yx;
      }
    }
  }
  fft_col(NSEQ, lid);
  for (var e = lid; e < NSEQ * H; e += WG) {
    let sq = e / H;
    let u = e - sq * H;
    let v = v0 + sq % TV;
    if (v < V) {
      spec[((s * CH + c0 + sq / TV) * H + u) * V + v] = buf[sq * SL + u].yx;
    }
  }
}
