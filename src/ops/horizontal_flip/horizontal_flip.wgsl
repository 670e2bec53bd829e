// horizontalFlip: consts o+0 table offset, o+1 the image's width. Table entry: applied.

fn hflip_w(s: u32, o: u32, w: u32) -> u32 {
  return select(w, consts[o + 1u] - 1u - w, host_applied(s, o));
}
