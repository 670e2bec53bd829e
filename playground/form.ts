/// <reference lib="dom" />
/**
 * The op editor of the playground, generated from the library's op catalog:
 * one card per op, one control per option, chosen by the option's
 * `control` (a slider on its scale beside a number box, two of them for a
 * range, a checkbox, a select, a list, or a nested list of ops for a
 * combinator). No op is written out here: a new op of the registry gets its
 * controls from its codec's fields.
 *
 * @module
 */

import type { Control, FieldInfo, OpInfo } from "../mod.ts";
import { MAX_DEPTH } from "../src/ops/children.ts";

/** A JSON object of one op, as in a spec's `ops`. */
export type OpJson = Record<string, unknown> & { op: string };

/** What the editor tells the page. */
export interface FormEvents {
  /** The ops changed (a control moved): the new list, as JSON. */
  change(ops: OpJson[]): void;
}

const SLIDER_STEPS = 1000;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** The catalog entry of an op name. */
function infoOf(catalog: readonly OpInfo[], name: string): OpInfo | undefined {
  return catalog.find((o) => o.name === name);
}

/** A new op with its defaults (required fields get a usable first value). */
export function newOp(catalog: readonly OpInfo[], name: string, size: number): OpJson {
  const info = infoOf(catalog, name);
  const op: OpJson = { op: name };
  for (const f of info?.options ?? []) {
    if (f.default !== undefined) op[f.name] = structuredClone(f.default);
    else if (f.control.kind === "size") op[f.name] = [size, size];
    else if (f.control.kind === "ops") op[f.name] = [newOp(catalog, "gmm", size)];
  }
  return op;
}

