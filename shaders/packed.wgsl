// A batch of bytes (NHWC, 4 per u32 word, little end first): the input of a
// byte batch, and the output of a packed result (see pack.wgsl). The
// including module defines IN_H, IN_W and IN_BYTES (bytes per pixel of the input).

@group(0) @binding(8) var<storage, read_write> packed: array<u32>;

// Channel c of pixel (h, w) of sample s of the byte input, as the value it stands for (v / 255).
fn in_byte(s: u32, c: u32, h: u32, w: u32) -> f32 {
  let i = ((s * IN_H + h) * IN_W + w) * IN_BYTES + c;
  return f32((packed[i >> 2u] >> ((i & 3u) << 3u)) & 0xffu) / 255.0;
}
