/**
 * The input and output folders of `augment`, checked before anything is
 * made: `--in` must be a folder, and `--out` must not be `--in` itself or a
 * folder holding it (the run would overwrite its own inputs and read its own
 * outputs), however links spell them. `--out` inside `--in` is fine: the
 * listing never enters it.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The real path of `path`, which need not exist: the real path of its
 * nearest existing ancestor, then the rest of it (which holds no link, since
 * it does not exist yet).
 */
export async function realPathOf(path: string): Promise<string> {
  const absolute = isAbsolute(path) ? path : join(Deno.cwd(), path);
  const parts = absolute.split("/");
  for (let keep = parts.length; keep > 0; keep--) {
    const head = parts.slice(0, keep).join("/") || "/";
    let real: string;
    try {
      real = await Deno.realPath(head);
    } catch {
      continue;
    }
    return resolve(real, ...parts.slice(keep));
  }
  return resolve(absolute);
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith("/") ? parent : `${parent}/`);
}

/**
 * Why `--in input --out output` cannot run (a one-line reason), or null.
 * Nothing is created.
 *
 * @example
 * ```ts
 * import { checkFolders } from "./folders.ts";
 * const why = await checkFolders("photos", "photos"); // "--out photos is the --in folder ..."
 * ```
 */
export async function checkFolders(input: string, output: string): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(input);
  } catch (e) {
    return e instanceof Deno.errors.NotFound
      ? `--in ${input}: no such folder`
      : `--in ${input}: cannot read it (${message(e)})`;
  }
  if (!info.isDirectory) return `--in ${input}: not a folder (--in takes a folder of images)`;
  const realIn = await Deno.realPath(input);
  const realOut = await realPathOf(output);
  let same = realIn === realOut;
  if (!same) {
    // The same folder by another name (a bind mount): the same device and inode.
    try {
      const o = await Deno.stat(output);
      same = o.ino !== null && o.ino === info.ino && o.dev === info.dev;
    } catch { /* not there yet: not the same folder */ }
  }
  if (same) {
    return `--out ${output} is the --in folder (${realIn}): the outputs would replace the inputs; choose another --out`;
  }
  if (inside(realIn, realOut)) {
    return `--out ${output} holds the --in folder (${realIn}): the outputs could replace the inputs; ` +
      `choose an --out outside it`;
  }
  return null;
}
