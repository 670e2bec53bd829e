// WebGPU lines of the benchmark (one JSON object per line), for lightly's GMM
// settings (k = 20, sigma in [10, 15], c = 1) at 3×224×224 on the adapter's
// own limits (its workgroup memory and buffer sizes):
//   - adapter: what runs, and its limits;
//   - check: the GPU against the CPU backend at 224², 97×89, 223×227, 32²
//     and 1024² (max abs error, and whether it is within the tests' 2e-4);
//   - copy: a copy kernel's bandwidth (bytes read + written per second), the
//     roofline: `roofline_img_per_s` divides it by explain()'s bytes per image;
//   - gmm, api "gpu-batch": `compile(…, { device })` run on GpuBatches
//     (float32 NCHW in, or NHWC bytes in; float32 out into the caller's
//     buffer), `in_flight` runs submitted before the queue is awaited: what a
//     user whose images stay on the GPU gets, the device copies in and out
//     included (`bytes_per_img` counts them);
//   - gmm, api "resident": the passes alone on a batch already on the device
//     (no copies), every submission of a window queued at once;
//   - gmm, api "host": a host batch, upload and readback, `in_flight` runs in
//     flight (as augmentStream runs them); `latency_ms`: one batch alone.
// `gb_per_s` is img_per_s times the bytes explain() counts; `roofline_fraction`
// is img_per_s over the roofline for the same bytes.
//
//   deno run -A bench/webgpu.ts [--smoke] [--quick] [--all] [--no-check] [--round N]
//
// --smoke: 3×32×32, batches 2 and 4, short windows: a check that every path
// runs (for a software adapter); --quick: shorter windows; --all: every batch
// size on a software adapter too (else 1 and 64 only); --no-check: without
// the check lines (made by default on a hardware adapter and with --smoke);
// --round N: tag lines with the round (bench/device.sh interleaves rounds
// with PyTorch's).
import {
  amplitudeRescale,
  augment,
  clamp,
  compile,
  gmm,
  type GpuBatch,
  normalize,
  phaseShift,
  pipe,
  type Pipeline,
  randomFrequencyMask,
} from "../mod.ts";
import copyWgsl from "../shaders/copy.wgsl" with { type: "text" };
import { deviceContext } from "../src/webgpu/device.ts";
import { compileGpu, grid } from "../src/webgpu/kernel.ts";

type Emit = (line: Record<string, unknown>) => void;

/** What one run of the benchmark does. */
export interface WebgpuBenchOptions {
  /** Shorter windows. */
  readonly quick: boolean;
  /** Every batch size on a software adapter too. */
  readonly all: boolean;
  /** Tiny sizes and windows: that every path runs. */
  readonly smoke?: boolean;
  /** Round number written into every line. */
  readonly round?: number;
  /** Whether to check results against the CPU backend (default: on a hardware adapter, and with `smoke`). */
  readonly check?: boolean;
}

function filled(n: number, seed = 7): Float32Array<ArrayBuffer> {
  let s = seed;
  return new Float32Array(n).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The adapter's device with its own limits (workgroup memory and buffer sizes), or null. */
async function openDevice(): Promise<{ device: GPUDevice; adapter: GPUAdapter } | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: "high-performance" }).catch(() => null);
  if (!adapter) return null;
  const al = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: al.maxComputeWorkgroupStorageSize,
      maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
      maxBufferSize: al.maxBufferSize,
    },
  });
  return { device, adapter };
}

/** Bytes per second (read + written) of a copy kernel over `bytes`, many dispatches per submit; median of 3. */
async function copyBandwidth(device: GPUDevice, bytes: number, minMs: number): Promise<number> {
  const module = device.createShaderModule({ code: copyWgsl });
  const pipeline = await device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" } });
  const a = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const b = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: a } }, { binding: 1, resource: { buffer: b } }],
  });
  const [x, y] = grid(Math.ceil(bytes / 16 / 256));
  const run = async (reps: number) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(x, y);
    pass.end();
    const t0 = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  await run(1);
  let reps = 1, ms = await run(reps);
  while (ms < minMs / 3 && reps < 1 << 16) {
    reps = Math.min(1 << 16, Math.ceil(reps * Math.max(2, (1.2 * minMs) / 3 / Math.max(ms, 0.05))));
    ms = await run(reps);
  }
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) rates.push((2 * bytes * reps) / ((await run(reps)) / 1000));
  a.destroy();
  b.destroy();
  return median(rates);
}

/**
 * Images per second of batches of `batch`: `window(calls)` runs `calls`
 * batches and says how many ms they took; calls grow until a window lasts
 * `minMs`, then the median of 3 windows.
 */
