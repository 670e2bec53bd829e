// The command line, end to end: `cli.ts` run as a subprocess on generated
// images in a temporary folder.
import assert from "node:assert/strict";
import { decode, encode } from "fast-png";
import { augment, encodeSpec, fdaView1 } from "../mod.ts";
import { decodeImage, fromBatch, toBatch } from "../io.ts";
import { crc32 } from "../src/io/checksum.ts";
import { readSpec } from "../src/cli/main.ts";
import type { Pipeline, SampleParams } from "../mod.ts";
import { cli, FIXTURES, ROOT } from "./_cli.ts";

function picture(h: number, w: number, salt: number): Uint8Array {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    const x = i % w, y = Math.floor(i / w);
    data[3 * i] = (x * 9 + salt * 31) & 255;
    data[3 * i + 1] = ((x ^ y) * 7) & 255;
    data[3 * i + 2] = ((y * 5 + salt) % 2) * 200;
  }
  return encode({ width: w, height: h, data, channels: 3, depth: 8 });
}

/** A folder of inputs: two sizes, nested folders, every PNG flavour and both JPEG kinds. */
async function makeInputs(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-cli-" });
  await Deno.mkdir(`${dir}/in/a/deeper`, { recursive: true });
  await Deno.mkdir(`${dir}/in/b`, { recursive: true });
  for (let i = 0; i < 5; i++) await Deno.writeFile(`${dir}/in/a/p${i}.png`, picture(24, 20, i));
  for (let i = 0; i < 3; i++) await Deno.writeFile(`${dir}/in/a/deeper/q${i}.png`, picture(16, 16, 10 + i));
  for (const f of Deno.readDirSync(FIXTURES)) {
    if (/\.(png|jpg)$/.test(f.name)) await Deno.copyFile(`${FIXTURES}/${f.name}`, `${dir}/in/b/${f.name}`);
  }
  await Deno.writeTextFile(
    `${dir}/spec.json`,
    JSON.stringify({ version: 1, ops: [{ op: "gmm", k: 6, sigma: [1, 4], c: 2 }, { op: "clamp" }] }),
  );
  return dir;
}

async function outputs(dir: string): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(rel ? `${dir}/${rel}` : dir)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".png")) found.set(path, await Deno.readFile(`${dir}/${path}`));
    }
  };
  await walk("");
  return found;
}

function paramLines(text: string): { path: string; input: string; view: number; seed: number; params: SampleParams }[] {
  return text.trim().split("\n").filter((l) => l).map((l) => JSON.parse(l));
}

const FIXTURE_FILES = [...Deno.readDirSync(FIXTURES)].filter((f) => /\.(png|jpg)$/.test(f.name)).length;
const INPUTS = 5 + 3 + FIXTURE_FILES;

/** `augment` of dir/in into dir/<out> with dir/spec.json. */
function augmentArgs(dir: string, out: string): string[] {
  return ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--out", `${dir}/${out}`];
}

