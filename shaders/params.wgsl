// Parameters of the frequency ops: drawing them (once per sample, in the first
// pass) and folding them into one complex multiplier per bin (column pass).
//
// consts, word 0: the table's stride per sample. Each frequency op has a block:
//   o+0 op index   o+1 table offset   o+2 applied when draw 0 >> 8 < this
//   o+3 keepDC     o+4 lo (f32)       o+5 hi (f32)
//   o+6 gmm: k | randomFrequencyMask: threshold base | phaseShift: includeNegatives
//   o+7 gmm: intensity lo (f32) | randomFrequencyMask: threshold span
//   o+8 gmm: intensity hi (f32)       o+9 gmm: c (f32)
// Table of a sample, at s * stride + offset:
//   gmm: applied, k x (u0, v0, sigmaU, sigmaV, a), then k x H row terms, k x V column terms
//   amplitudeRescale: applied, field key (sample, key0, key1, op)
//   phaseShift: applied, theta, cos, sin
//   randomFrequencyMask: applied, drop threshold (integer), field key

fn tab_base(s: u32, o: u32) -> u32 {
  return s * consts[0] + consts[o + 1u];
}

fn draw_applied(n: u32, o: u32) -> u32 {
  let t = consts[o + 2u];
  if (t >= 16777216u) {
    return 1u;
  }
  return select(0u, 1u, (scalar_bits(n, consts[o], 0u) >> 8u) < t);
}

fn lerp_bits(lo: f32, hi: f32, bits: u32) -> f32 {
  return lo + (hi - lo) * unit24(bits);
}

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

fn put_key(f: u32, n: u32, o: u32) {
  tab[f] = n;
  tab[f + 1u] = run.key0;
  tab[f + 2u] = run.key1;
  tab[f + 3u] = consts[o];
}

fn gen_amplitude(s: u32, n: u32, o: u32, lid: u32) {
  if (run.draw == 1u && lid == 0u) {
    let base = tab_base(s, o);
    tab[base] = draw_applied(n, o);
    put_key(base + 1u, n, o);
  }
}

fn gen_phase(s: u32, n: u32, o: u32, lid: u32) {
  let base = tab_base(s, o);
  if (run.draw == 1u && lid == 0u) {
    let a = draw_applied(n, o);
    tab[base] = a;
    var theta = 0.0;
    if (a == 1u) {
      let op = consts[o];
      theta = lerp_bits(cf(o + 4u), cf(o + 5u), scalar_bits(n, op, 1u));
      if (consts[o + 6u] == 1u && (scalar_bits(n, op, 2u) >> 8u) < 8388608u) {
        theta = -theta;
      }
    }
    tab[base + 1u] = bitcast<u32>(theta);
  }
  storageBarrier();
  if (lid == 0u) {
    let theta = tabf(base + 1u);
    tab[base + 2u] = bitcast<u32>(cos(theta));
    tab[base + 3u] = bitcast<u32>(sin(theta));
  }
}

fn gen_dropmask(s: u32, n: u32, o: u32, lid: u32) {
  if (run.draw == 1u && lid == 0u) {
    let base = tab_base(s, o);
    let a = draw_applied(n, o);
    tab[base] = a;
    tab[base + 1u] = select(0u, consts[o + 6u] + mulhi32(scalar_bits(n, consts[o], 1u), consts[o + 7u]), a == 1u);
    put_key(base + 2u, n, o);
  }
}

fn op_applied(s: u32, o: u32) -> bool {
  return tab[tab_base(s, o)] != 0u;
}

// Whether an op leaves bin (u, v) alone: not applied, or DC kept.
fn op_skips(s: u32, o: u32, u: u32, v: u32) -> bool {
  return !op_applied(s, o) || (consts[o + 3u] != 0u && u == 0u && v == 0u);
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

fn m_amplitude(m: vec2<f32>, s: u32, u: u32, v: u32, o: u32) -> vec2<f32> {
  if (op_skips(s, o, u, v)) {
    return m;
  }
  return m * lerp_bits(cf(o + 4u), cf(o + 5u), field_bits(tab_base(s, o) + 1u, u * V + v));
}

fn m_phase(m: vec2<f32>, s: u32, u: u32, v: u32, o: u32) -> vec2<f32> {
  if (op_skips(s, o, u, v)) {
    return m;
  }
  let base = tab_base(s, o);
  return cmul(m, vec2<f32>(tabf(base + 2u), tabf(base + 3u)));
}

fn m_dropmask(m: vec2<f32>, s: u32, u: u32, v: u32, o: u32) -> vec2<f32> {
  // The DC bin is always kept.
  if (!op_applied(s, o) || (u == 0u && v == 0u)) {
    return m;
  }
  let base = tab_base(s, o);
  if ((field_bits(base + 2u, u * V + v) >> 8u) <= tab[base + 1u]) {
    return vec2<f32>(0.0, 0.0);
  }
  return m;
}
