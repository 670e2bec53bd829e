/// <reference lib="dom" />
// The playground in a real browser: Debian's Chromium, headless, driven by
// playwright-core, with WebGPU through SwiftShader. The page is built and
// served as `deno task playground` serves it; every check reads what the page
// drew (canvas pixels, the errors it lists, its status) and compares views
// with the library's own output in this process for the same seed and image.
// Screenshots go to out/playground-test/. Without a browser the test says
// SKIPPED and why.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { browserThere, CHROMIUM, launchChromium } from "./_browser.ts";
import { augment, decodeSpec, encodeSpec, fdaView1, opCatalog, type Pipeline, type SampleParams } from "../mod.ts";
import { decodeImage, encodePng, type Image, toBatch } from "../io.ts";
import { testCard, zonePlate } from "../src/cli/testcard.ts";
import { type RefGaussian, refGmmMask } from "./_reference.ts";
import { servePlayground } from "../playground/serve.ts";
import { build, writeBuild } from "../playground/build.ts";
import { bash, describe, namedBlock, readmeBlocks, ROOT, run } from "./_user_project.ts";

if (!browserThere) {
  console.log(
    `SKIPPED: the playground's browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set FREQAUG_CHROMIUM)`,
  );
}

const SHOTS = new URL("../out/playground-test/", import.meta.url);
const SIZE = 224;

const launch = launchChromium;

/** A page that records its errors: uncaught exceptions and console errors (the favicon is not asked for). */
async function open(browser: Browser, url: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { context, page, errors };
}

const renders = (page: Page) => page.evaluate(() => Number(document.body.dataset.render ?? 0));

/** Does `act`, then waits for the grid to be redrawn after it (or for the page to show an error). */
async function redrawn(page: Page, act: () => Promise<unknown>, expect: "ready" | "error" = "ready"): Promise<void> {
  const before = await renders(page);
  await act();
  await page.waitForFunction(
    ([n, want]) =>
      want === "ready"
        ? Number(document.body.dataset.render ?? 0) > (n as number) && document.body.dataset.state === "ready"
        : document.body.dataset.state === "error",
    [before, expect] as const,
    { timeout: 120_000 },
  );
}

/** The RGB bytes every view of the grid shows, in order. */
function gridPixels(page: Page): Promise<{ width: number; height: number; rgba: number[] }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>("#grid canvas")].map((c) => ({
      width: c.width,
      height: c.height,
      rgba: Array.from(c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data),
    }))
  );
}

/** The largest difference (in 1/255 steps) between views drawn and the library's float images, clamped and rounded. */
function worstDifference(
  drawn: { width: number; height: number; rgba: number[] }[],
  images: { data: ArrayLike<number>; count: number; channels: number; height: number; width: number },
  first = 0,
  shown: (x: number, c: number) => number = (x) => x,
): number {
  const plane = images.height * images.width, per = images.channels * plane;
  let worst = 0;
  drawn.forEach((v, k) => {
    assert.equal(v.width, images.width);
    assert.equal(v.height, images.height);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        const x = shown(images.data[(first + k) * per + c * plane + i], c);
        const expected = Math.round(255 * Math.min(1, Math.max(0, x)));
        worst = Math.max(worst, Math.abs(expected - v.rgba[4 * i + c]));
      }
      assert.equal(v.rgba[4 * i + 3], 255);
    }
  });
  return worst;
}

/** Views already drawn, as a batch of values in [0, 1] (to compare two drawings). */
function fromPixels(views: { width: number; height: number; rgba: number[] }[]) {
  const { width, height } = views[0], plane = width * height;
  const data = new Float32Array(views.length * 3 * plane);
  views.forEach((v, k) => {
    for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) data[(k * 3 + c) * plane + i] = v.rgba[4 * i + c] / 255;
  });
  return { data, channels: 3, height, width };
}

function repeat(base: { data: Float32Array; channels: number; height: number; width: number }, n: number) {
  const data = new Float32Array(base.data.length * n);
  for (let i = 0; i < n; i++) data.set(base.data, i * base.data.length);
  return { data, count: n, channels: base.channels, height: base.height, width: base.width };
}

