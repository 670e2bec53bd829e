/// <reference lib="dom" />
/**
 * The playground's response time in headless Chromium: how long from a
 * control moving (gmm's c slider) to the grid of views redrawn, and the
 * batch's own time, at 8 views of 224² on each backend the browser has.
 * Prints JSON. Needs Chromium (`FREQAUG_CHROMIUM`, default /usr/bin/chromium).
 *
 *   deno run -A bench/playground.ts [--moves 20] [--views 8] [--size 224]
 *
 * @module
 */

import { launchChromium } from "../tests/_browser.ts";
import { augment, decodeSpec } from "../mod.ts";
import { testCard } from "../src/cli/testcard.ts";
import { servePlayground } from "../playground/serve.ts";

const arg = (name: string, dflt: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : dflt;
};
const moves = arg("moves", 20), views = arg("views", 8), size = arg("size", 224);
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
};

const server = await servePlayground({ port: 0, log: () => {} });
const browser = await launchChromium();
const results: Record<string, unknown>[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url);
  const renders = () => page.evaluate(() => Number(document.body.dataset.render ?? 0));
  const settle = async (act: () => Promise<unknown>) => {
    const n = await renders();
    await act();
    await page.waitForFunction(
      (k) => Number(document.body.dataset.render ?? 0) > k && document.body.dataset.state === "ready",
      n,
      { timeout: 300_000 },
    );
  };
  await page.waitForFunction(() => document.body.dataset.render === "1", null, { timeout: 300_000 });
  await settle(() => page.fill("#views", String(views)));
  await settle(() => page.selectOption("#size", String(size)));
  const adapter = await page.evaluate(async () => {
    const a = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
    return a ? [a.info.vendor, a.info.architecture, a.info.description].filter(Boolean).join(" ") : null;
  });
  for (const backend of adapter ? ["cpu", "webgpu"] : ["cpu"]) {
    await settle(() => page.selectOption("#backend", backend));
    // Two warm-up moves: the kernel is compiled, workers started.
    for (const v of ["100", "900"]) await settle(() => page.locator('input[type=range][data-path="ops[0].c"]').fill(v));
    const redraw: number[] = [], batch: number[] = [];
    for (let k = 0; k < moves; k++) {
      const v = String(Math.round(200 + (600 * k) / Math.max(1, moves - 1)));
      await settle(() => page.locator('input[type=range][data-path="ops[0].c"]').fill(v));
      const d = await page.evaluate(() => ({ ...document.body.dataset }));
      redraw.push(Number(d.redrawMs));
      batch.push(Number(d.batchMs));
    }
    const status = await page.evaluate(() => document.getElementById("status")!.textContent);
    results.push({
      backend,
      status,
      views,
      size,
      moves,
      controlToGridMs: stats(redraw),
      batchMs: stats(batch),
    });
  }
  // The same batch through the library in this Deno process: what the page adds on top of the batch.
  const spec = decodeSpec(await page.inputValue("#spec"));
  if (spec._tag === "Left") throw spec.left;
  const card = testCard(size, size);
  const data = new Float32Array(card.data.length * views);
  for (let i = 0; i < views; i++) data.set(card.data, i * card.data.length);
  const batch = { data, count: views, channels: 3, height: size, width: size };
  const deno: number[] = [];
  for (let k = 0; k < moves + 2; k++) {
    const t0 = performance.now();
    await augment(spec.right, batch, { seed: 1, backend: "cpu", quiet: true });
    if (k >= 2) deno.push(performance.now() - t0);
  }
  results.push({ backend: "cpu", where: "deno (the same batch, no page)", views, size, batchMs: stats(deno) });
  console.log(
    JSON.stringify(
      { browser: `chromium ${browser.version()}`, adapter, cores: navigator.hardwareConcurrency, results },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  await server.close();
}
