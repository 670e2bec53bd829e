// normalize: consts block: count of values (1 or CH), CH means, CH stds.

fn sp_normalize(x: f32, ch: u32, o: u32) -> f32 {
  let j = select(ch, 0u, consts[o] == 1u);
  return (x - cf(o + 1u + j)) / cf(o + 1u + CH + j);
}
