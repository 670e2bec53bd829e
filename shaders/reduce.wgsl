// A per-image sum, in partial sums: each workgroup adds the terms of PCH
// pixels of one sample (in a fixed order) and writes its sum to the sample's
// table at STAT + its index; the pass that needs the sum adds the NP partial
// sums in order. The including module defines PCH, NP, STAT and
// reduce_term(s, h, w) (the term of pixel (h, w) of the image, of H x W).

var<workgroup> buf: array<vec2<f32>, CAP>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = group_index(wid);
  if (g >= run.count * NP) {
    return;
  }
  let s = g / NP;
  let part = g - s * NP;
  let end = min((part + 1u) * PCH, H * W);
  var acc = 0.0;
  for (var p = part * PCH + lid; p < end; p += WG) {
    acc += reduce_term(s, p / W, p % W);
  }
  store_partial(lid, acc, s * consts[0] + STAT + part);
}
