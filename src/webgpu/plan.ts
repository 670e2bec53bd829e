/**
 * Compiles a pipeline's structure and a shape into passes of WGSL: at most
 * three dispatches per frequency stage — (1) load, spatial pre-ops, row rfft;
 * (2) column FFT, every frequency op folded into one multiplier per bin,
 * inverse column FFT; (3) row irfft, spatial post-ops, store — and one
 * pointwise pass for a pipeline without frequency ops. The WGSL lives in
 * shaders/; this module only writes the specialisations: sizes, radix
 * sequences, and which ops are fused where. Numbers (k, σ, c, means…) never
 * enter the text: they travel in the `consts` buffer, so pipelines that differ
 * only in numbers share compiled shaders.
 *
 * @module
 */

import commonWgsl from "../../shaders/common.wgsl" with { type: "text" };
import fftWgsl from "../../shaders/fft.wgsl" with { type: "text" };
import paramsWgsl from "../../shaders/params.wgsl" with { type: "text" };
import rowsWgsl from "../../shaders/rows.wgsl" with { type: "text" };
import colsWgsl from "../../shaders/cols.wgsl" with { type: "text" };
import irowsWgsl from "../../shaders/irows.wgsl" with { type: "text" };
import pointwiseWgsl from "../../shaders/pointwise.wgsl" with { type: "text" };
import { stagesOf } from "../dsl/stages.ts";
import type { Pipeline } from "../dsl/types.ts";
import { isFrequencyOp } from "../dsl/types.ts";
import { moduleOf } from "../ops/registry.ts";
import { describeFft, type GpuFftPlan, planGpuFft } from "./fftplan.ts";
import { constOffsets, type FftTables, pushTables } from "./layout.ts";

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

/** One compute pass of a plan. */
export interface PassPlan {
  /** What the pass does. */
  readonly name: "rows" | "columns" | "inverse rows" | "pointwise";
  /** Index of its frequency stage (0 for a pointwise-only pipeline). */
  readonly stage: number;
  /** What it fuses, in order (op names with their pipeline index, and the transforms). */
  readonly fuses: readonly string[];
  /** Threads per workgroup. */
  readonly workgroupSize: number;
  /** Bytes of workgroup memory. */
  readonly workgroupMemory: number;
  /** What one workgroup handles. */
  readonly perWorkgroup: string;
  /** The full WGSL module. */
  readonly wgsl: string;
  /** Where its FFTs work. */
  readonly scratch: ScratchKind;
  /** Complex values of FFT scratch per workgroup. */
  readonly scratchPerWorkgroup: number;
  /** Workgroups for a batch of `count` samples. */
  readonly workgroups: (count: number) => number;
}

