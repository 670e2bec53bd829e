/**
 * `freqaug demo` (`deno task demo`): generated pictures (or `--in DIR`)
 * through the default pipeline into out/demo/, with params.jsonl and a
 * contact sheet that shows what c does, what the mask looks like, and a row
 * of lightly's whole FDA view (fdaView1()) of the first picture.
 *
 * @module
 */

import { encode } from "fast-png";
import { augment } from "../api/augment.ts";
import type { BackendName } from "../api/backend.ts";
import { gmm, pipe } from "../dsl/ops.ts";
import type { GmmOp } from "../dsl/types.ts";
import { type Decoded, decodeImage, DEFAULT_MAX_PIXELS, resize } from "../io/decode.ts";
import { type Canvas, drawText, textWidth } from "../io/font.ts";
import { pngBytes } from "../io/png.ts";
import { gmmMask } from "../math/gmm.ts";
import { sampleParams } from "../params/sample.ts";
import type { GmmParams, OpParams } from "../params/types.ts";
import { fdaView1 } from "../presets/fda.ts";
import { encodeSpec } from "../spec/spec.ts";
import { DEFAULT_BATCH_PIXELS, EXIT } from "./args.ts";
import { augmentDir } from "./augment_dir.ts";
import { imageSeed, listInputs } from "./files.ts";
import { writeFileAtomic } from "./ledger.ts";
import { DEFAULT_COMPRESSION } from "./png_deflate.ts";
import { shapes, testCard, zonePlate } from "./testcard.ts";

/** The demo's pipeline: lightly's GMM settings with c = 4, the DC bin kept. */
export const DEMO_PIPELINE = pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }));

/** The values of c the contact sheet compares. */
export const SHEET_C = [0.25, 1, 4, 20] as const;

/** The c of the mask column: full-depth notches, where the Gaussians' shapes show. */
const MASK_C = 1;

const CELL = 160, GAP = 8, HEADER = 30, CAPTION = 14;

function blit(canvas: Canvas, img: Decoded, x0: number, y0: number): void {
  const plane = img.width * img.height;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = 3 * ((y0 + y) * canvas.width + x0 + x);
      for (let c = 0; c < 3; c++) {
        const v = img.data[c * plane + y * img.width + x];
        canvas.rgb[i + c] = Math.round(255 * (v < 0 ? 0 : v > 1 ? 1 : v));
      }
    }
  }
}

/** The mask on a log scale (10^-3 .. 1), half-spectrum rows down and columns across, drawn twice as wide. */
function drawMask(canvas: Canvas, mask: Float64Array, H: number, V: number, x0: number, y0: number): void {
  for (let u = 0; u < H; u++) {
    for (let x = 0; x < CELL; x++) {
      const v = Math.min(V - 1, x >> 1);
      const m = Math.max(mask[u * V + v], 1e-3);
      const t = (Math.log10(m) + 3) / 3; // 0 at 1e-3, 1 at 1
      const i = 3 * ((y0 + u) * canvas.width + x0 + x);
      // Dark blue (deep notch) to pale yellow (untouched).
      canvas.rgb[i] = Math.round(20 + 235 * t);
      canvas.rgb[i + 1] = Math.round(30 + 210 * t);
      canvas.rgb[i + 2] = Math.round(110 + 40 * t);
    }
  }
  // DC is bin (0, 0): the top-left corner, outlined in red.
  for (let d = 0; d < 7; d++) {
    for (const [x, y] of [[d, 0], [d, 6], [0, d], [6, d]]) {
      const i = 3 * ((y0 + y) * canvas.width + x0 + x);
      canvas.rgb[i] = 255;
      canvas.rgb[i + 1] = 0;
      canvas.rgb[i + 2] = 0;
    }
  }
}

/**
 * The contact sheet: a row per input; columns: the original, the GMM output
 * for the same draws at each c of {@link SHEET_C}, then the mask at c = 1;
 * and a last row of fdaView1() views of the first input, each captioned with
 * the ops that applied to it. Inputs are shown at 160×160.
 */
