// The command line under kills and concurrent runs: SIGKILL at seeded random
// moments and resumes (params.jsonl never misses or doubles a line, no partial
// output is ever visible, every line replays to its file), stale temporaries
// removed, and the lock of the output folder (a second run refused at once,
// shards side by side, a stale lock taken over). Each runs `cli.ts` as a
// subprocess on generated images in a temporary folder.
import assert from "node:assert/strict";
import { augment, type Pipeline, type SampleParams } from "../mod.ts";
import { decodeImage, encodePng, fromBatch, toBatch } from "../io.ts";
import { readSpec } from "../src/cli/main.ts";
import { tempTag } from "../src/cli/ledger.ts";
import { hostName } from "../src/cli/lock.ts";
import { cli, spawn, walk } from "./_cli.ts";

function rgb(h: number, w: number, salt: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    const x = i % w, y = Math.floor(i / w);
    data[3 * i] = (x * 9 + salt * 31) & 255;
    data[3 * i + 1] = ((x ^ y) * 7 + salt) & 255;
    data[3 * i + 2] = ((y * 5 + salt) % 2) * 255;
  }
  return encodePng({ width: w, height: h, channels: 3, bitDepth: 8, data });
}

/** mulberry32: a small seeded generator for the kill moments. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Line = { path: string; input: string; view: number; seed: number; params: SampleParams };

function parseLines(text: string): (Line | null)[] {
  return text.split("\n").filter((l) => l).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return null;
    }
  });
}

async function inputs(n: number, side = 16): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-cli-resume-" });
  await Deno.mkdir(`${dir}/in/sub`, { recursive: true });
  for (let i = 0; i < n; i++) {
    const size = i % 3 === 0 ? [side + 4, side] : [side, side];
    await Deno.writeFile(`${dir}/in/${i % 2 ? "sub/" : ""}p${i}.png`, rgb(size[0], size[1], i));
  }
  await Deno.writeTextFile(
    `${dir}/spec.json`,
    JSON.stringify({ version: 1, ops: [{ op: "gmm", k: 3, sigma: [1, 3], c: 2 }, { op: "clamp" }] }),
  );
  return dir;
}

Deno.test("cli augment: SIGKILL at random moments, then resume: one line per output, each replays to its file", async () => {
  const seed = 20261128;
  const random = rng(seed);
  const N = 40, VIEWS = 2;
  const dir = await inputs(N, 48);
  try {
    const args = [
      "augment",
      ...["--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/out`],
      ...["--views", `${VIEWS}`, "--batch", "3", "--backend", "cpu", "--quiet"],
    ];
    const kills: number[] = [];
    let midRun = 0; // kills that landed while the run held its lock (between start-up and the end)
    for (let round = 0; round < 14; round++) {
      // Every third round rewrites everything (--overwrite), so kills also land on replaced outputs.
      const child = spawn(round % 3 === 2 ? [...args, "--overwrite"] : args);
      const lock = `${dir}/out/params.jsonl.lock`;
      for (let t = 0; t < 600 && !(await Deno.lstat(lock).catch(() => null)); t++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const delay = Math.floor(random() * 1200);
      kills.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      const holding = !!(await Deno.lstat(lock).catch(() => null));
      try {
        child.kill("SIGKILL");
      } catch { /* it ended first */ }
      const status = await child.output();
      if (holding && status.signal === "SIGKILL") midRun++;
      // At any kill: every output in place is whole and has a line.
      const present = (await walk(`${dir}/out`).catch(() => [] as string[])).filter((f) => f.endsWith(".png"));
      const text = await Deno.readTextFile(`${dir}/out/params.jsonl`).catch(() => "");
      const recorded = new Set(parseLines(text).filter((l) => l !== null).map((l) => l!.path));
      for (const f of present) {
        assert.ok(recorded.has(f), `seed ${seed}, kills ${kills}: ${f} in place without a line`);
        const img = decodeImage(await Deno.readFile(`${dir}/out/${f}`));
        assert.ok(img.width > 0, f);
      }
      // When everything is done, a user deletes some outputs: the next round has work again.
      if (present.length === N * VIEWS) {
        for (const f of present) if (random() < 0.4) await Deno.remove(`${dir}/out/${f}`);
      }
    }
    // How many kills land mid-run depends on the machine's speed (the crash-point test below hits each
    // step of the write exactly); it is part of the message of any failure that follows.
    const last = await cli(args);
    assert.equal(last.code, 0, `seed ${seed}, kills ${kills} (${midRun} mid-run): ${last.stderr}`);
    const all = await walk(`${dir}/out`);
    const outs = all.filter((f) => f.endsWith(".png"));
    assert.equal(outs.length, N * VIEWS, `seed ${seed}, kills ${kills}`);
    assert.deepEqual(
      all.filter((f) => !f.endsWith(".png")).sort(),
      ["params.jsonl", "params.run.json"],
      "no temporary, no lock left",
    );
    const lines = parseLines(await Deno.readTextFile(`${dir}/out/params.jsonl`));
    assert.ok(lines.every((l) => l !== null), "every line whole");
    assert.deepEqual(lines.map((l) => l!.path).sort(), outs, `seed ${seed}, kills ${kills}: one line per output`);
    const pipeline = (await readSpec(`${dir}/spec.json`)) as Pipeline;
    for (const line of lines as Line[]) {
      const img = decodeImage(await Deno.readFile(`${dir}/in/${line.input}`));
      const again = await augment(pipeline, toBatch([img]), { params: [line.params], backend: "cpu" });
      const back = fromBatch(again.images)[0];
      assert.deepEqual(decodeImage(await Deno.readFile(`${dir}/out/${line.path}`)), back, `seed ${seed}: ${line.path}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Checks that every output in place is whole and that the last line of its path replays to its bytes. */
async function checkInPlace(dir: string, pipeline: Pipeline, context: string): Promise<number> {
  const present = (await walk(`${dir}/out`).catch(() => [] as string[])).filter((f) => f.endsWith(".png"));
  const text = await Deno.readTextFile(`${dir}/out/params.jsonl`).catch(() => "");
  const last = new Map<string, Line>();
  for (const l of parseLines(text)) if (l) last.set(l.path, l);
  for (const f of present) {
    const line = last.get(f);
    assert.ok(line, `${context}: ${f} in place without a line`);
    const img = decodeImage(await Deno.readFile(`${dir}/in/${line.input}`));
    const again = await augment(pipeline, toBatch([img]), { params: [line.params], backend: "cpu" });
    const back = fromBatch(again.images)[0];
    assert.deepEqual(decodeImage(await Deno.readFile(`${dir}/out/${f}`)), back, `${context}: ${f}`);
  }
  return present.length;
}

Deno.test("cli augment: a crash at each step of writing an output, then resume: the files in place match their lines", async () => {
  const seed = 77;
  const random = rng(seed);
  const N = 12, VIEWS = 2;
  const dir = await inputs(N);
  try {
    const pipeline = (await readSpec(`${dir}/spec.json`)) as Pipeline;
    const args = [
      "augment",
      ...["--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/out`],
      ...["--views", `${VIEWS}`, "--batch", "3", "--backend", "cpu", "--quiet"],
    ];
    const crashed = new Set<string>();
    let seedNow = 0, unfinished: boolean = false;
    for (let round = 0; round < 16; round++) {
      const point = ["written", "removed", "appended", "renamed"][round % 4];
      const count = 1 + Math.floor(random() * 6);
      // "removed" happens when an output is written again: rounds 4-7 and 12-15 rewrite everything.
      const block = Math.floor(round / 4) % 2 === 1;
      // A new seed each --overwrite round: a file rewritten is then never the same bytes as before (a
      // rerun with another seed and no --overwrite is refused, so the other rounds keep the last seed;
      // and an --overwrite run with a new seed that was killed must be finished with --overwrite).
      const overwrite: boolean = block || unfinished;
      if (block) seedNow = round;
      const run = [...args, "--seed", `${seedNow}`, ...(overwrite ? ["--overwrite"] : [])];
      const child = spawn(run, { FREQAUG_CRASH_AT: `${point}:${count}` });
      const status = await child.output();
      const context = `seed ${seed}, round ${round}, ${point}:${count}${overwrite ? " --overwrite" : ""}`;
      assert.ok(status.code === 137 || status.code === 0, `${context}: exit ${status.code}`);
      if (status.code === 137) crashed.add(`${point}${overwrite ? " --overwrite" : ""}`);
      unfinished = overwrite && status.code === 137;
      const present = await checkInPlace(dir, pipeline, context);
      // A run that finished: a user deletes some outputs, so the next round has work again.
      if (status.code === 0 && present === N * VIEWS) {
        for (const f of (await walk(`${dir}/out`)).filter((f) => f.endsWith(".png"))) {
          if (random() < 0.5) await Deno.remove(`${dir}/out/${f}`);
        }
      }
    }
    for (const p of ["written", "appended", "renamed"]) {
      for (const how of ["", " --overwrite"]) assert.ok(crashed.has(p + how), `never crashed at ${p}${how}`);
    }
    assert.ok(crashed.has("removed --overwrite"), "never crashed at removed --overwrite");
    const last = await cli([...args, "--seed", `${seedNow}`, ...(unfinished ? ["--overwrite"] : [])]);
    assert.equal(last.code, 0, last.stderr);
    assert.equal(await checkInPlace(dir, pipeline, "final"), N * VIEWS);
    const all = await walk(`${dir}/out`);
    assert.deepEqual(
      all.filter((f) => !f.endsWith(".png")).sort(),
      ["params.jsonl", "params.run.json"],
      "no temporary, no lock left",
    );
    const lines = parseLines(await Deno.readTextFile(`${dir}/out/params.jsonl`));
    assert.equal(lines.length, N * VIEWS, "one line per output, none doubled");
    assert.equal(new Set(lines.map((l) => l!.path)).size, N * VIEWS);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: a torn or doubled params line and a line without its file are repaired on start", async () => {
  const dir = await inputs(4);
  try {
    const args = ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/out`, "--quiet"];
    assert.equal((await cli(args)).code, 0);
    const good = await Deno.readTextFile(`${dir}/out/params.jsonl`);
    const byPath = new Map(good.trim().split("\n").map((l) => [JSON.parse(l).path as string, l]));
    // p0's line doubled, p1's file gone (its line stays), p2's line torn in half (no newline).
    const p2 = byPath.get("p2.png")!;
    const broken = [...byPath.values()].filter((l) => l !== p2).join("\n") + "\n" + byPath.get("p0.png") + "\n" +
      p2.slice(0, 30);
    await Deno.writeTextFile(`${dir}/out/params.jsonl`, broken);
    await Deno.remove(`${dir}/out/sub/p1.png`);
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^processed 2, skipped 2, failed 0/);
    assert.match(r.stderr, /dropped 3 line\(s\)/);
    const after = (await Deno.readTextFile(`${dir}/out/params.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(after.map((l) => l.path).sort(), ["p0.png", "p2.png", "sub/p1.png", "sub/p3.png"]);
    for (const l of after) assert.equal(JSON.stringify(l), byPath.get(l.path), l.path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: stale temporaries of this params file are removed on start, nothing else", async () => {
  const dir = await inputs(2);
  try {
    await Deno.mkdir(`${dir}/out/sub`, { recursive: true });
    const mine = `.${tempTag("params.jsonl")}0badf00d.freqaug.tmp`;
    const shard = `.${tempTag("params.shard-0-of-2.jsonl")}0badf00d.freqaug.tmp`;
    const keep = [shard, "notes.tmp", ".0123.freqaug.tmp", `sub/x${mine}`];
    for (const f of [mine, `sub/${mine}`, ...keep]) await Deno.writeTextFile(`${dir}/out/${f}`, "partial");
    const r = await cli(["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/out`]);
    assert.equal(r.code, 0, r.stderr);
    const left = await walk(`${dir}/out`);
    assert.ok(!left.includes(mine) && !left.includes(`sub/${mine}`), left.join(", "));
    for (const f of keep) assert.ok(left.includes(f), f);
    assert.equal(mine.length, 29);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: a second run on the same --out stops at once (exit 3); shards run side by side", async () => {
  const dir = await inputs(60);
  try {
    const base = ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--quiet", "--views", "3"];
    // A run in progress, deterministically: this process holds the lock file as a run would (its line, and a
    // flock: exclusive, and shared, which must keep a run out as well).
    await Deno.mkdir(`${dir}/out`);
    for (const exclusive of [true, false]) {
      const held = await Deno.open(`${dir}/out/params.jsonl.lock`, { create: true, write: true });
      await held.lock(exclusive);
      const me = { pid: Deno.pid, host: hostName(), start: "1", since: new Date().toISOString(), nonce: "test" };
      await held.write(new TextEncoder().encode(JSON.stringify(me) + "\n"));
      const refused = await cli([...base, "--out", `${dir}/out`]);
      assert.equal(refused.code, 3, `exclusive ${exclusive}: ${refused.stderr}`);
      assert.match(refused.stderr, /^freqaug: another run \(pid \d+ on .+, since .+\) holds .*params\.jsonl\.lock/m);
      assert.equal(refused.stdout, "");
      assert.ok(!(await Deno.lstat(`${dir}/out/params.jsonl`).catch(() => null)), "the refused run wrote nothing");
      await held.unlock();
      held.close();
      await Deno.remove(`${dir}/out/params.jsonl.lock`);
    }
    // Two real runs at once: however they interleave, one does the work and the other stops (exit 3) or,
    // when it starts after the first ended, finds everything done; never two lines for one output.
    const [a, b] = await Promise.all([
      spawn([...base, "--out", `${dir}/out`]).output(),
      cli([...base, "--out", `${dir}/out`]),
    ]);
    const codes = [a.code, b.code].sort().join(",");
    assert.ok(
      codes === "0,3" || codes === "0,0",
      `exit codes ${codes}: ${new TextDecoder().decode(a.stderr)} ${b.stderr}`,
    );
    const lines = (await Deno.readTextFile(`${dir}/out/params.jsonl`)).trim().split("\n");
    assert.equal(lines.length, 180);
    assert.equal(new Set(lines.map((l) => JSON.parse(l).path)).size, 180);
    assert.ok(!(await Deno.lstat(`${dir}/out/params.jsonl.lock`).catch(() => null)), "lock released");
    // Two shards at once into one folder: each has its own params file and lock.
    const s0 = spawn([...base, "--out", `${dir}/sh`, "--shard", "0/2"]);
    const s1 = spawn([...base, "--out", `${dir}/sh`, "--shard", "1/2"]);
    const [o0, o1] = await Promise.all([s0.output(), s1.output()]);
    assert.equal(o0.code, 0, new TextDecoder().decode(o0.stderr));
    assert.equal(o1.code, 0, new TextDecoder().decode(o1.stderr));
    const files = (await walk(`${dir}/sh`)).filter((f) => f.endsWith(".png"));
    assert.equal(files.length, 180);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: the lock of a run that is gone is taken over with a warning; another host's is respected", async () => {
  const dir = await inputs(2);
  try {
    const args = ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/out`];
    await Deno.mkdir(`${dir}/out`);
    const gone = new Deno.Command(Deno.execPath(), { args: ["--version"], stdout: "null" }).spawn();
    await gone.status;
    const lock = (host: string) =>
      JSON.stringify({ pid: gone.pid, host, start: "1", since: "2026-01-01T00:00:00.000Z", nonce: "x" });
    await Deno.writeTextFile(`${dir}/out/params.jsonl.lock`, lock(hostName()));
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`took over the lock .*params\\.jsonl\\.lock of a run that is gone \\(pid ${gone.pid}`),
    );
    assert.ok(!(await Deno.lstat(`${dir}/out/params.jsonl.lock`).catch(() => null)), "released");
    await Deno.writeTextFile(`${dir}/out/params.jsonl.lock`, lock("elsewhere.example"));
    const other = await cli([...args, "--overwrite"]);
    assert.equal(other.code, 3, other.stderr);
    assert.match(other.stderr, /on elsewhere\.example.*another host; if that run is gone, delete that file/);
    assert.ok(await Deno.lstat(`${dir}/out/params.jsonl.lock`), "kept");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
