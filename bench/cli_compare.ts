// `freqaug augment` against a plain Python script doing the same work
// (bench/cli_peer.py: PIL decode -> lightly's GaussianMixtureMask in torch ->
// PIL encode at the same zlib level), on N photo-like RGB PNGs of 224x224.
//
//   deno run -A bench/cli_compare.ts [--count 500] [--rounds 3] [--size 224x224]
//                                   [--compression 0..9] [--peer-level 0..9] [--workers N]
//                                   [--python PATH] [--cli PATH] [--inputs DIR]
//
// The inputs are generated once (deterministic: gradients, shaded objects with
// edges, texture and sensor noise) into a temporary folder, or into --inputs
// DIR, kept and reused when it already holds them. Then, alternately, the CLI
// (`deno run -A cli.ts augment --spec <gmm> --in … --out … --backend cpu`)
// and the peer run, --rounds times each, each into a fresh output folder. The
// spec is lightly's mask: gmm k 20, σ in [10, 15], c 1, DC masked too
// (keepDC false), as the peer does. The CLI writes at --compression (default
// its own default level), the peer at the same zlib level unless --peer-level
// (Pillow's default is 6; the two libraries' levels are not the same work:
// compare bytes_out too). --cli runs another cli.ts (an earlier version, say);
// --workers is passed to the CLI.
//
// Lines (JSON): one per run { side, round, seconds, img_per_s, bytes_out, ... }
// (img_per_s from the wall time of the whole process, start-up included;
// inner_img_per_s as each side reports it, without its start-up;
// cpu_ms_per_img its user + system CPU time per image, through GNU time when
// there; load the 1-minute load average), then a summary { bench:
// "cli_compare", cli: {...}, peer: {...}, ratio, ratio_inner, cpu_ratio,
// size_ratio } with the medians (ratios: the CLI's speed over the peer's).
// Without python3, torch, torchvision or Pillow: one { bench, skipped } line.
import { encodePng } from "../io.ts";
import { rng } from "./_rng.ts";

const VALUED = [
  "--count",
  "--rounds",
  "--size",
  "--compression",
  "--peer-level",
  "--workers",
  "--python",
  "--cli",
  "--inputs",
];
const flag = (name: string): string | undefined => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
for (let i = 0; i < Deno.args.length; i++) {
  if (!VALUED.includes(Deno.args[i])) {
    console.error(`cli_compare: unknown argument ${JSON.stringify(Deno.args[i])} (flags: ${VALUED.join(" ")})`);
    Deno.exit(2);
  }
  i++;
}
const count = Number(flag("--count") ?? 500);
const rounds = Number(flag("--rounds") ?? 3);
const [H, W] = (flag("--size") ?? "224x224").split("x").map(Number);
const cliPath = flag("--cli") ?? new URL("../cli.ts", import.meta.url).pathname;
const compression = flag("--compression");
const workers = flag("--workers");
if (![count, rounds, H, W].every((v) => Number.isSafeInteger(v) && v >= 1)) {
  console.error("cli_compare: --count, --rounds and each side of --size are integers >= 1");
  Deno.exit(2);
}

const SPEC = { version: 1, ops: [{ op: "gmm", k: 20, sigma: [10, 15], c: 1, keepDC: false }] };

/**
 * Picture `i`, RGB bytes: a lit sky-to-ground gradient, smooth value noise at
 * two scales (clouds, terrain), shaded ellipses and a few hard-edged boxes
 * (objects), fine texture, and Gaussian-ish sensor noise of σ ≈ 3 levels.
 */
