// randomFrequencyMask: consts o+6 threshold base, o+7 threshold span. Table
// entry: applied, drop threshold (integer), field key.

fn gen_dropmask(s: u32, n: u32, o: u32, lid: u32) {
  if (run.draw == 1u && lid == 0u) {
    let base = tab_base(s, o);
    let a = draw_applied(n, o);
    tab[base] = a;
    tab[base + 1u] = select(0u, consts[o + 6u] + mulhi32(scalar_bits(n, consts[o], 1u), consts[o + 7u]), a == 1u);
    put_key(base + 2u, n, o);
  }
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
