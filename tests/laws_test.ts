// The laws of the ops, as fast-check properties with a fixed seed.
import assert from "node:assert/strict";
import fc from "fast-check";
import { augment, gmm, phaseShift, pipe, randomFrequencyMask, releaseWorkers } from "../mod.ts";
import {
  adjacentOpsCommute,
  arbBatch,
  arbFrequencyOp,
  arbGmm,
  arbPipeline,
  arbSeed,
  clarityGrowsWithC,
  deterministic,
  largeCIsIdentity,
  maskInUnitRange,
  meanScalesByDcFactor,
  mixturesCompose,
  preservesChannelMeans,
  replayable,
  splitInvariant,
} from "../src/testing/mod.ts";
import { property } from "./_helpers.ts";

const side = fc.integer({ min: 1, max: 64 });

Deno.test("law: the mask lies in [0, 1] for every draw", async () => {
  await property(
    fc.property(
      arbGmm(64),
      arbSeed(),
      side,
      side,
      (op, s, h, w) => maskInUnitRange(op, s, h, w),
    ),
    300,
  );
});

Deno.test("law: with keepDC every channel's mean is preserved", async () => {
  // Frequency ops that keep DC (randomFrequencyMask always does).
  const keeping = arbFrequencyOp().map((
    op,
  ) => ("keepDC" in op ? { ...op, keepDC: true } : op));
  const pipeline = fc.array(keeping, { minLength: 1, maxLength: 3 }).map((
    ops,
  ) => pipe(...ops));
  await property(
    fc.asyncProperty(
      pipeline,
      arbBatch({ maxSide: 20 }),
      arbSeed(),
      (p, b, s) => preservesChannelMeans(p, b, s, 1e-5),
    ),
    150,
  );
});

Deno.test("law: clarity grows with c (AC energy up, distance to the input down)", async () => {
  const c = fc.double({ min: 0.05, max: 40, noNaN: true });
  await property(
    fc.asyncProperty(
      arbGmm(),
      c,
      c,
      arbBatch({ maxSide: 20 }),
      arbSeed(),
      (op, c1, c2, b, s) => clarityGrowsWithC({ ...op, p: 1 }, c1, c2, b, s),
    ),
    100,
  );
});

for (const precision of ["float64", "lightly"] as const) {
  Deno.test(`law: c = 1e6 gives y ≈ x, precision ${precision}`, async () => {
    await property(
      fc.asyncProperty(
        arbGmm().map((op) => ({ ...op, precision })),
        arbBatch({ maxSide: 24 }),
        arbSeed(),
        (op, b, s) => largeCIsIdentity(op, b, s, 1e6),
      ),
      60,
    );
  });

  Deno.test(`law: without keepDC each mean is scaled by M(0, 0), precision ${precision}`, async () => {
    await property(
      fc.asyncProperty(
        arbGmm().map((op) => ({ ...op, precision, keepDC: false, p: 1 })),
        arbBatch({ maxSide: 24 }),
        arbSeed(),
        (op, b, s) => meanScalesByDcFactor(op, b, s),
      ),
      60,
    );
  });

  Deno.test(`law: two mixtures compose into one of their union, precision ${precision}`, async () => {
    await property(
      fc.asyncProperty(
        arbGmm().map((op) => ({ ...op, precision, p: 1 })),
        arbGmm(),
        arbBatch({ maxSide: 20 }),
        arbSeed(),
        (a, b, batch, s) => mixturesCompose(a, b, batch, s),
      ),
      40,
    );
  });
}

Deno.test("law: adjacent frequency ops commute (their multipliers multiply)", async () => {
  await property(
    fc.asyncProperty(
      arbFrequencyOp(),
      arbFrequencyOp(),
      arbBatch({ maxSide: 20 }),
      arbSeed(),
      (a, b, batch, s) => adjacentOpsCommute(a, b, batch, s),
    ),
    80,
  );
});

Deno.test("law: the same seed gives identical bytes", async () => {
  await property(
    fc.asyncProperty(
      arbPipeline({ channels: 3 }),
      arbBatch({ channels: 3, maxSide: 16 }),
      arbSeed(),
      (p, b, s) => deterministic(p, b, s),
    ),
    60,
  );
});

Deno.test("law: splitting a batch in two gives the same bytes", async () => {
  await property(
    fc.asyncProperty(
      arbPipeline({ channels: 1 }),
      arbBatch({ channels: 1, maxSide: 16, maxCount: 5 }),
      arbSeed(),
      fc.nat(5),
      (p, b, s, at) => splitInvariant(p, b, s, at),
    ),
    60,
  );
});

Deno.test("law: sample then augment({ params }) equals augment({ seed })", async () => {
  await property(
    fc.asyncProperty(
      arbPipeline({ channels: 3 }),
      arbBatch({ channels: 3, maxSide: 16 }),
      arbSeed(),
      (p, b, s) => replayable(p, b, s),
    ),
    60,
  );
});

Deno.test("law: same bytes with worker threads as without, on a large batch", async () => {
  const b = fc.sample(
    arbBatch({ channels: 3, minSide: 60, maxSide: 64, maxCount: 1 }),
    { seed: 1, numRuns: 1 },
  )[0];
  const big = {
    ...b,
    count: 24,
    data: new Float32Array(24 * b.data.length).map((_, i) => b.data[i % b.data.length]),
  };
  const p = pipe(gmm(), phaseShift(), randomFrequencyMask());
  await deterministic(p, big, 99, { workers: 2 });
  const threads = await augment(p, big, { seed: 99, workers: 2 });
  const one = await augment(p, big, { seed: 99, workers: 0 });
  releaseWorkers();
  assert.deepEqual(threads.images.data, one.images.data);
});
