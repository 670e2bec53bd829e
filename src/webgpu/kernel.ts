/**
 * A compiled pipeline on the GPU: its shader pipelines (cached per device by
 * WGSL text, so pipelines that differ only in numbers share them), its consts
 * and twiddle buffers, one working set, and a pool of readback buffers.
 *
 * The queue runs submissions in order, so every submission shares the one
 * working set; only readback buffers are per submission in flight. The
 * parameters of the spatial ops (crop boxes and weights, flips, jitter
 * factors, blur kernels) are drawn on the host with `sample`'s own code, or
 * replayed, and uploaded with each submission in the per-sample table. A batch
 * larger than the device's buffer limits is split into chunks, up to
 * `inFlight` of them submitted before the first readback is awaited.
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import { shapesOf } from "../dsl/stages.ts";
import type { ImageShape } from "../ops/module.ts";
import type { RealArray } from "../math/rfft2.ts";
import { seedKey } from "../params/keys.ts";
import { sampleOp } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { type GpuContext, gpuError } from "./device.ts";
import { buildConsts, fillHostTable, fillTable } from "./layout.ts";
import { type GpuPlan, planGpu, type Shape } from "./plan.ts";

/** Workgroups per row of a dispatch grid (the shaders' `group_index`). */
const GRID_X = 32768;

/** Bytes one working set may take, at most (the batch is split above it). */
const WORK_BUDGET = 1 << 30;

/** The dispatch grid for a number of workgroups. */
export function grid(workgroups: number): [number, number] {
  return workgroups <= GRID_X ? [Math.max(workgroups, 1), 1] : [GRID_X, Math.ceil(workgroups / GRID_X)];
}

const layouts = new WeakMap<GPUDevice, GPUBindGroupLayout>();
const pipelines = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

function layoutOf(device: GPUDevice): GPUBindGroupLayout {
  let l = layouts.get(device);
  if (!l) {
    const C = GPUShaderStage.COMPUTE;
    l = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: C, buffer: { type: "uniform" } },
        { binding: 1, visibility: C, buffer: { type: "read-only-storage" } },
        { binding: 2, visibility: C, buffer: { type: "read-only-storage" } },
        { binding: 3, visibility: C, buffer: { type: "storage" } },
        { binding: 4, visibility: C, buffer: { type: "read-only-storage" } },
        { binding: 5, visibility: C, buffer: { type: "storage" } },
        { binding: 6, visibility: C, buffer: { type: "storage" } },
        { binding: 7, visibility: C, buffer: { type: "storage" } },
      ],
    });
    layouts.set(device, l);
  }
  return l;
}

/** Compiles (or finds in the cache) the compute pipeline of one WGSL module. */
function pipelineOf(device: GPUDevice, wgsl: string): Promise<GPUComputePipeline> {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, cache = new Map());
  let p = cache.get(wgsl);
  if (!p) {
    device.pushErrorScope("validation");
    const module = device.createShaderModule({ code: wgsl });
    const made = device.createComputePipelineAsync({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layoutOf(device)] }),
      compute: { module, entryPoint: "main" },
    });
    const scope = device.popErrorScope();
    p = Promise.all([made, scope]).then(([pipe, err]) => {
      if (err) throw err;
      return pipe;
    }).catch(async (e) => {
      const info = await module.getCompilationInfo().catch(() => null);
      const lines = info?.messages.filter((m) => m.type === "error")
        .map((m) => `${m.lineNum}:${m.linePos} ${m.message}`) ?? [];
      throw gpuError("a shader that compiles", lines.length ? lines.join("; ") : e);
    });
    p.catch(() => cache!.delete(wgsl));
    cache.set(wgsl, p);
  }
  return p;
}

/** Number of distinct shader pipelines compiled on a device (for tests of the cache). */
export function cachedPipelines(device: GPUDevice): number {
  return pipelines.get(device)?.size ?? 0;
}

interface WorkingSet {
  readonly capacity: number;
  readonly buffers: GPUBuffer[];
  readonly groups: GPUBindGroup[];
  readonly uniform: GPUBuffer;
  readonly tab: GPUBuffer;
  readonly input: GPUBuffer;
  readonly result: GPUBuffer;
}

/** What one {@link GpuKernel.run} needs besides the pixels. */
export interface GpuRunRequest {
  /** Samples in `data`. */
  readonly count: number;
  /** Draw on the GPU from this seed ... */
  readonly seed?: number;
  /** ... for dataset samples offset .. offset + count - 1. */
  readonly offset?: number;
  /** Or replay these parameters (one entry per sample). */
  readonly params?: readonly SampleParams[];
}

