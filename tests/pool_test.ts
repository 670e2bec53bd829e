// The CPU backend's threads: a batch in shared memory (or, without it,
// chunks transferred to the workers and back) gives the calling thread's bytes
// for every input and output kind, whatever the split of images between
// threads; a worker that fails mid-batch costs nothing but time; the shared
// buffers kept between batches never show one batch's values in another's
// result; and every result is an ordinary array of its own.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  augment,
  type AugmentRunOptions,
  clamp,
  gmm,
  horizontalFlip,
  phaseShift,
  pipe,
  type Pipeline,
  randomResizedCrop,
  releaseWorkers,
} from "../mod.ts";
import { type CpuRunStats, cpuRunStats, cpuTuning } from "../src/cpu/backend.ts";
import { configurePool, keptSharedBytes, poolBroken } from "../src/cpu/pool.ts";
import { RETAINED_PIXELS } from "../src/cpu/kernel.ts";
import { arbPipeline, arbViewOp } from "../src/testing/mod.ts";
import { property } from "./_helpers.ts";

type Floats = Float32Array | Float64Array;
type Bytes = Uint8Array | Uint8ClampedArray;
interface FloatBatch {
  readonly data: Floats;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}
interface ByteBatch {
  readonly data: Bytes;
  readonly layout: "NHWC";
  readonly count: number;
  readonly channels: 3 | 4;
  readonly height: number;
  readonly width: number;
}
type AnyBatch = FloatBatch | ByteBatch;
type Output = "float32" | "float16" | "uint8" | undefined;

/** Values 0..1 (floats) or 0..255 (bytes) from a seeded generator. */
function fill<T extends Floats | Bytes>(a: T, seed: number): T {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = a instanceof Uint8Array || a instanceof Uint8ClampedArray ? s >>> 24 : s / 4294967296;
  }
  return a;
}

type InKind = "f32" | "f64" | "u8x3" | "u8x4";
function batchOf(kind: InKind, count: number, height: number, width: number, seed: number): AnyBatch {
  if (kind === "f32" || kind === "f64") {
    const n = count * 3 * height * width;
    return {
      data: fill(kind === "f32" ? new Float32Array(n) : new Float64Array(n), seed),
      count,
      channels: 3,
      height,
      width,
    };
  }
  const channels = kind === "u8x3" ? 3 : 4;
  const n = count * channels * height * width;
  return {
    data: fill(channels === 4 ? new Uint8ClampedArray(n) : new Uint8Array(n), seed),
    layout: "NHWC",
    count,
    channels,
    height,
    width,
  };
}

/** Whether two results hold the same bits in arrays of the same type. */
function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A result is an ordinary array that owns its whole buffer (so APIs that refuse shared memory take it). */
async function assertOwnArray(a: ArrayBufferView): Promise<void> {
  assert.ok(a.buffer instanceof ArrayBuffer, "the result is on an ArrayBuffer");
  assert.ok(!(a.buffer instanceof SharedArrayBuffer), "the result is not on shared memory");
  assert.equal(a.byteOffset, 0);
  assert.equal(a.byteLength, a.buffer.byteLength);
  await crypto.subtle.digest("SHA-256", a as Uint8Array<ArrayBuffer>);
}

interface Setup {
  readonly callerWorks?: boolean;
  readonly progressive?: boolean;
  readonly shared?: boolean;
  readonly worker?: "error" | "crash";
}

/** Runs `fn` with the pool set up so, then puts everything back and ends the workers. */
async function withPool(setup: Setup, fn: () => Promise<void>): Promise<void> {
  const saved = { ...cpuTuning };
  cpuTuning.callerWorks = setup.callerWorks ?? true;
  cpuTuning.progressive = setup.progressive ?? true;
  configurePool({
    shared: setup.shared ?? true,
    workerUrl: setup.worker ? new URL(`./fixtures/failing_cpu_worker.ts#${setup.worker}`, import.meta.url) : undefined,
  });
  try {
    await fn();
  } finally {
    Object.assign(cpuTuning, saved);
    configurePool({ shared: true, workerUrl: undefined });
    releaseWorkers();
  }
}

