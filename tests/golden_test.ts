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
import { GOLDEN_DIR, goldenCases, loadGolden, maxDiff, parseGolden } from "./_helpers.ts";

const cases = goldenCases();

Deno.test("golden: all five lightly cases are present", () => {
  assert.deepEqual(cases, [
    "c1_24x17_k6.bin",
    "c3_224x224_k20.bin",
    "c3_31x20_k8.bin",
    "c3_32x32_k20.bin",
    "c3_64x48_k5.bin",
  ]);
});

Deno.test("golden: the loader refuses corrupt and truncated files with a clear error", () => {
  const good = Deno.readFileSync(new URL("c1_24x17_k6.bin", GOLDEN_DIR));
  const g = parseGolden(good, "c1_24x17_k6.bin");
  assert.deepEqual([g.x.length, g.mask.length, g.y.length], [408, 24 * 9, 408]);
  const refuses = (bytes: Uint8Array, message: RegExp) =>
    assert.throws(
      () => parseGolden(bytes, "case.bin"),
      (e: Error) => message.test(e.message) && /^case\.bin: /.test(e.message),
    );
  const edited = (edit: (b: Uint8Array, v: DataView) => void) => {
    const b = good.slice();
    edit(b, new DataView(b.buffer));
    return b;
  };
  refuses(good.subarray(0, 5), /truncated: 5 bytes, shorter than the 12-byte preamble/);
  refuses(edited((b) => b[0] = 0x7b), /bad magic/);
  refuses(new TextEncoder().encode(JSON.stringify({ shape: [1, 2, 2] })), /bad magic/);
  refuses(edited((_, v) => v.setUint32(8, good.length, true)), /header length \d+ runs past the end of the file/);
  refuses(good.subarray(0, 200), /header length \d+ runs past the end of the file \(200 bytes\)/);
  refuses(good.subarray(0, good.length - 8), /truncated: "y" needs bytes \d+\.\.\d+, the file has \d+/);
  refuses(edited((b) => b[12] = 0x5b), /header is not UTF-8 JSON/);
  refuses(edited((b) => b[12] = 0xff), /header is not UTF-8 JSON/);
  const header = (h: Record<string, unknown>) => {
    const json = new TextEncoder().encode(JSON.stringify(h));
    const b = new Uint8Array(12 + json.length);
    b.set(new TextEncoder().encode("FQGOLD1\n"));
    new DataView(b.buffer).setUint32(8, json.length, true);
    b.set(json, 12);
    return b;
  };
  const base = { source: "s", shape: [1, 24, 17], num_gaussians: 0, std_range: [1, 2], gaussians: [] };
  refuses(header({ ...base, shape: [24, 17] }), /"shape" is not \[C, H, W\]/);
  refuses(header({ ...base, num_gaussians: 1 }), /"gaussians" is not 1 draws/);
  refuses(header(base), /"arrays" is missing/);
  refuses(
    header({ ...base, arrays: { x: [16, 407], mask: [0, 216], y: [0, 408] } }),
    /"x" has 407 values; shape 1x24x17 needs 408/,
  );
  refuses(
    header({ ...base, arrays: { x: [0, 408], mask: [0, 216], y: [0, 408] } }),
    /"x" starts at byte 0: inside the header/,
  );
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
    assert.ok(maxDiff(out, g.y) <= 1e-12, `max error ${maxDiff(out, g.y)}`);
  });

  Deno.test(`golden ${name}: lightly-precision mask from the recorded draws within 1e-12`, () => {
    const m = gmmMask(gaussians, H, W, { c: 1, keepDC: false, precision: "lightly" });
    assert.ok(maxDiff(m, g.mask) <= 1e-12, `max error ${maxDiff(m, g.mask)}`);
  });

  Deno.test(`golden ${name}: float64 mask within lightly's float32 rounding`, () => {
    const m = gmmMask(gaussians, H, W, { c: 1, keepDC: false });
    assert.ok(maxDiff(m, g.mask) <= 5e-7, `max error ${maxDiff(m, g.mask)}`);
  });

  Deno.test(`golden ${name}: augment replays lightly's draws: 1e-9 in float64, 1e-4 in float32`, async () => {
    const r64 = await augment(lightly, x64, { params });
    assert.ok(r64.images.data instanceof Float64Array);
    const e64 = maxDiff(r64.images.data, g.y);
    assert.ok(e64 <= 1e-9, `float64 max error ${e64}`);
    const r32 = await augment(lightly, { ...x64, data: Float32Array.from(g.x) }, { params });
    assert.ok(r32.images.data instanceof Float32Array);
    const e32 = maxDiff(r32.images.data, g.y);
    assert.ok(e32 <= 1e-4, `float32 max error ${e32}`);
    const f64 = await augment(float64, x64, { params });
    const ef = maxDiff(f64.images.data, g.y);
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
