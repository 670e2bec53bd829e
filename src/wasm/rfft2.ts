/**
 * The real 2-D filter of one image plane in the WebAssembly kernels: rfft2,
 * times a multiplier, irfft2 (unscaled), with numpy's semantics like
 * `src/math/rfft2.ts`, whose arithmetic it repeats.
 *
 * One instance of the kernels owns a linear memory laid out for one H×W:
 * the row and column plans (their twiddles, from `src/math/fft.ts`), the
 * row-pair buffers, the half-spectrum, the multiplier, the plane and the
 * FFTs' work space. Laying it out again for another size reuses the memory.
 *
 * @module
 */

import { bluesteinLength, bluesteinTables, MAX_DIRECT_RADIX, planStages, radices, type Stage } from "../math/fft.ts";
import { instantiate, type KernelExports } from "./kernels.ts";

const PLAN_BYTES = 64; // 16 int32, see Plan in kernels.c
const STAGE_BYTES = 32; // 8 int32, see Stage in kernels.c
const SKEW = 40; // values between the arrays of a work area, see kernels.c
const GAP = 8 * SKEW + 64; // bytes between the blocks of a layout, for the same reason

/** How one FFT length is computed, before it is written to memory. */
type PlanSpec =
  | { readonly kind: "stockham"; readonly n: number; readonly stages: Stage[] }
  | {
    readonly kind: "bluestein";
    readonly n: number;
    readonly m: number;
    readonly inner: PlanSpec;
    readonly tables: ReturnType<typeof bluesteinTables>;
  }
  | { readonly kind: "identity"; readonly n: 1 };

function planSpec(n: number): PlanSpec {
  if (n === 1) return { kind: "identity", n: 1 };
  if (radices(n).every((p) => p <= MAX_DIRECT_RADIX)) return { kind: "stockham", n, stages: planStages(n) };
  const m = bluesteinLength(n);
  return { kind: "bluestein", n, m, inner: planSpec(m), tables: bluesteinTables(n, m) };
}

/** float64 values of work space a batched transform of `count` sequences needs. */
function workValues(p: PlanSpec, count: number): number {
  if (p.kind === "identity") return 0;
  // Stockham: the ping-pong pair, and passOdd's sums and differences (at most 2 n count).
  if (p.kind === "stockham") return 4 * p.n * count + 3 * SKEW;
  return 2 * (p.m * count + SKEW) + workValues(p.inner, count);
}

/** Bytes a block takes in a {@link Layout}, alignment and gap included. */
const block = (bytes: number) => bytes + GAP + 16;

/** Bytes of one block of batched sequences that the transforms keep in cache (L2 of most cores). */
const BLOCK_BYTES = 1 << 20;

/**
 * How many of `count` sequences of length n the kernels transform at a time:
 * all of them when they fit in {@link BLOCK_BYTES}, else an even number that does.
 */
export function blockOf(n: number, count: number): number {
  if (16 * n * count <= BLOCK_BYTES) return count;
  return Math.min(count, Math.max(2, Math.floor(BLOCK_BYTES / (32 * n)) & ~1));
}

/** float64 values of work space a batched transform of `count` sequences, `block` at a time, needs. */
function blockedWork(p: PlanSpec, count: number, block: number): number {
  return block >= count ? workValues(p, count) : 2 * (p.n * block + SKEW) + workValues(p, block);
}

/** Bytes of a plan's tables, headers included. */
function planBytes(p: PlanSpec): number {
  const table = (a: Float64Array) => block(8 * Math.max(1, a.length));
  if (p.kind === "identity") return block(PLAN_BYTES);
  if (p.kind === "stockham") {
    return block(PLAN_BYTES) + block(STAGE_BYTES * p.stages.length) +
      p.stages.reduce((a, s) => a + table(s.twr) + table(s.twi) + table(s.cr) + table(s.ci), 0);
  }
  const t = p.tables;
  return block(PLAN_BYTES) + table(t.chr) + table(t.chi) + table(t.fbr) + table(t.fbi) + planBytes(p.inner);
}

/** `x` rounded up to a multiple of 16 (arithmetic, not bitwise: addresses may pass 2^31). */
const align16 = (x: number) => Math.ceil(x / 16) * 16;

/** Bump allocation of 16-byte-aligned blocks in a memory being laid out. */
class Layout {
  constructor(public at: number) {}
  take(bytes: number): number {
    const a = align16(this.at);
    this.at = a + bytes + GAP;
    return a;
  }
}

/** The most a 32-bit linear memory holds. */
const MAX_MEMORY = 2 ** 32 - 65536;

