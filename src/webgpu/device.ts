/**
 * The WebGPU device: found once, with the adapter's own limits for what the
 * plans use (workgroup memory, buffer sizes), and replaced when lost.
 *
 * @module
 */

import { FreqaugError } from "../errors/error.ts";
import { DEFAULT_LIMITS, type PlanLimits, type ScratchKind } from "./plan.ts";

/** What freqaug knows of the WebGPU adapter. */
export interface AdapterSummary {
  /** The adapter's description, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)` or a GPU's name. */
  readonly description: string;
  /** Whether the adapter is a software (CPU) implementation. */
  readonly fallback: boolean;
}

/** A live device and what the backend needs of it. */
export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterSummary;
  readonly limits: PlanLimits & {
    readonly maxBinding: number;
    readonly maxBuffer: number;
  };
  /** Set when the device is lost: the reason. */
  lost?: string;
  /** Called when the device is lost (kernels free their buffers). */
  readonly onLost: Set<() => void>;
}

let current: Promise<GpuContext | null> | undefined;

/**
 * Software adapters (Mesa's llvmpipe, reached through OpenGL) keep the FFT
 * scratch in a storage buffer: see {@link PlanLimits.scratch}.
 * `FREQAUG_GPU_SCRATCH=workgroup|storage` overrides the choice (for tests).
 */
function scratchFor(fallback: boolean): ScratchKind {
  let forced: string | undefined;
  try {
    forced = Deno.env.get("FREQAUG_GPU_SCRATCH");
  } catch { /* no env permission */ }
  if (forced === "workgroup" || forced === "storage") return forced;
  return fallback ? "storage" : "workgroup";
}

function gpuOf(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu;
}

async function open(): Promise<GpuContext | null> {
  const gpu = gpuOf();
  if (!gpu) return null;
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch {
    return null;
  }
  if (!adapter) return null;
  const al = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: al.maxComputeWorkgroupStorageSize,
      maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
      maxBufferSize: al.maxBufferSize,
    },
  });
  const info = (adapter as { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const fallback = Boolean(info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const ctx: GpuContext = {
    device,
    adapter: {
      description: info?.description || info?.vendor || "unknown adapter",
      fallback,
    },
    limits: {
      workgroupStorage: device.limits.maxComputeWorkgroupStorageSize || DEFAULT_LIMITS.workgroupStorage,
      scratch: scratchFor(fallback),
      maxBinding: device.limits.maxStorageBufferBindingSize,
      maxBuffer: device.limits.maxBufferSize,
    },
    onLost: new Set(),
  };
  device.lost.then((info) => {
    ctx.lost = info.message || String(info.reason);
    current = undefined;
    // Buffers of a lost device are freed now, not by finalizers at exit
    // (seen: a double free at process exit in Deno's WebGPU otherwise).
    for (const f of ctx.onLost) f();
    ctx.onLost.clear();
  });
  return ctx;
}

const owned = new WeakMap<GPUDevice, GpuContext>();

/**
 * The context of a caller's own device (`compile(…, { device })`): its
 * limits, and its adapter's description where the runtime tells
 * (`device.adapterInfo`). Nothing is requested of an adapter. A software
 * adapter keeps the FFT scratch in storage, as for freqaug's own device.
 */
export function deviceContext(device: GPUDevice): GpuContext {
  let ctx = owned.get(device);
  if (ctx) return ctx;
  const info = (device as { adapterInfo?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).adapterInfo;
  const fallback = Boolean(info?.isFallbackAdapter);
  const made: GpuContext = {
    device,
    adapter: { description: info?.description || info?.vendor || "the caller's device", fallback },
    limits: {
      workgroupStorage: device.limits.maxComputeWorkgroupStorageSize || DEFAULT_LIMITS.workgroupStorage,
      scratch: scratchFor(fallback),
      maxBinding: device.limits.maxStorageBufferBindingSize,
      maxBuffer: device.limits.maxBufferSize,
    },
    onLost: new Set(),
  };
  ctx = made;
  owned.set(device, made);
  device.lost.then((info) => {
    made.lost = info.message || String(info.reason);
    for (const f of made.onLost) f();
    made.onLost.clear();
  });
  return made;
}

/** The device, opened on first use; null when there is no WebGPU adapter. */
export function gpuContext(): Promise<GpuContext | null> {
  if (!current) {
    current = open().catch(() => null);
    const mine = current;
    mine.then((c) => {
      if (!c && current === mine) current = undefined;
    });
  }
  return current;
}

/**
 * The WebGPU adapter freqaug would use, or null when `navigator.gpu` yields
 * none (Bun, Node, a machine without an adapter). Opens the device.
 *
 * @example
 * ```ts
 * import { webgpuAdapter } from "@freqaug/freqaug";
 * const a = await webgpuAdapter();
 * console.log(a ? `${a.description}${a.fallback ? " (software)" : ""}` : "no WebGPU");
 * ```
 */
export async function webgpuAdapter(): Promise<AdapterSummary | null> {
  return (await gpuContext())?.adapter ?? null;
}

/** The library's error for a backend failure. */
export function gpuError(what: string, detail: unknown): FreqaugError {
  const text = detail instanceof Error ? detail.message : String(detail);
  return new FreqaugError("backend", [{
    path: "backend",
    value: "webgpu",
    expected: `${what}${text ? `: ${text}` : ""}`,
  }]);
}
