// Parity with torchvision 0.14 (tests/golden/torchvision/, made by its generator
// with Debian's python3-torchvision): every new op, replaying the golden case's
// params on the CPU backend, within 1e-5 of torchvision's float32 output.

import assert from "node:assert/strict";
import { augment, pipe } from "../mod.ts";
import { moduleNamed } from "../src/ops/registry.ts";
import { loadTv, type TvCase, tvCases } from "./_golden_tv.ts";
import { maxDiff } from "./_helpers.ts";

const TOLERANCE = 1e-5;

/** The op of a golden case, built from its options with the library's own constructor defaults. */
function opOf(g: TvCase): Record<string, unknown> {
  const o = g.options as Record<string, unknown>;
  switch (g.op) {
    case "randomResizedCrop":
      return { op: g.op, size: o.size, antialias: o.antialias };
    case "solarize":
      return { op: g.op, threshold: o.threshold };
    default:
      return { op: g.op };
  }
}

/** freqaug's output for a golden case: its input replayed through the op with the case's params. */
async function run(g: TvCase, input: Float64Array = g.x): Promise<Float32Array> {
  const [C, H, W] = g.shapeIn;
  const r = await augment(pipe(opOf(g) as never), {
    data: Float32Array.from(input),
    count: 1,
    channels: C,
    height: H,
    width: W,
  }, { backend: "cpu", params: [[g.params as never]] });
  assert.deepEqual([r.images.channels, r.images.height, r.images.width], g.shapeOut);
  return r.images.data;
}

// Hue clamps its input to [0, 1] first (freqaug's documented difference: torchvision's
// HSV conversion turns some out-of-range pixels into NaN), so where a case hands the
// hue step values outside [0, 1], only the pixels that were in range are compared.
const HUE_SEES_OUT_OF_RANGE = new Set(["cj_out_of_range_hue_only"]);
// Hue first, then contrast's whole-image mean: the clamp changes every pixel a little.
const NOT_COMPARABLE = new Set(["cj_out_of_range_hue_first"]);

Deno.test("torchvision parity: every golden case of the new ops, within 1e-5", async () => {
  const cases = tvCases();
  assert.ok(cases.length >= 100, `only ${cases.length} golden cases`);
  const worst = new Map<string, number>();
  for (const name of cases) {
    const g = loadTv(name);
    assert.ok(moduleNamed(g.op), `${name}: no op ${g.op}`);
    if (NOT_COMPARABLE.has(name)) continue;
    const y = await run(g);
    let d: number;
    if (HUE_SEES_OUT_OF_RANGE.has(name)) {
      const [C, H, W] = g.shapeIn, plane = H * W;
      d = 0;
      let compared = 0;
      for (let i = 0; i < plane; i++) {
        const inRange = [0, 1, 2].every((c) => g.x[c * plane + i] >= 0 && g.x[c * plane + i] <= 1);
        if (!inRange) continue;
        compared++;
        for (let c = 0; c < C; c++) d = Math.max(d, Math.abs(y[c * plane + i] - g.y[c * plane + i]));
      }
      assert.ok(compared > plane / 4, `${name}: only ${compared} pixels in range`);
      void W;
    } else d = maxDiff(y, g.y);
    assert.ok(d <= TOLERANCE, `${name} (${g.op}): max |freqaug - torchvision| = ${d}`);
    worst.set(g.op, Math.max(worst.get(g.op) ?? 0, d));
  }
  console.log(JSON.stringify(Object.fromEntries([...worst].map(([k, v]) => [k, Number(v.toExponential(2))]))));
  assert.equal(worst.size, 7);
});

Deno.test("torchvision parity: the hue step never makes NaN where torchvision would (inputs out of [0, 1])", async () => {
  for (const name of NOT_COMPARABLE) {
    const g = loadTv(name);
    const y = await run(g);
    for (const v of y) assert.ok(v >= 0 && v <= 1, `${name}: ${v}`);
  }
});

Deno.test("torchvision parity: the comparison can fail (a perturbed input is caught)", async () => {
  const g = loadTv("cj_photo_hopper");
  const x = Float64Array.from(g.x);
  x[17] += 0.01;
  assert.ok(maxDiff(await run(g, x), g.y) > TOLERANCE);
});
