// The op registry's contract, for every op it lists: its arbitrary gives ops
// its codec accepts and round-trips; its draws pass its own replay check and
// replay exactly; its gain bound holds on inputs in [-1, 1]; bad options and
// bad replayed params are refused with the field named. A new op gets all of
// this by its one registry line.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  augment,
  augmentTask,
  decodeSpec,
  encodeSpec,
  fdaView1,
  fdaView2,
  FreqaugError,
  gaussianBlur,
  oneOf,
  pipe,
  randomApply,
  sample,
  solarize,
} from "../mod.ts";
import { moduleNamed, OPS } from "../src/ops/registry.ts";
import { gainBound } from "../src/spec/codec.ts";
import { arbProbability } from "../src/testing/mod.ts";
import type { AnyOpModule, ArbKit } from "../src/ops/module.ts";
import { FC_SEED, maxAbs } from "./_helpers.ts";

const uniform = (min: number, max: number) =>
  fc.integer({ min: 0, max: 1 << 24 }).map((i) => Math.min(max, min + (max - min) * (i / (1 << 24))));
const kit = (channels: number): ArbKit => ({
  fc,
  uniform,
  range: (a, b) =>
    fc.tuple(uniform(a, b), uniform(a, b)).map(([x, y]) => (x <= y ? [x, y] : [y, x]) as [number, number]),
  withEdges: (r, edges, weight = 6) =>
    fc.oneof({ arbitrary: r, weight }, { arbitrary: fc.constantFrom(...edges), weight: 1 }),
  probability: arbProbability,
  channels,
});

/** Whether an op and every op inside it act on pixels (frequency ops may move energy between pixels). */
function allSpatial(op: { op: string }): boolean {
  const m = moduleNamed(op.op)!;
  return m.stage === "spatial" && (m.children?.(op) ?? []).every((c) => allSpatial(c));
}

for (const m of OPS) {
  Deno.test(`registry: ${m.name}: arbitrary ops decode, round-trip, draw, replay and stay within the gain bound`, async () => {
    assert.ok(m.summary.length > 10, "a summary for the docs");
    const ops: unknown[] = fc.sample((m as AnyOpModule).arbitrary(kit(3)), { numRuns: 40, seed: FC_SEED });
    for (const op of ops) {
      const p = pipe(op as never);
      const back = decodeSpec(JSON.parse(JSON.stringify(encodeSpec(p))));
      assert.equal(back._tag, "Right", JSON.stringify(op));
      assert.deepEqual(back._tag === "Right" && back.right, p);
    }
    // Draws pass the replay check and replay exactly; the output stays within the gain bound.
    for (const op of ops.slice(0, 12)) {
      const p = pipe(op as never);
      const H = 9, W = 11, C = 3;
      const data = Float64Array.from({ length: 2 * C * H * W }, (_, i) => Math.sin(i * 12.9898) * 0.999);
      const batch = { data, count: 2, channels: C, height: H, width: W };
      const a = await augment(p, batch, { seed: 5, backend: "cpu" });
      const b = await augment(p, batch, { params: JSON.parse(JSON.stringify(a.params)), backend: "cpu" });
      assert.deepEqual(b.images.data, a.images.data, `${JSON.stringify(op)} replays`);
      const bound = gainBound(p.ops)[0];
      // Frequency ops may move energy between pixels: the bound is per op, so only spatial ops are held to it.
      if (allSpatial(op as { op: string })) {
        assert.ok(maxAbs(a.images.data) <= bound * (1 + 1e-12), `${maxAbs(a.images.data)} > ${bound}`);
      }
    }
  });
}

