// The op catalog (what forms and docs are built from) says what each op's
// codec really does: every option of every registered op is listed, with a
// default the codec gives, bounds the codec accepts and refuses just past,
// choices it takes, and a slider span inside the bounds. A control that
// drifts from its codec fails here.
import assert from "node:assert/strict";
import { decodeSpec, encodeSpec, opCatalog } from "../mod.ts";
import { OPS } from "../src/ops/registry.ts";
import type { FieldInfo } from "../src/ops/codec_kit.ts";

const catalog = opCatalog();

/** A valid op to vary one field of: its defaults, plus a first value for the required fields. */
function base(name: string): Record<string, unknown> {
  const info = catalog.find((o) => o.name === name)!;
  const op: Record<string, unknown> = { op: name };
  for (const f of info.options) {
    if (f.default !== undefined) continue;
    if (f.control.kind === "size") op[f.name] = 8;
    else if (f.control.kind === "ops") op[f.name] = [{ op: "gmm" }];
    else throw new Error(`${name}.${f.name} has no default and no way to make one`);
  }
  return op;
}

/** Cross-field rules: the other field set so that only the field under test can fail. */
const PARTNER: Readonly<Record<string, Record<string, unknown>>> = {
  "clamp.min": { max: 1e30 },
  "clamp.max": { min: -1e30 },
  // One weight per op: 16 ops, so 16 weights can be tried.
  "oneOf.weights": { ops: Array(16).fill({ op: "gmm" }) },
};

/** Whether the op with field f set to v decodes (in a one-op spec). */
function takes(name: string, f: FieldInfo, v: unknown): boolean {
  const op = { ...base(name), ...PARTNER[`${name}.${f.name}`], [f.name]: v };
  return decodeSpec({ version: 1, ops: [op] })._tag === "Right";
}

/** A number just past x, away from the inside of [lo, hi]. */
const past = (x: number, dir: 1 | -1) => x + dir * Math.max(Math.abs(x) * 1e-9, 1e-12);

Deno.test("catalog: one entry per registered op, in the registry's order, frozen", () => {
  assert.deepEqual(catalog.map((o) => o.name), OPS.map((m) => m.name));
  assert.ok(Object.isFrozen(catalog) && catalog.every((o) => Object.isFrozen(o) && Object.isFrozen(o.options)));
  assert.deepEqual(catalog.filter((o) => o.reshapes).map((o) => o.name), ["randomResizedCrop"]);
  for (const o of catalog) {
    const m = OPS.find((x) => x.name === o.name)!;
    assert.equal(o.stage, m.stage);
    assert.equal(o.gpu, m.gpu !== undefined);
    assert.equal(o.reshapes, (m as { reshape?: unknown }).reshape !== undefined);
    // A crop cannot be a combinator's child: the catalog says which ops reshape, so forms can leave them out.
    if (o.reshapes) {
      const child = decodeSpec({ version: 1, ops: [{ op: "randomApply", ops: [base(o.name)] }] });
      assert.equal(child._tag, "Left", `${o.name} reshapes, but a combinator takes it`);
    }
    assert.ok(o.summary.length > 10, o.name);
  }
});

Deno.test("catalog: every option an op's codec writes is listed, with its help and what it expects", () => {
  for (const o of catalog) {
    const decoded = decodeSpec({ version: 1, ops: [base(o.name)] });
    assert.equal(decoded._tag, "Right", `${o.name}: ${JSON.stringify(decoded)}`);
    const json = encodeSpec((decoded as { right: Parameters<typeof encodeSpec>[0] }).right).ops[0];
    assert.deepEqual(Object.keys(json).filter((k) => k !== "op"), o.options.map((f) => f.name), o.name);
    for (const f of o.options) {
      assert.ok(f.help.length >= 10, `${o.name}.${f.name}: help "${f.help}"`);
      assert.ok(f.expected.length >= 10, `${o.name}.${f.name}: expected "${f.expected}"`);
      if (f.default !== undefined) assert.deepEqual(json[f.name], f.default, `${o.name}.${f.name}: default`);
    }
  }
});

