// Bad input at the API's edges: holes, inherited properties, null where an
// object belongs, seeds that are not seeds, huge error lists, pipelines too
// large or able only to overflow, NaN through clamp, tiny σ, shared memory.
// Each case is refused with a FreqaugError naming the field, or works.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  amplitudeRescale,
  augment,
  augmentStream,
  augmentTask,
  clamp,
  compile,
  compileTask,
  decodeSpec,
  explain,
  FreqaugError,
  gmm,
  normalize,
  phaseShift,
  pipe,
  pipeEither,
  type Pipeline,
  randomFrequencyMask,
  sample,
  sampleEither,
  webgpuAdapter,
} from "../mod.ts";
import { stagesOf } from "../src/dsl/stages.ts";
import { runImages } from "../src/cpu/kernel.ts";
import { NonFiniteInput } from "../src/cpu/finite.ts";
import { moduleOf } from "../src/ops/registry.ts";
import { FC_SEED, maxDiff, property } from "./_helpers.ts";

const batch = () => ({ data: new Float32Array(2 * 3 * 8 * 8).fill(0.5), count: 2, channels: 3, height: 8, width: 8 });
const P = pipe(gmm({ k: 3, sigma: 2 }));

/** Asserts `e` is a FreqaugError at `path` whose range matches `expected`. */
function isError(e: unknown, path: string, expected?: RegExp): FreqaugError {
  assert.ok(e instanceof FreqaugError, `expected a FreqaugError at ${path}, got ${e}`);
  assert.equal(e.path, path, e.message);
  if (expected) assert.match(e.expected, expected);
  return e;
}

function refused(f: () => unknown, path: string, expected?: RegExp): FreqaugError {
  try {
    f();
  } catch (e) {
    return isError(e, path, expected);
  }
  return isError(undefined, path, expected);
}

async function rejects(p: Promise<unknown>, path: string, expected?: RegExp): Promise<FreqaugError> {
  try {
    await p;
  } catch (e) {
    return isError(e, path, expected);
  }
  return isError(undefined, path, expected);
}

function left(r: { _tag: string; left?: unknown }, path: string, expected?: RegExp): FreqaugError {
  assert.equal(r._tag, "Left");
  return isError(r.left, path, expected);
}

Deno.test("holes in arrays are refused at their index, never skipped", () => {
  refused(() => normalize({ mean: new Array(3), std: [1, 1, 1] }), "normalize.mean[0]");
  // deno-lint-ignore no-sparse-arrays
  refused(() => gmm({ sigma: [, 3] as unknown as [number, number] }), "gmm.sigma[0]");
  // deno-lint-ignore no-sparse-arrays
  left(decodeSpec({ version: 1, ops: [, , { op: "gmm" }] }), "ops[0]", /op object/);
  // deno-lint-ignore no-sparse-arrays
  left(decodeSpec({ version: 1, ops: [{ op: "normalize", mean: [0.5, , 0.5], std: [1, 1, 1] }] }), "ops[0].mean[1]");
});

Deno.test("inherited properties are refused with their path, never read", () => {
  const op = Object.assign(Object.create({ k: 1024, c: 1e-300 }), { op: "gmm" });
  const e = left(decodeSpec({ version: 1, ops: [op] }), "ops[0].k", /inherited/);
  assert.ok(e.issues.some((i) => i.path === "ops[0].c"), e.message);
  left(decodeSpec(Object.create({ version: 1, ops: [] })), "version", /inherited/);
  left(decodeSpec({ version: 1, ops: [Object.create({ op: "gmm" })] }), "ops[0].op", /inherited/);
  refused(() => gmm(Object.create({ k: 5 })), "gmm.k", /inherited/);
  left(pipeEither(op), "ops[0].k", /inherited/);
});

Deno.test("a getter that throws while a spec is read is a FreqaugError", () => {
  const spec = {
    version: 1,
    ops: [{
      op: "gmm",
      get k() {
        throw new Error("boom");
      },
    }],
  };
  const r = decodeSpec(spec);
  assert.equal(r._tag, "Left");
  if (r._tag === "Left") assert.match(r.left.message, /boom/);
});

