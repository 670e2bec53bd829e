/**
 * Finding the inputs: every regular, non-hidden file under a folder,
 * recursively, as sorted relative paths ("/"-separated). Folders that cannot
 * be read are reported; symbolic links, FIFOs, sockets and devices are
 * skipped with a reason each (links are followed with `followSymlinks`, loops
 * refused). Also the seed of each input, its shard and its output names.
 *
 * @module
 */

import { philox4x32 } from "../params/philox.ts";
import { seedKey } from "../params/keys.ts";

/** The inputs found, the folders that could not be read, the entries that are not images. */
export interface Listing {
  readonly files: string[];
  readonly errors: { readonly path: string; readonly reason: string }[];
  /** Entries skipped on purpose, with why (e.g. `symbolic link`). */
  readonly skipped: { readonly path: string; readonly reason: string }[];
}

function kind(info: Deno.FileInfo): string {
  if (info.isSymlink) return "symbolic link";
  if (info.isFifo) return "FIFO";
  if (info.isSocket) return "socket";
  if (info.isBlockDevice) return "block device";
  if (info.isCharDevice) return "character device";
  return "not a regular file";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Lists `root` recursively, sorted by name at each level (so the whole list
 * is in a fixed order); `exclude` (an absolute folder, e.g. the output
 * folder) is not entered, nor any folder inside it (a followed link to one).
 */
export async function listInputs(
  root: string,
  options: { followSymlinks?: boolean; exclude?: string } = {},
): Promise<Listing> {
  const files: string[] = [];
  const errors: { path: string; reason: string }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const walk = async (rel: string, ancestors: readonly string[]) => {
    const dir = rel ? `${root}/${rel}` : root;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (e) {
      errors.push({ path: dir, reason: `cannot read the folder (${message(e)})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      let isFile = e.isFile, isDirectory = e.isDirectory;
      if (e.isSymlink) {
        if (!options.followSymlinks) {
          skipped.push({ path: `${root}/${path}`, reason: "symbolic link (--follow-symlinks reads it)" });
          continue;
        }
        try {
          const target = await Deno.stat(`${root}/${path}`);
          isFile = target.isFile;
          isDirectory = target.isDirectory;
          if (!isFile && !isDirectory) {
            skipped.push({ path: `${root}/${path}`, reason: `symbolic link to a ${kind(target)}` });
            continue;
          }
        } catch (err) {
          errors.push({ path: `${root}/${path}`, reason: `broken symbolic link (${message(err)})` });
          continue;
        }
      }
      if (isDirectory) {
        let real: string;
        try {
          real = await Deno.realPath(`${root}/${path}`);
        } catch (err) {
          errors.push({ path: `${root}/${path}`, reason: `cannot read the folder (${message(err)})` });
          continue;
        }
        if (options.exclude !== undefined && (real === options.exclude || real.startsWith(`${options.exclude}/`))) {
          skipped.push({ path: `${root}/${path}`, reason: "the output folder" });
        } else if (ancestors.includes(real)) {
          skipped.push({ path: `${root}/${path}`, reason: "symbolic link loop" });
        } else await walk(path, [...ancestors, real]);
      } else if (isFile) files.push(path);
      else {
        let what = "not a regular file";
        try {
          what = kind(await Deno.lstat(`${root}/${path}`));
        } catch { /* gone meanwhile */ }
        skipped.push({ path: `${root}/${path}`, reason: what });
      }
    }
  };
  let top: string[] = [];
  try {
    top = [await Deno.realPath(root)];
  } catch { /* readDir says why */ }
  await walk("", top);
  return { files, errors, skipped };
}

function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}

/** Eight hex digits of a text's FNV-1a hash. */
export function hex8(text: string): string {
  return fnv1a(text, 2166136261).toString(16).padStart(8, "0");
}

/**
 * The seed of an input's parameters: Philox of two hashes of its relative
 * path under the run's seed, as a 53-bit integer. It depends on nothing else
 * (not the listing, the shard or the batch).
 */
export function imageSeed(seed: number, path: string): number {
  const [k0, k1] = seedKey(seed);
  const w = philox4x32(
    fnv1a(path, 2166136261),
    fnv1a(path, 0x9747b28c),
    0x66726571,
    0x61756721,
    k0,
    k1,
    new Uint32Array(4),
  );
  return (w[0] & 0x1fffff) * 4294967296 + w[1];
}

/** Which shard an input belongs to: a hash of its relative path, never its position. */
export function shardOf(path: string, count: number): number {
  return count === 1 ? 0 : fnv1a(path, 2166136261) % count;
}

/** The output names of every input, and the inputs whose names had to change. */
export interface OutputNames {
  /** Input → its outputs, view 0 first. */
  readonly names: Map<string, string[]>;
  /** Inputs that would have written another input's output: [input, the other input, the name it got instead]. */
  readonly renamed: [string, string, string][];
}

/**
 * Output names, from the sorted full listing only (so every shard computes
 * the same): `dir/stem.ext` (one view) or `dir/stem.vK.ext`, where stem is
 * the name without its extension, or the whole name when two inputs share a
 * stem (cat.jpg, cat.png → cat.jpg.png, cat.png.png). Names are compared
 * without case, so the result is the same on case-insensitive file systems.
 * An input whose names would still be taken by an earlier input in the
 * listing (dup.jpg and dup.jpg.png with dup.png beside them) gets the first
 * free `stem~N` (N = 2, 3, ...) and is listed in `renamed`.
 */
export function outputNames(files: readonly string[], views: number, ext = "png"): OutputNames {
  const stem = (f: string) => f.replace(/\.[^./]*$/, "");
  const fold = (s: string) => s.toLowerCase();
  const count = new Map<string, number>();
  for (const f of files) count.set(fold(stem(f)), (count.get(fold(stem(f))) ?? 0) + 1);
  const outs = (base: string) =>
    views === 1 ? [`${base}.${ext}`] : Array.from({ length: views }, (_, v) => `${base}.v${v}.${ext}`);
  const bases = files.map((f) => (count.get(fold(stem(f)))! > 1 || stem(f) === f ? f : stem(f)));
  // Every name any input would take first, so a renamed input never takes another's first choice.
  const firstChoice = new Map<string, string>();
  files.forEach((f, i) => {
    for (const o of outs(bases[i])) if (!firstChoice.has(fold(o))) firstChoice.set(fold(o), f);
  });
  const taken = new Set<string>();
  const names = new Map<string, string[]>();
  const renamed: [string, string, string][] = [];
  files.forEach((f, i) => {
    let candidate = outs(bases[i]);
    const clash = candidate.find((o) => taken.has(fold(o)) || firstChoice.get(fold(o)) !== f);
    if (clash !== undefined) {
      for (let n = 2;; n++) {
        candidate = outs(`${bases[i]}~${n}`);
        if (candidate.every((o) => !taken.has(fold(o)) && !firstChoice.has(fold(o)))) break;
      }
      renamed.push([f, firstChoice.get(fold(clash))!, candidate[0]]);
    }
    for (const o of candidate) taken.add(fold(o));
    names.set(f, candidate);
  });
  return { names, renamed };
}

/** The longest file name most file systems take, in bytes (ext4, XFS, APFS, NTFS in UTF-16 units). */
export const NAME_MAX_BYTES = 255;
/** The longest path Linux takes, in bytes, without its final NUL. */
export const PATH_MAX_BYTES = 4095;
/** The length of a temporary's name (see ledger.ts): `.` 16 hex `.freqaug.tmp`. */
const TEMP_NAME_BYTES = 29;

/**
 * Why an input's outputs `outs` (relative to `out`) cannot be written, or
 * null: a file name over {@link NAME_MAX_BYTES} bytes (UTF-8), or a path
 * (its temporary's included) over {@link PATH_MAX_BYTES}.
 */
export function nameProblem(out: string, outs: readonly string[]): string | null {
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  for (const o of outs) {
    const slash = o.lastIndexOf("/");
    const base = o.slice(slash + 1), dir = `${out}/${o.slice(0, slash + 1)}`;
    const n = bytes(base);
    if (n > NAME_MAX_BYTES) {
      return `its output name ${base} is ${n} bytes, over the limit of ${NAME_MAX_BYTES} bytes for a file name ` +
        `(rename the input)`;
    }
    const p = bytes(dir) + Math.max(n, TEMP_NAME_BYTES);
    if (p > PATH_MAX_BYTES) {
      return `its output path ${out}/${o} is ${p} bytes, over the limit of ${PATH_MAX_BYTES} bytes for a path ` +
        `(use a shorter --out)`;
    }
  }
  return null;
}
