/**
 * The filter of one image plane (rfft2, times a multiplier, irfft2) as the
 * CPU kernel uses it, in WebAssembly where the kernels run here and in
 * TypeScript otherwise. Both give the same bits (see wasm/kernels.c).
 *
 * Memory: each WebAssembly filter owns an instance of the kernels (a linear
 * memory never shrinks); the kernels only take planes of at most
 * {@link WASM_MAX_PIXELS}, and a thread keeps the filters of the last three
 * sizes. TypeScript filters of up to {@link RETAINED_FILTER_PIXELS} pixels
 * are kept likewise; larger ones go with the call.
 *
 * @module
 */

import { Lru } from "../math/lru.ts";
import { planRfft2, Rfft2 } from "../math/rfft2.ts";
import { instantiate, kernelsModule } from "../wasm/kernels.ts";
import { WasmRfft2 } from "../wasm/rfft2.ts";
import { allFinite } from "./finite.ts";

/**
 * Planes of more than this many pixels run the TypeScript path. Measured
 * end to end (`augment`, one thread, the two paths interleaved in one
 * process, GMM k 20): the kernels win at 224² (334 against 200 img/s) and
 * 384² (69 against 58) and lose from 512² (31 against 37.5; 1024²: 6.4
 * against 9.2), where their blocked transforms and transpositions miss the
 * cache more than the TypeScript path's one-row-at-a-time transforms.
 */
export const WASM_MAX_PIXELS = 200_000;

/** Images of at most this many pixels keep their filter (and its memory) between calls. */
export const RETAINED_FILTER_PIXELS = 1 << 20;

/** A filter of `channels` planes of H×W at a time (one image's, sharing a multiplier). Not reentrant. */
export interface PlaneFilter {
  /** Which implementation runs. */
  readonly kind: "wasm" | "ts";
  /** The planes it filters at a time. */
  readonly channels: number;
  /** The planes one after the other (row-major), to fill before {@link commit}, for inputs {@link load} does not take. */
  readonly staging: Float64Array;
  /** Takes {@link staging} as the planes to filter. */
  commit(): void;
  /** Copies the planes at `src[off ..]` in; returns whether every value is finite. */
  load(src: Float32Array | Float64Array, off: number): boolean;
  /** Copies the filtered planes to `dst[off ..]` (to float32 by rounding to nearest). */
  store(dst: Float32Array | Float64Array, off: number): void;
  /** Takes the multiplier (H×V row-major; `im` null when it is real) for the following filters. */
  setMultiplier(re: Float64Array, im: Float64Array | null): void;
  /** Filters the plane in place. */
  filter(): void;
}

class TsFilter implements PlaneFilter {
  readonly kind = "ts";
  readonly staging: Float64Array;
  private re: Float64Array | null = null;
  private im: Float64Array | null = null;
  constructor(private readonly rf: Rfft2, readonly channels: number) {
    this.staging = new Float64Array(channels * rf.H * rf.W);
  }
  commit(): void {}
  load(src: Float32Array | Float64Array, off: number): boolean {
    const p = this.staging;
    p.set(src.subarray(off, off + p.length));
    return allFinite(p, 0, p.length);
  }
  store(dst: Float32Array | Float64Array, off: number): void {
    dst.set(this.staging, off);
  }
  setMultiplier(re: Float64Array, im: Float64Array | null): void {
    this.re = re;
    this.im = im;
  }
  filter(): void {
    const plane = this.rf.H * this.rf.W;
    for (let c = 0; c < this.channels; c++) {
      this.rf.forwardRows(this.staging, c * plane);
      this.rf.filterColumns(this.re, this.im);
      this.rf.inverseRows(this.staging, c * plane);
    }
  }
}

class WasmFilter implements PlaneFilter {
  readonly kind = "wasm";
  constructor(private readonly rf: WasmRfft2) {}
  get channels(): number {
    return this.rf.channels;
  }
  get staging(): Float64Array {
    return this.rf.staging;
  }
  commit(): void {
    this.rf.commit();
  }
  load(src: Float32Array | Float64Array, off: number): boolean {
    return this.rf.load(src, off);
  }
  store(dst: Float32Array | Float64Array, off: number): void {
    this.rf.store(dst, off);
  }
  setMultiplier(re: Float64Array, im: Float64Array | null): void {
    this.rf.setMultiplier(re, im);
  }
  filter(): void {
    this.rf.filter();
  }
}

// Filters of the sizes met most recently, each with its own instance and memory.
const wasmFilters = new Lru<WasmFilter>(3);
const tsFilters = new Lru<TsFilter>(4);

/** The sizes (`HxW`) whose filters this thread keeps, WebAssembly's then TypeScript's (for tests). */
export function keptFilters(): string[] {
  return [...wasmFilters.keys(), ...tsFilters.keys()];
}

/** Images of at most this many values have all their channels filtered at once (fewer, longer loops). */
export const STACKED_VALUES = 1 << 17;

/**
 * The plane filter for `channels` planes of H×W: a kept one for small images, a new one (to be
 * dropped after the call) for large ones.
 */
export function planeFilter(H: number, W: number, channels = 1): PlaneFilter {
  const small = channels * H * W <= RETAINED_FILTER_PIXELS, key = `${H}x${W}` + (channels > 1 ? `x${channels}` : "");
  const module = H * W <= WASM_MAX_PIXELS ? kernelsModule() : null;
  if (module) {
    // Every plane the kernels take is small (WASM_MAX_PIXELS): its filter is kept.
    const make = () => new WasmFilter(new WasmRfft2(instantiate(module), H, W, channels));
    try {
      return wasmFilters.get(key, make);
    } catch (e) {
      // Memory refused (grow failed): the TypeScript path, which needs less.
      if (!(e instanceof RangeError)) throw e;
    }
  }
  const make = () => new TsFilter(small ? planRfft2(H, W) : new Rfft2(H, W), channels);
  return small ? tsFilters.get(key, make) : make();
}