function picture(i: number): Uint8Array {
  const r = rng(0x5eed + i * 7919);
  const lattice = (n: number) => Float64Array.from({ length: (n + 2) * (n + 2) }, () => r());
  const coarse = lattice(4), fine = lattice(16);
  const smooth = (g: Float64Array, n: number, x: number, y: number) => {
    const gx = x * n, gy = y * n, x0 = Math.floor(gx), y0 = Math.floor(gy);
    const fx = gx - x0, fy = gy - y0, sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
    const at = (a: number, b: number) => g[b * (n + 2) + a];
    const top = at(x0, y0) * (1 - sx) + at(x0 + 1, y0) * sx;
    const bottom = at(x0, y0 + 1) * (1 - sx) + at(x0 + 1, y0 + 1) * sx;
    return top * (1 - sy) + bottom * sy;
  };
  const horizon = 0.35 + 0.3 * r();
  const sky = [90 + 80 * r(), 130 + 70 * r(), 190 + 60 * r()], ground = [60 + 90 * r(), 70 + 80 * r(), 30 + 60 * r()];
  const blobs = Array.from({ length: 6 + Math.floor(r() * 8) }, () => ({
    x: r(),
    y: horizon + (1 - horizon) * r(),
    rx: 0.04 + 0.18 * r(),
    ry: 0.04 + 0.14 * r(),
    col: [r() * 255, r() * 255, r() * 255],
  }));
  const boxes = Array.from({ length: 2 + Math.floor(r() * 4) }, () => {
    const x0 = r(), y0 = r() * 0.9;
    return { x0, y0, x1: x0 + 0.05 + 0.25 * r(), y1: y0 + 0.05 + 0.3 * r(), col: [r() * 255, r() * 255, r() * 255] };
  });
  const gauss = () => (r() + r() + r() - 1.5) * 2; // σ ≈ 1
  const data = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++) {
    const v = y / H;
    for (let x = 0; x < W; x++) {
      const u = x / W;
      const cloud = smooth(coarse, 4, u, v), grain = smooth(fine, 16, u, v);
      let col: number[];
      if (v < horizon) {
        const t = v / horizon;
        col = sky.map((c) => c * (0.8 + 0.2 * t) + 40 * (cloud - 0.5));
      } else {
        const t = (v - horizon) / (1 - horizon);
        col = ground.map((c) => c * (0.7 + 0.5 * cloud) * (1 - 0.3 * t) + 30 * (grain - 0.5));
      }
      for (const b of blobs) {
        const dx = (u - b.x) / b.rx, dy = (v - b.y) / b.ry, q = dx * dx + dy * dy;
        if (q < 1) {
          const light = 1 - 0.5 * q + 0.25 * (dx * -0.6 + dy * -0.8);
          col = b.col.map((c) => c * light + 20 * (grain - 0.5));
        }
      }
      for (const b of boxes) {
        if (u >= b.x0 && u < b.x1 && v >= b.y0 && v < b.y1) col = b.col.map((c) => c * (0.85 + 0.3 * cloud));
      }
      const o = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) data[o + c] = Math.max(0, Math.min(255, Math.round(col[c] + 3 * gauss())));
    }
  }
  return data;
}

async function folderBytes(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0, bytes = 0;
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) {
      const sub = await folderBytes(path);
      files += sub.files;
      bytes += sub.bytes;
    } else if (e.isFile && e.name.endsWith(".png")) {
      files++;
      bytes += (await Deno.stat(path)).size;
    }
  }
  return { files, bytes };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// GNU time, when there, gives each run's CPU seconds (user + system): steadier than the wall time on shared cores.
const TIME = "/usr/bin/time";
const timed = await Deno.stat(TIME).then((s) => s.isFile, () => false);

async function run(cmd: string, args: string[], env?: Record<string, string>, cpu = false) {
  const t0 = performance.now();
  const [c, a] = cpu && timed ? [TIME, ["-f", "cpu-seconds %U %S", cmd, ...args]] : [cmd, args];
  const out = await new Deno.Command(c, { args: a, env, stdout: "piped", stderr: "piped" }).output();
  const seconds = (performance.now() - t0) / 1000;
  const dec = new TextDecoder();
  const stderr = dec.decode(out.stderr);
  const m = stderr.match(/cpu-seconds ([\d.]+) ([\d.]+)\s*$/);
  const cpuSeconds = m ? Number(m[1]) + Number(m[2]) : null;
  return { code: out.code, seconds, cpuSeconds, stdout: dec.decode(out.stdout), stderr };
}

// The peer needs a python3 with torch, torchvision and Pillow: --python, else the first of these that has them.
const pythons = flag("--python") ? [flag("--python")!] : ["python3", "/usr/bin/python3"];
let python = "";
const why: string[] = [];
for (const p of pythons) {
  const probe = await run(p, ["-c", "import torch, torchvision, PIL"]).catch((e) => ({ code: -1, stderr: String(e) }));
  if (probe.code === 0) {
    python = p;
    break;
  }
  why.push(`${p}: ${probe.stderr.trim().split("\n").pop()}`);
}
if (!python) {
  console.log(
    JSON.stringify({
      bench: "cli_compare",
      skipped: `no python3 with torch, torchvision and Pillow (${why.join("; ")})`,
    }),
  );
  Deno.exit(0);
}

// The level both sides write at: --compression, else the CLI's default (from its usage text; an
// earlier CLI without the flag wrote at 6).
const help = (await run(Deno.execPath(), ["run", "-A", cliPath, "augment", "--help"])).stdout;
const takesLevel = help.includes("--compression");
if (compression !== undefined && !takesLevel) {
  console.error(`cli_compare: ${cliPath} takes no --compression`);
  Deno.exit(2);
}
const level = compression ?? help.match(/--compression[^]*?\(default (\d)\)/)?.[1] ?? "6";
const peerLevel = flag("--peer-level") ?? level;
if (!/^\d$/.test(level) || !/^\d$/.test(peerLevel)) {
  console.error("cli_compare: --compression and --peer-level are levels 0..9");
  Deno.exit(2);
}

