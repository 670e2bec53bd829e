// amplitudeRescale: consts o+3 keepDC, o+4/o+5 range. Table entry: applied,
// field key (sample, key0, key1, op).

fn gen_amplitude(s: u32, n: u32, o: u32, lid: u32) {
  if (run.draw == 1u && lid == 0u) {
    let base = tab_base(s, o);
    tab[base] = draw_applied(n, o);
    put_key(base + 1u, n, o);
  }
}

fn m_amplitude(m: vec2<f32>, s: u32, u: u32, v: u32, o: u32) -> vec2<f32> {
  if (op_skips(s, o, u, v)) {
    return m;
  }
  return m * lerp_bits(cf(o + 4u), cf(o + 5u), field_bits(tab_base(s, o) + 1u, u * V + v));
}
