/**
 * Finding the inputs: every regular, non-hidden file under a folder,
 * recursively, as sorted relative paths ("/"-separated); folders that cannot
 * be read are reported, not fatal.
 *
 * @module
 */

import { philox4x32 } from "../params/philox.ts";
import { seedKey } from "../params/keys.ts";

/** The inputs found, and the folders that could not be read. */
export interface Listing {
  readonly files: string[];
  readonly errors: { readonly path: string; readonly reason: string }[];
}

/** Lists `root` recursively. */
export async function listInputs(root: string): Promise<Listing> {
  const files: string[] = [];
  const errors: { path: string; reason: string }[] = [];
  const walk = async (rel: string) => {
    const dir = rel ? `${root}/${rel}` : root;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (e) {
      errors.push({ path: dir, reason: `cannot read the folder (${e instanceof Error ? e.message : e})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else if (e.isFile) files.push(path);
    }
  };
  await walk("");
  return { files, errors };
}

function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
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

/**
 * Output names: `dir/name.png` (one view) or `dir/name.vK.png`; when two inputs
 * would share a name (cat.jpg, cat.png), both keep their extension (cat.jpg.png).
 */
export function outputNames(files: readonly string[], views: number): Map<string, string[]> {
  const stem = (f: string) => f.replace(/\.[^./]*$/, "");
  const count = new Map<string, number>();
  for (const f of files) count.set(stem(f), (count.get(stem(f)) ?? 0) + 1);
  const out = new Map<string, string[]>();
  for (const f of files) {
    const base = count.get(stem(f))! > 1 || stem(f) === f ? f : stem(f);
    out.set(f, views === 1 ? [`${base}.png`] : Array.from({ length: views }, (_, v) => `${base}.v${v}.png`));
  }
  return out;
}
