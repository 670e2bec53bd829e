/// <reference lib="dom" />
/**
 * The playground page: an image (generated samples, or the user's own), a
 * pipeline edited with controls generated from the op catalog or as JSON,
 * and a grid of N views (samples 0..N−1 of one seed) redrawn as the controls
 * move, with the gmm masks, the params of each view, the backend and the
 * time per batch. Bundled by build.ts with the CPU worker as `worker.js`.
 *
 * @module
 */

import {
  type Batch,
  compile,
  cpuWorkerStatus,
  decodeSpec,
  encodeSpec,
  fdaView1,
  fdaView2,
  FreqaugError,
  gmm,
  type Kernel,
  normalize,
  opCatalog,
  pipe,
  type Pipeline,
  sample,
  type SampleParams,
  setCpuWorkerModule,
} from "../mod.ts";
import { decodeImage, type Image, toBatch } from "../io.ts";
import { shapes, testCard, zonePlate } from "../src/cli/testcard.ts";
import { moduleOf } from "../src/ops/registry.ts";
import { show } from "../src/errors/error.ts";
import type { ImageShape } from "../src/ops/module.ts";
import { markIssues, type OpJson, renderForm } from "./form.ts";
import { drawMask, toDisplay, type ViewImage } from "./draw.ts";

// The bundle's worker file sits beside it (build.ts writes both).
setCpuWorkerModule(new URL("./worker.js", import.meta.url));

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const catalog = opCatalog();

type Source =
  | { readonly kind: "generated"; readonly name: string; readonly make: (h: number, w: number) => Batch }
  | { readonly kind: "file"; readonly name: string; readonly image: Image; readonly decoder: string };

const SAMPLES: readonly Extract<Source, { kind: "generated" }>[] = [
  { kind: "generated", name: "test card", make: testCard },
  { kind: "generated", name: "zone plate", make: zonePlate },
  { kind: "generated", name: "shapes", make: shapes },
];

const PRESETS: Readonly<Record<string, (size: number) => Pipeline>> = {
  "gmm c=4": () => pipe(gmm({ k: 20, sigma: [10, 15], c: 4 })),
  "gmm (lightly)": () => pipe(gmm({ c: 1, keepDC: false })),
  fdaView1: (size) => fdaView1({ inputSize: size }),
  fdaView2: (size) => fdaView2({ inputSize: size }),
  "gmm + normalize": () => pipe(gmm({ c: 4 }), normalize()),
};

const state = {
  source: SAMPLES[0] as Source,
  specText: JSON.stringify(encodeSpec(PRESETS["gmm c=4"](224)), null, 2),
  selected: 0,
  renders: 0,
  /** Whether the form must be rebuilt from the spec (it was set from the JSON or a preset, not by the form). */
  formStale: true,
};

/** The batches and kernel of the last render, reused while nothing they depend on changed. */
const cache: {
  baseKey: string;
  base: Batch | null;
  batchKey: string;
  batch: Batch | null;
  kernelKey: string;
  kernel: Kernel | null;
  result: { images: Batch; params: SampleParams[]; backend: string } | null;
  pipeline: Pipeline | null;
  /** The input side of the result. */
  size: number;
  /** What each view of the result is: its seed, or its sample of one seed. */
  labels: string[];
} = {
  baseKey: "",
  base: null,
  batchKey: "",
  batch: null,
  kernelKey: "",
  kernel: null,
  result: null,
  pipeline: null,
  size: 224,
  labels: [],
};

function options() {
  const num = (id: string, lo: number, hi: number, dflt: number) => {
    const x = Math.round(Number(($(id) as HTMLInputElement).value));
    return Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : dflt;
  };
  const threads = ($("threads") as HTMLSelectElement).value;
  return {
    // seed + 31 must stay a safe integer (the last view's seed).
    seed: num("seed", -(2 ** 53 - 1), 2 ** 53 - 1 - 32, 1),
    views: num("views", 1, 32, 8),
    vary: ($("vary") as HTMLSelectElement).value as "seeds" | "samples",
    size: Number(($("size") as HTMLSelectElement).value),
    backend: ($("backend") as HTMLSelectElement).value as "auto" | "webgpu" | "cpu",
    workers: threads === "" ? undefined : Number(threads),
    display: ($("display") as HTMLSelectElement).value as "auto" | "clamp" | "stretch",
  };
}

