/**
 * The command line's worker threads: each reads, augments and encodes whole
 * inputs ({@link CodecPool.process}), or, when the batches run on the GPU
 * from the main thread, decodes inputs and encodes outputs
 * ({@link CodecPool.decode}, {@link CodecPool.encode}). Without workers
 * (`--workers 0`, or a runtime that cannot start them) decoding and encoding
 * run on the calling thread. A large JPEG is handled on a worker of its own
 * (see {@link ONE_SHOT_JPEG_BYTES}).
 *
 * A worker that dies (an uncaught error, a message that cannot be read)
 * fails the requests it held, each with a reason, and is replaced: nothing
 * waits for an answer that cannot come.
 *
 * @module
 */

import { MAX_WORKERS, type OutputFormat } from "./args.ts";
import { type Accepts, readImage, type Shape, type Source, writeImage, type Written } from "./codec.ts";
import { hardwareThreads, workersAvailable } from "../cpu/pool.ts";
import type { InputDone, InputShape, InputTask } from "./process_input.ts";

export type { Shape } from "./codec.ts";

/** A request to a worker. */
export type CodecRequest =
  | {
    readonly kind: "decode";
    readonly id: number;
    readonly path: string;
    readonly maxPixels: number;
    readonly accepts: Accepts;
    readonly size?: { readonly height: number; readonly width: number };
  }
  | {
    readonly kind: "encode";
    readonly id: number;
    readonly tmp: string;
    readonly data: Float32Array;
    readonly shape: Shape;
    readonly format: OutputFormat;
    readonly bitDepth: 8 | 16;
    readonly level: number;
  }
  | { readonly kind: "process"; readonly id: number; readonly task: InputTask };

/**
 * A worker's answer: a decoded source, a written output, an input done, or a
 * reason; or, before an input's answer, its decoded shape (`shape`).
 */
export type CodecReply =
  | {
    readonly id: number;
    readonly ok: true;
    readonly source?: Source;
    readonly written?: Written;
    readonly done?: InputDone;
  }
  | { readonly id: number; readonly ok: false; readonly reason: string }
  | { readonly id: number; readonly shape: InputShape };

const WORKER_URL = new URL("./codec_worker.ts", import.meta.url);

/** The buffers of a source, to transfer rather than copy. */
export function sourceBuffers(s: Source): Transferable[] {
  return [(s.planar ?? s.image!.data).buffer as ArrayBuffer];
}

/**
 * JPEGs of at least this many bytes (~a 2 MP photo) are decoded in a worker
 * of their own, ended after it: jpeg-js makes one small array per 8×8 block
 * (~500,000 for a 4000×3000 photo), and the heap they leave behind (~200-300
 * MB) would stay in the process — in each worker — under every later
 * input. Starting a worker costs ~0.1 s; decoding such a photo, seconds.
 */
export const ONE_SHOT_JPEG_BYTES = 1 << 20;

/** A request waiting for its answer. */
interface Waiting {
  readonly resolve: (r: CodecReply) => void;
  readonly onShape?: (s: InputShape) => void;
}

/** One worker and the requests it holds. */
interface Slot {
  worker: Worker;
  readonly waiting: Map<number, Waiting>;
}

/** A final answer's reason, or null when it succeeded. */
function failure(r: CodecReply): string | null {
  return "reason" in r ? r.reason : null;
}

function why(e: Event): string {
  const m = e instanceof ErrorEvent ? e.message : "";
  return m.trim() || "no reason given";
}

/** Starts a worker whose answers and death go to `slot`'s requests. */
function start(slot: Slot, onDeath: (slot: Slot, reason: string) => void): Worker {
  const worker = new Worker(WORKER_URL, { type: "module" });
  worker.onmessage = (e: MessageEvent<CodecReply>) => {
    const w = slot.waiting.get(e.data.id);
    if (!w) return;
    if ("shape" in e.data) {
      w.onShape?.(e.data.shape);
      return;
    }
    slot.waiting.delete(e.data.id);
    w.resolve(e.data);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    onDeath(slot, `worker failed (${why(e)})`);
  };
  worker.onmessageerror = () => onDeath(slot, "worker failed (an answer could not be read)");
  return worker;
}

/** Decodes and encodes (and processes whole inputs) on up to `size` workers, least busy first. */
export class CodecPool {
  private readonly slots: Slot[] = [];
  private next = 1;
  private readonly made = new Set<string>();
  private closed = false;

  /** Whether large JPEGs may be handled on a worker of their own (workers can be started). */
  private readonly oneShot: boolean;

  /** Workers that died and were replaced. */
  deaths = 0;

  /** How many inputs were handled on a worker of their own (for tests). */
  oneShots = 0;

  /** A pool of `size` workers (0: everything on the calling thread); large JPEGs apart (see {@link ONE_SHOT_JPEG_BYTES}). */
  constructor(size = CodecPool.defaultSize()) {
    this.oneShot = workersAvailable();
    if (!this.oneShot) return;
    for (let i = 0; i < size; i++) {
      const slot = { waiting: new Map() } as Slot;
      try {
        slot.worker = start(slot, (s, reason) => this.died(s, reason));
      } catch {
        break; // as many as could start (none: the calling thread does the work)
      }
      this.slots.push(slot);
    }
  }

