// Mutation runner: applies each mutant of ./mutants.ts to a temporary copy of
// the repository, runs the test suite there without a WebGPU adapter, and
// reports which mutants the suite catches.
//
//   deno run --allow-read --allow-write --allow-run --allow-env tests/mutation/run.ts \
//     [--only NAME,...] [--jobs N] [--keep] [--timeout SECONDS] [--list]
//
// Nothing is written to the repository: the working tree is snapshotted once
// into a temporary folder (so concurrent edits cannot change the run half-way),
// and every mutant runs in its own copy of that snapshot.

import { type Mutant, mutants } from "./mutants.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
/** Top-level entries never copied: history, build and output folders. */
const EXCLUDE = new Set([".git", "out", "node_modules", ".device", ".gl", "scratch", ".bun-smoke"]);
const TEST_ARGS = [
  "test",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--allow-net=127.0.0.1,localhost",
  "--fail-fast",
  "tests/",
];
const TEST_ENV = { DENO_WEBGPU_BACKEND: "vulkan", VK_DRIVER_FILES: "/nonexistent", NO_COLOR: "1" };
const PASS_RATE = 0.95;

interface Options {
  only: string[] | null;
  jobs: number;
  keep: boolean;
  timeoutS: number;
  list: boolean;
}

function usage(message: string): never {
  console.error(`${message}\nusage: run.ts [--only NAME,...] [--jobs N] [--keep] [--timeout SECONDS] [--list]`);
  Deno.exit(2);
}

function parseArgs(args: string[]): Options {
  const o: Options = { only: null, jobs: 1, keep: false, timeoutS: 300, list: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i] ?? usage(`${flag} needs a value`);
    switch (flag) {
      case "--only":
        o.only = value().split(",").map((s) => s.trim()).filter(Boolean);
        break;
      case "--jobs": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) usage(`--jobs: expected an integer >= 1`);
        o.jobs = n;
        break;
      }
      case "--timeout": {
        const n = Number(value());
        if (!(n > 0)) usage(`--timeout: expected a number of seconds > 0`);
        o.timeoutS = n;
        break;
      }
      case "--keep":
        o.keep = true;
        break;
      case "--list":
        o.list = true;
        break;
      default:
        usage(`unknown argument ${args[i]}`);
    }
  }
  return o;
}

/** Copies the repository's top-level entries, except the excluded ones, into `dest`. */
async function copyTree(src: string, dest: string): Promise<void> {
  const entries: string[] = [];
  for await (const e of Deno.readDir(src)) if (!EXCLUDE.has(e.name)) entries.push(`${src}/${e.name}`);
  if (entries.length === 0) return;
  const out = await new Deno.Command("cp", { args: ["-R", "--", ...entries, dest], stderr: "piped" }).output();
  if (!out.success) throw new Error(`cp into ${dest} failed: ${new TextDecoder().decode(out.stderr)}`);
}

function count(text: string, find: string): number {
  let n = 0;
  for (let i = text.indexOf(find); i >= 0; i = text.indexOf(find, i + 1)) n++;
  return n;
}

/** Why a mutant cannot be applied to `root`, or null. */
function staleness(root: string, m: Mutant): string | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(`${root}/${m.file}`);
  } catch (e) {
    return `${m.file}: ${(e as Error).message}`;
  }
  const n = count(text, m.find);
  return n === 1 ? null : `its find text occurs ${n} times in ${m.file} (must be exactly once)`;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** The first failing test in deno test's output, or the first error line. */
function firstFailure(output: string): string {
  const lines = output.replace(ANSI, "").split("\n").map((l) => l.trimEnd());
  for (const l of lines) {
    const m = l.match(/^(.*?) \.\.\. FAILED(?: \(.*\))?$/);
    if (m) return m[1].trim();
  }
  const err = lines.find((l) => /^error: /.test(l));
  return err ? err.slice(0, 160) : "(no FAILED line; see the output with --keep)";
}

