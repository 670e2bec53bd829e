// The command line's PNG compression and its workers: --compression and
// --workers are parsed with their ranges; every level writes the same pixels
// and no level from 2 up writes a larger file than level 1; the CLI's
// conversion to bytes is fromBatch's exactly; the PNG encoder's filters and
// compressors; each input whole on a worker gives the bytes of the batched
// run on the main thread and keeps --batch-pixels; a worker that dies fails
// its inputs with a line each and the run goes on, never hangs.
import assert from "node:assert/strict";
import fc from "fast-check";
import { unzlibSync } from "fflate";
import * as zlib from "node:zlib";
import jpeg from "jpeg-js";
import { decodeImage, encodePng, encodePngEither, fromBatch, type Image } from "../io.ts";
import { COMMAND_USAGE, parseArgs } from "../src/cli/args.ts";
import type { AugmentArgs } from "../src/cli/args.ts";
import { augmentDir } from "../src/cli/augment_dir.ts";
import { toImage } from "../src/cli/codec.ts";
import { CodecPool, ONE_SHOT_JPEG_BYTES } from "../src/cli/codec_pool.ts";
import { DEFAULT_COMPRESSION, deflatePng } from "../src/cli/png_deflate.ts";
import type { InputTask } from "../src/cli/process_input.ts";
import { readSpec } from "../src/cli/main.ts";
import { crc32 } from "../src/io/checksum.ts";
import { clamp, gmm, pipe, type Pipeline } from "../mod.ts";
import { cli, errLines, type Run, spawn, walk } from "./_cli.ts";
import { FC_SEED, property } from "./_helpers.ts";

/** A photo-like RGB picture: shading, an edge, texture and noise (so every filter and both compressors matter). */
function photo(h: number, w: number, salt: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const edge = x > w / 3 + salt % 5 ? 60 : 0;
      for (let c = 0; c < 3; c++) {
        const noise = (Math.imul((y * w + x) * 3 + c + salt * 7919, 2654435761) >>> 28) - 8;
        const v = 40 + c * 50 + y * 2 + edge + 20 * Math.sin((x + salt) / 3) + noise;
        data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return data;
}

/** A flat cartoon: a few coloured blocks, no noise (string matches pay here). */
function flat(h: number, w: number, salt: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = (Math.floor(x / 8) + Math.floor(y / 8) + salt) % 4;
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = [30, 90, 160, 220][(k + c) % 4];
    }
  }
  return data;
}

async function inputs(n: number, h = 24, w = 32): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-cli-zlib-" });
  await Deno.mkdir(`${dir}/in/sub`, { recursive: true });
  for (let i = 0; i < n; i++) {
    const data = i % 3 === 2 ? flat(h, w, i) : photo(h, w, i);
    await Deno.writeFile(
      `${dir}/in/${i % 2 ? "sub/" : ""}p${i}.png`,
      encodePng({ width: w, height: h, channels: 3, bitDepth: 8, data }),
    );
  }
  // Values leave [0, 1] (c 2 notches ring), so the clipping count is exercised too.
  await Deno.writeTextFile(
    `${dir}/spec.json`,
    JSON.stringify({ version: 1, ops: [{ op: "gmm", k: 4, sigma: [1, 3], c: 2 }] }),
  );
  return dir;
}

/** The .png files of a folder, by path. */
async function pngs(dir: string): Promise<Map<string, Uint8Array>> {
  const m = new Map<string, Uint8Array>();
  for (const f of (await walk(dir)).filter((f) => f.endsWith(".png"))) m.set(f, await Deno.readFile(`${dir}/${f}`));
  return m;
}

const BASE = ["augment", "--spec", "s.json", "--in", "i", "--out", "o"];

