// gmm: draws the Gaussians (first pass) and folds the mixture mask into the
// multiplier (column pass). consts block: o+3 keepDC, o+4/o+5 sigma range,
// o+6 k, o+7/o+8 intensity range, o+9 c. Table entry: applied,
// k x (u0, v0, sigmaU, sigmaV, a), then k x H row terms, k x V column terms.

// Draws a GMM's Gaussians; `lightly` selects the row/column terms stored.
fn gen_gmm(s: u32, n: u32, o: u32, lid: u32, lightly: bool) {
  let base = tab_base(s, o);
  let k = consts[o + 6u];
  if (run.draw == 1u) {
    let op = consts[o];
    if (lid == 0u) {
      tab[base] = draw_applied(n, o);
    }
    for (var i = lid; i < k; i += WG) {
      let j = 1u + 5u * i;
      let d = base + 1u + 5u * i;
      tab[d] = bitcast<u32>(f32(mulhi32(scalar_bits(n, op, j), H)));
      tab[d + 1u] = bitcast<u32>(f32(mulhi32(scalar_bits(n, op, j + 1u), V)));
      tab[d + 2u] = bitcast<u32>(lerp_bits(cf(o + 4u), cf(o + 5u), scalar_bits(n, op, j + 2u)));
      tab[d + 3u] = bitcast<u32>(lerp_bits(cf(o + 4u), cf(o + 5u), scalar_bits(n, op, j + 3u)));
      tab[d + 4u] = bitcast<u32>(lerp_bits(cf(o + 7u), cf(o + 8u), scalar_bits(n, op, j + 4u)));
    }
  }
  storageBarrier();
  let rows = base + 1u + 5u * k;
  let cols = rows + k * H;
  let c = cf(o + 9u);
  for (var e = lid; e < k * H; e += WG) {
    let i = e / H;
    let d = f32(e - i * H) - tabf(base + 1u + 5u * i);
    let sg = tabf(base + 3u + 5u * i);
    if (lightly) {
      tab[rows + e] = bitcast<u32>((d * d) / (2.0 * (sg * sg)));
    } else {
      tab[rows + e] = bitcast<u32>(exp(-(d * d) / (2.0 * sg * sg)));
    }
  }
  for (var e = lid; e < k * V; e += WG) {
    let i = e / V;
    let d = f32(e - i * V) - tabf(base + 2u + 5u * i);
    let sg = tabf(base + 4u + 5u * i);
    if (lightly) {
      tab[cols + e] = bitcast<u32>((d * d) / (2.0 * (sg * sg)));
    } else {
      tab[cols + e] = bitcast<u32>((tabf(base + 5u + 5u * i) / c) * exp(-(d * d) / (2.0 * sg * sg)));
    }
  }
}

// The mixture mask at bin (u, v): the product of the separable factors, or
// (lightly) lightly's float32 factor from the two exponent terms, one exp each.
fn m_gmm(m: vec2<f32>, s: u32, u: u32, v: u32, o: u32, lightly: bool) -> vec2<f32> {
  if (op_skips(s, o, u, v)) {
    return m;
  }
  let base = tab_base(s, o);
  let k = consts[o + 6u];
  let rows = base + 1u + 5u * k + u;
  let cols = base + 1u + 5u * k + k * H + v;
  let c = cf(o + 9u);
  var f = 1.0;
  for (var i = 0u; i < k; i++) {
    let r = tabf(rows + i * H);
    let q = tabf(cols + i * V);
    if (lightly) {
      f *= max(0.0, 1.0 - (tabf(base + 5u + 5u * i) / c) * sleef_expf(-(r + q)));
    } else {
      f *= max(0.0, 1.0 - r * q);
    }
  }
  return m * f;
}