type Float32Batch = { data: Float32Array; count: number; channels: number; height: number; width: number };

/**
 * What the page's views should be, from the library in this process: with
 * "seeds" (the page's default) view i is `augment(pipeline, image, { seed: 1 + i })`;
 * with "samples", sample i of one batch of n copies drawn from seed 1.
 */
async function libraryViews(
  spec: unknown,
  base: Omit<Float32Batch, "count">,
  n: number,
  vary: "seeds" | "samples" = "seeds",
): Promise<Float32Batch> {
  const pipeline = pipelineOf(spec);
  if (vary === "samples") {
    return (await augment(pipeline, repeat(base, n), { seed: 1, backend: "cpu", quiet: true })).images;
  }
  const views: Float32Batch[] = [];
  for (let i = 0; i < n; i++) {
    views.push((await augment(pipeline, { ...base, count: 1 }, { seed: 1 + i, backend: "cpu", quiet: true })).images);
  }
  const per = views[0].data.length, data = new Float32Array(per * n);
  views.forEach((v, i) => data.set(v.data, i * per));
  return { ...views[0], data, count: n };
}

function pipelineOf(spec: unknown): Pipeline {
  const r = decodeSpec(spec);
  if (r._tag === "Left") throw r.left;
  return r.right;
}

async function shot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: new URL(name, SHOTS).pathname });
}

const SPEC = {
  version: 1,
  ops: [{ op: "gmm", k: 12, sigma: [6, 20], c: 2 }, { op: "phaseShift", p: 0.5 }, { op: "horizontalFlip" }],
};

