/**
 * Compiles a pipeline's structure and a shape into passes of WGSL. A
 * frequency stage is three dispatches — (1) load (the spatial ops before the
 * stage fused into it: a crop's resize gathered from the box, flips,
 * pointwise and colour ops), row rfft, parameter draws; (2) column FFT, every
 * frequency op folded into one multiplier per bin, inverse column FFT; (3) row
 * irfft and store (the spatial ops after the stage that work pixel by pixel
 * fused into it: pointwise and colour ops, flips, and the partial sums of a
 * colour jitter's contrast mean). Spatial ops that neither fuse into a store
 * nor into the next stage's load get a pass of their own, each saying why
 * (`why`): a second gather (a blur's vertical half after its horizontal one,
 * a crop after a blur), the ops after a gather that ends the pipeline, a sum
 * over the image that nothing before could make. A pipeline without
 * frequency ops is such passes only: one, for pointwise ops.
 *
 * Every global memory access of the three passes is contiguous: consecutive
 * invocations read and write consecutive words. The rows passes stream rows
 * of the image; the spectrum between them lies in tiles of adjacent columns
 * (shaders/spectrum.wgsl says why), which the column pass reads and writes
 * whole and the row passes a tile's bins of all their rows at once. Each
 * pass says how many bytes it moves per image ({@link PassPlan.bytes}).
 *
 * The WGSL lives in shaders/ and in each op's folder; this module only
 * writes the specialisations: sizes, radix sequences, and which ops are fused
 * where. Numbers (k, σ, c, means, boxes, factors…) never enter the text: they
 * travel in the `consts` buffer and the per-sample table, so pipelines that
 * differ only in numbers share compiled shaders.
 *
 * @module
 */

import commonWgsl from "../../shaders/common.wgsl" with { type: "text" };
import fftWgsl from "../../shaders/fft.wgsl" with { type: "text" };
import paramsWgsl from "../../shaders/params.wgsl" with { type: "text" };
import rowsWgsl from "../../shaders/rows.wgsl" with { type: "text" };
import colsWgsl from "../../shaders/cols.wgsl" with { type: "text" };
import irfftWgsl from "../../shaders/irfft.wgsl" with { type: "text" };
import spectrumWgsl from "../../shaders/spectrum.wgsl" with { type: "text" };
import irowsWgsl from "../../shaders/irows.wgsl" with { type: "text" };
import irowsPxWgsl from "../../shaders/irows_px.wgsl" with { type: "text" };
import pointwiseWgsl from "../../shaders/pointwise.wgsl" with { type: "text" };
import reduceWgsl from "../../shaders/reduce.wgsl" with { type: "text" };
import partialSumWgsl from "../../shaders/partial_sum.wgsl" with { type: "text" };
import packedWgsl from "../../shaders/packed.wgsl" with { type: "text" };
import packWgsl from "../../shaders/pack.wgsl" with { type: "text" };
import { type FrequencyStage, keepsPixelPositions, shapesOf, stagesOf } from "../dsl/stages.ts";
import type { Pipeline } from "../dsl/types.ts";
import { moduleOf } from "../ops/registry.ts";
import { describeFft, type GpuFftPlan, planGpuFft } from "./fftplan.ts";
import { constOffsets, type FftTables, pushTables } from "./layout.ts";
import { needsPixels, pullWgsl, pushWgsl, type StatSlot, statsRead, statWgsl, type Step, stepsOf } from "./chain.ts";

/** Image shape of a compiled kernel. */
export interface Shape {
  /** Image height H. */
  readonly height: number;
  /** Image width W. */
  readonly width: number;
  /** Channels per image. */
  readonly channels: number;
}

/** Where the FFTs keep their data while they work. */
export type ScratchKind = "workgroup" | "storage";

/** Device limits the plan depends on. */
export interface PlanLimits {
  /** Bytes of workgroup memory (`maxComputeWorkgroupStorageSize`). */
  readonly workgroupStorage: number;
  /**
   * `workgroup` (default): the FFTs work in workgroup memory. `storage`: in a
   * storage buffer, one slice per workgroup — for OpenGL-backed adapters such
   * as Mesa's llvmpipe, where the shader translator zero-fills workgroup
   * arrays with one aggregate assignment that the GL compiler takes minutes
   * to optimise (measured: 156 s for an array of 4096 vec2<f32>).
   */
  readonly scratch?: ScratchKind;
}

/** Complex values per half of the FFT buffer in `storage` scratch mode: the longest FFT. */
const STORAGE_HALF = 4096;

/** WebGPU's default workgroup memory: what a plan assumes without a device. */
export const DEFAULT_LIMITS: PlanLimits = { workgroupStorage: 16384 };