  /** One worker per core (`navigator.hardwareConcurrency`), at most {@link MAX_WORKERS}. */
  static defaultSize(): number {
    return Math.min(MAX_WORKERS, hardwareThreads());
  }

  /**
   * Fails every request of a dead worker with `reason`, and starts another in
   * its place (or, when that cannot start, goes on with one worker fewer).
   */
  private died(slot: Slot, reason: string): void {
    slot.worker.terminate();
    const lost = [...slot.waiting];
    slot.waiting.clear();
    if (!this.closed) {
      this.deaths++;
      try {
        slot.worker = start(slot, (s, r) => this.died(s, r));
      } catch {
        this.slots.splice(this.slots.indexOf(slot), 1);
      }
    }
    for (const [id, w] of lost) w.resolve({ id, ok: false, reason });
  }

  /** Requests held by the workers now. */
  get busy(): number {
    return this.slots.reduce((n, s) => n + s.waiting.size, 0);
  }

  /** How many workers there are (0: the calling thread does the work). */
  get size(): number {
    return this.slots.length;
  }

  private send(req: CodecRequest, transfer: Transferable[], onShape?: (s: InputShape) => void): Promise<CodecReply> {
    if (this.closed || this.slots.length === 0) {
      return Promise.resolve({
        id: req.id,
        ok: false,
        reason: this.closed ? "the workers were ended" : "no worker left",
      });
    }
    const slot = this.slots.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    return new Promise((resolve) => {
      slot.waiting.set(req.id, { resolve, onShape });
      try {
        slot.worker.postMessage(req, { transfer });
      } catch (e) {
        slot.waiting.delete(req.id);
        resolve({ id: req.id, ok: false, reason: `cannot reach a worker (${e instanceof Error ? e.message : e})` });
      }
    });
  }

  /** Reads and decodes an input (see readImage); a reason on failure. */
  async decode(
    path: string,
    maxPixels: number,
    accepts: Accepts,
    size?: { height: number; width: number },
  ): Promise<Source | string> {
    const req = { kind: "decode", id: 0, path, maxPixels, accepts, size } as const;
    let r: CodecReply;
    if (await this.largeJpeg(path)) r = await this.alone(req);
    else if (this.slots.length === 0) return readImage(path, maxPixels, accepts, size);
    else r = await this.send({ ...req, id: this.next++ }, []);
    return failure(r) ?? (r as { source: Source }).source;
  }

  /**
   * Reads, augments and encodes one input on a worker (see
   * process_input.ts); `onShape` hears its decoded shape first. A reason when
   * the worker failed; the temporaries it may have left are the caller's.
   * Needs workers ({@link CodecPool.size} > 0).
   */
  async process(task: InputTask, onShape?: (s: InputShape) => void): Promise<InputDone> {
    const req = { kind: "process", id: 0, task } as const;
    const r = await this.largeJpeg(task.path)
      ? await this.alone(req, onShape)
      : await this.send({ ...req, id: this.next++ }, [], onShape);
    const reason = failure(r);
    return reason === null ? (r as { done: InputDone }).done : { ok: false, reason };
  }

  /** Whether `path` is named as a JPEG and is at least {@link ONE_SHOT_JPEG_BYTES}; false when it cannot tell. */
  private async largeJpeg(path: string): Promise<boolean> {
    if (!this.oneShot || !/\.(jpe?g|jfif)$/i.test(path)) return false;
    try {
      return (await Deno.stat(path)).size >= ONE_SHOT_JPEG_BYTES;
    } catch {
      return false; // readImage says why
    }
  }

  /** Runs one request on a worker of its own, ended afterwards (so is the heap it leaves). */
  private async alone(req: CodecRequest, onShape?: (s: InputShape) => void): Promise<CodecReply> {
    this.oneShots++;
    const slot = { waiting: new Map() } as Slot;
    let reason = "";
    slot.worker = start(slot, (_, r) => {
      reason = r;
      const w = slot.waiting.get(req.id);
      slot.waiting.clear();
      w?.resolve({ id: req.id, ok: false, reason: r });
    });
    try {
      return await new Promise<CodecReply>((resolve) => {
        slot.waiting.set(req.id, { resolve, onShape });
        slot.worker.postMessage(req);
      });
    } finally {
      slot.worker.terminate();
      if (reason) this.deaths++;
    }
  }

  /** Encodes one output and writes it to the temporary `tmp` (making its folder); a reason on failure. */
  async encode(
    tmp: string,
    data: Float32Array,
    shape: Shape,
    format: OutputFormat,
    bitDepth: 8 | 16,
    level: number,
  ): Promise<Written | string> {
    if (this.slots.length === 0) return writeImage(tmp, data, shape, format, bitDepth, level, this.made);
    const r = await this.send({ kind: "encode", id: this.next++, tmp, data, shape, format, bitDepth, level }, [
      data.buffer as ArrayBuffer,
    ]);
    return failure(r) ?? (r as { written: Written }).written;
  }

  /** Whether work goes to workers (data passed in is then transferred, so pass copies). */
  get threaded(): boolean {
    return this.slots.length > 0;
  }

  /** Ends the workers; requests still held fail. */
  close(): void {
    this.closed = true;
    for (const slot of this.slots) {
      slot.worker.terminate();
      for (const [id, w] of slot.waiting) w.resolve({ id, ok: false, reason: "the workers were ended" });
      slot.waiting.clear();
    }
    this.slots.length = 0;
  }
}