/** Counters of what the kernel did, for tests and benchmarks. */
export interface KernelStats {
  /** Submissions so far. */
  submissions: number;
  /** Dispatches in the last submission. */
  dispatches: number;
  /** Compute passes in the last submission. */
  computePasses: number;
  /** Most runs in flight at once so far. */
  peakRuns: number;
}

/** A pipeline compiled for one shape on one device. */
export class GpuKernel {
  /** Samples per submission at most. */
  readonly maxChunk: number;
  /** Counters. */
  readonly stats: KernelStats = { submissions: 0, dispatches: 0, computePasses: 0, peakRuns: 0 };
  private work?: WorkingSet;
  private readonly idle: GPUBuffer[] = [];
  private staged = 0;
  private readonly waiting: (() => void)[] = [];
  /** Values per input image. */
  private readonly per: number;
  /** Values per output image. */
  private readonly outPer: number;
  private readonly stride: number;
  private readonly shapes: readonly ImageShape[];
  private readonly scratchPerSample: number;
  private busy = 0;
  private disposed = false;

  constructor(
    readonly ctx: GpuContext,
    readonly pipeline: Pipeline,
    readonly shape: Shape,
    readonly plan: GpuPlan,
    private readonly computes: readonly GPUComputePipeline[],
    private readonly consts: Uint32Array,
    private readonly constBuffer: GPUBuffer,
    private readonly twBuffer: GPUBuffer,
    /** Readbacks in flight at most. */
    readonly inFlight: number,
  ) {
    const { channels: C, height: H, width: W } = shape;
    ctx.onLost.add(this.forget);
    this.per = C * H * W;
    this.outPer = plan.output.channels * plan.output.height * plan.output.width;
    this.stride = consts[0];
    this.shapes = shapesOf(pipeline, shape);
    this.scratchPerSample = Math.max(
      0,
      ...plan.passes.map((p) => Math.ceil((8 * p.scratchPerWorkgroup * p.workgroups(64)) / 64)),
    );
    const perSample = Math.max(
      4 * plan.imageValues,
      8 * plan.spectrumValues,
      4 * this.stride,
      this.scratchPerSample,
      4,
    );
    const limit = Math.min(ctx.limits.maxBinding, ctx.limits.maxBuffer);
    const total = 8 * plan.imageValues + 8 * plan.spectrumValues + 4 * this.stride + this.scratchPerSample;
    this.maxChunk = Math.max(1, Math.min(Math.floor(limit / perSample), Math.floor(WORK_BUDGET / total)));
    if (perSample > limit) {
      throw gpuError(
        `one image within the adapter's buffer limit of ${limit} bytes`,
        `${shape.channels}x${shape.height}x${shape.width} needs ${perSample}`,
      );
    }
  }

