// The whole FDA view on the CPU backend: fdaView1() (lightly's FDAView1Transform
// as a freqaug pipeline: crop to 224 from 256², the frequency ops with their p,
// flips, colour jitter, grayscale, blur, normalize) against the GMM alone on
// 224² (lightly's settings, p 1) — and each new op alone — in the same run,
// interleaved, one JSON line per measurement. Images per second, median of 5 rounds.
//
//   deno run --allow-read --allow-env --allow-sys bench/views.ts [--quick]
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

const quick = Deno.args.includes("--quick");
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

const times = new Map<string, number[]>();
let seed = 1;
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const [name, p, b] of cases) {
    const t0 = performance.now();
    await augment(p, b, { seed: seed++, backend: "cpu", quiet: true });
    const ms = performance.now() - t0;
    if (round > 0) times.set(name, [...(times.get(name) ?? []), ms]); // round 0 warms up
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
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
releaseWorkers();
