// The CPU backend's WebAssembly kernels (wasm/kernels.c) against the
// TypeScript path, which stays as the fallback and as the reference: the C
// code repeats its arithmetic operation for operation, so every comparison
// here is bit for bit. Also: the committed module is the one its source
// builds (where clang is installed), and the fallback runs where the kernels
// are switched off.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  augment,
  type Batch,
  gmm,
  phaseShift,
  pipe,
  type Pipeline,
  randomFrequencyMask,
  randomResizedCrop,
} from "../mod.ts";
import { bluesteinLength, planFft } from "../src/math/fft.ts";
import { Rfft2 } from "../src/math/rfft2.ts";
import { Multiplier } from "../src/cpu/multiplier.ts";
import { keptFilters, planeFilter, RETAINED_FILTER_PIXELS, WASM_MAX_PIXELS } from "../src/cpu/plane_filter.ts";
import { stagesOf } from "../src/dsl/stages.ts";
import { sampleParams } from "../src/params/sample.ts";
import { arbPipeline, arbViewOp } from "../src/testing/mod.ts";
import { instantiate, kernelsActive, kernelsModule, loadKernels, useKernels } from "../src/wasm/kernels.ts";
import { KERNELS_WASM_BASE64 } from "../src/wasm/kernels_bytes.ts";
import { MAX_WASM_MASK_BINS } from "../src/wasm/gmm.ts";
import { WasmRfft2 } from "../src/wasm/rfft2.ts";
import { property } from "./_helpers.ts";

const module = kernelsModule();

/** Whether two float arrays hold the same bits (NaN payloads and signed zeros included). */
function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

/** Deterministic values with some structure (a ramp, a sine, noise). */
function values(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  return Float64Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 0.3 + 0.2 * Math.sin(i * 0.37 + seed) + 0.4 * (s / 2 ** 32) + i / (4 * n);
  });
}

Deno.test("wasm: the kernels compile and run here (Deno has WebAssembly SIMD)", () => {
  assert.ok(module, "WebAssembly kernels did not compile");
  assert.ok(kernelsActive());
});

Deno.test("wasm: the base64 module is the committed .wasm file", () => {
  const wasm = Deno.readFileSync(new URL("../src/wasm/kernels.wasm", import.meta.url));
  const text = atob(KERNELS_WASM_BASE64);
  assert.equal(text.length, wasm.length);
  for (let i = 0; i < wasm.length; i++) assert.equal(text.charCodeAt(i), wasm[i], `byte ${i}`);
});

