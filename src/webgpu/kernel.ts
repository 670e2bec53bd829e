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
 * Byte input and float16 or byte results use a variant of the plan (see
 * {@link GpuIo}), compiled on first use; a batch already in a `GPUBuffer`
 * is copied into the working set on the device and its result copied into
 * a buffer of the caller's, with no readback.
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import { shapesOf } from "../dsl/stages.ts";
import type { ImageShape } from "../ops/module.ts";
import type { RealArray } from "../math/rfft2.ts";
import type { InArray } from "../cpu/io.ts";
import { seedKey } from "../params/keys.ts";
import { sampleOp } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { type GpuContext, gpuError } from "./device.ts";
import { FreqaugError } from "../errors/error.ts";
import { buildConsts, fillHostTable, fillTable } from "./layout.ts";
import { FLOAT_GPU_IO, type GpuIo, type GpuPlan, planGpu, type Shape } from "./plan.ts";

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
        // Bytes in, or a packed result out (see shaders/packed.wgsl).
        { binding: 8, visibility: C, buffer: { type: "storage" } },
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
  /** The packed buffer (bytes in, packed results out). */
  readonly packed: GPUBuffer;
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

/** Where a run's input is: host values (float32/64 NCHW or NHWC bytes), or a buffer of the kernel's device. */
export type GpuInput =
  | { readonly host: InArray }
  | { readonly buffer: GPUBuffer };

/** A plan of the kernel for one way of reading and writing, and its compiled passes. */
interface Variant {
  readonly plan: GpuPlan;
  readonly computes: readonly GPUComputePipeline[];
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
  private readonly stride: number;
  private readonly shapes: readonly ImageShape[];
  private readonly scratchPerSample: number;
  private readonly variants = new Map<string, Promise<Variant>>();
  private busy = 0;
  private disposed = false;
  /** An empty buffer for checks of the caller's buffers. */
  private probe?: GPUBuffer;