Deno.test("cli --compression and --workers: ranges in the messages, defaults, npy refuses a level, help lists both", () => {
  const cases: [string[], RegExp][] = [
    [["--compression", "10"], /^--compression: got "10", expected an integer in \[0, 9\]$/],
    [["--compression", "-1"], /^--compression: got "-1", expected an integer in \[0, 9\]$/],
    [["--compression", "fast"], /^--compression: got "fast", expected an integer in \[0, 9\]$/],
    [["--compression", "1.5"], /^--compression: got "1.5", expected an integer in \[0, 9\]$/],
    [["--compression"], /^--compression needs a value$/],
    [["--workers", "257"], /^--workers: got "257", expected an integer in \[0, 256\]$/],
    [["--workers", "-2"], /^--workers: got "-2", expected an integer in \[0, 256\]$/],
    [["--workers", "two"], /^--workers: got "two", expected an integer in \[0, 256\]$/],
    [["--format", "npy", "--compression", "6"], /^--compression is for --format png/],
  ];
  for (const [flags, why] of cases) {
    const r = parseArgs([...BASE, ...flags]);
    assert.equal(typeof r, "string", flags.join(" "));
    assert.match(r as string, why, flags.join(" "));
  }
  const args = (flags: string[]) => (parseArgs([...BASE, ...flags]) as { args: AugmentArgs }).args;
  assert.equal(args([]).compression, DEFAULT_COMPRESSION);
  assert.equal(args([]).workers, undefined);
  assert.equal(args(["--compression", "0"]).compression, 0);
  assert.equal(args(["--compression=9"]).compression, 9);
  assert.equal(args(["--workers", "0"]).workers, 0);
  assert.equal(args(["--workers", "256"]).workers, 256);
  assert.match(
    COMMAND_USAGE.augment,
    new RegExp(`--compression N\\s+zlib level of the PNGs, 0..9 \\(default ${DEFAULT_COMPRESSION}\\)`),
  );
  assert.match(COMMAND_USAGE.augment, /--workers N\s+worker threads, 0..256 \(default: one per core\)/);
});

