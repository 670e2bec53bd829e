// colorJitter: consts o+0 table offset, o+1 pixels of the image (for the
// contrast's mean). Table entry: applied, the four steps in their order (0
// brightness, 1 contrast, 2 saturation, 3 hue; NONE for a skipped one), then
// the brightness, contrast, saturation and hue factors.

fn cj_gray(px: vec3<f32>) -> f32 {
  if (CH == 3u) {
    return 0.2989 * px.x + 0.587 * px.y + 0.114 * px.z;
  }
  return px.x;
}

fn cj_blend(px: vec3<f32>, f: f32, other: vec3<f32>) -> vec3<f32> {
  return clamp(f * px + (1.0 - f) * other, vec3<f32>(0.0), vec3<f32>(1.0));
}

// torchvision's adjust_hue of one RGB pixel, its input clamped to [0, 1] first.
fn cj_hue(px: vec3<f32>, shift: f32) -> vec3<f32> {
  let c = clamp(px, vec3<f32>(0.0), vec3<f32>(1.0));
  let maxc = max(c.x, max(c.y, c.z));
  let minc = min(c.x, min(c.y, c.z));
  let eq = maxc == minc;
  let cr = maxc - minc;
  let sat = cr / select(maxc, 1.0, eq);
  let d = select(cr, 1.0, eq);
  let rc = (maxc - c.x) / d;
  let gc = (maxc - c.y) / d;
  let bc = (maxc - c.z) / d;
  var h: f32;
  if (maxc == c.x) {
    h = bc - gc;
  } else if (maxc == c.y) {
    h = 2.0 + rc - bc;
  } else {
    h = 4.0 + gc - rc;
  }
  h = h / 6.0 + 1.0;
  h = h - floor(h);
  h = h + shift;
  h = h - floor(h);
  let i6 = floor(h * 6.0);
  let fr = h * 6.0 - i6;
  let i = ((i32(i6) % 6) + 6) % 6;
  let v = maxc;
  let p = clamp(v * (1.0 - sat), 0.0, 1.0);
  let q = clamp(v * (1.0 - sat * fr), 0.0, 1.0);
  let t = clamp(v * (1.0 - sat * (1.0 - fr)), 0.0, 1.0);
  if (i == 0) {
    return vec3<f32>(v, t, p);
  }
  if (i == 1) {
    return vec3<f32>(q, v, p);
  }
  if (i == 2) {
    return vec3<f32>(p, v, t);
  }
  if (i == 3) {
    return vec3<f32>(p, q, v);
  }
  if (i == 4) {
    return vec3<f32>(t, p, v);
  }
  return vec3<f32>(v, p, q);
}

fn cj_step(px: vec3<f32>, which: u32, b: u32, mean: f32) -> vec3<f32> {
  if (which == 0u) {
    return cj_blend(px, tabf(b + 5u), vec3<f32>(0.0));
  }
  if (which == 1u) {
    return cj_blend(px, tabf(b + 6u), vec3<f32>(mean));
  }
  if (which == 2u) {
    return cj_blend(px, tabf(b + 7u), vec3<f32>(cj_gray(px)));
  }
  if (which == 3u) {
    return cj_hue(px, tabf(b + 8u));
  }
  return px;
}

// The four steps in the sample's order; `total` is the sum of cj_term over the image.
fn cj_apply(px: vec3<f32>, s: u32, o: u32, total: f32) -> vec3<f32> {
  let b = host_base(s, o);
  if (tab[b] == 0u) {
    return px;
  }
  let mean = total / f32(consts[o + 1u]);
  var q = px;
  for (var k = 0u; k < 4u; k++) {
    q = cj_step(q, tab[b + 1u + k], b, mean);
  }
  return q;
}

// A pixel's term of the contrast's mean: its gray after the steps that come before contrast.
fn cj_term(px: vec3<f32>, s: u32, o: u32) -> f32 {
  let b = host_base(s, o);
  if (tab[b] == 0u) {
    return 0.0;
  }
  var q = px;
  for (var k = 0u; k < 4u; k++) {
    let st = tab[b + 1u + k];
    if (st == 1u) {
      return cj_gray(q);
    }
    q = cj_step(q, st, b, 0.0);
  }
  return 0.0;
}
