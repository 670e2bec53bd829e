/**
 * A run on the CPU backend with workers: each input goes whole to a worker,
 * which reads, decodes, augments and encodes it and writes its outputs to
 * the temporaries named here (process_input.ts); this thread only schedules,
 * then puts the outputs in place in the ledger's order (commit.ts).
 *
 * Inputs go out in listing order, at most two per worker, while the pixels
 * held stay within `--batch-pixels`: each input in flight counts as its
 * samples (pixels × views to write), at the size of the last input decoded
 * until a worker says its own; until one size is known, and whenever one
 * does not fit, one input is in flight alone. An input whose worker died
 * fails with a line (its temporaries removed); the run goes on.
 *
 * @module
 */

import type { Output } from "./commit.ts";
import type { InputShape, InputTask } from "./process_input.ts";
import type { Job, RunContext } from "./jobs.ts";
import { tempPath } from "./ledger.ts";

function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.trim() || "no reason given";
}

/** An input in flight. */
interface Flight {
  /** Its pixels × views as counted now (a guess until its size is known). */
  counted: number;
  /** Whether its size is known. */
  known: boolean;
}

/** Runs `jobs` on the workers (see the module's documentation). */
export async function runPipelined(ctx: RunContext, jobs: readonly Job[]): Promise<void> {
  const { pipeline, args, accepts, codecs, summary, stop, fail, tag } = ctx;
  const out = args.output;
  const budget = args.batchPixels;
  const most = 2 * Math.max(1, codecs.size);
  const flights = new Set<Flight>();
  /** Inputs whose outputs are being put in place. */
  const committing = new Set<Promise<void>>();
  let guess = 0, noted = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    wake?.();
    wake = null;
  };
  const counted = () => {
    let n = 0;
    for (const f of flights) n += f.counted;
    return n;
  };
  const peak = () => {
    let n = 0;
    for (const f of flights) if (f.known) n += f.counted;
    summary.peakPixels = Math.max(summary.peakPixels, n);
  };

  const launch = (job: Job) => {
    const tmps = job.views.map((v) => tempPath(`${out}/${job.outs[v]}`, tag));
    const task: InputTask = {
      path: `${args.input}/${job.rel}`,
      maxPixels: args.maxPixels,
      accepts: { gray: accepts.gray, rgb: accepts.rgb },
      size: args.size,
      pipeline,
      seed: job.seed,
      views: job.views,
      tmps,
      format: args.format,
      bitDepth: args.bitDepth,
      level: args.compression,
      batch: args.batch,
    };
    const flight: Flight = { counted: guess * job.views.length, known: false };
    const onShape = (s: InputShape) => {
      const px = s.height * s.width;
      guess = px;
      flight.counted = px * job.views.length;
      flight.known = true;
      peak();
      poke();
    };
    flights.add(flight);
    const settled = (async () => {
      const done = await codecs.process(task, onShape).catch((e) => ({
        ok: false as const,
        reason: `worker failed (${reason(e)})`,
      }));
      // The worker holds nothing of it any more (its outputs are in their temporaries): the next input can go.
      flights.delete(flight);
      poke();
      if (!done.ok) {
        // Whatever a dying worker left behind goes too.
        await Promise.all(tmps.map((t) => Deno.remove(t).catch(() => {})));
        fail(job, done.reason, job.remaining);
        return;
      }
      summary.backend = "cpu";
      if (done.shape.gray && done.shape.channels === 3 && !noted) {
        noted = true;
        ctx.note(
          `freqaug: gray inputs run as RGB and are written as RGB: ${accepts.grayWhyNot ?? "1 channel refused"}`,
        );
      }
      const outputs: Output[] = [];
      for (const v of done.views) {
        if ("reason" in v) fail(job, v.reason, 1);
        else outputs.push({ job, view: v.view, tmp: v.tmp, clipped: v.clipped, params: v.params });
      }
      ctx.sampleRss();
      await ctx.commit.commit(outputs);
    })().catch((e) => {
      // Not an input's problem (commit says those): whatever of it is left fails, and the run goes on.
      if (job.remaining > 0) fail(job, `cannot write (${reason(e)})`, job.remaining);
    });
    committing.add(settled);
    settled.finally(() => committing.delete(settled));
  };

  // One more input fits when none is in flight, or when a size is known and its samples fit the budget.
  const fits = (job: Job) =>
    flights.size === 0 || (flights.size < most && guess > 0 && counted() + guess * job.views.length <= budget);
  let next = 0;
  while (next < jobs.length && !stop.requested) {
    if (fits(jobs[next])) {
      launch(jobs[next++]);
      continue;
    }
    await new Promise<void>((resolve) => (wake = resolve));
  }
  if (stop.requested) summary.interrupted = true;
  while (committing.size > 0) await Promise.all([...committing]);
}
