/**
 * The inputs of a run as jobs, and what a run shares while it works on
 * them: its arguments, its workers, its counts and how a job ends (one line
 * per input that failed, the progress bar moved once per input).
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import type { AugmentArgs } from "./args.ts";
import type { Accepts, Source } from "./codec.ts";
import type { CodecPool } from "./codec_pool.ts";
import type { Committer } from "./commit.ts";
import type { Progress } from "./progress.ts";

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

/** What `stop` carries: set `requested` to end after the inputs in flight; `cleanup` releases the lock. */
export interface Stop {
  requested: boolean;
  cleanup?: () => void;
}

/** One input being worked on. */
export interface Job {
  readonly rel: string;
  /** All its output names, by view. */
  readonly outs: readonly string[];
  /** The views to write. */
  readonly views: readonly number[];
  readonly seed: number;
  /** The decoded input, while views of it wait for a batch (batched runs). */
  source: Source | null;
  /** The input's bit depth (the PNG's, unless --bit-depth). */
  bitDepth: 8 | 16;
  /** Views not yet copied into a batch (batched runs). */
  unbatched: number;
  /** Views not yet finished (written or failed). */
  remaining: number;
  problem: string | null;
}

/** What the two ways of running (batched.ts, pipelined.ts) share. */
export interface RunContext {
  readonly pipeline: Pipeline;
  readonly args: AugmentArgs;
  readonly accepts: Accepts & { grayWhyNot?: string };
  readonly codecs: CodecPool;
  readonly summary: Summary;
  readonly stop: Stop;
  readonly commit: Committer;
  /** The tag of this params file's temporaries. */
  readonly tag: string;
  /** Says a note once (stderr). */
  note(line: string): void;
  /** Samples the peak RSS. */
  sampleRss(): void;
  /** A job's view is done (written, or failed with `job.problem`). */
  finish(job: Job): void;
  /** `samples` views of a job failed: the job's problem is `why` (its first). */
  fail(job: Job, why: string, samples: number): void;
}

/** How a run ends its jobs: one line per input that failed, the bar moved once per input. */
export function jobEnds(
  summary: Summary,
  progress: Progress,
  input: string,
  error: (line: string) => void,
): Pick<RunContext, "finish" | "fail"> {
  const finish = (job: Job) => {
    if (--job.remaining > 0) return;
    job.source = null;
    if (job.problem !== null) {
      error(`${input}/${job.rel}: ${job.problem}`);
      summary.failed++;
    } else summary.processed++;
    progress.add(1);
  };
  const fail = (job: Job, why: string, samples: number) => {
    job.problem ??= why;
    for (let i = 0; i < samples; i++) finish(job);
  };
  return { finish, fail };
}
