/**
 * The spatial ops of a plan as steps, and the WGSL that runs a run of steps:
 * pulled (each output pixel evaluates the steps backwards from a buffer — a
 * load, a gather, a pass of its own) or pushed (a store: the inverse rows
 * pass applies the steps forwards to the values it holds and writes them).
 *
 * A step is one op, or one gather of an op (a blur is two). Its kind says
 * where it may run: `value` (one value: any pass), `pixel` (every channel of
 * a pixel), `remap` (moves pixels: flips), `gather` (a weighted sum of other
 * pixels: at most one per pulled run, since each tap evaluates the steps
 * before it). A pixel op with a `term` (colorJitter's contrast) needs the sum
 * of its term over the image first: a `stat`, summed by an earlier pass into
 * the sample's table.
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import type { GpuGather, ImageShape } from "../ops/module.ts";
import { moduleOf } from "../ops/registry.ts";

/** One step of a run of spatial ops. */
export type Step =
  & {
    /** The op's index in the pipeline. */
    readonly index: number;
    /** For people: `op#index`, with the gather's name. */
    readonly label: string;
    /** The shape the step sees. */
    readonly input: ImageShape;
    /** The shape it makes. */
    readonly output: ImageShape;
  }
  & (
    | { readonly kind: "value"; readonly code: string }
    | { readonly kind: "pixel"; readonly code: string; readonly term: string | null }
    | { readonly kind: "remap"; readonly code: string }
    | { readonly kind: "gather"; readonly gather: GpuGather; readonly o: string }
  );

/** Where the partial sums of a pixel op's term lie in each sample's table, and how many. */
export interface StatSlot {
  /** Offset in the sample's table entry. */
  readonly at: number;
  /** Partial sums (added in order). */
  readonly count: number;
}

const u = (x: number) => `${x >>> 0}u`;

/** The steps of spatial op `index` (one per gather for gathering ops). */
export function stepsOf(pipeline: Pipeline, index: number, offset: number, shapes: readonly ImageShape[]): Step[] {
  const op = pipeline.ops[index];
  const g = moduleOf(op).gpu!;
  const o = u(offset);
  const label = `${op.op}#${index}`;
  const input = shapes[index], output = shapes[index + 1];
  const base = { index, label, input, output: input };
  if (g.point) return [{ ...base, kind: "value", code: g.point(o, op) }];
  if (g.remap) return [{ ...base, kind: "remap", code: g.remap(o, op) }];
  if (g.pixel) {
    const term = g.term?.(o, op) ?? null;
    return [{ ...base, kind: "pixel", code: g.pixel(o, op, term === null ? "0.0" : `stat_${index}(s)`), term }];
  }
  if (g.gathers) {
    const gs = g.gathers(o, op);
    return gs.map((gather, i) => ({
      ...base,
      label: gs.length > 1 ? `${label} (${gather.what})` : label,
      kind: "gather" as const,
      gather,
      o,
      output: i === gs.length - 1 ? output : input,
    }));
  }
  throw new TypeError(`${op.op} has no WebGPU step`);
}

/** Whether a run of steps must work on whole pixels (it has a pixel op). */
export function needsPixels(steps: readonly Step[]): boolean {
  return steps.some((s) => s.kind === "pixel");
}

/** The stats a run of steps reads (its pixel ops with a term). */
export function statsRead(steps: readonly Step[]): number[] {
  return steps.filter((s) => s.kind === "pixel" && s.term !== null).map((s) => s.index);
}

/** The functions `stat_<i>(s)`: the sum of op i's term over sample s's image, from its partial sums. */
export function statWgsl(indices: Iterable<number>, slots: ReadonlyMap<number, StatSlot>): string {
  const out: string[] = [];
  for (const i of new Set(indices)) {
    const slot = slots.get(i)!;
    out.push(
      `var<private> stat_${i}_s: u32 = 0xffffffffu;`,
      `var<private> stat_${i}_v: f32 = 0.0;`,
      `fn stat_${i}(s: u32) -> f32 {`,
      `  if (s != stat_${i}_s) {`,
      "    var t = 0.0;",
      `    let b = s * consts[0] + ${u(slot.at)};`,
      `    for (var k = 0u; k < ${u(slot.count)}; k++) {`,
      "      t += tabf(b + k);",
      "    }",
      `    stat_${i}_s = s;`,
      `    stat_${i}_v = t;`,
      "  }",
      `  return stat_${i}_v;`,
      "}",
    );
  }
  return out.join("\n");
}

