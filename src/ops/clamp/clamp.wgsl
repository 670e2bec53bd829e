// clamp: consts block: min, max.

fn sp_clamp(x: f32, o: u32) -> f32 {
  // NaN (which finite input and an accepted spec never make) becomes min, as on the CPU.
  return select(cf(o), min(x, cf(o + 1u)), x >= cf(o));
}
