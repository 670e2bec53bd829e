// Image reading: every PNG flavour and both JPEG kinds against the fixtures'
// known pixels (tests/fixtures/make_fixtures.py), refusals from headers, and
// the command line's argument parsing.
import assert from "node:assert/strict";
import { decodeImage, resize } from "../src/io/decode.ts";
import { readImageInfo, readImageInfoEither } from "../io.ts";
import { parseArgs, shardFromEnv } from "../src/cli/args.ts";
import { imageSeed, outputNames, shardOf } from "../src/cli/files.ts";

const FIXTURES = new URL("fixtures/", import.meta.url);
const W = 20, H = 14;

function pixel(name: string, x: number, y: number): number[] {
  const img = decodeImage(Deno.readFileSync(new URL(name, FIXTURES)));
  assert.ok(typeof img !== "string", `${name}: ${img}`);
  assert.deepEqual([img.width, img.height], [W, H], name);
  const plane = W * H;
  return [0, 1, 2].map((c) => 255 * img.data[c * plane + y * W + x]);
}

Deno.test("decode: PNG 8/16-bit, gray, gray+alpha, RGB, RGBA and palette give the exact pixels", () => {
  for (const [x, y] of [[0, 0], [5, 3], [19, 13]]) {
    const rgb = [10 * x, 12 * y, 100];
    for (const name of ["rgb8.png", "rgba16.png"]) assert.deepEqual(pixel(name, x, y).map(Math.round), rgb, name);
    for (const name of ["gray8.png", "gray16.png", "ga8.png"]) {
      assert.deepEqual(pixel(name, x, y).map(Math.round), [10 * x, 10 * x, 10 * x], name);
    }
    const i = x % 16;
    assert.deepEqual(pixel("pal4.png", x, y).map(Math.round), [10 * i, 12 * i, 100]);
  }
  // 16-bit samples are scaled by 1/65535: 257 · 70 / 65535 = 70 / 255, to float32.
  assert.ok(Math.abs(pixel("gray16.png", 7, 2)[0] - 70) < 1e-4);
});

Deno.test("decode: baseline, progressive and gray JPEG within JPEG's loss", () => {
  for (const name of ["base.jpg", "progressive.jpg"]) {
    for (const [x, y] of [[2, 2], [10, 7], [17, 11]]) {
      const got = pixel(name, x, y), want = [10 * x, 12 * y, 100];
      got.forEach((v, c) =>
        assert.ok(Math.abs(v - want[c]) <= 12, `${name} (${x},${y}) channel ${c}: ${v} vs ${want[c]}`)
      );
    }
  }
  const g = pixel("gray.jpg", 10, 5);
  assert.ok(Math.abs(g[0] - 100) <= 6 && g[0] === g[1] && g[1] === g[2], `${g}`);
});

Deno.test("decode: headers are read before pixels; bad data is a reason naming the part, never a throw", () => {
  const png = Deno.readFileSync(new URL("rgb8.png", FIXTURES));
  assert.deepEqual(readImageInfo(png), { format: "png", width: W, height: H, channels: 3, bitDepth: 8 });
  assert.deepEqual(readImageInfo(Deno.readFileSync(new URL("progressive.jpg", FIXTURES))), {
    format: "jpeg",
    width: W,
    height: H,
    channels: 3,
    bitDepth: 8,
  });
  const gif = readImageInfoEither(new TextEncoder().encode("GIF89a..."));
  assert.equal(gif._tag === "Left" && gif.left.message, "image: not a PNG or JPEG file");
  assert.match(
    decodeImage(png.slice(0, 20)) as string,
    /^PNG: IHDR chunk truncated \(needs 17 bytes after its header, 4 left\)$/,
  );
  assert.match(decodeImage(png.slice(0, 60)) as string, /^PNG: IDAT chunk truncated/);
  assert.match(decodeImage(png, 100) as string, /280 pixels is over the limit of 100/);
  const jpg = Deno.readFileSync(new URL("base.jpg", FIXTURES));
  assert.match(decodeImage(jpg.slice(0, jpg.length - 200)) as string, /^JPEG: truncated file/);
  assert.match(decodeImage(jpg.slice(0, 12)) as string, /^JPEG: truncated file/);
  assert.match(decodeImage(jpg, 100) as string, /^JPEG: SOF0 20x14 = 280 pixels is over the limit of 100/);
});

