// The last pass of a run with a packed result: reads the float32 result
// (planar NCHW, `src`) and writes word i of the output to `packed`: two
// float16 values (pack2x16float), or four bytes of NHWC (each value
// round(clamp(x, 0, 1) * 255), rounding half to even; alpha bytes copied
// from the input's word when KEEP_ALPHA, else 255). The including module
// defines UNITS (values or bytes per sample), PER_WORD (2 or 4), OUT_BYTES,
// KEEP_ALPHA and HALF_FLOAT.

fn to_byte(x: f32) -> u32 {
  return u32(round(clamp(x, 0.0, 1.0) * 255.0));
}

fn pack_word(i: u32) -> u32 {
  let n = run.count * UNITS;
  if (HALF_FLOAT) {
    let e = 2u * i;
    var b = 0.0;
    if (e + 1u < n) {
      b = src[e + 1u];
    }
    return pack2x16float(vec2<f32>(src[e], b));
  }
  // The input's word, read only for its alpha bytes.
  var old = 0u;
  if (KEEP_ALPHA) {
    old = packed[i];
  }
  var word = 0u;
  for (var k = 0u; k < 4u; k++) {
    let b = 4u * i + k;
    if (b >= n) {
      break;
    }
    let s = b / UNITS;
    let r = b - s * UNITS;
    let p = r / OUT_BYTES;
    let c = r - p * OUT_BYTES;
    var v = 255u;
    if (c < CH) {
      v = to_byte(src[(s * CH + c) * (H * W) + p]);
    } else if (KEEP_ALPHA) {
      v = (old >> (8u * k)) & 0xffu;
    }
    word |= v << (8u * k);
  }
  return word;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = group_index(wid) * WG + lid;
  if (i < (run.count * UNITS + PER_WORD - 1u) / PER_WORD) {
    packed[i] = pack_word(i);
  }
}