/**
 * The result with `workers` threads and on the calling thread alone: the same
 * bits, and an ordinary array. Returns what the threaded run ran on.
 */
async function sameAsCallingThread(
  p: Pipeline,
  b: AnyBatch,
  workers: number,
  output: Output = undefined,
  seed = 5,
): Promise<CpuRunStats> {
  const options = { seed, backend: "cpu", output } as AugmentRunOptions<Output>;
  const threaded = await augment(p, b as FloatBatch, { ...options, workers });
  const stats = cpuRunStats();
  const alone = await augment(p, b as FloatBatch, { ...options, workers: 0 });
  await assertOwnArray(threaded.images.data);
  assert.ok(
    sameBits(threaded.images.data, alone.images.data),
    `${workers} threads give the calling thread's bits (${JSON.stringify({ ...stats, output })})`,
  );
  assert.deepEqual(threaded.params, alone.params);
  return stats;
}

const FREQ_AND_SPATIAL = pipe(gmm({ k: 5, sigma: [2, 5] }), phaseShift(), clamp());
// A crop to another size: the output's images are not the input's size.
const VIEW = pipe(randomResizedCrop({ size: [9, 11] }), horizontalFlip(), gmm({ k: 3, sigma: [1, 3] }), clamp());
const FREQ_ONLY = pipe(gmm({ k: 4, sigma: [2, 4] }));
const INPUTS: InKind[] = ["f32", "f64", "u8x3", "u8x4"];
const OUTPUTS: Output[] = [undefined, "float32", "float16", "uint8"];

Deno.test("shared memory: each input and output kind gives the calling thread's bits; 37 images in claims of 2", async () => {
  await withPool({ callerWorks: false }, async () => {
    for (const kind of INPUTS) {
      const b = batchOf(kind, 37, 16, 12, 1 + INPUTS.indexOf(kind));
      for (const output of OUTPUTS) {
        for (const p of [FREQ_AND_SPATIAL, VIEW, FREQ_ONLY]) {
          const s = await sameAsCallingThread(p, b, 2, output);
          assert.deepEqual(
            [s.path, s.step, s.workerImages, s.copiedInput],
            ["shared", 2, 37, true],
            `${kind} ${output}`,
          );
        }
      }
    }
  });
});

Deno.test("shared memory: the calling thread takes images too, with one or more workers", async () => {
  await withPool({ callerWorks: true }, async () => {
    const b = batchOf("f32", 24, 40, 36, 9);
    for (const workers of [2, 3, 5]) {
      await sameAsCallingThread(FREQ_AND_SPATIAL, b, workers);
      await sameAsCallingThread(VIEW, batchOf("u8x4", 11, 20, 24, workers), workers, "uint8");
    }
    const s = await sameAsCallingThread(FREQ_AND_SPATIAL, b, 3);
    assert.deepEqual([s.path, s.threads, s.step], ["shared", 3, 1]);
    assert.ok(s.workerImages <= 24);
  });
});

Deno.test("shared memory: any split of any batch gives the calling thread's bits (property)", async () => {
  const arbCase = fc.record({
    kind: fc.constantFrom<InKind>("f32", "f64", "u8x3", "u8x4"),
    count: fc.integer({ min: 2, max: 40 }),
    height: fc.integer({ min: 1, max: 24 }),
    width: fc.integer({ min: 1, max: 24 }),
    workers: fc.integer({ min: 2, max: 5 }),
    callerWorks: fc.boolean(),
    progressive: fc.boolean(),
    output: fc.constantFrom<Output>(undefined, "float16", "uint8"),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    pipeline: fc.tuple(fc.array(arbViewOp(3), { maxLength: 1 }), arbPipeline({ channels: 3, maxOps: 3 }))
      .map(([view, rest]) => pipe(...view, ...rest.ops)),
  });
  await withPool({}, async () => {
    await property(
      fc.asyncProperty(arbCase, async (c) => {
        cpuTuning.callerWorks = c.callerWorks;
        cpuTuning.progressive = c.progressive;
        await sameAsCallingThread(
          c.pipeline,
          batchOf(c.kind, c.count, c.height, c.width, c.seed),
          c.workers,
          c.output,
          c.seed,
        );
      }),
      30,
    );
  });
});

