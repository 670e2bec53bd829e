// The command line's safety checks: --out never the --in folder (or a folder
// holding it), inputs refused from their first bytes, the run record that
// refuses a rerun with other settings, --size within --max-pixels, a bounded
// spec read, a missing --in refused before anything is made, output names
// over 255 bytes, and the messages (ranges, per-command exit codes, no
// command, bidirectional controls escaped, the progress bar cleared before an
// error line). Most run `cli.ts` as a subprocess in a temporary folder.
import assert from "node:assert/strict";
import { encodePng } from "../io.ts";
import { parseArgs } from "../src/cli/args.ts";
import { readImage } from "../src/cli/codec.ts";
import { escapeLine } from "../src/cli/escape.ts";
import { imageSeed } from "../src/cli/files.ts";
import { readSpec } from "../src/cli/main.ts";
import { cli, errLines, FIXTURES, ROOT } from "./_cli.ts";

function rgb(h: number, w: number, salt: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + salt * 11) & 255;
  return encodePng({ width: w, height: h, channels: 3, bitDepth: 8, data });
}

async function tempDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-safety-" });
  await Deno.mkdir(`${dir}/in`);
  await Deno.writeTextFile(`${dir}/gmm.json`, JSON.stringify({ version: 1, ops: [{ op: "gmm", c: 4 }] }));
  return dir;
}

/** Every file under `dir` (relative, sorted) with its bytes. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const walk = async (rel: string) => {
    const entries = await Array.fromAsync(Deno.readDir(rel ? `${dir}/${rel}` : dir));
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else if (e.isFile) found.set(path, Array.from(await Deno.readFile(`${dir}/${path}`)).join(","));
      else found.set(path, "link");
    }
  };
  await walk("");
  return found;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("cli safety: --out equal to --in, a link to it, or a folder holding it is refused (exit 2, nothing written)", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/a.png`, rgb(8, 8, 1));
    await Deno.mkdir(`${dir}/in/sub`);
    await Deno.writeFile(`${dir}/in/sub/b.png`, rgb(8, 8, 2));
    await Deno.symlink(`${dir}/in`, `${dir}/alias`);
    await Deno.symlink(dir, `${dir}/top`);
    const before = await snapshot(dir);
    const cases = [
      `${dir}/in`, // the same folder
      `${dir}/in/`, // spelt with a slash
      `${dir}/in/sub/..`, // spelt with ..
      `${dir}/alias`, // a link to it
      `${dir}/top/in`, // through a link to its parent
      dir, // a folder holding it
      `${dir}/top`, // a link to a folder holding it
    ];
    for (const out of cases) {
      const r = await cli(["augment", "--spec", `${dir}/gmm.json`, "--in", `${dir}/in`, "--out", out, "--quiet"]);
      assert.equal(r.code, 2, `--out ${out}: ${r.stderr}`);
      const lines = errLines(r);
      assert.equal(lines.length, 1, `--out ${out}: ${r.stderr}`);
      assert.match(lines[0], /--out .* (is the --in folder|holds the --in folder)/);
      assert.deepEqual(await snapshot(dir), before, `--out ${out} changed the folders`);
    }
    // demo --in takes the same rule.
    const d = await cli(["demo", "--in", `${dir}/in`, "--out", `${dir}/alias`]);
    assert.equal(d.code, 2, d.stderr);
    assert.match(errLines(d)[0], /is the --in folder/);
    assert.deepEqual(await snapshot(dir), before);
    // --in given through the link, --out the real folder: the same.
    const r = await cli(["augment", "--spec", `${dir}/gmm.json`, "--in", `${dir}/alias`, "--out", `${dir}/in`]);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(await snapshot(dir), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: --out inside --in (even not there yet, through a link) runs and never reads its outputs", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/a.png`, rgb(8, 8, 1));
    const input = await Deno.readFile(`${dir}/in/a.png`);
    await Deno.symlink(`${dir}/in`, `${dir}/alias`);
    const args = ["augment", "--spec", `${dir}/gmm.json`, "--in", `${dir}/in`, "--out", `${dir}/alias/out/x`];
    for (let run = 0; run < 2; run++) {
      const r = await cli([...args, "--quiet"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, run === 0 ? /^processed 1, skipped 0, failed 0/ : /^processed 0, skipped 1, failed 0/);
    }
    assert.deepEqual(await Deno.readFile(`${dir}/in/a.png`), input);
    assert.ok(await exists(`${dir}/in/out/x/a.png`));
    assert.ok(!(await exists(`${dir}/in/out/x/out`)), "the outputs were read as inputs");
    // A followed link to a folder inside --out is not entered either.
    await Deno.mkdir(`${dir}/in/out/x/deep`);
    await Deno.writeFile(`${dir}/in/out/x/deep/c.png`, rgb(8, 8, 2));
    await Deno.symlink(`${dir}/in/out/x/deep`, `${dir}/in/peek`);
    const r = await cli([...args, "--quiet", "--follow-symlinks"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^processed 0, skipped 1, failed 0, ignored 2/);
    assert.deepEqual(errLines(r), [
      `${dir}/in/out/x: skipped: the output folder`,
      `${dir}/in/peek: skipped: the output folder`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: a missing --in, or a file as --in, exits 2 before --out is made", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/a.png`, rgb(8, 8, 1));
    for (const input of [`${dir}/nothing`, `${dir}/in/a.png`]) {
      const r = await cli(["augment", "--spec", `${dir}/gmm.json`, "--in", input, "--out", `${dir}/out`, "--quiet"]);
      assert.equal(r.code, 2, `--in ${input}: ${r.stderr}`);
      const lines = errLines(r);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /--in .*(no such folder|not a folder)/);
      assert.ok(!(await exists(`${dir}/out`)), `--in ${input}: --out was made`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Counts the bytes read from files (FsFile reads and whole-file reads) while `run` runs. */
