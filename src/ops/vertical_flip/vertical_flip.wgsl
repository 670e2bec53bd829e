// verticalFlip: consts o+0 table offset, o+1 the image's height. Table entry: applied.

fn vflip_h(s: u32, o: u32, h: u32) -> u32 {
  return select(h, consts[o + 1u] - 1u - h, host_applied(s, o));
}