  constructor(
    readonly ctx: GpuContext,
    readonly pipeline: Pipeline,
    readonly shape: Shape,
    readonly plan: GpuPlan,
    computes: readonly GPUComputePipeline[],
    private readonly consts: Uint32Array,
    private readonly constBuffer: GPUBuffer,
    private readonly twBuffer: GPUBuffer,
    /** Readbacks in flight at most. */
    readonly inFlight: number,
  ) {
    ctx.onLost.add(this.forget);
    this.variants.set(ioKey(FLOAT_GPU_IO), Promise.resolve({ plan, computes }));
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

  /** The plan for a way of reading and writing, compiled on first use (shader pipelines are cached per device). */
  variant(io: GpuIo): Promise<Variant> {
    const key = ioKey(io);
    let v = this.variants.get(key);
    if (!v) {
      const plan = planGpu(this.pipeline, this.shape, this.ctx.limits, io);
      v = Promise.all(plan.passes.map((p) => pipelineOf(this.ctx.device, p.wgsl))).then((computes) => ({
        plan,
        computes,
      }));
      v.catch(() => this.variants.delete(key));
      this.variants.set(key, v);
    }
    return v;
  }

  private workingSet(capacity: number, packedBytes: number): WorkingSet {
    if (this.work && this.work.capacity >= capacity && this.work.packed.size >= packedBytes) return this.work;
    const old = this.work;
    capacity = Math.max(capacity, old?.capacity ?? 0);
    const { device } = this.ctx;
    const S = GPUBufferUsage.STORAGE, D = GPUBufferUsage.COPY_DST, R = GPUBufferUsage.COPY_SRC;
    const make = (bytes: number, usage: number) =>
      device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    const uniform = make(32, GPUBufferUsage.UNIFORM | D);
    const tab = make(4 * this.stride * capacity, S | D | R);
    const spec = make(8 * this.plan.spectrumValues * capacity, S);
    const a = make(4 * this.plan.imageValues * capacity, S | D | R);
    const b = make(4 * this.plan.imageValues * capacity, S | D | R);
    const packed = make(Math.max(packedBytes, old?.packed.size ?? 0), S | D | R);
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
          { binding: 8, resource: { buffer: packed } },
        ],
      }));
    }
    const result = this.plan.result === 1 ? b : a;
    this.work = {
      capacity,
      packed,
      buffers: [uniform, tab, spec, a, b, scratch, packed],
      groups,
      uniform,
      tab,
      input: a,
      result,
    };
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

  /**
   * Encodes and submits one chunk (samples first .. first + n - 1 of the
   * input) with variant `v`; copies its result into `target` at
   * `targetOffset` when given. Returns what checks the submission.
   */
  private submit(
    v: Variant,
    input: GpuInput | null,
    first: number,
    n: number,
    req: GpuRunRequest,
    target: GPUBuffer | null,
    targetOffset = 0,
  ): Promise<unknown> {
    const device = this.ctx.device, queue = device.queue;
    const plan = v.plan;
    const capacity = Math.min(this.maxChunk, Math.max(n, req.count));
    const w = this.workingSet(capacity, plan.packedBytes(capacity));
    const inBuffer = plan.io.inBytes ? w.packed : w.input;
    const inBytes = plan.inputBytes * n;
    const words = (x: number) => Math.ceil(x / 4) * 4;
    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    const enc = device.createCommandEncoder();
    if (input && "host" in input) {
      const data = input.host;
      if (plan.io.inBytes) {
        const at = first * plan.inputBytes;
        let bytes: Uint8Array | Uint8ClampedArray = data.subarray(at, at + inBytes) as Uint8Array;
        // writeBuffer takes whole words and no SharedArrayBuffer view: such input is copied first.
        if (bytes.byteLength % 4 !== 0 || bytes.buffer instanceof SharedArrayBuffer) {
          const padded = new Uint8Array(words(bytes.byteLength));
          padded.set(bytes);
          bytes = padded;
        }
        queue.writeBuffer(inBuffer, 0, bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
      } else {
        const per = plan.inputBytes / 4;
        const chunk = (data as RealArray).subarray(first * per, (first + n) * per);
        // writeBuffer takes no SharedArrayBuffer view: such input is copied first.
        const pixels = chunk instanceof Float32Array && !(chunk.buffer instanceof SharedArrayBuffer)
          ? chunk
          : Float32Array.from(chunk);
        queue.writeBuffer(inBuffer, 0, pixels.buffer as ArrayBuffer, pixels.byteOffset, pixels.byteLength);
      }
    } else if (input) {
      enc.copyBufferToBuffer(input.buffer, first * plan.inputBytes, inBuffer, 0, words(inBytes));
    }
    const uni = new Uint32Array(8);
    uni[0] = n;
    if ((req.params && plan.drawsParams) || plan.hostTable) {
      const table = new Uint32Array(this.stride * n);
      const params = req.params?.slice(first, first + n);
      if (params && plan.drawsParams) fillTable(this.pipeline, this.consts, plan.offsets, params, table);
      if (plan.hostTable) {
        const [k0, k1] = seedKey(req.seed ?? 0);
        const base = (req.offset ?? 0) + first;
        const ops = this.pipeline.ops, shapes = this.shapes;
        fillHostTable(
          this.pipeline,
          this.consts,
          plan.offsets,
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
    const pass = enc.beginComputePass();
    let dispatches = 0;
    plan.passes.forEach((p, i) => {
      pass.setPipeline(v.computes[i]);
      pass.setBindGroup(0, w.groups[p.group]);
      const [x, y] = grid(p.workgroups(n));
      pass.dispatchWorkgroups(x, y);
      dispatches++;
    });
    pass.end();
    if (target) {
      const from = plan.io.out === "f32" ? w.result : w.packed;
      enc.copyBufferToBuffer(from, 0, target, targetOffset, words(plan.outputBytes * n));
    }
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

  private async enter<A>(f: () => Promise<A>): Promise<A> {
    if (this.ctx.lost) throw gpuError("a device that is not lost", this.ctx.lost);
    if (this.disposed) throw gpuError("a kernel that is not disposed", "");
    this.busy++;
    this.stats.peakRuns = Math.max(this.stats.peakRuns, this.busy);
    try {
      return await f();
    } finally {
      if (--this.busy === 0 && this.disposed) this.destroy();
    }
  }

  /**
   * Runs the pipeline on `count` samples of `data` (float NCHW) and resolves
   * to the result in float32. Chunks over the device's limits are split
   * off; up to `inFlight` are submitted before a readback is awaited.
   */
  run(data: RealArray, req: GpuRunRequest): Promise<Float32Array> {
    return this.runAs({ host: data }, req, FLOAT_GPU_IO) as Promise<Float32Array>;
  }

  /**
   * Runs the pipeline on host input read and written as `io` says, and
   * resolves to the result: Float32Array (`f32`), Float16Array (`f16`) or
   * Uint8Array (`u8`, NHWC).
   */
  runAs(input: GpuInput & { readonly host: InArray }, req: GpuRunRequest, io: GpuIo): Promise<HostResult> {
    return this.enter(async () => this.runChunks(await this.variant(io), input.host, req));
  }

  /**
   * Runs the pipeline on a batch in a buffer of this device, read and
   * written as `io` says, and writes the result into `into` (from byte 0),
   * or a new buffer (STORAGE | COPY_SRC | COPY_DST). Nothing is read back:
   * it resolves once the work is submitted and checked.
   */
  runToBuffer(buffer: GPUBuffer, req: GpuRunRequest, io: GpuIo, into?: GPUBuffer): Promise<GPUBuffer> {
    return this.enter(async () => {
      await this.checkBuffer(buffer, "batch.buffer", true);
      if (into) await this.checkBuffer(into, "into", false);
      const v = await this.variant(io);
      const plan = v.plan;
      if (req.count > this.maxChunk && (plan.inputBytes % 4 !== 0 || plan.outputBytes % 4 !== 0)) {
        throw gpuError(
          `a GPU batch of at most ${this.maxChunk} samples, or images of a whole number of 4-byte words`,
          `${req.count} samples of ${plan.inputBytes} bytes in and ${plan.outputBytes} out`,
        );
      }
      const bytes = Math.ceil((plan.outputBytes * req.count) / 4) * 4;
      const out = into ?? this.ctx.device.createBuffer({
        size: Math.max(16, bytes),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      const checks: Promise<unknown>[] = [];
      for (let first = 0; first < req.count; first += this.maxChunk) {
        const n = Math.min(this.maxChunk, req.count - first);
        checks.push(this.submit(v, { buffer }, first, n, req, out, first * plan.outputBytes));
      }
      try {
        await Promise.all(checks);
      } catch (e) {
        if (!into) out.destroy();
        if (this.ctx.lost) throw gpuError("a device that is not lost", this.ctx.lost);
        throw e;
      }
      return out;
    });
  }

  /**
   * Checks that a caller's buffer is alive and of this device: an empty copy
   * from it (or into it) in an error scope of its own.
   */
  private async checkBuffer(buffer: GPUBuffer, path: string, source: boolean): Promise<void> {
    const device = this.ctx.device;
    const probe = this.probe ??= device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.pushErrorScope("validation");
    const enc = device.createCommandEncoder();
    if (source) enc.copyBufferToBuffer(buffer, 0, probe, 0, 0);
    else enc.copyBufferToBuffer(probe, 0, buffer, 0, 0);
    device.queue.submit([enc.finish()]);
    const err = await device.popErrorScope();
    if (err) {
      throw new FreqaugError("input", [{
        path,
        value: "GPUBuffer",
        expected: `a buffer of the kernel's device, not destroyed (${err.message})`,
      }]);
    }
  }

  private async runChunks(v: Variant, data: InArray, req: GpuRunRequest): Promise<HostResult> {
    const plan = v.plan;
    const per = plan.outputBytes;
    const out = plan.io.out === "f32"
      ? new Float32Array((req.count * per) / 4)
      : plan.io.out === "f16"
      ? new Float16Array((req.count * per) / 2)
      : new Uint8Array(req.count * per);
    const jobs: Promise<void>[] = [];
    for (let first = 0; first < req.count; first += this.maxChunk) {
      const n = Math.min(this.maxChunk, req.count - first);
      const bytes = Math.ceil((per * n) / 4) * 4;
      const target = await this.staging(bytes);
      jobs.push((async () => {
        try {
          if (this.ctx.lost) throw gpuError("a device that is not lost", this.ctx.lost);
          const checked = this.submit(v, { host: data }, first, n, req, target);
          const mapped = target.mapAsync(GPUMapMode.READ, 0, bytes);
          await Promise.all([checked, mapped]).catch((e) => {
            if (this.ctx.lost) throw gpuError("a device that is not lost", this.ctx.lost);
            throw e instanceof Error && e.name === "FreqaugError" ? e : gpuError("to read the result back", e);
          });
          const range = target.getMappedRange(0, bytes);
          if (out instanceof Uint8Array) out.set(new Uint8Array(range, 0, per * n), first * per);
          else if (out instanceof Float16Array) out.set(new Float16Array(range, 0, (per * n) / 2), (first * per) / 2);
          else out.set(new Float32Array(range, 0, (per * n) / 4), (first * per) / 4);
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
    const v = await this.variant(FLOAT_GPU_IO);
    const checks: Promise<unknown>[] = [];
    for (let r = 0; r < reps; r++) {
      checks.push(this.submit(v, null, 0, count, { ...req, count, offset: (req.offset ?? 0) + r * count }, null));
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
    this.probe?.destroy();
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
  // Every variant of the plan shares the consts (they depend on the structure and the shape only).
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

/** A host result of a GPU run. */
export type HostResult = Float32Array | Float16Array | Uint8Array;

function ioKey(io: GpuIo): string {
  return `${io.inBytes}|${io.out}|${io.outBytes}`;
}