/** Grows `k`'s memory to at least `bytes`; a RangeError where it cannot (over 4 GiB, or refused). */
function grow(k: KernelExports, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes <= have) return;
  if (bytes > MAX_MEMORY) throw new RangeError(`the kernels' memory cannot hold ${bytes} bytes`);
  k.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** Writes a plan at the layout's next address; returns the plan's address. */
function writePlan(mem: ArrayBufferLike, layout: Layout, p: PlanSpec): number {
  const addr = layout.take(PLAN_BYTES);
  const head = new Int32Array(mem, addr, 16);
  const table = (a: Float64Array) => {
    const at = layout.take(8 * Math.max(1, a.length));
    new Float64Array(mem, at, a.length).set(a);
    return at;
  };
  head[0] = p.n;
  if (p.kind === "identity") {
    head[2] = 2;
    return addr;
  }
  if (p.kind === "stockham") {
    head[1] = p.stages.length;
    head[2] = 0;
    const stages = layout.take(STAGE_BYTES * p.stages.length);
    head[4] = stages;
    p.stages.forEach((s, i) => {
      const f = new Int32Array(mem, stages + STAGE_BYTES * i, 8);
      f[0] = s.p;
      f[1] = s.len;
      f[2] = s.stride;
      f[3] = table(s.twr);
      f[4] = table(s.twi);
      f[5] = table(s.cr);
      f[6] = table(s.ci);
    });
    return addr;
  }
  head[2] = 1;
  head[3] = p.m;
  head[5] = writePlan(mem, layout, p.inner);
  head[6] = table(p.tables.chr);
  head[7] = table(p.tables.chi);
  head[8] = table(p.tables.fbr);
  head[9] = table(p.tables.fbi);
  return addr;
}

/** Addresses of one H×W layout. */
interface Addresses {
  readonly rowPlan: number;
  readonly colPlan: number;
  readonly zr: number;
  readonly zi: number;
  readonly re: number;
  readonly im: number;
  readonly mr: number;
  mi: number;
  readonly plane: number;
  readonly staging: number;
  readonly work: number;
}

/**
 * The WebAssembly filter of `channels` H×W planes at a time (one image's
 * channels, sharing one multiplier), owning its instance of the kernels. Not reentrant.
 */
export class WasmRfft2 {
  /** Half-spectrum columns, floor(W/2) + 1. */
  readonly V: number;
  private readonly B: number;
  private readonly ld: number;
  private readonly pw: number;
  private readonly rowBlock: number;
  private readonly colBlock: number;
  private readonly at: Addresses;
  private stagingView: Float64Array | undefined;
  private complex = false;
  private end: number;

  /** Lays out the kernels' memory `k` for H×W (growing it when needed). */
  constructor(
    private readonly k: KernelExports,
    readonly H: number,
    readonly W: number,
    readonly channels = 1,
  ) {
    const V = this.V = (W >> 1) + 1, C = channels, rowsAll = C * H;
    // Odd counts of batched sequences (a zero pair of rows, a zero column where needed), and
    // plane rows not a multiple of 1 KiB apart: see kernels.c. The channels' planes are one
    // plane of C·H rows for the row transforms.
    const B = this.B = ((rowsAll + 1) >> 1) | 1, ld = this.ld = V | 1, pw = this.pw = W % 128 === 0 ? W + 8 : W;
    const rows = planSpec(W), cols = planSpec(H);
    const base = k.__heap_base.value as number;
    const rowBlock = this.rowBlock = blockOf(W, B), colBlock = this.colBlock = blockOf(H, ld);
    const work = Math.max(blockedWork(rows, B, rowBlock), blockedWork(cols, ld, colBlock));
    // The row pairs (zr, zi) and the staging plane are never in use at once: they share one region.
    const pairs = Math.max(2 * (W * B + SKEW), rowsAll * W);
    const values = pairs + 2 * rowsAll * ld + H * ld + rowsAll * pw + work;
    const need = base + planBytes(rows) + planBytes(cols) + 8 * values + 10 * block(0);
    grow(k, need);
    const mem = k.memory.buffer, layout = new Layout(base);
    const rowPlan = writePlan(mem, layout, rows), colPlan = writePlan(mem, layout, cols);
    const f64 = (n: number) => {
      const at = layout.take(8 * n);
      new Float64Array(mem, at, n).fill(0); // the padding stays zero (no stale values of another size)
      return at;
    };
    const shared = f64(pairs);
    this.at = {
      rowPlan,
      colPlan,
      zr: shared,
      zi: shared + 8 * (W * B + SKEW),
      re: f64(rowsAll * ld),
      im: f64(rowsAll * ld),
      mr: f64(H * ld),
      mi: 0, // made when a complex multiplier first comes
      plane: f64(rowsAll * pw),
      staging: shared,
      work: f64(work),
    };
    this.end = layout.at;
  }

