/**
 * `freqaug augment`: a folder of images through a pipeline, streaming with
 * bounded memory. The run takes its params file's lock, removes its stale
 * temporaries, reconciles the params file with the outputs in place (see
 * ledger.ts), and then does every output that lacks a file or a line: on
 * the CPU backend with workers, each input whole on a worker
 * (pipelined.ts); on the WebGPU backend, or without workers, in batches
 * augmented on this thread (batched.ts). Each output is written to a
 * temporary, its line appended to the params file, and then renamed
 * (commit.ts).
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { resolveBackend } from "../api/backend.ts";
import { validateChannels } from "../api/validate.ts";
import type { Pipeline } from "../dsl/types.ts";
import type { AugmentArgs } from "./args.ts";
import { runBatched } from "./batched.ts";
import type { Accepts } from "./codec.ts";
import { CodecPool } from "./codec_pool.ts";
import { Committer } from "./commit.ts";
import { escapeLine } from "./escape.ts";
import { imageSeed, listInputs, nameProblem, outputNames, shardOf } from "./files.ts";
import { type Job, jobEnds, type RunContext, type Stop, type Summary } from "./jobs.ts";
import { reconcile, scanOutput, tempTag } from "./ledger.ts";
import { acquireLock } from "./lock.ts";
import { runPipelined } from "./pipelined.ts";
import { Progress } from "./progress.ts";
import { checkRunRecord } from "./run_record.ts";

export { rgb8 } from "./codec.ts";
export type { Stop, Summary } from "./jobs.ts";

/** Where lines go (each is escaped to one line before it is passed on). */
export interface Reporter {
  /** One line about one file (or folder) that failed or was skipped. */
  error(line: string): void;
  /** One line of warning or note (stderr too); defaults to `error`. */
  note?(line: string): void;
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

/**
 * Whether the pipeline runs on the CPU backend: `--backend cpu`, or `auto`
 * without a hardware WebGPU adapter (or for an op without a WebGPU plan).
 */
async function onCpu(pipeline: Pipeline, backend: AugmentArgs["backend"]): Promise<boolean> {
  if (backend !== "auto") return backend === "cpu";
  const r = await resolveBackend("auto", true, pipeline.ops);
  return E.isRight(r) && r.right.kind === "cpu";
}

/** Runs `augment` over a folder. `stop.requested` ends it after the inputs (or batches) in flight. */
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
    summary.peakRss = Math.max(summary.peakRss, Deno.memoryUsage().rss, highWaterRss());
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
  const codecs = new CodecPool(args.workers ?? CodecPool.defaultSize());
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
    const ends = jobEnds(summary, progress, args.input, error);
    const commit = new Committer({
      out,
      paramsName,
      paramsFile,
      existing,
      overwrite: args.overwrite,
      summary,
      ...ends,
    });
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
    const ctx: RunContext = {
      pipeline,
      args,
      accepts,
      codecs,
      summary,
      stop,
      commit,
      tag,
      note,
      sampleRss,
      ...ends,
    };
    if (jobs.length > 0) {
      if (codecs.size > 0 && await onCpu(pipeline, args.backend)) await runPipelined(ctx, jobs);
      else await runBatched(ctx, jobs);
    }
    await commit.drain();
    if (args.overwrite || commit.renameFailed) {
      // Drop the lines of the files rewritten, and any line of an output that could not be put in place.
      const now = await scanOutput(out, tag);
      await reconcile(`${out}/${paramsName}`, now.files, tag);
    }
  }
}

const STATUS = "/proc/self/status";

/**
 * The process's peak resident set so far where the kernel keeps it (Linux's
 * VmHWM), else 0: samples of the current RSS miss peaks between them.
 */
function highWaterRss(): number {
  try {
    // Read only where already allowed: an interactive Deno would otherwise ask for the permission.
    if (Deno.permissions.querySync({ name: "read", path: STATUS }).state !== "granted") return 0;
    const m = /^VmHWM:\s+(\d+) kB/m.exec(Deno.readTextFileSync(STATUS));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
