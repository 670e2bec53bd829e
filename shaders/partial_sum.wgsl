// A workgroup's partial sum of a per-image statistic (colorJitter's contrast
// mean), added in a fixed order so that it never depends on timing: each
// thread's value into buf, a tree of halvings, thread 0 writes the sum to
// tab[at]. The including module declares buf (at least WG values).

fn store_partial(lid: u32, acc: f32, at: u32) {
  buf[lid] = vec2<f32>(acc, 0.0);
  workgroupBarrier();
  for (var m = WG / 2u; m > 0u; m = m / 2u) {
    if (lid < m) {
      buf[lid] = buf[lid] + buf[lid + m];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    tab[at] = bitcast<u32>(buf[0].x);
  }
}
