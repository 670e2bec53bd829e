// augment: bad input, determinism across threads, float64, spatial ops.
import assert from "node:assert/strict";
import {
  amplitudeRescale,
  augment,
  augmentTask,
  type Batch,
  clamp,
  FreqaugError,
  gmm,
  normalize,
  phaseShift,
  pipe,
  randomFrequencyMask,
  releaseWorkers,
  sample,
} from "../mod.ts";

function image(
  count: number,
  channels: number,
  height: number,
  width: number,
  seed = 1,
): Batch {
  let s = seed >>> 0;
  const data = new Float32Array(count * channels * height * width).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
  return { data, count, channels, height, width };
}

const P = pipe(gmm({ k: 6, sigma: [2, 5] }));

async function rejects(
  run: () => Promise<unknown>,
  code: string,
  path: string | RegExp,
  expected?: RegExp,
): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof FreqaugError, String(e));
    assert.equal(e.code, code);
    if (typeof path === "string") assert.equal(e.path, path);
    else assert.match(e.path, path);
    if (expected) assert.match(e.message, expected);
    return true;
  });
}

Deno.test("bad batches are rejected before any work, naming what was expected", async () => {
  const ok = image(2, 3, 8, 8);
  await rejects(
    () => augment(P, { ...ok, count: 3 }),
    "input",
    "batch.data.length",
    /= 576/,
  );
  await rejects(
    () => augment(P, { ...ok, height: 0 }),
    "input",
    "batch.height",
    /integer >= 1/,
  );
  await rejects(() => augment(P, { ...ok, width: -8 }), "input", "batch.width");
  await rejects(
    () => augment(P, { ...ok, count: 1.5 }),
    "input",
    "batch.count",
  );
  await rejects(
    () => augment(P, { ...ok, data: [1, 2] as unknown as Float32Array }),
    "input",
    "batch.data",
  );
  for (const bad of [NaN, Infinity, -Infinity]) {
    const b = image(2, 3, 8, 8);
    b.data[100] = bad;
    b.data[200] = NaN;
    await rejects(
      () => augment(P, b, { seed: 1 }),
      "input",
      "batch.data[100]",
      /finite/,
    );
  }
});

Deno.test("a NaN or infinite value is found by the CPU kernel's first pass, and named exactly, on every path", async () => {
  // The CPU backend checks values as it loads them (no separate scan); the error must still name
  // the first bad index, whichever worker, chunk, stage or load path met a bad value first.
  const pipelines = {
    frequency: P,
    inactive: pipe(gmm({ k: 6, sigma: [2, 5], p: 0 })), // the stage copies: a load of its own
    spatial: pipe(normalize(), gmm({ k: 6, sigma: [2, 5] }), clamp()), // whole images
  };
  const shape = { count: 24, channels: 3, height: 40, width: 36 };
  const n = shape.count * shape.channels * shape.height * shape.width;
  for (const [name, pipeline] of Object.entries(pipelines)) {
    for (const workers of [0, 2]) {
      for (const f64 of [false, true]) {
        for (const at of [0, 7, n / 2 + 5, n - 1]) {
          const data = f64 ? new Float64Array(n).fill(0.25) : new Float32Array(n).fill(0.25);
          data[at] = at % 2 ? Infinity : NaN;
          if (at < n - 1) data[n - 1] = -Infinity; // a later bad value, maybe met first by another worker
          await rejects(
            () => augment(pipeline, { ...shape, data }, { seed: 3, backend: "cpu", workers }),
            "input",
            `batch.data[${at}]`,
            /finite/,
          );
        }
      }
    }
    // And a clean batch of the same shapes runs.
    const ok = await augment(pipeline, { ...shape, data: new Float32Array(n).fill(0.25) }, { seed: 3, workers: 2 });
    assert.ok(ok.images.data.every(Number.isFinite), name);
  }
  releaseWorkers();
});