export async function contactSheet(
  inputs: readonly { name: string; image: Decoded; seed: number }[],
  op: GmmOp,
): Promise<Uint8Array> {
  const cols = 2 + SHEET_C.length;
  const width = GAP + cols * (CELL + GAP);
  const rowsOf = inputs.length + (inputs.length ? 1 : 0); // and a row of fdaView1() views
  const height = HEADER + rowsOf * (CELL + CAPTION + GAP) + GAP + 12;
  const canvas: Canvas = { width, height, rgb: new Uint8Array(width * height * 3).fill(255) };
  const titles = ["original", ...SHEET_C.map((c) => `c = ${c}`), `mask, c = ${MASK_C}`];
  titles.forEach((t, j) => {
    const x = GAP + j * (CELL + GAP) + Math.max(0, (CELL - textWidth(t, 2)) >> 1);
    drawText(canvas, t, x, 8, 2, [20, 20, 20]);
  });
  for (let r = 0; r < inputs.length; r++) {
    const y0 = HEADER + r * (CELL + CAPTION + GAP);
    const cell = resize(inputs[r].image, CELL, CELL);
    const x0 = (j: number) => GAP + j * (CELL + GAP);
    blit(canvas, cell, x0(0), y0);
    const caption = inputs[r].name.length > 26 ? `${inputs[r].name.slice(0, 23)}...` : inputs[r].name;
    drawText(canvas, caption, x0(0), y0 + CELL + 4, 1, [60, 60, 60]);
    const [draws] = sampleParams(pipe(op), { seed: inputs[r].seed, count: 1, height: CELL, width: CELL });
    const batch = { data: cell.data, count: 1, channels: 3, height: CELL, width: CELL };
    for (let j = 0; j < SHEET_C.length; j++) {
      const out = await augment(pipe({ ...op, c: SHEET_C[j] }), batch, { params: [draws], backend: "cpu", workers: 0 });
      blit(canvas, { width: CELL, height: CELL, data: out.images.data }, x0(1 + j), y0);
    }
    const gaussians = (draws[0] as GmmParams).gaussians;
    const V = (CELL >> 1) + 1;
    const mask = gmmMask(gaussians, CELL, CELL, { c: MASK_C, keepDC: op.keepDC, precision: op.precision });
    drawMask(canvas, mask, CELL, V, x0(cols - 1), y0);
    drawText(canvas, "log10 1e-3..1, dc red", x0(cols - 1), y0 + CELL + 4, 1, [60, 60, 60]);
  }
  if (inputs.length) await viewRow(canvas, inputs[0], HEADER + inputs.length * (CELL + CAPTION + GAP), cols);
  drawText(
    canvas,
    "same draws across each row. c is the inverse notch depth: larger c, shallower notches",
    GAP,
    height - 12,
    1,
    [90, 90, 90],
  );
  return encode({ width, height, data: canvas.rgb, channels: 3, depth: 8 });
}

/** What applied in a view, in a few letters per op, for the caption. */
function applied(params: readonly OpParams[]): string {
  const short: Record<string, string> = {
    amplitudeRescale: "amp",
    phaseShift: "phase",
    randomFrequencyMask: "fmask",
    gmm: "gmm",
    horizontalFlip: "flip",
    verticalFlip: "vflip",
    colorJitter: "jitter",
    grayscale: "gray",
    gaussianBlur: "blur",
    solarize: "sol",
  };
  return params.filter((p) => p.applied && short[p.op]).map((p) => short[p.op]).join(" ") || "crop only";
}