const keep = flag("--inputs");
const root = keep ?? await Deno.makeTempDir({ prefix: "freqaug-cli-compare-" });
const input = `${root}/in`;
try {
  await Deno.mkdir(root, { recursive: true });
  const have = await folderBytes(input).catch(() => ({ files: 0, bytes: 0 }));
  if (have.files !== count) {
    await Deno.remove(input, { recursive: true }).catch(() => {});
    await Deno.mkdir(input);
    for (let i = 0; i < count; i++) {
      const sub = `${input}/${String(Math.floor(i / 100)).padStart(2, "0")}`;
      if (i % 100 === 0) await Deno.mkdir(sub);
      const png = encodePng({ width: W, height: H, channels: 3, bitDepth: 8, data: picture(i) }, { level: 6 });
      await Deno.writeFile(`${sub}/img${String(i).padStart(5, "0")}.png`, png);
    }
  }
  const inputs = await folderBytes(input);
  await Deno.writeTextFile(`${root}/spec.json`, JSON.stringify(SPEC));
  const results: Record<"cli" | "peer", { wall: number; inner: number; cpu: number | null; bytes: number }[]> = {
    cli: [],
    peer: [],
  };
  for (let round = 0; round < rounds; round++) {
    for (const side of ["cli", "peer"] as const) {
      const out = `${root}/out-${side}-${round}`;
      await Deno.remove(out, { recursive: true }).catch(() => {});
      const r = side === "cli"
        ? await run(
          Deno.execPath(),
          [
            ...["run", "-A", cliPath, "augment", "--spec", `${root}/spec.json`, "--in", input, "--out", out],
            ...["--backend", "cpu", "--quiet", ...(takesLevel ? ["--compression", level] : [])],
            ...(workers ? ["--workers", workers] : []),
          ],
          undefined,
          true,
        )
        : await run(
          python,
          [new URL("./cli_peer.py", import.meta.url).pathname, "--in", input, "--out", out, "--level", peerLevel],
          { OMP_WAIT_POLICY: "PASSIVE" },
          true,
        );
      if (r.code !== 0) {
        console.error(r.stderr);
        throw new Error(`${side} exited ${r.code}`);
      }
      const made = await folderBytes(out);
      if (made.files !== count) throw new Error(`${side} wrote ${made.files} of ${count} images`);
      const inner = side === "cli"
        ? Number(r.stdout.match(/([\d.]+) img\/s/)?.[1] ?? NaN)
        : JSON.parse(r.stdout.trim().split("\n").pop()!).img_per_s;
      const line = {
        side,
        round,
        images: count,
        seconds: +r.seconds.toFixed(2),
        img_per_s: +(count / r.seconds).toFixed(1),
        inner_img_per_s: inner,
        cpu_ms_per_img: r.cpuSeconds === null ? null : +(1000 * r.cpuSeconds / count).toFixed(2),
        bytes_out: made.bytes,
        load: Number(Deno.loadavg()[0].toFixed(2)),
      };
      console.log(JSON.stringify(line));
      results[side].push({ wall: line.img_per_s, inner, cpu: line.cpu_ms_per_img, bytes: made.bytes });
      await Deno.remove(out, { recursive: true });
    }
  }
  const sum = (side: "cli" | "peer") => ({
    img_per_s: median(results[side].map((x) => x.wall)),
    inner_img_per_s: median(results[side].map((x) => x.inner)),
    cpu_ms_per_img: results[side].every((x) => x.cpu !== null) ? median(results[side].map((x) => x.cpu!)) : null,
    bytes_out: median(results[side].map((x) => x.bytes)),
  });
  const cli = sum("cli"), peer = sum("peer");
  console.log(JSON.stringify({
    bench: "cli_compare",
    images: count,
    size: `${H}x${W}`,
    bytes_in: inputs.bytes,
    level: Number(level),
    peer_level: Number(peerLevel),
    rounds,
    cores: navigator.hardwareConcurrency,
    cli,
    peer,
    ratio: +(cli.img_per_s / peer.img_per_s).toFixed(2),
    ratio_inner: +(cli.inner_img_per_s / peer.inner_img_per_s).toFixed(2),
    cpu_ratio: cli.cpu_ms_per_img && peer.cpu_ms_per_img
      ? +(peer.cpu_ms_per_img / cli.cpu_ms_per_img).toFixed(2)
      : null,
    size_ratio: +(cli.bytes_out / peer.bytes_out).toFixed(3),
  }));
} finally {
  if (!keep) await Deno.remove(root, { recursive: true });
}