Deno.test("cli --compression: every level writes the same pixels; from 2 up never larger than 1; 0 stores", async () => {
  const dir = await inputs(9);
  try {
    const base = ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--views", "2", "--seed", "4"];
    const outs = new Map<number, Map<string, Uint8Array>>();
    for (const level of [0, 1, 2, 6, 9]) {
      const r = await cli([...base, "--out", `${dir}/L${level}`, "--compression", `${level}`, "--quiet"]);
      assert.equal(r.code, 0, r.stderr);
      outs.set(level, await pngs(`${dir}/L${level}`));
    }
    const one = outs.get(1)!;
    assert.equal(one.size, 18);
    for (const [level, files] of outs) {
      assert.deepEqual([...files.keys()], [...one.keys()], `level ${level}`);
      for (const [f, bytes] of files) {
        assert.deepEqual(decodeImage(bytes), decodeImage(one.get(f)!), `level ${level}: ${f}`);
        if (level >= 2) assert.ok(bytes.length <= one.get(f)!.length, `level ${level}: ${f} larger than at level 1`);
        if (level === 0) assert.ok(bytes.length > one.get(f)!.length, `level 0: ${f} not larger than at level 1`);
      }
      // The params are the same lines whatever the level (the level is not a setting of the outputs' pixels).
      const lines = (l: number) => Deno.readTextFileSync(`${dir}/L${l}/params.jsonl`).trim().split("\n").sort();
      assert.deepEqual(lines(level), lines(1), `level ${level}`);
    }
    // The flat pictures shrink under full deflate: level 9 is smaller than level 1 for some file.
    assert.ok([...outs.get(9)!].some(([f, b]) => b.length < one.get(f)!.length), "level 9 never smaller than 1");
    // A rerun at another level resumes (the level is not part of the run record), and rewrites nothing.
    const again = await cli([...base, "--out", `${dir}/L1`, "--compression", "9"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^processed 0, skipped 9, failed 0/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli --workers: whole inputs on 1 or 3 workers give the batched run's bytes on the main thread", async () => {
  const dir = await inputs(7);
  try {
    const base = ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--views", "3", "--quiet"];
    for (const [name, flags] of [["w0", ["--workers", "0"]], ["w1", ["--workers", "1"]], ["w3", ["--workers", "3"]]]) {
      const r = await cli([...base, "--out", `${dir}/${name}`, "--batch", "2", ...flags]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^processed 7, skipped 0, failed 0 \(21 written/m);
    }
    const w0 = await pngs(`${dir}/w0`);
    assert.equal(w0.size, 21);
    assert.deepEqual(await pngs(`${dir}/w1`), w0);
    assert.deepEqual(await pngs(`${dir}/w3`), w0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli --workers: inputs on workers, or batched on the main thread, stay within --batch-pixels", async () => {
  const dir = await inputs(8, 48, 64); // 3072 pixels each
  try {
    const pipeline = (await readSpec(`${dir}/spec.json`)) as Pipeline;
    // Workers 0: the batched way of the WebGPU backend (decode-ahead, buckets), here on the CPU.
    const cases = [[2000, 1, 2], [7000, 1, 2], [13000, 2, 3], [20000, 3, 1], [2000, 1, 0], [10000, 1, 0], [
      20000,
      3,
      0,
    ]];
    for (const [budget, views, workers] of cases) {
      await Deno.remove(`${dir}/out`, { recursive: true }).catch(() => {});
      const parsed = parseArgs([
        ...["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/out`],
        ...["--batch-pixels", `${budget}`, "--views", `${views}`, "--workers", `${workers}`, "--quiet"],
      ]) as { args: AugmentArgs };
      const errors: string[] = [];
      const s = await augmentDir(pipeline, parsed.args, { error: (l) => errors.push(l), note: () => {} });
      assert.deepEqual(errors, []);
      assert.equal(s.written, 8 * views);
      assert.equal(s.backend, "cpu");
      const what = `budget ${budget}, views ${views}, workers ${workers}: held ${s.peakPixels}`;
      if (3072 * views > budget) assert.equal(s.peakPixels, 3072 * views, what);
      else assert.ok(s.peakPixels <= budget && s.peakPixels >= 3072 * views, what);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs `cli.ts` with `args` to its end, failing (the process killed) when it runs past `seconds`. */
async function within(seconds: number, args: string[], env: Record<string, string>, context: string): Promise<Run> {
  const child = spawn(args, env);
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    child.kill("SIGKILL");
  }, seconds * 1000);
  const out = await child.output();
  clearTimeout(timer);
  assert.ok(!late, `${context}: still running after ${seconds} s (a request nobody answers?)`);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("cli workers: a worker that dies fails its inputs with a line each; the run goes on, exit 1; a rerun finishes", async () => {
  const dir = await inputs(10);
  try {
    const base = ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/out`, "--quiet"];
    for (const [workers, at] of [["1", "2"], ["2", "3"], ["2", "1"]]) {
      await Deno.remove(`${dir}/out`, { recursive: true }).catch(() => {});
      const context = `--workers ${workers}, worker:${at}`;
      const r = await within(60, [...base, "--workers", workers], { FREQAUG_CRASH_AT: `worker:${at}` }, context);
      assert.equal(r.code, 1, `${context}: ${r.stderr}`);
      const failed = errLines(r).filter((l) => / worker failed \(.*planted crash/.test(l));
      const m = r.stdout.match(/^processed (\d+), skipped 0, failed (\d+) \((\d+) written/m);
      assert.ok(m, `${context}: ${r.stdout}`);
      const [processed, nFailed, written] = [Number(m[1]), Number(m[2]), Number(m[3])];
      assert.equal(processed + nFailed, 10, context);
      assert.ok(nFailed >= 1, context);
      // One line per failed input, naming it; every worker dying on its first input fails them all.
      assert.equal(failed.length, nFailed, `${context}: ${r.stderr}`);
      assert.equal(new Set(failed.map((l) => l.split(": ")[0])).size, nFailed, context);
      if (at === "1") assert.equal(nFailed, 10, context);
      // What is in place has its line, and nothing else is left (no temporary, no lock).
      const all = await walk(`${dir}/out`);
      const files = all.filter((f) => f.endsWith(".png"));
      assert.equal(files.length, written, context);
      const lines = Deno.readTextFileSync(`${dir}/out/params.jsonl`).split("\n").filter(Boolean);
      assert.deepEqual(lines.map((l) => JSON.parse(l).path).sort(), files, context);
      assert.deepEqual(all.filter((f) => !f.endsWith(".png")).sort(), ["params.jsonl", "params.run.json"], context);
      const rerun = await cli([...base, "--workers", workers]);
      assert.equal(rerun.code, 0, `${context}: ${rerun.stderr}`);
      assert.match(rerun.stdout, new RegExp(`^processed ${nFailed}, skipped ${processed}, failed 0`, "m"), context);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli workers: a large JPEG goes whole to a worker of its own; a dead worker's requests fail, the others answer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-cli-zlib-" });
  const pipeline = pipe(gmm({ k: 2, sigma: [2, 4], c: 2 }), clamp());
  const task = (path: string, tmp: string): InputTask => ({
    path,
    maxPixels: 1e7,
    accepts: { gray: false, rgb: true },
    pipeline,
    seed: 5,
    views: [0, 1],
    tmps: [`${tmp}.0`, `${tmp}.1`],
    format: "png",
    level: 1,
    batch: 8,
  });
  const pool = new CodecPool(1);
  try {
    const [h, w] = [700, 800];
    const rgba = new Uint8Array(h * w * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (Math.imul(i, 2654435761) >>> 24) & 255;
    const bytes = jpeg.encode({ data: rgba, width: w, height: h }, 100).data;
    assert.ok(bytes.length >= ONE_SHOT_JPEG_BYTES, `${bytes.length} bytes`);
    await Deno.writeFile(`${dir}/big.jpg`, bytes);
    await Deno.writeFile(
      `${dir}/small.png`,
      encodePng({ width: 32, height: 24, channels: 3, bitDepth: 8, data: photo(24, 32, 1) }),
    );
    const shapes: number[][] = [];
    const big = await pool.process(task(`${dir}/big.jpg`, `${dir}/big`), (s) => shapes.push([s.height, s.width]));
    assert.equal(pool.oneShots, 1);
    assert.deepEqual(shapes, [[h, w]]);
    assert.ok(big.ok && big.views.every((v) => "tmp" in v), JSON.stringify(big));
    assert.equal(decodeImage(await Deno.readFile(`${dir}/big.1`)).width, w);
    const small = await pool.process(task(`${dir}/small.png`, `${dir}/small`));
    assert.ok(small.ok && small.views.length === 2, JSON.stringify(small));
    assert.equal(pool.oneShots, 1);
    const missing = await pool.process(task(`${dir}/gone.png`, `${dir}/gone`));
    assert.ok(!missing.ok && /cannot read|No such file/i.test(missing.reason), JSON.stringify(missing));
  } finally {
    pool.close();
  }
  // Workers started while FREQAUG_CRASH_AT=worker:2 die on their second request, unanswered: that request
  // fails with a reason, the worker is replaced, and the next request is answered by the new one.
  Deno.env.set("FREQAUG_CRASH_AT", "worker:2");
  const dying = new CodecPool(1);
  try {
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      // A request that is never answered fails here, not by hanging the suite.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`request ${i} hung`)), 60_000);
      });
      const d = await Promise.race([dying.process(task(`${dir}/small.png`, `${dir}/d${i}`)), hung]);
      clearTimeout(timer);
      outcomes.push(d.ok ? "ok" : /^worker failed \(.*planted crash/.test(d.reason) ? "died" : d.reason);
    }
    assert.deepEqual(outcomes, ["ok", "died", "ok", "died", "ok"]);
    assert.equal(dying.deaths, 2);
  } finally {
    Deno.env.delete("FREQAUG_CRASH_AT");
    dying.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli bytes: toImage is fromBatch's rounding (ties, ends, 8 and 16 bits) and counts the values clipped", async () => {
  const floats = fc.float({ min: Math.fround(-0.05), max: Math.fround(1.05), noNaN: true });
  // Exact ties k + 0.5 (and their float32 neighbours) are where a rounding shortcut would differ.
  const tie = fc.tuple(fc.integer({ min: 0, max: 65534 }), fc.constantFrom(255, 65535), fc.integer({ min: -1, max: 1 }))
    .map(([k, max, d]) => {
      const t = Math.fround(((k % max) + 0.5) / max);
      return Math.fround(t * (1 + d * 2 ** -23));
    });
  await property(
    fc.property(
      fc.array(fc.oneof(floats, tie, fc.constantFrom(0, -0, 1, 2 ** -30, 1 - 2 ** -24)), {
        minLength: 3,
        maxLength: 300,
      }),
      fc.constantFrom(1 as const, 3 as const),
      fc.constantFrom(8 as const, 16 as const),
      (values, channels, bitDepth) => {
        const width = Math.floor(values.length / channels);
        const data = Float32Array.from(values.slice(0, width * channels));
        const got = toImage(data, { channels, height: 1, width }, bitDepth);
        assert.ok(typeof got !== "string");
        const [want] = fromBatch({ data, count: 1, channels, height: 1, width }, { bitDepth });
        assert.deepEqual(got.image, want);
        assert.equal(got.clipped, data.filter((x) => !(x >= 0 && x <= 1)).length);
      },
    ),
    300,
  );
  const nan = Float32Array.of(0.5, 0.25, NaN);
  assert.match(toImage(nan, { channels: 3, height: 1, width: 1 }, 8) as string, /batch\.data\[2\]: got NaN/);
  assert.ok(FC_SEED > 0);
});

/** The test's pictures for the encoder's bytes: an 8-bit RGB and a 16-bit gray + alpha. */
function encoderPictures(): Image[] {
  const rgb = new Uint8Array(37 * 23 * 3), ga = new Uint16Array(19 * 11 * 2);
  for (let i = 0; i < rgb.length; i++) {
    const x = Math.floor(i / 3) % 37, y = Math.floor(i / 111), c = i % 3;
    const noise = (Math.imul(i, 2654435761) >>> 27) * (y % 4);
    rgb[i] = (y < 8 ? x * 6 + c * 40 : y < 16 ? y * 9 + (x >> 3) * 20 : (x ^ y) * 7) + noise & 255;
  }
  for (let i = 0; i < ga.length; i++) ga[i] = (i * 977 + ((i * 2654435761) >>> 20)) & 65535;
  return [
    { width: 37, height: 23, channels: 3, bitDepth: 8, data: rgb },
    { width: 19, height: 11, channels: 2, bitDepth: 16, data: ga },
  ];
}

Deno.test("png encoder: default bytes as before; each filter and compressor decodes to the image; bad options say so", () => {
  const [rgb, ga] = encoderPictures();
  // The default (adaptive filter, fflate at 6) writes the bytes it wrote before the filters were rewritten.
  const bytes = (img: Image) => encodePng(img);
  assert.deepEqual([bytes(rgb).length, crc32(bytes(rgb))], [1276, 3480476182]);
  assert.deepEqual([bytes(ga).length, crc32(bytes(ga))], [354, 1427609733]);
  const native = (data: Uint8Array, level: number) => zlib.deflateSync(data, { level });
  let calls = 0;
  const counted = (data: Uint8Array, level: number) => {
    calls++;
    assert.equal(level, 4);
    return native(data, level);
  };
  for (const img of [rgb, ga]) {
    const rowBytes = img.width * img.channels * img.bitDepth / 8;
    const types: number[] = [];
    for (const filter of ["none", "sub", "up", "average", "paeth", "adaptive"] as const) {
      for (const deflate of [undefined, native, deflatePng]) {
        const png = encodePng(img, { filter, deflate, level: 9 });
        assert.deepEqual(decodeImage(png), img, `${filter}, ${deflate?.name ?? "fflate"}`);
        // The filter asked is the one in the rows (adaptive: whatever each row chose).
        const raw = unzlibSync(png.subarray(41, 41 + new DataView(png.buffer).getUint32(33)));
        const rows = Array.from({ length: img.height }, (_, y) => raw[y * (rowBytes + 1)]);
        if (filter === "adaptive") types.push(...rows);
        else assert.ok(rows.every((t) => t === ["none", "sub", "up", "average", "paeth"].indexOf(filter)), filter);
      }
    }
    assert.ok(new Set(types).size >= 2, "the adaptive filter chose more than one filter");
    assert.deepEqual(decodeImage(encodePng(img, { deflate: counted, level: 4 })), img);
  }
  assert.equal(calls, 2);
  const bad = (options: object) => encodePngEither(rgb, options as never);
  assert.match(
    (bad({ filter: "best" }) as { left: Error }).left.message,
    /options\.filter: got "best", expected "adaptive", "none"/,
  );
  assert.match((bad({ deflate: 3 }) as { left: Error }).left.message, /options\.deflate: got 3, expected a function/);
  const throwing = () => {
    throw new Error("out of memory");
  };
  assert.match(
    (bad({ deflate: throwing }) as { left: Error }).left.message,
    /options\.deflate: .*it threw: out of memory/,
  );
  assert.match((bad({ deflate: () => "zlib" }) as { left: Error }).left.message, /options\.deflate: .*a Uint8Array/);
});

Deno.test("cli deflate: every level inflates back; 0 stores; 2..9 never larger than 1, smaller on flat pictures", () => {
  const rows = (data: Uint8Array, w: number, h: number) => {
    const png = encodePng({ width: w, height: h, channels: 3, bitDepth: 8, data }, { level: 0 });
    return unzlibSync(png.subarray(41, 41 + new DataView(png.buffer).getUint32(33)));
  };
  for (const [name, data] of [["photo", photo(40, 56, 3)], ["flat", flat(40, 56, 1)]] as const) {
    const raw = rows(data, 56, 40);
    const sizes: number[] = [];
    for (let level = 0; level <= 9; level++) {
      const z = deflatePng(raw, level);
      assert.deepEqual(unzlibSync(z), raw, `${name} level ${level}`);
      sizes.push(z.length);
    }
    assert.ok(sizes[0] > raw.length, `${name}: level 0 stores`);
    for (let level = 2; level <= 9; level++) assert.ok(sizes[level] <= sizes[1], `${name} level ${level}: ${sizes}`);
    if (name === "flat") assert.ok(sizes[9] < sizes[1], `flat: ${sizes}`);
  }
});
