// What the command-line tests share: running `cli.ts` as a user would (a
// subprocess with the task's permissions), its stderr lines, and the files a
// run left in a folder.

/** The repository root. */
export const ROOT = new URL("../", import.meta.url);
/** The fixtures folder, as a path. */
export const FIXTURES = new URL("tests/fixtures/", ROOT).pathname;
/** The permissions of `deno task augment`. */
export const PERMS = ["--allow-read", "--allow-write", "--allow-env"];

/** What a run of the command line gave. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cli.ts` with `args` to its end; `deny` adds a `--deny-read` of that path. */
export async function cli(args: string[], options: { env?: Record<string, string>; deny?: string } = {}): Promise<Run> {
  const perms = options.deny ? [...PERMS, `--deny-read=${options.deny}`] : PERMS;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, "cli.ts", ...args],
    cwd: ROOT,
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Starts `cli.ts` with `args`, for tests that kill or race it. */
export function spawn(args: string[], env?: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, "cli.ts", ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** The stderr lines of a run, without the WebGPU runtime's own noise. */
export function errLines(r: Run): string[] {
  return r.stderr.split("\n").filter((l) => l && !l.startsWith("error: XDG_RUNTIME_DIR"));
}

/** Every file under `dir`, as sorted paths relative to it. */
export async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  const go = async (rel: string) => {
    for await (const e of Deno.readDir(rel ? `${dir}/${rel}` : dir)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await go(path);
      else found.push(path);
    }
  };
  await go("");
  return found.sort();
}