Deno.test("cli augment: every input gives its views, decodable, at its size, with params.jsonl", async () => {
  const dir = await makeInputs();
  try {
    const r = await cli([...augmentArgs(dir, "out"), "--views", "2", "--seed", "5", "--batch", "4"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^processed ${INPUTS}, skipped 0, failed 0`, "m"));
    const outs = await outputs(`${dir}/out`);
    assert.equal(outs.size, 2 * INPUTS);
    assert.ok(outs.has("a/p0.v0.png") && outs.has("a/p0.v1.png") && outs.has("b/progressive.v1.png"));
    const lines = paramLines(await Deno.readTextFile(`${dir}/out/params.jsonl`));
    assert.equal(lines.length, 2 * INPUTS);
    assert.deepEqual(new Set(lines.map((l) => l.path)), new Set(outs.keys()));
    for (const line of lines) {
      const png = decode(outs.get(line.path)!);
      const input = decodeImage(await Deno.readFile(`${dir}/in/${line.input}`));
      // At the input's size; gray stays gray (the spec takes 1 channel), alpha is dropped, 16 bits stay 16 bits.
      const want = [input.height, input.width, input.channels <= 2 ? 1 : 3, input.bitDepth];
      assert.deepEqual([png.height, png.width, png.channels, png.depth], want, line.path);
    }
    const gray = decode(outs.get("b/gray16.v0.png")!), rgba = decode(outs.get("b/rgba16.v1.png")!);
    assert.deepEqual([gray.channels, gray.depth, rgba.channels, rgba.depth], [1, 16, 3, 16]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: a view spec with a crop writes every output at the crop's size, and params replay", async () => {
  const dir = await makeInputs();
  try {
    const spec = fdaView1({ inputSize: 12, normalize: null });
    await Deno.writeTextFile(`${dir}/spec.json`, JSON.stringify(encodeSpec(spec)));
    const r = await cli([...augmentArgs(dir, "out"), "--views", "2", "--seed", "3"]);
    assert.equal(r.code, 0, r.stderr);
    const outs = await outputs(`${dir}/out`);
    assert.equal(outs.size, 2 * INPUTS);
    for (const [path, bytes] of outs) {
      const png = decode(bytes);
      assert.deepEqual([png.height, png.width], [12, 12], path);
    }
    const line = paramLines(await Deno.readTextFile(`${dir}/out/params.jsonl`)).find((l) => l.path === "a/p1.v1.png")!;
    const png = decode(await Deno.readFile(`${dir}/in/a/p1.png`));
    const plane = png.width * png.height;
    const data = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) data[c * plane + i] = png.data[3 * i + c] / 255;
    const again = await augment(spec, { data, count: 1, channels: 3, height: png.height, width: png.width }, {
      params: [line.params],
      backend: "cpu",
    });
    const out = decode(outs.get("a/p1.v1.png")!);
    for (let i = 0; i < 144; i++) {
      for (let c = 0; c < 3; c++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, again.images.data[c * 144 + i])));
        assert.ok(Math.abs(v - out.data[3 * i + c]) <= 1, `pixel ${i}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: same seed, same bytes (any batch size, workers or not); shards 0/2 + 1/2 equal one run", async () => {
  const dir = await makeInputs();
  try {
    const base = ["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`, "--seed", "9", "--quiet"];
    assert.equal((await cli([...base, "--out", `${dir}/one`])).code, 0);
    // Another batch size, everything on the main thread (batches, as the WebGPU backend runs them).
    assert.equal((await cli([...base, "--out", `${dir}/two`, "--batch", "3", "--workers", "0"])).code, 0);
    const s0 = await cli([...base, "--out", `${dir}/shards`, "--shard", "0/2"]);
    const s1 = await cli([...base, "--out", `${dir}/shards`], {
      env: { JOB_COMPLETION_INDEX: "1", FREQAUG_SHARD_COUNT: "2" },
    });
    assert.equal(s0.code, 0, s0.stderr);
    assert.equal(s1.code, 0, s1.stderr);
    const n0 = Number(s0.stdout.match(/processed (\d+)/)![1]), n1 = Number(s1.stdout.match(/processed (\d+)/)![1]);
    assert.ok(n0 > 0 && n1 > 0 && n0 + n1 === INPUTS, `${n0} + ${n1}`);
    const one = await outputs(`${dir}/one`), two = await outputs(`${dir}/two`), shards = await outputs(`${dir}/shards`);
    assert.deepEqual(two, one);
    assert.deepEqual(shards, one);
    const union = [
      ...paramLines(await Deno.readTextFile(`${dir}/shards/params.shard-0-of-2.jsonl`)),
      ...paramLines(await Deno.readTextFile(`${dir}/shards/params.shard-1-of-2.jsonl`)),
    ].sort((a, b) => a.path.localeCompare(b.path));
    const whole = paramLines(await Deno.readTextFile(`${dir}/one/params.jsonl`)).sort((a, b) =>
      a.path.localeCompare(b.path)
    );
    assert.deepEqual(union, whole);
    const two_ = paramLines(await Deno.readTextFile(`${dir}/two/params.jsonl`)).sort((a, b) =>
      a.path.localeCompare(b.path)
    );
    assert.deepEqual(two_, whole);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: a rerun skips what is done and redoes what is missing", async () => {
  const dir = await makeInputs();
  try {
    const args = [...augmentArgs(dir, "out"), "--quiet"];
    assert.equal((await cli(args)).code, 0);
    const before = await outputs(`${dir}/out`);
    const kept = (await Deno.stat(`${dir}/out/a/p1.png`)).mtime;
    await Deno.remove(`${dir}/out/a/p0.png`);
    const again = await cli(args);
    assert.equal(again.code, 0);
    assert.match(again.stdout, new RegExp(`^processed 1, skipped ${INPUTS - 1}, failed 0`, "m"));
    assert.deepEqual(await outputs(`${dir}/out`), before);
    assert.deepEqual((await Deno.stat(`${dir}/out/a/p1.png`)).mtime, kept);
    const forced = await cli([...args, "--overwrite"]);
    assert.match(forced.stdout, new RegExp(`^processed ${INPUTS}, skipped 0`, "m"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: params.jsonl replays to identical pixels", async () => {
  const dir = await makeInputs();
  try {
    const r = await cli([...augmentArgs(dir, "out"), "--views", "2", "--size", "12x10", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    const pipeline = (await readSpec(`${dir}/spec.json`)) as Pipeline;
    const lines = paramLines(await Deno.readTextFile(`${dir}/out/params.jsonl`));
    assert.equal(lines.length, 2 * INPUTS);
    for (const line of lines) {
      // The documented replay: decode, toBatch at --size (gray stays gray), augment, fromBatch at the input's depth.
      const img = decodeImage(await Deno.readFile(`${dir}/in/${line.input}`));
      const small = toBatch([img], { size: { height: 12, width: 10 }, channels: img.channels <= 2 ? 1 : 3 });
      const again = await augment(pipeline, small, { params: [line.params], backend: "cpu" });
      const [back] = fromBatch(again.images, { bitDepth: img.bitDepth });
      // The same pixels (the bytes depend on --compression).
      assert.deepEqual(decodeImage(await Deno.readFile(`${dir}/out/${line.path}`)), back, line.path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: each bad input gets one line naming it; the rest succeed; nothing partial", async () => {
  const dir = await makeInputs();
  try {
    const good = picture(24, 20, 1);
    await Deno.writeFile(`${dir}/in/a/truncated.png`, good.slice(0, 60));
    await Deno.writeFile(`${dir}/in/a/corrupt.jpg`, (await Deno.readFile(`${FIXTURES}/progressive.jpg`)).slice(0, 300));
    await Deno.writeTextFile(`${dir}/in/a/notes.txt`, "not an image");
    const bomb = good.slice();
    new DataView(bomb.buffer).setUint32(16, 20000);
    new DataView(bomb.buffer).setUint32(20, 20000);
    new DataView(bomb.buffer).setUint32(29, crc32(bomb, 12, 29)); // a valid IHDR: the limit refuses it
    await Deno.writeFile(`${dir}/in/a/bomb.png`, bomb);
    await Deno.mkdir(`${dir}/in/locked`);
    await Deno.writeFile(`${dir}/in/locked/hidden.png`, good);
    const r = await cli(
      [...augmentArgs(dir, "out"), "--quiet"],
      { deny: `${dir}/in/locked` },
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^processed ${INPUTS}, skipped 0, failed 5`, "m"));
    const lines = r.stderr.trim().split("\n");
    const line = (name: string) => lines.filter((l) => l.includes(name));
    assert.equal(line("truncated.png").length, 1);
    assert.match(line("truncated.png")[0], /PNG: .*truncated/);
    assert.match(line("corrupt.jpg")[0], /JPEG: /);
    assert.match(line("notes.txt")[0], /not a PNG or JPEG file/);
    assert.match(line("bomb.png")[0], /400000000 pixels is over the limit of 89478485 \(--max-pixels\)/);
    assert.match(line("locked")[0], /cannot read the folder/);
    const outs = await outputs(`${dir}/out`);
    assert.equal(outs.size, INPUTS);
    for (const name of ["a/truncated.png", "a/corrupt.png", "a/notes.png", "a/bomb.png"]) {
      assert.ok(!outs.has(name), name);
    }
    for await (const e of Deno.readDir(`${dir}/out/a`)) assert.ok(!e.name.endsWith(".tmp"), e.name);
    // A lower --max-pixels refuses what the default lets through.
    const small = await cli([
      "augment",
      "--spec",
      `${dir}/spec.json`,
      "--in",
      `${dir}/in/a/deeper`,
      "--out",
      `${dir}/o2`,
      "--max-pixels",
      "100",
    ]);
    assert.equal(small.code, 1);
    assert.match(small.stderr, /256 pixels is over the limit of 100 \(--max-pixels\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: a spec that does not decode, check and explain", async () => {
  const dir = await makeInputs();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ version: 1, ops: [{ op: "gmm", sigma: [15, 10] }] }));
    const bad = await cli(["augment", "--spec", `${dir}/bad.json`, "--in", `${dir}/in`, "--out", `${dir}/out`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json: ops\[0\]\.sigma: got \[15,10\], expected/);
    assert.ok(!(await Deno.stat(`${dir}/out`).catch(() => null)));
    const checked = await cli(["check", "--spec", `${dir}/bad.json`]);
    assert.equal(checked.code, 2);
    assert.match(checked.stderr, /ops\[0\]\.sigma/);
    const ok = await cli(["check", "--spec", `${dir}/spec.json`]);
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout).ops[0].k, 6);
    const plan = await cli(["explain", "--spec", `${dir}/spec.json`, "--size", "64x48"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^3 dispatch\(es\) for a batch of 32 of 3x64x48/);
    const usage = await cli(["augment", "--spec", `${dir}/spec.json`, "--in", `${dir}/in`]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--out is required/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli augment: Ctrl-C stops after the files in flight, leaving whole files only", async () => {
  const dir = await makeInputs();
  try {
    for (let i = 0; i < 300; i++) {
      await Deno.writeFile(`${dir}/in/b/many${String(i).padStart(3, "0")}.png`, picture(32, 32, i));
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "cli.ts",
        "augment",
        "--spec",
        `${dir}/spec.json`,
        "--in",
        `${dir}/in`,
        "--out",
        `${dir}/out`,
        "--batch",
        "2",
        "--quiet",
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Wait for the first outputs, then interrupt.
    for (let t = 0; t < 300; t++) {
      if ((await outputs(`${dir}/out`).catch(() => new Map())).size >= 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 130, stdout + new TextDecoder().decode(out.stderr));
    assert.match(stdout, /interrupted/);
    const done = await outputs(`${dir}/out`);
    assert.ok(done.size > 0 && done.size < 300 + INPUTS, `${done.size} outputs`);
    for (const [path, bytes] of done) assert.equal(decode(bytes).width > 0, true, path);
    const walk = async (d: string): Promise<string[]> => {
      const names: string[] = [];
      for await (const e of Deno.readDir(d)) {
        if (e.isDirectory) names.push(...await walk(`${d}/${e.name}`));
        else names.push(e.name);
      }
      return names;
    };
    assert.ok((await walk(`${dir}/out`)).every((n) => !n.endsWith(".tmp")));
    // Resuming finishes the job.
    const rest = await cli([...augmentArgs(dir, "out"), "--quiet"]);
    assert.equal(rest.code, 0);
    assert.equal((await outputs(`${dir}/out`)).size, 300 + INPUTS);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli demo --in: the user's images, their contact sheet and params.jsonl", async () => {
  const dir = await makeInputs();
  try {
    const r = await cli(["demo", "--in", `${dir}/in/a`, "--out", `${dir}/demo`, "--backend", "cpu"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backend: cpu$/m);
    assert.match(r.stdout, /processed 8, skipped 0, failed 0/);
    const sheet = decode(await Deno.readFile(`${dir}/demo/contact-sheet.png`));
    assert.equal(sheet.width, 8 + 6 * 168);
    // Four rows of inputs at most, and the row of fdaView1() views.
    assert.ok(sheet.height >= 30 + 5 * 182 && sheet.height < 30 + 6 * 182, `${sheet.height}`);
    assert.equal((await Deno.readTextFile(`${dir}/demo/params.jsonl`)).trim().split("\n").length, 16);
    assert.ok((await outputs(`${dir}/demo`)).has("deeper/q0.v1.png"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const hasScript = await new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" }).output()
  .then((o) => o.success, () => false);
if (!hasScript) console.log("SKIPPED: no script(1) to give the CLI a terminal");

Deno.test({
  name: "cli augment: a progress bar on a terminal, none otherwise, none with --quiet",
  ignore: !hasScript,
  fn: async () => {
    const dir = await makeInputs();
    try {
      const command = (extra: string) =>
        `${Deno.execPath()} run --allow-read --allow-write --allow-env cli.ts augment --spec ${dir}/spec.json ` +
        `--in ${dir}/in --out ${dir}/${extra ? "q" : "o"} --batch 2 ${extra}`;
      const onTty = async (extra: string) => {
        const out = await new Deno.Command("script", {
          args: ["-qfec", command(extra), "/dev/null"],
          cwd: ROOT,
          stdout: "piped",
          stderr: "piped",
        }).output();
        return new TextDecoder().decode(out.stdout);
      };
      const shown = await onTty("");
      assert.match(shown, new RegExp(`\\[#+\\.*\\] \\d+/${INPUTS} inputs [\\d.]+/s ETA \\d+s`));
      assert.match(shown, new RegExp(`processed ${INPUTS}, skipped 0, failed 0`));
      assert.doesNotMatch(await onTty("--quiet"), /ETA/);
      const piped = await cli([...augmentArgs(dir, "p")]);
      assert.doesNotMatch(piped.stderr + piped.stdout, /ETA/);
      assert.equal(piped.stdout.trim().split("\n").length, 1, "one summary line when not a terminal");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
