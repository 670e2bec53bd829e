// Parity with lightly's GaussianMixtureMask on the golden vectors.
//
// lightly computes each Gaussian factor in float32 (torch, from a float32 σ);
// `precision: "lightly"` reproduces that arithmetic bit for bit, so masks and
// outputs are checked at 1e-12 and 1e-9 from the recorded draws. The default
// float64 mask differs from lightly's by lightly's float32 rounding (relative
// ~1e-7), checked too. The transform alone is checked against the golden mask.
import assert from "node:assert/strict";
import { augment, gmm, gmmMask, pipe } from "../mod.ts";
import { planRfft2 } from "../src/math/rfft2.ts";
import { goldenCases, loadGolden } from "./_helpers.ts";

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
  const { g, gaussians, params } = loadGolden(name);
  const [C, H, W] = g.shape;
  const options = { k: g.num_gaussians, sigma: g.std_range, c: 1, keepDC: false };
  const lightly = pipe(gmm({ ...options, precision: "lightly" }));
  const float64 = pipe(gmm(options));
  const x64 = { data: Float64Array.from(g.x), count: 1, channels: C, height: H, width: W };

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

  Deno.test(`golden ${name}: lightly-precision mask from the recorded draws within 1e-12`, () => {
    const m = gmmMask(gaussians, H, W, { c: 1, keepDC: false, precision: "lightly" });
    assert.ok(maxAbs(m, g.mask) <= 1e-12, `max error ${maxAbs(m, g.mask)}`);
  });

  Deno.test(`golden ${name}: float64 mask within lightly's float32 rounding`, () => {
    const m = gmmMask(gaussians, H, W, { c: 1, keepDC: false });
    assert.ok(maxAbs(m, g.mask) <= 5e-7, `max error ${maxAbs(m, g.mask)}`);
  });

  Deno.test(`golden ${name}: augment replays lightly's draws: 1e-9 in float64, 1e-4 in float32`, async () => {
    const r64 = await augment(lightly, x64, { params });
    assert.ok(r64.images.data instanceof Float64Array);
    const e64 = maxAbs(r64.images.data, g.y);
    assert.ok(e64 <= 1e-9, `float64 max error ${e64}`);
    const r32 = await augment(lightly, { ...x64, data: Float32Array.from(g.x) }, { params });
    assert.ok(r32.images.data instanceof Float32Array);
    const e32 = maxAbs(r32.images.data, g.y);
    assert.ok(e32 <= 1e-4, `float32 max error ${e32}`);
    const f64 = await augment(float64, x64, { params });
    const ef = maxAbs(f64.images.data, g.y);
    assert.ok(ef <= 2e-7, `float64-precision max error ${ef}`);
  });

  Deno.test(`golden ${name}: lightly mode scales each channel mean by M(0, 0)`, async () => {
    const r = await augment(lightly, x64, { params });
    const plane = H * W;
    for (let c = 0; c < C; c++) {
      let mx = 0, my = 0;
      for (let i = c * plane; i < (c + 1) * plane; i++) {
        mx += g.x[i];
        my += r.images.data[i];
      }
      assert.ok(
        Math.abs(my - g.mask[0] * mx) <= 1e-12 * plane,
        `channel ${c}: ${my / plane} vs ${g.mask[0] * mx / plane}`,
      );
    }
  });
}