async function bytesRead<T>(run: () => Promise<T>): Promise<{ result: T; bytes: number }> {
  let bytes = 0;
  const proto = Deno.FsFile.prototype, read = proto.read, readFile = Deno.readFile;
  proto.read = async function (this: Deno.FsFile, p: Uint8Array) {
    const n = await read.call(this, p);
    bytes += n ?? 0;
    return n;
  };
  Deno.readFile = async (...a: Parameters<typeof Deno.readFile>) => {
    const b = await readFile(...a);
    bytes += b.length;
    return b;
  };
  try {
    return { result: await run(), bytes };
  } finally {
    proto.read = read;
    Deno.readFile = readFile;
  }
}

function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function crc(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG signature and an IHDR chunk claiming `w` × `h` (RGB, 8-bit), and nothing else. */
function pngHeader(w: number, h: number): Uint8Array {
  const body = new Uint8Array([0x49, 0x48, 0x44, 0x52, ...u32(w), ...u32(h), 8, 2, 0, 0, 0]);
  return new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, ...u32(13), ...body, ...u32(crc(body))]);
}

const ACCEPTS = { gray: true, rgb: true };

Deno.test("cli safety: an input is refused from its first 64 KiB when it is not an image, too large, or too long for its size", async () => {
  const dir = await tempDir();
  try {
    const big = 64 * 2 ** 20;
    // A "video": sparse, 64 MiB.
    await Deno.writeFile(`${dir}/in/holiday.mp4`, new Uint8Array([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70]));
    await Deno.truncate(`${dir}/in/holiday.mp4`, big);
    // A PNG header claiming 100000x100000, then 64 MiB.
    await Deno.writeFile(`${dir}/in/bomb.png`, pngHeader(100000, 100000));
    await Deno.truncate(`${dir}/in/bomb.png`, big);
    // A real 8x8 PNG with 64 MiB after it: no encoding of 64 pixels needs that.
    await Deno.writeFile(`${dir}/in/padded.png`, rgb(8, 8, 3));
    await Deno.truncate(`${dir}/in/padded.png`, big);
    const expect: [string, RegExp][] = [
      ["holiday.mp4", /not a PNG or JPEG file/],
      ["bomb.png", /10000000000 pixels is over the limit of 89478485 \(--max-pixels\)/],
      ["padded.png", /more than a PNG or JPEG of 8x8 can need/],
    ];
    for (const [name, why] of expect) {
      const { result, bytes } = await bytesRead(() => readImage(`${dir}/in/${name}`, 89478485, ACCEPTS));
      assert.equal(typeof result, "string", name);
      assert.match(result as string, why, name);
      assert.ok(bytes <= 65536, `${name}: ${bytes} bytes read to refuse it`);
    }
    // The command line says the same, one line each, and the good input goes through.
    await Deno.writeFile(`${dir}/in/ok.png`, rgb(8, 8, 4));
    const r = await cli([
      "augment",
      "--spec",
      `${dir}/gmm.json`,
      "--in",
      `${dir}/in`,
      "--out",
      `${dir}/out`,
      "--quiet",
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^processed 1, skipped 0, failed 3/);
    const lines = errLines(r);
    for (const [name, why] of expect) {
      assert.equal(lines.filter((l) => l.includes(`in/${name}: `) && why.test(l)).length, 1, `${name}: ${r.stderr}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: a JPEG whose header runs past 64 KiB (large APP segments) still decodes, the same as without them", async () => {
  const dir = await tempDir();
  try {
    const base = await Deno.readFile(`${FIXTURES}/base.jpg`);
    // Four 65533-byte APP2 segments after SOI: the frame header starts past 256 KiB.
    const segment = new Uint8Array(65535 + 2);
    segment.set([0xff, 0xe2, 0xff, 0xff]);
    const parts = [base.subarray(0, 2), segment, segment, segment, segment, base.subarray(2)];
    const padded = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      padded.set(p, at);
      at += p.length;
    }
    await Deno.writeFile(`${dir}/in/base.jpg`, base);
    await Deno.writeFile(`${dir}/in/padded.jpg`, padded);
    const a = await readImage(`${dir}/in/base.jpg`, 89478485, ACCEPTS);
    const b = await readImage(`${dir}/in/padded.jpg`, 89478485, ACCEPTS);
    assert.notEqual(typeof a, "string", String(a));
    assert.notEqual(typeof b, "string", String(b));
    if (typeof a === "string" || typeof b === "string") return;
    assert.deepEqual([b.width, b.height, b.channels], [a.width, a.height, a.channels]);
    assert.deepEqual(b.image!.data, a.image!.data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: a PNG whose one IDAT chunk is larger than the header read (17 MiB) is read and decoded", async () => {
  const dir = await tempDir();
  try {
    // 2400 x 2400 RGB of noise, stored (level 0): one IDAT chunk of ~17.3 MB, as encodePng writes photos.
    let x = 12345;
    const data = Uint8Array.from({ length: 2400 * 2400 * 3 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
    const png = encodePng({ width: 2400, height: 2400, channels: 3, bitDepth: 8, data }, { level: 0 });
    assert.ok(png.length > 16 * 2 ** 20, `${png.length} bytes`);
    await Deno.writeFile(`${dir}/in/big.png`, png);
    const r = await readImage(`${dir}/in/big.png`, 89478485, ACCEPTS);
    assert.notEqual(typeof r, "string", String(r));
    if (typeof r === "string") return;
    assert.deepEqual([r.width, r.height, r.channels], [2400, 2400, 3]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: the resize to --size is bounded by --max-pixels, not the library's default", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(
      `${dir}/in/a.png`,
      encodePng({ width: 4, height: 4, channels: 1, bitDepth: 8, data: new Uint8Array(16) }),
    );
    const ok = await readImage(`${dir}/in/a.png`, 81, ACCEPTS, { height: 9, width: 9 });
    assert.notEqual(typeof ok, "string", String(ok));
    const over = await readImage(`${dir}/in/a.png`, 80, ACCEPTS, { height: 9, width: 9 });
    assert.equal(typeof over, "string");
    assert.match(over as string, /at most 80 pixels/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: a rerun with another spec, seed, size, views, format or bit depth is refused; --overwrite replaces the record", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/a.png`, rgb(16, 16, 1));
    await Deno.writeFile(`${dir}/in/b.png`, rgb(12, 16, 2));
    await Deno.writeTextFile(`${dir}/phase.json`, JSON.stringify({ version: 1, ops: [{ op: "phaseShift" }] }));
    const base = ["augment", "--in", `${dir}/in`, "--out", `${dir}/out`, "--quiet", "--backend", "cpu"];
    const first = [...base, "--spec", `${dir}/gmm.json`, "--seed", "1"];
    const r0 = await cli(first);
    assert.equal(r0.code, 0, r0.stderr);
    const record = JSON.parse(await Deno.readTextFile(`${dir}/out/params.run.json`));
    assert.deepEqual(
      { ...record, spec: undefined },
      { version: 1, spec: undefined, seed: 1, size: null, views: 1, format: "png", bitDepth: "input" },
    );
    assert.deepEqual(record.spec.ops.map((o: { op: string }) => o.op), ["gmm"]);
    const made = await snapshot(`${dir}/out`);
    const changes: [string[], RegExp][] = [
      [[...base, "--spec", `${dir}/phase.json`, "--seed", "1"], /the spec/],
      [[...base, "--spec", `${dir}/gmm.json`, "--seed", "2"], /--seed \(1 then, 2 now\)/],
      [[...base, "--spec", `${dir}/gmm.json`], /--seed \(1 then, 0 now\)/],
      [[...first, "--size", "8x8"], /--size \(none then, 8x8 now\)/],
      [[...first, "--views", "2"], /--views \(1 then, 2 now\)/],
      [[...first, "--format", "npy"], /--format \(png then, npy now\)/],
      [[...first, "--bit-depth", "16"], /--bit-depth \(the input's then, 16 now\)/],
    ];
    for (const [args, why] of changes) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const lines = errLines(r);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], why);
      assert.match(lines[0], /--overwrite/);
      assert.deepEqual(await snapshot(`${dir}/out`), made, `${args.join(" ")} changed the output folder`);
    }
    // What does not change an output's bytes is not compared.
    const same = await cli([...first, "--batch", "1", "--max-pixels", "1000", "--batch-pixels", "4096"]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^processed 0, skipped 2, failed 0/);
    // --overwrite: every output redone with the new seed, the record replaced; then a rerun resumes.
    const again = [...base, "--spec", `${dir}/gmm.json`, "--seed", "2"];
    const r1 = await cli([...again, "--overwrite"]);
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /^processed 2, skipped 0/);
    assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/out/params.run.json`)).seed, 2);
    assert.notDeepEqual(await snapshot(`${dir}/out`), made);
    const r2 = await cli(again);
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stdout, /^processed 0, skipped 2/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: an --overwrite run with new settings that is killed must be finished with --overwrite", async () => {
  const dir = await tempDir();
  try {
    for (let i = 0; i < 6; i++) await Deno.writeFile(`${dir}/in/p${i}.png`, rgb(16, 16, i));
    const base = ["run", "--allow-read", "--allow-write", "--allow-env", "cli.ts", "augment", "--quiet"]
      .concat(["--spec", `${dir}/gmm.json`, "--in", `${dir}/in`, "--out", `${dir}/out`, "--batch", "1"]);
    const first = await cli([...base.slice(5), "--seed", "1"]);
    assert.equal(first.code, 0, first.stderr);
    // Killed after two outputs of the new seed are in place: the others are still seed 1's.
    const killed = await new Deno.Command(Deno.execPath(), {
      args: [...base, "--seed", "2", "--overwrite"],
      cwd: ROOT,
      env: { FREQAUG_CRASH_AT: "renamed:2" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(killed.code, 137);
    const last = new Map<string, { input: string; seed: number }>();
    for (const l of (await Deno.readTextFile(`${dir}/out/params.jsonl`)).trim().split("\n")) {
      const line = JSON.parse(l);
      last.set(line.path, line);
    }
    // (Two batches run at once, so up to two more outputs may be removed, their new lines appended.)
    let old = 0;
    for (const [path, l] of last) {
      if (l.seed === imageSeed(1, l.input) && await exists(`${dir}/out/${path}`)) old++;
    }
    assert.ok(old >= 2 && old <= 4, `${old} outputs still of the first seed`);
    const resume = await cli([...base.slice(5), "--seed", "2"]);
    assert.equal(resume.code, 2, resume.stderr);
    // (The killed run left its lock file, taken over with a line.)
    assert.match(errLines(resume).at(-1)!, /an --overwrite run with these settings did not finish.*--overwrite/);
    // Finished with --overwrite: the record is whole again, and a plain rerun resumes.
    const done = await cli([...base.slice(5), "--seed", "2", "--overwrite"]);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/out/params.run.json`)).unfinished, undefined);
    const again = await cli([...base.slice(5), "--seed", "2"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^processed 0, skipped 6/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: an output folder without a run record (an earlier version's) is accepted with one warning, then recorded", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeFile(`${dir}/in/a.png`, rgb(16, 16, 1));
    const args = ["augment", "--spec", `${dir}/gmm.json`, "--in", `${dir}/in`, "--out", `${dir}/out`, "--quiet"];
    assert.equal((await cli(args)).code, 0);
    const record = await Deno.readTextFile(`${dir}/out/params.run.json`);
    await Deno.remove(`${dir}/out/params.run.json`);
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^processed 0, skipped 1/);
    const lines = errLines(r);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /warning: .*params\.jsonl has no run record/);
    assert.equal(await Deno.readTextFile(`${dir}/out/params.run.json`), record);
    // A shard has its own record.
    const s = await cli([...args, "--shard", "1/2"]);
    assert.equal(s.code, 0, s.stderr);
    assert.ok(await exists(`${dir}/out/params.shard-1-of-2.run.json`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: --size over --max-pixels is refused when parsed (exit 2)", async () => {
  const base = ["augment", "--spec", "s.json", "--in", "i", "--out", "o"];
  const over = parseArgs([...base, "--size", "101x100", "--max-pixels", "10000"]);
  assert.equal(typeof over, "string");
  assert.match(over as string, /--size: 101x100 is 10100 pixels, over --max-pixels \(10000\)/);
  assert.equal(typeof parseArgs([...base, "--size", "100x100", "--max-pixels", "10000"]), "object");
  const r = await cli([...base, "--size", "20000x20000"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--size: 20000x20000 is 400000000 pixels, over --max-pixels \(89478485\)/);
});

Deno.test("cli safety: a spec is a regular file of at most 1 MiB, read no further", async () => {
  const dir = await tempDir();
  try {
    // Exactly 1 MiB: read (the JSON padded with spaces).
    const json = JSON.stringify({ version: 1, ops: [{ op: "clamp" }] });
    await Deno.writeTextFile(`${dir}/max.json`, json + " ".repeat(2 ** 20 - json.length));
    assert.equal(typeof (await readSpec(`${dir}/max.json`)), "object");
    // One byte more: refused, whatever follows (a 64 MiB sparse file is not read whole).
    await Deno.writeTextFile(`${dir}/over.json`, json + " ".repeat(2 ** 20 - json.length + 1));
    await Deno.writeTextFile(`${dir}/huge.json`, json);
    await Deno.truncate(`${dir}/huge.json`, 64 * 2 ** 20);
    for (const name of ["over.json", "huge.json"]) {
      const { result, bytes } = await bytesRead(() => readSpec(`${dir}/${name}`));
      assert.equal(typeof result, "string", name);
      assert.match(result as string, /over 1048576 bytes/, name);
      assert.ok(bytes <= 2 ** 20 + 1, `${name}: ${bytes} bytes read`);
    }
    // A device and a FIFO: refused without reading (a FIFO would block, /dev/zero never ends).
    await new Deno.Command("mkfifo", { args: [`${dir}/fifo.json`] }).output();
    for (const path of ["/dev/zero", `${dir}/fifo.json`]) {
      const r = await cli(["check", "--spec", path]);
      assert.equal(r.code, 2, `${path}: ${r.stderr}`);
      assert.deepEqual(errLines(r), [`${path}: not a regular file (the spec is a JSON file)`]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: an input whose output name passes 255 bytes fails on its own line; the others go on", async () => {
  const dir = await tempDir();
  try {
    const stem = "n".repeat(251); // stem.png is 255 bytes: fine with one view, not with two
    await Deno.writeFile(`${dir}/in/${stem}.png`, rgb(8, 8, 1));
    await Deno.writeFile(`${dir}/in/short.png`, rgb(8, 8, 2));
    const args = ["augment", "--spec", `${dir}/gmm.json`, "--in", `${dir}/in`, "--quiet"];
    const one = await cli([...args, "--out", `${dir}/one`]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^processed 2, skipped 0, failed 0/);
    const two = await cli([...args, "--out", `${dir}/two`, "--views", "2"]);
    assert.equal(two.code, 1, two.stderr);
    assert.match(two.stdout, /^processed 1, skipped 0, failed 1/);
    const lines = errLines(two);
    assert.equal(lines.length, 1, two.stderr);
    assert.match(lines[0], /n{251}\.png: its output name n{251}\.v0\.png is 258 bytes, over the limit of 255 bytes/);
    assert.ok(await exists(`${dir}/two/short.v1.png`));
    // Two stems of 251 bytes keep their extensions: 259 bytes each, both refused.
    await Deno.remove(`${dir}/in/${stem}.png`);
    await Deno.writeFile(`${dir}/in/${stem}.jpg`, await Deno.readFile(`${FIXTURES}/base.jpg`));
    await Deno.writeFile(`${dir}/in/${stem}.png`, rgb(8, 8, 1));
    const both = await cli([...args, "--out", `${dir}/both`]);
    assert.equal(both.code, 1, both.stderr);
    assert.match(both.stdout, /^processed 1, skipped 0, failed 2/);
    assert.equal(errLines(both).filter((l) => /is 259 bytes, over the limit of 255 bytes/.test(l)).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli safety: every numeric flag's message states its range", () => {
  const base = ["augment", "--spec", "s.json", "--in", "i", "--out", "o"];
  const cases: [string[], RegExp][] = [
    [["--views", "1e9"], /--views: got "1e9", expected an integer in \[1, 1000\]/],
    [["--views", "1001"], /--views: got "1001", expected an integer in \[1, 1000\]/],
    [["--batch", "0"], /--batch: got "0", expected an integer in \[1, 65536\]/],
    [["--seed", "x"], /--seed: got "x", expected an integer in \[-\(2\^53-1\), 2\^53-1\]/],
    [["--max-pixels", "0"], /--max-pixels: got "0", expected an integer in \[1, 2\^53-1\]/],
    [["--batch-pixels", "-1"], /--batch-pixels: got "-1", expected an integer in \[1, 2\^53-1\]/],
  ];
  for (const [flags, why] of cases) {
    const r = parseArgs([...base, ...flags]);
    assert.equal(typeof r, "string", flags.join(" "));
    assert.match(r as string, why);
  }
  assert.match(parseArgs(["explain", "--spec", "s", "--batch", "70000"]) as string, /\[1, 65536\]/);
});

Deno.test("cli safety: each command's help lists only the exit codes it returns; no command is exit 2", async () => {
  const codes = (text: string) => [...text.matchAll(/^ {2}(\d+) {2,}/gm)].map((m) => Number(m[1]));
  const expected: Record<string, number[]> = {
    augment: [0, 1, 2, 3, 130],
    explain: [0, 2],
    check: [0, 2],
    demo: [0, 1, 2, 3],
  };
  for (const [command, want] of Object.entries(expected)) {
    const r = await cli([command, "--help"]);
    assert.equal(r.code, 0);
    assert.deepEqual(codes(r.stdout.slice(r.stdout.indexOf("exit codes:"))), want, command);
  }
  const none = await cli([]);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, "");
  assert.match(none.stderr, /^freqaug: no command given/);
  assert.match(none.stderr, /freqaug COMMAND --help/);
  for (const help of [["help"], ["--help"], ["-h"]]) {
    const r = await cli(help);
    assert.equal(r.code, 0, help.join(" "));
    assert.match(r.stdout, /freqaug COMMAND --help/);
  }
});

Deno.test("cli safety: bidirectional controls in a path are escaped like control characters", async () => {
  for (const c of ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"]) {
    assert.equal(escapeLine(`a${c}b`), `a\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}b`);
  }
  for (const c of ["\u2066", "\u2067", "\u2068", "\u2069"]) {
    assert.equal(escapeLine(`a${c}b`), `a\\u${c.charCodeAt(0).toString(16)}b`);
  }
  // Letters and other marks are kept.
  assert.equal(escapeLine("é\u00a0ü\u200d漢"), "é\u00a0ü\u200d漢");
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/in/evil\u202egnp.txt`, "not an image");
    const r = await cli([
      "augment",
      "--spec",
      `${dir}/gmm.json`,
      "--in",
      `${dir}/in`,
      "--out",
      `${dir}/out`,
      "--quiet",
    ]);
    assert.equal(r.code, 1);
    assert.ok(!/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(r.stderr), JSON.stringify(r.stderr));
    assert.match(r.stderr, /evil\\u202egnp\.txt: .*not a PNG or JPEG file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Whether `script` (util-linux) is here to give a run a terminal. */
const SCRIPT = await new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" }).output()
  .then((o) => o.success, () => false);

Deno.test({
  name: "cli safety: on a terminal, the progress bar's line is cleared before an error line",
  ignore: !SCRIPT,
  fn: async () => {
    const dir = await tempDir();
    try {
      // Enough inputs before the bad one that the bar is up when it fails.
      for (let i = 0; i < 30; i++) await Deno.writeFile(`${dir}/in/p${String(i).padStart(2, "0")}.png`, rgb(64, 64, i));
      await Deno.writeTextFile(`${dir}/in/q.png`, "not an image");
      const command = [Deno.execPath(), "run", "--allow-read", "--allow-write", "--allow-env", "cli.ts", "augment"]
        .concat(["--spec", `${dir}/gmm.json`, "--in", `${dir}/in`, "--out", `${dir}/out`, "--backend", "cpu"])
        .concat(["--batch", "1"])
        .map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
      const out = await new Deno.Command("script", {
        args: ["-q", "-e", "-c", command, "/dev/null"],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 1, text);
      assert.match(text, /ETA \d+s/, "no bar drawn");
      const at = text.indexOf(`${dir}/in/q.png: `);
      assert.ok(at > 0, text);
      // The bar is on screen before the error: its line is emptied (CR, erase line) right before it.
      const before = text.slice(0, at);
      assert.ok(before.endsWith("\r\x1b[K"), JSON.stringify(text));
      assert.ok(!/ETA \d+s[^\r\n]/.test(text), `an error glued to the bar: ${JSON.stringify(text)}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