/** The source image as a 1-image batch of size × size: a file's image is cropped to its centre square first. */
function baseBatch(source: Source, size: number): Batch {
  if (source.kind === "generated") return source.make(size, size);
  const { image } = source;
  const side = Math.min(image.width, image.height);
  const x0 = Math.floor((image.width - side) / 2), y0 = Math.floor((image.height - side) / 2);
  const c = image.channels;
  const data = image.bitDepth === 16 ? new Uint16Array(side * side * c) : new Uint8Array(side * side * c);
  for (let y = 0; y < side; y++) {
    const from = ((y0 + y) * image.width + x0) * c;
    data.set(image.data.subarray(from, from + side * c), y * side * c);
  }
  return toBatch([{ ...image, width: side, height: side, data }], { size: { height: size, width: size }, channels: 3 });
}

// ---------------------------------------------------------------- spec and form

function setSpecText(text: string, fromForm: boolean): void {
  state.specText = text;
  // The form is never rebuilt under a control being moved: only when the spec came from elsewhere.
  if (!fromForm) state.formStale = true;
  const area = $("spec") as HTMLTextAreaElement;
  if (area.value !== text) area.value = text;
  schedule();
}

/** The ops the form edits: the last spec that decoded, every field written out. */
let formOps: OpJson[] = [];

function rebuildForm(pipeline: Pipeline): void {
  formOps = structuredClone(encodeSpec(pipeline).ops) as OpJson[];
  renderForm($("form"), catalog, formOps, options().size, {
    change: (ops) => setSpecText(JSON.stringify({ version: 1, ops }, null, 2), true),
  });
}

/** Lists a FreqaugError's issues under the JSON, and at their controls while the form shows the same spec. */
function showIssues(e: FreqaugError | null): void {
  const list = $("errors");
  list.replaceChildren();
  const issues = (e?.issues ?? []).map((i) => ({ path: i.path, text: `got ${show(i.value)}, expected ${i.expected}` }));
  for (const i of issues) {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = i.path;
    li.append(code, ` ${i.text}`);
    list.append(li);
  }
  if (e && e.omitted > 0) {
    list.append(Object.assign(document.createElement("li"), { textContent: `and ${e.omitted} more` }));
  }
  // While the JSON holds edits the form does not show (state.formStale), the paths are the JSON's, not the form's.
  const behind = e !== null && state.formStale;
  const form = $("form");
  form.inert = behind;
  form.classList.toggle("behind", behind);
  $("form-behind").hidden = !behind;
  markIssues(form, behind ? [] : issues);
}

/** Decodes the spec and shows its errors; returns the pipeline, or null. */
function decodeShown(): Pipeline | null {
  const r = decodeSpec(state.specText);
  showIssues(r._tag === "Left" ? r.left : null);
  return r._tag === "Right" ? r.right : null;
}

// ---------------------------------------------------------------- rendering

let dirty = false, running = false, changedAt = 0;
const redraws: number[] = [];

/** Asks for a render (coalesced: the latest state wins, one render at a time). */
function schedule(): void {
  if (changedAt === 0) changedAt = performance.now();
  dirty = true;
  if (!running) void loop();
}

async function loop(): Promise<void> {
  running = true;
  try {
    while (dirty) {
      dirty = false;
      const since = changedAt;
      changedAt = 0;
      await render(since);
    }
  } finally {
    running = false;
  }
}

/** What the red banner says, by source: a run that failed, the CPU workers, the page's address. */
const warnings = new Map<"run" | "workers" | "address", string>();

