// The command line's outputs: --help and the exit codes, --format npy and the
// [0, 1] policy of PNG, gray and 16-bit kept, EXIF orientation, output-name
// collisions, long names, entries that are not regular files, names with
// control characters, and error lines that are never empty. Each runs
// `cli.ts` as a subprocess on generated images in a temporary folder.
import assert from "node:assert/strict";
import { augment, type SampleParams } from "../mod.ts";
import { decodeImage, encodePng, fromBatch, type Image, toBatch } from "../io.ts";
import { readSpec } from "../src/cli/main.ts";
import type { Pipeline } from "../mod.ts";
import { cli, errLines, FIXTURES, walk } from "./_cli.ts";

function rgb(h: number, w: number, salt: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    const x = i % w, y = Math.floor(i / w);
    data[3 * i] = (x * 9 + salt * 31) & 255;
    data[3 * i + 1] = ((x ^ y) * 7) & 255;
    data[3 * i + 2] = ((y * 5 + salt) % 2) * 255;
  }
  return encodePng({ width: w, height: h, channels: 3, bitDepth: 8, data });
}

function gray(h: number, w: number, depth: 8 | 16): Uint8Array {
  const data = depth === 8 ? new Uint8Array(h * w) : new Uint16Array(h * w);
  for (let i = 0; i < h * w; i++) data[i] = ((i * 37) % 256) * (depth === 8 ? 1 : 257) + (depth === 16 ? i % 200 : 0);
  return encodePng({ width: w, height: h, channels: 1, bitDepth: depth, data });
}

async function tempDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-cli-out-" });
  await Deno.mkdir(`${dir}/in`);
  return dir;
}

async function spec(dir: string, ops: unknown[]): Promise<string> {
  const path = `${dir}/spec-${crypto.randomUUID().slice(0, 8)}.json`;
  await Deno.writeTextFile(path, JSON.stringify({ version: 1, ops }));
  return path;
}

function lines(text: string): { path: string; input: string; view: number; seed: number; params: SampleParams }[] {
  return text.trim().split("\n").filter((l) => l).map((l) => JSON.parse(l));
}

/**
 * A hand-written .npy (format 1.0) reader: checks the magic, the version, the
 * header's padding and fields, and returns the shape and the float32 values.
 */
function readNpy(bytes: Uint8Array): { shape: number[]; data: Float32Array } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], "magic and version 1.0");
  const headerLength = bytes[8] | (bytes[9] << 8);
  assert.equal((10 + headerLength) % 64, 0, "data aligned to 64 bytes");
  const header = new TextDecoder("latin1").decode(bytes.subarray(10, 10 + headerLength));
  assert.ok(header.endsWith("\n"), "header ends in a newline");
  const m = header.match(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([\d, ]*)\), \} *\n$/);
  assert.ok(m, `header ${JSON.stringify(header)}`);
  const shape = m[1].split(",").map((s) => s.trim()).filter((s) => s).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  assert.equal(bytes.length, 10 + headerLength + 4 * count, "payload size");
  const view = new DataView(bytes.buffer, bytes.byteOffset + 10 + headerLength);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
  return { shape, data };
}

Deno.test("cli: --help and -h print each command's usage and the exit codes, exit 0; errors exit 2", async () => {
  for (const command of ["augment", "explain", "check", "demo"]) {
    for (const flag of ["--help", "-h"]) {
      const r = await cli([command, flag]);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      assert.ok(r.stdout.startsWith(`freqaug ${command} `), `${command} ${flag}: ${r.stdout.slice(0, 60)}`);
      // Each command lists the exit codes it can return (augment all of them; check and explain 0 and 2).
      assert.match(r.stdout, /exit codes:\n {2}0 .*\n( {2}1 .*\n)? {2}2 /);
      assert.equal(r.stderr, "");
    }
  }
  // After other flags too, and as `help augment`.
  const late = await cli(["augment", "--spec", "x.json", "--help"]);
  assert.equal(late.code, 0);
  assert.match(late.stdout, /--format npy/);
  assert.equal((await cli(["help", "augment"])).stdout, late.stdout);
  const top = await cli(["--help"]);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /freqaug COMMAND --help/);
  for (
    const bad of [["augment", "--nope"], ["augment", "--format", "tiff"], ["frobnicate"], ["augment", "--quiet=1"]]
  ) {
    const r = await cli(bad);
    assert.equal(r.code, 2, bad.join(" "));
    assert.match(r.stderr, /exit codes:/);
  }
});

