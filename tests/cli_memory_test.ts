// What bounds the command line's memory, checked structurally (never an RSS):
// the decode-ahead and the batches hold at most --batch-pixels (or one input
// over it) and never two inputs of an unknown size at once; 8-bit RGB inputs
// go in as bytes and come out exactly as the float path makes them; the CPU
// kernel runs a frequency-only pipeline one channel at a time with the same
// bits as the whole-image path, keeps no scratch of a large image after the
// call, and makes no imaginary multiplier for a real one; a large JPEG is
// decoded on a worker of its own (ended after it) to the same pixels.
import assert from "node:assert/strict";
import { augment, gmm, pipe } from "../mod.ts";
import { decodeImage, encodePng, toBatch } from "../io.ts";
import { parseArgs } from "../src/cli/args.ts";
import type { AugmentArgs } from "../src/cli/args.ts";
import { augmentDir, rgb8, type Summary } from "../src/cli/augment_dir.ts";
import { readImage } from "../src/cli/codec.ts";
import { CodecPool, ONE_SHOT_JPEG_BYTES } from "../src/cli/codec_pool.ts";
import jpeg from "jpeg-js";
import { runCpu } from "../src/cpu/backend.ts";
import { BYTE_VALUE, toByte } from "../src/cpu/io.ts";
import { RETAINED_PIXELS, runImages, workBufferSize } from "../src/cpu/kernel.ts";
import { keptFilters } from "../src/cpu/plane_filter.ts";
import { Multiplier } from "../src/cpu/multiplier.ts";
import { stagesOf } from "../src/dsl/stages.ts";
import { sampleParams } from "../src/params/sample.ts";

const PIPE = pipe(gmm({ k: 6, sigma: [4, 8], c: 2 }));

function rgb(h: number, w: number, salt: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + salt * 13 + ((i / 97) | 0)) & 255;
  return data;
}

/** A folder of `n` RGB PNGs of h×w; the spec file beside it. */
async function inputs(n: number, h: number, w: number): Promise<{ dir: string; spec: string }> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-cli-mem-" });
  await Deno.mkdir(`${dir}/in`);
  for (let i = 0; i < n; i++) {
    const png = encodePng({ width: w, height: h, channels: 3, bitDepth: 8, data: rgb(h, w, i) });
    await Deno.writeFile(`${dir}/in/img${i}.png`, png);
  }
  await Deno.writeTextFile(
    `${dir}/spec.json`,
    JSON.stringify({ version: 1, ops: [{ op: "gmm", k: 6, sigma: [4, 8], c: 2 }] }),
  );
  return { dir, spec: `${dir}/spec.json` };
}

async function run(dir: string, spec: string, flags: string[]): Promise<Summary> {
  const parsed = parseArgs([
    "augment",
    "--spec",
    spec,
    "--in",
    `${dir}/in`,
    "--out",
    `${dir}/out`,
    "--backend",
    "cpu",
    "--quiet",
    ...flags,
  ]);
  assert.ok(typeof parsed !== "string" && parsed.command === "augment", String(parsed));
  const errors: string[] = [];
  const args = (parsed as { args: AugmentArgs }).args;
  // Notes (values clipped in a PNG) are not errors.
  const s = await augmentDir(PIPE, args, { error: (l) => errors.push(l), note: () => {} });
  assert.deepEqual(errors, []);
  return s;
}

