// Parameters of the frequency ops: drawing them (once per sample, in the first
// pass) and folding them into one complex multiplier per bin (column pass).
//
// consts, word 0: the table's stride per sample. Each frequency op has a block
// of 10 words; the first three are the same for every op:
//   o+0 op index   o+1 table offset   o+2 applied when draw 0 >> 8 < this
// and the rest are the op's own (see its snippet in src/ops/<op>/). An op's
// entry in a sample's table, at s * stride + offset, starts with `applied`.

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

fn put_key(f: u32, n: u32, o: u32) {
  tab[f] = n;
  tab[f + 1u] = run.key0;
  tab[f + 2u] = run.key1;
  tab[f + 3u] = consts[o];
}

fn op_applied(s: u32, o: u32) -> bool {
  return tab[tab_base(s, o)] != 0u;
}

// Whether an op leaves bin (u, v) alone: not applied, or DC kept.
fn op_skips(s: u32, o: u32, u: u32, v: u32) -> bool {
  return !op_applied(s, o) || (consts[o + 3u] != 0u && u == 0u && v == 0u);
}

// The table entry of a spatial op whose parameters the host writes: word 0 of
// its consts block is the entry's offset.
fn host_base(s: u32, o: u32) -> u32 {
  return s * consts[0] + consts[o];
}

fn host_applied(s: u32, o: u32) -> bool {
  return tab[host_base(s, o)] != 0u;
}