/**
 * A pulled run of steps reading the `src` buffer (of shape `source`): the
 * functions `${name}(s, c, h, w) -> f32` and, for 3 channels or fewer,
 * `${name}_px(s, h, w) -> vec3<f32>`, evaluated at the last step's output
 * coordinates. Whole pixels when `pixels` (or a step needs them), single
 * values otherwise. At most one step may gather. With `reader`, the source
 * is read through the WGSL function `reader(s, c, h, w) -> f32` instead
 * (the byte input's unpacking).
 */
export function pullWgsl(
  name: string,
  steps: readonly Step[],
  source: ImageShape,
  pixels = false,
  reader?: string,
): string {
  const px = pixels || needsPixels(steps);
  const C = source.channels;
  const T = px ? "vec3<f32>" : "f32";
  const args = px ? "s, h0, w0" : "s, c, h0, w0";
  const params = px ? "s: u32, h0: u32, w0: u32" : "s: u32, c: u32, h0: u32, w0: u32";
  const f = (k: number) => `${name}_${k}`;
  const call = (k: number, h: string, w: string) => px ? `${f(k)}(s, ${h}, ${w})` : `${f(k)}(s, c, ${h}, ${w})`;
  const at = (h: string, w: string, c: string) =>
    reader
      ? `${reader}(s, ${c}, ${h}, ${w})`
      : `src[((s * CH + ${c}) * ${u(source.height)} + ${h}) * ${u(source.width)} + ${w}]`;
  const out: string[] = [];
  if (px) {
    out.push(
      `fn ${f(0)}(${params}) -> ${T} {`,
      "  var px = vec3<f32>(0.0);",
      "  for (var c = 0u; c < CH; c++) {",
      `    px[c] = ${at("h0", "w0", "c")};`,
      "  }",
      "  return px;",
      "}",
    );
  } else out.push(`fn ${f(0)}(${params}) -> ${T} {`, `  return ${at("h0", "w0", "c")};`, "}");
  steps.forEach((st, i) => {
    const k = i + 1;
    out.push(`fn ${f(k)}(${params}) -> ${T} {`);
    if (st.kind === "value") {
      if (px) {
        out.push(
          `  var px = ${f(k - 1)}(${args});`,
          "  for (var ch = 0u; ch < CH; ch++) {",
          "    var y = px[ch];",
          `    ${st.code}`,
          "    px[ch] = y;",
          "  }",
          "  return px;",
        );
      } else out.push(`  var y = ${f(k - 1)}(${args});`, "  let ch = c;", `  ${st.code}`, "  return y;");
    } else if (st.kind === "pixel") {
      out.push(`  var px = ${f(k - 1)}(${args});`, `  ${st.code}`, "  return px;");
    } else if (st.kind === "remap") {
      out.push("  var h = h0;", "  var w = w0;", `  ${st.code}`, `  return ${call(k - 1, "h", "w")};`);
    } else {
      const { x, y } = st.gather, o = st.o;
      out.push(`  var acc = ${T}(0.0);`);
      if (x && y) {
        out.push(
          `  let ny = ${y.count}(s, ${o}, h0);`,
          `  let nx = ${x.count}(s, ${o}, w0);`,
          "  for (var j = 0u; j < ny; j++) {",
          `    let yj = ${y.at}(s, ${o}, h0, j);`,
          `    var row = ${T}(0.0);`,
          "    for (var i = 0u; i < nx; i++) {",
          `      row += ${x.weight}(s, ${o}, w0, i) * ${call(k - 1, "yj", `${x.at}(s, ${o}, w0, i)`)};`,
          "    }",
          `    acc += ${y.weight}(s, ${o}, h0, j) * row;`,
          "  }",
        );
      } else if (y) {
        out.push(
          `  let ny = ${y.count}(s, ${o}, h0);`,
          "  for (var j = 0u; j < ny; j++) {",
          `    acc += ${y.weight}(s, ${o}, h0, j) * ${call(k - 1, `${y.at}(s, ${o}, h0, j)`, "w0")};`,
          "  }",
        );
      } else if (x) {
        out.push(
          `  let nx = ${x.count}(s, ${o}, w0);`,
          "  for (var i = 0u; i < nx; i++) {",
          `    acc += ${x.weight}(s, ${o}, w0, i) * ${call(k - 1, "h0", `${x.at}(s, ${o}, w0, i)`)};`,
          "  }",
        );
      } else out.push(`  acc = ${call(k - 1, "h0", "w0")};`);
      out.push("  return acc;");
    }
    out.push("}");
  });
  const last = f(steps.length);
  if (px) {
    out.push(
      `fn ${name}_px(s: u32, h: u32, w: u32) -> vec3<f32> {`,
      `  return ${last}(s, h, w);`,
      "}",
      `fn ${name}(s: u32, c: u32, h: u32, w: u32) -> f32 {`,
      `  return ${last}(s, h, w)[c];`,
      "}",
    );
  } else {
    out.push(`fn ${name}(s: u32, c: u32, h: u32, w: u32) -> f32 {`, `  return ${last}(s, c, h, w);`, "}");
    if (C <= 3) {
      out.push(
        `fn ${name}_px(s: u32, h: u32, w: u32) -> vec3<f32> {`,
        "  var px = vec3<f32>(0.0);",
        "  for (var c = 0u; c < CH; c++) {",
        `    px[c] = ${last}(s, c, h, w);`,
        "  }",
        "  return px;",
        "}",
      );
    }
  }
  return out.join("\n");
}

