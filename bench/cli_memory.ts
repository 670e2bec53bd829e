// Peak memory of `freqaug augment` over many images: generates N PNGs of
// HxW (default 10,000 of 224x224) in a temporary folder, runs the CLI on them
// as a subprocess with its default flags (plus those given), and follows its
// peak resident set (VmHWM in /proc, Linux).
//
//   deno run -A bench/cli_memory.ts [N] [--image HxW] [--backend cpu|auto|webgpu] [--batch N]
//                                   [--batch-pixels N] [--views N]
//
// e.g. `deno run -A bench/cli_memory.ts 20 --image 3000x4000` (20 photos of 4000x3000).
// Prints one JSON line: { images, image, seconds, img_per_s, peak_rss_mib, exit }.
import { encodePng } from "../io.ts";

const n = Number(Deno.args.find((a) => /^\d+$/.test(a) && !isFlagValue(a)) ?? 10000);
function isFlagValue(a: string): boolean {
  const i = Deno.args.indexOf(a);
  return i > 0 && Deno.args[i - 1].startsWith("--");
}
const flag = (name: string): string | undefined =>
  Deno.args.includes(name) ? Deno.args[Deno.args.indexOf(name) + 1] : undefined;
const [H, W] = (flag("--image") ?? "224x224").split("x").map(Number);
const backend = flag("--backend") ?? "cpu";
const passed = ["--batch", "--batch-pixels", "--views"].flatMap((f) => (flag(f) ? [f, flag(f)!] : []));
const dir = await Deno.makeTempDir({ prefix: "freqaug-mem-" });
try {
  await Deno.mkdir(`${dir}/in`);
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(H * W * 3);
    for (let j = 0; j < data.length; j++) data[j] = ((j * 31 + i * 17) ^ (j >> 7)) & 255;
    const sub = `${dir}/in/${String(Math.floor(i / 1000)).padStart(2, "0")}`;
    if (i % 1000 === 0) await Deno.mkdir(sub);
    const png = encodePng({ width: W, height: H, channels: 3, bitDepth: 8, data }, { level: 1 });
    await Deno.writeFile(`${sub}/img${i}.png`, png);
  }
  await Deno.writeTextFile(`${dir}/spec.json`, JSON.stringify({ version: 1, ops: [{ op: "gmm" }] }));
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
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
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const m = Deno.readTextFileSync(`/proc/${child.pid}/status`).match(/VmHWM:\s+(\d+) kB/);
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch { /* exited */ }
  }, 100);
  const out = await child.output();
  clearInterval(poll);
  const seconds = (performance.now() - t0) / 1000;
  console.error(new TextDecoder().decode(out.stdout).trim());
  console.log(JSON.stringify({
    images: n,
    image: `${H}x${W}`,
    backend,
    flags: passed.join(" "),
    seconds: +seconds.toFixed(1),
    img_per_s: +(n / seconds).toFixed(1),
    peak_rss_mib: +(peak / 2 ** 20).toFixed(1),
    exit: out.code,
  }));
} finally {
  await Deno.remove(dir, { recursive: true });
}