/** A compiled plan: passes and the shape's twiddle tables. */
export interface GpuPlan {
  /** The shape. */
  readonly shape: Shape;
  /** Passes in dispatch order. */
  readonly passes: readonly PassPlan[];
  /** Twiddle and chirp tables, complex float32 pairs. */
  readonly twiddles: Float32Array;
  /** How rows (length W) and columns (length H) are transformed. */
  readonly fft: { readonly rows: GpuFftPlan | null; readonly columns: GpuFftPlan | null };
  /** Consts offsets of each op. */
  readonly offsets: readonly number[];
  /** Whether the pipeline has frequency ops (and so a parameter table). */
  readonly drawsParams: boolean;
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

/** Why a shape cannot be planned, or null. */
export function unplannable(shape: Shape, limits: PlanLimits): string | null {
  const cap = halfCapacity("storage", limits);
  for (const [axis, n] of [["width", shape.width], ["height", shape.height]] as const) {
    if (!planGpuFft(n, cap)) {
      return `${axis} ${n} is over the largest FFT length, ${cap}`;
    }
  }
  return null;
}

/**
 * Plans a pipeline for a shape. The WGSL depends only on the pipeline's
 * structure (op kinds, order, GMM precision), the shape and the limits.
 */
export function planGpu(pipeline: Pipeline, shape: Shape, limits: PlanLimits = DEFAULT_LIMITS): GpuPlan {
  const why = unplannable(shape, limits);
  if (why) throw new RangeError(why);
  // Complex values per half of the FFT buffer.
  const scratch = scratchFor(shape, limits);
  const cap = halfCapacity(scratch, limits);
  const finish = (wgsl: string) =>
    scratch === "workgroup" ? wgsl : wgsl
      .replace(/var<workgroup> buf: [^;]*;/, "")
      .replaceAll("buf[", "scratch[scratch_base + ")
      .replaceAll("workgroupBarrier()", "storageBarrier()");
  const { height: H, width: W, channels: C } = shape;
  const V = (W >> 1) + 1;
  const offsets = constOffsets(pipeline, C);
  const stages = stagesOf(pipeline);
  const freqStages = stages.filter((s) => s.kind === "frequency");
  // Each op's snippet once, in the order the ops first appear.
  const snippets = [...new Set(pipeline.ops.map((op) => moduleOf(op).gpu!.wgsl))];
  const library = [commonWgsl, fftWgsl, paramsWgsl, ...snippets].join("\n");
  const label = (index: number) => `${pipeline.ops[index].op}#${index}`;

  const spatialFn = (name: string, ops: readonly number[], withCh: boolean) => {
    const body = ops.map((i) => `  ${moduleOf(pipeline.ops[i]).gpu!.point!(u(offsets[i]), pipeline.ops[i])}`);
    return [
      `fn ${name}(x: f32, ch: u32) -> f32 {`,
      "  var y = x;",
      withCh ? "  _ = ch;" : "",
      ...body,
      "  return y;",
      "}",
    ]
      .filter((l) => l !== "").join("\n");
  };

  // Spatial ops before the first frequency stage run in its load; the ones
  // after a stage run in its store.
  const preOps: number[] = [];
  const postOps: number[][] = freqStages.map(() => []);
  let seen = -1;
  for (const st of stages) {
    if (st.kind === "frequency") seen++;
    else if (seen < 0) preOps.push(...st.ops.map((o) => o.index));
    else postOps[seen].push(...st.ops.map((o) => o.index));
  }

  const twiddles: number[] = [];
  if (freqStages.length === 0) {
    const wgsl = [
      header(shape, 256, 0, {}),
      [commonWgsl, paramsWgsl, ...snippets].join("\n"),
      spatialFn("post", preOps, true),
      pointwiseWgsl,
    ].join("\n");
    return {
      shape,
      passes: [{
        name: "pointwise",
        stage: 0,
        fuses: preOps.length ? preOps.map(label) : ["copy"],
        workgroupSize: 256,
        workgroupMemory: 0,
        perWorkgroup: "256 values",
        wgsl,
        scratch: "workgroup",
        scratchPerWorkgroup: 0,
        workgroups: (count) => Math.ceil((count * C * H * W) / 256),
      }],
      twiddles: new Float32Array(2),
      fft: { rows: null, columns: null },
      offsets,
      drawsParams: false,
    };
  }

  const rowPlan = planGpuFft(W, cap)!;
  const colPlan = planGpuFft(H, cap)!;
  const rowTables = pushTables(rowPlan, twiddles);
  const colTables = pushTables(colPlan, twiddles);

  // Row passes: NSEQ row pairs per workgroup.
  const rowSeq = Math.max(1, Math.min(16, Math.floor(cap / rowPlan.seqLen)));
  const rowCap = rowSeq * rowPlan.seqLen;
  const rowWg = Math.min(256, Math.max(32, pow2ceil(Math.ceil(rowCap / 4))));
  // Column pass: TV columns of TC channels per workgroup.
  const tc = C * colPlan.seqLen <= cap ? C : 1;
  const tv = Math.max(1, Math.min(V, Math.floor(16 / tc) || 1, Math.floor(cap / (tc * colPlan.seqLen))));
  const colCap = tc * tv * colPlan.seqLen;
  const colWg = Math.min(256, Math.max(32, pow2ceil(Math.ceil(colCap / 4))));
  const rowPairs = (count: number) => count * Math.ceil((C * H) / 2);

  const freqIndices = pipeline.ops.map((op, i) => (isFrequencyOp(op) ? i : -1)).filter((i) => i >= 0);
  const genBody = freqIndices.map((i) => `  ${moduleOf(pipeline.ops[i]).gpu!.gen!(u(offsets[i]), pipeline.ops[i])}`);

  const passes: PassPlan[] = [];
  freqStages.forEach((stage, si) => {
    if (stage.kind !== "frequency") return;
    const first = si === 0;
    const pre = spatialFn("pre", first ? preOps : [], true);
    const post = spatialFn("post", postOps[si], true);
    const rowFft = fftFunction("fft_row", rowPlan, rowTables, rowPlan.seqLen);
    const rowHeader = (gen: boolean) =>
      header(shape, rowWg, rowCap, { NSEQ: u(rowSeq), SL: u(rowPlan.seqLen), GEN: String(gen) });
    const gen = [
      "fn gen(s: u32, n: u32, lid: u32) {",
      ...(first ? genBody : ["  _ = s;", "  _ = n;", "  _ = lid;"]),
      "}",
    ].join("\n");
    const ops = stage.ops.map(({ index }) => index);
    const rowsName = first && preOps.length ? preOps.map(label).concat(["row rfft"]) : ["row rfft"];
    passes.push({
      name: "rows",
      stage: si,
      fuses: first ? ["load", ...rowsName, "parameter draws"] : ["load", ...rowsName],
      workgroupSize: rowWg,
      workgroupMemory: scratch === "workgroup" ? rowCap * 16 : 0,
      perWorkgroup: `${rowSeq} row pairs (one complex FFT each: ${describeFft(rowPlan)})`,
      wgsl: finish([rowHeader(first), library, pre, rowFft, gen, rowsWgsl].join("\n")),
      scratch,
      scratchPerWorkgroup: scratch === "storage" ? 2 * rowCap : 0,
      workgroups: (count) => Math.ceil(rowPairs(count) / rowSeq) + (first ? count : 0),
    });
    const multBody = ops.map((i) => `  ${moduleOf(pipeline.ops[i]).gpu!.mult!(u(offsets[i]), pipeline.ops[i])}`);
    const mult = [
      "fn mult(s: u32, u: u32, v: u32) -> vec2<f32> {",
      "  var m = vec2<f32>(INV_HW, 0.0);",
      ...multBody,
      "  return m;",
      "}",
    ]
      .join("\n");
    const colFft = fftFunction("fft_col", colPlan, colTables, colPlan.seqLen);
    passes.push({
      name: "columns",
      stage: si,
      fuses: ["column FFT", ...ops.map(label).map((l) => `${l} (multiplier)`), "inverse column FFT"],
      workgroupSize: colWg,
      workgroupMemory: scratch === "workgroup" ? colCap * 16 : 0,
      perWorkgroup: `${tv} column(s) x ${tc} channel(s) of one sample (${describeFft(colPlan)})`,
      wgsl: finish([
        header(shape, colWg, colCap, { NSEQ: u(tc * tv), SL: u(colPlan.seqLen), TC: u(tc), TV: u(tv) }),
        library,
        mult,
        colFft,
        colsWgsl,
      ].join("\n")),
      scratch,
      scratchPerWorkgroup: scratch === "storage" ? 2 * colCap : 0,
      workgroups: (count) => count * (C / tc) * Math.ceil(V / tv),
    });
    const active = [
      "fn stage_applies(s: u32) -> bool {",
      `  return ${ops.map((i) => `op_applied(s, ${u(offsets[i])})`).join(" || ")};`,
      "}",
    ]
      .join("\n");
    passes.push({
      name: "inverse rows",
      stage: si,
      fuses: ["row irfft", ...postOps[si].map(label), "store"],
      workgroupSize: rowWg,
      workgroupMemory: scratch === "workgroup" ? rowCap * 16 : 0,
      perWorkgroup: `${rowSeq} row pairs`,
      wgsl: finish([rowHeader(false), library, pre, post, rowFft, active, irowsWgsl].join("\n")),
      scratch,
      scratchPerWorkgroup: scratch === "storage" ? 2 * rowCap : 0,
      workgroups: (count) => Math.ceil(rowPairs(count) / rowSeq),
    });
  });
  return {
    shape,
    passes,
    twiddles: new Float32Array(twiddles),
    fft: { rows: rowPlan, columns: colPlan },
    offsets,
    drawsParams: true,
  };
}
