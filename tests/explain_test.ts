// explain()'s bytes per image against an independent count from the shapes
// alone, for float32 and byte input and every output type; how the passes
// access memory (the spectrum's tiles); the options it refuses. No GPU needed.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  clamp,
  compile,
  explain,
  type Explanation,
  FreqaugError,
  gmm,
  grayscale,
  horizontalFlip,
  normalize,
  type OutputType,
  phaseShift,
  pipe,
  randomResizedCrop,
} from "../mod.ts";
import { tileWidth } from "../src/webgpu/plan.ts";
import { property } from "./_helpers.ts";

/** The bytes a frequency stage moves per image, counted from its shape: [rows, columns, inverse rows]. */
function stageBytes(C: number, H: number, W: number, sourceBytes: number) {
  const spectrum = 8 * C * H * (Math.floor(W / 2) + 1); // complex float32 half-spectra
  return [
    { read: sourceBytes, written: spectrum },
    { read: spectrum, written: spectrum },
    { read: spectrum, written: 4 * C * H * W },
  ];
}

const total = (e: Explanation) => e.passes.reduce((a, p) => a + p.bytes.read + p.bytes.written, 0);

Deno.test("explain: 3x224x224 GMM moves 3.63 MB per image with float32 in; bytes in read a quarter", () => {
  const shape = { height: 224, width: 224, channels: 3 };
  const f32 = explain(pipe(gmm()), shape);
  // By hand: the load reads 3·224·224 float32 values; 3·224·113 complex bins go out and back twice.
  assert.deepEqual(f32.passes.map((p) => p.bytes), [
    { read: 3 * 224 * 224 * 4, written: 3 * 224 * 113 * 8 },
    { read: 3 * 224 * 113 * 8, written: 3 * 224 * 113 * 8 },
    { read: 3 * 224 * 113 * 8, written: 3 * 224 * 224 * 4 },
  ]);
  assert.deepEqual(f32.bytes, {
    read: 602112 + 2 * 607488,
    written: 2 * 607488 + 602112,
    total: 3634176,
    gpuBatchCopies: 4 * 602112,
  });
  assert.deepEqual(f32.io, { input: "float32", alpha: false, output: "float32" });
  const u8 = explain(pipe(gmm()), shape, { input: "uint8" });
  assert.equal(u8.passes[0].bytes.read * 4, f32.passes[0].bytes.read, "the load reads a quarter");
  assert.deepEqual(u8.passes.slice(1).map((p) => p.bytes), f32.passes.slice(1).map((p) => p.bytes));
  assert.deepEqual(u8.passes[0].bytes.written, f32.passes[0].bytes.written);
  assert.equal(u8.bytes.total, f32.bytes.total - (3 / 4) * 602112);
  assert.equal(u8.bytes.gpuBatchCopies, 2 * (224 * 224 * 3 + 602112));
  assert.match(u8.passes[0].access, /the input's bytes \(3 per pixel/);
  // RGBA bytes: the words hold alpha too, so the load reads 4 bytes a pixel.
  const rgba = explain(pipe(gmm()), shape, { input: "uint8", alpha: true, output: "uint8" });
  assert.equal(rgba.passes[0].bytes.read, 4 * 224 * 224);
  const pack = rgba.passes[3];
  assert.equal(pack.name, "pack");
  // No flip or crop: the alpha bytes are read back from the input's words.
  assert.deepEqual(pack.bytes, { read: 602112 + 4 * 224 * 224, written: 4 * 224 * 224 });
  const flipped = explain(pipe(gmm(), horizontalFlip()), shape, { input: "uint8", alpha: true, output: "uint8" });
  assert.deepEqual(flipped.passes[3].bytes, { read: 602112, written: 4 * 224 * 224 });
  assert.equal(rgba.bytes.total, total(rgba));
});

Deno.test("explain: bytes of every pass match the count from the shapes, any shape, input and output", async () => {
  const io = fc.record({
    input: fc.constantFrom("float32" as const, "uint8" as const),
    alpha: fc.boolean(),
    output: fc.constantFrom<OutputType>("float32", "float16", "uint8"),
  });
  const arb = fc.record({
    height: fc.integer({ min: 1, max: 300 }),
    width: fc.integer({ min: 1, max: 300 }),
    channels: fc.integer({ min: 1, max: 4 }),
    count: fc.integer({ min: 1, max: 70 }),
    workgroupStorage: fc.constantFrom(2048, 16384, 32768, 49152),
    io,
  });
  await property(
    fc.property(arb, ({ height: H, width: W, channels, count, workgroupStorage, io }) => {
      const bytesIn = io.input === "uint8";
      const C = bytesIn ? 3 : channels;
      const alpha = bytesIn && io.alpha;
      const options = { count, limits: { workgroupStorage }, input: io.input, alpha, output: io.output };
      const e = explain(pipe(gmm(), normalize({ mean: [0.5], std: [0.25] })), { height: H, width: W, channels: C }, {
        ...options,
      });
      const inBytes = bytesIn ? (alpha ? 4 : 3) * H * W : 4 * C * H * W;
      const want = stageBytes(C, H, W, inBytes);
      let outBytes = 4 * C * H * W;
      if (io.output !== "float32") {
        outBytes = io.output === "float16" ? 2 * C * H * W : (alpha ? 4 : C) * H * W;
        want.push({ read: 4 * C * H * W + (alpha && io.output === "uint8" ? 4 * H * W : 0), written: outBytes });
      }
      assert.deepEqual(e.passes.map((p) => p.bytes), want);
      const read = want.reduce((a, p) => a + p.read, 0), written = want.reduce((a, p) => a + p.written, 0);
      assert.deepEqual(e.bytes, { read, written, total: read + written, gpuBatchCopies: 2 * (inBytes + outBytes) });
      // The bytes are the shapes' and types': the workgroup memory changes only how the passes run.
      const other = explain(
        pipe(gmm(), normalize({ mean: [0.5], std: [0.25] })),
        { height: H, width: W, channels: C },
        {
          ...options,
          limits: { workgroupStorage: 16384, scratch: "storage" },
        },
      );
      assert.deepEqual(other.bytes, e.bytes);
      for (const p of e.passes) assert.ok(p.workgroupMemory <= workgroupStorage, `${p.name}: ${p.workgroupMemory}`);
    }),
    150,
  );
});

Deno.test("explain: a crop in the load reads its source image; two stages move twice a stage's bytes", () => {
  const from = { height: 256, width: 200, channels: 3 };
  const crop = explain(pipe(randomResizedCrop({ size: [112, 96] }), gmm()), from);
  assert.deepEqual(crop.passes.map((p) => p.bytes), stageBytes(3, 112, 96, 4 * 3 * 256 * 200));
  const two = explain(pipe(gmm(), clamp(), phaseShift()), { height: 97, width: 89, channels: 3 });
  assert.deepEqual(two.passes.map((p) => p.name), [
    "rows",
    "columns",
    "inverse rows",
    "rows",
    "columns",
    "inverse rows",
  ]);
  const one = stageBytes(3, 97, 89, 4 * 3 * 97 * 89);
  assert.deepEqual(two.passes.map((p) => p.bytes), [...one, ...one]);
  // A crop after the last stage: a gather pass of its own reads the stage's image and writes the crop.
  const after = explain(pipe(gmm(), randomResizedCrop({ size: 50 })), { height: 64, width: 64, channels: 1 });
  assert.equal(after.passes[3].name, "gather");
  assert.deepEqual(after.passes[3].bytes, { read: 4 * 64 * 64, written: 4 * 50 * 50 });
});

Deno.test("explain: the spectrum lies in tiles of columns; every FFT pass reads and writes runs of words", () => {
  const shape = { height: 224, width: 224, channels: 3 };
  // WebGPU's default 16 KiB: a column of 3 channels fills the column pass, so tiles of one column.
  const small = explain(pipe(gmm()), shape);
  assert.match(
    small.passes[0].access,
    /tiles of 1 column\(s\), each tile's bins of its 8 rows in a run of up to 8 bin/,
  );
  assert.match(small.passes[1].access, /3 tile\(s\) of 224 x 1 bins, each one run of 224 bin\(s\) \(1\.79 KB\)/);
  assert.match(small.passes[2].access, /run of up to 8 bin\(s\) \(64 B\)/);
  // 48 KiB (what NVIDIA's Vulkan driver allows): 4 columns a tile, 26 rows a row-pass workgroup.
  const big = explain(pipe(gmm()), shape, { limits: { workgroupStorage: 49152 } });
  assert.match(
    big.passes[0].access,
    /tiles of 4 column\(s\), each tile's bins of its 26 rows in a run of up to 104 bin/,
  );
  assert.match(big.passes[1].access, /each one run of 896 bin\(s\) \(7\.17 KB\)/);
  assert.match(big.passes[1].perWorkgroup, /^4 column\(s\) x 3 channel\(s\)/);
  assert.match(big.passes[1].wgsl, /const TILE: u32 = 4u;\nconst TILES: u32 = 29u;/);
  // Whole pixels in the store (a colour op): 8 rows of 3 channels a workgroup, so runs of 8 rows a tile.
  const gray = explain(pipe(gmm(), grayscale()), shape, { limits: { workgroupStorage: 49152 } });
  assert.equal(gray.passes[2].perWorkgroup, "8 row(s) of all 3 channels of one sample");
  assert.match(gray.passes[2].access, /run of up to 32 bin\(s\) \(256 B\); writes the image pixel by pixel/);
});

Deno.test("tileWidth: a power of two within the room and 16, padding within a quarter of V", () => {
  for (let V = 1; V <= 600; V++) {
    for (let fit = 0; fit <= 40; fit++) {
      const t = tileWidth(V, fit);
      assert.ok(t >= 1 && (t & (t - 1)) === 0, `${V}, ${fit}: ${t}`);
      assert.ok(t === 1 || (t <= fit && t <= 16), `${V}, ${fit}: ${t} over the room`);
      assert.ok(t === 1 || Math.ceil(V / t) * t - V <= V / 4, `${V}, ${fit}: ${t} pads too much`);
      const next = 2 * t;
      assert.ok(
        next > Math.min(fit, 16) || Math.ceil(V / next) * next - V > V / 4,
        `${V}, ${fit}: ${t} could be ${next}`,
      );
    }
  }
  assert.equal(tileWidth(113, 4), 4);
  assert.equal(tileWidth(113, 3), 2);
  assert.equal(tileWidth(17, 100), 4); // 8 would pad 17 columns to 24
});

Deno.test("kernel.explain(count, io) is explain() of its pipeline with those types", async () => {
  const shape = { height: 20, width: 18, channels: 3 };
  const k = await compile(pipe(gmm(), normalize()), shape, { backend: "cpu", quiet: true });
  assert.deepEqual(
    k.explain(5, { input: "uint8", output: "float16" }),
    explain(pipe(gmm(), normalize()), shape, { count: 5, input: "uint8", output: "float16" }),
  );
  assert.deepEqual(k.explain(), explain(pipe(gmm(), normalize()), shape));
  assert.throws(() => k.explain(2, 7 as never), (e: unknown) => e instanceof FreqaugError && /io/.test(e.message));
  k.dispose();
});

Deno.test("explain refuses input and output types it cannot plan, naming the field and what is allowed", () => {
  const refused = (f: () => unknown, field: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof FreqaugError && field.test(e.message), String(field));
  const rgb = { height: 8, width: 8, channels: 3 };
  refused(
    () => explain(pipe(gmm()), rgb, { input: "uint16" as never }),
    /^input: got "uint16", expected "float32" or "uint8"/,
  );
  refused(() => explain(pipe(gmm()), rgb, { alpha: true }), /alpha: got true, expected false for input "float32"/);
  refused(() => explain(pipe(gmm()), rgb, { input: "uint8", alpha: 1 as never }), /alpha: got 1/);
  refused(
    () => explain(pipe(gmm()), { ...rgb, channels: 1 }, { input: "uint8" }),
    /shape\.channels: got 1, expected 3/,
  );
  refused(() => explain(pipe(gmm()), rgb, { output: "float64" as never }), /output: got "float64"/);
});
