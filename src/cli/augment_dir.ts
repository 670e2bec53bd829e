/**
 * `freqaug augment`: a folder of images through a pipeline, streaming with
 * bounded memory. The run takes its params file's lock, removes its stale
 * temporaries, reconciles the params file with the outputs in place (see
 * ledger.ts), and then does every output that lacks a file or a line.
 * Decoding runs ahead within a pixel budget; samples (input × view) are
 * batched by (height, width, channels) within the same budget and `--batch`;
 * up to two batches are augmented at once. Each output is written to a
 * temporary, its line appended to the params file, and then renamed.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { augment } from "../api/augment.ts";
import { validateChannels } from "../api/validate.ts";
import type { Pipeline } from "../dsl/types.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import type { AugmentArgs } from "./args.ts";
import { type Accepts, type Source, writePlanar } from "./codec.ts";
import { CodecPool } from "./codec_pool.ts";
import { crashPoints } from "./crash_point.ts";
import { escapeLine } from "./escape.ts";
import { imageSeed, listInputs, nameProblem, outputNames, shardOf } from "./files.ts";
import { reconcile, scanOutput, tempPath, tempTag, writeAll } from "./ledger.ts";
import { acquireLock } from "./lock.ts";
import { Progress } from "./progress.ts";
import { checkRunRecord } from "./run_record.ts";

/** What a run did. */
export interface Summary {
  /** Inputs whose missing outputs were all written. */
  processed: number;
  /** Inputs whose outputs were all there already. */
  skipped: number;
  /** Inputs (and folders) that failed, each said on its own line. */
  failed: number;
  /** Entries that are not regular files (links, FIFOs, ...), each said on its own line. */
  ignored: number;
  /** Outputs written. */
  written: number;
  /** PNG outputs with values outside [0, 1] clipped, and how many values. */
  clipped: { outputs: number; values: number };
  interrupted: boolean;
  /** Set when another run holds the params file's lock: why. Nothing was done. */
  locked?: string;
  /** Set when the output folder cannot be made or locked: why. Nothing was done. */
  unusable?: string;
  backend?: string;
  seconds: number;
  /** Peak resident set size seen, in bytes. */
  peakRss: number;
  /**
   * Most pixels held at once, counted as samples (input × view): the inputs
   * decoded (each once its size is known), the samples waiting for a batch
   * and the batches running. At most `--batch-pixels`, or one input's
   * samples over it, while the inputs have one size.
   */
  peakPixels: number;
}

/** Where lines go (each is escaped to one line before it is passed on). */
export interface Reporter {
  /** One line about one file (or folder) that failed or was skipped. */
  error(line: string): void;
  /** One line of warning or note (stderr too); defaults to `error`. */
  note?(line: string): void;
}

/** What `stop` carries: set `requested` to end after the batches in flight; `cleanup` releases the lock. */
export interface Stop {
  requested: boolean;
  cleanup?: () => void;
}

function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.trim() || "no reason given";
}

/** The params file of a run: one per shard, so shards never write the same file. */
export function paramsFileName(shard: { index: number; count: number }): string {
  return shard.count === 1 ? "params.jsonl" : `params.shard-${shard.index}-of-${shard.count}.jsonl`;
}

/** Which channel counts the pipeline takes, and why not 1 (for the note). */
export function acceptedChannels(pipeline: Pipeline): Accepts & { grayWhyNot?: string } {
  const gray = validateChannels(pipeline, 1), rgb = validateChannels(pipeline, 3);
  return {
    gray: E.isRight(gray),
    rgb: E.isRight(rgb),
    grayWhyNot: E.isLeft(gray) ? gray.left.message : undefined,
  };
}

/** Whether a decoded input can go into a batch as its own RGB bytes (8-bit, 3 channels, not resized). */
export function rgb8(s: Source): boolean {
  return s.image !== null && s.bitDepth === 8 && s.channels === 3 && s.image.channels === 3 &&
    s.image.data instanceof Uint8Array;
}