/** A type error means the mutant does not compile: not a bug a person could ship. */
function typeError(output: string): string | null {
  const m = output.replace(ANSI, "").match(/(TS\d+) \[ERROR\]:? ?(.*)/);
  return m ? `${m[1]} ${m[2]}`.slice(0, 160) : null;
}

interface RunResult {
  code: number | null;
  timedOut: boolean;
  seconds: number;
  output: string;
}

const running = new Set<Deno.ChildProcess>();

/**
 * Runs the test suite in `work`/repo, killing its whole process group after
 * `timeoutS`; the suite's temporary files go to `work`/tmp.
 */
async function runSuite(work: string, timeoutS: number): Promise<RunResult> {
  const t0 = performance.now();
  await Deno.mkdir(`${work}/tmp`, { recursive: true });
  const child = new Deno.Command(Deno.execPath(), {
    args: TEST_ARGS,
    cwd: `${work}/repo`,
    env: { ...TEST_ENV, TMPDIR: `${work}/tmp` },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true, // its own process group, so a timeout ends the suite's subprocesses too
  }).spawn();
  running.add(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, timeoutS * 1000);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return {
      code: timedOut ? null : out.code,
      timedOut,
      seconds: (performance.now() - t0) / 1000,
      output: dec.decode(out.stdout) + "\n" + dec.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
    running.delete(child);
  }
}