/** Sets or clears (null) one source's line of the banner; the others stay. */
function warn(source: "run" | "workers" | "address", text: string | null): void {
  if (text) warnings.set(source, text);
  else warnings.delete(source);
  const w = $("warning");
  w.hidden = warnings.size === 0;
  w.textContent = [...warnings.values()].join(" ");
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

async function render(since: number): Promise<void> {
  const o = options();
  const pipeline = decodeShown();
  if (!pipeline) {
    document.body.dataset.state = "error";
    return;
  }
  const pipelineKey = JSON.stringify(encodeSpec(pipeline));
  // The form follows the JSON when the JSON was edited by hand or a preset chosen (and it decodes).
  if (state.formStale) {
    rebuildForm(pipeline);
    state.formStale = false;
  }
  document.body.dataset.state = "busy";
  try {
    const baseKey = `${state.source.name}|${o.size}`;
    if (cache.baseKey !== baseKey) {
      cache.base = baseBatch(state.source, o.size);
      cache.baseKey = baseKey;
      cache.batchKey = "";
    }
    const base = cache.base!;
    const batchKey = `${baseKey}|${o.views}`;
    if (cache.batchKey !== batchKey) {
      const per = base.data.length;
      const data = new Float32Array(per * o.views);
      for (let i = 0; i < o.views; i++) data.set(base.data as Float32Array, i * per);
      cache.batch = { data, count: o.views, channels: base.channels, height: base.height, width: base.width };
      cache.batchKey = batchKey;
    }
    const kernelKey = `${pipelineKey}|${o.size}|${o.backend}|${o.workers}`;
    if (cache.kernelKey !== kernelKey) {
      cache.kernel?.dispose();
      cache.kernel = null;
      cache.kernelKey = "";
      cache.kernel = await compile(pipeline, { height: o.size, width: o.size, channels: 3 }, {
        backend: o.backend,
        workers: o.workers,
        quiet: true,
      });
      cache.kernelKey = kernelKey;
    }
    const t0 = performance.now();
    // Seeds: view i is what augment(pipeline, image, { seed: S + i }) gives (sample 0 of its seed), replayed in one
    // batch from the draws of each seed. Samples: view i is sample i of one batch drawn from seed S.
    const shape = { count: 1, height: o.size, width: o.size };
    const run = o.vary === "seeds"
      ? { params: Array.from({ length: o.views }, (_, i) => sample(pipeline, { ...shape, seed: o.seed + i })[0]) }
      : { seed: o.seed };
    const result = await cache.kernel!.run(cache.batch!, run);
    const batchMs = performance.now() - t0;
    cache.result = { images: result.images as Batch, params: result.params, backend: result.backend };
    cache.pipeline = pipeline;
    cache.size = o.size;
    cache.labels = Array.from(
      { length: o.views },
      (_, i) => o.vary === "seeds" ? `seed ${o.seed + i}` : `sample ${i} of seed ${o.seed}`,
    );
    drawGrid(pipeline, o.display);
    showSelected();
    await nextFrame();
    const redrawMs = performance.now() - since;
    redraws.push(redrawMs);
    if (redraws.length > 50) redraws.shift();
    state.renders++;
    showStatus(result.backend, batchMs, redrawMs, o);
    document.body.dataset.render = String(state.renders);
    document.body.dataset.state = "ready";
    saveAddress(pipeline);
  } catch (e) {
    document.body.dataset.state = "error";
    // A spec that decodes can still not fit the input (normalize's 2 means for 3 channels): listed as the others.
    if (e instanceof FreqaugError && e.issues.some((i) => i.path.startsWith("ops"))) showIssues(e);
    const msg = e instanceof FreqaugError
      ? e.message
      : `${(e as Error)?.name ?? "Error"}: ${(e as Error)?.message ?? e}`;
    warn("run", `This run failed: ${msg}`);
    $("status").textContent = "failed";
    return;
  }
}

function viewOf(images: Batch, i: number): ViewImage {
  const per = images.channels * images.height * images.width;
  return {
    data: (images.data as Float32Array).subarray(i * per, (i + 1) * per),
    channels: images.channels,
    height: images.height,
    width: images.width,
  };
}

function drawGrid(pipeline: Pipeline, display: "auto" | "clamp" | "stretch"): void {
  const { images } = cache.result!;
  const grid = $("grid");
  if (state.selected >= images.count) state.selected = 0;
  // Cards are kept while the count stays, so a redraw only repaints.
  if (grid.children.length !== images.count) {
    grid.replaceChildren();
    for (let i = 0; i < images.count; i++) {
      const card = document.createElement("figure");
      card.className = "view";
      card.dataset.view = String(i);
      const canvas = document.createElement("canvas");
      const cap = document.createElement("figcaption");
      const copy = document.createElement("button");
      copy.type = "button";
      copy.textContent = "copy params";
      copy.title = "copy this view's params as JSON (augment(..., { params: [them] }) replays it)";
      copy.addEventListener("click", (ev) => {
        ev.stopPropagation();
        void copyText(JSON.stringify(cache.result!.params[i]), copy);
      });
      cap.append(document.createElement("span"), copy);
      card.append(canvas, cap);
      card.tabIndex = 0;
      card.setAttribute("role", "button");
      card.setAttribute("aria-label", `view ${i + 1}: show its masks and params`);
      const select = () => {
        state.selected = i;
        showSelected();
      };
      card.addEventListener("click", select);
      card.addEventListener("keydown", (ev) => {
        if (ev.target === card && (ev.key === "Enter" || ev.key === " ")) {
          ev.preventDefault();
          select();
        }
      });
      grid.append(card);
    }
  }
  const last = pipeline.ops[pipeline.ops.length - 1];
  const undo = display === "auto" && last?.op === "normalize" ? last : null;
  for (let i = 0; i < images.count; i++) {
    const card = grid.children[i] as HTMLElement;
    card.querySelector("figcaption span")!.textContent = cache.labels[i];
    const canvas = card.querySelector("canvas")!;
    const rgba = toDisplay(viewOf(images, i), display === "stretch" ? "stretch" : "clamp", undo);
    canvas.width = images.width;
    canvas.height = images.height;
    canvas.getContext("2d")!.putImageData(new ImageData(rgba, images.width, images.height), 0, 0);
    card.classList.toggle("selected", i === state.selected);
  }
}

function showSelected(): void {
  const r = cache.result, pipeline = cache.pipeline;
  if (!r || !pipeline) return;
  const i = state.selected;
  for (const card of $("grid").children) {
    (card as HTMLElement).classList.toggle("selected", card.getAttribute("data-view") === String(i));
  }
  $("params").textContent = JSON.stringify(r.params[i], null, 1);
  drawMasks(pipeline, r.params[i], cache.labels[i]);
}

function drawMasks(pipeline: Pipeline, params: SampleParams, view: string): void {
  const box = $("masks");
  box.replaceChildren();
  const size = cache.size;
  // The shape each op sees: the input's, changed by the ops before it that reshape (a crop).
  let shape: ImageShape = { channels: 3, height: size, width: size };
  pipeline.ops.forEach((op, j) => {
    if (op.op === "gmm") {
      const fig = document.createElement("figure");
      fig.className = "mask";
      const canvas = document.createElement("canvas");
      const cap = document.createElement("figcaption");
      const p = params[j];
      const stats = drawMask(canvas, op, p, shape.height, shape.width);
      cap.textContent = stats
        ? `gmm mask, ops[${j}], ${view}: k ${op.k}, c ${op.c}; mean ${stats.mean.toFixed(3)}, min ${
          stats.min.toFixed(3)
        }. Half-spectrum bins: u down, v right, DC top-left`
        : `gmm ops[${j}] did not apply to ${view} (p = ${op.p})`;
      fig.append(canvas, cap);
      box.append(fig);
    }
    shape = moduleOf(op).reshape?.(op, shape) ?? shape;
  });
}

function showStatus(
  backend: string,
  batchMs: number,
  redrawMs: number,
  o: ReturnType<typeof options>,
): void {
  const sorted = [...redraws].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  let where = backend;
  if (backend === "webgpu") where += adapterText ? ` (${adapterText})` : "";
  else {
    const s = cpuWorkerStatus();
    const threads = s.lastBatch.threads;
    where += `, ${threads} thread${threads === 1 ? "" : "s"}`;
    if (s.lastBatch.path === "shared") where += ", shared memory";
    if (s.lastBatch.path === "transfer") where += ", batches transferred (page not cross-origin isolated)";
    if (threads === 1 && !s.failure && o.workers === undefined) where += " (batch too small for workers)";
    where += s.kernels ? ", WebAssembly SIMD kernels" : ", TypeScript kernels";
    warn(
      "workers",
      s.failure ? `CPU workers could not start: ${s.failure}. Batches run on this page's main thread.` : null,
    );
  }
  warn("run", null);
  $("status").textContent = where;
  $("timing").textContent = `${o.views} view${o.views === 1 ? "" : "s"} of ${o.size}×${o.size}: batch ${
    batchMs.toFixed(1)
  } ms · control → grid ${redrawMs.toFixed(1)} ms (median of last ${sorted.length}: ${median.toFixed(1)} ms)`;
  document.body.dataset.backend = backend;
  document.body.dataset.batchMs = batchMs.toFixed(2);
  document.body.dataset.redrawMs = redrawMs.toFixed(2);
}

async function copyText(text: string, button: HTMLElement): Promise<void> {
  const old = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "copied";
  } catch {
    // No clipboard (an insecure page, or permission refused): the text is selected for a manual copy instead.
    $("params").textContent = text;
    ($("params-box") as HTMLDetailsElement).open = true;
    getSelection()?.selectAllChildren($("params"));
    button.textContent = "selected below";
  }
  setTimeout(() => button.textContent = old, 1200);
}

