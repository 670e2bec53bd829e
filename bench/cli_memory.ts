// Peak memory of `freqaug augment` over many images: generates N images of
// HxW (default 10,000 PNGs of 224x224) in a temporary folder, runs the CLI on
// them as a subprocess with its default flags (plus those given), and follows
// its peak resident set (VmHWM in /proc, Linux; and /usr/bin/time -v's
// "Maximum resident set size" when that program is there).
//
//   deno run -A bench/cli_memory.ts [N] [--image HxW] [--backend cpu|auto|webgpu] [--batch N]
//                                   [--batch-pixels N] [--views N] [--jpeg K] [--content pattern|photo]
//                                   [--spec FILE]
//
// --jpeg K writes K of the N inputs as JPEG (quality 90, every other one while
// there are some left), the rest as PNG; --content photo draws photo-like
// pictures (smooth shading, edges and sensor noise: JPEGs of ~3 MB and PNGs of ~17 MB at
// 4000x3000) instead of the default byte pattern; --spec runs that spec
// instead of `{ "op": "gmm" }` with its defaults.
//
// e.g. `deno run -A bench/cli_memory.ts 20 --image 3000x4000` (20 PNGs of 4000x3000), or the
// realistic mix: `deno run -A bench/cli_memory.ts 20 --image 3000x4000 --jpeg 10 --content photo --backend auto`.
// Prints one JSON line: { images, image, jpeg, content, backend, seconds, img_per_s, peak_rss_mib,
// max_rss_mib (from time -v, or null), exit }.
import jpeg from "jpeg-js";
import { encodePng } from "../io.ts";
import { rng } from "./_rng.ts";

const VALUED = ["--image", "--backend", "--batch", "--batch-pixels", "--views", "--jpeg", "--content", "--spec"];
const flag = (name: string): string | undefined =>
  Deno.args.includes(name) ? Deno.args[Deno.args.indexOf(name) + 1] : undefined;
const n = Number(
  Deno.args.find((a, i) => /^\d+$/.test(a) && !(i > 0 && VALUED.includes(Deno.args[i - 1]))) ?? 10000,
);
const [H, W] = (flag("--image") ?? "224x224").split("x").map(Number);
const backend = flag("--backend") ?? "cpu";
const jpegs = Math.min(n, Number(flag("--jpeg") ?? 0));
const content = flag("--content") ?? "pattern";
if (content !== "pattern" && content !== "photo") {
  throw new Error(`--content: got ${content}, expected pattern or photo`);
}
const passed = ["--batch", "--batch-pixels", "--views"].flatMap((f) => (flag(f) ? [f, flag(f)!] : []));
const spec = flag("--spec")
  ? await Deno.readTextFile(flag("--spec")!)
  : JSON.stringify({ version: 1, ops: [{ op: "gmm" }] });

/** Image `i` as RGB (or RGBA for jpeg-js) bytes. */
function picture(i: number, stride: 3 | 4): Uint8Array {
  const data = new Uint8Array(H * W * stride);
  if (content === "pattern") {
    for (let p = 0, j = 0; p < H * W; p++) {
      for (let c = 0; c < 3; c++, j++) data[p * stride + c] = ((j * 31 + i * 17) ^ (j >> 7)) & 255;
      if (stride === 4) data[p * 4 + 3] = 255;
    }
    return data;
  }
  // Photo-like: a sky-to-ground gradient, a few shaded discs (objects with edges), texture and noise.
  const r = rng(1000 + i);
  const discs = Array.from({ length: 12 }, () => ({
    x: r() * W,
    y: r() * H,
    rad: (0.05 + 0.2 * r()) * Math.min(H, W),
    col: [r() * 255, r() * 255, r() * 255],
  }));
  const fx = 2 + 6 * r(), fy = 2 + 6 * r();
  for (let y = 0; y < H; y++) {
    const t = y / H;
    for (let x = 0; x < W; x++) {
      let R = 120 + 100 * (1 - t), G = 150 + 60 * (1 - t), B = 200 - 80 * t;
      for (const d of discs) {
        const dx = x - d.x, dy = y - d.y, q = (dx * dx + dy * dy) / (d.rad * d.rad);
        if (q < 1) {
          const shade = 1 - 0.4 * q;
          R = d.col[0] * shade;
          G = d.col[1] * shade;
          B = d.col[2] * shade;
        }
      }
      const tex = 12 * Math.sin((x * fx) / 97 + Math.sin((y * fy) / 53)), noise = (r() - 0.5) * 16;
      const o = (y * W + x) * stride;
      data[o] = Math.max(0, Math.min(255, R + tex + noise));
      data[o + 1] = Math.max(0, Math.min(255, G + tex + noise));
      data[o + 2] = Math.max(0, Math.min(255, B + tex + noise));
      if (stride === 4) data[o + 3] = 255;
    }
  }
  return data;
}