Deno.test("bad seeds, offsets, options and params are rejected", async () => {
  const b = image(2, 1, 8, 8);
  await rejects(
    () => augment(P, b, { seed: 0.5 }),
    "input",
    "seed",
    /safe integer/,
  );
  await rejects(() => augment(P, b, { seed: 2 ** 53 }), "input", "seed");
  await rejects(
    () => augment(P, b, { seed: 1, offset: -1 }),
    "input",
    "offset",
  );
  await rejects(
    () => augment(P, b, { seed: 1, workers: -1 }),
    "input",
    "workers",
  );
  await rejects(
    () => augment(P, b, { backend: "gpu" as "cpu" }),
    "backend",
    "backend",
  );
  const params = sample(P, { seed: 1, count: 2, height: 8, width: 8 });
  await rejects(
    () => augment(P, b, { params: params.slice(1) }),
    "params",
    "params",
    /array of 2/,
  );
  await rejects(() => augment(P, b, { params, seed: 3 }), "input", "seed");
  await rejects(
    () => augment(pipe(P, clamp()), b, { params }),
    "params",
    "params[0]",
    /array of 2 \(one per op\)/,
  );
  await rejects(
    () => augment(pipe(phaseShift()), b, { params }),
    "params",
    "params[0][0].op",
    /"phaseShift"/,
  );
  const far = structuredClone(params);
  (far[1][0] as unknown as { gaussians: { u0: number }[] }).gaussians[2].u0 = 8;
  await rejects(
    () => augment(P, b, { params: far }),
    "params",
    "params[1][0].gaussians[2].u0",
    /\[0, 7\]/,
  );
  const fewer = structuredClone(params);
  (fewer[0][0] as unknown as { gaussians: unknown[] }).gaussians.pop();
  await rejects(
    () => augment(P, b, { params: fewer }),
    "params",
    "params[0][0].gaussians",
    /6 Gaussians/,
  );
  // Params drawn for a larger image do not fit a smaller one.
  const big = sample(P, { seed: 4, count: 2, height: 64, width: 64 });
  await rejects(
    () => augment(P, b, { params: big }),
    "params",
    /^params\[\d\]\[0\]\.gaussians\[\d+\]\.[uv]0$/,
  );
});

Deno.test("normalize must fit the channels", async () => {
  const b = image(1, 2, 4, 4);
  await rejects(
    () => augment(pipe(normalize()), b, { seed: 1 }),
    "input",
    "ops[0].mean",
    /1 or 2 values/,
  );
  const r = await augment(pipe(normalize({ mean: [0.5], std: [0.5] })), b, {
    seed: 1,
  });
  assert.ok(Math.abs(r.images.data[0] - (b.data[0] - 0.5) / 0.5) < 1e-6);
});

Deno.test("augmentTask returns errors as values and never rejects", async () => {
  const r = await augmentTask(P, { ...image(1, 1, 4, 4), count: 2 })();
  assert.equal(r._tag, "Left");
  const ok = await augmentTask(P, image(1, 1, 4, 4), { seed: 1 })();
  assert.equal(ok._tag, "Right");
});

Deno.test("the input batch is never modified", async () => {
  const b = image(3, 3, 16, 16);
  const copy = b.data.slice();
  await augment(pipe(gmm({ sigma: 3 }), normalize(), clamp()), b, { seed: 1 });
  assert.deepEqual(b.data, copy);
});

Deno.test("workers and the calling thread give identical bytes", async () => {
  const p = pipe(
    gmm({ k: 10, sigma: [3, 8], p: 0.7 }),
    amplitudeRescale(),
    phaseShift(),
    randomFrequencyMask(),
    clamp(),
  );
  const b = image(9, 3, 40, 36);
  const single = await augment(p, b, { seed: 11, workers: 0 });
  const multi = await augment(p, b, { seed: 11, workers: 2 });
  const three = await augment(p, b, { seed: 11, workers: 3 });
  releaseWorkers();
  assert.deepEqual(multi.images.data, single.images.data);
  assert.deepEqual(three.images.data, single.images.data);
  assert.deepEqual(multi.params, single.params);
});

Deno.test("float64 batches stay float64; float32 results are their rounding", async () => {
  const b32 = image(2, 3, 12, 10);
  const b64 = { ...b32, data: Float64Array.from(b32.data) };
  const p = pipe(gmm({ sigma: [1, 3] }), phaseShift());
  const r64 = await augment(p, b64, { seed: 5 });
  const r32 = await augment(p, b32, { seed: 5 });
  assert.ok(r64.images.data instanceof Float64Array);
  assert.ok(r32.images.data instanceof Float32Array);
  for (let i = 0; i < r32.images.data.length; i++) {
    assert.equal(r32.images.data[i], Math.fround(r64.images.data[i]));
  }
});

Deno.test("a seedless call draws a seed and reports it", async () => {
  const b = image(1, 1, 8, 8);
  const r = await augment(P, b);
  assert.ok(Number.isSafeInteger(r.seed));
  const again = await augment(P, b, { seed: r.seed });
  assert.deepEqual(again.images.data, r.images.data);
});

