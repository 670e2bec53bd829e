/**
 * Builds the playground as static files: `app.js` (the page and the library,
 * bundled for browsers), `worker.js` (the CPU backend's worker, bundled on
 * its own), `index.html`, `style.css`, and `_headers` (the cross-origin
 * isolation headers, for hosts that read that file). Nothing is fetched
 * from a CDN: the page is these files.
 *
 *   deno task playground:build [--out DIR]   (default out/playground)
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const HERE = new URL("./", import.meta.url);

/** The headers that make a page cross-origin isolated (SharedArrayBuffer for the CPU workers). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** The files of a build, by name. */
export type Built = Map<string, Uint8Array>;

async function bundle(entry: URL, minify: boolean): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-playground-" });
  try {
    const out = `${dir}/out.js`;
    const args = ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "-o", out];
    if (minify) args.push("--minify");
    args.push(entry.pathname);
    const r = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    if (!r.success) {
      const why = new TextDecoder().decode(r.stderr).trim() || `exit code ${r.code}`;
      throw new Error(`deno bundle ${entry.pathname} failed:\n${why}`);
    }
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Builds the page in memory. */
export async function build(options: { minify?: boolean } = {}): Promise<Built> {
  const minify = options.minify ?? true;
  const [app, worker] = await Promise.all([
    bundle(new URL("app.ts", HERE), minify),
    bundle(new URL("worker.ts", ROOT), minify),
  ]);
  const headers = `/*\n${Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n`;
  return new Map([
    ["index.html", await Deno.readFile(new URL("index.html", HERE))],
    ["style.css", await Deno.readFile(new URL("style.css", HERE))],
    ["app.js", app],
    ["worker.js", worker],
    ["_headers", new TextEncoder().encode(headers)],
  ]);
}

/** Writes a build to `dir`: into a fresh sibling folder first, then swapped in, so no half-written page is left. */
export async function writeBuild(files: Built, dir: string): Promise<void> {
  const target = dir.replace(/\/+$/, "");
  const parent = target.includes("/") ? target.slice(0, target.lastIndexOf("/")) || "/" : ".";
  await Deno.mkdir(parent, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: parent, prefix: ".playground-" });
  try {
    for (const [name, bytes] of files) await Deno.writeFile(`${tmp}/${name}`, bytes);
    await Deno.remove(target, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const dir = i >= 0 ? Deno.args[i + 1] : "out/playground";
  if (!dir || Deno.args.some((a, k) => a.startsWith("-") && a !== "--out" && a !== "--no-minify" && k !== i + 1)) {
    console.error("usage: deno task playground:build [--out DIR] [--no-minify]");
    Deno.exit(2);
  }
  const files = await build({ minify: !Deno.args.includes("--no-minify") });
  await writeBuild(files, dir);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  for (const [name, bytes] of files) console.log(`${dir}/${name}  ${kb(bytes.length)}`);
  console.log(`Serve ${dir} with any static server (the _headers file asks for cross-origin isolation).`);
}