/** One input being worked on. */
interface Job {
  readonly rel: string;
  /** All its output names, by view. */
  readonly outs: readonly string[];
  /** The views to write. */
  readonly views: readonly number[];
  readonly seed: number;
  source: Source | null;
  /** The input's bit depth (the PNG's, unless --bit-depth). */
  bitDepth: 8 | 16;
  /** Views not yet copied into a batch. */
  unbatched: number;
  /** Views not yet finished (written or failed). */
  remaining: number;
  problem: string | null;
}

interface Sample {
  readonly job: Job;
  readonly view: number;
}

/** Runs `augment` over a folder. `stop.requested` ends it after the batches in flight. */
export async function augmentDir(
  pipeline: Pipeline,
  args: AugmentArgs,
  report: Reporter,
  stop: Stop = { requested: false },
): Promise<Summary> {
  const t0 = performance.now();
  const summary: Summary = {
    processed: 0,
    skipped: 0,
    failed: 0,
    ignored: 0,
    written: 0,
    clipped: { outputs: 0, values: 0 },
    interrupted: false,
    seconds: 0,
    peakRss: 0,
    peakPixels: 0,
  };
  const sampleRss = () => {
    summary.peakRss = Math.max(summary.peakRss, Deno.memoryUsage().rss);
  };
  const error = (l: string) => report.error(escapeLine(l));
  const note = (l: string) => (report.note ?? report.error)(escapeLine(l));
  const out = args.output;
  const paramsName = paramsFileName(args.shard);
  let taken: ReturnType<typeof acquireLock>;
  try {
    await Deno.mkdir(out, { recursive: true });
    taken = acquireLock(`${out}/${paramsName}.lock`);
  } catch (e) {
    summary.unusable = `${out}: cannot use the output folder (${reason(e)})`;
    return summary;
  }
  if ("held" in taken) {
    summary.locked = taken.held;
    return summary;
  }
  const lock = taken.lock;
  if (taken.warning) note(taken.warning);
  stop.cleanup = () => lock.release();
  const codecs = new CodecPool();
  try {
    return await run();
  } finally {
    codecs.close();
    lock.release();
    stop.cleanup = undefined;
  }

  async function run(): Promise<Summary> {
    const record = await checkRunRecord(out, paramsName, pipeline, args);
    if (record.refused !== undefined) return { ...summary, unusable: record.refused };
    if (record.warning) note(record.warning);
    const accepts = acceptedChannels(pipeline);
    const ext = args.format;
    const listing = await listInputs(args.input, {
      followSymlinks: args.followSymlinks,
      exclude: await Deno.realPath(out).catch(() => undefined),
    });
    for (const e of listing.errors) {
      error(`${e.path}: ${e.reason}`);
      summary.failed++;
    }
    for (const s of listing.skipped) {
      error(`${s.path}: skipped: ${s.reason}`);
      summary.ignored++;
    }
    const { names, renamed } = outputNames(listing.files, args.views, ext);
    const mine = listing.files.filter((f) => shardOf(f, args.shard.count) === args.shard.index);
    const mineSet = new Set(mine);
    for (const [rel, other, instead] of renamed) {
      if (mineSet.has(rel)) {
        note(`freqaug: ${args.input}/${rel} would write the output of ${args.input}/${other}; it writes ${instead}`);
      }
    }
    const tag = tempTag(paramsName);
    const scan = await scanOutput(out, tag);
    const paramsPath = `${out}/${paramsName}`;
    const ledger = await reconcile(paramsPath, scan.files, tag);
    if (ledger.dropped > 0) {
      note(`freqaug: ${paramsPath}: dropped ${ledger.dropped} line(s) (torn, doubled or without their output)`);
    }
    const paramsFile = await Deno.open(paramsPath, { append: true, create: true });
    const progress = new Progress(mine.length + listing.errors.length, args.quiet);
    progress.add(listing.errors.length);
    try {
      await process(mine, names, scan.files, ledger.recorded, paramsFile, tag, accepts, progress);
    } finally {
      paramsFile.close();
      progress.end();
    }
    if (summary.clipped.outputs > 0) {
      note(
        `freqaug: warning: ${summary.clipped.outputs} of ${summary.written} outputs had values outside [0, 1] ` +
          `(${summary.clipped.values} values), clipped in the PNG; write --format npy to keep them, ` +
          `or end the spec with clamp to clip on purpose`,
      );
    }
    if (record.finish && !summary.interrupted) await record.finish();
    summary.seconds = (performance.now() - t0) / 1000;
    sampleRss();
    return summary;
  }

  async function process(
    mine: readonly string[],
    names: Map<string, string[]>,
    existing: Set<string>,
    recorded: Set<string>,
    paramsFile: Deno.FsFile,
    tag: string,
    accepts: Accepts & { grayWhyNot?: string },
    progress: Progress,
  ): Promise<void> {
    const encoder = new TextEncoder();
    const crash = crashPoints();
    let appending = Promise.resolve();
    let noted = false;
    let renameFailed = false;
    const finish = (job: Job) => {
      if (--job.remaining > 0) return;
      job.source = null;
      if (job.problem !== null) {
        error(`${args.input}/${job.rel}: ${job.problem}`);
        summary.failed++;
      } else summary.processed++;
      progress.add(1);
    };
    const fail = (job: Job, why: string, samples: number) => {
      job.problem ??= why;
      for (let i = 0; i < samples; i++) finish(job);
    };

    const runBatch = async (samples: Sample[]) => {
      const { height, width, channels } = samples[0].job.source!;
      const per = channels * height * width;
      // 8-bit RGB inputs go in as their bytes (NHWC; byte v stands for the float32 of v / 255, the
      // value writePlanar gives): a quarter of a float batch, and a batch of one is the decoded image.
      const bytes = samples.every((s) => rgb8(s.job.source!));
      let data: Float32Array | Uint8Array | null = bytes
        ? (samples.length === 1
          ? samples[0].job.source!.image!.data as Uint8Array
          : new Uint8Array(samples.length * per))
        : new Float32Array(samples.length * per);
      const params: SampleParams[] = [];
      for (let at = 0; at < samples.length; at++) {
        const { job, view } = samples[at];
        if (bytes && samples.length === 1) {
          // The batch is the decoded image itself.
        } else if (at > 0 && samples[at - 1].job === job) data.copyWithin(at * per, (at - 1) * per, at * per);
        else if (bytes) data.set(job.source!.image!.data, at * per);
        else writePlanar(job.source!, data as Float32Array, at * per);
        params.push(sampleParams(pipeline, { seed: job.seed, count: 1, offset: view, height, width })[0]);
        // Its pixels are in the batch: once every view is, the decoded input can go.
        if (--job.unbatched === 0) job.source = null;
      }
      sampleRss();
      let result;
      try {
        const batch = bytes
          ? {
            data: data as Uint8Array,
            layout: "NHWC" as const,
            count: samples.length,
            channels: 3 as const,
            height,
            width,
          }
          : { data: data as Float32Array, count: samples.length, channels, height, width };
        data = null; // held by the call only, so it can go as soon as the backend is done with it
        result = await augment(pipeline, batch, { params, backend: args.backend, quiet: true }) as {
          backend: string;
          images: { data: Float32Array; height: number; width: number };
        };
        summary.backend = result.backend;
      } catch (e) {
        for (const s of samples) fail(s.job, `cannot augment (${reason(e)})`, 1);
        return;
      }
      // The outputs' shape: a randomResizedCrop in the pipeline changes it.
      const { height: oh, width: ow } = result.images;
      const outPer = channels * oh * ow;
      const written = await Promise.all(samples.map((s, k) => {
        const pixels = codecs.threaded
          ? result.images.data.slice(k * outPer, (k + 1) * outPer)
          : result.images.data.subarray(k * outPer, (k + 1) * outPer);
        const tmp = tempPath(`${out}/${s.job.outs[s.view]}`, tag);
        const depth = args.bitDepth ?? s.job.bitDepth;
        return codecs.encode(tmp, pixels, { channels, height: oh, width: ow }, args.format, depth);
      }));
      sampleRss();
      crash("written");
      // Each output: remove an old file in its place, append its line, then rename.
      const ready: { s: Sample; tmp: string }[] = [];
      const lines: string[] = [];
      for (let k = 0; k < samples.length; k++) {
        const s = samples[k], w = written[k], path = s.job.outs[s.view];
        if (typeof w === "string") {
          fail(s.job, w, 1);
          continue;
        }
        if (w.clipped > 0) {
          summary.clipped.outputs++;
          summary.clipped.values += w.clipped;
        }
        if (existing.has(path) || args.overwrite) {
          try {
            await Deno.remove(`${out}/${path}`);
          } catch (e) {
            if (!(e instanceof Deno.errors.NotFound)) {
              await Deno.remove(w.tmp).catch(() => {});
              fail(s.job, `cannot replace ${out}/${path} (${reason(e)})`, 1);
              continue;
            }
          }
          crash("removed");
        }
        ready.push({ s, tmp: w.tmp });
        lines.push(
          `${JSON.stringify({ path, input: s.job.rel, view: s.view, seed: s.job.seed, params: params[k] })}\n`,
        );
      }
      if (ready.length === 0) return;
      const appended = appending.then(() => writeAll(paramsFile, encoder.encode(lines.join(""))));
      appending = appended.catch(() => {});
      try {
        await appended;
      } catch (e) {
        for (const { s, tmp } of ready) {
          await Deno.remove(tmp).catch(() => {});
          fail(s.job, `cannot write ${out}/${paramsName} (${reason(e)})`, 1);
        }
        return;
      }
      crash("appended");
      for (const { s, tmp } of ready) {
        try {
          await Deno.rename(tmp, `${out}/${s.job.outs[s.view]}`);
          crash("renamed");
          summary.written++;
          finish(s.job);
        } catch (e) {
          renameFailed = true;
          await Deno.remove(tmp).catch(() => {});
          fail(s.job, `cannot write ${out}/${s.job.outs[s.view]} (${reason(e)})`, 1);
        }
      }
    };

    // Batching: samples wait in buckets by shape; a bucket runs when it holds
    // --batch samples or its pixels would pass the budget, or when all the
    // buckets together hold more pixels than the budget (many sizes).
    const budget = args.batchPixels;
    const buckets = new Map<string, { samples: Sample[]; pixels: number }>();
    let pendingPixels = 0;
    // At most two batches at once, and a second only while both fit the budget.
    const inflight: { done: Promise<void>; pixels: number }[] = [];
    const running = () => inflight.reduce((n, f) => n + f.pixels, 0);
    // Pixels held now, counted as samples: decoded (or being decoded, once known), waiting, running.
    // `known` are those of inputs decoded and not yet taken from the window (`ahead` counts guesses too).
    let known = 0;
    const held = (px: number) => {
      known += px;
      summary.peakPixels = Math.max(summary.peakPixels, known + pendingPixels + running());
    };
    const schedule = async (key: string) => {
      const b = buckets.get(key)!;
      buckets.delete(key);
      pendingPixels -= b.pixels;
      while (
        inflight.length >= 2 || (inflight.length > 0 && running() + b.pixels > budget)
      ) {
        await inflight.shift()!.done;
      }
      inflight.push({ done: runBatch(b.samples), pixels: b.pixels });
      held(0);
    };
    const add = async (job: Job) => {
      const s = job.source!;
      const key = `${s.height}x${s.width}x${s.channels}`, px = s.height * s.width;
      for (const view of job.views) {
        let b = buckets.get(key);
        if (b && (b.samples.length >= args.batch || b.pixels + px > budget)) {
          await schedule(key);
          b = undefined;
        }
        if (!b) buckets.set(key, b = { samples: [], pixels: 0 });
        b.samples.push({ job, view });
        b.pixels += px;
        pendingPixels += px;
      }
      const b = buckets.get(key);
      if (b && (b.samples.length >= args.batch || b.pixels >= budget)) await schedule(key);
      while (pendingPixels > budget && buckets.size > 0) {
        const fullest = [...buckets.entries()].sort((x, y) => y[1].pixels - x[1].pixels)[0][0];
        await schedule(fullest);
      }
    };

    // The jobs: every input of this shard with an output lacking a file or a line.
    const jobs: Job[] = [];
    for (const rel of mine) {
      const outs = names.get(rel)!;
      const tooLong = nameProblem(out, outs);
      if (tooLong !== null) {
        error(`${args.input}/${rel}: ${tooLong}`);
        summary.failed++;
        progress.add(1);
        continue;
      }
      const views = outs.flatMap((o, v) => (args.overwrite || !(existing.has(o) && recorded.has(o)) ? [v] : []));
      if (views.length === 0) {
        summary.skipped++;
        progress.add(1);
      } else {
        const seed = imageSeed(args.seed, rel);
        jobs.push({
          rel,
          outs,
          views,
          seed,
          source: null,
          bitDepth: 8,
          unbatched: views.length,
          remaining: views.length,
          problem: null,
        });
      }
    }

    // Decoding runs ahead on the codec workers, in listing order, while the
    // inputs being decoded (each counted at the size of the last one decoded
    // until its own is known), those decoded and not yet batched, and the
    // batches running stay within the pixel budget. Until one size is known,
    // one input is decoded at a time. When nothing fits, the oldest batch is
    // awaited (or the fullest bucket run) first; an input over the budget is
    // decoded alone.
    const maxAhead = codecs.threaded ? 8 : 2;
    let ahead = 0, guess = 0;
    const window: Promise<Source | string>[] = [];
    let next = 0;
    const fits = () => (guess > 0 || window.length === 0) && pendingPixels + ahead + running() + guess <= budget;
    const fill = () => {
      const idle = () => window.length === 0 && running() === 0 && pendingPixels === 0;
      while (next < jobs.length && window.length < maxAhead && (fits() || idle())) {
        // Counted as the samples it will make (one per view to write).
        const job = jobs[next++], counted = guess * job.views.length;
        ahead += counted;
        window.push(
          codecs.decode(`${args.input}/${job.rel}`, args.maxPixels, accepts, args.size).then((s) => {
            const px = typeof s === "string" ? 0 : s.height * s.width;
            ahead += px * job.views.length - counted;
            if (px > 0) guess = px;
            held(px * job.views.length);
            return s;
          }),
        );
      }
    };
    let taken = 0;
    while (!stop.requested) {
      fill();
      if (window.length === 0) {
        if (next >= jobs.length) break;
        // Nothing fits the budget: make room, then try again.
        if (inflight.length > 0) await inflight.shift()!.done;
        else await schedule([...buckets.entries()].sort((x, y) => y[1].pixels - x[1].pixels)[0][0]);
        continue;
      }
      const source = await window.shift()!;
      const job = jobs[taken++];
      if (typeof source !== "string") {
        ahead -= source.height * source.width * job.views.length;
        known -= source.height * source.width * job.views.length;
      }
      if (typeof source === "string") fail(job, source, job.remaining);
      else {
        if (source.gray && source.channels === 3 && !noted) {
          noted = true;
          note(`freqaug: gray inputs run as RGB and are written as RGB: ${accepts.grayWhyNot ?? "1 channel refused"}`);
        }
        job.source = source;
        job.bitDepth = source.bitDepth;
        await add(job);
      }
    }
    await Promise.allSettled(window);
    if (stop.requested) summary.interrupted = true;
    else for (const key of [...buckets.keys()]) await schedule(key);
    await Promise.all(inflight.map((f) => f.done));
    await appending;
    if (args.overwrite || renameFailed) {
      // Drop the lines of the files rewritten, and any line of an output that could not be put in place.
      const now = await scanOutput(out, tag);
      await reconcile(`${out}/${paramsName}`, now.files, tag);
    }
  }
}
