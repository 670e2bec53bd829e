// The README as data, and a user's project built from it: fenced blocks with
// their line numbers and marks, a temporary folder outside the repository
// holding a copy of the library (what `deno.json` "publish" ships) next to a
// project `my-app/`, and subprocesses with a time limit.
//
// Marks are HTML comments on the last non-blank line before a block:
//   <!-- check-only: why -->   a ts block that is type-checked but not run
//   <!-- test: name -->        a block the tests look up by name
// A ts block whose first line is `// deno run <flags> <file>.ts` runs with
// those flags; any other runs with no permission.

export const ROOT = new URL("../", import.meta.url);

/** One fenced block of a Markdown file. */
export interface Block {
  /** The info string's first word: `ts`, `sh`, `json`, … (empty when none). */
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The block's text, without the fences, ending with a newline. */
  readonly text: string;
  /** The mark before it, if any. */
  readonly mark?: { readonly kind: "check-only" | "test"; readonly value: string };
}

const MARK = /^<!--\s*(check-only|test):\s*(.*?)\s*-->$/;

/** The fenced blocks of `markdown`, in order. An unclosed fence is an error naming its line. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(`{3,}|~{3,})\s*([^\s`]*)/);
    if (!open) continue;
    const fence = open[1];
    let end = i + 1;
    while (end < lines.length && !(lines[end].startsWith(fence) && lines[end].trim() === fence)) end++;
    if (end >= lines.length) throw new Error(`README.md:${i + 1}: the fence is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === "") before--;
    const m = before >= 0 ? lines[before].trim().match(MARK) : null;
    blocks.push({
      lang: open[2].toLowerCase(),
      line: i + 1,
      text: lines.slice(i + 1, end).join("\n") + "\n",
      mark: m ? { kind: m[1] as "check-only" | "test", value: m[2] } : undefined,
    });
    i = end;
  }
  return blocks;
}

/** The README's blocks. */
export async function readmeBlocks(): Promise<Block[]> {
  return fencedBlocks(await Deno.readTextFile(new URL("README.md", ROOT)));
}

/** The one block marked `<!-- test: name -->`; throws when there is none or more than one. */
export function namedBlock(blocks: readonly Block[], name: string): Block {
  const found = blocks.filter((b) => b.mark?.kind === "test" && b.mark.value === name);
  if (found.length !== 1) {
    throw new Error(`README.md should have exactly one block marked <!-- test: ${name} -->, has ${found.length}`);
  }
  return found[0];
}

/** The ts blocks as TypeScript: `ts`, `typescript`. */
export function isTypeScript(b: Block): boolean {
  return b.lang === "ts" || b.lang === "typescript";
}

/** The `deno run` flags a ts block states on its first line, or none. */
export function statedFlags(b: Block): string[] {
  const first = b.text.split("\n")[0].match(/^\/\/\s*deno run\s+(.*?)\s*\S+\.ts\s*$/);
  return first ? first[1].split(/\s+/).filter((f) => f.length > 0) : [];
}

/** deno.json of the repository. */
export async function denoJson(): Promise<{
  imports: Record<string, string>;
  exports: Record<string, string>;
  publish: { include: string[] };
  version: string;
}> {
  return JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
}

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
}

/** A temporary folder with `freqaug/` (the library as published) and `my-app/`. */
export interface UserProject {
  /** The folder holding both. */
  readonly dir: string;
  /** `<dir>/freqaug`. */
  readonly lib: string;
  /** `<dir>/my-app`. */
  readonly app: string;
  /** Removes the folder. */
  remove(): Promise<void>;
}

/**
 * Makes a user's project outside the repository: `freqaug/` holds the files of
 * deno.json's `publish.include` (a clone has more, never less), `my-app/`
 * holds `files` (for example its `deno.json`).
 */
export async function makeUserProject(files: Record<string, string> = {}): Promise<UserProject> {
  const dir = await Deno.makeTempDir({ prefix: "freqaug-user-" });
  const lib = `${dir}/freqaug`, app = `${dir}/my-app`;
  await Deno.mkdir(lib);
  await Deno.mkdir(app);
  for (const path of (await denoJson()).publish.include) {
    await copyTree(
      decodeURIComponent(new URL(path, ROOT).pathname).replace(/\/$/, ""),
      `${lib}/${path.replace(/\/$/, "")}`,
    );
  }
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${app}/${name}`, text);
  return { dir, lib, app, remove: () => Deno.remove(dir, { recursive: true }) };
}

/** What a finished subprocess left. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The command, for messages. */
  readonly command: string;
}

/**
 * Runs a command to its end (killed after `timeoutMs`, default 120 s), with
 * NO_COLOR set so that messages are plain text. Never throws for a non-zero
 * exit; check `code`.
 */
export async function run(
  cmd: string,
  args: readonly string[],
  options: { cwd: string | URL; env?: Record<string, string>; timeoutMs?: number },
): Promise<Ran> {
  const out = await new Deno.Command(cmd, {
    args: [...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr), command: [cmd, ...args].join(" ") };
}

/** Runs `script` with bash (`set -eu`), `deno` first on PATH being this Deno, plus `path` before it. */
export function bash(script: string, options: { cwd: string | URL; path?: string[]; timeoutMs?: number }) {
  const denoDir = Deno.execPath().replace(/\/[^/]*$/, "");
  const PATH = [...(options.path ?? []), denoDir, Deno.env.get("PATH") ?? ""].join(":");
  return run("bash", ["-euc", script], { cwd: options.cwd, env: { PATH }, timeoutMs: options.timeoutMs });
}

/** A failure message: the command, its exit code and the end of its output. */
export function describe(r: Ran, what: string): string {
  const tail = (s: string) => s.trim().split("\n").slice(-30).join("\n");
  return `${what}: \`${r.command}\` exited ${r.code}\n--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${
    tail(r.stderr)
  }`;
}