// ---------------------------------------------------------------- images

async function loadFile(file: File): Promise<void> {
  const info = $("image-info");
  info.textContent = `reading ${file.name}…`;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let image: Image, decoder: string;
  try {
    image = decodeImage(bytes);
    decoder = "freqaug's decoder";
  } catch (e) {
    // Formats the library does not read (WebP, GIF, AVIF…) go through the browser.
    try {
      const bitmap = await createImageBitmap(new Blob([bytes]));
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = c.getContext("2d")!;
      g.drawImage(bitmap, 0, 0);
      const d = g.getImageData(0, 0, bitmap.width, bitmap.height);
      image = { width: d.width, height: d.height, channels: 4, bitDepth: 8, data: new Uint8Array(d.data.buffer) };
      decoder = "the browser's decoder (freqaug's own read PNG and JPEG)";
    } catch {
      info.textContent = `${file.name}: ${e instanceof FreqaugError ? e.message : String(e)}`;
      return;
    }
  }
  state.source = { kind: "file", name: `${file.name}#${Date.now()}`, image, decoder };
  info.textContent = `${file.name}: ${image.width}×${image.height}, ${image.channels} channel${
    image.channels === 1 ? "" : "s"
  }, ${image.bitDepth}-bit, read by ${decoder}; centre square resized to the size below`;
  schedule();
}

