/**
 * The output folder's bookkeeping: temporary names, the removal of stale
 * temporaries, and params.jsonl — one line per output file, never missing,
 * never doubled.
 *
 * An output is written under a temporary name in its own folder, its line is
 * appended to the params file, and only then is it renamed into place. So
 * after a kill at any point, every output file in place has its line; a line
 * may lack its file (killed before the rename), and a temporary may be left.
 * An output written again (`--overwrite`, or a file without its line) has its
 * old file removed before its new line is appended, so the last line of a
 * path always describes the file in place. On start (and at the end of a run
 * that rewrote outputs), {@link reconcile} keeps the last well-formed line of
 * each output that exists, drops the rest, and rewrites the file atomically
 * when that changed it; the run then redoes every output without both a file
 * and a line.
 *
 * @module
 */

import { hex8 } from "./files.ts";

/** What every temporary name of the command line looks like: `.` 16 hex digits `.freqaug.tmp`. */
export const TEMP_NAME = /^\.[0-9a-f]{16}\.freqaug\.tmp$/;

/** The tag of a params file's temporaries (8 hex digits), so a run removes only its own. */
export function tempTag(paramsName: string): string {
  return hex8(paramsName);
}

/** A fresh temporary path beside `path` (29 bytes of name, whatever the name of `path`). */
export function tempPath(path: string, tag: string): string {
  const rand = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");
  const slash = path.lastIndexOf("/");
  return `${slash < 0 ? "" : path.slice(0, slash + 1)}.${tag}${rand}.freqaug.tmp`;
}

/** What is in the output folder. */
export interface OutputScan {
  /** Regular files, relative paths. */
  readonly files: Set<string>;
  /** Temporaries of this run's params file removed. */
  readonly removed: number;
}

/**
 * Walks `root` (links are not followed) collecting its regular files, and
 * removes the temporaries tagged `tag` that an earlier run left behind (the
 * caller holds the params file's lock, so none of them is in use).
 */
export async function scanOutput(root: string, tag: string): Promise<OutputScan> {
  const files = new Set<string>();
  let removed = 0;
  const walk = async (rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(rel ? `${root}/${rel}` : root));
    } catch {
      return;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else if (!e.isFile) continue;
      else if (TEMP_NAME.test(e.name)) {
        if (e.name.startsWith(`.${tag}`)) {
          await Deno.remove(`${root}/${path}`).then(() => removed++, () => {});
        }
      } else files.add(path);
    }
  };
  await walk("");
  return { files, removed };
}

/** One line of params.jsonl. */
export interface ParamsLine {
  /** The output, relative to the output folder. */
  readonly path: string;
  /** The input, relative to the input folder. */
  readonly input: string;
  /** The view. */
  readonly view: number;
  /** The input's seed. */
  readonly seed: number;
  /** The sample's parameters, one entry per op. */
  readonly params: unknown;
}

/** What {@link reconcile} found. */
export interface Reconciled {
  /** Outputs with both a file and a line. */
  readonly recorded: Set<string>;
  /** Lines dropped (torn, doubled, or of a missing file). */
  readonly dropped: number;
  /** Whether the file was rewritten. */
  readonly rewritten: boolean;
}

function parse(line: string): ParamsLine | null {
  try {
    const v = JSON.parse(line);
    return typeof v === "object" && v !== null && typeof v.path === "string" ? v : null;
  } catch {
    return null;
  }
}

/**
 * Makes `paramsPath` hold one line per output that exists (in `existing`):
 * the last well-formed line of each, in file order. Rewrites it atomically
 * (temporary tagged `tag` + rename) when that changes it.
 */
export async function reconcile(
  paramsPath: string,
  existing: ReadonlySet<string>,
  tag: string,
): Promise<Reconciled> {
  let text: string;
  try {
    text = await Deno.readTextFile(paramsPath);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { recorded: new Set(), dropped: 0, rewritten: false };
    throw e;
  }
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const last = new Map<string, number>();
  const parsed = lines.map(parse);
  parsed.forEach((p, i) => {
    if (p && existing.has(p.path)) last.set(p.path, i);
  });
  const kept = lines.filter((_, i) => {
    const p = parsed[i];
    return p !== null && last.get(p.path) === i;
  });
  const recorded = new Set(last.keys());
  const dropped = lines.length - kept.length;
  if (dropped === 0 && (text === "" || text.endsWith("\n"))) return { recorded, dropped, rewritten: false };
  const tmp = tempPath(paramsPath, tag);
  try {
    await Deno.writeTextFile(tmp, kept.map((l) => `${l}\n`).join(""));
    await Deno.rename(tmp, paramsPath);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  return { recorded, dropped, rewritten: true };
}

/** Writes all of `bytes` to `file` (a write may take fewer bytes than asked). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await file.write(bytes.subarray(at));
}

/**
 * Writes bytes to `path` through a temporary beside it (tagged `tag`) and a
 * rename, so `path` is never seen partial.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, tag = "00000000"): Promise<void> {
  const tmp = tempPath(path, tag);
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
