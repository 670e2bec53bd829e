// Pass 3 of a frequency stage, storing whole pixels: as irows.wgsl, but each
// workgroup takes KROWS whole rows of one sample, every channel of each (row
// h0 + hl of channel c is its row hl * CH + c, paired two by two), so that the store
// holds every channel of a pixel: colour ops fuse into it, and it sums the
// term of the next op's per-image statistic (colorJitter's contrast mean) over
// its pixels, one partial sum per workgroup. The including module defines
// NSEQ, SL, TILE, TILES, KROWS, WPS (workgroups per sample), PARTIALS (whether to sum),
// STAT (where the partial sums go in a sample's table), fft_row(nseq, lid),
// unfold_pairs(nseq, lid), stage_applies(s), load_px(s, h, w) (the stage's input) and
// store_px(s, h, w, px) -> f32 (stores a pixel, returns its term).

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
  // In, tile by tile as the rows pass wrote: invocation order i = c * KROWS + hl
  // (consecutive rows of one plane, consecutive words) for row q = hl * CH + c;
  // rows past the image, and the pairs' rows past KROWS * CH, as zeros.
  for (var e = lid; e < TILES * 2u * NSEQ * TILE; e += WG) {
    let at = tile_order(e, 2u * NSEQ);
    let i = at.x;
    let k = at.y;
    if (k < V) {
      var q = i;
      var x = vec2<f32>(0.0, 0.0);
      if (i < KROWS * CH) {
        let c = i / KROWS;
        let hl = i - c * KROWS;
        q = hl * CH + c;
        if (hl < kk) {
          x = spec[spec_at((s * CH + c) * H + h0 + hl, k)];
        }
      }
      buf[half_at(q, k)] = x;
    }
  }
  unfold_pairs(NSEQ, lid);
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
