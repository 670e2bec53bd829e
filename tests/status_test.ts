// cpuWorkerStatus and setCpuWorkerModule, the public view of the CPU
// backend's threads: which module workers run, whether batches reach them in
// shared memory, why they failed, and how the last batch ran.
import assert from "node:assert/strict";
import {
  augment,
  clamp,
  cpuWorkerStatus,
  FreqaugError,
  gmm,
  pipe,
  releaseWorkers,
  setCpuWorkerModule,
  setCpuWorkerModuleEither,
} from "../mod.ts";
import { configurePool, START_MS } from "../src/cpu/pool.ts";
import { inWorkerScope, startCpuWorker } from "../worker.ts";

const OWN = new URL("../src/cpu/worker.ts", import.meta.url).href;
const PIPE = pipe(gmm({ k: 4, sigma: [2, 5], c: 2 }), clamp());
const batch = () => {
  const data = Float32Array.from({ length: 6 * 3 * 24 * 24 }, (_, i) => (Math.sin(i * 0.11) + 1) / 2);
  return { data, count: 6, channels: 3, height: 24, width: 24 };
};

/** Runs fn, then restores the library's own worker module and shared memory, and ends the workers. */
async function restoring(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } finally {
    setCpuWorkerModule(undefined);
    configurePool({ shared: true, startMs: START_MS });
    releaseWorkers();
  }
}

Deno.test("status: the library's own module, shared memory in Deno, and how the last batch ran", async () => {
  await restoring(async () => {
    let s = cpuWorkerStatus();
    assert.equal(s.module, OWN);
    assert.equal(s.available, true);
    assert.equal(s.sharedMemory, true);
    assert.equal(s.failure, null);
    assert.equal(s.kernels, true);
    await augment(PIPE, batch(), { seed: 1, backend: "cpu", workers: 2, quiet: true });
    s = cpuWorkerStatus();
    assert.deepEqual(s.lastBatch, { path: "shared", threads: 2, workerImages: s.lastBatch.workerImages });
    assert.ok(s.running >= 1, "the worker is running after the batch");
    await augment(PIPE, batch(), { seed: 1, backend: "cpu", workers: 0, quiet: true });
    assert.deepEqual(cpuWorkerStatus().lastBatch, { path: "calling thread", threads: 1, workerImages: 0 });
    releaseWorkers();
    assert.equal(cpuWorkerStatus().running, 0);
  });
});

Deno.test("status: without shared memory, batches travel and the status says so", async () => {
  await restoring(async () => {
    configurePool({ shared: false });
    assert.equal(cpuWorkerStatus().sharedMemory, false);
    await augment(PIPE, batch(), { seed: 1, backend: "cpu", workers: 2, quiet: true });
    const s = cpuWorkerStatus();
    assert.equal(s.lastBatch.path, "transfer");
    assert.equal(s.lastBatch.threads, 2);
    assert.ok(s.lastBatch.workerImages > 0);
  });
});

Deno.test("status: a module that does not load is named in the failure, and the batch still comes out right", async () => {
  await restoring(async () => {
    const expected = await augment(PIPE, batch(), { seed: 3, backend: "cpu", workers: 0, quiet: true });
    const missing = new URL("./fixtures/no_such_worker.ts", import.meta.url);
    setCpuWorkerModule(missing);
    assert.equal(cpuWorkerStatus().module, missing.href);
    const warned: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => void warned.push(a);
    try {
      const got = await augment(PIPE, batch(), { seed: 3, backend: "cpu", workers: 2, quiet: true });
      assert.deepEqual(got.images.data, expected.images.data);
      // A second batch: no second warning.
      await augment(PIPE, batch(), { seed: 3, backend: "cpu", workers: 2, quiet: true });
    } finally {
      console.warn = warn;
    }
    const s = cpuWorkerStatus();
    assert.ok(s.failure, "a failure is reported");
    // What the runtime says of a module it cannot load differs (Deno's test runner: "Type checking failed").
    assert.match(s.failure, /^(a CPU worker failed: .+|the CPU worker module .*no_such_worker\.ts did not load)$/);
    assert.equal(s.available, false);
    assert.equal(warned.length, 1, `warned ${warned.length} times`);
    assert.match(String(warned[0][0]), /^freqaug: .*; CPU batches run on the calling thread from now on$/);
    // Naming a module again clears the failure.
    setCpuWorkerModule(undefined);
    assert.deepEqual([cpuWorkerStatus().failure, cpuWorkerStatus().available], [null, true]);
  });
});

Deno.test("setCpuWorkerModule: a relative address with a base; not a URL is a FreqaugError naming url", () => {
  try {
    setCpuWorkerModule("./worker.js", "https://example.com/app/page.js");
    assert.equal(cpuWorkerStatus().module, "https://example.com/app/worker.js");
    const r = setCpuWorkerModuleEither("not a url");
    assert.equal(r._tag, "Left");
    assert.throws(() => setCpuWorkerModule("::"), (e) => e instanceof FreqaugError && e.path === "url");
    // A refused address leaves the module as it was.
    assert.equal(cpuWorkerStatus().module, "https://example.com/app/worker.js");
  } finally {
    setCpuWorkerModule(undefined);
  }
  assert.equal(cpuWorkerStatus().module, OWN);
});

Deno.test("status: a module that loads but never answers fails the pool after startMs; the batch comes out right", async () => {
  await restoring(async () => {
    const expected = await augment(PIPE, batch(), { seed: 4, backend: "cpu", workers: 0, quiet: true });
    configurePool({ startMs: 300 });
    setCpuWorkerModule(new URL("./fixtures/silent_worker.ts", import.meta.url));
    const warn = console.warn;
    console.warn = () => {};
    try {
      const got = await augment(PIPE, batch(), { seed: 4, backend: "cpu", workers: 2, quiet: true });
      assert.deepEqual(got.images.data, expected.images.data);
    } finally {
      console.warn = warn;
    }
    assert.match(cpuWorkerStatus().failure ?? "", /silent_worker\.ts loaded but did not answer within 0\.3 s$/);
  });
});

Deno.test("the worker entry on a main thread: not a worker scope, and starting it does nothing", () => {
  assert.equal(inWorkerScope(), false);
  assert.equal(startCpuWorker(), false);
  assert.equal((globalThis as { onmessage?: unknown }).onmessage ?? null, null);
});