Deno.test("without shared memory, chunks travel to the workers and back with the same bits", async () => {
  await withPool({ shared: false }, async () => {
    for (const kind of INPUTS) {
      for (const output of [undefined, "uint8"] as Output[]) {
        const s = await sameAsCallingThread(VIEW, batchOf(kind, 13, 20, 18, 40 + INPUTS.indexOf(kind)), 2, output);
        assert.deepEqual([s.path, s.workerImages], ["transfer", 13]);
      }
    }
  });
});

for (const worker of ["error", "crash"] as const) {
  for (const shared of [true, false]) {
    const how = worker === "error" ? "answers with an error" : "throws out of its handler";
    Deno.test(`a worker that ${how} mid-batch (${shared ? "shared memory" : "transfer"}): same bits`, async () => {
      await withPool({ worker, shared, callerWorks: false }, async () => {
        for (const [kind, output] of [["f32", undefined], ["u8x4", "uint8"], ["f64", "float16"]] as const) {
          const s = await sameAsCallingThread(FREQ_AND_SPATIAL, batchOf(kind, 21, 16, 20, 77), 2, output);
          assert.equal(s.path, shared ? "shared" : "transfer");
          assert.ok(s.workerImages < 21, `the failed workers' images were computed here (${s.workerImages})`);
          if (worker === "error") {
            assert.ok(s.workerImages > 0, "the workers finished some images first");
            assert.ok(!poolBroken());
          } else {
            // The pool is ended for good; no shared memory that a dying worker may write to is kept.
            assert.ok(poolBroken());
            assert.equal(keptSharedBytes(), 0);
            configurePool({ workerUrl: new URL("./fixtures/failing_cpu_worker.ts#crash", import.meta.url) });
          }
        }
      });
    });
  }
}

Deno.test("shared buffers grow and are reused: a big batch, then small ones, never show old values", async () => {
  await withPool({ callerWorks: false }, async () => {
    const big = batchOf("f32", 40, 24, 20, 1);
    await sameAsCallingThread(FREQ_AND_SPATIAL, big, 2);
    const kept = keptSharedBytes();
    assert.ok(kept >= 2 * 40 * 3 * 24 * 20 * 4, `input and output kept (${kept} bytes)`);
    // Smaller batches of other values, other shapes and types reuse the buffers (no more bytes kept).
    for (const [kind, count, h, w] of [["f32", 3, 24, 20], ["u8x4", 5, 9, 31], ["f64", 2, 24, 20]] as const) {
      await sameAsCallingThread(FREQ_AND_SPATIAL, batchOf(kind, count, h, w, 100 + count), 2);
      await sameAsCallingThread(VIEW, batchOf(kind, count, h, w, 200 + count), 2, "uint8");
      assert.equal(keptSharedBytes(), kept);
    }
    // A bigger one grows them.
    await sameAsCallingThread(FREQ_AND_SPATIAL, batchOf("f64", 40, 24, 20, 9), 2);
    assert.ok(keptSharedBytes() > kept);
    releaseWorkers();
    assert.equal(keptSharedBytes(), 0, "released with the workers");
  });
});

Deno.test("shared buffers of images over RETAINED_PIXELS pixels are not kept", async () => {
  await withPool({ callerWorks: false }, async () => {
    const side = Math.ceil(Math.sqrt(RETAINED_PIXELS)) + 1;
    const n = 2 * side * side;
    const b = { data: fill(new Float32Array(n), 5), count: 2, channels: 1, height: side, width: side };
    await sameAsCallingThread(pipe(clamp({ min: 0.2, max: 0.7 })), b, 2);
    assert.equal(keptSharedBytes(), 0);
  });
});