Deno.test("cli augment --format npy: float32 (C, H, W) files with values outside [0, 1] kept, equal to a replay", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/c.png`, rgb(12, 10, 1));
    await Deno.writeFile(`${dir}/in/g.png`, gray(12, 10, 8));
    const path = await spec(dir, [
      { op: "gmm", k: 4, sigma: [1, 3], c: 2 },
      { op: "normalize", mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    ]);
    const r = await cli([
      "augment",
      ...["--spec", path, "--in", `${dir}/in`, "--out", `${dir}/out`, "--format", "npy", "--views", "2"],
      ...["--backend", "cpu", "--seed", "4"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    // A 3-mean normalize does not take 1 channel: the gray input runs as RGB, said once.
    assert.equal(errLines(r).length, 1, r.stderr);
    assert.match(errLines(r)[0], /^freqaug: gray inputs run as RGB and are written as RGB: ops\[1\]/);
    assert.deepEqual(await walk(`${dir}/out`), [
      "c.v0.npy",
      "c.v1.npy",
      "g.v0.npy",
      "g.v1.npy",
      "params.jsonl",
      "params.run.json",
    ]);
    const pipeline = (await readSpec(path)) as Pipeline;
    let outside = 0;
    for (const line of lines(await Deno.readTextFile(`${dir}/out/params.jsonl`))) {
      const { shape, data } = readNpy(await Deno.readFile(`${dir}/out/${line.path}`));
      assert.deepEqual(shape, [3, 12, 10], line.path);
      outside += data.filter((x) => x < 0 || x > 1).length;
      const img = decodeImage(await Deno.readFile(`${dir}/in/${line.input}`));
      const again = await augment(pipeline, toBatch([img], { channels: 3 }), { params: [line.params], backend: "cpu" });
      assert.deepEqual(data, again.images.data, line.path);
    }
    assert.ok(outside > 100, `${outside} values outside [0, 1]`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment --format npy: a gray input stays (1, H, W) when the spec takes 1 channel", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/c.png`, rgb(12, 10, 1));
    await Deno.writeFile(`${dir}/in/g.png`, gray(12, 10, 16));
    const one = await spec(dir, [{ op: "normalize", mean: [0.5], std: [0.2] }]);
    const r = await cli(["augment", "--spec", one, "--in", `${dir}/in`, "--out", `${dir}/o1`, "--format", "npy"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(errLines(r), []);
    assert.deepEqual(readNpy(await Deno.readFile(`${dir}/o1/g.npy`)).shape, [1, 12, 10]);
    assert.deepEqual(readNpy(await Deno.readFile(`${dir}/o1/c.npy`)).shape, [3, 12, 10]);
    // 16-bit input: the values are v / 65535 before normalize, not rounded to 8 bits.
    const { data } = readNpy(await Deno.readFile(`${dir}/o1/g.npy`));
    const img = decodeImage(await Deno.readFile(`${dir}/in/g.png`));
    for (let i = 0; i < 120; i++) {
      assert.ok(Math.abs(data[i] - (img.data[i] / 65535 - 0.5) / 0.2) < 1e-5, `value ${i}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: PNG refuses a spec ending in normalize (exit 2, one line), warns once about clipped values", async () => {
  const dir = await tempDir();
  try {
    for (let i = 0; i < 4; i++) await Deno.writeFile(`${dir}/in/p${i}.png`, rgb(16, 16, i));
    const readme = await spec(dir, [
      { op: "gmm" },
      { op: "normalize", mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      { op: "horizontalFlip" },
    ]);
    const refused = await cli(["augment", "--spec", readme, "--in", `${dir}/in`, "--out", `${dir}/o1`]);
    assert.equal(refused.code, 2);
    assert.equal(errLines(refused).length, 1, refused.stderr);
    assert.match(refused.stderr, /ops\[1\] \(normalize\).*--format npy.*clamp/);
    assert.ok(!(await Deno.stat(`${dir}/o1`).catch(() => null)), "nothing written");
    // Inside a randomApply, it is still the last value-changing op of some samples.
    const nested = await spec(dir, [{
      op: "randomApply",
      p: 0.5,
      ops: [{ op: "normalize", mean: [0.5], std: [0.1] }],
    }]);
    const r2 = await cli(["augment", "--spec", nested, "--in", `${dir}/in`, "--out", `${dir}/o2`]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /ops\[0\]\.ops\[0\] \(normalize\)/);
    // Ending with clamp makes it a choice: no refusal, no warning.
    const clamped = await spec(dir, [{ op: "normalize", mean: [0.5], std: [0.1] }, { op: "clamp" }]);
    const r3 = await cli(["augment", "--spec", clamped, "--in", `${dir}/in`, "--out", `${dir}/o3`]);
    assert.equal(r3.code, 0, r3.stderr);
    assert.deepEqual(errLines(r3), []);
    // A gain past 1 overshoots: one warning line at the end with the count.
    const strong = await spec(dir, [{ op: "amplitudeRescale", range: [1.5, 2] }, { op: "horizontalFlip" }]);
    const r4 = await cli(["augment", "--spec", strong, "--in", `${dir}/in`, "--out", `${dir}/o4`, "--views", "2"]);
    assert.equal(r4.code, 0, r4.stderr);
    const warnings = errLines(r4);
    assert.equal(warnings.length, 1, r4.stderr);
    assert.match(
      warnings[0],
      /^freqaug: warning: [1-8] of 8 outputs had values outside \[0, 1\] \(\d+ values\), clipped/,
    );
    assert.match(warnings[0], /--format npy.*clamp/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: gray stays gray, 16 bits stay 16 (--bit-depth forces), alpha dropped, EXIF orientation applied", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/g8.png`, gray(14, 20, 8));
    await Deno.writeFile(`${dir}/in/g16.png`, gray(14, 20, 16));
    for (const f of ["rgba16.png", "ga8.png", "rgb8.png"]) await Deno.copyFile(`${FIXTURES}/${f}`, `${dir}/in/${f}`);
    // base.jpg with an EXIF orientation 6 (turn 90° clockwise): 20x14 stored, 14x20 upright.
    const jpg = await Deno.readFile(`${FIXTURES}/base.jpg`);
    const exif = [
      ...[0xff, 0xe1, 0, 34],
      ...[0x45, 0x78, 0x69, 0x66, 0, 0], // "Exif\0\0"
      ...[0x4d, 0x4d, 0, 42, 0, 0, 0, 8], // big-endian TIFF, IFD at 8
      ...[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0], // one entry: orientation = 6; no next IFD
    ];
    await Deno.writeFile(`${dir}/in/turned.jpg`, new Uint8Array([...jpg.subarray(0, 2), ...exif, ...jpg.subarray(2)]));
    const path = await spec(dir, [{ op: "gmm", k: 3, sigma: [1, 3], c: 2 }, { op: "clamp" }]);
    const base = ["augment", "--spec", path, "--in", `${dir}/in`];
    const r = await cli([...base, "--out", `${dir}/out`, "--batch", "16"]);
    assert.equal(r.code, 0, r.stderr);
    const got = async (out: string, name: string) => {
      const img: Image = decodeImage(await Deno.readFile(`${dir}/${out}/${name}`));
      return [img.height, img.width, img.channels, img.bitDepth];
    };
    assert.deepEqual(await got("out", "g8.png"), [14, 20, 1, 8]);
    assert.deepEqual(await got("out", "g16.png"), [14, 20, 1, 16]);
    assert.deepEqual(await got("out", "ga8.png"), [14, 20, 1, 8]);
    assert.deepEqual(await got("out", "rgba16.png"), [14, 20, 3, 16]);
    assert.deepEqual(await got("out", "rgb8.png"), [14, 20, 3, 8]);
    assert.deepEqual(await got("out", "turned.png"), [20, 14, 3, 8]);
    const eight = await cli([...base, "--out", `${dir}/o8`, "--bit-depth", "8"]);
    assert.equal(eight.code, 0, eight.stderr);
    assert.deepEqual(await got("o8", "g16.png"), [14, 20, 1, 8]);
    const sixteen = await cli([...base, "--out", `${dir}/o16`, "--bit-depth", "16"]);
    assert.equal(sixteen.code, 0, sixteen.stderr);
    assert.deepEqual(await got("o16", "rgb8.png"), [14, 20, 3, 16]);
    // --size resizes with antialiasing (toBatch's resize): a replay through toBatch gives the same pixels.
    const small = await cli([...base, "--out", `${dir}/os`, "--size", "7x5", "--backend", "cpu"]);
    assert.equal(small.code, 0, small.stderr);
    const pipeline = (await readSpec(path)) as Pipeline;
    for (const line of lines(await Deno.readTextFile(`${dir}/os/params.jsonl`))) {
      const img = decodeImage(await Deno.readFile(`${dir}/in/${line.input}`));
      const batch = toBatch([img], { size: { height: 7, width: 5 }, channels: img.channels <= 2 ? 1 : 3 });
      const again = await augment(pipeline, batch, { params: [line.params], backend: "cpu" });
      const back = fromBatch(again.images, { bitDepth: img.bitDepth })[0];
      assert.deepEqual(decodeImage(await Deno.readFile(`${dir}/os/${line.path}`)), back, line.path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: colliding output names are resolved the same by every shard, and said once", async () => {
  const dir = await tempDir();
  try {
    const jpg = await Deno.readFile(`${FIXTURES}/base.jpg`);
    await Deno.writeFile(`${dir}/in/dup.jpg`, jpg);
    await Deno.writeFile(`${dir}/in/dup.png`, rgb(14, 20, 1));
    await Deno.writeFile(`${dir}/in/dup.jpg.png`, rgb(14, 20, 2));
    await Deno.writeFile(`${dir}/in/a.png`, rgb(14, 20, 3));
    await Deno.writeFile(`${dir}/in/a.PNG`, rgb(14, 20, 4));
    const path = await spec(dir, [{ op: "gmm", k: 2, sigma: [1, 2], c: 3 }, { op: "clamp" }]);
    const base = ["augment", "--spec", path, "--in", `${dir}/in`];
    const one = await cli([...base, "--out", `${dir}/one`]);
    assert.equal(one.code, 0, one.stderr);
    const want = [
      "a.PNG.png",
      "a.png~2.png",
      "dup.jpg.png",
      "dup.jpg~2.png",
      "dup.png.png",
      "params.jsonl",
      "params.run.json",
    ];
    assert.deepEqual(await walk(`${dir}/one`), want);
    const notes = errLines(one);
    assert.equal(notes.length, 2, one.stderr);
    assert.ok(
      notes.includes(
        `freqaug: ${dir}/in/dup.jpg.png would write the output of ${dir}/in/dup.jpg; it writes dup.jpg~2.png`,
      ),
    );
    const byInput = new Map(lines(await Deno.readTextFile(`${dir}/one/params.jsonl`)).map((l) => [l.input, l.path]));
    assert.equal(byInput.get("dup.jpg"), "dup.jpg.png");
    assert.equal(byInput.get("dup.jpg.png"), "dup.jpg~2.png");
    // Shards agree on every name.
    for (const s of ["0/3", "1/3", "2/3"]) {
      assert.equal((await cli([...base, "--out", `${dir}/sh`, "--shard", s])).code, 0);
    }
    const shardFiles = (await walk(`${dir}/sh`)).filter((f) => !f.startsWith("params"));
    assert.deepEqual(shardFiles, want.slice(0, -2));
    for (const f of shardFiles) {
      assert.deepEqual(await Deno.readFile(`${dir}/sh/${f}`), await Deno.readFile(`${dir}/one/${f}`), f);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: output names of 250 and 255 bytes work (temporary names are short)", async () => {
  const dir = await tempDir();
  try {
    const names = ["n".repeat(246) + ".png", "m".repeat(251) + ".png"];
    for (const n of names) await Deno.writeFile(`${dir}/in/${n}`, rgb(8, 8, 1));
    const path = await spec(dir, [{ op: "gmm", k: 2, sigma: [1, 2], c: 3 }, { op: "clamp" }]);
    const r = await cli(["augment", "--spec", path, "--in", `${dir}/in`, "--out", `${dir}/out`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await walk(`${dir}/out`), [...names, "params.jsonl", "params.run.json"].sort());
    for (const n of names) assert.equal(new TextEncoder().encode(n).length, n.startsWith("n") ? 250 : 255);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: links, FIFOs and sockets get a line each and never hang; --follow-symlinks reads links", async () => {
  const dir = await tempDir();
  // A socket file, bound by a child with its own permission (this test needs no --allow-net). Bound by a
  // relative name from inside the folder: a socket's path is limited to 107 bytes, and TMPDIR may be long.
  const holder = new Deno.Command(Deno.execPath(), {
    args: ["eval", `for await (const c of Deno.listen({ transport: "unix", path: "sock" })) c.close();`],
    cwd: `${dir}/in`,
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (let t = 0; t < 200 && !(await Deno.lstat(`${dir}/in/sock`).catch(() => null)); t++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await Deno.writeFile(`${dir}/real.png`, rgb(8, 8, 1));
    await Deno.writeFile(`${dir}/in/plain.png`, rgb(8, 8, 2));
    await Deno.symlink(`${dir}/real.png`, `${dir}/in/link.png`);
    await Deno.mkdir(`${dir}/in/sub`);
    await Deno.symlink(`${dir}/in`, `${dir}/in/sub/loop`);
    const fifo = await new Deno.Command("mkfifo", { args: [`${dir}/in/pipe.png`] }).output();
    assert.ok(fifo.success, "mkfifo");
    const path = await spec(dir, [{ op: "gmm", k: 2, sigma: [1, 2], c: 3 }, { op: "clamp" }]);
    const base = ["augment", "--spec", path, "--in", `${dir}/in`];
    const r = await cli([...base, "--out", `${dir}/o1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(errLines(r).sort(), [
      `${dir}/in/link.png: skipped: symbolic link (--follow-symlinks reads it)`,
      `${dir}/in/pipe.png: skipped: FIFO`,
      `${dir}/in/sock: skipped: socket`,
      `${dir}/in/sub/loop: skipped: symbolic link (--follow-symlinks reads it)`,
    ]);
    assert.match(r.stdout, /^processed 1, skipped 0, failed 0, ignored 4 /);
    const f = await cli([...base, "--out", `${dir}/o2`, "--follow-symlinks"]);
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(errLines(f).sort(), [
      `${dir}/in/pipe.png: skipped: FIFO`,
      `${dir}/in/sock: skipped: socket`,
      `${dir}/in/sub/loop: skipped: symbolic link loop`,
    ]);
    assert.deepEqual(await walk(`${dir}/o2`), ["link.png", "params.jsonl", "params.run.json", "plain.png"]);
  } finally {
    try {
      holder.kill("SIGKILL");
    } catch { /* already gone */ }
    await holder.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: control characters in a name are escaped, one error one line; no error line is empty", async () => {
  const dir = await tempDir();
  try {
    const good = rgb(8, 8, 1);
    await Deno.writeFile(`${dir}/in/bad\nname.png`, good.slice(0, 40));
    await Deno.writeFile(`${dir}/in/esc\x1b[31m.png`, new Uint8Array([1, 2, 3]));
    // Every broken shape the decoder may see: empty, one byte, a signature, every truncation of a PNG and a JPEG.
    const jpg = await Deno.readFile(`${FIXTURES}/base.jpg`);
    await Deno.writeFile(`${dir}/in/empty.png`, new Uint8Array());
    await Deno.writeFile(`${dir}/in/one.jpg`, new Uint8Array([0xff]));
    for (let n = 8; n < good.length; n += 9) await Deno.writeFile(`${dir}/in/cut${n}.png`, good.slice(0, n));
    for (let n = 2; n < jpg.length; n += 97) await Deno.writeFile(`${dir}/in/cut${n}.jpg`, jpg.slice(0, n));
    const flipped = good.slice();
    flipped[good.length - 20] ^= 0xff; // inside IDAT: CRC or Adler-32
    await Deno.writeFile(`${dir}/in/crc.png`, flipped);
    const path = await spec(dir, [{ op: "gmm", k: 2, sigma: [1, 2], c: 3 }, { op: "clamp" }]);
    const r = await cli(["augment", "--spec", path, "--in", `${dir}/in`, "--out", `${dir}/out`, "--quiet"]);
    assert.equal(r.code, 1);
    const inputs = [...Deno.readDirSync(`${dir}/in`)].length;
    const errs = errLines(r);
    assert.equal(errs.length, inputs, r.stderr);
    assert.match(r.stdout, new RegExp(`^processed 0, skipped 0, failed ${inputs} `));
    for (const line of errs) {
      const m = line.match(/^(.+?\.(?:png|jpg)): (.*)$/);
      assert.ok(m, line);
      assert.ok(m[2].trim().length > 3, `empty reason: ${line}`);
    }
    assert.ok(
      errs.includes(`${dir}/in/bad\\nname.png: PNG: ${errs.find((l) => l.includes("bad\\n"))!.split(": PNG: ")[1]}`),
    );
    assert.ok(errs.some((l) => l.startsWith(`${dir}/in/esc\\x1b[31m.png: `)), r.stderr);
    assert.ok(!r.stderr.includes("\x1b"), "no raw escape character");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: any pixel budget gives the same bytes; one image over the budget runs alone", async () => {
  const dir = await tempDir();
  try {
    for (let i = 0; i < 5; i++) await Deno.writeFile(`${dir}/in/p${i}.png`, rgb(16, 12, i));
    await Deno.writeFile(`${dir}/in/g.png`, gray(16, 12, 8));
    const path = await spec(dir, [{ op: "gmm", k: 2, sigma: [1, 2], c: 3 }, { op: "clamp" }]);
    const base = ["augment", "--spec", path, "--in", `${dir}/in`, "--views", "3", "--backend", "cpu"];
    assert.equal((await cli([...base, "--out", `${dir}/a`])).code, 0);
    const tight = await cli([...base, "--out", `${dir}/b`, "--batch-pixels", "100"]);
    assert.equal(tight.code, 0, tight.stderr);
    const mid = await cli([...base, "--out", `${dir}/c`, "--batch-pixels", "400", "--batch", "5"]);
    assert.equal(mid.code, 0, mid.stderr);
    const names = (await walk(`${dir}/a`)).filter((f) => f.endsWith(".png"));
    assert.equal(names.length, 18);
    for (const out of ["b", "c"]) {
      assert.deepEqual((await walk(`${dir}/${out}`)).filter((f) => f.endsWith(".png")), names);
      for (const f of names) {
        assert.deepEqual(await Deno.readFile(`${dir}/${out}/${f}`), await Deno.readFile(`${dir}/a/${f}`), f);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: an output folder that cannot be made, or a missing --in, is exit 2 with one line", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/p.png`, rgb(8, 8, 1));
    await Deno.writeTextFile(`${dir}/file`, "not a folder");
    const path = await spec(dir, [{ op: "gmm", k: 2, sigma: [1, 2], c: 3 }, { op: "clamp" }]);
    const r = await cli(["augment", "--spec", path, "--in", `${dir}/in`, "--out", `${dir}/file/out`]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errLines(r).length, 1, r.stderr);
    assert.match(errLines(r)[0], new RegExp(`^freqaug: ${dir}/file/out: cannot use the output folder \\(.+\\)$`));
    assert.equal(r.stdout, "");
    const missing = await cli(["augment", "--spec", path, "--in", `${dir}/nope`, "--out", `${dir}/out`]);
    assert.equal(missing.code, 2);
    assert.equal(errLines(missing).length, 1);
    assert.match(errLines(missing)[0], new RegExp(`^freqaug: --in ${dir}/nope: no such folder$`));
    assert.equal(missing.stdout, "");
    assert.ok(!(await Deno.lstat(`${dir}/out`).catch(() => null)), "--out made for a missing --in");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