Deno.test("options: a non-enumerable or inherited option is read, never skipped; one that throws names its field", async () => {
  const batch = { data: new Float32Array(3 * 4 * 4).fill(0.5), count: 1, channels: 3, height: 4, width: 4 };
  const throwing = (key: string) =>
    Object.defineProperty({ backend: "cpu" }, key, {
      get() {
        throw new Error("boom");
      },
    });
  for (const key of ["seed", "output"]) {
    await assert.rejects(
      augment(pipe(gmm()), batch, throwing(key) as never),
      (e: unknown) => e instanceof FreqaugError && e.message.startsWith(`options.${key}: `) && /boom/.test(e.message),
    );
  }
  class Options {
    readonly backend = "cpu";
    get seed(): number {
      return 5;
    }
  }
  assert.equal((await augment(pipe(gmm()), batch, new Options())).seed, 5);
  const hidden = Object.defineProperty({ backend: "cpu" as const }, "seed", { value: 6, enumerable: false });
  assert.equal((await augment(pipe(gmm()), batch, hidden)).seed, 6);
});

Deno.test("null and undefined batches and options are FreqaugErrors; the tasks never throw nor reject", async () => {
  await rejects(augment(P, null as never), "batch");
  await rejects(augment(P, undefined as never), "batch");
  await rejects(augment(P, batch(), null as never), "options");
  await rejects(augment(P, batch(), 3 as never), "options");
  await rejects(augment(null as never, batch()), "pipeline");
  const getterBomb = {
    ...batch(),
    get data(): Float32Array {
      throw new Error("getter");
    },
  };
  await rejects(augment(P, getterBomb as never), "backend", /getter/);
  // augmentTask: building the task never throws, running it never rejects.
  for (const args of [[P, null], [P, undefined], [P, batch(), null], [null, null], [P, getterBomb]] as const) {
    const task = augmentTask(...(args as unknown as Parameters<typeof augmentTask>));
    const r = await task();
    assert.equal(r._tag, "Left");
  }
  left(await compileTask(P, { height: 8, width: 8, channels: 3 }, null as never)(), "options");
  left(await compileTask(P, null as never)(), "shape");
  const kernel = await compile(P, { height: 8, width: 8, channels: 3 }, { backend: "cpu" });
  left(await kernel.runTask(null as never)(), "batch");
  left(await kernel.runTask(batch(), null as never)(), "options");
  refused(() => sample(P, null as never), "request");
  left(sampleEither(P, undefined as never), "request");
  refused(() => explain(P, { height: 8, width: 8, channels: 3 }, null as never), "options");
  await rejects(augmentStream(P, [batch()], null as never).next(), "options");
});

Deno.test("seed: null and offset: null are refused, not read as 'absent'", async () => {
  await rejects(augment(P, batch(), { seed: null as never }), "seed", /safe integer/);
  await rejects(augment(P, batch(), { seed: 1, offset: null as never }), "offset");
  await rejects(augment(P, batch(), { backend: null as never }), "backend");
  await rejects(augment(P, batch(), { workers: null as never }), "workers");
  await rejects(augmentStream(P, [batch()], { seed: null as never }).next(), "seed");
  refused(() => sample(P, { seed: null as never, count: 1, height: 8, width: 8 }), "seed");
  refused(() => sample(P, { seed: 1, count: 1, height: 8, width: 8, offset: null as never }), "offset");
});

Deno.test("error messages stay short and say how many problems were left out", () => {
  // 64 normalize ops with 64 bad means each: 4096 problems.
  const ops = Array.from({ length: 64 }, () => ({ op: "normalize", mean: new Array(64).fill("x"), std: [1] }));
  const e = left(decodeSpec({ version: 1, ops }), "ops[0].mean[0]");
  assert.ok(e.message.length < 4096, `message of ${e.message.length} characters`);
  assert.match(e.message, /and \d+ more problems/);
  assert.equal(e.issues.length, 100);
  assert.ok(e.omitted > 3000, `omitted ${e.omitted}`);
  // A 100,000-character unknown key, and a huge value.
  const key = "k".repeat(100_000);
  const e2 = left(decodeSpec({ version: 1, ops: [{ op: "gmm", [key]: "v".repeat(100_000) }] }), `ops[0].${key}`);
  assert.ok(e2.message.length < 1024, `message of ${e2.message.length} characters`);
  // 10,000 bad ops: refused as a whole, at once.
  const many = Array.from({ length: 10_000 }, () => ({ op: "gmm", k: -1 }));
  const e3 = left(decodeSpec({ version: 1, ops: many }), "ops", /at most 64 ops/);
  assert.ok(e3.message.length < 512);
});

