// The setups of README.md's "Use it in your project", each built in a
// temporary folder outside the repository from the README's own text: the
// library as published in `freqaug/`, a project `my-app/` next to it that
// imports every entry of the package (`.`, `./testing`, `./cli`, `./io`) and
// runs them, in Deno (deno.json with `links`) and in Bun (the README's
// commands, run as written).
import assert from "node:assert/strict";
import {
  bash,
  denoJson,
  describe,
  makeUserProject,
  namedBlock,
  readmeBlocks,
  ROOT,
  run,
  type UserProject,
} from "./_user_project.ts";

const blocks = await readmeBlocks();
const config = await denoJson();

/** The package's entries, from deno.json's exports: `.` → `mod.ts`, `./io` → `io.ts`, … */
const ENTRIES = Object.entries(config.exports).map(([key, file]) => ({
  specifier: key === "." ? "@freqaug/freqaug" : `@freqaug/freqaug/${key.slice(2)}`,
  file: file.replace(/^\.\//, ""),
}));

/** npm packages the library's own files import (type-only imports aside), by scanning them. */
async function runtimePackages(): Promise<Set<string>> {
  const found = new Set<string>();
  const scan = async (path: string) => {
    const info = await Deno.stat(new URL(path, ROOT));
    if (info.isDirectory) {
      for await (const e of Deno.readDir(new URL(path, ROOT))) await scan(`${path}/${e.name}`);
      return;
    }
    if (!path.endsWith(".ts")) return;
    const text = await Deno.readTextFile(new URL(path, ROOT));
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^;]*?\s+from\s+)?"([^"]+)"/gm)) {
      const spec = m[1];
      if (spec.startsWith(".") || spec.startsWith("node:")) continue;
      found.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    }
  };
  for (const path of config.publish.include) if (path.endsWith(".ts") || path.endsWith("/")) await scan(path);
  return found;
}

/** The version deno.json pins for an npm package. */
function pinned(name: string): string {
  const target = config.imports[name] ?? config.imports[`${name}/`];
  const m = target?.match(/^npm:\/?(@?[^@]+)@([^/]+)/);
  assert.ok(m && m[1] === name, `deno.json does not pin ${name} (imports: ${JSON.stringify(config.imports)})`);
  return m[2];
}

/** A program of the user's that loads every entry and uses each; `from(file)` gives its import path. */
function everyEntry(from: (entry: { specifier: string; file: string }) => string): string {
  const imports = ENTRIES.map((e, i) => `import * as entry${i} from "${from(e)}";`).join("\n");
  return `${imports}
import fc from "fast-check";
const lib = entry${ENTRIES.findIndex((e) => e.file === "mod.ts")};
const testing = entry${ENTRIES.findIndex((e) => e.file === "testing.ts")};
const out: Record<string, unknown> = {};
// augment, on one thread and on two workers: the same bytes.
const data = Float32Array.from({ length: 8 * 3 * 96 * 96 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
const batch = { data, count: 8, channels: 3, height: 96, width: 96 };
const pipeline = lib.pipe(lib.gmm({ k: 12, sigma: [3, 8], c: 2 }), lib.clamp());
const one = await lib.augment(pipeline, batch, { seed: 5, workers: 0, quiet: true });
const two = await lib.augment(pipeline, batch, { seed: 5, workers: 2, quiet: true });
// The worker entry, started as a worker, says it answers jobs (a pool whose workers never answer would fall back to
// the calling thread with the same bytes, so the bytes alone do not show it).
const probe = new Worker(import.meta.resolve("${
    from(ENTRIES.find((e) => e.file === "worker.ts")!)
  }"), { type: "module" });
out.workerAnswers = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve("no answer in 20 s"), 20_000);
  probe.onmessage = (e) => {
    clearTimeout(timer);
    resolve(e.data?.kind ?? "an answer without a kind");
  };
  probe.onerror = (e) => {
    e.preventDefault();
    clearTimeout(timer);
    resolve("error: " + e.message);
  };
});
probe.terminate();
out.backend = one.backend;
out.sameBytes = one.images.data.every((x: number, i: number) => Object.is(x, two.images.data[i]));
out.changed = one.images.data.some((x: number, i: number) => Math.abs(x - data[i]) > 1e-3);
// ./testing with the user's fast-check.
await fc.assert(
  fc.asyncProperty(testing.arbBatch({ maxSide: 12 }), testing.arbSeed(), (b, s) => testing.deterministic(pipeline, b, s)),
  { seed: 1, numRuns: 5 },
);
out.testing = "deterministic holds";
out.entries = [${ENTRIES.map((_, i) => `Object.keys(entry${i}).length`).join(", ")}];
lib.releaseWorkers();
console.log(JSON.stringify(out));
`;
}