/**
 * A pushed run of steps (value, pixel and remap steps only), as the inverse
 * rows pass stores: `store_value(s, c, h, w, y)` for single values, or
 * `store_px(s, h, w, px) -> f32` for whole pixels, which returns the pixel's
 * term of `term` (0 without one). Both write `dst` at the remapped position
 * in an image of shape `shape`.
 */
export function pushWgsl(steps: readonly Step[], shape: ImageShape, pixels: boolean, term: string | null): string {
  const write = (c: string, y: string) =>
    `dst[((s * CH + ${c}) * ${u(shape.height)} + h) * ${u(shape.width)} + w] = ${y};`;
  if (!pixels) {
    return [
      "fn store_value(s: u32, c: u32, h0: u32, w0: u32, x: f32) {",
      "  var y = x;",
      "  var h = h0;",
      "  var w = w0;",
      "  let ch = c;",
      ...steps.map((st) => {
        if (st.kind === "value" || st.kind === "remap") return `  ${st.code}`;
        throw new TypeError(`${st.label} cannot be stored value by value`);
      }),
      `  ${write("c", "y")}`,
      "}",
    ].join("\n");
  }
  const body = steps.map((st) => {
    if (st.kind === "value") {
      return ["  for (var ch = 0u; ch < CH; ch++) {", "    var y = px[ch];", `    ${st.code}`, "    px[ch] = y;", "  }"]
        .join("\n");
    }
    if (st.kind === "pixel" || st.kind === "remap") return `  ${st.code}`;
    throw new TypeError(`${st.label} cannot be stored`);
  });
  return [
    "fn store_px(s: u32, h0: u32, w0: u32, p: vec3<f32>) -> f32 {",
    "  var px = p;",
    "  var h = h0;",
    "  var w = w0;",
    ...body,
    "  for (var c = 0u; c < CH; c++) {",
    `  ${write("c", "px[c]")}`,
    "  }",
    `  return ${term ?? "0.0"};`,
    "}",
  ].join("\n");
}
