// phaseShift: consts o+3 keepDC, o+4/o+5 range, o+6 includeNegatives. Table
// entry: applied, theta, cos, sin.

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

fn m_phase(m: vec2<f32>, s: u32, u: u32, v: u32, o: u32) -> vec2<f32> {
  if (op_skips(s, o, u, v)) {
    return m;
  }
  let base = tab_base(s, o);
  return cmul(m, vec2<f32>(tabf(base + 2u), tabf(base + 3u)));
}