Deno.test({
  name: "playground: served page in headless Chromium (CPU workers, WebGPU, parity, errors, replay)",
  ignore: !browserThere,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const server = await servePlayground({ port: 0, log: () => {} });
    const browser = await launch();
    try {
      const { context, page, errors } = await open(browser, server.url);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      await page.waitForFunction(() => document.body.dataset.render === "1", null, { timeout: 120_000 });

      await t.step("the first grid runs on the CPU workers, in shared memory", async () => {
        const s = await page.evaluate(() => ({
          status: document.getElementById("status")!.textContent,
          warning: document.getElementById("warning")!.hidden,
          isolated: crossOriginIsolated,
          views: document.querySelectorAll("#grid canvas").length,
          cores: navigator.hardwareConcurrency,
        }));
        assert.equal(s.isolated, true);
        assert.equal(s.views, 8);
        // 8 views of 3 × 224² are enough for the workers: one thread per core.
        assert.equal(s.status, `cpu, ${s.cores} threads, shared memory, WebAssembly SIMD kernels`);
        assert.equal(s.warning, true, "no warning shown");
        await shot(page, "playground-cpu.png");
      });

      await t.step("a control for every option of every op, from the catalog", async () => {
        await redrawn(page, () => page.fill("#spec", JSON.stringify({ version: 1, ops: [] })));
        for (const info of opCatalog()) {
          // An op is added from the menu: its card has a control (or a nested list) per option.
          await page.selectOption("#form > .ops > select.add", info.name);
          const i = await page.locator("#form > .ops > .op").count() - 1;
          const card = page.locator(`#form > .ops > .op[data-path="ops[${i}]"]`);
          assert.equal(await card.getAttribute("data-op"), info.name);
          for (const f of info.options) {
            const at = `ops[${i}].${f.name}`;
            const n = await card.locator(`[data-path="${at}"], [data-path="${at}[0]"]`).count();
            assert.ok(n >= 1, `no control for ${at} (${f.control.kind})`);
          }
        }
        // Combinators got a child; rrc a size: the whole list decodes and draws.
        await page.waitForFunction(() => document.body.dataset.state !== "busy");
        const c = page.locator('#form input[type=range][data-path="ops[0].c"]');
        assert.equal(await c.getAttribute("data-scale"), "log");
        // A combinator's list offers no crop (a child cannot reshape); the top level does.
        const nested = await page.locator('select.add[aria-label^="add an op to ops["] option').allTextContents();
        const top = await page.locator("#form > .ops > select.add option").allTextContents();
        assert.ok(nested.length > 0 && !nested.some((o) => o.startsWith("randomResizedCrop")), nested.join("\n"));
        assert.ok(top.some((o) => o.startsWith("randomResizedCrop")));
        await redrawn(page, () => page.fill("#spec", JSON.stringify(SPEC)));
      });

      const gpuAdapter = await page.evaluate(async () =>
        Boolean(await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter())
      );
      if (!gpuAdapter) {
        console.log("  SKIPPED: WebGPU parity: this Chromium has no WebGPU adapter (SwiftShader missing?)");
        await t.step("without a WebGPU adapter, choosing webgpu says why on the page", async () => {
          await redrawn(page, () => page.selectOption("#backend", "webgpu"), "error");
          assert.match((await page.locator("#warning").textContent())!, /^This run failed: .*WebGPU|webgpu/);
        });
      }
      for (const backend of gpuAdapter ? ["cpu", "webgpu"] as const : ["cpu"] as const) {
        await t.step(`views match the library's output for the same seed and image (${backend})`, async () => {
          await redrawn(page, () => page.selectOption("#backend", backend));
          const status = await page.evaluate(() => document.getElementById("status")!.textContent!);
          assert.ok(status.startsWith(backend), status);
          const drawn = await gridPixels(page);
          const images = await libraryViews(SPEC, testCard(SIZE, SIZE), drawn.length);
          const worst = worstDifference(drawn, images);
          console.log(`  ${backend}: ${drawn.length} views of ${SIZE}², worst difference ${worst}/255`);
          assert.ok(worst <= 1, `worst difference ${worst}/255`);
          await shot(page, `playground-${backend}.png`);
        });
      }
      await redrawn(page, () => page.selectOption("#backend", "cpu"));

      await t.step("views as samples 0..N−1 of one seed: one batch of the library", async () => {
        assert.equal(await page.locator("#grid figcaption span").first().textContent(), "seed 1");
        await redrawn(page, () => page.selectOption("#vary", "samples"));
        assert.equal(await page.locator("#grid figcaption span").nth(2).textContent(), "sample 2 of seed 1");
        const drawn = await gridPixels(page);
        const images = await libraryViews(SPEC, testCard(SIZE, SIZE), drawn.length, "samples");
        assert.ok(worstDifference(drawn, images) <= 1);
        // And the seeds differ from the samples (else the switch would not show).
        const seeds = await libraryViews(SPEC, testCard(SIZE, SIZE), drawn.length, "seeds");
        assert.ok(worstDifference(drawn, seeds) > 1);
        await redrawn(page, () => page.selectOption("#vary", "seeds"));
      });

      await t.step("moving the c slider (log scale) redraws the grid and rewrites the spec", async () => {
        const before = await gridPixels(page);
        await redrawn(page, () => page.locator('input[type=range][data-path="ops[0].c"]').fill("0"));
        const spec = JSON.parse(await page.inputValue("#spec"));
        // Slider 0 is the bottom of c's typical span, 0.1.
        assert.equal(spec.ops[0].c, 0.1);
        assert.equal(await page.inputValue('input.box[data-path="ops[0].c"]'), "0.1");
        const after = await gridPixels(page);
        assert.notDeepEqual(after[0].rgba, before[0].rgba);
        const images = await libraryViews(spec, testCard(SIZE, SIZE), after.length);
        assert.ok(worstDifference(after, images) <= 1);
        const mask = await page.locator("#masks canvas").count();
        assert.equal(mask, 1, "the gmm op's mask is drawn");
        // The middle of c's log span [0.1, 1000] is 10; a value typed in the box moves the slider there.
        await redrawn(page, () => page.locator('input[type=range][data-path="ops[0].c"]').fill("500"));
        assert.equal(JSON.parse(await page.inputValue("#spec")).ops[0].c, 10);
        await redrawn(page, () => page.fill('input.box[data-path="ops[0].c"]', "1"));
        assert.equal(await page.inputValue('input[type=range][data-path="ops[0].c"]'), "250");
        assert.equal(JSON.parse(await page.inputValue("#spec")).ops[0].c, 1);
      });

      await t.step("the mask shown is the gmm op's mask for the selected view's draws", async () => {
        await page.locator('#grid .view[data-view="2"]').click();
        const params = JSON.parse(await page.locator("#params").textContent() ?? "null") as SampleParams;
        const mask = await page.evaluate(() => {
          const c = document.querySelector<HTMLCanvasElement>("#masks canvas")!;
          return {
            width: c.width,
            height: c.height,
            rgba: Array.from(c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data),
          };
        });
        const spec = JSON.parse(await page.inputValue("#spec"));
        const g = params[0] as unknown as { gaussians: RefGaussian[] };
        const V = SIZE / 2 + 1;
        assert.deepEqual([mask.width, mask.height], [V, SIZE], "half-spectrum: V columns, H rows");
        const expected = refGmmMask(g.gaussians, SIZE, SIZE, spec.ops[0].c, spec.ops[0].keepDC);
        let worst = 0;
        for (let i = 0; i < SIZE * V; i++) {
          const q = Math.round(255 * Math.min(1, Math.max(0, expected[i])));
          worst = Math.max(worst, Math.abs(q - mask.rgba[4 * i]));
        }
        assert.ok(worst <= 1, `mask differs by ${worst}/255`);
        assert.match(
          (await page.locator("#masks figcaption").textContent())!,
          /^gmm mask, ops\[0\], seed 3: k 12, c 1;/,
        );
      });

      await t.step("a bad spec shows its errors with their JSON paths, and a good one recovers", async () => {
        const bad = { version: 1, ops: [{ op: "gmm", c: -1, sigma: [3, "x"] }] };
        await redrawn(page, () => page.fill("#spec", JSON.stringify(bad)), "error");
        const listed = await page.locator("#errors li").allTextContents();
        assert.ok(
          listed.some((l) => l.startsWith("ops[0].c got -1, expected a number in [1e-6, 1e6]")),
          listed.join("\n"),
        );
        assert.ok(listed.some((l) => l.startsWith('ops[0].sigma[1] got "x"')), listed.join("\n"));
        await shot(page, "playground-error.png");
        await redrawn(page, () => page.fill("#spec", '{"version": 1, "ops": [{"op": "gmm",}]}'), "error");
        const syntax = await page.locator("#errors li").allTextContents();
        assert.match(syntax.join("\n"), /^\(root\) .*JSON text .*line 1 column/m);
        await redrawn(page, () => page.fill("#spec", JSON.stringify(SPEC)));
        assert.deepEqual(await page.locator("#errors li").allTextContents(), []);
      });

      await t.step("a control's bad value is shown at the control, as typed", async () => {
        await redrawn(page, () => page.fill('input.box[data-path="ops[0].k"]', "0"), "error");
        const at = await page.locator('[data-issue="ops[0].k"]').textContent();
        assert.equal(at, "got 0, expected an integer in 1..1024");
        await redrawn(page, () => page.fill('input.box[data-path="ops[0].k"]', "1e999"), "error");
        assert.equal(
          await page.locator('[data-issue="ops[0].k"]').textContent(),
          'got "1e999", expected an integer in 1..1024',
        );
        await redrawn(page, () => page.fill('input.box[data-path="ops[0].k"]', "12"));
        // An item's error is shown at its field: ops[0].sigma[1] at sigma.
        await redrawn(page, () => page.fill('input.box[data-path="ops[0].sigma[1]"]', "x"), "error");
        assert.equal(
          await page.locator('[data-issue="ops[0].sigma"]').textContent(),
          'got "x", expected a number in [0.001, 1e6]',
        );
        await redrawn(page, () => page.fill('input.box[data-path="ops[0].sigma[1]"]', "20"));
      });

      await t.step("a range's ends stay ordered: one moved past the other takes it along", async () => {
        const sigma = async () => JSON.parse(await page.inputValue("#spec")).ops[0].sigma;
        // The top of σ's log span [0.5, 200], past hi (20): both ends 200.
        await redrawn(page, () => page.locator('input[type=range][data-path="ops[0].sigma[0]"]').fill("1000"));
        assert.deepEqual(await sigma(), [200, 200]);
        assert.equal(await page.inputValue('input.box[data-path="ops[0].sigma[1]"]'), "200");
        // lo back to the bottom: hi stays.
        await redrawn(page, () => page.locator('input[type=range][data-path="ops[0].sigma[0]"]').fill("0"));
        assert.deepEqual(await sigma(), [0.5, 200]);
        await redrawn(page, () => page.fill("#spec", JSON.stringify(SPEC)));
      });

      await t.step("JSON edits the form cannot show: the form waits, and can discard them", async () => {
        const good = await page.inputValue("#spec");
        const edited = { version: 1, ops: [{ ...SPEC.ops[0], kk: 1 }, ...SPEC.ops.slice(1), { op: "verticalFlip" }] };
        await redrawn(page, () => page.fill("#spec", JSON.stringify(edited)), "error");
        assert.equal(await page.locator("#form-behind").isVisible(), true);
        assert.equal(await page.evaluate(() => document.getElementById("form")!.inert), true);
        // The JSON's paths are not pinned on the form's old controls.
        assert.deepEqual(await page.locator("#form [data-issue]:not(:empty)").count(), 0);
        assert.match((await page.locator("#errors li").allTextContents()).join("\n"), /^ops\[0\]\.kk /m);
        await redrawn(page, () => page.locator("#discard-json").click());
        // The form's spec again: every field written out, the same pipeline as before the edits.
        assert.deepEqual(encodeSpec(pipelineOf(await page.inputValue("#spec"))), encodeSpec(pipelineOf(good)));
        assert.equal(await page.locator("#form-behind").isVisible(), false);
      });

      await t.step("a spec that decodes but does not fit the image: its error listed with its path", async () => {
        const spec = { version: 1, ops: [{ op: "normalize", mean: [0, 0], std: [1, 1] }] };
        await redrawn(page, () => page.fill("#spec", JSON.stringify(spec)), "error");
        assert.match((await page.locator("#errors li").allTextContents()).join("\n"), /^ops\[0\]\.mean got \[0,0\]/m);
        await redrawn(page, () => page.fill("#spec", JSON.stringify(SPEC)));
      });

      await t.step("a view's params replay it in the library", async () => {
        await page.locator('#grid .view[data-view="3"]').click();
        const shown = JSON.parse(await page.locator("#params").textContent() ?? "null") as SampleParams;
        await page.locator('#grid .view[data-view="3"] button').click();
        const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
        assert.deepEqual(copied, shown);
        const { images } = await augment(pipelineOf(SPEC), testCard(SIZE, SIZE), {
          params: [copied],
          backend: "cpu",
          quiet: true,
        });
        const drawn = (await gridPixels(page))[3];
        assert.equal(worstDifference([drawn], images), 0);
      });

      await t.step("an uploaded PNG: its centre square, resized, through the same pipeline", async () => {
        // An odd difference of sides: the crop's left edge is floor(101 / 2) = 50.
        const png = gradientPng(301, 200);
        const file = await Deno.makeTempFile({ suffix: ".png" });
        try {
          await Deno.writeFile(file, png);
          await redrawn(page, () => page.setInputFiles("#file", file));
        } finally {
          await Deno.remove(file);
        }
        const info = await page.locator("#image-info").textContent();
        assert.match(info!, /301×200, 3 channels, 8-bit, read by freqaug's decoder/);
        const image = decodeImage(png);
        const square = centreSquare(image);
        const base = toBatch([square], { size: { height: SIZE, width: SIZE }, channels: 3 });
        const drawn = await gridPixels(page);
        const images = await libraryViews(SPEC, base, drawn.length);
        assert.ok(worstDifference(drawn, images) <= 1);
      });

      await t.step("the generated samples: each one is the library's own picture", async () => {
        await redrawn(page, () => page.locator('button[data-sample="zone plate"]').click());
        const drawn = await gridPixels(page);
        assert.ok(worstDifference(drawn, await libraryViews(SPEC, zonePlate(SIZE, SIZE), drawn.length)) <= 1);
        assert.equal(await page.locator("#image-info").textContent(), "zone plate: generated");
      });

      await t.step("presets: fdaView1 runs, its final normalize undone for display", async () => {
        await redrawn(page, () => page.locator('button[data-sample="test card"]').click());
        await redrawn(page, () => page.locator('button[data-preset="fdaView1"]').click());
        const spec = JSON.parse(await page.inputValue("#spec"));
        assert.deepEqual(spec, encodeSpec(fdaView1({ inputSize: SIZE })));
        const drawn = await gridPixels(page);
        const images = await libraryViews(spec, testCard(SIZE, SIZE), drawn.length);
        const { mean, std } = spec.ops.at(-1) as { mean: number[]; std: number[] };
        const worst = worstDifference(drawn, images, 0, (x, c) => x * std[c] + mean[c]);
        assert.ok(worst <= 1, `worst difference ${worst}/255`);
        await shot(page, "playground-fdaView1.png");
      });

      await t.step("a reload shows the same page: the settings and the spec are kept in the address", async () => {
        await redrawn(page, () => page.fill("#seed", "5"));
        const spec = await page.inputValue("#spec");
        const before = await gridPixels(page);
        await page.reload();
        await page.waitForFunction(() => document.body.dataset.render === "1", null, { timeout: 120_000 });
        assert.equal(await page.inputValue("#seed"), "5");
        assert.deepEqual(JSON.parse(await page.inputValue("#spec")), JSON.parse(spec));
        assert.equal(await page.locator("#grid figcaption span").first().textContent(), "seed 5");
        assert.equal(worstDifference(await gridPixels(page), { ...fromPixels(before), count: before.length }), 0);
      });

      assert.deepEqual(errors, [], errors.join("\n"));
      await context.close();
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "playground: a worker file that does not load is said on the page; the grid is still drawn",
  ignore: !browserThere,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await servePlayground({ port: 0, log: () => {} });
    const browser = await launch();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      // As a bundle whose worker file was not deployed.
      await page.route("**/worker.js", (route) => route.fulfill({ status: 404, body: "not found" }));
      await page.goto(server.url);
      await page.waitForFunction(() => Number(document.body.dataset.render ?? 0) >= 1, null, { timeout: 120_000 });
      // The first batch waits for its workers' answers, so it ends knowing they failed.
      const warning = await page.locator("#warning").textContent();
      assert.match(warning!, /^CPU workers could not start: the CPU worker module http:.*\/worker\.js did not load\./);
      assert.equal(await page.locator("#grid canvas").count(), 8);
      await shot(page, "playground-no-workers.png");
      await context.close();
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "playground: the static build works from a plain file server (no isolation: batches by transfer)",
  ignore: !browserThere,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "freqaug-static-" });
    const out = `${dir}/playground`;
    await writeBuild(await build(), out);
    const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(names, ["_headers", "app.js", "index.html", "style.css", "worker.js"]);
    // A static server that sends no COOP/COEP headers.
    const ac = new AbortController();
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen() {} }, async (req) => {
      const name = new URL(req.url).pathname.slice(1) || "index.html";
      try {
        const body = await Deno.readFile(`${out}/${name.replaceAll("..", "")}`);
        const type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
        return new Response(body, { headers: { "Content-Type": type } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    });
    const browser = await launch();
    try {
      const { page, errors } = await open(browser, `http://127.0.0.1:${server.addr.port}/`);
      await page.waitForFunction(() => document.body.dataset.render === "1", null, { timeout: 120_000 });
      const s = await page.evaluate(() => ({
        status: document.getElementById("status")!.textContent!,
        isolated: crossOriginIsolated,
      }));
      assert.equal(s.isolated, false);
      assert.match(s.status, /^cpu, \d+ threads, batches transferred \(page not cross-origin isolated\)/);
      const drawn = await gridPixels(page);
      const spec = JSON.parse(await page.inputValue("#spec"));
      const images = await libraryViews(spec, testCard(SIZE, SIZE), drawn.length);
      assert.ok(worstDifference(drawn, images) <= 1);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      ac.abort();
      await server.finished;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** A smooth, non-square RGB picture as PNG bytes (no two columns alike, so a wrong crop shows). */
function gradientPng(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = 3 * (y * width + x);
      data[o] = Math.round(255 * x / (width - 1));
      data[o + 1] = Math.round(255 * y / (height - 1));
      data[o + 2] = Math.round(127.5 + 127.5 * Math.sin(x / 7 + y / 11));
    }
  }
  return encodePng({ width, height, channels: 3, bitDepth: 8, data });
}

/** The centred square of an 8-bit image, written here apart from the page's own crop. */
function centreSquare(image: Image): Image {
  const side = Math.min(image.width, image.height), c = image.channels;
  const left = (image.width - side) >> 1, top = (image.height - side) >> 1;
  const data = new Uint8Array(side * side * c);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      for (let k = 0; k < c; k++) {
        data[(y * side + x) * c + k] = image.data[((top + y) * image.width + left + x) * c + k];
      }
    }
  }
  return { ...image, width: side, height: side, data };
}

