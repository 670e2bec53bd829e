/**
 * Image decoding and encoding for the command line, in worker threads when
 * the runtime allows (each PNG encode of a 224×224 image is ~5–10 ms, more
 * than the augmentation itself on a GPU), else on the calling thread. A
 * large JPEG is decoded on a worker of its own (see {@link ONE_SHOT_JPEG_BYTES}).
 *
 * @module
 */

import type { OutputFormat } from "./args.ts";
import { type Accepts, readImage, type Source, writeImage, type Written } from "./codec.ts";
import { hardwareThreads, workersAvailable } from "../cpu/pool.ts";
import { envVar } from "./env.ts";

/** The shape of one output. */
export interface Shape {
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
}

/** A job for a codec worker. */
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
  };

/** A codec worker's answer: a decoded source, a written output, or a reason. */
export type CodecReply =
  | { readonly id: number; readonly ok: true; readonly source?: Source; readonly written?: Written }
  | { readonly id: number; readonly ok: false; readonly reason: string };

const WORKER_URL = new URL("./codec_worker.ts", import.meta.url);

/** The buffers of a source, to transfer rather than copy. */
export function sourceBuffers(s: Source): Transferable[] {
  return [(s.planar ?? s.image!.data).buffer as ArrayBuffer];
}

/**
 * JPEGs of at least this many bytes (~a 2 MP photo) are decoded in a worker
 * of their own, ended after it: jpeg-js makes one small array per 8×8 block
 * (~500,000 for a 4000×3000 photo), and the heap they leave behind (~200-300
 * MB) would stay in the process — in each codec worker — under every later
 * batch. Starting a worker costs ~0.1 s; decoding such a photo, seconds.
 */
export const ONE_SHOT_JPEG_BYTES = 1 << 20;

/** Decodes and encodes on up to `size` workers, least busy first. */
export class CodecPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, (r: CodecReply) => void>();
  private next = 1;
  private readonly made = new Set<string>();

  /** Whether large JPEGs may be decoded on a worker of their own (workers can be started). */
  private readonly oneShot: boolean;

  /** A pool of `size` workers (0: everything on the calling thread); large JPEGs apart (see {@link ONE_SHOT_JPEG_BYTES}). */
  constructor(size = CodecPool.defaultSize()) {
    this.oneShot = workersAvailable();
    if (!this.oneShot) return;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_URL, { type: "module" });
      const slot = { worker, busy: 0 };
      worker.onmessage = (e: MessageEvent<CodecReply>) => {
        slot.busy--;
        const done = this.waiting.get(e.data.id);
        this.waiting.delete(e.data.id);
        done?.(e.data);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        for (const [id, done] of this.waiting) {
          done({ id, ok: false, reason: `codec worker failed (${e.message || "no reason given"})` });
        }
        this.waiting.clear();
      };
      this.workers.push(slot);
    }
  }

  /**
   * One worker per core beyond the first two (at most four): on two cores the
   * augmentation's workers keep both busy, and codec workers cost more
   * memory than they gain (measured on 400 images of 224×224: one worker,
   * same rate and +92 MiB peak; two, 64 vs 51 img/s and +132 MiB).
   * `FREQAUG_CODEC_WORKERS` overrides it.
   */
  static defaultSize(): number {
    const forced = envVar("FREQAUG_CODEC_WORKERS");
    if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(16, Number(forced));
    return Math.max(0, Math.min(4, hardwareThreads() - 2));
  }

  private send(req: CodecRequest, transfer: Transferable[]): Promise<CodecReply> {
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    return new Promise((resolve) => {
      this.waiting.set(req.id, resolve);
      slot.worker.postMessage(req, { transfer });
    });
  }

  /** Reads and decodes an input (see readImage); a reason on failure. */
  async decode(
    path: string,
    maxPixels: number,
    accepts: Accepts,
    size?: { height: number; width: number },
  ): Promise<Source | string> {
    if (await this.largeJpeg(path)) return this.decodeAlone(path, maxPixels, accepts, size);
    if (this.workers.length === 0) return readImage(path, maxPixels, accepts, size);
    const r = await this.send({ kind: "decode", id: this.next++, path, maxPixels, accepts, size }, []);
    return r.ok ? r.source! : r.reason;
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

  /** Decodes on a worker of its own, ended afterwards (so is the heap it leaves). */
  private async decodeAlone(
    path: string,
    maxPixels: number,
    accepts: Accepts,
    size?: { height: number; width: number },
  ): Promise<Source | string> {
    this.oneShots++;
    const worker = new Worker(WORKER_URL, { type: "module" });
    try {
      const reply = await new Promise<CodecReply>((resolve) => {
        worker.onmessage = (e: MessageEvent<CodecReply>) => resolve(e.data);
        worker.onerror = (e) => {
          e.preventDefault();
          resolve({ id: 0, ok: false, reason: `codec worker failed (${e.message || "no reason given"})` });
        };
        worker.postMessage({ kind: "decode", id: 0, path, maxPixels, accepts, size } satisfies CodecRequest);
      });
      return reply.ok ? reply.source! : reply.reason;
    } finally {
      worker.terminate();
    }
  }

  /** How many inputs were decoded on a worker of their own (for tests). */
  oneShots = 0;

  /** Encodes one output and writes it to the temporary `tmp` (making its folder); a reason on failure. */
  async encode(
    tmp: string,
    data: Float32Array,
    shape: Shape,
    format: OutputFormat,
    bitDepth: 8 | 16,
  ): Promise<Written | string> {
    if (this.workers.length === 0) return writeImage(tmp, data, shape, format, bitDepth, this.made);
    const r = await this.send({ kind: "encode", id: this.next++, tmp, data, shape, format, bitDepth }, [
      data.buffer as ArrayBuffer,
    ]);
    return r.ok ? r.written! : r.reason;
  }

  /** Whether work goes to workers (data passed in is then transferred, so pass copies). */
  get threaded(): boolean {
    return this.workers.length > 0;
  }

  /** Ends the workers. */
  close(): void {
    for (const { worker } of this.workers) worker.terminate();
    this.workers.length = 0;
  }
}