async function rateOf(batch: number, minMs: number, window: (calls: number) => Promise<number>): Promise<number> {
  await window(2);
  let calls = 4, ms = await window(calls);
  while (ms < minMs && calls < 1 << 14) {
    calls = Math.min(1 << 14, Math.ceil(calls * Math.max(2, (1.2 * minMs) / Math.max(ms, 0.05))));
    ms = await window(calls);
  }
  const rates: number[] = [(calls * batch * 1000) / ms];
  for (let i = 0; i < 2; i++) rates.push((calls * batch * 1000) / (await window(calls)));
  return median(rates);
}

/** A window of `calls` calls of `step`, `inFlight` of them pending at most, then the queue drained. */
function inFlightWindow(device: GPUDevice, inFlight: number, step: (i: number) => Promise<unknown>) {
  return async (calls: number) => {
    const t0 = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < calls; i++) {
      pending.push(step(i));
      if (pending.length >= inFlight) await pending.shift();
    }
    await Promise.all(pending);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
}

/** A pipeline of every frequency op for the checks (they run the stage's multiplier of each). */
const CHECKED: Pipeline = pipe(
  gmm({ k: 20, sigma: [10, 15], c: 4 }),
  amplitudeRescale({ range: [0.8, 1.2] }),
  phaseShift({ range: [0.1, 0.6] }),
  randomFrequencyMask({ k: [0.05, 0.2] }),
  normalize(),
  clamp({ min: -3, max: 3 }),
);

/** The GPU against the CPU backend at the sizes the plan has to get right. */
async function checks(device: GPUDevice, emit: Emit, sizes: readonly (readonly [number, number, number])[]) {
  for (const [h, w, count] of sizes) {
    const shape = { height: h, width: w, channels: 3 };
    const batch = { data: filled(count * 3 * h * w, h + w), count, ...shape };
    const t0 = performance.now();
    const kernel = await compile(CHECKED, shape, { device });
    const gpu = await kernel.run(batch, { seed: h * 7 + w });
    const cpu = await augment(CHECKED, batch, { seed: h * 7 + w, backend: "cpu", workers: 0 });
    let err = 0, scale = 1;
    for (let i = 0; i < gpu.images.data.length; i++) {
      err = Math.max(err, Math.abs(gpu.images.data[i] - cpu.images.data[i]));
      scale = Math.max(scale, Math.abs(cpu.images.data[i]));
    }
    const plan = kernel.explain(count);
    emit({
      backend: "webgpu",
      op: "check",
      channels: 3,
      height: h,
      width: w,
      batch: count,
      max_abs_error: err,
      ok: err <= 2e-4 * scale,
      columns: plan.passes[1]?.perWorkgroup,
      ms: +(performance.now() - t0).toFixed(0),
    });
    kernel.dispose();
  }
}