Deno.test("a batch already in shared memory is read where it is (an offset view too)", async () => {
  await withPool({ callerWorks: false }, async () => {
    const count = 9, n = count * 3 * 20 * 18;
    const sab = new SharedArrayBuffer((n + 5) * 4);
    const data = fill(new Float32Array(sab, 5 * 4, n), 12);
    const copy = data.slice();
    const b = { data, count, channels: 3, height: 20, width: 18 };
    await sameAsCallingThread(VIEW, b, 2);
    await augment(VIEW, b, { seed: 5, backend: "cpu", workers: 2 });
    const s = cpuRunStats();
    assert.deepEqual([s.path, s.copiedInput, s.workerImages], ["shared", false, count]);
    assert.deepEqual(data, copy, "the input is not written");
  });
});

Deno.test("releaseWorkers during a batch: the batch finishes on the calling thread with the same bits", async () => {
  await withPool({ callerWorks: false }, async () => {
    const b = batchOf("f32", 16, 64, 64, 31);
    const p = pipe(gmm({ k: 20, sigma: [3, 9] }), clamp());
    const running = augment(p, b, { seed: 2, backend: "cpu", workers: 2 });
    await new Promise((r) => setTimeout(r, 20));
    releaseWorkers();
    const threaded = await running;
    const alone = await augment(p, b, { seed: 2, backend: "cpu", workers: 0 });
    assert.ok(sameBits(threaded.images.data, alone.images.data));
    assert.equal(keptSharedBytes(), 0);
  });
});

Deno.test("two batches at once on the same workers: each gets its own bits", async () => {
  await withPool({ callerWorks: true }, async () => {
    const a = batchOf("f32", 12, 32, 28, 1), b = batchOf("u8x3", 7, 17, 33, 2);
    const [ra, rb] = await Promise.all([
      augment(FREQ_AND_SPATIAL, a, { seed: 3, backend: "cpu", workers: 2 }),
      augment(VIEW, b, { seed: 4, backend: "cpu", workers: 3, output: "uint8" }),
    ]);
    const wa = await augment(FREQ_AND_SPATIAL, a, { seed: 3, backend: "cpu", workers: 0 });
    const wb = await augment(VIEW, b, { seed: 4, backend: "cpu", workers: 0, output: "uint8" });
    assert.ok(sameBits(ra.images.data, wa.images.data));
    assert.ok(sameBits(rb.images.data, wb.images.data));
  });
});

Deno.test("a non-finite value fails the batch on every path with the calling thread's error; the pool stays usable", async () => {
  const p = pipe(gmm({ k: 3, sigma: [1, 3] }), clamp());
  for (const setup of [{ callerWorks: true }, { callerWorks: false }, { shared: false }] as Setup[]) {
    await withPool(setup, async () => {
      for (const at of [0, 20 * 3 * 16 * 16 - 1, 9 * 3 * 16 * 16 + 7]) {
        const b = batchOf("f32", 20, 16, 16, at) as FloatBatch;
        b.data[at] = at % 2 ? Infinity : NaN;
        const message = (workers: number) =>
          augment(p, b, { seed: 1, backend: "cpu", workers }).then(
            () => "no error",
            (e: Error) => `${e.name}: ${e.message}`,
          );
        const alone = await message(0);
        assert.match(alone, new RegExp(`^FreqaugError: .*batch\\.data\\[${at}\\]`));
        assert.equal(await message(2), alone, JSON.stringify(setup));
        assert.equal(await message(3), alone, JSON.stringify(setup));
      }
      await sameAsCallingThread(p, batchOf("f32", 20, 16, 16, 1), 2);
      assert.ok(!poolBroken());
    });
  }
});