/** The last row: the first input, then fdaView1() views of it (lightly's view 1, unnormalized, at the cell size). */
async function viewRow(
  canvas: Canvas,
  input: { name: string; image: Decoded; seed: number },
  y0: number,
  cols: number,
): Promise<void> {
  const x0 = (j: number) => GAP + j * (CELL + GAP);
  const side = 2 * CELL;
  const big = resize(input.image, side, side);
  blit(canvas, resize(input.image, CELL, CELL), x0(0), y0);
  drawText(canvas, "fdaView1() views:", x0(0), y0 + CELL + 4, 1, [60, 60, 60]);
  const view = fdaView1({ inputSize: CELL, normalize: null });
  const n = cols - 1;
  const out = await augment(view, {
    data: (() => {
      const d = new Float32Array(n * 3 * side * side);
      for (let k = 0; k < n; k++) d.set(big.data, k * 3 * side * side);
      return d;
    })(),
    count: n,
    channels: 3,
    height: side,
    width: side,
  }, { seed: input.seed, backend: "cpu", workers: 0, quiet: true });
  for (let k = 0; k < n; k++) {
    const per = 3 * CELL * CELL;
    blit(canvas, { width: CELL, height: CELL, data: out.images.data.subarray(k * per, (k + 1) * per) }, x0(1 + k), y0);
    drawText(canvas, applied(out.params[k]), x0(1 + k), y0 + CELL + 4, 1, [60, 60, 60]);
  }
}

/** Options of {@link demo}. */
export interface DemoOptions {
  /** Folder of the user's images; default: generated pictures. */
  readonly input?: string;
  /** Where everything goes. Default out/demo. */
  readonly output?: string;
  /** Backend. Default auto. */
  readonly backend?: BackendName;
}

/** Runs the demo; resolves to the exit code. */
export async function demo(
  options: DemoOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const dir = options.output ?? "out/demo";
  await Deno.mkdir(dir, { recursive: true });
  let input = options.input;
  if (!input) {
    input = `${dir}/input`;
    await Deno.mkdir(input, { recursive: true });
    for (const [name, img] of [["test-card", testCard()], ["zone-plate", zonePlate()], ["shapes", shapes()]] as const) {
      await writeFileAtomic(`${input}/${name}.png`, pngBytes(img, 0));
    }
  }
  const spec = `${dir}/spec.json`;
  await writeFileAtomic(spec, new TextEncoder().encode(`${JSON.stringify(encodeSpec(DEMO_PIPELINE), null, 2)}\n`));
  await Deno.remove(`${dir}/params.jsonl`).catch(() => {});
  const seed = 0, views = 2;
  const summary = await augmentDir(DEMO_PIPELINE, {
    spec,
    input,
    output: dir,
    seed,
    views,
    backend: options.backend ?? "auto",
    batch: 16,
    batchPixels: DEFAULT_BATCH_PIXELS,
    shard: { index: 0, count: 1 },
    overwrite: true,
    quiet: true,
    maxPixels: DEFAULT_MAX_PIXELS,
    format: "png",
    compression: DEFAULT_COMPRESSION,
    followSymlinks: false,
  }, { error: err });
  if (summary.locked !== undefined) {
    err(`freqaug: ${summary.locked}`);
    return EXIT.locked;
  }
  if (summary.unusable !== undefined) {
    err(`freqaug: ${summary.unusable}`);
    return EXIT.usage;
  }
  // The sheet: the first four inputs that decode.
  const { files } = await listInputs(input);
  const rows: { name: string; image: Decoded; seed: number }[] = [];
  for (const rel of files) {
    if (rows.length === 4) break;
    const img = decodeImage(await Deno.readFile(`${input}/${rel}`).catch(() => new Uint8Array()));
    if (typeof img !== "string") rows.push({ name: rel, image: img, seed: imageSeed(seed, rel) });
  }
  const sheet = `${dir}/contact-sheet.png`;
  if (rows.length) await writeFileAtomic(sheet, await contactSheet(rows, DEMO_PIPELINE.ops[0] as GmmOp));
  out(`inputs:        ${input}${options.input ? "" : " (generated: test card, zone plate, shapes)"}`);
  out(`augmented:     ${dir}/<name>.v0.png, <name>.v1.png (${summary.processed * views} images)`);
  out(`parameters:    ${dir}/params.jsonl`);
  out(`contact sheet: ${rows.length ? sheet : "none (no input decoded)"}`);
  out(`spec:          ${spec}`);
  out(`backend: ${summary.backend ?? "-"}`);
  out(`processed ${summary.processed}, skipped ${summary.skipped}, failed ${summary.failed}`);
  return summary.failed > 0 ? 1 : 0;
}
