// randomResizedCrop, one gather along both axes: consts o+0 table offset,
// o+1 output height OH, o+2 taps per output row SY, o+3 where the x axis
// starts in the entry, o+4 output width OW, o+5 taps per output column SX.
// Table entry (per axis, the y axis first): OH first input rows (absolute),
// OH tap counts, OH x SY weights; then the same for x.

fn rrc_yn(s: u32, o: u32, i: u32) -> u32 {
  return tab[host_base(s, o) + consts[o + 1u] + i];
}

fn rrc_yat(s: u32, o: u32, i: u32, j: u32) -> u32 {
  return tab[host_base(s, o) + i] + j;
}

fn rrc_ywt(s: u32, o: u32, i: u32, j: u32) -> f32 {
  return tabf(host_base(s, o) + 2u * consts[o + 1u] + i * consts[o + 2u] + j);
}

fn rrc_xn(s: u32, o: u32, i: u32) -> u32 {
  return tab[host_base(s, o) + consts[o + 3u] + consts[o + 4u] + i];
}

fn rrc_xat(s: u32, o: u32, i: u32, j: u32) -> u32 {
  return tab[host_base(s, o) + consts[o + 3u] + i] + j;
}

fn rrc_xwt(s: u32, o: u32, i: u32, j: u32) -> f32 {
  return tabf(host_base(s, o) + consts[o + 3u] + 2u * consts[o + 4u] + i * consts[o + 5u] + j);
}