Deno.test("catalog: each control's bounds, choices and slider span agree with the codec", () => {
  let checked = 0;
  for (const o of catalog) {
    for (const f of o.options) {
      const c = f.control, at = `${o.name}.${f.name}`;
      switch (c.kind) {
        case "number":
        case "range": {
          const one = (x: number) => c.kind === "number" ? x : [x, x];
          assert.ok(takes(o.name, f, one(c.min)), `${at} refuses its min ${c.min}`);
          assert.ok(takes(o.name, f, one(c.max)), `${at} refuses its max ${c.max}`);
          assert.ok(!takes(o.name, f, one(past(c.min, -1))), `${at} takes a value below its min ${c.min}`);
          assert.ok(!takes(o.name, f, one(past(c.max, 1))), `${at} takes a value above its max ${c.max}`);
          const [lo, hi] = c.typical;
          assert.ok(c.min <= lo && lo < hi && hi <= c.max, `${at}: slider span [${lo}, ${hi}] outside its bounds`);
          if (c.scale === "log") assert.ok(lo > 0, `${at}: a log slider needs a positive span`);
          if (c.kind === "number") {
            // A fraction inside the span: refused by an integer field, taken by any other.
            const x = lo + (hi - lo) / 2 + 0.25;
            assert.equal(
              takes(o.name, f, x),
              !c.integer,
              `${at}: integer ${c.integer}, but ${x} is ${c.integer ? "taken" : "refused"}`,
            );
          }
          if (c.kind === "range") {
            assert.equal(
              takes(o.name, f, c.max),
              c.scalar,
              `${at}: scalar ${c.scalar}, but one number is ${c.scalar ? "refused" : "taken"}`,
            );
            if (c.max > c.min) assert.ok(!takes(o.name, f, [c.max, c.min]), `${at} takes [hi, lo]`);
          }
          break;
        }
        case "boolean":
          assert.ok(takes(o.name, f, true) && takes(o.name, f, false) && !takes(o.name, f, 1), at);
          break;
        case "choice":
          for (const v of c.values) assert.ok(takes(o.name, f, v), `${at} refuses its choice ${v}`);
          assert.ok(!takes(o.name, f, "no such choice"), at);
          break;
        case "numbers": {
          // normalize's std has as many items as its mean (3 by default); oneOf's weights one per op (16 here).
          const len = o.name === "normalize" ? 3 : o.name === "oneOf" ? 16 : Math.max(c.minLength, 1);
          // The first item at max: oneOf needs a weight > 0.
          const low = [c.max, ...Array(len - 1).fill(c.min)];
          assert.ok(takes(o.name, f, low), `${at} refuses ${JSON.stringify(low)}`);
          assert.ok(takes(o.name, f, Array(len).fill(c.max)), `${at} refuses [${c.max}, …]`);
          assert.ok(!takes(o.name, f, [past(c.min, -1), ...low.slice(1)].reverse()), `${at} takes less than ${c.min}`);
          assert.ok(!takes(o.name, f, Array(len).fill(past(c.max, 1))), `${at} takes more than ${c.max}`);
          assert.ok(!takes(o.name, f, Array(c.maxLength + 1).fill(c.max)), `${at} takes ${c.maxLength + 1} items`);
          if (c.minLength === 0) assert.ok(takes(o.name, f, []), `${at} refuses []`);
          else assert.ok(!takes(o.name, f, []), `${at} takes []`);
          break;
        }
        case "size":
          assert.ok(takes(o.name, f, c.min) && takes(o.name, f, [c.max, c.min]), at);
          assert.ok(!takes(o.name, f, c.max + 1) && !takes(o.name, f, c.min - 1) && !takes(o.name, f, 2.5), at);
          break;
        case "ops":
          assert.ok(takes(o.name, f, Array(c.maxLength).fill({ op: "gmm" })), `${at} refuses ${c.maxLength} ops`);
          assert.ok(!takes(o.name, f, Array(c.maxLength + 1).fill({ op: "gmm" })), at);
          assert.ok(!takes(o.name, f, Array(c.minLength - 1).fill({ op: "gmm" })), at);
          break;
      }
      checked++;
    }
  }
  assert.ok(checked >= 35, `${checked} options checked`);
});

Deno.test("catalog: gmm's c and σ move on a log scale (the playground's log slider)", () => {
  const gmm = catalog.find((o) => o.name === "gmm")!;
  const c = gmm.options.find((f) => f.name === "c")!;
  const sigma = gmm.options.find((f) => f.name === "sigma")!;
  assert.deepEqual(c.control, {
    kind: "number",
    min: 1e-6,
    max: 1e6,
    integer: false,
    scale: "log",
    typical: [0.1, 1000],
  });
  assert.equal(c.default, 1);
  assert.equal(sigma.control.kind === "range" && sigma.control.scale, "log");
  assert.deepEqual(sigma.default, [10, 15]);
});
