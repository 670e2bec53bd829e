/**
 * Putting outputs in place, in the ledger's order (see ledger.ts): the
 * outputs are in their temporaries (crash point `written`); an old file in
 * an output's place is removed (`removed`); the outputs' lines are appended
 * to the params file (`appended`); then each temporary is renamed into place
 * (`renamed`). Appends are serialized, so lines are never interleaved.
 *
 * @module
 */

import type { SampleParams } from "../params/types.ts";
import { crashPoints } from "./crash_point.ts";
import type { Job, RunContext, Summary } from "./jobs.ts";
import { writeAll } from "./ledger.ts";

/** One output in its temporary, ready to be put in place. */
export interface Output {
  readonly job: Job;
  readonly view: number;
  /** Its temporary. */
  readonly tmp: string;
  /** Values the PNG clipped. */
  readonly clipped: number;
  /** Its parameters, for its line. */
  readonly params: SampleParams;
}

function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.trim() || "no reason given";
}

/** What a {@link Committer} needs of its run. */
export interface CommitContext {
  /** The output folder. */
  readonly out: string;
  /** The params file's name in it. */
  readonly paramsName: string;
  readonly paramsFile: Deno.FsFile;
  /** Outputs that were in place when the run started. */
  readonly existing: ReadonlySet<string>;
  readonly overwrite: boolean;
  readonly summary: Summary;
  readonly finish: RunContext["finish"];
  readonly fail: RunContext["fail"];
}

/** Puts outputs in place, in the ledger's order. */
export class Committer {
  /** Whether some output could not be renamed into place (its line must go). */
  renameFailed = false;
  private appending: Promise<void> = Promise.resolve();
  private readonly encoder = new TextEncoder();
  private readonly crash = crashPoints();

  constructor(private readonly c: CommitContext) {}

  /** Puts `outputs` (in their temporaries) in place; each is finished or failed with a reason. */
  async commit(outputs: readonly Output[]): Promise<void> {
    const { out, paramsName, paramsFile, existing, summary, fail, finish } = this.c;
    const crash = this.crash, encoder = this.encoder;
    crash("written");
    // Each output: remove an old file in its place, append its line, then rename.
    const ready: { o: Output; tmp: string }[] = [];
    const lines: string[] = [];
    for (const o of outputs) {
      const path = o.job.outs[o.view];
      if (o.clipped > 0) {
        summary.clipped.outputs++;
        summary.clipped.values += o.clipped;
      }
      if (existing.has(path) || this.c.overwrite) {
        try {
          await Deno.remove(`${out}/${path}`);
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) {
            await Deno.remove(o.tmp).catch(() => {});
            fail(o.job, `cannot replace ${out}/${path} (${reason(e)})`, 1);
            continue;
          }
        }
        crash("removed");
      }
      ready.push({ o, tmp: o.tmp });
      lines.push(
        `${JSON.stringify({ path, input: o.job.rel, view: o.view, seed: o.job.seed, params: o.params })}\n`,
      );
    }
    if (ready.length === 0) return;
    const appended = this.appending.then(() => writeAll(paramsFile, encoder.encode(lines.join(""))));
    this.appending = appended.catch(() => {});
    try {
      await appended;
    } catch (e) {
      for (const { o, tmp } of ready) {
        await Deno.remove(tmp).catch(() => {});
        fail(o.job, `cannot write ${out}/${paramsName} (${reason(e)})`, 1);
      }
      return;
    }
    crash("appended");
    for (const { o, tmp } of ready) {
      try {
        await Deno.rename(tmp, `${out}/${o.job.outs[o.view]}`);
        crash("renamed");
        summary.written++;
        finish(o.job);
      } catch (e) {
        this.renameFailed = true;
        await Deno.remove(tmp).catch(() => {});
        fail(o.job, `cannot write ${out}/${o.job.outs[o.view]} (${reason(e)})`, 1);
      }
    }
  }

  /** Waits for the appends under way. */
  drain(): Promise<void> {
    return this.appending;
  }
}