function checkEveryEntry(stdout: string): void {
  const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}");
  assert.equal(out.backend, "cpu");
  assert.equal(out.sameBytes, true, "two workers gave other bytes than one thread");
  assert.equal(out.workerAnswers, "ready", "the worker entry, as a worker, did not say it answers jobs");
  assert.equal(out.changed, true, "augment left the images as they were");
  assert.equal(out.testing, "deterministic holds");
  assert.equal(out.entries.length, ENTRIES.length);
  out.entries.forEach((n: number, i: number) => assert.ok(n > 0, `${ENTRIES[i].specifier} exports nothing`));
}

Deno.test("deno.json: every entry of the package is published, io.ts included once it exists", async () => {
  for (const e of ENTRIES) {
    await Deno.stat(new URL(e.file, ROOT));
    assert.ok(config.publish.include.includes(e.file), `${e.file} is exported but not in publish.include`);
  }
  const io = await Deno.stat(new URL("io.ts", ROOT)).then(() => true, () => false);
  if (io) assert.ok(ENTRIES.some((e) => e.file === "io.ts"), "io.ts exists but deno.json does not export ./io");
  assert.ok(ENTRIES.some((e) => e.file === "testing.ts") && ENTRIES.some((e) => e.file === "mod.ts"));
});

Deno.test("README: the JSR deno.json is the clone's without its links line", () => {
  const jsr = JSON.parse(namedBlock(blocks, "deno.json from JSR").text);
  const clone = JSON.parse(namedBlock(blocks, "deno.json from a clone").text);
  assert.deepEqual(clone.links, ["../freqaug"]);
  delete clone.links;
  assert.deepEqual(clone, jsr);
  assert.equal(jsr.imports["@freqaug/freqaug"], `jsr:@freqaug/freqaug@^${config.version}`);
  assert.equal(jsr.imports["fast-check"], `npm:fast-check@${pinned("fast-check")}`);
});

Deno.test("README, Deno from a clone: a project outside the repository imports and runs every entry", async () => {
  const project = await makeUserProject({
    "deno.json": namedBlock(blocks, "deno.json from a clone").text,
    "main.ts": everyEntry((e) => e.specifier),
  });
  try {
    const checked = await run(Deno.execPath(), ["check", "main.ts"], { cwd: project.app });
    assert.equal(checked.code, 0, describe(checked, "deno check in the user's project"));
    const r = await run(Deno.execPath(), ["run", "--allow-read", "main.ts"], { cwd: project.app });
    assert.equal(r.code, 0, describe(r, "deno run in the user's project"));
    checkEveryEntry(r.stdout);
    // The command line entry, on a spec file of the user's.
    await Deno.writeTextFile(`${project.app}/spec.json`, JSON.stringify({ version: 1, ops: [{ op: "gmm" }] }));
    await Deno.writeTextFile(
      `${project.app}/cli.ts`,
      `import { main } from "@freqaug/freqaug/cli";\nDeno.exit(await main(["check", "--spec", "spec.json"]));\n`,
    );
    const cli = await run(Deno.execPath(), ["run", "--allow-read", "cli.ts"], { cwd: project.app });
    assert.equal(cli.code, 0, describe(cli, "@freqaug/freqaug/cli"));
    assert.match(cli.stdout + cli.stderr, /gmm/);
  } finally {
    await project.remove();
  }
});

Deno.test("README, Deno from a clone: without the README's deno.json, importing by path fails as the README says", async () => {
  const project = await makeUserProject({
    "deno.json": "{}\n",
    "main.ts": `import { gmm } from "../freqaug/mod.ts";\nconsole.log(gmm().op);\n`,
  });
  try {
    const r = await run(Deno.execPath(), ["run", "main.ts"], { cwd: project.app });
    assert.notEqual(r.code, 0, describe(r, "importing by path without links"));
    assert.match(r.stderr, /Import "fp-ts\/lib\/Either\.js" not a dependency/);
  } finally {
    await project.remove();
  }
});

