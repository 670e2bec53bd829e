// solarize: consts o+0 table offset, o+1 the threshold (float32, as torchvision
// compares a float32 image). Table entry: applied.

fn sol_apply(x: f32, s: u32, o: u32) -> f32 {
  return select(x, 1.0 - x, host_applied(s, o) && x >= cf(o + 1u));
}
