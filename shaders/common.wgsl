// Shared by every pass: the bindings, the counter-based RNG and small helpers.
// The including module defines the specialisation constants WG, CAP, HALF,
// CH (channels), H, W, V (= W / 2 + 1) and INV_HW.

struct Run {
  count: u32, // samples in this submission
  offset: u32, // dataset index of its first sample, mod 2^32
  key0: u32, // seed, low word
  key1: u32, // seed, high word
  draw: u32, // 1: draw the parameters here from the seed; 0: the table was uploaded
  pad2: u32,
  pad0: u32,
  pad1: u32,
};

@group(0) @binding(0) var<uniform> run: Run;
// Numeric parameters of the ops: word 0 is the table stride, then one block per op.
@group(0) @binding(1) var<storage, read> consts: array<u32>;
// Twiddle and chirp tables of this shape.
@group(0) @binding(2) var<storage, read> tw: array<vec2<f32>>;
// Per-sample parameter table (draws and GMM factors).
@group(0) @binding(3) var<storage, read_write> tab: array<u32>;
@group(0) @binding(4) var<storage, read> src: array<f32>;
@group(0) @binding(5) var<storage, read_write> spec: array<vec2<f32>>;
@group(0) @binding(6) var<storage, read_write> dst: array<f32>;
// The FFTs' scratch when it lives in a storage buffer instead of workgroup
// memory (see plan.ts); this workgroup's part starts at `scratch_base`.
@group(0) @binding(7) var<storage, read_write> scratch: array<vec2<f32>>;
var<private> scratch_base: u32;

fn cf(i: u32) -> f32 {
  return bitcast<f32>(consts[i]);
}

fn tabf(i: u32) -> f32 {
  return bitcast<f32>(tab[i]);
}

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

// The flat workgroup index of a dispatch grid 32768 workgroups wide.
fn group_index(wid: vec3<u32>) -> u32 {
  let g = wid.x + wid.y * 32768u;
  scratch_base = g * CAP;
  return g;
}

const NONE: u32 = 0xffffffffu;
// Row pairs per sample: the C * H rows of a sample pair up among themselves.
const PAIRS: u32 = (CH * H + 1u) / 2u;

// The two rows of pair p (the second NONE when a sample has an odd row count,
// both NONE past the batch).
fn pair_rows(p: u32) -> vec2<u32> {
  if (p >= run.count * PAIRS) {
    return vec2<u32>(NONE, NONE);
  }
  let s = p / PAIRS;
  let a = 2u * (p - s * PAIRS);
  let base = s * CH * H;
  return vec2<u32>(base + a, select(NONE, base + a + 1u, a + 1u < CH * H));
}

// High word of a 32x32-bit product, from 16-bit halves (as the CPU backend does).
fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = ((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

// Philox-4x32-10 of counter c under key (key0, key1).
fn philox(c: vec4<u32>, key0: u32, key1: u32) -> vec4<u32> {
  var x = c;
  var k0 = key0;
  var k1 = key1;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi32(0xD2511F53u, x.x);
    let lo0 = 0xD2511F53u * x.x;
    let hi1 = mulhi32(0xCD9E8D57u, x.z);
    let lo1 = 0xCD9E8D57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k0, lo1, hi0 ^ x.w ^ k1, lo0);
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return x;
}

// Scalar draw j of op `op` for dataset sample n: counter (j, op, n, 0), word 0.
fn scalar_bits(n: u32, op: u32, j: u32) -> u32 {
  return philox(vec4<u32>(j, op, n, 0u), run.key0, run.key1).x;
}

// Per-bin draw of a field keyed at tab[f ..] = (sample, key0, key1, op) at bin d:
// counter (d / 4, op, sample, 1), word d % 4.
fn field_bits(f: u32, d: u32) -> u32 {
  let w = philox(vec4<u32>(d >> 2u, tab[f + 3u], tab[f], 1u), tab[f + 1u], tab[f + 2u]);
  let i = d & 3u;
  return select(select(select(w.x, w.y, i == 1u), w.z, i == 2u), w.w, i == 3u);
}

// A draw as a uniform in [0, 1) on the 2^-24 grid, exactly as on the CPU.
fn unit24(x: u32) -> f32 {
  return f32(x >> 8u) * (1.0 / 16777216.0);
}

// SLEEF's expf_u10 with fused multiply-adds: lightly's exp on x86.
fn sleef_expf(d: f32) -> f32 {
  if (d < -104.0) {
    return 0.0;
  }
  let q = round(d * 1.442695040888963407359924681001892137426645954152985934135449406931);
  var s = fma(q, -0.693145751953125, d);
  s = fma(q, -1.428606765330187045e-06, s);
  var u = fma(0.000198527617612853646278381, s, 0.00139304355252534151077271);
  u = fma(u, s, 0.00833336077630519866943359);
  u = fma(u, s, 0.0416664853692054748535156);
  u = fma(u, s, 0.166666671633720397949219);
  u = fma(u, s, 0.5);
  u = 1.0 + fma(s * s, u, s);
  return ldexp(u, i32(q));
}