Deno.test({
  name: "README, Deno from JSR (skipped unless FREQAUG_TEST_JSR=1: it needs jsr.io, which CI cannot reach)",
  ignore: Deno.env.get("FREQAUG_TEST_JSR") !== "1",
  fn: async () => {
    const project = await makeUserProject({
      "deno.json": namedBlock(blocks, "deno.json from JSR").text,
      "main.ts": everyEntry((e) => e.specifier),
    });
    try {
      const r = await run(Deno.execPath(), ["run", "--allow-read", "main.ts"], { cwd: project.app });
      assert.equal(r.code, 0, describe(r, "the JSR setup"));
      checkEveryEntry(r.stdout);
    } finally {
      await project.remove();
    }
  },
});

// Bun needs the npm registry for `bun add`; without it the test says so instead of passing.
const npmReachable = await run("npm", ["ping"], { cwd: ROOT, timeoutMs: 30_000 }).then(
  (r) => r.code === 0,
  () => false,
);

async function withBun(project: UserProject): Promise<string> {
  const bin = `${project.dir}/bin`;
  await Deno.mkdir(bin);
  const bun = Deno.env.get("FREQAUG_BUN");
  await Deno.writeTextFile(`${bin}/bun`, `#!/bin/sh\nexec ${bun ? `'${bun}'` : "npx -y bun@1.4.4"} "$@"\n`);
  await Deno.chmod(`${bin}/bun`, 0o755);
  return bin;
}

Deno.test({
  name: npmReachable
    ? "README, Bun: the README's commands install the pinned packages and run every entry"
    : "README, Bun (skipped: registry.npmjs.org is not reachable, and `bun add` needs it)",
  ignore: !npmReachable,
  fn: async () => {
    const commands = namedBlock(blocks, "commands (Bun)").text;
    const add = commands.split("\n").find((l) => l.startsWith("bun add "));
    assert.ok(add, "no `bun add` line in the Bun commands");
    const listed = new Map(
      add.split(/\s+/).slice(2).map((p) => {
        const at = p.lastIndexOf("@");
        return [p.slice(0, at), p.slice(at + 1)] as const;
      }),
    );
    const needed = await runtimePackages();
    assert.deepEqual(
      [...listed.keys()].sort(),
      [...needed].sort(),
      "`bun add` should list exactly what the library imports",
    );
    for (const [name, version] of listed) assert.equal(version, pinned(name), `${name}'s version in the README`);

    const project = await makeUserProject({ "main.ts": namedBlock(blocks, "main.ts (Bun)").text });
    try {
      const bin = await withBun(project);
      const r = await bash(commands, { cwd: project.app, path: [bin], timeoutMs: 240_000 });
      assert.equal(r.code, 0, describe(r, "the README's Bun commands"));
      assert.match(r.stdout, /^1 × 3 × 32 × 32 on cpu$/m);
      for (const [name, version] of listed) {
        const pkg = JSON.parse(await Deno.readTextFile(`${project.app}/node_modules/${name}/package.json`));
        assert.equal(pkg.version, version, `installed ${name}`);
      }
      // Every entry, with the README's run command.
      const runLine = commands.split("\n").find((l) => l.startsWith("bun --no-install main.ts"));
      assert.ok(runLine, "no `bun --no-install main.ts` line");
      await Deno.writeTextFile(`${project.app}/entries.ts`, everyEntry((e) => `../freqaug/${e.file}`));
      const all = await bash(runLine.replace("main.ts", "entries.ts"), { cwd: project.app, path: [bin] });
      assert.equal(all.code, 0, describe(all, "every entry under Bun"));
      checkEveryEntry(all.stdout);
      // Without the link the library's own imports are not found (why the README makes it).
      await Deno.remove(`${project.lib}/node_modules`);
      const bare = await bash(runLine, { cwd: project.app, path: [bin] });
      assert.notEqual(bare.code, 0, describe(bare, "bun without the link"));
      assert.match(bare.stderr, /Cannot find (module|package) '(fp-ts|io-ts)/);
    } finally {
      await project.remove();
    }
  },
});
