// Peak memory of `freqaug augment` over many images: generates N 224×224 PNGs
// (default 10,000) in a temporary folder, runs the CLI on them as a
// subprocess, and follows its peak resident set (VmHWM in /proc, Linux).
//
//   deno run -A bench/cli_memory.ts [N] [--backend cpu|auto|webgpu] [--batch N]
//
// Prints one JSON line: { images, seconds, img_per_s, peak_rss_mib }.
import { encode } from "fast-png";

const n = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 10000);
const flag = (name: string, fallback: string): string =>
  Deno.args.includes(name) ? Deno.args[Deno.args.indexOf(name) + 1] : fallback;
const backend = flag("--backend", "cpu"), batch = flag("--batch", "8");
const dir = await Deno.makeTempDir({ prefix: "freqaug-mem-" });
try {
  await Deno.mkdir(`${dir}/in`);
  const H = 224, W = 224;
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(H * W * 3);
    for (let j = 0; j < data.length; j++) data[j] = ((j * 31 + i * 17) ^ (j >> 7)) & 255;
    const sub = `${dir}/in/${String(Math.floor(i / 1000)).padStart(2, "0")}`;
    if (i % 1000 === 0) await Deno.mkdir(sub);
    await Deno.writeFile(`${sub}/img${i}.png`, encode({ width: W, height: H, data, channels: 3, depth: 8 }));
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
      "--batch",
      batch,
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
    backend,
    batch: Number(batch),
    seconds: +seconds.toFixed(1),
    img_per_s: +(n / seconds).toFixed(1),
    peak_rss_mib: +(peak / 2 ** 20).toFixed(1),
    exit: out.code,
  }));
} finally {
  await Deno.remove(dir, { recursive: true });
}