/**
 * Bytes a pass reads and writes per image in the image, spectrum and packed
 * buffers: each value it needs once, as a pass that streams moves it from
 * memory (what a gather reads counts as its whole source image, a crop's box
 * being smaller). The parameter table, twiddles and consts (small, and read
 * through the caches) are not counted, nor the stage's input that the
 * inverse rows pass reads again for a sample none of the stage's ops applies to.
 */
export interface PassBytes {
  /** Bytes read per image. */
  readonly read: number;
  /** Bytes written per image. */
  readonly written: number;
}

/** One compute pass of a plan. */
export interface PassPlan {
  /**
   * What the pass does: the three passes of a frequency stage (`rows`,
   * `columns`, `inverse rows`), or a pass of spatial ops of its own:
   * `pointwise` (value by value or pixel by pixel), `gather` (with a crop's
   * resize or half a blur), `reduce` (partial sums of a per-image statistic).
   */
  readonly name: "rows" | "columns" | "inverse rows" | "pointwise" | "gather" | "reduce" | "pack";
  /** Index of its frequency stage (passes of spatial ops: of the last stage before them, or 0). */
  readonly stage: number;
  /** Its bind group: 0 reads buffer a and writes b, 1 the other way. */
  readonly group: number;
  /** What it fuses, in order (op names with their pipeline index, and the transforms). */
  readonly fuses: readonly string[];
  /** Why a pass beyond a frequency stage's three exists (absent for those three). */
  readonly why?: string;
  /** Threads per workgroup. */
  readonly workgroupSize: number;
  /** Bytes of workgroup memory. */
  readonly workgroupMemory: number;
  /** What one workgroup handles. */
  readonly perWorkgroup: string;
  /** Bytes it reads and writes per image. */
  readonly bytes: PassBytes;
  /** How it reads and writes global memory, in words (the runs of consecutive words its invocations touch). */
  readonly access: string;
  /** The full WGSL module. */
  readonly wgsl: string;
  /** Where its FFTs (or sums) work. */
  readonly scratch: ScratchKind;
  /** Complex values of scratch per workgroup (storage scratch only). */
  readonly scratchPerWorkgroup: number;
  /** Workgroups for a batch of `count` samples. */
  readonly workgroups: (count: number) => number;
}

/**
 * How a plan reads its input and writes its result. The input: float32
 * NCHW in image buffer a, or NHWC bytes (3 or 4 per pixel, the pipeline
 * running on the first 3) packed 4 to a word in the `packed` buffer, which
 * the passes that load the input unpack. The result: float32 NCHW in an
 * image buffer, or packed into `packed` by a last `pack` pass — float16
 * (2 to a word, NCHW) or NHWC bytes (`outBytes` per pixel; with 4-byte
 * input and output of one size, and no flip or crop, the alpha bytes stay
 * as they came).
 */
export interface GpuIo {
  /** Bytes per pixel of a byte input (3 or 4), or 0 for float32 NCHW. */
  readonly inBytes: number;
  /** The result's type. */
  readonly out: "f32" | "f16" | "u8";
  /** Bytes per pixel of a `u8` result (the pipeline's channels, or 4 for RGBA input). */
  readonly outBytes: number;
}

/** Float32 in and out: the plan without a packed buffer. */
export const FLOAT_GPU_IO: GpuIo = { inBytes: 0, out: "f32", outBytes: 0 };

/** A compiled plan: passes and the shape's twiddle tables. */
export interface GpuPlan {
  /** The input shape. */
  readonly shape: Shape;
  /** The output shape (a randomResizedCrop changes it). */
  readonly output: Shape;
  /** Passes in dispatch order. */
  readonly passes: readonly PassPlan[];
  /** Twiddle and chirp tables, complex float32 pairs. */
  readonly twiddles: Float32Array;
  /** How rows (length W) and columns (length H) of the first frequency stage are transformed. */
  readonly fft: { readonly rows: GpuFftPlan | null; readonly columns: GpuFftPlan | null };
  /** Consts offsets of each op. */
  readonly offsets: readonly number[];
  /** Whether the pipeline has frequency ops (drawn on the GPU, so a parameter table). */
  readonly drawsParams: boolean;
  /** Whether some op's parameters are written to the table on the host. */
  readonly hostTable: boolean;
  /** Words at the start of each sample's table for the partial sums of per-image statistics. */
  readonly statsWords: number;
  /** Values per sample of the largest image an image buffer holds. */
  readonly imageValues: number;
  /** Complex values per sample of the largest half-spectrum. */
  readonly spectrumValues: number;
  /** The image buffer the float result ends in: 0 (a, the input's) or 1 (b). */
  readonly result: 0 | 1;
  /** How it reads and writes. */
  readonly io: GpuIo;
  /** Bytes per sample of the input as uploaded (float32 NCHW, or bytes). */
  readonly inputBytes: number;
  /** Bytes per sample of the result as read back (before rounding a chunk up to whole words). */
  readonly outputBytes: number;
  /** Bytes of the packed buffer for `count` samples (0 when the plan does not use it). */
  readonly packedBytes: (count: number) => number;
}

