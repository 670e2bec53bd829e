// Benchmarks: prints one JSON line per measurement.
//
//   deno task bench            all of it
//   deno task bench --quick    fewer repeats (for a smoke run)
//   --no-fft                   without the FFT comparison lines
//   --no-webgpu                without the WebGPU lines (see webgpu.ts)
//   --all                      every WebGPU batch size, also on a software adapter
//   --compare                  only the CPU backend against batched PyTorch (see compare.ts)
//
// Lines: { backend, op, impl?, channels, height, width, batch, threads?, img_per_s }.
// For the FFT lines a "batch" is one plane and img_per_s counts planes
// through rfft2 + irfft2.
import FFT from "fft.js";
import { augment, gmm, pipe, type Pipeline, releaseWorkers } from "../mod.ts";
import { planRfft2 } from "../src/math/rfft2.ts";
import { instantiate, kernelsModule } from "../src/wasm/kernels.ts";
import { WasmRfft2 } from "../src/wasm/rfft2.ts";
import { workerCount } from "../src/cpu/backend.ts";
import { benchWebgpu } from "./webgpu.ts";
import { compare } from "./compare.ts";

if (Deno.args.includes("--compare")) Deno.exit(await compare(Deno.args));

const quick = Deno.args.includes("--quick");
const MIN_MS = quick ? 200 : 1000;

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

/**
 * Calls per second of `fn`: after one warm-up call, three windows of at least
 * MIN_MS each; the median window is reported (shared cores are noisy).
 */
async function rate(fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  const windows: number[] = [];
  for (let w = 0; w < 3; w++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < MIN_MS) {
      await fn();
      n++;
    }
    windows.push((n * 1000) / (performance.now() - t0));
  }
  return windows.sort((x, y) => x - y)[1];
}

function filled(n: number): Float32Array {
  let s = 1;
  return new Float32Array(n).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

// 1. The GMM (lightly's settings) on the CPU backend, one thread and all cores.
async function benchGmm(pipeline: Pipeline, size: number, batch: number, label: Record<string, string> = {}) {
  const b = { data: filled(batch * 3 * size * size), count: batch, channels: 3, height: size, width: size };
  for (const workers of [0, undefined]) {
    // The default picks no workers for small batches: that line would repeat the one-thread line.
    if (workers === undefined && workerCount(batch, 3 * size * size) === 0) continue;
    const perSec = await rate(() => augment(pipeline, b, { seed: 1, workers }));
    emit({
      backend: "cpu",
      op: "gmm",
      ...label,
      channels: 3,
      height: size,
      width: size,
      batch,
      threads: Math.max(1, workerCount(batch, 3 * size * size, workers)),
      img_per_s: +(perSec * batch).toFixed(1),
    });
  }
}

const lightlySettings = { k: 20, sigma: [10, 15], c: 1 } as const;
for (const size of [224, 32, 512]) await benchGmm(pipe(gmm(lightlySettings)), size, 64);
// lightly's exact float32 arithmetic (precision "lightly").
await benchGmm(pipe(gmm({ ...lightlySettings, keepDC: false, precision: "lightly" })), 224, 64, {
  precision: "lightly",
});
releaseWorkers();

// 2. The FFT alone: rfft2 + irfft2 of one plane, ours beside npm FFTs.
function ours(n: number): () => void {
  const rf = planRfft2(n, n), x = filled(n * n), y = new Float32Array(n * n);
  return () => {
    rf.forwardRows(x, 0);
    rf.filterColumns(null, null);
    rf.inverseRows(y, 0, 1 / (n * n));
  };
}

/** The same through the WebAssembly kernels (what the CPU backend runs): float32 in and out, an all-pass multiplier. */
function oursWasm(n: number): () => void {
  const rf = new WasmRfft2(instantiate(kernelsModule()!), n, n), x = filled(n * n), y = new Float32Array(n * n);
  rf.setMultiplier(new Float64Array(n * (n / 2 + 1)).fill(1 / (n * n)), null);
  return () => {
    rf.load(x, 0);
    rf.filter();
    rf.store(y, 0);
  };
}

/** fft.js (radix-4, powers of two): real row transforms, complex column transforms, inverse. */
function fftjs(n: number): () => void {
  const f = new FFT(n);
  const x = filled(n * n), V = n / 2 + 1;
  const spec = new Float64Array(2 * n * V), row = f.createComplexArray() as number[];
  const col = f.createComplexArray() as number[], tmp = f.createComplexArray() as number[];
  const input = new Array<number>(n), out = new Float32Array(n * n);
  return () => {
    for (let h = 0; h < n; h++) {
      for (let w = 0; w < n; w++) input[w] = x[h * n + w];
      f.realTransform(row, input);
      for (let v = 0; v < V; v++) {
        spec[2 * (v * n + h)] = row[2 * v];
        spec[2 * (v * n + h) + 1] = row[2 * v + 1];
      }
    }
    for (let v = 0; v < V; v++) {
      for (let i = 0; i < 2 * n; i++) col[i] = spec[2 * v * n + i];
      f.transform(tmp, col);
      f.inverseTransform(col, tmp);
      for (let i = 0; i < 2 * n; i++) spec[2 * v * n + i] = col[i];
    }
    for (let h = 0; h < n; h++) {
      for (let v = 0; v < V; v++) {
        row[2 * v] = spec[2 * (v * n + h)];
        row[2 * v + 1] = spec[2 * (v * n + h) + 1];
      }
      f.completeSpectrum(row);
      f.inverseTransform(tmp, row);
      for (let w = 0; w < n; w++) out[h * n + w] = tmp[2 * w];
    }
  };
}

// kissfft-wasm's Emscripten loader fetches its .wasm by path when fetch exists;
// without fetch it reads the file, so fetch is hidden while it loads.
async function loadKiss(): Promise<typeof import("kissfft-wasm") | null> {
  const saved = globalThis.fetch;
  try {
    (globalThis as { fetch?: unknown }).fetch = undefined;
    const kiss = await import("kissfft-wasm");
    const { waitLoading } = await import("kissfft-wasm/lib/wasm.js");
    await waitLoading();
    return kiss;
  } catch (e) {
    console.error(`kissfft-wasm unavailable: ${e}`);
    return null;
  } finally {
    globalThis.fetch = saved;
  }
}
const kiss = Deno.args.includes("--no-fft") ? null : await loadKiss();

for (const n of Deno.args.includes("--no-fft") ? [] : [224, 256, 512]) {
  const impls: [string, () => void][] = [["freqaug-ts", ours(n)]];
  if (kernelsModule()) impls.unshift(["freqaug-wasm", oursWasm(n)]);
  if ((n & (n - 1)) === 0) impls.push(["fft.js", fftjs(n)]);
  if (kiss) {
    const x = filled(n * n);
    impls.push(["kissfft-wasm", () => kiss.irfft2d(kiss.rfft2d(x, n, n), n, n)]);
  }
  for (const [impl, fn] of impls) {
    emit({
      backend: "cpu",
      op: "rfft2+irfft2",
      impl,
      channels: 1,
      height: n,
      width: n,
      batch: 1,
      threads: 1,
      img_per_s: +(await rate(fn)).toFixed(1),
    });
  }
}

// 3. The WebGPU backend, when navigator.gpu yields an adapter.
if (!Deno.args.includes("--no-webgpu")) {
  await benchWebgpu(emit, { quick, all: Deno.args.includes("--all") });
}
