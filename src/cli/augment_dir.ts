/**
 * `freqaug augment`: a folder of images through a pipeline, streaming with
 * bounded memory. Decoding runs ahead while up to two batches are augmented;
 * images are batched by size (a bounded number of pending images, whatever
 * the number of sizes); each output is written under a temporary name and
 * renamed, then its parameters are appended to params.jsonl, so an
 * interrupted run leaves whole files only and resumes where it stopped.
 *
 * @module
 */

import { augment } from "../api/augment.ts";
import type { Pipeline } from "../dsl/types.ts";
import { FreqaugError } from "../errors/error.ts";
import type { Decoded } from "../io/decode.ts";
import { sampleParams } from "../params/sample.ts";
import type { SampleParams } from "../params/types.ts";
import type { AugmentArgs } from "./args.ts";
import { imageSeed, listInputs, outputNames, shardOf } from "./files.ts";
import { Progress } from "./progress.ts";
import { CodecPool } from "./codec_pool.ts";

/** What a run did. */
export interface Summary {
  processed: number;
  skipped: number;
  failed: number;
  interrupted: boolean;
  backend?: string;
  seconds: number;
  /** Peak resident set size seen, in bytes. */
  peakRss: number;
}

/** Where lines go. */
export interface Reporter {
  /** One line about one file (or folder) that failed. */
  error(line: string): void;
}

interface Item {
  readonly rel: string;
  readonly outs: readonly string[];
  readonly image: Decoded;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

function reason(e: unknown): string {
  return e instanceof FreqaugError || e instanceof Error ? e.message : String(e);
}

/** Inputs decoded ahead of the batches on codec workers (2 on the calling thread). */
const LOOKAHEAD = 8;

/** The params file of a run: one per shard, so shards never write the same file. */
export function paramsFileName(shard: { index: number; count: number }): string {
  return shard.count === 1 ? "params.jsonl" : `params.shard-${shard.index}-of-${shard.count}.jsonl`;
}

/** Runs `augment` over a folder. `stop.requested` ends it after the batches in flight. */
export async function augmentDir(
  pipeline: Pipeline,
  args: AugmentArgs,
  report: Reporter,
  stop: { requested: boolean } = { requested: false },
): Promise<Summary> {
  const t0 = performance.now();
  const summary: Summary = { processed: 0, skipped: 0, failed: 0, interrupted: false, seconds: 0, peakRss: 0 };
  const sampleRss = () => {
    summary.peakRss = Math.max(summary.peakRss, Deno.memoryUsage().rss);
  };
  const listing = await listInputs(args.input);
  for (const e of listing.errors) {
    report.error(`${e.path}: ${e.reason}`);
    summary.failed++;
  }
  const names = outputNames(listing.files, args.views);
  const mine = listing.files.filter((f) => shardOf(f, args.shard.count) === args.shard.index);
  await Deno.mkdir(args.output, { recursive: true });
  const paramsFile = await Deno.open(`${args.output}/${paramsFileName(args.shard)}`, {
    append: true,
    create: true,
  });
  const encoder = new TextEncoder();
  const codecs = new CodecPool();
  const progress = new Progress(mine.length * args.views, args.quiet);
  const buckets = new Map<string, Item[]>();
  let pending = 0;
  const inflight: Promise<void>[] = [];
  const runBatch = async (items: Item[]) => {
    const { height, width } = items[0].image;
    const per = 3 * height * width, V = args.views;
    const data = new Float32Array(items.length * V * per);
    const params: SampleParams[] = [];
    for (let i = 0; i < items.length; i++) {
      for (let v = 0; v < V; v++) data.set(items[i].image.data, (i * V + v) * per);
      params.push(
        ...sampleParams(pipeline, { seed: imageSeed(args.seed, items[i].rel), count: V, height, width }),
      );
    }
    sampleRss();
    let result;
    try {
      result = await augment(pipeline, { data, count: items.length * V, channels: 3, height, width }, {
        params,
        backend: args.backend,
        quiet: true,
      });
      summary.backend = result.backend;
    } catch (e) {
      for (const it of items) report.error(`${args.input}/${it.rel}: cannot augment (${reason(e)})`);
      summary.failed += items.length;
      progress.add(items.length * V);
      return;
    }
    // Encode and write every output on the codec workers, then record the
    // parameters of each input whose outputs all landed.
    // The outputs' shape: a randomResizedCrop in the pipeline changes it.
    const { height: oh, width: ow } = result.images;
    const outPer = 3 * oh * ow;
    const written = items.map((it, i) =>
      Promise.all(it.outs.map((o, v) => {
        const k = i * V + v;
        const pixels = codecs.threaded
          ? result.images.data.slice(k * outPer, (k + 1) * outPer)
          : result.images.data.subarray(k * outPer, (k + 1) * outPer);
        return codecs.encode(`${args.output}/${o}`, pixels, oh, ow);
      }))
    );
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      const problems = (await written[i]).filter((p): p is string => p !== null);
      if (problems.length) {
        report.error(`${args.output}/${it.outs[0]}: ${problems[0]}`);
        summary.failed++;
      } else {
        const seed = imageSeed(args.seed, it.rel);
        const lines = it.outs.map((path, v) =>
          `${JSON.stringify({ path, input: it.rel, view: v, seed, params: params[i * V + v] })}\n`
        );
        await paramsFile.write(encoder.encode(lines.join("")));
        summary.processed++;
      }
      progress.add(V);
    }
    sampleRss();
  };

  const schedule = async (key: string) => {
    const items = buckets.get(key)!;
    buckets.delete(key);
    pending -= items.length;
    while (inflight.length >= 2) await inflight.shift();
    inflight.push(runBatch(items));
  };

  // Inputs are read and decoded ahead on the codec workers, a window of
  // them at a time, and taken in listing order.
  const prepare = async (rel: string) => {
    const outs = names.get(rel)!;
    if (!args.overwrite && (await Promise.all(outs.map((o) => exists(`${args.output}/${o}`)))).every(Boolean)) {
      return { rel, outs, image: null };
    }
    return { rel, outs, image: await codecs.decode(`${args.input}/${rel}`, args.maxPixels, args.size) };
  };
  const window: ReturnType<typeof prepare>[] = [];
  let next = 0;
  const fill = () => {
    while (window.length < (codecs.threaded ? LOOKAHEAD : 2) && next < mine.length) window.push(prepare(mine[next++]));
  };
  fill();
  while (window.length > 0 && !stop.requested) {
    const { rel, outs, image } = await window.shift()!;
    fill();
    if (image === null) {
      summary.skipped++;
      progress.add(outs.length);
      continue;
    }
    if (typeof image === "string") {
      report.error(`${args.input}/${rel}: ${image}`);
      summary.failed++;
      progress.add(outs.length);
      continue;
    }
    const key = `${image.height}x${image.width}`;
    const bucket = buckets.get(key) ?? [];
    bucket.push({ rel, outs, image });
    buckets.set(key, bucket);
    pending++;
    if (bucket.length >= args.batch) await schedule(key);
    else if (pending > 4 * args.batch) {
      // Many sizes: run the fullest bucket rather than hold more images.
      const fullest = [...buckets.entries()].sort((a, b) => b[1].length - a[1].length)[0][0];
      await schedule(fullest);
    }
  }
  await Promise.allSettled(window);
  if (stop.requested) summary.interrupted = true;
  else for (const key of [...buckets.keys()]) await schedule(key);
  await Promise.all(inflight);
  codecs.close();
  paramsFile.close();
  progress.end();
  summary.seconds = (performance.now() - t0) / 1000;
  sampleRss();
  return summary;
}