Deno.test("documented limits: at most 64 ops and 2048 Gaussians per pipeline", () => {
  const ops64 = Array.from({ length: 64 }, () => gmm({ k: 1 }));
  assert.equal(pipe(...ops64).ops.length, 64);
  refused(() => pipe(...ops64, gmm({ k: 1 })), "ops", /at most 64 ops/);
  left(decodeSpec({ version: 1, ops: Array.from({ length: 65 }, () => ({ op: "clamp" })) }), "ops", /at most 64/);
  assert.equal(pipe(gmm({ k: 1024 }), gmm({ k: 1024 })).ops.length, 2);
  refused(() => pipe(gmm({ k: 1024 }), gmm({ k: 1024 }), gmm({ k: 1 })), "ops[2]", /2048 Gaussians/);
  left(
    decodeSpec({
      version: 1,
      ops: [{ op: "gmm", k: 1000 }, { op: "clamp" }, { op: "gmm", k: 1000 }, { op: "gmm", k: 49 }],
    }),
    "ops[3]",
    /2048 Gaussians/,
  );
});

Deno.test("a spec that can only overflow is refused at decode", () => {
  const chain = Array.from({ length: 30 }, () => ({ op: "amplitudeRescale", range: [1e6, 1e6] }));
  const e = left(decodeSpec({ version: 1, ops: chain }), "ops[5]", /stay finite/);
  assert.match(e.message, /1\.00e\+36/);
  left(
    decodeSpec({
      version: 1,
      ops: [
        { op: "normalize", mean: [0], std: [1e-6] },
        { op: "normalize", mean: [0], std: [1e-6] },
        {
          op: "normalize",
          mean: [0],
          std: [1e-6],
        },
        { op: "normalize", mean: [0], std: [1e-6] },
        { op: "normalize", mean: [0], std: [1e-6] },
        {
          op: "normalize",
          mean: [0],
          std: [1e-6],
        },
      ],
    }),
    "ops[5]",
    /stay finite/,
  );
  // A clamp in between bounds the values again.
  const ok = pipe(
    ...Array.from({ length: 4 }, () => amplitudeRescale({ range: [1e6, 1e6] })),
    clamp({ min: -1, max: 1 }),
    ...Array.from({ length: 4 }, () => amplitudeRescale({ range: [1e6, 1e6] })),
  );
  assert.equal(ok.ops.length, 9);
});

/** Mostly `usual`, one time in ten `beyond` (a value past a codec's limit). */
const rarely = <T>(usual: fc.Arbitrary<T>, beyond: NoInfer<T> | number | number[]) =>
  fc.oneof({ arbitrary: usual as fc.Arbitrary<unknown>, weight: 9 }, { arbitrary: fc.constant(beyond), weight: 1 });

/** Specs with every number at or near the ends the codecs allow, and a few beyond. */
const extremeOp = fc.oneof(
  fc.record({
    op: fc.constant("gmm"),
    k: fc.constantFrom(1, 64),
    sigma: fc.constantFrom(1e-3, 1e6, [1e-3, 1e6]),
    c: fc.constantFrom(1e-6, 1e6, 1),
    intensity: fc.constantFrom(0, 1, [0, 1]),
    keepDC: fc.boolean(),
    precision: fc.constantFrom("float64", "lightly"),
  }),
  {
    arbitrary: fc.record({ op: fc.constant("amplitudeRescale"), range: fc.constantFrom([0, 1e6], [1e6, 1e6], [0, 0]) }),
    weight: 6,
  },
  fc.record({ op: fc.constant("phaseShift"), range: fc.constantFrom([-2 * Math.PI, 2 * Math.PI]) }),
  fc.record({ op: fc.constant("randomFrequencyMask"), k: fc.constantFrom(0, 1, [0, 1]) }),
  {
    arbitrary: fc.record({
      op: fc.constant("normalize"),
      mean: rarely(fc.constantFrom([1e6], [-1e6], [0]), [1e308]),
      std: rarely(fc.constantFrom([1e-6], [1e6], [1]), [5e-324]),
    }),
    weight: 6,
  },
  fc.record({
    op: fc.constant("clamp"),
    min: rarely(fc.constantFrom(-1e30, 0), -1e308),
    max: rarely(fc.constantFrom(1e30, 1), 1e308),
  }),
);

