// WebGPU lines of the benchmark (same JSON shape as bench.ts), for lightly's
// GMM settings at 3×224×224:
//   - img_per_s: end to end (upload, three dispatches, readback) with
//     `in_flight` batches in flight, as augmentStream runs them;
//   - latency_ms: one batch alone, upload to readback (median of 3);
//   - resident_img_per_s: the same pipeline on a batch that stays on the GPU
//     (no upload, no readback): what the device itself sustains;
//   - copy line: a copy kernel over the same bytes, the memory roofline; each
//     gmm line states resident_img_per_s as a fraction of it.
// On a software adapter (llvmpipe) only batches 1 and 64 run unless --all.
import { gmm, pipe } from "../mod.ts";
import copyWgsl from "../shaders/copy.wgsl" with { type: "text" };
import { type GpuContext, gpuContext } from "../src/webgpu/device.ts";
import { compileGpu, grid } from "../src/webgpu/kernel.ts";

type Emit = (line: Record<string, unknown>) => void;

function filled(n: number): Float32Array {
  let s = 7;
  return new Float32Array(n).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

/** Bytes per second of a copy kernel reading and writing `bytes`, many dispatches per submit. */
async function copyBandwidth(ctx: GpuContext, bytes: number, minMs: number): Promise<number> {
  const { device } = ctx;
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
  while (ms < minMs && reps < 1 << 16) {
    reps = Math.min(1 << 16, Math.ceil(reps * Math.max(2, (1.2 * minMs) / Math.max(ms, 0.1))));
    ms = await run(reps);
  }
  a.destroy();
  b.destroy();
  return (2 * bytes * reps) / (ms / 1000);
}

/** Emits the WebGPU lines; says why when there is no adapter. */
export async function benchWebgpu(emit: Emit, options: { quick: boolean; all: boolean }): Promise<void> {
  const ctx = await gpuContext();
  if (!ctx) {
    emit({ backend: "webgpu", skipped: "no WebGPU adapter" });
    return;
  }
  const minMs = options.quick ? 200 : 1000;
  const adapter = ctx.adapter.description + (ctx.adapter.fallback ? " (software)" : "");
  const shape = { channels: 3, height: 224, width: 224 };
  const per = 3 * 224 * 224;
  const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 1 }));
  const batches = ctx.adapter.fallback && !options.all ? [1, 64] : [1, 64, 256, 1024];
  const inFlight = 4;

  const copyBytes = Math.min(1024 * per * 4, ctx.limits.maxBinding, ctx.limits.maxBuffer) & ~15;
  const copyRate = await copyBandwidth(ctx, copyBytes, minMs);
  const roofline = copyRate / (2 * per * 4);
  emit({
    backend: "webgpu",
    adapter,
    op: "copy",
    channels: 3,
    height: 224,
    width: 224,
    bytes: copyBytes,
    gb_per_s: +(copyRate / 1e9).toFixed(2),
    img_per_s: +roofline.toFixed(1),
  });

  for (const batch of batches) {
    const kernel = await compileGpu(ctx, pipeline, shape, inFlight * 2);
    const data = filled(batch * per);
    const req = { count: batch, seed: 1 };
    await kernel.run(data, req);
    const lat: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await kernel.run(data, { ...req, seed: 2 + i });
      lat.push(performance.now() - t0);
    }
    lat.sort((a, b) => a - b);
    // Overlapped: `inFlight` batches in flight, at least 2·inFlight batches and minMs.
    const pending: Promise<Float32Array>[] = [];
    let done = 0;
    const t0 = performance.now();
    for (let i = 0; done < 2 * inFlight || performance.now() - t0 < minMs; i++) {
      pending.push(kernel.run(data, { count: batch, seed: 10 + i, offset: i * batch }));
      if (pending.length >= inFlight) {
        await pending.shift();
        done++;
      }
    }
    while (pending.length) {
      await pending.shift();
      done++;
    }
    const overlapped = (done * batch * 1000) / (performance.now() - t0);
    // Resident: no upload, no readback.
    let resident: number | null = null;
    if (batch <= kernel.maxChunk) {
      let reps = 1;
      let ms = 0;
      for (;;) {
        const t1 = performance.now();
        await kernel.runResident(batch, { seed: 3 }, reps);
        ms = performance.now() - t1;
        if (ms >= minMs || reps >= 4096) break;
        reps = Math.min(4096, Math.ceil(reps * Math.max(2, (1.2 * minMs) / Math.max(ms, 0.1))));
      }
      resident = (reps * batch * 1000) / ms;
    }
    emit({
      backend: "webgpu",
      adapter,
      op: "gmm",
      channels: 3,
      height: 224,
      width: 224,
      batch,
      in_flight: inFlight,
      img_per_s: +overlapped.toFixed(1),
      latency_ms: +lat[1].toFixed(2),
      resident_img_per_s: resident === null ? null : +resident.toFixed(1),
      bandwidth_fraction: resident === null ? null : +(resident / roofline).toFixed(4),
      dispatches: kernel.stats.dispatches,
    });
    kernel.dispose();
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  await benchWebgpu((l) => console.log(JSON.stringify(l)), { quick, all: Deno.args.includes("--all") });
}