/** Slider position (0..SLIDER_STEPS) of x on a control's typical span and scale. */
export function toSlider(x: number, lo: number, hi: number, log: boolean): number {
  const t = log ? (Math.log(Math.max(x, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (x - lo) / (hi - lo);
  return Math.round(Math.min(1, Math.max(0, t)) * SLIDER_STEPS);
}

/** The value at slider position s; rounded to 4 significant digits (3 decimals on a linear span near 0). */
export function fromSlider(s: number, lo: number, hi: number, log: boolean, integer: boolean): number {
  const t = s / SLIDER_STEPS;
  let x = log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
  if (integer) return Math.round(x);
  x = Number(x.toPrecision(4));
  return Math.abs(x) < 1e-12 ? 0 : x;
}

/** The span and scale a slider of a number or range control covers (a log span must be positive). */
function sliderSpan(c: Control): { lo: number; hi: number; log: boolean } | null {
  if (c.kind !== "number" && c.kind !== "range") return null;
  const [lo, hi] = c.typical;
  const log = c.scale === "log" && lo > 0;
  return hi > lo ? { lo, hi, log } : null;
}

interface Ctx {
  readonly catalog: readonly OpInfo[];
  readonly size: number;
  /** Combinators around the list being built (randomApply and oneOf nest at most MAX_DEPTH deep). */
  readonly depth: number;
  /** Called after any edit of the tree below the root list. */
  readonly changed: () => void;
}

/** One number: a slider on the control's span and scale, and a box for any value. */
function numberInput(
  c: Control,
  value: unknown,
  path: string,
  set: (x: unknown) => void,
  ctx: Ctx,
): HTMLElement {
  const span = sliderSpan(c);
  const integer = c.kind === "number" && c.integer;
  // A text box, not type=number: a browser empties a number box it cannot parse (1e999), and the decoder
  // should name what was typed.
  const box = el("input", {
    type: "text",
    class: "box",
    inputmode: integer ? "numeric" : "decimal",
    spellcheck: "false",
    "data-path": path,
    "aria-label": path,
  });
  box.value = typeof value === "number" ? String(value) : "";
  const wrap = el("span", { class: "num" });
  let slider: HTMLInputElement | null = null;
  if (span) {
    slider = el("input", {
      type: "range",
      min: "0",
      max: String(SLIDER_STEPS),
      step: "1",
      "data-path": path,
      "data-scale": span.log ? "log" : "linear",
      "aria-label": `${path} (${span.log ? "log " : ""}slider ${span.lo}..${span.hi})`,
    });
    if (typeof value === "number") slider.value = String(toSlider(value, span.lo, span.hi, span.log));
    const s = slider;
    s.addEventListener("input", () => {
      const x = fromSlider(Number(s.value), span.lo, span.hi, span.log, integer);
      box.value = String(x);
      set(x);
      ctx.changed();
    });
    wrap.append(s);
  }
  box.addEventListener("input", () => {
    const raw = box.value.trim();
    // A box that does not hold a number puts its text in the spec: the decoder names it.
    const x = raw === "" || !Number.isFinite(Number(raw)) ? raw : Number(raw);
    if (slider && span && typeof x === "number") slider.value = String(toSlider(x, span.lo, span.hi, span.log));
    set(x);
    ctx.changed();
  });
  wrap.append(box);
  return wrap;
}

/** A list of numbers (or a size) as comma-separated text. */
function listInput(
  value: unknown,
  path: string,
  set: (x: unknown) => void,
  ctx: Ctx,
  placeholder: string,
  single: boolean,
): HTMLElement {
  const box = el("input", { type: "text", "data-path": path, "aria-label": path, placeholder, spellcheck: "false" });
  box.value = Array.isArray(value) ? value.join(", ") : typeof value === "number" ? String(value) : "";
  box.addEventListener("input", () => {
    const raw = box.value.trim();
    const parts = raw === "" ? [] : raw.split(/[\s,]+/).filter((p) => p !== "");
    const nums = parts.map(Number);
    // A size of one number is a square; anything not a list of numbers goes in as text, for the decoder to name.
    set(!nums.every(Number.isFinite) ? raw : single && nums.length === 1 ? nums[0] : nums);
    ctx.changed();
  });
  return box;
}

/** The control of one option of an op. */
function fieldControl(f: FieldInfo, op: OpJson, path: string, ctx: Ctx): HTMLElement {
  const c = f.control, at = `${path}.${f.name}`;
  const set = (x: unknown) => void (op[f.name] = x);
  const v = op[f.name];
  switch (c.kind) {
    case "number":
      return numberInput(c, v, at, set, ctx);
    case "range": {
      const pair: unknown[] = Array.isArray(v) ? [...v] : [v, v];
      const end = (i: 0 | 1) =>
        numberInput(c, pair[i], `${at}[${i}]`, (x) => {
          pair[i] = x;
          // The ends stay ordered: moving one past the other takes the other along.
          const [a, b] = pair;
          if (typeof a === "number" && typeof b === "number" && a > b) {
            pair[1 - i] = x;
            const other = row.querySelectorAll<HTMLInputElement>(`[data-path="${at}[${1 - i}]"]`);
            const span = sliderSpan(c);
            for (const o of other) {
              o.value = o.type === "range" && span
                ? String(toSlider(x as number, span.lo, span.hi, span.log))
                : String(x);
            }
          }
          op[f.name] = [...pair];
        }, ctx);
      const row = el(
        "span",
        { class: "range" },
        el("span", { class: "end" }, "lo"),
        end(0),
        el("span", { class: "end" }, "hi"),
        end(1),
      );
      return row;
    }
    case "boolean": {
      const box = el("input", { type: "checkbox", "data-path": at, "aria-label": at });
      box.checked = v === true;
      box.addEventListener("change", () => {
        set(box.checked);
        ctx.changed();
      });
      return box;
    }
    case "choice": {
      const sel = el(
        "select",
        { "data-path": at, "aria-label": at },
        ...c.values.map((x) => el("option", { value: x }, x)),
      );
      sel.value = String(v);
      sel.addEventListener("change", () => {
        set(sel.value);
        ctx.changed();
      });
      return sel;
    }
    case "numbers":
      return listInput(v, at, set, ctx, c.minLength === 0 ? "empty: equal" : "numbers, comma-separated", false);
    case "size":
      return listInput(v, at, set, ctx, "side, or height, width", true);
    case "ops": {
      const list: OpJson[] = Array.isArray(v) ? (v as OpJson[]) : [];
      op[f.name] = list;
      return opList(list, at, { ...ctx, depth: ctx.depth + 1 }, c.maxLength);
    }
  }
}

/** A card for one op: its name, summary, controls, and buttons to move or remove it. */
function opCard(list: OpJson[], i: number, path: string, ctx: Ctx, rebuild: () => void): HTMLElement {
  const op = list[i];
  const info = infoOf(ctx.catalog, op.op);
  const at = `${path}[${i}]`;
  const button = (label: string, title: string, act: () => void, disabled = false) => {
    const b = el("button", { type: "button", title, "data-act": label }, label);
    b.disabled = disabled;
    b.addEventListener("click", () => {
      act();
      rebuild();
      ctx.changed();
    });
    return b;
  };
  const head = el(
    "div",
    { class: "op-head" },
    el("strong", {}, op.op),
    el("span", { class: `stage ${info?.stage ?? ""}` }, info ? info.stage : "unknown op"),
    el("span", { class: "spacer" }),
    button("↑", "move up", () => list.splice(i - 1, 0, ...list.splice(i, 1)), i === 0),
    button("↓", "move down", () => list.splice(i + 1, 0, ...list.splice(i, 1)), i === list.length - 1),
    button("✕", "remove", () => list.splice(i, 1)),
  );
  const card = el("div", { class: "op", "data-op": op.op, "data-path": at }, head);
  if (info) {
    card.append(el("div", { class: "summary" }, info.summary));
    const fields = el("div", { class: "fields" });
    for (const f of info.options) {
      fields.append(
        el("label", { title: `${f.help} — ${f.expected}` }, f.name),
        el("div", { class: "control" }, fieldControl(f, op, at, ctx)),
        el("div", { class: "issue", "data-issue": `${at}.${f.name}` }),
      );
    }
    card.append(fields);
  }
  return card;
}

/** An editable list of ops (the pipeline, or a combinator's children) with an "add" menu. */
function opList(list: OpJson[], path: string, ctx: Ctx, max: number): HTMLElement {
  const box = el("div", { class: "ops", "data-path": path });
  const rebuild = () => {
    box.replaceChildren();
    list.forEach((_, i) => box.append(opCard(list, i, path, ctx, rebuild)));
    // What the list may hold: inside a combinator no op that reshapes; at the deepest level no combinator.
    const offered = ctx.catalog.filter((o) =>
      !(ctx.depth > 0 && o.reshapes) &&
      !(ctx.depth >= MAX_DEPTH && o.options.some((f) => f.control.kind === "ops"))
    );
    const add = el(
      "select",
      { class: "add", "aria-label": `add an op to ${path}` },
      el("option", { value: "" }, list.length >= max ? `at most ${max} ops` : "+ add an op…"),
      ...offered.map((o) => el("option", { value: o.name, title: o.summary }, `${o.name} — ${o.summary}`)),
    );
    add.disabled = list.length >= max;
    add.addEventListener("change", () => {
      if (!add.value) return;
      list.push(newOp(ctx.catalog, add.value, ctx.size));
      rebuild();
      ctx.changed();
    });
    box.append(add);
  };
  rebuild();
  return box;
}

/**
 * Builds the editor of `ops` (edited in place) into `root`; every edit calls
 * `events.change` with the list. `size` is the working image side (for a
 * new crop's size).
 */
export function renderForm(
  root: HTMLElement,
  catalog: readonly OpInfo[],
  ops: OpJson[],
  size: number,
  events: FormEvents,
): void {
  const ctx: Ctx = { catalog, size, depth: 0, changed: () => events.change(ops) };
  root.replaceChildren(opList(ops, "ops", ctx, 64));
}

/** Marks the controls whose paths have issues (and clears the others); returns the issues no control showed. */
export function markIssues(root: HTMLElement, issues: readonly { path: string; text: string }[]): number {
  for (const e of root.querySelectorAll<HTMLElement>("[data-issue]")) e.textContent = "";
  for (const e of root.querySelectorAll<HTMLElement>(".bad")) e.classList.remove("bad");
  let unshown = 0;
  for (const issue of issues) {
    // The field's own line, for the field or any item of it (ops[0].sigma[1] → ops[0].sigma).
    let p = issue.path, target: HTMLElement | null = null;
    while (p && !(target = root.querySelector<HTMLElement>(`[data-issue="${CSS.escape(p)}"]`))) {
      const cut = Math.max(p.lastIndexOf("["), p.lastIndexOf("."));
      if (cut <= 0) break;
      p = p.slice(0, cut);
    }
    if (target) {
      target.textContent = target.textContent ? `${target.textContent}; ${issue.text}` : issue.text;
      target.previousElementSibling?.classList.add("bad");
    } else unshown++;
  }
  return unshown;
}