Deno.test("cli memory: inputs over the budget are decoded and run one at a time", async () => {
  const { dir, spec } = await inputs(4, 48, 64); // 3072 pixels each
  try {
    const s = await run(dir, spec, ["--batch-pixels", "2000"]);
    assert.equal(s.written, 4);
    assert.equal(s.peakPixels, 3072); // never two inputs at once (the first size is unknown, then over the budget)
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli memory: decoded, waiting and running inputs stay within --batch-pixels", async () => {
  const { dir, spec } = await inputs(9, 48, 64);
  try {
    for (const [budget, views] of [[7000, 1], [10000, 1], [13000, 2], [20000, 3]]) {
      await Deno.remove(`${dir}/out`, { recursive: true }).catch(() => {});
      const s = await run(dir, spec, ["--batch-pixels", String(budget), "--views", String(views)]);
      assert.equal(s.written, 9 * views);
      assert.ok(s.peakPixels <= budget, `budget ${budget}, views ${views}: held ${s.peakPixels}`);
      assert.ok(s.peakPixels >= 3072 * views, `budget ${budget}: held ${s.peakPixels}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli memory: 8-bit RGB inputs go in as bytes and come out as the float batch's result", async () => {
  const { dir, spec } = await inputs(3, 30, 40);
  try {
    const s = await run(dir, spec, ["--format", "npy", "--views", "2", "--batch", "3"]);
    assert.equal(s.written, 6);
    const lines = (await Deno.readTextFile(`${dir}/out/params.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
    for (const line of lines) {
      const source = await readImage(`${dir}/in/${line.input}`, 1e6, { gray: false, rgb: true });
      assert.ok(typeof source !== "string" && rgb8(source));
      const img = decodeImage(await Deno.readFile(`${dir}/in/${line.input}`));
      const want = await augment(PIPE, toBatch([img]), { params: [line.params], backend: "cpu" });
      const npy = await Deno.readFile(`${dir}/out/${line.path}`);
      const header = 10 + (npy[8] | (npy[9] << 8));
      const got = new Float32Array(npy.slice(header).buffer);
      assert.deepEqual(got, want.images.data, line.path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli memory: a large JPEG is decoded on a worker of its own, to the pixels of this thread's decode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-cli-mem-" });
  const pool = new CodecPool(0);
  try {
    const [h, w] = [700, 800];
    const rgba = new Uint8Array(h * w * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 2654435761) >>> 24;
    const bytes = jpeg.encode({ data: rgba, width: w, height: h }, 100).data;
    assert.ok(bytes.length >= ONE_SHOT_JPEG_BYTES, `${bytes.length} bytes`);
    await Deno.writeFile(`${dir}/big.jpg`, bytes);
    await Deno.writeFile(
      `${dir}/small.jpg`,
      jpeg.encode({ data: rgba.subarray(0, 64 * w * 4), width: w, height: 64 }, 50).data,
    );
    const accepts = { gray: false, rgb: true };
    const alone = await pool.decode(`${dir}/big.jpg`, 1e7, accepts);
    assert.equal(pool.oneShots, 1);
    const here = await readImage(`${dir}/big.jpg`, 1e7, accepts);
    assert.ok(typeof alone !== "string" && typeof here !== "string");
    assert.deepEqual([alone.height, alone.width, alone.channels], [h, w, 3]);
    assert.deepEqual(alone.image!.data, here.image!.data);
    // Small ones, and refusals, stay on this thread or say why.
    assert.ok(typeof (await pool.decode(`${dir}/small.jpg`, 1e7, accepts)) !== "string");
    assert.equal(pool.oneShots, 1);
    assert.match(String(await pool.decode(`${dir}/big.jpg`, 1000, accepts)), /over the limit of 1000 \(--max-pixels\)/);
    assert.match(
      String(await pool.decode(`${dir}/gone.jpg`, 1e7, accepts)),
      /cannot read|not a regular file|No such file/i,
    );
    // With codec workers too: a worker's heap would stay as long as the worker.
    const threaded = new CodecPool(1);
    try {
      const again = await threaded.decode(`${dir}/big.jpg`, 1e7, accepts);
      assert.ok(typeof again !== "string" && again.image!.data.length === h * w * 3);
      assert.equal(threaded.oneShots, 1);
    } finally {
      threaded.close();
    }
  } finally {
    pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cpu kernel: one channel at a time gives the whole-image path's bits, bytes or floats in", async () => {
  const [h, w, n] = [24, 40, 3];
  const bytes = rgb(h, w, 5).subarray(0, h * w * 3);
  const batchBytes = new Uint8Array(n * h * w * 3);
  for (let i = 0; i < n; i++) batchBytes.set(rgb(h, w, i), i * h * w * 3);
  const floats = new Float32Array(n * 3 * h * w);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < h * w; p++) {
      for (let c = 0; c < 3; c++) floats[(i * 3 + c) * h * w + p] = BYTE_VALUE[batchBytes[(i * h * w + p) * 3 + c]];
    }
  }
  assert.ok(bytes.length > 0);
  const params = sampleParams(PIPE, { seed: 3, count: n, height: h, width: w });
  const dims = { channels: 3, height: h, width: w };
  const fromFloats = await runCpu(PIPE, floats, n, dims, params, { workers: 0 });
  const fromBytes = await runCpu(PIPE, batchBytes, n, dims, params, { workers: 0, io: { inBytes: 3, outBytes: 0 } });
  // Bytes out runs the whole-image path: its bytes are the float result's, rounded by toByte.
  const whole = await runCpu(PIPE, batchBytes, n, dims, params, {
    workers: 0,
    io: { inBytes: 3, outBytes: 3 },
    out: "u8",
  });
  assert.deepEqual(fromBytes, fromFloats);
  let differ = 0;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < h * w; p++) {
      for (let c = 0; c < 3; c++) {
        if (whole[(i * h * w + p) * 3 + c] !== toByte(fromFloats[(i * 3 + c) * h * w + p])) differ++;
      }
    }
  }
  assert.equal(differ, 0);
  // The result is not the input (the pipeline did something).
  assert.ok(fromFloats.some((v, i) => Math.abs(v - floats[i]) > 1e-3));
});

Deno.test("cpu kernel: no scratch of a large image is kept; a real multiplier makes no imaginary part", () => {
  const [h, w] = [1100, 1000]; // over RETAINED_PIXELS
  assert.ok(h * w > RETAINED_PIXELS);
  const data = new Float32Array(h * w).map((_, i) => (i % 251) / 251);
  const params = sampleParams(PIPE, { seed: 1, count: 1, height: h, width: w });
  runImages(stagesOf(PIPE), params, data, 0, 1, { channels: 1, height: h, width: w });
  assert.equal(workBufferSize(), 0);
  assert.ok(!keptFilters().includes(`${h}x${w}`), "the large image's plane filter (and its memory) is not kept");
  const small = new Float32Array(64 * 64).fill(0.5);
  runImages(stagesOf(PIPE), sampleParams(PIPE, { seed: 1, count: 1, height: 64, width: 64 }), small, 0, 1, {
    channels: 1,
    height: 64,
    width: 64,
  });
  assert.ok(keptFilters().includes("64x64")); // small sizes keep theirs, for the next call
  const m = new Multiplier(64, 64);
  const [stage] = stagesOf(PIPE);
  assert.ok(
    stage.kind === "frequency" && m.build(stage, sampleParams(PIPE, { seed: 2, count: 1, height: 64, width: 64 })[0]),
  );
  assert.deepEqual(m.allocated, { im: false, field: false });
});