Deno.test("decode: the planar view turns EXIF-rotated photos upright and repeats gray", () => {
  const turned = decodeImage(Deno.readFileSync(new URL("exif/exif_6.jpg", FIXTURES)));
  assert.ok(typeof turned !== "string", String(turned));
  assert.deepEqual([turned.width, turned.height], [40, 56]);
  const gray = decodeImage(Deno.readFileSync(new URL("gray.jpg", FIXTURES)));
  assert.ok(typeof gray !== "string");
  const plane = W * H;
  assert.ok(gray.data[10] === gray.data[plane + 10] && gray.data[10] === gray.data[2 * plane + 10]);
});

Deno.test("decode: the resize keeps a constant and the order, and is antialiased when shrinking", () => {
  const img = { width: 4, height: 2, data: new Float32Array(24).fill(0.25) };
  const r = resize(img, 5, 3);
  assert.ok(r.data.every((v) => Math.abs(v - 0.25) < 1e-7));
  const ramp = { width: 4, height: 1, data: Float32Array.from({ length: 12 }, (_, i) => (i % 4) / 3) };
  const up = resize(ramp, 1, 8);
  for (let i = 1; i < 8; i++) assert.ok(up.data[i] >= up.data[i - 1]);
  // Halving 0 1 0 1 with a triangle of half-width 2 (torchvision's antialias), not the 2-tap 0.5 0.5.
  const stripes = { width: 4, height: 1, data: Float32Array.from({ length: 12 }, (_, i) => i % 2) };
  const half = resize(stripes, 1, 2);
  assert.ok(Math.abs(half.data[0] - 3 / 7) < 1e-6 && Math.abs(half.data[1] - 4 / 7) < 1e-6, `${half.data}`);
});

Deno.test("cli args: shards from the flag, Kubernetes or Slurm; bad values named", () => {
  const env = (vars: Record<string, string>) => (k: string) => vars[k];
  const base = ["augment", "--spec", "s.json", "--in", "i", "--out", "o"];
  const args = (argv: string[], vars: Record<string, string> = {}) => {
    const r = parseArgs(argv, env(vars));
    if (typeof r === "string" || r.command !== "augment") throw new Error(String(r));
    return r.args;
  };
  assert.deepEqual(args([...base, "--shard", "2/5"]).shard, { index: 2, count: 5 });
  assert.deepEqual(args(base, { JOB_COMPLETION_INDEX: "3", FREQAUG_SHARD_COUNT: "4" }).shard, { index: 3, count: 4 });
  assert.deepEqual(
    args(base, { SLURM_ARRAY_TASK_ID: "11", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "10" }).shard,
    {
      index: 1,
      count: 4,
    },
  );
  assert.match(String(shardFromEnv(env({ JOB_COMPLETION_INDEX: "1" }))), /FREQAUG_SHARD_COUNT/);
  assert.equal(args(base).batch, 8);
  assert.match(parseArgs([...base, "--shard", "5/5"]) as string, /--shard: got 5\/5/);
  assert.match(parseArgs([...base, "--size", "224"]) as string, /--size: got "224", expected HxW/);
  assert.match(parseArgs([...base, "--views", "0"]) as string, /--views: got "0", expected an integer in \[1, 1000\]/);
  assert.match(parseArgs([...base, "--backend", "gpu"]) as string, /--backend: got "gpu"/);
  assert.match(parseArgs(["augment", "--in", "i", "--out", "o"]) as string, /--spec is required/);
  assert.match(parseArgs(["frobnicate"]) as string, /unknown command "frobnicate"/);
  assert.match(parseArgs(["check", "--spec", "s", "--views", "2"]) as string, /check takes no --views/);
});

Deno.test("cli naming: seeds and shards follow the path alone; colliding names keep their extension", () => {
  assert.equal(imageSeed(7, "a/b.png"), imageSeed(7, "a/b.png"));
  assert.notEqual(imageSeed(7, "a/b.png"), imageSeed(8, "a/b.png"));
  assert.notEqual(imageSeed(7, "a/b.png"), imageSeed(7, "a/c.png"));
  assert.ok(Number.isSafeInteger(imageSeed(-3, "x")));
  const counts = [0, 0, 0];
  for (let i = 0; i < 300; i++) counts[shardOf(`img${i}.png`, 3)]++;
  assert.ok(counts.every((c) => c > 70), `${counts}`);
  const names = outputNames(["cat.jpg", "cat.png", "dog.jpeg", "noext"], 1);
  assert.deepEqual([...names.names.values()].map((v) => v[0]), ["cat.jpg.png", "cat.png.png", "dog.png", "noext.png"]);
  assert.deepEqual(outputNames(["d/x.png"], 2).names.get("d/x.png"), ["d/x.v0.png", "d/x.v1.png"]);
});