/** Emits the WebGPU lines; says why when there is no adapter. */
export async function benchWebgpu(emit: Emit, options: WebgpuBenchOptions): Promise<void> {
  const opened = await openDevice();
  if (!opened) {
    emit({ backend: "webgpu", skipped: "no WebGPU adapter" });
    return;
  }
  const { device } = opened;
  const ctx = deviceContext(device);
  const info = (opened.adapter as { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const fallback = Boolean(info?.isFallbackAdapter);
  const adapter = (info?.description || info?.vendor || "unknown adapter") + (fallback ? " (software)" : "");
  const round = options.round === undefined ? {} : { round: options.round };
  const line = (l: Record<string, unknown>) => emit({ backend: "webgpu", adapter, ...round, ...l });
  const smoke = options.smoke === true;
  const minMs = smoke ? 40 : options.quick ? 250 : 800;
  const size = smoke ? 32 : 224;
  const shape = { channels: 3, height: size, width: size };
  // 512 of 3×224×224 fit one submission of a kernel's working set (1 GiB).
  const batches = smoke ? [2, 4] : fallback && !options.all ? [1, 64] : [64, 256, 512];
  const inFlight = 4;
  line({
    op: "adapter",
    architecture: info?.architecture,
    workgroup_storage: device.limits.maxComputeWorkgroupStorageSize,
    max_binding: device.limits.maxStorageBufferBindingSize,
    max_buffer: device.limits.maxBufferSize,
    scratch: ctx.limits.scratch,
  });
  if (options.check ?? (!fallback || smoke)) {
    await checks(
      device,
      line,
      smoke ? [[32, 32, 2], [17, 23, 2]] : [[224, 224, 4], [97, 89, 4], [223, 227, 2], [32, 32, 8], [1024, 1024, 1]],
    );
  }

  const per = 3 * size * size;
  const maxBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const copyBytes = Math.min(1024 * per * 4, maxBytes) & ~15;
  const copyRate = await copyBandwidth(device, copyBytes, minMs);
  line({ op: "copy", bytes: copyBytes, gb_per_s: +(copyRate / 1e9).toFixed(1) });

  const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 1 }));
  const kernel = await compile(pipeline, shape, { device });
  const S = GPUBufferUsage.STORAGE, SRC = GPUBufferUsage.COPY_SRC, DST = GPUBufferUsage.COPY_DST;
  for (const batch of batches) {
    const data = filled(batch * per);
    for (const input of ["float32", "uint8"] as const) {
      const plan = kernel.explain(batch, { input });
      const inBytes = input === "uint8" ? batch * 3 * size * size : batch * per * 4;
      const buffer = device.createBuffer({ size: Math.ceil(inBytes / 16) * 16, usage: S | SRC | DST });
      if (input === "uint8") {
        const bytes = new Uint8Array(Math.ceil(inBytes / 16) * 16).map((_, i) => (i * 2654435761) >>> 24);
        device.queue.writeBuffer(buffer, 0, bytes);
      } else device.queue.writeBuffer(buffer, 0, data);
      const into = device.createBuffer({ size: batch * per * 4, usage: S | SRC | DST });
      const gpuBatch: GpuBatch = {
        buffer,
        layout: input === "uint8" ? "NHWC" : "NCHW",
        count: batch,
        channels: 3,
        height: size,
        width: size,
      };
      const rate = await rateOf(
        batch,
        minMs,
        inFlightWindow(device, inFlight, (i) => kernel.run(gpuBatch, { seed: 1, offset: i * batch, into })),
      );
      const bytes = plan.bytes.total + plan.bytes.gpuBatchCopies;
      line({
        op: "gmm",
        api: "gpu-batch",
        input,
        output: "float32",
        channels: 3,
        height: size,
        width: size,
        batch,
        in_flight: inFlight,
        img_per_s: +rate.toFixed(1),
        bytes_per_img: bytes,
        gb_per_s: +((rate * bytes) / 1e9).toFixed(1),
        roofline_img_per_s: +(copyRate / bytes).toFixed(1),
        roofline_fraction: +((rate * bytes) / copyRate).toFixed(3),
        dispatches: plan.dispatches,
      });
      buffer.destroy();
      into.destroy();
    }
    // The passes alone, `calls` submissions queued at once, on the kernel's working set filled by one host run.
    const gpu = await compileGpu(ctx, pipeline, shape, 2 * inFlight);
    if (batch > gpu.maxChunk) line({ op: "gmm", api: "resident", batch, skipped: `over ${gpu.maxChunk} a submission` });
    else {
      await gpu.run(data, { count: batch, seed: 1 });
      const rate = await rateOf(batch, minMs, async (calls) => {
        const t0 = performance.now();
        await gpu.runResident(batch, { seed: 2 }, calls);
        return performance.now() - t0;
      });
      const bytes = kernel.explain(batch).bytes.total;
      line({
        op: "gmm",
        api: "resident",
        input: "float32",
        output: "float32",
        channels: 3,
        height: size,
        width: size,
        batch,
        img_per_s: +rate.toFixed(1),
        bytes_per_img: bytes,
        gb_per_s: +((rate * bytes) / 1e9).toFixed(1),
        roofline_img_per_s: +(copyRate / bytes).toFixed(1),
        roofline_fraction: +((rate * bytes) / copyRate).toFixed(3),
      });
    }
    gpu.dispose();
    // A host batch: upload, passes, readback.
    const host = { data, count: batch, ...shape };
    // One batch alone, upload to readback: median of 3 after a warm-up.
    const lat: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await kernel.run(host, { seed: 1 });
      if (i > 0) lat.push(performance.now() - t0);
    }
    const hostRate = await rateOf(
      batch,
      minMs,
      inFlightWindow(device, inFlight, (i) => kernel.run(host, { seed: 1, offset: i * batch })),
    );
    line({
      op: "gmm",
      api: "host",
      input: "float32",
      output: "float32",
      channels: 3,
      height: size,
      width: size,
      batch,
      in_flight: inFlight,
      img_per_s: +hostRate.toFixed(1),
      latency_ms: +median(lat).toFixed(2),
    });
  }
  kernel.dispose();
  device.destroy();
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--round");
  const round = at >= 0 ? Number(Deno.args[at + 1]) : undefined;
  await benchWebgpu((l) => console.log(JSON.stringify(l)), {
    quick: Deno.args.includes("--quick"),
    all: Deno.args.includes("--all"),
    smoke: Deno.args.includes("--smoke"),
    ...(Deno.args.includes("--no-check") ? { check: false } : {}),
    ...(round === undefined || !Number.isFinite(round) ? {} : { round }),
  });
}
