// How the CPU backend behaves as a process: without read permission it runs
// on one thread with the same bytes, and a script that never releases the
// workers still exits by itself.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

async function deno(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "piped", stderr: "piped" }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout).trim(), stderr: dec.decode(out.stderr) };
}

Deno.test("without read permission (no workers) the bytes are the same as with workers", async () => {
  const script = "tests/bun/smoke.ts";
  const withWorkers = await deno(["run", "--allow-read", script]);
  const noWorkers = await deno(["run", script]);
  assert.equal(withWorkers.code, 0, withWorkers.stderr);
  assert.equal(noWorkers.code, 0, noWorkers.stderr);
  assert.deepEqual(JSON.parse(noWorkers.stdout), JSON.parse(withWorkers.stdout));
});

Deno.test("a script that uses the worker pool and never releases it exits by itself", async () => {
  const code = `
    import { augment, gmm, pipe } from "./mod.ts";
    const data = new Float32Array(8 * 3 * 128 * 128).fill(0.5);
    const r = await augment(pipe(gmm()), { data, count: 8, channels: 3, height: 128, width: 128 }, { seed: 1, workers: 2 });
    console.log(r.images.data.length);
  `;
  // A process kept alive by idle workers would be killed after 30 s and fail here.
  const out = await deno(["eval", "--ext=ts", code], 30_000);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, String(8 * 3 * 128 * 128));
});