Deno.test("every accepted extreme spec keeps finite input finite, in float32 and float64", async () => {
  let accepted = 0, refusedCount = 0;
  await property(
    fc.asyncProperty(
      fc.array(extremeOp, { minLength: 3, maxLength: 12 }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer(),
      async (ops, h, w, seed) => {
        const r = decodeSpec({ version: 1, ops });
        if (r._tag === "Left") {
          refusedCount++;
          assert.ok(r.left instanceof FreqaugError);
          return;
        }
        accepted++;
        const data = new Float64Array(h * w).map((_, i) => (i * 0.618) % 1);
        const check = (out: ArrayLike<number>, what: string) => {
          for (let i = 0; i < out.length; i++) {
            assert.ok(Number.isFinite(out[i]), `${what}: value ${out[i]} at ${i}: ${JSON.stringify(ops)}`);
          }
        };
        const opts = { seed, backend: "cpu" as const, workers: 0 };
        const shape = { count: 1, channels: 1, height: h, width: w };
        check((await augment(r.right, { ...shape, data }, opts)).images.data, "float64");
        check((await augment(r.right, { ...shape, data: Float32Array.from(data) }, opts)).images.data, "float32");
      },
    ),
    200,
  );
  console.log(`extreme specs (fast-check seed ${FC_SEED}): ${accepted} accepted and finite, ${refusedCount} refused`);
  assert.ok(accepted >= 50, `only ${accepted} accepted: the property ran on too few specs`);
});

Deno.test("clamp maps NaN to its lower bound (documented), in its CPU apply", () => {
  // A NaN can only arise inside a pipeline (the kernel refuses NaN input, next test): the op is applied alone.
  const op = pipe(clamp({ min: -2, max: 3 })).ops[0];
  const img = { data: new Float64Array([NaN, -5, 0.5, 7]), channels: 1, height: 2, width: 2 };
  const workspace = { spare: (n: number) => new Float64Array(n), run: () => img };
  const out = moduleOf(op).apply!(op, { op: "clamp", applied: true }, img, workspace);
  assert.deepEqual(Array.from(out.data), [-2, -2, 0.5, 3]);
});

Deno.test("the CPU interpreter refuses a NaN or infinite input value as it loads it", () => {
  const p: Pipeline = pipe(clamp({ min: -2, max: 3 }));
  for (const bad of [NaN, Infinity, -Infinity]) {
    const data = new Float64Array([0.5, bad, 0.5, 7]);
    assert.throws(
      () =>
        runImages(stagesOf(p), [[{ op: "clamp", applied: true }]], data, 0, 1, { channels: 1, height: 2, width: 2 }),
      NonFiniteInput,
    );
  }
});

Deno.test("σ below the documented minimum is refused, in specs and in replayed params", async () => {
  refused(() => gmm({ sigma: 1e-40 }), "gmm.sigma", /\[0\.001, 1e6\]/);
  refused(() => gmm({ sigma: [1e-4, 1] }), "gmm.sigma[0]", /\[0\.001, 1e6\]/);
  assert.equal(gmm({ sigma: 1e-3 }).sigma[0], 1e-3);
  const p = pipe(gmm({ k: 1, sigma: 1 }));
  const params = [[{
    op: "gmm",
    applied: true,
    gaussians: [{ u0: 0, v0: 0, sigmaU: 1e-40, sigmaV: 1, intensity: 1 }],
  }]];
  await rejects(
    augment(p, { ...batch(), count: 1, data: new Float32Array(3 * 64) }, { params: params as never }),
    "params[0][0].gaussians[0].sigmaU",
  );
});

Deno.test("SharedArrayBuffer-backed batches work and give the same bytes", async () => {
  const plain = batch();
  const shared = new Float32Array(new SharedArrayBuffer(plain.data.byteLength));
  shared.set(plain.data.map((_, i) => (i % 7) / 7));
  plain.data.set(shared);
  const p = pipe(gmm({ k: 4, sigma: 2 }), phaseShift(), randomFrequencyMask(), normalize());
  const a = await augment(p, plain, { seed: 3, backend: "cpu" });
  const b = await augment(p, { ...plain, data: shared }, { seed: 3, backend: "cpu" });
  assert.deepEqual(b.images.data, a.images.data);
});

const adapter = await webgpuAdapter();
const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `webgpu: ${name}`, ignore: !adapter, fn, sanitizeResources: false, sanitizeOps: false });

