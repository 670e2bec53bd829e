/**
 * One input's whole way on a worker: read and decode it, draw its views'
 * parameters, augment them on the CPU backend (on the calling thread, in
 * chunks of at most `batch` views), encode each output and write it to the
 * temporary the caller named. The caller then appends the lines and renames
 * the temporaries (see ledger.ts). Never throws: failures are reasons.
 *
 * @module
 */

import { augment } from "../api/augment.ts";
import type { Pipeline } from "../dsl/types.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import type { OutputFormat } from "./args.ts";
import { type Accepts, readImage, rgb8, type Source, writeImage, writePlanar } from "./codec.ts";

/** What to do with one input. */
export interface InputTask {
  /** The input file. */
  readonly path: string;
  readonly maxPixels: number;
  readonly accepts: Accepts;
  /** Resize to this first (--size). */
  readonly size?: { readonly height: number; readonly width: number };
  readonly pipeline: Pipeline;
  /** The input's seed. */
  readonly seed: number;
  /** The views to write. */
  readonly views: readonly number[];
  /** The temporary of each view, in the order of `views`. */
  readonly tmps: readonly string[];
  readonly format: OutputFormat;
  /** The PNG bit depth; absent: the input's. */
  readonly bitDepth?: 8 | 16;
  /** zlib level of the PNGs, 0..9. */
  readonly level: number;
  /** The most views augmented at once. */
  readonly batch: number;
}

/** The decoded input, as the caller needs it for its counts and notes. */
export interface InputShape {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** Whether the input was gray (run as `channels`). */
  readonly gray: boolean;
}

/** One view's outcome: its temporary written (with its parameters), or why not. */
export type ViewDone =
  | {
    readonly view: number;
    readonly tmp: string;
    readonly clipped: number;
    readonly params: SampleParams;
  }
  | { readonly view: number; readonly reason: string };

/** What became of an input: why it could not be read, or each view's outcome. */
export type InputDone =
  | { readonly ok: false; readonly reason: string }
  | { readonly ok: true; readonly shape: InputShape; readonly views: readonly ViewDone[] };

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.trim() || "no reason given";
}

/**
 * Does `task` (see the module's documentation); `onShape` hears the decoded
 * size before anything is augmented. `made` remembers the folders made.
 */
export async function processInput(
  task: InputTask,
  made: Set<string>,
  onShape: (shape: InputShape) => void = () => {},
): Promise<InputDone> {
  const source = await readImage(task.path, task.maxPixels, task.accepts, task.size);
  if (typeof source === "string") return { ok: false, reason: source };
  const shape: InputShape = {
    height: source.height,
    width: source.width,
    channels: source.channels,
    gray: source.gray,
  };
  onShape(shape);
  const done: ViewDone[] = [];
  const at = new Map(task.views.map((v, i) => [v, task.tmps[i]]));
  for (let from = 0; from < task.views.length; from += task.batch) {
    const views = task.views.slice(from, from + task.batch);
    done.push(...await chunk(task, source, views, at, made));
  }
  return { ok: true, shape, views: done };
}

/** Augments, encodes and writes some views of one input. */
async function chunk(
  task: InputTask,
  source: Source,
  views: readonly number[],
  tmps: ReadonlyMap<number, string>,
  made: Set<string>,
): Promise<ViewDone[]> {
  const { height, width, channels } = source;
  const per = channels * height * width, n = views.length;
  const params = views.map((view) =>
    sampleParams(task.pipeline, { seed: task.seed, count: 1, offset: view, height, width })[0]
  );
  let images: { data: Float32Array; height: number; width: number };
  try {
    // 8-bit RGB goes in as its bytes (NHWC; byte v stands for the float32 of v / 255, as writePlanar gives).
    let batch;
    if (rgb8(source)) {
      const bytes = source.image!.data as Uint8Array;
      let data = bytes;
      if (n > 1) {
        data = new Uint8Array(n * per);
        for (let k = 0; k < n; k++) data.set(bytes, k * per);
      }
      batch = { data, layout: "NHWC" as const, count: n, channels: 3 as const, height, width };
    } else {
      const data = new Float32Array(n * per);
      writePlanar(source, data, 0);
      for (let k = 1; k < n; k++) data.copyWithin(k * per, 0, per);
      batch = { data, count: n, channels, height, width };
    }
    const result = await augment(task.pipeline, batch, { params, backend: "cpu", workers: 0, quiet: true });
    images = result.images as { data: Float32Array; height: number; width: number };
  } catch (e) {
    return views.map((view) => ({ view, reason: `cannot augment (${message(e)})` }));
  }
  // The outputs' shape: a randomResizedCrop in the pipeline changes it.
  const { height: oh, width: ow } = images;
  const outPer = channels * oh * ow;
  const depth = task.bitDepth ?? source.bitDepth;
  const out: ViewDone[] = [];
  for (let k = 0; k < n; k++) {
    const view = views[k], tmp = tmps.get(view)!;
    const pixels = images.data.subarray(k * outPer, (k + 1) * outPer);
    const w = await writeImage(tmp, pixels, { channels, height: oh, width: ow }, task.format, depth, task.level, made);
    out.push(typeof w === "string" ? { view, reason: w } : { view, tmp, clipped: w.clipped, params: params[k] });
  }
  return out;
}