const clang = ["clang-14", "clang"].find((c) => {
  try {
    return new Deno.Command(c, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
});
if (!clang) console.log("SKIPPED: no clang here to rebuild the kernels (Debian: apt-get install clang-14 lld-14)");

Deno.test({
  name: "wasm: the committed module is what wasm/build.sh makes of wasm/kernels.c",
  ignore: !clang,
  fn: async () => {
    const out = await new Deno.Command("bash", {
      args: [new URL("../wasm/build.sh", import.meta.url).pathname, "--check"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `wasm/build.sh --check failed:\n${text}`);
  },
});

Deno.test("wasm: batched FFTs equal the TypeScript plans bit for bit (mixed radix, odd primes, Bluestein)", () => {
  const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 30, 49, 61, 64, 67, 89, 97, 121, 143, 224, 227, 256, 360, 1009];
  for (const n of lengths) {
    for (const count of [1, 2, 3, 16, 17]) {
      const re = values(n * count, n), im = values(n * count, n + 7);
      const r2 = re.slice(), i2 = im.slice();
      planFft(n).forwardMany(r2, i2, count);
      // All sequences at once, and in blocks (as large transforms run), give the same bits.
      for (const block of new Set([count, 2, 4])) {
        const r = re.slice(), i = im.slice();
        WasmRfft2.fftMany(module!, n, r, i, count, block);
        assert.ok(sameBits(r, r2) && sameBits(i, i2), `n ${n} count ${count} block ${block} (${planFft(n).strategy})`);
      }
    }
  }
});

Deno.test("wasm: Bluestein pads to the smallest 7-smooth length >= 2n - 1", () => {
  const smooth = (m: number) => {
    for (const p of [2, 3, 5, 7]) while (m % p === 0) m /= p;
    return m === 1;
  };
  for (const n of [2, 67, 89, 97, 223, 227, 1009, 4099]) {
    const m = bluesteinLength(n);
    assert.ok(m >= 2 * n - 1 && smooth(m), `n ${n}: m ${m}`);
    for (let k = 2 * n - 1; k < m; k++) assert.ok(!smooth(k), `n ${n}: ${k} is smaller and 7-smooth`);
  }
  assert.equal(planFft(97).strategy, "bluestein(196)");
  assert.equal(planFft(227).strategy, "bluestein(480)");
});

Deno.test("wasm: the plane filter (rfft2, multiplier, irfft2) equals the TypeScript one bit for bit", () => {
  // Odd and even sides, primes (Bluestein rows and columns), lone last rows, one row or column,
  // and power-of-two widths (whose plane rows are padded in the kernels' memory).
  const shapes = [
    [1, 1],
    [1, 7],
    [6, 1],
    [2, 2],
    [3, 4],
    [5, 9],
    [14, 15],
    [32, 32],
    [97, 89],
    [128, 128],
    [
      223,
      227,
    ],
    [17, 256],
    [64, 512],
  ];
  for (const [H, W] of shapes) {
    const V = (W >> 1) + 1;
    const x = values(H * W, H * 31 + W);
    const mr = values(H * V, 5).map((v) => v / (H * W)), mi = values(H * V, 6).map((v) => (v - 0.5) / (H * W));
    for (const complex of [false, true]) {
      const w = new WasmRfft2(instantiate(module!), H, W);
      w.setMultiplier(mr, complex ? mi : null);
      w.load(x, 0);
      w.filter();
      const got = new Float64Array(H * W);
      w.store(got, 0);
      const t = new Rfft2(H, W), want = x.slice();
      t.forwardRows(want, 0);
      t.filterColumns(mr, complex ? mi : null);
      t.inverseRows(want, 0);
      assert.ok(sameBits(got, want), `${H}x${W} complex ${complex}`);
      // float32 in and out: widened and narrowed as assignment does.
      const x32 = Float32Array.from(x), got32 = new Float32Array(H * W);
      w.load(x32, 0);
      w.filter();
      w.store(got32, 0);
      const want32 = Float64Array.from(x32);
      t.forwardRows(want32, 0);
      t.filterColumns(mr, complex ? mi : null);
      t.inverseRows(want32, 0);
      assert.ok(sameBits(got32, Float32Array.from(want32)), `${H}x${W} float32 complex ${complex}`);
    }
  }
});

Deno.test("wasm: a small image's channels filtered together give the bits of one plane at a time", () => {
  for (const [H, W, C] of [[32, 32, 3], [64, 48, 3], [2, 7, 4], [16, 129, 3]]) {
    const V = (W >> 1) + 1, n = C * H * W;
    const x = Float32Array.from(values(n, H + W));
    const m = values(H * V, 8).map((v) => v / (H * W)), mi = values(H * V, 9).map((v) => (v - 0.5) / (H * W));
    for (const im of [null, mi]) {
      const all = new WasmRfft2(instantiate(module!), H, W, C), one = new WasmRfft2(instantiate(module!), H, W);
      all.setMultiplier(m, im);
      one.setMultiplier(m, im);
      const got = new Float32Array(n), want = new Float32Array(n);
      assert.ok(all.load(x, 0));
      all.filter();
      all.store(got, 0);
      for (let c = 0; c < C; c++) {
        one.load(x, c * H * W);
        one.filter();
        one.store(want, c * H * W);
      }
      assert.ok(sameBits(got, want), `${C}x${H}x${W} complex ${im !== null}`);
    }
  }
});

Deno.test("wasm: kept filters of several sizes stay valid when sizes alternate", () => {
  const a = planeFilter(14, 15), b = planeFilter(9, 10), c = planeFilter(14, 15);
  assert.equal(a, c);
  assert.equal(a.kind, "wasm");
  const x = values(14 * 15, 3), m = new Float64Array(14 * 8).fill(1 / (14 * 15));
  a.setMultiplier(m, null);
  b.setMultiplier(new Float64Array(9 * 6).fill(1 / 90), null);
  a.load(x, 0);
  b.load(values(90, 4), 0);
  b.filter();
  a.filter();
  const got = new Float64Array(14 * 15);
  a.store(got, 0);
  // An all-pass multiplier gives the plane back.
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - x[i]) < 1e-14, `${i}`);
});

Deno.test("wasm: the GMM mask folds to the same bits as the TypeScript fold", () => {
  for (const [H, W] of [[1, 1], [5, 3], [32, 32], [97, 89], [224, 224], [300, 17]]) {
    for (const keepDC of [true, false]) {
      const p = pipe(gmm({ k: 20, sigma: [0.5, 15], c: 0.7, intensity: [0, 1], keepDC }));
      const stage = stagesOf(p)[0];
      assert.equal(stage.kind, "frequency");
      for (const s of sampleParams(p, { seed: H * 7 + W, count: 6, height: H, width: W })) {
        try {
          useKernels(true);
          const a = new Multiplier(H, W);
          a.build(stage as Parameters<Multiplier["build"]>[0], s);
          useKernels(false);
          const b = new Multiplier(H, W);
          b.build(stage as Parameters<Multiplier["build"]>[0], s);
          assert.ok(sameBits(a.re, b.re), `${H}x${W} keepDC ${keepDC}`);
        } finally {
          useKernels(true);
        }
      }
    }
  }
  assert.ok(MAX_WASM_MASK_BINS >= 1024 * 513, "masks of 1024² images fold in the kernels");
});

/** Realistic pipelines: view ops, then frequency and spatial ops, sometimes a crop between two frequency stages. */
const arbRealistic: fc.Arbitrary<Pipeline> = fc.oneof(
  fc.tuple(fc.array(arbViewOp(3), { maxLength: 2 }), arbPipeline({ channels: 3, maxOps: 3 }))
    .map(([view, rest]) => pipe(...view, ...rest.ops)),
  fc.record({ h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 12 }) }).map(({ h, w }) =>
    pipe(gmm({ k: 4, sigma: [1, 3] }), randomResizedCrop({ size: [h, w] }), phaseShift(), randomFrequencyMask())
  ),
);

