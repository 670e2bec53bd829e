// Pass 3 of a frequency stage, storing whole pixels: as irows.wgsl, but each
// workgroup takes KROWS whole rows of one sample, every channel of each (row h
// channel c is its row h0 * CH + c, paired two by two), so that the store
// holds every channel of a pixel: colour ops fuse into it, and it sums the
// term of the next op's per-image statistic (colorJitter's contrast mean) over
// its pixels, one partial sum per workgroup. The including module defines
// NSEQ, SL, KROWS, WPS (workgroups per sample), PARTIALS (whether to sum),
// STAT (where the partial sums go in a sample's table), fft_row(nseq, lid),
// half_bin(r, k), stage_applies(s), load_px(s, h, w) (the stage's input) and
// store_px(s, h, w, px) -> f32 (stores a pixel, returns its term).

// Row q of the workgroup's rows starting at h0, as a row of the batch.
fn px_row(s: u32, h0: u32, q: u32) -> u32 {
  return (s * CH + q % CH) * H + h0 + q / CH;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group_index(wid);
  if (g >= run.count * WPS) {
    return;
  }
  let s = g / WPS;
  let part = g - s * WPS;
  let h0 = part * KROWS;
  let kk = min(KROWS, H - h0);
  let rows = kk * CH;
  for (var e = lid; e < NSEQ * W; e += WG) {
    let sq = e / W;
    let k = e - sq * W;
    var a = vec2<f32>(0.0, 0.0);
    var b = vec2<f32>(0.0, 0.0);
    if (2u * sq < rows) {
      a = half_bin(px_row(s, h0, 2u * sq), k);
    }
    if (2u * sq + 1u < rows) {
      b = half_bin(px_row(s, h0, 2u * sq + 1u), k);
    }
    // Z = a + i b, swapped for the inverse transform.
    buf[sq * SL + k] = vec2<f32>(a.y + b.x, a.x - b.y);
  }
  fft_row(NSEQ, lid);
  let applies = stage_applies(s);
  var acc = 0.0;
  for (var e = lid; e < kk * W; e += WG) {
    let hl = e / W;
    let t = e - hl * W;
    var px = vec3<f32>(0.0);
    if (applies) {
      for (var c = 0u; c < CH; c++) {
        let q = hl * CH + c;
        let z = buf[(q / 2u) * SL + t].yx;
        px[c] = select(z.y, z.x, q % 2u == 0u);
      }
    } else {
      px = load_px(s, h0 + hl, t);
    }
    acc += store_px(s, h0 + hl, t, px);
  }
  if (PARTIALS) {
    workgroupBarrier();
    store_partial(lid, acc, s * consts[0] + STAT + part);
  }
}