// The README's commands, as written (no browser needed).
const commands = namedBlock(await readmeBlocks(), "commands (playground)").text.split("\n")
  .map((l) => l.replace(/#.*$/, "").trim()).filter((l) => l !== "");
const serveCommand = commands.find((c) => c.startsWith("deno task playground ") || c === "deno task playground");
const buildCommand = commands.find((c) => c.startsWith("deno task playground:build"));

Deno.test("playground: the README's build command writes the page to out/playground, with nothing from a CDN", async () => {
  assert.ok(buildCommand, `no build command in:\n${commands.join("\n")}`);
  const r = await bash(buildCommand, { cwd: ROOT });
  assert.equal(r.code, 0, describe(r, buildCommand));
  const dir = new URL("out/playground/", ROOT);
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(names, ["_headers", "app.js", "index.html", "style.css", "worker.js"]);
  const html = await Deno.readTextFile(new URL("index.html", dir));
  // Every address the page loads is its own file.
  const refs = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(refs.sort(), ["app.js", "data:,", "style.css"]);
  for (const js of ["app.js", "worker.js"]) {
    const text = await Deno.readTextFile(new URL(js, dir));
    assert.doesNotMatch(text, /\bimport\s*(?:\(\s*)?["']https?:|from\s*["']https?:|from\s*["'](?:npm|jsr):/, js);
  }
  const headers = await Deno.readTextFile(new URL("_headers", dir));
  assert.match(headers, /Cross-Origin-Opener-Policy: same-origin/);
  assert.match(headers, /Cross-Origin-Embedder-Policy: require-corp/);
});

Deno.test("playground: the README's serve command serves the page on 127.0.0.1 with isolation headers", async () => {
  if (!serveCommand?.includes("--port 8000")) {
    throw new Error(`no serve command with --port in:\n${commands.join("\n")}`);
  }
  // --port 0: any free port (the README's 8000 may be taken here); the command prints where it listens.
  const child = new Deno.Command("setsid", {
    args: ["bash", "-c", `exec ${serveCommand.replace("--port 8000", "--port 0")}`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let seen = "", url: string | undefined;
    const deadline = Date.now() + 60_000;
    while (!url && Date.now() < deadline) {
      const { value, done } = await lines.read();
      if (done) break;
      seen += value;
      url = /freqaug playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(seen)?.[1];
    }
    assert.ok(url, `no address printed; stdout:\n${seen}`);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    assert.equal(page.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.match(await page.text(), /<script type="module" src="app\.js">/);
    for (
      const [path, status, type] of [
        ["app.js", 200, /^text\/javascript/],
        ["worker.js", 200, /^text\/javascript/],
        ["style.css", 200, /^text\/css/],
        ["_headers", 404, /^text\/plain/],
        ["../deno.json", 404, /^text\/plain/],
        ["nothing.js", 404, /^text\/plain/],
      ] as const
    ) {
      const r: Response = await fetch(new URL(path, url));
      await r.body?.cancel();
      assert.equal(r.status, status, path);
      assert.match(r.headers.get("content-type")!, type, path);
    }
  } finally {
    Deno.kill(-child.pid, "SIGTERM");
    await lines.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await child.status;
  }
});

Deno.test("playground: the server refuses a bad --port with its range", async () => {
  const r = await run(Deno.execPath(), ["run", "--allow-read", "playground/serve.ts", "--port", "70000"], {
    cwd: ROOT,
  });
  assert.equal(r.code, 2, describe(r, "--port 70000"));
  assert.match(r.stderr, /^--port: got 70000, expected an integer in 0\.\.65535/);
});