  /** The channels' H×W planes one after the other (C·H rows), to fill before {@link commit}. */
  get staging(): Float64Array {
    const mem = this.k.memory.buffer;
    if (this.stagingView?.buffer !== mem) {
      this.stagingView = new Float64Array(mem, this.at.staging, this.channels * this.H * this.W);
    }
    return this.stagingView;
  }

  /** Takes {@link staging} as the planes to filter; returns whether every value is finite. */
  commit(): boolean {
    const { k, H, W, pw, at, channels } = this;
    return k.repitch(at.staging, at.plane, channels * H, W, W, pw) === 0;
  }

  /**
   * Copies the channels' planes at `src[off ..]` in (float32 is widened by
   * the kernels); returns whether every value is finite.
   */
  load(src: Float32Array | Float64Array, off: number): boolean {
    const { k, H, W, pw, at, channels } = this, n = channels * H * W, part = src.subarray(off, off + n);
    if (part instanceof Float64Array) {
      this.staging.set(part);
      return this.commit();
    }
    new Float32Array(k.memory.buffer, at.staging, n).set(part);
    return k.widen(at.staging, at.plane, channels * H, W, pw) === 0;
  }

  /** Copies the planes out to `dst[off ..]` (float32 rounds to nearest, as assignment does). */
  store(dst: Float32Array | Float64Array, off: number): void {
    const { k, H, W, pw, at, channels } = this, n = channels * H * W;
    if (dst instanceof Float32Array) {
      k.narrow(at.plane, at.staging, channels * H, W, pw);
      dst.set(new Float32Array(k.memory.buffer, at.staging, n), off);
    } else {
      // float64, or another type (float16) that must be rounded once, from float64, as assignment does.
      k.repitch(at.plane, at.staging, channels * H, W, pw, W);
      dst.set(this.staging, off);
    }
  }

  /** Takes the multiplier (H×V row-major; `im` null when real) for the following filters. */
  setMultiplier(re: Float64Array, im: Float64Array | null): void {
    const { H, V, ld, at } = this;
    const copy = (src: Float64Array, to: number) => {
      const dst = new Float64Array(this.k.memory.buffer, to, H * ld);
      if (ld === V) dst.set(src.subarray(0, H * V));
      else for (let u = 0; u < H; u++) dst.set(src.subarray(u * V, (u + 1) * V), u * ld);
    };
    copy(re, at.mr);
    if (im) {
      if (at.mi === 0) {
        grow(this.k, this.end + 8 * H * ld + 16);
        at.mi = align16(this.end);
        this.end = at.mi + 8 * H * ld;
      }
      copy(im, at.mi);
    }
    this.complex = im !== null;
  }

  /** rfft2 of each plane, times the multiplier, unscaled irfft2, in place. */
  filter(): void {
    const { k, H, W, B, ld, pw, at, rowBlock, colBlock, channels } = this, mi = this.complex ? at.mi : 0;
    k.rows_forward(at.plane, channels * H, W, pw, at.rowPlan, B, rowBlock, at.zr, at.zi, ld, at.re, at.im, at.work);
    k.filter_columns(at.re, at.im, H, ld, at.colPlan, colBlock, at.mr, mi, at.work, channels);
    k.rows_inverse(at.plane, channels * H, W, pw, at.rowPlan, B, rowBlock, at.zr, at.zi, ld, at.re, at.im, at.work, 1);
  }

  /** Batched in-place forward FFTs of length n along `count` interleaved sequences (for tests). */
  static fftMany(
    module: WebAssembly.Module,
    n: number,
    re: Float64Array,
    im: Float64Array,
    count: number,
    blockSize = count,
  ): void {
    const k = instantiate(module), p = planSpec(n), work = blockedWork(p, count, blockSize);
    const base = k.__heap_base.value as number;
    const need = base + planBytes(p) + 8 * (2 * n * count + work) + 3 * block(0);
    k.memory.grow(Math.ceil(need / 65536));
    const mem = k.memory.buffer, layout = new Layout(base);
    const plan = writePlan(mem, layout, p);
    const r = layout.take(8 * n * count), i = layout.take(8 * n * count), w = layout.take(8 * work);
    new Float64Array(mem, r, n * count).set(re);
    new Float64Array(mem, i, n * count).set(im);
    k.fft_many(plan, r, i, count, blockSize, w);
    re.set(new Float64Array(mem, r, n * count));
    im.set(new Float64Array(mem, i, n * count));
  }
}
