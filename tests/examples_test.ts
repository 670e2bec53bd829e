// The examples run as documented.
import assert from "node:assert/strict";
import { checkSpec, MY_SPEC } from "../examples/property_test.ts";
import { sampleBatch, twoViews } from "../examples/fda_views.ts";
import { decode } from "fast-png";
import { FreqaugError } from "../mod.ts";
import { runDeno } from "./_helpers.ts";

Deno.test("examples/property_test.ts: the laws hold for its spec", async () => {
  const p = await checkSpec(MY_SPEC, { numRuns: 10 });
  assert.equal(p.ops.length, 2);
});

Deno.test("examples/property_test.ts: the mean law is not checked where it fails, and fails where forced", async () => {
  const noDC = { version: 1, ops: [{ op: "gmm", sigma: [1, 3], keepDC: false }] };
  const passed: string[] = [];
  await checkSpec(noDC, { numRuns: 5, onPass: (law) => passed.push(law) });
  assert.deepEqual(passed, ["specRoundTrips", "deterministic", "replayable", "splitInvariant"]);
  await assert.rejects(
    () => checkSpec(noDC, { numRuns: 25, laws: ["preservesChannelMeans"] }),
    /preservesChannelMeans: Property failed/,
  );
  await assert.rejects(() => checkSpec({ version: 1, ops: [{ op: "gmm", c: 0 }] }), FreqaugError);
});

Deno.test("deno task demo writes augmented images, params.jsonl and a contact sheet that decodes", async () => {
  const root = new URL("../", import.meta.url);
  const text = await runDeno(["task", "demo"]);
  assert.match(text, /^backend: cpu$/m);
  assert.match(text, /contact sheet: out\/demo\/contact-sheet\.png/);
  assert.match(text, /processed 3, skipped 0, failed 0/);
  for (const name of ["test-card", "zone-plate", "shapes"]) {
    for (const v of [0, 1]) {
      const png = decode(await Deno.readFile(new URL(`out/demo/${name}.v${v}.png`, root)));
      assert.deepEqual([png.width, png.height, png.channels], [224, 224, 3]);
    }
  }
  const sheet = decode(await Deno.readFile(new URL("out/demo/contact-sheet.png", root)));
  // Six columns (original, c = 0.25, 1, 4, 20, the mask) of 160 px and three rows.
  assert.equal(sheet.width, 8 + 6 * 168);
  assert.ok(sheet.height > 3 * 160);
  const lines = (await Deno.readTextFile(new URL("out/demo/params.jsonl", root))).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  assert.equal(lines.length, 6);
  assert.equal(lines[0].params[0].gaussians.length, 20);
});

Deno.test("examples/quickstart.ts writes its views and parameters", async () => {
  const root = new URL("../", import.meta.url);
  const text = await runDeno(["run", "--allow-read", "--allow-write", "examples/quickstart.ts"]);
  assert.match(text, /backend: cpu/);
  const png = decode(await Deno.readFile(new URL("out/quickstart/view-0.png", root)));
  assert.deepEqual([png.width, png.height, png.channels], [224, 224, 3]);
  const params = JSON.parse(await Deno.readTextFile(new URL("out/quickstart/params.json", root)));
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

Deno.test("examples/fda_views.ts: two views at 224 × 224, and it runs as documented", async () => {
  const { view1, view2 } = await twoViews(sampleBatch(2, 240), 7);
  for (const v of [view1, view2]) {
    assert.deepEqual([v.images.count, v.images.channels, v.images.height, v.images.width], [2, 3, 224, 224]);
  }
  assert.notDeepEqual(view1.images.data, view2.images.data);
  const text = await runDeno(["run", "examples/fda_views.ts"]);
  assert.match(text, /view 1: 4 × 3 × 224 × 224/);
});

const chainAdapter = await navigator.gpu?.requestAdapter().catch(() => null) ?? null;
if (!chainAdapter) {
  console.log("SKIPPED: examples/gpu_chain.ts needs a WebGPU adapter (it chains kernels on a GPUDevice)");
}
Deno.test({
  name: "examples/gpu_chain.ts: GPU to GPU between two WGSL kernels, the means as on the CPU backend",
  ignore: !chainAdapter,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const text = await runDeno(["run", "-A", "examples/gpu_chain.ts"]);
    const lines = text.split("\n").filter((l) => l.startsWith("image "));
    assert.equal(lines.length, 4);
    const worst = Number(/largest difference: (\S+)/.exec(text)?.[1]);
    assert.ok(worst <= 1e-4, `largest difference ${worst}`);
    const { chain } = await import("../examples/gpu_chain.ts");
    const device = await chainAdapter!.requestDevice();
    const { gpu, cpu } = await chain(device);
    assert.equal(gpu.length, 12);
    for (let i = 0; i < gpu.length; i++) {
      assert.ok(Math.abs(gpu[i] - cpu[i]) <= 1e-4, `mean ${i}: ${gpu[i]} vs ${cpu[i]}`);
    }
    assert.ok(Math.max(...cpu) - Math.min(...cpu) > 0.05, "the means differ by image and channel");
    device.destroy();
  },
});
