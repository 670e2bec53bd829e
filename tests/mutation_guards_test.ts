// Properties the rest of the suite left unchecked, found by `deno task mutation`
// (tests/mutation/): each test states a documented behaviour of the library,
// and each would fail on a realistic bug that every other test let through.
import assert from "node:assert/strict";
import { augment, decodeSpec, gmm, gmmMask, phaseShift, pipe } from "../mod.ts";
import { sleefExpf } from "../src/math/lightly.ts";
import { maxDiff } from "./_helpers.ts";

Deno.test("gmmMask is the README's formula down to the smallest c (1e-6), where a / c reaches 1e6", () => {
  // At c = 1e-6 a Gaussian's tail 9σ from its centre, exp(-40.5) ≈ 2.6e-18,
  // still notches the mask by (a / c) · 2.6e-18 ≈ 2.6e-12.
  const cases = [
    { H: 20, W: 4, gaussians: [{ u0: 0, v0: 0, sigmaU: 1, sigmaV: 1, intensity: 1 }] },
    {
      H: 31,
      W: 17,
      gaussians: [
        { u0: 12, v0: 3, sigmaU: 1.3, sigmaV: 2, intensity: 0.8 },
        { u0: 27, v0: 8, sigmaU: 0.7, sigmaV: 1, intensity: 1 },
      ],
    },
  ];
  for (const { H, W, gaussians } of cases) {
    const V = (W >> 1) + 1;
    for (const c of [1e-6, 1e-4, 1e-2]) {
      const want = new Float64Array(H * V);
      for (let u = 0; u < H; u++) {
        for (let v = 0; v < V; v++) {
          let m = 1;
          for (const g of gaussians) {
            const e = (u - g.u0) ** 2 / (2 * g.sigmaU ** 2) + (v - g.v0) ** 2 / (2 * g.sigmaV ** 2);
            m *= Math.max(0, 1 - (g.intensity / c) * Math.exp(-e));
          }
          want[u * V + v] = m;
        }
      }
      const got = gmmMask(gaussians, H, W, { c, keepDC: false });
      const e = maxDiff(got, want);
      assert.ok(e <= 1e-13, `${H}x${W}, c = ${c}: max error ${e}`);
    }
  }
});

// SLEEF's expf_u10 (FMA variant) at float32 arguments d where d · log2(e),
// rounded to float32, is exactly a half-integer: SLEEF rounds it to even (the
// x86 conversion), and rounding it away from zero instead changes the last
// bit. Computed with real float32 arithmetic (C: fmaf, rintf, ldexpf) from
// SLEEF's algorithm; [d, expf_u10(d)] as float32 bit patterns.
const EXPF_TIES: readonly [number, number][] = [
  [0xc1e09466, 0x2b3504fa], // d·log2e = -40.5
  [0xc1ebab88, 0x2a3504f0], // -42.5
  [0xc1f6c2a9, 0x293504fa], // -44.5
  [0xc2067876, 0x273504fa], // -48.5
  [0xc20c0407, 0x263504f0], // -50.5
  [0xc24377ae, 0x1c350506], // -70.5
  [0xc2490340, 0x1b3504cc], // -72.5
  [0xc24e8ed0, 0x1a3504ee], // -74.5
  [0xc2541a61, 0x193504e4], // -76.5
  [0xc25f3183, 0x173504cc], // -80.5
  [0xc264bd13, 0x163504ee], // -82.5
  [0xc26a48a4, 0x153504e4], // -84.5
  [0xc2992f7f, 0x083504d8], // -110.5
];
// Arguments that are not ties, from the same C program.
const EXPF_OTHERS: readonly [number, number][] = [
  [0xc265afd6, 0x160ecff6],
  [0xbfaa347b, 0x3e87730b],
  [0xc2acdfbf, 0x011d57a2],
  [0xc07b245a, 0x3ca1dfcd],
  [0xbf08aa16, 0x3f161ac5],
  [0xbfafcdb7, 0x3e81a716],
  [0xc0d1f0b4, 0x3ab97730],
  [0xc18379df, 0x339c7ff8],
];

