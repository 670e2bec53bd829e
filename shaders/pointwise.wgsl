// A pipeline without frequency ops: its spatial ops in one pass.
// The including module defines post(x, ch).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = group_index(wid) * WG + lid;
  if (i < run.count * CH * H * W) {
    dst[i] = post(src[i], (i / (H * W)) % CH);
  }
}