Deno.test("registry: replayed params of the wrong shape are refused with their path", async () => {
  const batch = { data: new Float32Array(3 * 8 * 8), count: 1, channels: 3, height: 8, width: 8 };
  const cases: [unknown, RegExp][] = [
    [{ op: "randomResizedCrop", applied: true, top: 5, left: 0, height: 4, width: 8 }, /params\[0\]\[0\]\.height/],
    [{ op: "randomResizedCrop", applied: false, top: 1, left: 0, height: 4, width: 8 }, /whole image/],
    [{ op: "randomResizedCrop", applied: true, top: 0, left: 0, height: 0.5, width: 8 }, /height/],
  ];
  for (const [entry, re] of cases) {
    await assert.rejects(
      augment(pipe({ op: "randomResizedCrop", size: [4, 4] } as never), batch, {
        params: [[entry as never]],
        backend: "cpu",
      }),
      (e: unknown) => e instanceof FreqaugError && re.test(e.message),
    );
  }
  const jitter = pipe({ op: "colorJitter" } as never);
  const bad = [
    [{
      op: "colorJitter",
      applied: true,
      order: [0, 1, 2, 2],
      brightness: 1,
      contrast: null,
      saturation: null,
      hue: null,
    }, /order/],
    [{
      op: "colorJitter",
      applied: true,
      order: [0, 1, 2, 3],
      brightness: -1,
      contrast: null,
      saturation: null,
      hue: null,
    }, /brightness/],
    [{
      op: "colorJitter",
      applied: true,
      order: [0, 1, 2, 3],
      brightness: 1,
      contrast: null,
      saturation: null,
      hue: 0.7,
    }, /hue/],
  ] as const;
  for (const [entry, re] of bad) {
    await assert.rejects(
      augment(jitter, batch, { params: [[entry as never]], backend: "cpu" }),
      (e: unknown) => e instanceof FreqaugError && re.test(e.message),
    );
  }
});

Deno.test("registry: bad options name the field, the value and the range", () => {
  const cases: [unknown, RegExp][] = [
    [{ op: "randomResizedCrop" }, /size/],
    [{ op: "randomResizedCrop", size: 0 }, /size: got 0/],
    [{ op: "randomResizedCrop", size: 8, scale: [0.5, 0.1] }, /scale/],
    [{ op: "colorJitter", hue: 0.6 }, /hue: got 0.6/],
    [{ op: "colorJitter", brightness: -0.1 }, /brightness/],
    [{ op: "gaussianBlur", sigma: 0 }, /sigma/],
    [{ op: "solarize", threshold: 1.5 }, /threshold/],
    [{ op: "horizontalFlip", p: 2 }, /p: got 2/],
    [{ op: "grayscale", extra: 1 }, /extra/],
  ];
  for (const [op, re] of cases) {
    const r = decodeSpec({ version: 1, ops: [op] });
    assert.equal(r._tag, "Left", JSON.stringify(op));
    assert.match(r._tag === "Left" ? r.left.message : "", re);
  }
});

Deno.test("registry: colour ops need 1 or 3 channels, and say so", async () => {
  for (const op of [{ op: "colorJitter" }, { op: "grayscale" }]) {
    await assert.rejects(
      augment(pipe(op as never), { data: new Float32Array(2 * 4), count: 1, channels: 2, height: 2, width: 2 }, {
        seed: 1,
      }),
      (e: unknown) => e instanceof FreqaugError && /1 or 3 channels/.test(e.message),
    );
  }
});

