// Pointwise ops. normalize's block: count of values (1 or CH), CH means, CH stds.
// clamp's block: min, max.

fn sp_normalize(x: f32, ch: u32, o: u32) -> f32 {
  let j = select(ch, 0u, consts[o] == 1u);
  return (x - cf(o + 1u + j)) / cf(o + 1u + CH + j);
}

fn sp_clamp(x: f32, o: u32) -> f32 {
  // NaN (which finite input and an accepted spec never make) becomes min, as on the CPU.
  return select(cf(o), min(x, cf(o + 1u)), x >= cf(o));
}
