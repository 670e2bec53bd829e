// The inverse passes' half-spectrum reader: bin k of row r over the full
// Hermitian extension of the half-row, the imaginary parts of the DC and
// Nyquist bins dropped, as numpy's irfft does.

fn half_bin(r: u32, k: u32) -> vec2<f32> {
  if (k < V) {
    let x = spec[r * V + k];
    if (k == 0u || 2u * k == W) {
      return vec2<f32>(x.x, 0.0);
    }
    return x;
  }
  let x = spec[r * V + W - k];
  return vec2<f32>(x.x, -x.y);
}
