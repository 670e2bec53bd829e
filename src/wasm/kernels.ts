/**
 * Loads the CPU backend's WebAssembly kernels (wasm/kernels.c, built by
 * wasm/build.sh) the same way in Deno, Bun and browsers: from base64 bytes in
 * a module, so no file read, fetch or permission is involved.
 *
 * The module is compiled once per thread: synchronously where the runtime
 * allows it (Deno, Bun, workers), otherwise by {@link loadKernels}, which the
 * backend awaits before a batch. Where WebAssembly or its SIMD extension is
 * missing, {@link kernelsModule} is null and the TypeScript path runs; both
 * compute the same arithmetic (see kernels.c).
 *
 * @module
 */

import { KERNELS_WASM_BASE64 } from "./kernels_bytes.ts";

/** The kernels' exports. Addresses are byte offsets in `memory`. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly __heap_base: WebAssembly.Global;
  fft_many(plan: number, re: number, im: number, count: number, block: number, work: number): void;
  rows_forward(
    plane: number,
    H: number,
    W: number,
    pw: number,
    plan: number,
    B: number,
    block: number,
    zr: number,
    zi: number,
    ld: number,
    re: number,
    im: number,
    work: number,
  ): void;
  filter_columns(
    re: number,
    im: number,
    H: number,
    ld: number,
    plan: number,
    block: number,
    mr: number,
    mi: number,
    work: number,
    channels: number,
  ): void;
  rows_inverse(
    plane: number,
    H: number,
    W: number,
    pw: number,
    plan: number,
    B: number,
    block: number,
    zr: number,
    zi: number,
    ld: number,
    re: number,
    im: number,
    work: number,
    scale: number,
  ): void;
  widen(src: number, dst: number, H: number, W: number, pw: number): number;
  narrow(src: number, dst: number, H: number, W: number, pw: number): void;
  repitch(src: number, dst: number, H: number, W: number, sp: number, dp: number): number;
  fold_gmm(re: number, im: number, g: number, k: number, c: number, H: number, V: number, scratch: number): void;
}

// undefined: not tried yet; "async": a synchronous compile was refused (loadKernels compiles).
let compiled: WebAssembly.Module | null | "async" | undefined;
let pending: Promise<void> | undefined;
let enabled = true;

function bytes(): Uint8Array<ArrayBuffer> {
  const text = atob(KERNELS_WASM_BASE64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * The compiled kernels, or null where they cannot run here (no WebAssembly,
 * no SIMD, switched off, or a main thread that only compiles asynchronously
 * and has not yet done so).
 */
export function kernelsModule(): WebAssembly.Module | null {
  if (!enabled) return null;
  if (compiled === undefined) {
    compiled = null;
    if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function") return null;
    const b = bytes();
    if (!WebAssembly.validate(b)) return null; // no SIMD
    try {
      compiled = new WebAssembly.Module(b);
    } catch {
      // A browser's main thread refuses to compile large modules synchronously: loadKernels does it.
      compiled = "async";
    }
  }
  return compiled === "async" ? null : compiled;
}

/** Compiles the kernels asynchronously where synchronous compilation is refused; resolves when settled. */
export function loadKernels(): Promise<void> {
  kernelsModule();
  if (compiled !== "async") return Promise.resolve();
  return pending ??= WebAssembly.compile(bytes()).then(
    (m) => void (compiled = m),
    () => void (compiled = null),
  );
}

/**
 * Switches the WebAssembly kernels off (false) or back on (true) in this
 * thread, for tests of the TypeScript path and for comparing the two.
 */
export function useKernels(on: boolean): void {
  enabled = on;
}

/** Whether this thread runs the WebAssembly kernels now. */
export function kernelsActive(): boolean {
  return kernelsModule() !== null;
}

/** A fresh instance of the kernels with its own memory. */
export function instantiate(module: WebAssembly.Module): KernelExports {
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}