function killGroup(child: Deno.ChildProcess): void {
  try {
    Deno.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
}

type Outcome =
  | { kind: "caught"; m: Mutant; seconds: number; test: string }
  | { kind: "timeout"; m: Mutant; seconds: number }
  | { kind: "survived"; m: Mutant; seconds: number }
  | { kind: "invalid"; m: Mutant; seconds: number; reason: string };

const temps = new Set<string>();

async function removeTemp(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  temps.delete(dir);
}

async function runMutant(snapshot: string, m: Mutant, o: Options): Promise<Outcome> {
  const dir = await Deno.makeTempDir({ prefix: `freqaug-mutant-${m.name}-` });
  temps.add(dir);
  try {
    await Deno.mkdir(`${dir}/repo`);
    await copyTree(snapshot, `${dir}/repo`);
    const path = `${dir}/repo/${m.file}`;
    const text = await Deno.readTextFile(path);
    if (count(text, m.find) !== 1) {
      return { kind: "invalid", m, seconds: 0, reason: "find text not unique in the copy" };
    }
    await Deno.writeTextFile(path, text.replace(m.find, () => m.replace));
    const r = await runSuite(dir, o.timeoutS);
    if (o.keep) {
      await Deno.writeTextFile(`${dir}/mutation-output.txt`, r.output);
    }
    if (r.timedOut) return { kind: "timeout", m, seconds: r.seconds };
    if (r.code === 0) return { kind: "survived", m, seconds: r.seconds };
    const te = typeError(r.output);
    if (te) return { kind: "invalid", m, seconds: r.seconds, reason: `does not type-check: ${te}` };
    return { kind: "caught", m, seconds: r.seconds, test: firstFailure(r.output) };
  } finally {
    if (o.keep) console.log(`  (kept ${dir})`);
    else await removeTemp(dir);
  }
}

function describe(r: Outcome): string {
  const s = `${r.seconds.toFixed(1)} s`;
  switch (r.kind) {
    case "caught":
      return `caught    ${r.m.name}  (${s}, first failing test: ${r.test})`;
    case "timeout":
      return `TIMEOUT   ${r.m.name}  (${s}; counted as caught)`;
    case "survived":
      return `SURVIVED  ${r.m.name} — ${r.m.why}`;
    case "invalid":
      return `INVALID   ${r.m.name} — ${r.reason}`;
  }
}

async function main(): Promise<number> {
  const o = parseArgs(Deno.args);
  const names = new Set<string>();
  for (const m of mutants) {
    if (names.has(m.name)) usage(`mutants.ts: the name ${m.name} is used twice`);
    names.add(m.name);
  }
  let selected = mutants;
  if (o.only) {
    const unknown = o.only.filter((n) => !names.has(n));
    if (unknown.length) usage(`--only: no mutant named ${unknown.join(", ")}`);
    selected = mutants.filter((m) => o.only!.includes(m.name));
  }

  const stale = selected.map((m) => [m, staleness(ROOT, m)] as const).filter(([, why]) => why !== null);
  for (const [m, why] of stale) console.log(`STALE     ${m.name} — ${why}`);
  if (o.list) {
    for (const m of selected) console.log(`${m.name.padEnd(34)} ${m.file}: ${m.why}`);
    console.log(`${selected.length} mutants, ${stale.length} stale`);
    return stale.length ? 1 : 0;
  }
  const runnable = selected.filter((m) => !stale.some(([s]) => s === m));

  const started = performance.now();
  const snapshot = await Deno.makeTempDir({ prefix: "freqaug-mutation-snapshot-" });
  temps.add(snapshot);
  try {
    await copyTree(ROOT, snapshot);
    console.log(`baseline: running the unmutated suite (no WebGPU adapter) ...`);
    const baseDir = await Deno.makeTempDir({ prefix: "freqaug-mutation-baseline-" });
    temps.add(baseDir);
    let base: RunResult;
    try {
      await Deno.mkdir(`${baseDir}/repo`);
      await copyTree(snapshot, `${baseDir}/repo`);
      base = await runSuite(baseDir, o.timeoutS);
    } finally {
      await removeTemp(baseDir);
    }
    if (base.code !== 0) {
      const why = base.timedOut ? `timed out after ${o.timeoutS} s` : `exited ${base.code}`;
      console.error(`baseline FAILED: the unmutated suite ${why}; first failing test: ${firstFailure(base.output)}`);
      console.error(base.output.replace(ANSI, "").split("\n").slice(-40).join("\n"));
      console.error("fix the suite first: mutants can only be judged against a passing baseline.");
      return 2;
    }
    const summary = base.output.replace(ANSI, "").match(/^ok \| .*$/m)?.[0] ?? "ok";
    console.log(`baseline: passed in ${base.seconds.toFixed(1)} s (${summary})`);
    console.log(`running ${runnable.length} mutants, ${o.jobs} at a time, timeout ${o.timeoutS} s each`);

    const results: Outcome[] = [];
    const queue = [...runnable];
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        const r = await runMutant(snapshot, m, o);
        results.push(r);
        console.log(describe(r));
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.jobs, Math.max(1, runnable.length)) }, worker));

    const caught = results.filter((r) => r.kind === "caught" || r.kind === "timeout").length;
    const survivors = results.filter((r) => r.kind === "survived").map((r) => r.m.name);
    const invalid = results.filter((r) => r.kind === "invalid").map((r) => r.m.name);
    const total = (performance.now() - started) / 1000;
    console.log(`total time ${total.toFixed(0)} s (baseline ${base.seconds.toFixed(1)} s)`);
    if (stale.length) console.log(`stale (not run): ${stale.map(([m]) => m.name).join(", ")}`);
    if (invalid.length) console.log(`invalid (not counted): ${invalid.join(", ")}`);
    console.log(`mutants: ${caught} caught, ${survivors.length} survived`);
    console.log(`survivors: ${survivors.length ? survivors.join(", ") : "none"}`);
    const n = caught + survivors.length;
    const ok = n > 0 ? caught / n >= PASS_RATE : true;
    return ok && stale.length === 0 && invalid.length === 0 ? 0 : 1;
  } finally {
    if (o.keep) console.log(`(kept snapshot ${snapshot})`);
    else await removeTemp(snapshot);
  }
}

// Ctrl-C: end the suites this runner started and remove its temporary copies.
Deno.addSignalListener("SIGINT", () => {
  for (const c of running) killGroup(c);
  for (const d of temps) {
    try {
      Deno.removeSync(d, { recursive: true });
    } catch { /* gone */ }
  }
  Deno.exit(130);
});

Deno.exit(await main());
