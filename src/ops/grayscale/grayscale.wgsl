// grayscale: consts o+0 table offset. Table entry: applied. One channel is left alone.

fn gray_apply(px: vec3<f32>, s: u32, o: u32) -> vec3<f32> {
  if (CH != 3u || !host_applied(s, o)) {
    return px;
  }
  return vec3<f32>(0.2989 * px.x + 0.587 * px.y + 0.114 * px.z);
}
