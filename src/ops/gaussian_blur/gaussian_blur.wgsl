// gaussianBlur, as two gathers (along x, then along y): consts o+0 table
// offset, o+1 height, o+2 width of the image. Table entry: applied, radius r,
// σ, and 1 / the sum of the 2r + 1 terms exp(-x²/2σ²), x = -r..r (r = 0 when
// not applied: the one weight is 1).

fn blur_n(s: u32, o: u32, i: u32) -> u32 {
  return 2u * tab[host_base(s, o) + 1u] + 1u;
}

fn blur_wt(s: u32, o: u32, i: u32, j: u32) -> f32 {
  let b = host_base(s, o);
  let x = f32(i32(j) - i32(tab[b + 1u])) / tabf(b + 2u);
  return exp(-0.5 * x * x) * tabf(b + 3u);
}

// Index i of a side of n, reflected without repeating the edge, as often as needed.
fn blur_reflect(i: i32, n: u32) -> u32 {
  if (n == 1u) {
    return 0u;
  }
  let p = 2 * i32(n) - 2;
  let m = ((i % p) + p) % p;
  return u32(select(p - m, m, m < i32(n)));
}

fn blur_xat(s: u32, o: u32, i: u32, j: u32) -> u32 {
  return blur_reflect(i32(i + j) - i32(tab[host_base(s, o) + 1u]), consts[o + 2u]);
}

fn blur_yat(s: u32, o: u32, i: u32, j: u32) -> u32 {
  return blur_reflect(i32(i + j) - i32(tab[host_base(s, o) + 1u]), consts[o + 1u]);
}