const u = (x: number) => `${x >>> 0}u`;
function f32lit(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function pow2ceil(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

function fftFunction(name: string, plan: GpuFftPlan, tables: FftTables, sl: number): string {
  // The stages as a constant table walked by one loop, alternating between
  // the halves of the workgroup buffer: one copy of each butterfly in the
  // module, however many stages.
  const n = plan.kind === "bluestein" ? plan.m : plan.n;
  const rows: string[] = [];
  let len = n;
  for (const p of plan.radices) {
    rows.push(`vec2<u32>(${u(p)}, ${u(len)})`);
    len /= p;
  }
  const table = `${name.toUpperCase()}_STAGES`;
  const odd = rows.length % 2 === 1;
  const stages = rows.length
    ? [
      `const ${table} = array<vec2<u32>, ${rows.length}>(${rows.join(", ")});`,
      `fn ${name}_stages(nseq: u32, lid: u32) {`,
      `  var x = 0u;`,
      `  for (var i = 0u; i < ${u(rows.length)}; i++) {`,
      `    let d = ${table}[i];`,
      `    if (d.x == 4u) {`,
      `      st4(${u(n)}, d.y, nseq, ${u(sl)}, ${u(tables.tb)}, lid, x, HALF - x);`,
      `    } else if (d.x == 2u) {`,
      `      st2(${u(n)}, d.y, nseq, ${u(sl)}, ${u(tables.tb)}, lid, x, HALF - x);`,
      `    } else {`,
      `      stp(d.x, ${u(n)}, d.y, nseq, ${u(sl)}, ${u(tables.tb)}, lid, x, HALF - x);`,
      `    }`,
      `    x = HALF - x;`,
      `  }`,
      odd ? `  fft_home(nseq, ${u(sl)}, lid);` : "",
      "}",
    ]
    : [`fn ${name}_stages(nseq: u32, lid: u32) {`, "  _ = nseq;", "  _ = lid;", "}"];
  const lines = [...stages, `fn ${name}(nseq: u32, lid: u32) {`, "  workgroupBarrier();"];
  if (plan.kind === "stockham") lines.push(`  ${name}_stages(nseq, lid);`);
  else if (plan.kind === "direct") {
    lines.push(`  dft(${u(plan.n)}, nseq, ${u(sl)}, ${u(tables.tb)}, lid, 0u, HALF);`);
    lines.push(`  fft_home(nseq, ${u(sl)}, lid);`);
  } else {
    lines.push(`  bs_pre(${u(plan.n)}, ${u(plan.m)}, nseq, ${u(tables.tc)}, lid);`);
    lines.push(`  ${name}_stages(nseq, lid);`);
    lines.push(`  bs_mid(${u(plan.m)}, nseq, ${u(tables.th)}, lid);`);
    lines.push(`  ${name}_stages(nseq, lid);`);
    lines.push(`  bs_post(${u(plan.n)}, ${u(plan.m)}, nseq, ${u(tables.tc)}, lid);`);
  }
  lines.push("}");
  return lines.filter((l) => l !== "").join("\n");
}

function header(shape: Shape, wg: number, half: number, extra: Record<string, string>): string {
  const V = (shape.width >> 1) + 1;
  const consts: Record<string, string> = {
    WG: u(wg),
    CAP: u(Math.max(2 * half, 1)),
    HALF: u(half),
    CH: u(shape.channels),
    H: u(shape.height),
    W: u(shape.width),
    V: u(V),
    INV_HW: f32lit(1 / (shape.height * shape.width)),
    ...extra,
  };
  const type = (v: string) => (v === "true" || v === "false" ? "bool" : v.endsWith("u") ? "u32" : "f32");
  return Object.entries(consts).map(([k, v]) => `const ${k}: ${type(v)} = ${v};`).join("\n");
}

function halfCapacity(scratch: ScratchKind, limits: PlanLimits): number {
  return scratch === "storage" ? STORAGE_HALF : Math.floor(limits.workgroupStorage / 16);
}

/**
 * Where a shape's FFTs work: the limits' choice, except that lengths too
 * long for the adapter's workgroup memory move to storage scratch (so every
 * adapter transforms up to {@link STORAGE_HALF} points, WebGPU's minimum
 * 16 KiB of workgroup memory included).
 */
function scratchFor(shape: Shape, limits: PlanLimits): ScratchKind {
  if (limits.scratch === "storage") return "storage";
  const cap = halfCapacity("workgroup", limits);
  return planGpuFft(shape.width, cap) && planGpuFft(shape.height, cap) ? "workgroup" : "storage";
}

/**
 * Why a shape cannot be planned, or null: every frequency stage's shape (the
 * input's, or a crop's size) must be transformable. Without a pipeline, the
 * input shape is checked.
 */
export function unplannable(shape: Shape, limits: PlanLimits, pipeline?: Pipeline): string | null {
  const cap = halfCapacity("storage", limits);
  const shapes = pipeline ? stageShapes(pipeline, shape) : [shape];
  for (const s of shapes) {
    for (const [axis, n] of [["width", s.width], ["height", s.height]] as const) {
      if (!planGpuFft(n, cap)) {
        const at = s === shape ? "" : ` (after a resize to ${s.height}x${s.width})`;
        return `${axis} ${n}${at} is over the largest FFT length, ${cap}`;
      }
    }
  }
  return null;
}

/** The shape of each frequency stage. */
function stageShapes(pipeline: Pipeline, shape: Shape): Shape[] {
  const shapes = shapesOf(pipeline, shape);
  return stagesOf(pipeline).filter((s): s is FrequencyStage => s.kind === "frequency").map((s) =>
    shapes[s.ops[0].index]
  );
}

/** Most columns in a tile of the spectrum. */
const MAX_TILE = 16;

/**
 * Columns per tile of the spectrum (shaders/spectrum.wgsl) for V columns,
 * when the column pass's workgroup memory holds `fit` columns: the largest
 * power of two up to {@link MAX_TILE} and `fit` whose padding (the last
 * tile's columns past V, which cost the column pass FFTs though no memory
 * traffic) stays within a quarter of V.
 */
export function tileWidth(V: number, fit: number): number {
  let t = 1;
  while (2 * t <= Math.min(fit, MAX_TILE) && Math.ceil(V / (2 * t)) * 2 * t - V <= V / 4) t *= 2;
  return t;
}

/** Bytes in words: `12 B`, `1.8 KB`, `3.63 MB` (powers of 1000). */
function bytesText(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${+(n / 1e3).toPrecision(3)} KB`;
  return `${+(n / 1e6).toPrecision(3)} MB`;
}

/** Pixels a workgroup of a reduce pass adds: at least 4096, and at most 64 partial sums per image. */
function reduceChunk(pixels: number): number {
  return Math.max(4096, Math.ceil(pixels / 64));
}

/** Why a gather cannot join the inverse rows pass's store. */
function gatherWhy(st: Step): string {
  if (st.kind !== "gather") return "";
  return st.gather.y
    ? `${st.label} reads pixels of other rows, which the inverse rows pass (a few rows at a time) does not hold`
    : `${st.label} reads other pixels of a row, each through the ops before it: a pass of its own`;
}

/** What the inverse rows pass of a stage can store: the leading steps of the next ops, and why it stops. */
function storePrefix(steps: readonly Step[], pixelsOk: boolean) {
  const store: Step[] = [];
  let partial: (Step & { kind: "pixel" }) | null = null;
  let stop = "";
  for (const st of steps) {
    if (st.kind === "value" || st.kind === "remap" || (st.kind === "pixel" && pixelsOk && st.term === null)) {
      store.push(st);
      continue;
    }
    if (st.kind === "pixel" && pixelsOk) {
      partial = st;
      stop = `${st.label} blends with the mean of the whole image, known once the inverse rows pass has summed it`;
    } else if (st.kind === "pixel") {
      stop =
        `${st.label} needs every channel of a pixel, which the inverse rows pass cannot keep together for rows this long`;
    } else stop = gatherWhy(st);
    break;
  }
  return { store, partial, rest: steps.slice(store.length), stop };
}

/**
 * Plans a pipeline for a shape. The WGSL depends only on the pipeline's
 * structure (op kinds, order, GMM precision, whether a jitter has a
 * contrast), the shapes and the limits.
 */
export function planGpu(
  pipeline: Pipeline,
  shape: Shape,
  limits: PlanLimits = DEFAULT_LIMITS,
  io: GpuIo = FLOAT_GPU_IO,
): GpuPlan {
  const unfit = unplannable(shape, limits, pipeline);
  if (unfit) throw new RangeError(unfit);
  const C = shape.channels;
  const shapes = shapesOf(pipeline, shape);
  const offsets = constOffsets(pipeline, C);
  // Each op's snippet once, in the order the ops first appear.
  const snippets = [...new Set(pipeline.ops.map((op) => moduleOf(op).gpu!.wgsl))];
  const library = [commonWgsl, paramsWgsl, ...snippets].join("\n");
  const fftLibrary = [commonWgsl, fftWgsl, paramsWgsl, ...snippets].join("\n");
  const label = (index: number) => `${pipeline.ops[index].op}#${index}`;
  const pool: ScratchKind = limits.scratch === "storage" ? "storage" : "workgroup";
  const finishFor = (scratch: ScratchKind) => (wgsl: string) =>
    scratch === "workgroup" ? wgsl : wgsl
      .replace(/var<workgroup> buf: [^;]*;/, "")
      .replaceAll("buf[", "scratch[scratch_base + ")
      .replaceAll("workgroupBarrier()", "storageBarrier()");

  // The frequency stages, and the steps of the spatial ops before each (the last: after the last stage).
  const freq: FrequencyStage[] = [];
  const segments: Step[][] = [[]];
  for (const st of stagesOf(pipeline)) {
    if (st.kind === "frequency") {
      freq.push(st);
      segments.push([]);
    } else {
      for (const { index } of st.ops) {
        segments[segments.length - 1].push(...stepsOf(pipeline, index, offsets[index], shapes));
      }
    }
  }

  const passes: PassPlan[] = [];
  const twiddles: number[] = [];
  const slots = new Map<number, StatSlot>();
  let statsWords = 0;
  // The image buffer the current image is in (0: a) and its shape.
  let group = 0;
  let current: Shape = shape;
  let imageValues = C * shape.height * shape.width;
  let spectrumValues = 0;
  let stage = 0;
  const slot = (index: number, count: number): StatSlot => {
    const s = { at: statsWords, count };
    statsWords += count;
    slots.set(index, s);
    return s;
  };
  const statFns = (...runs: (readonly Step[])[]) => statWgsl(runs.flatMap(statsRead), slots);
  // The passes before the first that writes an image buffer read the input: unpacking bytes when it is bytes.
  let fromInput = true;
  const inputBytes = io.inBytes ? io.inBytes * shape.height * shape.width : 4 * C * shape.height * shape.width;
  const unpacks = () => fromInput && io.inBytes > 0;
  const packedDecl = [
    `const IN_H: u32 = ${u(shape.height)};`,
    `const IN_W: u32 = ${u(shape.width)};`,
    `const IN_BYTES: u32 = ${u(Math.max(io.inBytes, 1))};`,
    packedWgsl,
  ].join("\n");
  const reader = () => (unpacks() ? { fns: packedDecl, at: "in_byte" } : { fns: "", at: undefined });
  /** Bytes per image of a float32 image of shape `s`. */
  const imageBytes = (s: Shape) => 4 * C * s.height * s.width;
  /** Bytes per image a pass reads of the current image (the input's bytes when it unpacks them). */
  const sourceBytes = () => (unpacks() ? inputBytes : imageBytes(current));
  /** How a pass reads the current image through `steps`. */
  const sourceAccess = (steps: readonly Step[]) => {
    const what = unpacks() ? `the input's bytes (${io.inBytes} per pixel, NHWC words)` : "the image";
    return steps.some((st) => st.kind === "gather")
      ? `reads ${what} where its gather points (along rows: consecutive words)`
      : `reads ${what} by rows (consecutive words)`;
  };

  /** A pass of its own for a run of steps (at most one gather), from the current image. */
  const emitMap = (steps: readonly Step[], why: string) => {
    const out = steps.length ? steps[steps.length - 1].output : current;
    const px = needsPixels(steps);
    const items = (px ? 1 : C) * out.height * out.width;
    const item = px
      ? [
        "fn map_item(s: u32, i: u32) {",
        "  let px = pull_px(s, i / W, i % W);",
        "  for (var c = 0u; c < CH; c++) {",
        "    dst[(s * CH + c) * (H * W) + i] = px[c];",
        "  }",
        "}",
      ]
      : [
        "fn map_item(s: u32, i: u32) {",
        "  let c = i / (H * W);",
        "  let p = i - c * (H * W);",
        "  dst[s * ITEMS + i] = pull(s, c, p / W, p % W);",
        "}",
      ];
    const gathers = steps.some((st) => st.kind === "gather");
    const bytes = { read: sourceBytes(), written: imageBytes(out) };
    const access =
      `${sourceAccess(steps)}; writes the image ${px ? "pixel by pixel, each channel" : "value by value"} ` +
      "in consecutive words";
    passes.push({
      name: gathers ? "gather" : "pointwise",
      stage,
      group,
      fuses: steps.length ? ["load", ...steps.map((st) => st.label), "store"] : ["copy"],
      why,
      workgroupSize: 256,
      workgroupMemory: 0,
      perWorkgroup: `256 ${px ? "pixels" : "values"}`,
      bytes,
      access,
      wgsl: [
        header(out, 256, 0, { ITEMS: u(items) }),
        library,
        statFns(steps),
        reader().fns,
        pullWgsl("pull", steps, current, false, reader().at),
        item.join("\n"),
        pointwiseWgsl,
      ].join("\n"),
      scratch: "workgroup",
      scratchPerWorkgroup: 0,
      workgroups: (count) => Math.ceil((count * items) / 256),
    });
    group ^= 1;
    fromInput = false;
    current = out;
    imageValues = Math.max(imageValues, C * out.height * out.width);
  };

  /** A pass summing the term of `st` over its image (the run `prefix` pulled from the current image). */
  const emitReduce = (prefix: readonly Step[], st: Step & { kind: "pixel" }) => {
    const img = st.input;
    const pixels = img.height * img.width;
    const pch = reduceChunk(pixels);
    const np = Math.ceil(pixels / pch);
    const fns = statFns(prefix);
    const at = slot(st.index, np);
    // One partial sum per thread in workgroup memory (or storage scratch).
    const wg = Math.min(256, 2 ** Math.floor(Math.log2(limits.workgroupStorage / 8)));
    passes.push({
      name: "reduce",
      stage,
      group,
      fuses: ["load", ...prefix.map((p) => p.label), `${st.label} (partial sums of its mean)`],
      why: `${st.label} blends with the mean of the whole image (its contrast), which no pass before sums`,
      workgroupSize: wg,
      workgroupMemory: pool === "workgroup" ? 8 * wg : 0,
      perWorkgroup: `${pch} pixels of one sample`,
      bytes: { read: sourceBytes(), written: 0 },
      access: `${sourceAccess(prefix)}; writes one partial sum per workgroup to the table`,
      wgsl: finishFor(pool)([
        header(img, wg, wg / 2, { PCH: u(pch), NP: u(np), STAT: u(at.at) }),
        library,
        fns,
        reader().fns,
        pullWgsl("pull", prefix, current, true, reader().at),
        "fn reduce_term(s: u32, h: u32, w: u32) -> f32 {",
        "  let px = pull_px(s, h, w);",
        `  return ${st.term};`,
        "}",
        partialSumWgsl,
        reduceWgsl,
      ].join("\n")),
      scratch: pool,
      scratchPerWorkgroup: pool === "storage" ? wg : 0,
      workgroups: (count) => count * np,
    });
  };

  /**
   * Plans steps that follow the current image: passes of their own where
   * needed; returns the last run when it goes into the next stage's load.
   */
  const planRest = (steps: readonly Step[], firstWhy: string, toLoad: boolean): Step[] => {
    let run: Step[] = [];
    let why: string | undefined = firstWhy || undefined;
    for (const st of steps) {
      if (st.kind === "gather" && run.some((x) => x.kind === "gather")) {
        emitMap(run, why ?? `${st.label} gathers from this pass's output, and a pass gathers once`);
        why = `${st.label} reads pixels that the pass before computes: a pass gathers once`;
        run = [];
      }
      if (st.kind === "pixel" && st.term !== null && !slots.has(st.index)) emitReduce(run, st);
      run.push(st);
    }
    if (toLoad) return run;
    if (run.length) emitMap(run, why ?? "the spatial ops after the last frequency stage");
    return [];
  };

  const emitStage = (i: number, load: readonly Step[]) => {
    const fs = freq[i];
    const ss = shapes[fs.ops[0].index];
    const { height: H, width: W } = ss;
    const V = (W >> 1) + 1;
    const scratch = scratchFor(ss, limits);
    const cap = halfCapacity(scratch, limits);
    const finish = finishFor(scratch);
    const rowPlan = planGpuFft(W, cap)!;
    const colPlan = planGpuFft(H, cap)!;
    const rowTables = pushTables(rowPlan, twiddles);
    const colTables = pushTables(colPlan, twiddles);
    // Row passes: NSEQ row pairs per workgroup.
    const rowSeq = Math.max(1, Math.min(16, Math.floor(cap / rowPlan.seqLen)));
    const rowCap = rowSeq * rowPlan.seqLen;
    const rowWg = Math.min(256, Math.max(32, pow2ceil(Math.ceil(rowCap / 4))));
    // Column pass: a tile of T adjacent columns of TC channels per workgroup
    // (every channel when they fit, so that the multiplier of a bin is computed
    // once for all); T as wide as the rest of its workgroup memory allows.
    const tc = C * colPlan.seqLen <= cap ? C : 1;
    const T = tileWidth(V, Math.floor(cap / (tc * colPlan.seqLen)));
    const tiles = Math.ceil(V / T);
    const tileConsts = { TILE: u(T), TILES: u(tiles) };
    const colCap = tc * T * colPlan.seqLen;
    const spectrumBytes = 8 * C * H * V;
    const run = (bins: number) => `${bins} bin(s) (${bytesText(8 * bins)})`;
    const colWg = Math.min(256, Math.max(32, pow2ceil(Math.ceil(colCap / 4))));
    const rowPairs = (count: number) => count * Math.ceil((C * H) / 2);
    const rowFft = fftFunction("fft_row", rowPlan, rowTables, rowPlan.seqLen);
    const rowHeader = (gen: boolean, extra: Record<string, string> = {}) =>
      header(ss, rowWg, rowCap, {
        NSEQ: u(rowSeq),
        SL: u(rowPlan.seqLen),
        GEN: String(gen),
        ...tileConsts,
        ...extra,
      });
    const ops = fs.ops.map(({ index }) => index);
    const loadFns = [
      statFns(load),
      reader().fns,
      pullWgsl("load", load, current, false, reader().at),
      "fn load_row(r: u32, t: u32) -> f32 {",
      "  return load(r / (CH * H), (r / H) % CH, r % H, t);",
      "}",
    ].join("\n");
    const gen = [
      "fn gen(s: u32, n: u32, lid: u32) {",
      ...ops.map((j) => `  ${moduleOf(pipeline.ops[j]).gpu!.gen!(u(offsets[j]), pipeline.ops[j])}`),
      "}",
    ].join("\n");
    passes.push({
      name: "rows",
      stage: i,
      group,
      fuses: ["load", ...load.map((st) => st.label), "row rfft", "parameter draws"],
      workgroupSize: rowWg,
      workgroupMemory: scratch === "workgroup" ? rowCap * 16 : 0,
      perWorkgroup: `${rowSeq} row pairs (one complex FFT each: ${describeFft(rowPlan)})`,
      bytes: { read: sourceBytes(), written: spectrumBytes },
      access: `${sourceAccess(load)}; writes the spectrum in tiles of ${T} column(s), ` +
        `each tile's bins of its ${2 * rowSeq} rows in a run of up to ${run(2 * rowSeq * T)}`,
      wgsl: finish([rowHeader(true), fftLibrary, spectrumWgsl, loadFns, rowFft, gen, rowsWgsl].join("\n")),
      scratch,
      scratchPerWorkgroup: scratch === "storage" ? 2 * rowCap : 0,
      workgroups: (count) => Math.ceil(rowPairs(count) / rowSeq) + count,
    });
    const mult = [
      "fn mult(s: u32, u: u32, v: u32) -> vec2<f32> {",
      "  var m = vec2<f32>(INV_HW, 0.0);",
      ...ops.map((j) => `  ${moduleOf(pipeline.ops[j]).gpu!.mult!(u(offsets[j]), pipeline.ops[j])}`),
      "  return m;",
      "}",
    ].join("\n");
    const colFft = fftFunction("fft_col", colPlan, colTables, colPlan.seqLen);
    passes.push({
      name: "columns",
      stage: i,
      group,
      fuses: ["column FFT", ...ops.map(label).map((l) => `${l} (multiplier)`), "inverse column FFT"],
      workgroupSize: colWg,
      workgroupMemory: scratch === "workgroup" ? colCap * 16 : 0,
      perWorkgroup: `${T} column(s) x ${tc} channel(s) of one sample (${describeFft(colPlan)})`,
      bytes: { read: spectrumBytes, written: spectrumBytes },
      access: `reads and writes ${tc} tile(s) of ${H} x ${T} bins, each one run of ${run(H * T)}`,
      wgsl: finish([
        header(ss, colWg, colCap, { NSEQ: u(tc * T), SL: u(colPlan.seqLen), TC: u(tc), ...tileConsts }),
        fftLibrary,
        mult,
        colFft,
        colsWgsl,
      ].join("\n")),
      scratch,
      scratchPerWorkgroup: scratch === "storage" ? 2 * colCap : 0,
      workgroups: (count) => count * (C / tc) * tiles,
    });
    const active = [
      "fn stage_applies(s: u32) -> bool {",
      `  return ${ops.map((j) => `op_applied(s, ${u(offsets[j])})`).join(" || ")};`,
      "}",
    ].join("\n");
    // The store: whole pixels (every channel of KROWS rows per workgroup) when colour ops or a sum fuse into it.
    const krows = Math.floor((2 * rowSeq) / C);
    const sp = storePrefix(segments[i + 1], C <= 3 && krows >= 1);
    const pixels = needsPixels(sp.store) || sp.partial !== null;
    const stored = [
      ...sp.store.map((st) => st.label),
      ...(sp.partial ? [`${sp.partial.label} (partial sums of its mean)`] : []),
    ];
    // Whole pixels: KROWS rows of every channel per workgroup; otherwise row pairs, as the forward pass.
    const wps = Math.ceil(H / krows);
    const at = sp.partial ? slot(sp.partial.index, wps).at : 0;
    const body = pixels
      ? [
        rowHeader(false, { KROWS: u(krows), WPS: u(wps), PARTIALS: String(sp.partial !== null), STAT: u(at) }),
        fftLibrary,
        spectrumWgsl,
        loadFns,
        statFns(sp.store),
        pushWgsl(sp.store, ss, true, sp.partial?.term ?? null),
        rowFft,
        active,
        irfftWgsl,
        partialSumWgsl,
        irowsPxWgsl,
      ]
      : [
        rowHeader(false),
        fftLibrary,
        spectrumWgsl,
        loadFns,
        pushWgsl(sp.store, ss, false, null),
        "fn finish(r: u32, t: u32, y: f32) {",
        "  let s = r / (CH * H);",
        "  let c = (r / H) % CH;",
        "  var x = y;",
        "  if (!stage_applies(s)) {",
        "    x = load(s, c, r % H, t);",
        "  }",
        "  store_value(s, c, r % H, t, x);",
        "}",
        rowFft,
        active,
        irfftWgsl,
        irowsWgsl,
      ];
    passes.push({
      name: "inverse rows",
      stage: i,
      group,
      fuses: ["row irfft", ...stored, "store"],
      workgroupSize: rowWg,
      workgroupMemory: scratch === "workgroup" ? rowCap * 16 : 0,
      perWorkgroup: pixels ? `${krows} row(s) of all ${C} channels of one sample` : `${rowSeq} row pairs`,
      bytes: { read: spectrumBytes, written: imageBytes(ss) },
      access: `reads the spectrum's tiles, each tile's bins of its rows in a run of up to ${
        run((pixels ? krows : 2 * rowSeq) * T)
      }; writes the image ${pixels ? "pixel by pixel, each channel" : "by rows"} in consecutive words`,
      wgsl: finish(body.join("\n")),
      scratch,
      scratchPerWorkgroup: scratch === "storage" ? 2 * rowCap : 0,
      workgroups: pixels ? (count) => count * wps : (count) => Math.ceil(rowPairs(count) / rowSeq),
    });
    group ^= 1;
    fromInput = false;
    current = ss;
    stage = i;
    imageValues = Math.max(imageValues, C * H * W);
    spectrumValues = Math.max(spectrumValues, C * H * tiles * T);
    return { rest: sp.rest, why: sp.stop, fft: { rows: rowPlan, columns: colPlan } };
  };

  let fft: GpuPlan["fft"] = { rows: null, columns: null };
  let rest = segments[0];
  let why = freq.length ? "" : "no frequency ops: the spatial ops run in a pass of their own";
  for (let i = 0; i < freq.length; i++) {
    const load = planRest(rest, why, true);
    const done = emitStage(i, load);
    if (i === 0) fft = done.fft;
    rest = done.rest;
    why = done.why;
  }
  planRest(rest, why, false);
  if (passes.length === 0) emitMap([], "no ops: a copy");
  const out = shapes[shapes.length - 1];
  const outValues = C * out.height * out.width;
  const outputBytes = io.out === "f32"
    ? 4 * outValues
    : io.out === "f16"
    ? 2 * outValues
    : io.outBytes * out.height * out.width;
  if (io.out !== "f32") {
    const half = io.out === "f16";
    const units = half ? outValues : io.outBytes * out.height * out.width;
    const perWord = half ? 2 : 4;
    // No flip or crop: every pixel keeps its place (and the size is kept).
    const keepAlpha = !half && io.inBytes === 4 && io.outBytes === 4 && keepsPixelPositions(pipeline.ops);
    passes.push({
      name: "pack",
      stage,
      group,
      fuses: ["load", half ? "float16" : "bytes", "store"],
      why: half
        ? "the result as float16, two to a word, so that half the bytes come back"
        : `the result as bytes (NHWC, ${io.outBytes} per pixel), four to a word, so that a quarter of the bytes come back`,
      workgroupSize: 256,
      workgroupMemory: 0,
      perWorkgroup: "256 words",
      bytes: {
        read: imageBytes(out) + (keepAlpha ? outputBytes : 0),
        written: outputBytes,
      },
      access: `reads the float32 result (consecutive words per channel${
        keepAlpha ? ", and the input's words for their alpha" : ""
      }); writes ${half ? "float16 pairs" : "bytes"} in consecutive words`,
      wgsl: [
        header(out, 256, 0, {
          UNITS: u(units),
          PER_WORD: u(perWord),
          OUT_BYTES: u(Math.max(io.outBytes, 1)),
          KEEP_ALPHA: String(keepAlpha),
          HALF_FLOAT: String(half),
        }),
        commonWgsl,
        packedDecl,
        packWgsl,
      ].join("\n"),
      scratch: "workgroup",
      scratchPerWorkgroup: 0,
      workgroups: (count) => Math.ceil(Math.ceil((count * units) / perWord) / 256),
    });
  }
  const words = (bytes: number) => Math.ceil(bytes / 4) * 4;
  const packedBytes = (count: number) =>
    Math.max(io.inBytes ? words(count * inputBytes) : 0, io.out === "f32" ? 0 : words(count * outputBytes));
  return {
    shape,
    output: shapes[shapes.length - 1],
    passes,
    twiddles: new Float32Array(twiddles.length ? twiddles : [0, 0]),
    fft,
    offsets,
    drawsParams: freq.length > 0,
    hostTable: pipeline.ops.some((op) => moduleOf(op).gpu!.hostTableWords !== undefined),
    statsWords,
    imageValues,
    spectrumValues,
    result: group as 0 | 1,
    io,
    inputBytes,
    outputBytes,
    packedBytes,
  };
}