Deno.test("presets: fdaView1/fdaView2 round-trip, are lightly's views, and run to inputSize", async () => {
  for (const v of [fdaView1(), fdaView2(), fdaView1({ inputSize: 32, normalize: null, gmmKeepDC: false })]) {
    const back = decodeSpec(encodeSpec(v));
    assert.equal(back._tag, "Right");
    assert.deepEqual(back._tag === "Right" && back.right, v);
  }
  const names = fdaView1().ops.map((o) => o.op);
  assert.deepEqual(names, [
    "randomResizedCrop",
    "amplitudeRescale",
    "phaseShift",
    "randomFrequencyMask",
    "gmm",
    "clamp",
    "horizontalFlip",
    "verticalFlip",
    "colorJitter",
    "grayscale",
    "gaussianBlur",
    "solarize",
    "normalize",
  ]);
  const p = (v: ReturnType<typeof fdaView1>, name: string) =>
    v.ops.find((o) => o.op === name) as unknown as Record<string, unknown>;
  assert.equal(p(fdaView1(), "gmm").p, 0.2);
  assert.equal(p(fdaView2(), "gmm").p, 0);
  assert.equal(p(fdaView1(), "gaussianBlur").p, 1);
  assert.equal(p(fdaView2(), "gaussianBlur").p, 0.1);
  assert.deepEqual(p(fdaView1(), "colorJitter").brightness, [0.6, 1.4]);
  assert.deepEqual(p(fdaView1({ cjStrength: 0.5 }), "colorJitter").hue, [-0.05, 0.05]);
  assert.equal(p(fdaView1(), "amplitudeRescale").keepDC, false);
  assert.equal(p(fdaView1(), "gmm").keepDC, true);
  assert.throws(() => fdaView1({ cjProb: 2 }), /fdaView1\.cjProb: got 2/);
  assert.throws(() => fdaView2({ rrProb: 0.5 } as never), /fdaView2\.rrProb/);
  const batch = { data: new Float32Array(2 * 3 * 40 * 50).fill(0.5), count: 2, channels: 3, height: 40, width: 50 };
  const r = await augment(fdaView1({ inputSize: 24 }), batch, { seed: 3, backend: "cpu" });
  assert.deepEqual([r.images.count, r.images.channels, r.images.height, r.images.width], [2, 3, 24, 24]);
  const s = sample(fdaView1({ inputSize: 24 }), { seed: 3, count: 2, height: 40, width: 50 });
  assert.deepEqual(JSON.parse(JSON.stringify(s)), JSON.parse(JSON.stringify(r.params)));
});

Deno.test("bad input (fuzzed): combinators and presets read options as the other constructors do", () => {
  const throwing = {
    get p(): number {
      throw new Error("boom");
    },
  };
  const attempts: [() => unknown, RegExp][] = [
    [() => oneOf([solarize()], throwing), /oneOf: .*readable options object \(boom\)/],
    [() => randomApply([solarize()], Object.create({ p: 0.9 })), /randomApply\.p: .*own property/],
    [() => randomApply([solarize()], { ops: [] } as never), /randomApply\.ops: .*given as an argument/],
    [() =>
      fdaView1({
        get cjProb(): number {
          throw new Error("boom");
        },
      }), /fdaView1: .*readable options object \(boom\)/],
    [() => fdaView1(Object.create({ cjProb: 5 })), /fdaView1\.cjProb: .*own property/],
    [() => fdaView1({ cjStrength: "2" } as never), /fdaView1\.cjStrength: got "2", expected a finite number/],
    [() => fdaView1({ cjStrength: null } as never), /fdaView1\.cjStrength: got null/],
    [() => fdaView1({ normalize: 5 } as never), /fdaView1\.normalize: got 5/],
    [() => fdaView2({ cjStrength: 6 }), /fdaView2\.cjHue × cjStrength: got 0\.6/],
  ];
  for (const [f, re] of attempts) {
    assert.throws(f, (e: unknown) => e instanceof FreqaugError && re.test(e.message), re.source);
  }
});

Deno.test("bad input (fuzzed): a spec nested 20,000 levels deep is refused at the depth limit, not by the stack", () => {
  let x: unknown = { op: "solarize" };
  for (let i = 0; i < 20000; i++) x = { op: "randomApply", ops: [x] };
  const r = decodeSpec({ version: 1, ops: [x] });
  assert.equal(r._tag, "Left");
  assert.match(r._tag === "Left" ? r.left.message : "", /^ops\[0\]\.ops\[0\]: .*at most 3 levels/);
});

Deno.test("bad input (fuzzed): a getter that throws inside replayed params is a params error with its path", async () => {
  const p = pipe(solarize(), gaussianBlur());
  const batch = { data: new Float32Array(16), count: 1, channels: 1, height: 4, width: 4 };
  const params = JSON.parse(JSON.stringify(sample(p, { seed: 1, count: 1, height: 4, width: 4 })));
  params[0][1] = {
    op: "gaussianBlur",
    applied: true,
    get sigma(): number {
      throw new Error("boom");
    },
  };
  const r = await augmentTask(p, batch, { params, backend: "cpu" })();
  assert.equal(r._tag, "Left");
  assert.equal(r._tag === "Left" && r.left.code, "params");
  assert.match(r._tag === "Left" ? r.left.message : "", /^params\[0\]\[1\]: .*readable params \(boom\)/);
});
