// The examples run as documented.
import assert from "node:assert/strict";
import { checkSpec, MY_SPEC } from "../examples/property_test.ts";
import { decode } from "fast-png";
import { FreqaugError } from "../mod.ts";
import { runDeno } from "./_helpers.ts";

Deno.test("examples/property_test.ts: the laws hold for its spec", async () => {
  const p = await checkSpec(MY_SPEC, { numRuns: 10 });
  assert.equal(p.ops.length, 2);
});

Deno.test("examples/property_test.ts: a spec that does not keep DC is caught", async () => {
  await assert.rejects(
    () => checkSpec({ version: 1, ops: [{ op: "gmm", sigma: [1, 3], keepDC: false }] }, { numRuns: 25 }),
    /Property failed/,
  );
  await assert.rejects(() => checkSpec({ version: 1, ops: [{ op: "gmm", c: 0 }] }), FreqaugError);
});

Deno.test("deno task demo writes its images and parameters", async () => {
  const root = new URL("../", import.meta.url);
  const text = await runDeno(["task", "demo"]);
  assert.match(text, /backend: cpu/);
  for (const f of ["input.png", "view-0.png", "view-3.png", "lightly-0.png", "params.json"]) {
    const bytes = await Deno.readFile(new URL(`out/demo/${f}`, root));
    assert.ok(bytes.length > 100, f);
  }
  const png = decode(await Deno.readFile(new URL("out/demo/view-0.png", root)));
  assert.equal(png.width, 224);
  assert.equal(png.height, 224);
  assert.equal(png.channels, 3);
  const params = JSON.parse(await Deno.readTextFile(new URL("out/demo/params.json", root)));
  assert.equal(params.params.length, 4);
  assert.equal(params.params[0][0].gaussians.length, 20);
});

Deno.test("examples/gpu.ts runs, on the CPU backend too", async () => {
  for (const args of [["--cpu"], []]) {
    const text = await runDeno(["run", "-A", "examples/gpu.ts", ...args]);
    assert.match(text, /^rows: load → row rfft → parameter draws/m);
    assert.match(text, /stream: 128 images/);
    if (args.length) assert.match(text, /running on cpu/);
  }
});