const arbShape = fc.record({
  count: fc.integer({ min: 1, max: 4 }),
  height: fc.integer({ min: 1, max: 40 }),
  width: fc.integer({ min: 1, max: 40 }),
});

Deno.test("wasm: augment on the CPU gives the same bits with the kernels on and off (float32, float64)", async () => {
  await property(
    fc.asyncProperty(arbShape, arbRealistic, fc.integer(), fc.boolean(), async (shape, p, seed, f64) => {
      const n = shape.count * 3 * shape.height * shape.width;
      const data = f64 ? values(n, seed) : Float32Array.from(values(n, seed));
      const batch: Batch<Float32Array | Float64Array> = { ...shape, channels: 3, data };
      try {
        useKernels(false);
        const ts = await augment(p, batch, { seed, backend: "cpu", workers: 0 });
        useKernels(true);
        const wasm = await augment(p, batch, { seed, backend: "cpu", workers: 0 });
        assert.ok(sameBits(wasm.images.data, ts.images.data), JSON.stringify(p.ops));
      } finally {
        useKernels(true);
      }
    }),
    60,
  );
});

Deno.test("wasm: byte batches and uint8 output give the same bytes with the kernels on and off", async () => {
  const p = pipe(gmm({ k: 8, sigma: [2, 6] }), phaseShift());
  for (const [H, W, C] of [[24, 17, 3], [31, 20, 4], [64, 128, 4]]) {
    const data = Uint8Array.from(values(2 * H * W * C, H).map((v) => Math.floor(v * 255) & 255));
    const batch = { data, layout: "NHWC" as const, count: 2, channels: C as 3 | 4, height: H, width: W };
    try {
      useKernels(false);
      const ts = await augment(p, batch, { seed: 9, backend: "cpu", workers: 0, output: "uint8" });
      useKernels(true);
      const wasm = await augment(p, batch, { seed: 9, backend: "cpu", workers: 0, output: "uint8" });
      assert.deepEqual(wasm.images.data, ts.images.data, `${H}x${W}x${C}`);
    } finally {
      useKernels(true);
    }
  }
});