Deno.test("ops that do not apply leave the image bit-identical", async () => {
  const b = image(2, 3, 9, 11);
  const r = await augment(pipe(gmm({ p: 0 }), phaseShift({ p: 0 })), b, {
    seed: 1,
  });
  assert.deepEqual(r.images.data, b.data);
  assert.ok(r.params.every((s) => s.every((e) => !e.applied)));
});

Deno.test("clamp and normalize act pointwise, in order", async () => {
  const b = image(1, 3, 5, 5);
  const r = await augment(
    pipe(
      normalize({ mean: [0.5, 0.4, 0.3], std: [0.1, 0.2, 0.3] }),
      clamp({ min: -1, max: 1 }),
    ),
    b,
    {
      seed: 1,
    },
  );
  for (let i = 0; i < b.data.length; i++) {
    const c = Math.floor(i / 25);
    const want = Math.min(
      1,
      Math.max(-1, (b.data[i] - [0.5, 0.4, 0.3][c]) * (1 / [0.1, 0.2, 0.3][c])),
    );
    assert.ok(Math.abs(r.images.data[i] - want) < 1e-6);
  }
});

Deno.test("phase shift by θ on a 1-row image rotates every non-DC bin", async () => {
  // One row of W = 8: shifting the phase of every bin except DC by π flips the AC part.
  const W = 8;
  const data = new Float64Array([1, 3, 2, 5, 4, 0, 2, 7]);
  const mean = data.reduce((a, b) => a + b) / W;
  const p = pipe(phaseShift({ range: [Math.PI, Math.PI] }));
  const r = await augment(p, {
    data,
    count: 1,
    channels: 1,
    height: 1,
    width: W,
  }, { seed: 1 });
  // Nyquist bin: its rotated imaginary part is dropped, like numpy's irfft.
  for (let i = 0; i < W; i++) {
    const ac = data[i] - mean;
    assert.ok(
      Math.abs(r.images.data[i] - (mean - ac)) < 1e-12,
      `${i}: ${r.images.data[i]} vs ${mean - ac}`,
    );
  }
});

Deno.test("random frequency mask with q = 1 keeps only DC; amplitude rescale by a constant scales AC", async () => {
  const b = {
    ...image(1, 1, 6, 7),
    data: Float64Array.from(image(1, 1, 6, 7).data),
  };
  const mean = b.data.reduce((a, x) => a + x) / 42;
  const dcOnly = await augment(pipe(randomFrequencyMask({ k: [1, 1] })), b, {
    seed: 1,
  });
  for (const x of dcOnly.images.data) assert.ok(Math.abs(x - mean) < 1e-12);
  const scaled = await augment(pipe(amplitudeRescale({ range: [2, 2] })), b, {
    seed: 1,
  });
  for (let i = 0; i < 42; i++) {
    assert.ok(
      Math.abs(scaled.images.data[i] - (mean + 2 * (b.data[i] - mean))) < 1e-12,
    );
  }
  const noKeep = await augment(
    pipe(amplitudeRescale({ range: [2, 2], keepDC: false })),
    b,
    { seed: 1 },
  );
  for (let i = 0; i < 42; i++) {
    assert.ok(Math.abs(noKeep.images.data[i] - 2 * b.data[i]) < 1e-12);
  }
});

Deno.test("phase shift by θ = 0.7 turns every AC bin the positive way (odd W, no Nyquist bin)", async () => {
  const W = 7, theta = 0.7;
  const data = new Float64Array([1, 3, 2, 5, 4, 0, 2]);
  const r = await augment(pipe(phaseShift({ range: [theta, theta] })), {
    data,
    count: 1,
    channels: 1,
    height: 1,
    width: W,
  }, {
    seed: 1,
  });
  for (let w = 0; w < W; w++) {
    // y[w] = (1/W) (X0 + Σ_{v=1}^{3} 2 Re(X_v e^{iθ} e^{2πi v w / W})), X_v = Σ_n x[n] e^{-2πi v n / W}.
    let y = data.reduce((a, b) => a + b);
    for (let v = 1; v <= 3; v++) {
      let re = 0, im = 0;
      for (let n = 0; n < W; n++) {
        re += data[n] * Math.cos(-2 * Math.PI * v * n / W);
        im += data[n] * Math.sin(-2 * Math.PI * v * n / W);
      }
      const a = theta + 2 * Math.PI * v * w / W;
      y += 2 * (re * Math.cos(a) - im * Math.sin(a));
    }
    assert.ok(Math.abs(r.images.data[w] - y / W) < 1e-12, `${w}: ${r.images.data[w]} vs ${y / W}`);
  }
});
