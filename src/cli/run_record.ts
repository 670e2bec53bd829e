/**
 * The run record: what makes an output folder's outputs, kept beside its
 * params file (`params.jsonl` → `params.run.json`, one per shard), so a rerun
 * with another spec, seed, size, views, format or bit depth is refused
 * rather than silently keeping outputs made otherwise. `--max-pixels`,
 * `--batch`, `--backend` and the input folder are not in it: they never
 * change an output's bytes (they decide only which inputs are refused, or
 * how the work is grouped).
 *
 * @module
 */

import type { Pipeline } from "../dsl/types.ts";
import { encodeSpec } from "../spec/spec.ts";
import type { AugmentArgs } from "./args.ts";
import { tempTag, writeFileAtomic } from "./ledger.ts";

/** The settings that determine the outputs. */
export interface RunRecord {
  /** The record's own version. */
  readonly version: 1;
  /** The canonical spec (every default filled in). */
  readonly spec: unknown;
  readonly seed: number;
  /** `HxW`, or null for the inputs' own sizes. */
  readonly size: string | null;
  readonly views: number;
  readonly format: string;
  /** 8 or 16, or `input` (each input's own). */
  readonly bitDepth: 8 | 16 | "input";
}

/** The record's file name beside the params file `paramsName`. */
export function recordName(paramsName: string): string {
  return paramsName.replace(/\.jsonl$/, "") + ".run.json";
}

/** The record of a run. */
export function runRecord(pipeline: Pipeline, args: AugmentArgs): RunRecord {
  return {
    version: 1,
    spec: encodeSpec(pipeline),
    seed: args.seed,
    size: args.size ? `${args.size.height}x${args.size.width}` : null,
    views: args.views,
    format: args.format,
    bitDepth: args.bitDepth ?? "input",
  };
}

const FLAGS: readonly [keyof RunRecord, string][] = [
  ["spec", "the spec"],
  ["seed", "--seed"],
  ["size", "--size"],
  ["views", "--views"],
  ["format", "--format"],
  ["bitDepth", "--bit-depth"],
];

function show(key: keyof RunRecord, v: unknown): string {
  if (key === "size" && v === null) return "none";
  if (key === "bitDepth" && v === "input") return "the input's";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** What differs between a recorded run and this one, as a phrase; null when nothing does. */
export function differences(old: Record<string, unknown>, now: RunRecord): string | null {
  const diffs: string[] = [];
  for (const [key, flag] of FLAGS) {
    if (JSON.stringify(old[key]) === JSON.stringify(now[key])) continue;
    diffs.push(key === "spec" ? flag : `${flag} (${show(key, old[key])} then, ${show(key, now[key])} now)`);
  }
  return diffs.length ? diffs.join(", ") : null;
}

/** What {@link checkRunRecord} decided. */
export interface RecordCheck {
  /** Set when the run must not start: why (one line). */
  readonly refused?: string;
  /** A line to print (an output folder made before records existed). */
  readonly warning?: string;
  /**
   * Set when this run replaces outputs made with other settings: call it
   * once the run has gone through every input (not interrupted), so the
   * record stops saying that the replacement is unfinished.
   */
  readonly finish?: () => Promise<void>;
}

async function write(path: string, record: RunRecord & { unfinished?: true }, paramsName: string): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(record)}\n`), tempTag(paramsName));
}

/**
 * Checks this run against the record in `out` and writes it when it is
 * absent or replaced (the caller holds the params file's lock). Refused (one
 * line): other settings without `--overwrite`; or the same settings after an
 * `--overwrite` run that changed them did not finish, without `--overwrite`
 * (some outputs may still be the old settings'). Such a run is marked
 * `"unfinished": true` in the record until {@link RecordCheck.finish}. A
 * folder made before records existed is accepted with a warning.
 */
export async function checkRunRecord(
  out: string,
  paramsName: string,
  pipeline: Pipeline,
  args: AugmentArgs,
): Promise<RecordCheck> {
  const path = `${out}/${recordName(paramsName)}`;
  const now = runRecord(pipeline, args);
  const again = "add --overwrite to redo every output, or use another --out";
  let text: string | null = null;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      return { refused: `${path}: cannot read the run record (${e instanceof Error ? e.message : e})` };
    }
  }
  let warning: string | undefined;
  let replacing = false;
  if (text !== null) {
    let old: unknown = null;
    try {
      old = JSON.parse(text);
    } catch { /* unreadable: below */ }
    const valid = typeof old === "object" && old !== null && (old as { version?: unknown }).version === 1;
    const diff = valid ? differences(old as Record<string, unknown>, now) : "the record is unreadable";
    const unfinished = valid && (old as { unfinished?: unknown }).unfinished === true;
    if (diff !== null && !args.overwrite) {
      return { refused: `${out} holds outputs made with other settings (${diff}; see ${path}): ${again}` };
    }
    if (diff === null && unfinished && !args.overwrite) {
      return {
        refused: `${out}: an --overwrite run with these settings did not finish, so some outputs may be the ` +
          `earlier settings' (${path}): run it again with --overwrite, or use another --out`,
      };
    }
    if (diff === null && !unfinished) return {};
    replacing = true;
  } else {
    const params = await Deno.stat(`${out}/${paramsName}`).catch(() => null);
    if (params && params.size > 0) {
      if (args.overwrite) replacing = true;
      else {
        warning = `freqaug: warning: ${out}/${paramsName} has no run record (an earlier version made it): ` +
          `its outputs are taken to match these settings; recorded now in ${path}`;
      }
    }
  }
  try {
    await write(path, replacing ? { ...now, unfinished: true } : now, paramsName);
  } catch (e) {
    return { refused: `${path}: cannot write the run record (${e instanceof Error ? e.message : e})` };
  }
  const finish = replacing ? () => write(path, now, paramsName) : undefined;
  return { ...(warning ? { warning } : {}), ...(finish ? { finish } : {}) };
}
