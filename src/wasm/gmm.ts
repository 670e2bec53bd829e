/**
 * The Gaussian mixture mask folded into a multiplier by the WebAssembly
 * kernels (`fold_gmm` in wasm/kernels.c): the same factors, the same fold and
 * the same bits as `gmmFactors` + `foldGmm` of `src/math/gmm.ts`, with the
 * fold's inner loop in f64x2.
 *
 * @module
 */

import type { GaussianDraw } from "../math/gmm.ts";
import { instantiate, type KernelExports, kernelsModule } from "./kernels.ts";

/** Multipliers of more than this many bins are folded by the TypeScript path (no large memory kept). */
export const MAX_WASM_MASK_BINS = 1 << 20;

let instance: KernelExports | null = null;

/**
 * Multiplies `re` (and `im` unless null), H×V row-major, by the float64
 * mixture mask of `gaussians` with the given `c`. Returns false, doing
 * nothing, where the kernels do not run here (the caller folds in TypeScript).
 */
export function foldGmmWasm(
  re: Float64Array,
  im: Float64Array | null,
  gaussians: readonly GaussianDraw[],
  c: number,
  H: number,
  V: number,
): boolean {
  const bins = H * V;
  if (bins > MAX_WASM_MASK_BINS) return false;
  const module = kernelsModule();
  if (!module) return false;
  const k = instance ??= instantiate(module);
  const n = gaussians.length;
  const base = Math.ceil((k.__heap_base.value as number) / 16) * 16;
  const values = 2 * bins + 5 * n + n * (H + V + 1) + V + 2 * Math.max(H, V);
  const need = base + 8 * values;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Float64Array(k.memory.buffer, base, values);
  const at = (i: number) => base + 8 * i;
  const g = 2 * bins, scratch = g + 5 * n;
  for (let i = 0, at = g; i < n; i++, at += 5) {
    const d = gaussians[i];
    mem[at] = d.u0;
    mem[at + 1] = d.v0;
    mem[at + 2] = d.sigmaU;
    mem[at + 3] = d.sigmaV;
    mem[at + 4] = d.intensity;
  }
  mem.set(re.subarray(0, bins), 0);
  if (im) mem.set(im.subarray(0, bins), bins);
  k.fold_gmm(at(0), im ? at(bins) : 0, at(g), n, c, H, V, at(scratch));
  re.set(mem.subarray(0, bins));
  if (im) im.set(mem.subarray(bins, 2 * bins));
  return true;
}
