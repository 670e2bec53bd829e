// The whole FDA view on the CPU backend: fdaView1() (lightly's FDAView1Transform
// as a freqaug pipeline: crop to 224 from 256², the frequency ops with their p,
// flips, colour jitter, grayscale, blur, normalize) against the GMM alone on
// 224² (lightly's settings, p 1) — and each new op alone — in the same run,
// interleaved, one JSON line per measurement. Images per second, median of 5 rounds.
//
//   deno run --allow-read --allow-env --allow-sys --allow-run bench/views.ts [--quick] [--torch]
//
// --torch adds the peer a user would otherwise pick: lightly's FDAView1Transform
// rebuilt with torch + torchvision + PIL (bench/fda_torch.py; Debian's
// python3-torchvision), one image at a time as a DataLoader worker runs it —
// two such processes of one thread each (a DataLoader with 2 workers) and one
// process of two threads — in each round, interleaved with freqaug's.
import {
  augment,
  colorJitter,
  fdaView1,
  fdaView2,
  gaussianBlur,
  gmm,
  grayscale,
  horizontalFlip,
  pipe,
  type Pipeline,
  randomResizedCrop,
  releaseWorkers,
} from "../mod.ts";
import { hold } from "../src/cpu/pool.ts";

const quick = Deno.args.includes("--quick");
const torch = Deno.args.includes("--torch");

/** Images per second of the torch peer: `procs` processes of `threads` threads, 64 images each. */
async function peer(procs: number, threads: number): Promise<number> {
  const run = () =>
    new Deno.Command("/usr/bin/python3", {
      args: [new URL("./fda_torch.py", import.meta.url).pathname, "64", String(threads)],
      env: { OMP_WAIT_POLICY: "PASSIVE" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const outs = await Promise.all(Array.from({ length: procs }, run));
  let rate = 0;
  for (const o of outs) {
    if (o.code !== 0) throw new Error(`fda_torch.py: ${new TextDecoder().decode(o.stderr)}`);
    rate += JSON.parse(new TextDecoder().decode(o.stdout)).img_per_s;
  }
  return rate;
}
const peerRates = new Map<string, number[]>();
const ROUNDS = quick ? 3 : 5;
const BATCH = 64;

function filled(n: number): Float32Array {
  let s = 7;
  return new Float32Array(n).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

const input = (side: number) => ({
  data: filled(BATCH * 3 * side * side),
  count: BATCH,
  channels: 3,
  height: side,
  width: side,
});
const from256 = input(256), at224 = input(224);

const cases: [string, Pipeline, typeof from256][] = [
  ["gmm alone (k 20, p 1) at 224", pipe(gmm({ k: 20, sigma: [10, 15], c: 1, keepDC: false })), at224],
  ["fdaView1 (256 -> 224)", fdaView1(), from256],
  ["fdaView2 (256 -> 224)", fdaView2(), from256],
  ["randomResizedCrop 256 -> 224", pipe(randomResizedCrop({ size: 224 })), from256],
  ["colorJitter p 1 at 224", pipe(colorJitter()), at224],
  ["gaussianBlur σ 0.1..2 at 224", pipe(gaussianBlur()), at224],
  ["grayscale + horizontalFlip p 1 at 224", pipe(grayscale({ p: 1 }), horizontalFlip({ p: 1 })), at224],
];

// Idle workers end 300 ms after a run; the peer's seconds would end them each round, and fresh workers run
// their first batches before the JIT has compiled the view ops: keep them for the whole benchmark.
const keep = hold();
const times = new Map<string, number[]>();
let seed = 1;
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const [name, p, b] of cases) {
    const t0 = performance.now();
    await augment(p, b, { seed: seed++, backend: "cpu", quiet: true });
    const ms = performance.now() - t0;
    if (round > 0) times.set(name, [...(times.get(name) ?? []), ms]); // round 0 warms up
  }
  if (torch && round > 0) {
    for (
      const [label, procs, threads] of [["2 processes × 1 thread", 2, 1], ["1 process × 2 threads", 1, 2]] as const
    ) {
      peerRates.set(label, [...(peerRates.get(label) ?? []), await peer(procs, threads)]);
    }
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
if (Deno.env.get("VIEWS_DEBUG")) console.error(JSON.stringify(Object.fromEntries(times)));
const gmmRate = (BATCH * 1000) / median(times.get(cases[0][0])!);
for (const [name] of cases) {
  const rate = (BATCH * 1000) / median(times.get(name)!);
  console.log(JSON.stringify({
    backend: "cpu",
    pipeline: name,
    batch: BATCH,
    threads: navigator.hardwareConcurrency,
    img_per_s: Number(rate.toFixed(1)),
    vs_gmm_alone: Number((rate / gmmRate).toFixed(3)),
  }));
}
const fda1 = (BATCH * 1000) / median(times.get(cases[1][0])!);
for (const [label, rates] of peerRates) {
  const rate = median(rates);
  console.log(JSON.stringify({
    backend: "torch 1.13 CPU (peer)",
    pipeline: `lightly's FDAView1 rebuilt with torchvision + PIL, ${label}`,
    img_per_s: Number(rate.toFixed(1)),
    fdaView1_vs_peer: Number((fda1 / rate).toFixed(3)),
  }));
}
keep();
releaseWorkers();