const dir = await Deno.makeTempDir({ prefix: "freqaug-mem-" });
try {
  await Deno.mkdir(`${dir}/in`);
  let left = jpegs;
  for (let i = 0; i < n; i++) {
    const sub = `${dir}/in/${String(Math.floor(i / 1000)).padStart(2, "0")}`;
    if (i % 1000 === 0) await Deno.mkdir(sub);
    // JPEGs every other input while there are some left (so the two kinds alternate).
    const asJpeg = left > 0 && (i % 2 === 1 || n - i <= left);
    if (asJpeg) {
      left--;
      const bytes = jpeg.encode({ data: picture(i, 4), width: W, height: H }, 90).data;
      await Deno.writeFile(`${sub}/img${i}.jpg`, bytes);
    } else {
      const png = encodePng({ width: W, height: H, channels: 3, bitDepth: 8, data: picture(i, 3) }, { level: 1 });
      await Deno.writeFile(`${sub}/img${i}.png`, png);
    }
  }
  await Deno.writeTextFile(`${dir}/spec.json`, spec);
  const cli = [
    "run",
    "-A",
    new URL("../cli.ts", import.meta.url).pathname,
    "augment",
    "--spec",
    `${dir}/spec.json`,
    "--in",
    `${dir}/in`,
    "--out",
    `${dir}/out`,
    "--backend",
    backend,
    ...passed,
    "--quiet",
  ];
  const timeV = await Deno.stat("/usr/bin/time").then(() => true, () => false);
  const t0 = performance.now();
  const child = new Deno.Command(timeV ? "/usr/bin/time" : Deno.execPath(), {
    args: timeV ? ["-v", Deno.execPath(), ...cli] : cli,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  const poll = setInterval(() => {
    // Under time -v the CLI is the child's child: follow every deno process below ours.
    for (const pid of timeV ? children(child.pid) : [child.pid]) {
      try {
        const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmHWM:\s+(\d+) kB/);
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch { /* exited */ }
    }
  }, 100);
  const out = await child.output();
  clearInterval(poll);
  const seconds = (performance.now() - t0) / 1000;
  const err = new TextDecoder().decode(out.stderr);
  const max = err.match(/Maximum resident set size \(kbytes\): (\d+)/);
  console.error(
    err.split("\n").filter((l) => l && !/^\t/.test(l) && !/XDG_RUNTIME_DIR/.test(l)).join("\n"),
  );
  console.log(JSON.stringify({
    images: n,
    image: `${H}x${W}`,
    jpeg: jpegs,
    content,
    backend,
    flags: passed.join(" "),
    seconds: +seconds.toFixed(1),
    img_per_s: +(n / seconds).toFixed(1),
    peak_rss_mib: +(peak / 2 ** 20).toFixed(1),
    max_rss_mib: max ? +(Number(max[1]) / 1024).toFixed(1) : null,
    exit: out.code,
  }));
} finally {
  await Deno.remove(dir, { recursive: true });
}

/** The process and its children (one level: time -v runs deno). */
function children(pid: number): number[] {
  try {
    const kids = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/).filter(Boolean);
    return [pid, ...kids.map(Number)];
  } catch {
    return [pid];
  }
}