gpuTest("SharedArrayBuffer-backed batches are accepted and match the plain ones", async () => {
  const plain = batch();
  plain.data.set(plain.data.map((_, i) => (i % 5) / 5));
  const shared = new Float32Array(new SharedArrayBuffer(plain.data.byteLength));
  shared.set(plain.data);
  const p = pipe(gmm({ k: 4, sigma: 2 }), normalize());
  const a = await augment(p, plain, { seed: 3, backend: "webgpu" });
  const b = await augment(p, { ...plain, data: shared }, { seed: 3, backend: "webgpu" });
  assert.deepEqual(b.images.data, a.images.data);
});

gpuTest("at the smallest σ the CPU and WebGPU backends agree", async () => {
  const p = pipe(gmm({ k: 8, sigma: 1e-3, c: 0.5, keepDC: false }), gmm({ k: 4, sigma: 1e-3, precision: "lightly" }));
  const b = batch();
  b.data.set(b.data.map((_, i) => ((i * 0.618) % 1)));
  const cpu = await augment(p, b, { seed: 5, backend: "cpu" });
  const gpu = await augment(p, b, { seed: 5, backend: "webgpu" });
  const m = maxDiff(cpu.images.data, gpu.images.data);
  assert.ok(m <= 2e-5, `max difference ${m}`);
});

Deno.test("op constructors and pipeEither turn throwing getters and proxies into FreqaugErrors", () => {
  refused(
    () =>
      gmm({
        get k(): number {
          throw new Error("boom");
        },
      }),
    "gmm",
    /boom/,
  );
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  refused(() => clamp(revoked.proxy), "clamp");
  left(
    pipeEither({
      get ops(): never {
        throw new Error("boom");
      },
    } as never),
    "ops",
    /boom/,
  );
  left(pipeEither(revoked.proxy as never), "ops");
  refused(() => gmm({ op: "clamp" } as never), "gmm.op");
  refused(() => gmm([] as never), "gmm", /options object/);
  // A pipeline-shaped object whose ops are far too many is refused before they are copied.
  const huge: unknown[] = [];
  huge.length = 2 ** 32 - 1;
  left(pipeEither({ version: 1, ops: huge } as never), "ops", /at most 64/);
});

Deno.test("messages stay short whatever the value's constructor name or the number of unknown keys", async () => {
  const data = new Float32Array(4);
  Object.defineProperty(data, "constructor", { value: { name: "N".repeat(1e6) } });
  const e = await rejects(
    augment(P, { data, count: 1, channels: 1, height: 1, width: 3 } as never),
    "batch.data.length",
  );
  assert.ok(e.message.length < 1024, `${e.message.length} characters`);
  const op: Record<string, unknown> = { op: "gmm" };
  for (let i = 0; i < 150_000; i++) op[`x${i}`] = i;
  const e2 = left(decodeSpec({ version: 1, ops: [op] }), "ops[0].x0", /known field/);
  assert.equal(e2.omitted, 150_000 - 100);
  // Replayed params keep 100 issues and count the rest.
  const p = pipe(gmm({ k: 300, sigma: 1 }));
  const bad = [[{ op: "gmm", applied: true, gaussians: Array.from({ length: 300 }, () => ({ u0: -1 })) }]];
  const e3 = await rejects(
    augment(p, { ...batch(), count: 1, data: new Float32Array(3 * 64) }, { params: bad as never }),
    "params[0][0].gaussians[0].u0",
  );
  assert.equal(e3.issues.length, 100);
  assert.ok(e3.omitted > 1000, `omitted ${e3.omitted}`);
});