Deno.test("sleefExpf is SLEEF's expf_u10 bit for bit, ties of d·log2(e) rounded to even", () => {
  const f = new Float32Array(1), bits = new Uint32Array(f.buffer);
  const R_LN2F = Math.fround(Math.LOG2E);
  for (
    const [tie, [dBits, want]] of [
      ...EXPF_TIES.map((x) => [true, x] as const),
      ...EXPF_OTHERS.map((x) => [false, x] as const),
    ]
  ) {
    bits[0] = dBits;
    const d = f[0];
    if (tie) assert.equal(Math.fround(d * R_LN2F) % 1, -0.5, `${d}: not a tie`);
    const y = sleefExpf(d);
    f[0] = y;
    assert.equal(f[0], y, `sleefExpf(${d}) = ${y} is not a float32`);
    assert.equal(bits[0].toString(16), want.toString(16), `sleefExpf(${d}) (d bits ${dBits.toString(16)})`);
  }
});

Deno.test("a gmm with keepDC between two phase shifts leaves DC to the shifts: the mean becomes mean · cos(θ1 + θ2)", async () => {
  // The phase shifts (keepDC: false) rotate the DC bin by θ1, then θ2; the gmm
  // (keepDC: true) leaves it alone, even with a Gaussian on it; irfft2 keeps
  // the real part of DC, so every channel's sum is scaled by cos(θ1 + θ2).
  const H = 8, W = 6, C = 2;
  const data = new Float64Array(C * H * W).map((_, i) => 0.5 + 0.3 * Math.sin(1.7 * i) + 0.1 * Math.cos(0.3 * i * i));
  const pipeline = pipe(
    phaseShift({ range: [0.7, 0.7], keepDC: false }),
    gmm({ k: 1, keepDC: true }),
    phaseShift({ range: [0.5, 0.5], keepDC: false }),
  );
  const params = [[
    { op: "phaseShift" as const, applied: true, theta: 0.7 },
    { op: "gmm" as const, applied: true, gaussians: [{ u0: 0, v0: 0, sigmaU: 3, sigmaV: 3, intensity: 1 }] },
    { op: "phaseShift" as const, applied: true, theta: 0.5 },
  ]];
  const { images } = await augment(pipeline, { data, count: 1, channels: C, height: H, width: W }, {
    params,
    backend: "cpu",
    workers: 0,
  });
  const plane = H * W;
  for (let c = 0; c < C; c++) {
    let sx = 0, sy = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      sx += data[i];
      sy += images.data[i];
    }
    const want = (sx / plane) * Math.cos(1.2);
    assert.ok(Math.abs(sy / plane - want) <= 1e-12, `channel ${c}: mean ${sy / plane}, want ${want}`);
  }
});

Deno.test("decodeSpec never reads an inherited property, even a non-enumerable one (a class's getter)", () => {
  let reads = 0;
  class GmmSpec {
    op = "gmm";
    get k(): number {
      reads++;
      return 3;
    }
  }
  const r = decodeSpec({ version: 1, ops: [new GmmSpec()] });
  assert.equal(reads, 0, "the inherited getter k was read");
  if (r._tag === "Right") {
    const op = r.right.ops[0];
    assert.ok(op.op === "gmm" && op.k === 20, `k ${op.op === "gmm" ? op.k : op.op}: not the default 20`);
  }
  const proto = Object.defineProperty({}, "c", { value: 1e-300, enumerable: false });
  const spec = { version: 1, ops: [Object.assign(Object.create(proto), { op: "gmm" })] };
  const s = decodeSpec(spec);
  if (s._tag === "Right") {
    const op = s.right.ops[0];
    assert.ok(op.op === "gmm" && op.c === 1, "the inherited c was read");
  }
});

Deno.test("the gain bound takes each normalize's smallest std: per-channel stds that can overflow are refused", () => {
  // Channel 1 is divided by 1e-6 six times: inputs in [-1, 1] reach 1e36 there.
  const ops = Array.from({ length: 6 }, () => ({ op: "normalize", mean: [0, 0, 0], std: [1, 1e-6, 1] }));
  const r = decodeSpec({ version: 1, ops });
  assert.equal(r._tag, "Left", "a pipeline that overflows channel 1 was accepted");
  if (r._tag === "Left") {
    assert.equal(r.left.path, "ops[5]", r.left.message);
    assert.match(r.left.expected, /stay finite/);
  }
  // The same with unit stds is fine.
  const ok = decodeSpec({ version: 1, ops: ops.map((o) => ({ ...o, std: [1, 1, 1] })) });
  assert.equal(ok._tag, "Right");
});
