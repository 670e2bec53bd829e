/**
 * A run in batches augmented on this thread: the way of the WebGPU backend
 * (the GPU wants large batches, fed from one thread) and of `--workers 0`.
 * Decoding runs ahead (on the workers, when there are any) within a pixel
 * budget; samples (input × view) are batched by (height, width, channels)
 * within the same budget and `--batch`; up to two batches are augmented at
 * once; each output is encoded and written to its temporary (on the
 * workers, when there are any) and then put in place (commit.ts).
 *
 * @module
 */

import { augment } from "../api/augment.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import { rgb8, type Source, writePlanar } from "./codec.ts";
import type { Output } from "./commit.ts";
import type { Job, RunContext } from "./jobs.ts";
import { tempPath } from "./ledger.ts";

function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.trim() || "no reason given";
}

interface Sample {
  readonly job: Job;
  readonly view: number;
}

/** Runs `jobs` in batches (see the module's documentation). */
export async function runBatched(ctx: RunContext, jobs: readonly Job[]): Promise<void> {
  const { pipeline, args, accepts, codecs, summary, stop, fail, tag } = ctx;
  const out = args.output;
  let noted = false;

  const runBatch = async (samples: Sample[]) => {
    const { height, width, channels } = samples[0].job.source!;
    const per = channels * height * width;
    // 8-bit RGB inputs go in as their bytes (NHWC; byte v stands for the float32 of v / 255, the
    // value writePlanar gives): a quarter of a float batch, and a batch of one is the decoded image.
    const bytes = samples.every((s) => rgb8(s.job.source!));
    let data: Float32Array | Uint8Array | null = bytes
      ? (samples.length === 1 ? samples[0].job.source!.image!.data as Uint8Array : new Uint8Array(samples.length * per))
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
    ctx.sampleRss();
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
      // Without workers this thread does everything: the CPU backend too.
      const workers = codecs.threaded ? undefined : 0;
      result = await augment(pipeline, batch, { params, backend: args.backend, quiet: true, workers }) as {
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
      return codecs.encode(tmp, pixels, { channels, height: oh, width: ow }, args.format, depth, args.compression);
    }));
    ctx.sampleRss();
    const outputs: Output[] = [];
    for (let k = 0; k < samples.length; k++) {
      const s = samples[k], w = written[k];
      if (typeof w === "string") fail(s.job, w, 1);
      else outputs.push({ job: s.job, view: s.view, tmp: w.tmp, clipped: w.clipped, params: params[k] });
    }
    await ctx.commit.commit(outputs);
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

  // Decoding runs ahead on the workers, in listing order, while the
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
        ctx.note(
          `freqaug: gray inputs run as RGB and are written as RGB: ${accepts.grayWhyNot ?? "1 channel refused"}`,
        );
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
}
