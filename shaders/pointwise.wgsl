// A pass of spatial ops of its own: item i of each sample (a value, or a
// whole pixel for colour ops), pulled through the ops from the pass's input
// (at most one gather: a crop's resize or half a blur). The including module
// defines ITEMS (items per sample) and map_item(s, i).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = group_index(wid) * WG + lid;
  if (i < run.count * ITEMS) {
    let s = i / ITEMS;
    map_item(s, i - s * ITEMS);
  }
}
