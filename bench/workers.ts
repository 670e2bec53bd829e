// The CPU backend's threads: what the worker pool costs and what it gains on a
// batch of 64 RGB 224² float32 images, for the GMM (k 20) and for a pipeline
// without a frequency stage (clamp alone, so the pool's own cost shows). Each
// round runs every mode twice, interleaved; one JSON line per mode with the
// median over the rounds (the first round warms up and is not counted), and
// the mean CPU time of all the process's threads per batch, which
// shows what the threads cost even when other programs share the cores.
//
//   deno run --allow-read --allow-env --allow-sys bench/workers.ts [--rounds N] [--baseline path/to/mod.ts]
//
// Modes: "calling thread" (workers: 0); "threads" (the default: one thread per
// core, the calling thread one of them, batch in shared memory); "workers only"
// (as many workers, the calling thread only copies results); "one thread more"
// (the calling thread and one worker per core); "copy at end"
// (every thread writes to the shared output, copied into the result once at
// the end); "transfer" (no shared memory: chunks travel to the workers and
// back, as where `SharedArrayBuffer` is missing); and with --baseline, the
// default of another copy of the library (e.g. an older commit's mod.ts) in the
// same process.
import process from "node:process";
import { augment, clamp, gmm, pipe, type Pipeline, releaseWorkers } from "../mod.ts";
import { cpuTuning } from "../src/cpu/backend.ts";
import { configurePool, hardwareThreads, hold } from "../src/cpu/pool.ts";

const arg = (name: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const ROUNDS = Number(arg("--rounds") ?? 7);
const BATCH = 64, SIDE = 224;
const baselinePath = arg("--baseline");

type Augment = typeof augment;
interface Peer {
  readonly augment: Augment;
  readonly gmm: typeof gmm;
  readonly clamp: typeof clamp;
  readonly pipe: typeof pipe;
  readonly releaseWorkers: () => void;
}
let baseline: Peer | undefined;
let baselineHold: (() => void) | undefined;
if (baselinePath) {
  const url = new URL(baselinePath, `file://${Deno.cwd()}/`);
  baseline = await import(url.href) as Peer;
  const pool = await import(new URL("src/cpu/pool.ts", url).href) as { hold: () => () => void };
  baselineHold = pool.hold();
}

let s = 7;
const data = new Float32Array(BATCH * 3 * SIDE * SIDE).map(() => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return s / 4294967296;
});
const batch = { data, count: BATCH, channels: 3, height: SIDE, width: SIDE };

interface Mode {
  readonly name: string;
  readonly run: (p: "gmm" | "clamp", seed: number) => Promise<unknown>;
}
const ours: Record<"gmm" | "clamp", Pipeline> = {
  gmm: pipe(gmm({ k: 20, sigma: [10, 15], c: 1 })),
  clamp: pipe(clamp()),
};
const withTuning = (
  t: Partial<typeof cpuTuning> & { shared?: boolean },
  workers?: number,
) =>
async (p: "gmm" | "clamp", seed: number) => {
  const saved = { ...cpuTuning };
  Object.assign(cpuTuning, { callerWorks: t.callerWorks ?? saved.callerWorks, progressive: t.progressive ?? true });
  configurePool({ shared: t.shared ?? true });
  try {
    return await augment(ours[p], batch, { seed, backend: "cpu", workers });
  } finally {
    Object.assign(cpuTuning, saved);
    configurePool({ shared: true });
  }
};
const threads = hardwareThreads();
const modes: Mode[] = [
  { name: "calling thread", run: withTuning({}, 0) },
  { name: "threads", run: withTuning({}) },
  { name: "workers only", run: withTuning({ callerWorks: false }) },
  { name: "one thread more", run: withTuning({}, hardwareThreads() + 1) },
  { name: "copy at end", run: withTuning({ progressive: false }) },
  { name: "transfer", run: withTuning({ shared: false }) },
];
if (baseline) {
  const b = baseline;
  const pipes = { gmm: b.pipe(b.gmm({ k: 20, sigma: [10, 15], c: 1 })), clamp: b.pipe(b.clamp()) };
  modes.push({ name: "baseline", run: (p, seed) => b.augment(pipes[p], batch, { seed, backend: "cpu" }) });
}

/** CPU time of this process (all its threads), in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const cpu = new Map<string, number>();

// Idle workers end 300 ms after a batch; hold them so every mode meets warm workers.
const keep = hold();
const times = new Map<string, number[]>();
const load0 = Deno.loadavg()[0];
let seed = 1;
for (let round = 0; round <= ROUNDS; round++) {
  for (const p of ["gmm", "clamp"] as const) {
    for (const m of modes) {
      const c0 = cpuMs();
      for (let rep = 0; rep < 2; rep++) {
        const t0 = performance.now();
        await m.run(p, seed++);
        const ms = performance.now() - t0;
        if (round > 0) times.set(`${p}|${m.name}`, [...(times.get(`${p}|${m.name}`) ?? []), ms]);
      }
      if (round > 0) cpu.set(`${p}|${m.name}`, (cpu.get(`${p}|${m.name}`) ?? 0) + cpuMs() - c0);
    }
  }
}
keep();
baselineHold?.();
releaseWorkers();
baseline?.releaseWorkers();
const median = (a: number[]) => {
  const x = [...a].sort((u, v) => u - v);
  return (x[(x.length - 1) >> 1] + x[x.length >> 1]) / 2;
};
for (const p of ["gmm", "clamp"] as const) {
  const single = median(times.get(`${p}|calling thread`)!);
  for (const m of modes) {
    const ms = median(times.get(`${p}|${m.name}`)!);
    console.log(JSON.stringify({
      pipeline: p === "gmm" ? "gmm k 20 sigma 10..15 c 1" : "clamp (no frequency stage)",
      mode: m.name,
      batch: BATCH,
      shape: [3, SIDE, SIDE],
      threads: m.name === "calling thread" ? 1 : m.name === "one thread more" ? threads + 1 : threads,
      ms_per_batch: Number(ms.toFixed(1)),
      img_per_s: Number((BATCH * 1000 / ms).toFixed(1)),
      vs_calling_thread: Number((single / ms).toFixed(3)),
      // CPU time of all threads per batch (mean): the pool's overhead, whatever else runs on the machine.
      cpu_ms_per_batch: Number((cpu.get(`${p}|${m.name}`)! / times.get(`${p}|${m.name}`)!.length).toFixed(1)),
      samples: times.get(`${p}|${m.name}`)!.length,
      load: [Number(load0.toFixed(2)), Number(Deno.loadavg()[0].toFixed(2))],
    }));
  }
}