function setupImages(): void {
  const box = $("samples");
  for (const s of SAMPLES) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "sample";
    b.dataset.sample = s.name;
    const c = document.createElement("canvas");
    const thumb = s.make(48, 48);
    c.width = c.height = 48;
    c.getContext("2d")!.putImageData(new ImageData(toDisplay(viewOf(thumb, 0), "clamp", null), 48, 48), 0, 0);
    b.append(c, s.name);
    b.addEventListener("click", () => {
      state.source = s;
      $("image-info").textContent = `${s.name}: generated`;
      schedule();
    });
    box.append(b);
  }
  const file = $("file") as HTMLInputElement;
  file.addEventListener("change", () => {
    const f = file.files?.[0];
    // Emptied, so that choosing the same file again (after a sample) is a change too.
    file.value = "";
    if (f) void loadFile(f);
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  // A file dropped anywhere on the page is taken (the browser would otherwise open it in place of the page).
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer?.files?.[0];
    if (f) void loadFile(f);
  });
  $("image-info").textContent = `${state.source.name}: generated`;
}

// ---------------------------------------------------------------- start

let adapterText = "";

async function describeAdapter(): Promise<void> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    adapterText = "";
    ($("backend") as HTMLSelectElement).querySelector<HTMLOptionElement>('option[value="webgpu"]')!.textContent =
      "webgpu (not in this browser)";
    return;
  }
  try {
    const a = await gpu.requestAdapter();
    if (!a) {
      ($("backend") as HTMLSelectElement).querySelector<HTMLOptionElement>('option[value="webgpu"]')!.textContent =
        "webgpu (no adapter)";
      return;
    }
    const info = a.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    adapterText = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") || "adapter";
    if (info.isFallbackAdapter) adapterText += ", software fallback";
  } catch {
    adapterText = "";
  }
}