  private workingSet(capacity: number): WorkingSet {
    if (this.work && this.work.capacity >= capacity) return this.work;
    const old = this.work;
    const { device } = this.ctx;
    const S = GPUBufferUsage.STORAGE, D = GPUBufferUsage.COPY_DST, R = GPUBufferUsage.COPY_SRC;
    const make = (bytes: number, usage: number) =>
      device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    const uniform = make(32, GPUBufferUsage.UNIFORM | D);
    const tab = make(4 * this.stride * capacity, S | D | R);
    const spec = make(8 * this.plan.spectrumValues * capacity, S);
    const a = make(4 * this.plan.imageValues * capacity, S | D | R);
    const b = make(4 * this.plan.imageValues * capacity, S | D | R);
    const scratchBytes = Math.max(
      16,
      ...this.plan.passes.map((p) => 8 * p.scratchPerWorkgroup * p.workgroups(capacity)),
    );
    const scratch = make(scratchBytes, S);
    const layout = layoutOf(device);
    // Group 0 reads a and writes b, group 1 the other way (see PassPlan.group).
    const groups: GPUBindGroup[] = [];
    for (let i = 0; i < 2; i++) {
      const [src, dst] = i % 2 === 0 ? [a, b] : [b, a];
      groups.push(device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          { binding: 1, resource: { buffer: this.constBuffer } },
          { binding: 2, resource: { buffer: this.twBuffer } },
          { binding: 3, resource: { buffer: tab } },
          { binding: 4, resource: { buffer: src } },
          { binding: 5, resource: { buffer: spec } },
          { binding: 6, resource: { buffer: dst } },
          { binding: 7, resource: { buffer: scratch } },
        ],
      }));
    }
    const result = this.plan.result === 1 ? b : a;
    this.work = { capacity, buffers: [uniform, tab, spec, a, b, scratch], groups, uniform, tab, input: a, result };
    old?.buffers.forEach((x) => x.destroy());
    return this.work;
  }

  /** A readback buffer of at least `bytes`, once fewer than `inFlight` are out. */
  private async staging(bytes: number): Promise<GPUBuffer> {
    const ready = this.idle.pop();
    if (ready && ready.size >= bytes) return ready;
    if (ready) {
      ready.destroy();
      this.staged--;
    }
    if (this.staged < this.inFlight) {
      this.staged++;
      return this.ctx.device.createBuffer({
        size: Math.ceil(bytes / 16) * 16,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.staging(bytes);
  }

  private release(b: GPUBuffer): void {
    this.idle.push(b);
    this.waiting.shift()?.();
  }

  /** Encodes and submits one chunk; returns what reads it back. */
  private submit(
    data: RealArray | null,
    first: number,
    n: number,
    req: GpuRunRequest,
    target: GPUBuffer | null,
  ): Promise<unknown> {
    const device = this.ctx.device, queue = device.queue;
    const w = this.workingSet(Math.min(this.maxChunk, Math.max(n, req.count)));
    const bytes = 4 * this.outPer * n;
    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    if (data) {
      const chunk = data.subarray(first * this.per, (first + n) * this.per);
      // writeBuffer takes no SharedArrayBuffer view: such input is copied first.
      const pixels = chunk instanceof Float32Array && !(chunk.buffer instanceof SharedArrayBuffer)
        ? chunk
        : Float32Array.from(chunk);
      queue.writeBuffer(w.input, 0, pixels.buffer as ArrayBuffer, pixels.byteOffset, pixels.byteLength);
    }
    const uni = new Uint32Array(8);
    uni[0] = n;
    if ((req.params && this.plan.drawsParams) || this.plan.hostTable) {
      const table = new Uint32Array(this.stride * n);
      const params = req.params?.slice(first, first + n);
      if (params && this.plan.drawsParams) fillTable(this.pipeline, this.consts, this.plan.offsets, params, table);
      if (this.plan.hostTable) {
        const [k0, k1] = seedKey(req.seed ?? 0);
        const base = (req.offset ?? 0) + first;
        const ops = this.pipeline.ops, shapes = this.shapes;
        fillHostTable(
          this.pipeline,
          this.consts,
          this.plan.offsets,
          shapes,
          n,
          // The host draws the spatial ops' parameters as `sample` does (the same code), or replays them.
          (s, i) =>
            params
              ? params[s][i]
              : sampleOp(ops[i], i, k0, k1, req.seed ?? 0, base + s, shapes[i].height, shapes[i].width),
          table,
        );
      }
      queue.writeBuffer(w.tab, 0, table);
    }
    if (req.params) {
      uni[4] = 0;
    } else {
      const [k0, k1] = seedKey(req.seed ?? 0);
      uni[1] = ((req.offset ?? 0) + first) >>> 0;
      uni[2] = k0;
      uni[3] = k1;
      uni[4] = 1;
    }
    queue.writeBuffer(w.uniform, 0, uni);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    let dispatches = 0;
    this.plan.passes.forEach((p, i) => {
      pass.setPipeline(this.computes[i]);
      pass.setBindGroup(0, w.groups[p.group]);
      const [x, y] = grid(p.workgroups(n));
      pass.dispatchWorkgroups(x, y);
      dispatches++;
    });
    pass.end();
    if (target) enc.copyBufferToBuffer(w.result, 0, target, 0, bytes);
    queue.submit([enc.finish()]);
    this.stats.submissions++;
    this.stats.dispatches = dispatches;
    this.stats.computePasses = 1;
    const validation = device.popErrorScope();
    const memory = device.popErrorScope();
    return Promise.all([validation, memory]).then(([v, m]) => {
      if (m) throw gpuError("enough GPU memory", m.message);
      if (v) throw gpuError("a valid submission", v.message);
    });
  }

  /**
   * Runs the pipeline on `count` samples of `data` (NCHW) and resolves to the
   * result in float32. Chunks over the device's limits are split off; up to
   * `inFlight` are submitted before a readback is awaited.
   */
  async run(data: RealArray, req: GpuRunRequest): Promise<Float32Array> {
    if (this.ctx.lost) throw gpuError("a device that is not lost", this.ctx.lost);
    if (this.disposed) throw gpuError("a kernel that is not disposed", "");
    this.busy++;
    this.stats.peakRuns = Math.max(this.stats.peakRuns, this.busy);
    try {
      return await this.runChunks(data, req);
    } finally {
      if (--this.busy === 0 && this.disposed) this.destroy();
    }
  }

  private async runChunks(data: RealArray, req: GpuRunRequest): Promise<Float32Array> {
    const per = this.outPer;
    const out = new Float32Array(req.count * per);
    const jobs: Promise<void>[] = [];
    for (let first = 0; first < req.count; first += this.maxChunk) {
      const n = Math.min(this.maxChunk, req.count - first);
      const target = await this.staging(4 * per * n);
      jobs.push((async () => {
        try {
          if (this.ctx.lost) throw gpuError("a device that is not lost", this.ctx.lost);
          const checked = this.submit(data, first, n, req, target);
          const mapped = target.mapAsync(GPUMapMode.READ, 0, 4 * per * n);
          await Promise.all([checked, mapped]).catch((e) => {
            if (this.ctx.lost) throw gpuError("a device that is not lost", this.ctx.lost);
            throw e instanceof Error && e.name === "FreqaugError" ? e : gpuError("to read the result back", e);
          });
          out.set(new Float32Array(target.getMappedRange(0, 4 * per * n)), first * per);
          target.unmap();
          this.release(target);
        } catch (e) {
          // A readback buffer in an unknown state is dropped, not reused.
          this.staged--;
          this.waiting.shift()?.();
          try {
            target.destroy();
          } catch { /* already gone */ }
          throw e;
        }
      })());
    }
    const settled = await Promise.allSettled(jobs);
    const bad = settled.find((s) => s.status === "rejected");
    if (bad) throw (bad as PromiseRejectedResult).reason;
    return out;
  }

  /**
   * For benchmarks: runs the pipeline `reps` times on the batch already on the
   * device (uploaded by an earlier {@link run} of at least `count` samples),
   * with no upload and no readback, and resolves when the queue is done. It
   * measures what the GPU sustains when the data stays on it.
   */
  async runResident(count: number, req: Omit<GpuRunRequest, "count" | "params">, reps: number): Promise<void> {
    if (!this.work || this.work.capacity < count || count > this.maxChunk) {
      throw gpuError("a batch already on the device", `${count} samples`);
    }
    const checks: Promise<unknown>[] = [];
    for (let r = 0; r < reps; r++) {
      checks.push(this.submit(null, 0, count, { ...req, count, offset: (req.offset ?? 0) + r * count }, null));
    }
    await Promise.all([...checks, this.ctx.device.queue.onSubmittedWorkDone()]);
  }

  /**
   * The parameter table of the last submission's first `count` samples, as
   * the GPU left it (for tests: draws made on the GPU against `sample()`).
   */
  async readTable(count: number): Promise<Uint32Array> {
    const w = this.work;
    if (!w || !this.plan.drawsParams) return new Uint32Array(0);
    const bytes = 4 * this.stride * count;
    const { device } = this.ctx;
    const b = device.createBuffer({
      size: Math.ceil(bytes / 16) * 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(w.tab, 0, b, 0, Math.ceil(bytes / 4) * 4);
    device.queue.submit([enc.finish()]);
    await b.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(b.getMappedRange(0, bytes).slice(0));
    b.destroy();
    return out;
  }

  /** Frees the kernel's buffers once its runs in flight end. Pipelines stay cached for the device. */
  dispose(): void {
    this.disposed = true;
    if (this.busy === 0) this.destroy();
  }

  private readonly forget = () => {
    this.disposed = true;
    this.destroy();
  };

  private destroy(): void {
    this.ctx.onLost.delete(this.forget);
    this.work?.buffers.forEach((b) => b.destroy());
    this.work = undefined;
    this.idle.splice(0).forEach((b) => b.destroy());
    this.constBuffer.destroy();
    this.twBuffer.destroy();
  }
}

/** Compiles a validated pipeline for a shape on a device. */
export async function compileGpu(
  ctx: GpuContext,
  pipeline: Pipeline,
  shape: Shape,
  inFlight = 8,
): Promise<GpuKernel> {
  const plan = planGpu(pipeline, shape, ctx.limits);
  const { device } = ctx;
  const computes = await Promise.all(plan.passes.map((p) => pipelineOf(device, p.wgsl)));
  const { words } = buildConsts(pipeline, shape, plan.statsWords);
  const upload = (data: ArrayBufferView & { byteLength: number }) => {
    const b = device.createBuffer({
      size: Math.max(16, Math.ceil(data.byteLength / 16) * 16),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(b, 0, data as unknown as ArrayBuffer);
    return b;
  };
  return new GpuKernel(ctx, pipeline, shape, plan, computes, words, upload(words), upload(plan.twiddles), inFlight);
}