Deno.test("wasm: an image too large for a 32-bit memory is refused before anything is allocated", () => {
  // planeFilter then runs the TypeScript path (which needs less memory per pixel).
  assert.throws(() => new WasmRfft2(instantiate(module!), 30000, 30000), RangeError);
});

Deno.test("wasm: float16 results are rounded once, from float64, as on the TypeScript path", async () => {
  const p = pipe(gmm({ k: 8, sigma: [2, 6] }));
  for (const [H, W] of [[24, 17], [64, 64], [31, 40]]) {
    const batch = { data: Float32Array.from(values(2 * 3 * H * W, H)), count: 2, channels: 3, height: H, width: W };
    try {
      useKernels(false);
      const ts = await augment(p, batch, { seed: 5, backend: "cpu", workers: 0, output: "float16" });
      useKernels(true);
      const wasm = await augment(p, batch, { seed: 5, backend: "cpu", workers: 0, output: "float16" });
      assert.ok(sameBits(wasm.images.data as never, ts.images.data as never), `${H}x${W}`);
    } finally {
      useKernels(true);
    }
  }
});

Deno.test("wasm: large planes run the TypeScript path (faster there, as measured)", () => {
  assert.equal(planeFilter(384, 384).kind, "wasm");
  assert.equal(planeFilter(512, 512).kind, "ts");
  assert.equal(planeFilter(1024, 1024).kind, "ts");
  assert.ok(512 * 512 > WASM_MAX_PIXELS && 384 * 384 <= WASM_MAX_PIXELS);
});

Deno.test("wasm: a large image's filter is not kept, and results do not depend on the path", async () => {
  // 1100×1000 is over the retained size: its filter (and memory) goes with the call.
  const [H, W] = [1100, 1000];
  assert.ok(H * W > RETAINED_FILTER_PIXELS);
  const p = pipe(gmm({ k: 20, sigma: [10, 15] }));
  const batch = { data: Float32Array.from(values(3 * H * W, 2)), count: 1, channels: 3, height: H, width: W };
  try {
    useKernels(false);
    const ts = await augment(p, batch, { seed: 4, backend: "cpu", workers: 0 });
    useKernels(true);
    const wasm = await augment(p, batch, { seed: 4, backend: "cpu", workers: 0 });
    assert.ok(sameBits(wasm.images.data, ts.images.data));
    assert.ok(!keptFilters().includes(`${H}x${W}`));
  } finally {
    useKernels(true);
  }
});

Deno.test("wasm: switched off, the TypeScript path runs and loadKernels settles", async () => {
  try {
    useKernels(false);
    assert.equal(kernelsActive(), false);
    assert.equal(planeFilter(8, 8).kind, "ts");
    await loadKernels();
  } finally {
    useKernels(true);
  }
  assert.equal(planeFilter(8, 8).kind, "wasm");
});
