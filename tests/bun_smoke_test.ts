// Bun smoke test: the same pipeline, seed and input give the same bytes under
// Bun 1.4.4 as under Deno. Bun gets fp-ts and io-ts from Deno's own npm cache
// (the versions pinned in deno.json), as an installed package would have them.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const SCRIPT = new URL("tests/bun/smoke.ts", ROOT).pathname;

let lastStderr = "";

async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  lastStderr = new TextDecoder().decode(out.stderr);
  assert.equal(
    out.code,
    0,
    `${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`,
  );
  return text.trim();
}

async function npmPackageDir(name: string, version: string): Promise<string> {
  const info = JSON.parse(await run(Deno.execPath(), ["info", "--json"]));
  const dir = `${info.npmCache}/registry.npmjs.org/${name}/${version}`;
  await Deno.stat(`${dir}/package.json`);
  return dir;
}

Deno.test("bun: same bytes as Deno for the same pipeline, seed and input", async () => {
  const pins = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)))
    .imports as Record<string, string>;
  const version = (key: string) => pins[key].match(/@(\d+\.\d+\.\d+)/)![1];
  const modules = await Deno.makeTempDir({ prefix: "freqaug-bun-" });
  try {
    await Deno.mkdir(`${modules}/node_modules`);
    await Deno.symlink(
      await npmPackageDir("fp-ts", version("fp-ts/")),
      `${modules}/node_modules/fp-ts`,
    );
    await Deno.symlink(
      await npmPackageDir("io-ts", version("io-ts")),
      `${modules}/node_modules/io-ts`,
    );
    const deno = await run(Deno.execPath(), ["run", "--allow-read", SCRIPT]);
    const bun = Deno.env.get("FREQAUG_BUN");
    const bunOut = bun
      ? await run(bun, [SCRIPT], { NODE_PATH: `${modules}/node_modules` })
      : await run("npx", ["-y", "bun@1.4.4", SCRIPT], {
        NODE_PATH: `${modules}/node_modules`,
      });
    const last = (t: string) => JSON.parse(t.split("\n").pop() ?? "");
    const a = last(deno), b = last(bunOut);
    assert.equal(Object.keys(a).length, 4);
    assert.deepEqual(b, a);
    // Bun has no navigator.gpu: auto ran on the CPU, webgpu was refused with the library's error.
    const gpu = JSON.parse(lastStderr.trim().split("\n").filter((l) => l.startsWith("{")).pop() ?? "{}");
    assert.equal(gpu.auto, "cpu");
    assert.match(gpu.webgpu, /^FreqaugError: backend: backend: got "webgpu", expected a WebGPU adapter/);
  } finally {
    await Deno.remove(modules, { recursive: true });
  }
});