function setup(): void {
  setupImages();
  const presets = $("presets");
  for (const [name, make] of Object.entries(PRESETS)) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.preset = name;
    b.textContent = name;
    b.addEventListener(
      "click",
      () => setSpecText(JSON.stringify(encodeSpec(make(options().size)), null, 2), false),
    );
    presets.append(b);
  }
  const area = $("spec") as HTMLTextAreaElement;
  area.value = state.specText;
  area.addEventListener("input", () => {
    state.specText = area.value;
    state.formStale = true;
    schedule();
  });
  for (const id of RUN_FIELDS) $(id).addEventListener("input", () => schedule());
  // A seed or a count out of range runs as the nearest one allowed: the box says which, once the edit is done.
  for (const id of ["seed", "views"] as const) {
    $(id).addEventListener("change", () => {
      ($(id) as HTMLInputElement).value = String(options()[id]);
    });
  }
  $("discard-json").addEventListener("click", () => {
    state.formStale = false;
    setSpecText(JSON.stringify({ version: 1, ops: formOps }, null, 2), true);
  });
  $("copy-params").addEventListener("click", () => {
    const r = cache.result;
    if (r) void copyText(JSON.stringify(r.params[state.selected]), $("copy-params"));
  });
}

/** The run's settings, the sample and the spec, kept in the address: a reload or a shared link shows the same. */
const RUN_FIELDS = ["seed", "views", "vary", "size", "backend", "threads", "display"] as const;

function saveAddress(pipeline: Pipeline): void {
  const saved: Record<string, unknown> = { spec: encodeSpec(pipeline) };
  for (const id of RUN_FIELDS) saved[id] = ($(id) as HTMLInputElement | HTMLSelectElement).value;
  if (state.source.kind === "generated") saved.sample = state.source.name;
  history.replaceState(null, "", `#${encodeURIComponent(JSON.stringify(saved))}`);
}

function restoreAddress(): void {
  if (location.hash.length <= 1) return;
  try {
    const saved = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    if (typeof saved !== "object" || saved === null) throw new Error("not an object");
    for (const id of RUN_FIELDS) {
      const v = saved[id], input = $(id) as HTMLInputElement | HTMLSelectElement;
      if (typeof v !== "string") continue;
      // A select keeps its value only if it has that option.
      if (input instanceof HTMLSelectElement && ![...input.options].some((o) => o.value === v)) continue;
      input.value = v;
    }
    const sample = SAMPLES.find((x) => x.name === saved.sample);
    if (sample) state.source = sample;
    if (saved.spec !== undefined) state.specText = JSON.stringify(saved.spec, null, 2);
  } catch (e) {
    warn(
      "address",
      `The settings in this page's address could not be read (${(e as Error).message}): the defaults are shown.`,
    );
  }
}

restoreAddress();
setup();
await describeAdapter();
schedule();