Deno.test("augmentStream and explain refuse what they cannot read with FreqaugErrors", async () => {
  await rejects(augmentStream(P, null as never).next(), "batches");
  await rejects(
    augmentStream(P, [batch()], {
      get seed(): number {
        throw new Error("x");
      },
    } as never).next(),
    "options.seed",
  );
  async function* broken() {
    yield batch();
    throw new Error("source failed");
  }
  const it = augmentStream(P, broken(), { seed: 1, inFlight: 2 });
  await rejects(
    (async () => {
      for await (const _ of it) { /* drain */ }
    })(),
    "batches",
    /source failed/,
  );
  const shape = { height: 8, width: 8, channels: 3 };
  refused(
    () =>
      explain(P, {
        get height(): number {
          throw new Error("h");
        },
        width: 8,
        channels: 1,
      } as never),
    "explain",
    /h/,
  );
  refused(() => explain(P, shape, { limits: { workgroupStorage: -1 } }), "limits.workgroupStorage");
  refused(() => explain(P, shape, { limits: { workgroupStorage: NaN } }), "limits.workgroupStorage");
  refused(() => explain(P, shape, { limits: { scratch: "x" as never } }), "limits.scratch");
  // sample: a request that would not fit in memory is refused, and sides stay within 32-bit draws.
  refused(() => sample(P, { seed: 1, count: 2 ** 32 - 1, height: 1, width: 1 }), "count", /draws/);
  refused(() => sample(P, { seed: 1, count: 1, height: 2 ** 40, width: 1 }), "height", /2147483648/);
});

Deno.test("a hand-written pipeline runs as its decoded form (defaults filled), and later changes do not leak in", async () => {
  const b = batch();
  b.data.set(b.data.map((_, i) => (i % 9) / 9));
  const raw = { version: 1, ops: [{ op: "gmm", k: 3, sigma: [2, 2] }, { op: "clamp" }] };
  const decoded = decodeSpec(raw);
  assert.equal(decoded._tag, "Right");
  if (decoded._tag !== "Right") return;
  const want = await augment(decoded.right, b, { seed: 1, backend: "cpu", workers: 0 });
  const got = await augment(raw as never, b, { seed: 1, backend: "cpu", workers: 0 });
  assert.deepEqual(got.images.data, want.images.data);
  const mutable = { version: 1, ops: [{ op: "clamp", min: 0, max: 1 }] };
  const running = augment(mutable as never, b, { seed: 1, backend: "cpu", workers: 0 });
  mutable.ops[0].min = NaN;
  const r = await running;
  assert.ok(r.images.data.every(Number.isFinite));
});

Deno.test("replayed params are read once and copied: getters and holes cannot change the run", async () => {
  const p = pipe(phaseShift({ range: [0.5, 0.5] }));
  const b = { ...batch(), count: 1, data: new Float32Array(3 * 64).map((_, i) => (i % 5) / 5) };
  let reads = 0;
  const tricky = [[{
    op: "phaseShift",
    applied: true,
    get theta() {
      return reads++ < 1 ? 0.5 : NaN;
    },
  }]];
  const r = await augment(p, b, { params: tricky as never, backend: "cpu", workers: 0 });
  assert.ok(r.images.data.every(Number.isFinite));
  const honest = await augment(p, b, { params: [[{ op: "phaseShift", applied: true, theta: 0.5 }]], backend: "cpu" });
  assert.deepEqual(r.images.data, honest.images.data);
  // deno-lint-ignore no-sparse-arrays
  await rejects(augment(p, b, { params: [,] as never }), "params[0]");
  // deno-lint-ignore no-sparse-arrays
  await rejects(augment(p, b, { params: [[,]] as never }), "params[0][0].op");
  const g = pipe(gmm({ k: 2, sigma: 1 }));
  await rejects(
    // deno-lint-ignore no-sparse-arrays
    augment(g, b, {
      params: [[{
        op: "gmm",
        applied: true,
        gaussians: [, { u0: 0, v0: 0, sigmaU: 1, sigmaV: 1, intensity: 1 }],
      }]] as never,
    }),
    "params[0][0].gaussians[0]",
  );
});

gpuTest("a float64 batch beyond float32's range is refused on WebGPU, naming the value", async () => {
  const data = new Float64Array(3 * 64).fill(0.5);
  data[17] = 1e300;
  await rejects(
    augment(P, { ...batch(), count: 1, data }, { seed: 1, backend: "webgpu" }),
    "batch.data[17]",
    /float32/,
  );
  const cpu = await augment(P, { ...batch(), count: 1, data }, { seed: 1, backend: "cpu" });
  assert.ok(cpu.images.data.every(Number.isFinite));
});
