// Parity with lightly's GaussianMixtureMask on the golden vectors.
//
// The golden masks carry float32-level rounding noise (relative ~1e-7; the
// recorded sigmas are float32 values and lightly builds its Gaussians from a
// float32 tensor), while each golden output is irfft2(rfft2(x) * mask) of the
// golden mask to 1e-15. So the transform semantics are checked against the
// golden mask at 1e-12, and the mask and output computed from the recorded
// draws at the precision the files carry.
import assert from "node:assert/strict";
import { augment, gmm, gmmMask, type GmmParams, pipe } from "../mod.ts";
import { planRfft2 } from "../src/math/rfft2.ts";
import { GOLDEN_DIR, goldenCases } from "./_helpers.ts";

interface Golden {
  shape: [number, number, number];
  num_gaussians: number;
  std_range: [number, number];
  gaussians: { u0: number; v0: number; sigma_u: number; sigma_v: number }[];
  x: number[];
  mask: number[];
  y: number[];
}

const load = (name: string): Golden => JSON.parse(Deno.readTextFileSync(new URL(name, GOLDEN_DIR)));

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const cases = goldenCases();

Deno.test("golden: all five lightly cases are present", () => {
  assert.deepEqual(cases, [
    "c1_24x17_k6.json",
    "c3_224x224_k20.json",
    "c3_31x20_k8.json",
    "c3_32x32_k20.json",
    "c3_64x48_k5.json",
  ]);
});

for (const name of cases) {
  const g = load(name);
  const [C, H, W] = g.shape;
  const params: GmmParams[][] = [[{
    op: "gmm",
    applied: true,
    gaussians: g.gaussians.map((d) => ({
      u0: d.u0,
      v0: d.v0,
      sigmaU: d.sigma_u,
      sigmaV: d.sigma_v,
      intensity: 1,
    })),
  }]];
  const lightly = pipe(
    gmm({ k: g.num_gaussians, sigma: g.std_range, c: 1, keepDC: false }),
  );

  Deno.test(`golden ${name}: rfft2 · golden mask · irfft2 gives lightly's output within 1e-12`, () => {
    const rf = planRfft2(H, W);
    const plane = H * W;
    const mask = Float64Array.from(g.mask); // row-major U×V, as the spectrum
    const out = new Float64Array(C * plane);
    for (let c = 0; c < C; c++) {
      rf.forwardRows(g.x, c * plane);
      rf.filterColumns(mask, null);
      rf.inverseRows(out, c * plane, 1 / plane);
    }
    assert.ok(maxAbs(out, g.y) <= 1e-12, `max error ${maxAbs(out, g.y)}`);
  });

  Deno.test(`golden ${name}: mask from the recorded draws`, () => {
    const m = gmmMask(params[0][0].gaussians, H, W, { c: 1, keepDC: false });
    const err = maxAbs(m, g.mask);
    assert.ok(err <= 5e-7, `max error ${err}`);
  });

  Deno.test(`golden ${name}: augment replays lightly's draws (float64 and float32)`, async () => {
    const r64 = await augment(lightly, {
      data: Float64Array.from(g.x),
      count: 1,
      channels: C,
      height: H,
      width: W,
    }, {
      params,
    });
    assert.ok(r64.images.data instanceof Float64Array);
    const e64 = maxAbs(r64.images.data, g.y);
    assert.ok(e64 <= 2e-7, `float64 max error ${e64}`);
    const r32 = await augment(lightly, {
      data: Float32Array.from(g.x),
      count: 1,
      channels: C,
      height: H,
      width: W,
    }, {
      params,
    });
    assert.ok(r32.images.data instanceof Float32Array);
    const e32 = maxAbs(r32.images.data, g.y);
    assert.ok(e32 <= 1e-4, `float32 max error ${e32}`);
  });

  Deno.test(`golden ${name}: lightly mode scales each channel mean by M(0, 0)`, async () => {
    const m00 = gmmMask(params[0][0].gaussians, H, W, { c: 1, keepDC: false })[0];
    const r = await augment(lightly, {
      data: Float64Array.from(g.x),
      count: 1,
      channels: C,
      height: H,
      width: W,
    }, {
      params,
    });
    const plane = H * W;
    for (let c = 0; c < C; c++) {
      let mx = 0, my = 0;
      for (let i = c * plane; i < (c + 1) * plane; i++) {
        mx += g.x[i];
        my += r.images.data[i];
      }
      assert.ok(
        Math.abs(my - m00 * mx) <= 1e-12 * plane,
        `channel ${c}: ${my / plane} vs ${(m00 * mx) / plane}`,
      );
    }
  });
}
