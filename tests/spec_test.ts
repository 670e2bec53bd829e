// The DSL constructors and the spec codec.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  amplitudeRescale,
  clamp,
  decodeSpec,
  encodeSpec,
  FreqaugError,
  gmm,
  normalize,
  phaseShift,
  pipe,
  pipeEither,
  randomFrequencyMask,
} from "../mod.ts";
import { arbSpec, specRoundTrips } from "../src/testing/mod.ts";
import { arbPipeline } from "../src/testing/arbitraries.ts";
import { property } from "./_helpers.ts";

Deno.test("constructors fill the documented defaults", () => {
  assert.deepEqual(gmm(), {
    op: "gmm",
    k: 20,
    sigma: [10, 15],
    c: 1,
    intensity: [1, 1],
    keepDC: true,
    p: 1,
    precision: "float64",
  });
  assert.deepEqual(amplitudeRescale(), {
    op: "amplitudeRescale",
    range: [0.8, 1.75],
    keepDC: true,
    p: 1,
  });
  assert.deepEqual(phaseShift(), {
    op: "phaseShift",
    range: [0.4, 0.7],
    includeNegatives: false,
    keepDC: true,
    p: 1,
  });
  assert.deepEqual(randomFrequencyMask(), {
    op: "randomFrequencyMask",
    k: [0.01, 0.1],
    p: 1,
  });
  assert.deepEqual(normalize(), {
    op: "normalize",
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  });
  assert.deepEqual(clamp(), { op: "clamp", min: 0, max: 1 });
  assert.deepEqual(gmm({ sigma: 3 }).sigma, [3, 3]);
});

Deno.test("ops and pipelines are frozen, JSON-shaped values", () => {
  const p = pipe(gmm({ c: 4 }), normalize());
  assert.ok(
    Object.isFrozen(p) && Object.isFrozen(p.ops) && Object.isFrozen(p.ops[0]),
  );
  assert.ok(Object.isFrozen((p.ops[0] as { sigma: unknown }).sigma));
  assert.throws(() => {
    (p.ops[0] as { c: number }).c = 2;
  }, TypeError);
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  assert.deepEqual(pipe(p, clamp()).ops.length, 3);
});

Deno.test("the convenience API throws one error type naming field, value and range", () => {
  assert.throws(() => gmm({ sigma: -1 }), (e: unknown) => {
    assert.ok(e instanceof FreqaugError);
    assert.equal(e.path, "gmm.sigma");
    assert.equal(e.value, -1);
    assert.match(e.message, /^gmm\.sigma: got -1, expected .*a number in \[0\.001, 1e6\]/);
    return true;
  });
  assert.throws(
    () => gmm({ k: 0 }),
    /gmm\.k: got 0, expected an integer in 1\.\.1024/,
  );
  assert.throws(
    () => clamp({ min: 2, max: 1 }),
    /clamp\.max: got 1, expected a number >= min \(2\)/,
  );
  const r = pipeEither(gmm(), { op: "gmm", k: 2000 } as never);
  assert.equal(r._tag, "Left");
  if (r._tag === "Left") assert.equal(r.left.path, "ops[1].k");
});

const bad: [unknown, string, RegExp][] = [
  [{ version: 1, ops: [{ op: "blur" }] }, "ops[0].op", /one of gmm, /],
  [
    { version: 1, ops: [{ op: "gmm", k: "20" }] },
    "ops[0].k",
    /integer in 1\.\.1024/,
  ],
  [
    { version: 1, ops: [{ op: "gmm", k: 0 }] },
    "ops[0].k",
    /integer in 1\.\.1024/,
  ],
  [
    { version: 1, ops: [{ op: "gmm", k: 1025 }] },
    "ops[0].k",
    /integer in 1\.\.1024/,
  ],
  [{ version: 1, ops: [{ op: "gmm", k: 2.5 }] }, "ops[0].k", /integer/],
  [{ version: 1, ops: [{ op: "gmm", sigma: 0 }] }, "ops[0].sigma", /a number in \[0\.001, 1e6\]/],
  [{ version: 1, ops: [{ op: "gmm", sigma: 1e-40 }] }, "ops[0].sigma", /a number in \[0\.001, 1e6\]/],
  [{ version: 1, ops: [{ op: "gmm", sigma: [1, 2e6] }] }, "ops[0].sigma[1]", /a number in \[0\.001, 1e6\]/],
  [
    { version: 1, ops: [{ op: "gmm", sigma: [-1, 2] }] },
    "ops[0].sigma[0]",
    /a number in \[0\.001, 1e6\]/,
  ],
  [
    { version: 1, ops: [{ op: "gmm", sigma: [5, 2] }] },
    "ops[0].sigma",
    /lo <= hi/,
  ],
  [
    { version: 1, ops: [{ op: "gmm", sigma: [1, 2, 3] }] },
    "ops[0].sigma",
    /\[lo, hi\]/,
  ],
  [{ version: 1, ops: [{ op: "gmm", c: 0 }] }, "ops[0].c", /a number in \[1e-6, 1e6\]/],
  [{ version: 1, ops: [{ op: "gmm", c: -3 }] }, "ops[0].c", /a number in \[1e-6, 1e6\]/],
  [{ version: 1, ops: [{ op: "gmm", c: 1e-300 }] }, "ops[0].c", /a number in \[1e-6, 1e6\]/],
  [
    { version: 1, ops: [{ op: "gmm", intensity: [0, 1.5] }] },
    "ops[0].intensity[1]",
    /\[0, 1\]/,
  ],
  [{ version: 1, ops: [{ op: "gmm", p: 1.5 }] }, "ops[0].p", /\[0, 1\]/],
  [{ version: 1, ops: [{ op: "gmm", p: -0.1 }] }, "ops[0].p", /\[0, 1\]/],
  [
    { version: 1, ops: [{ op: "gmm", keepDC: "yes" }] },
    "ops[0].keepDC",
    /true or false/,
  ],
  [
    { version: 1, ops: [{ op: "gmm", sigmma: 3 }] },
    "ops[0].sigmma",
    /known field/,
  ],
  [
    { version: 1, ops: [{ op: "gmm", precision: "float32" }] },
    "ops[0].precision",
    /"float64", "lightly"/,
  ],
  [
    { version: 1, ops: [{ op: "phaseShift", range: [0, 7] }] },
    "ops[0].range[1]",
    /2π/,
  ],
  [
    { version: 1, ops: [{ op: "randomFrequencyMask", k: [0.5, 2] }] },
    "ops[0].k[1]",
    /\[0, 1\]/,
  ],
  [
    { version: 1, ops: [{ op: "amplitudeRescale", p: 3 }] },
    "ops[0].p",
    /\[0, 1\]/,
  ],
  [
    { version: 1, ops: [{ op: "normalize", mean: [0.5, 0.5], std: [0.2] }] },
    "ops[0].std",
    /same length as mean/,
  ],
  [
    { version: 1, ops: [{ op: "normalize", mean: [], std: [] }] },
    "ops[0].mean",
    /1\.\.64/,
  ],
  [
    { version: 1, ops: [{ op: "normalize", std: [0.2, 0, 0.2] }] },
    "ops[0].std[1]",
    /a number in \[1e-6, 1e6\]/,
  ],
  [{ version: 1, ops: [{ op: "normalize", mean: [0.5], std: [5e-324] }] }, "ops[0].std[0]", /\[1e-6, 1e6\]/],
  [{ version: 1, ops: [{ op: "normalize", mean: [1e308], std: [1] }] }, "ops[0].mean[0]", /\[-1e6, 1e6\]/],
  [{ version: 1, ops: [{ op: "clamp", min: -1e308, max: 1e308 }] }, "ops[0].min", /\[-1e30, 1e30\]/],
  [
    { version: 1, ops: [{ op: "clamp", min: 1, max: 0 }] },
    "ops[0].max",
    />= min/,
  ],
  [{ version: 1, ops: [{ op: "gmm", c: null }] }, "ops[0].c", /a number in/],
  [
    { version: 1, ops: [{ op: "gmm" }, { op: "gmm", sigma: "wide" }] },
    "ops[1].sigma",
    /lo <= hi/,
  ],
  [{ version: 2, ops: [] }, "version", /1/],
  [{ version: 1, ops: {} }, "ops", /array of at most 64 ops/],
  [{ version: 1, ops: [], extra: 1 }, "extra", /known field/],
  [{ ops: [] }, "version", /1/],
  [[], "(root)", /object/],
  [null, "(root)", /object/],
  ["{not json", "(root)", /JSON text/],
];

for (const [spec, path, expected] of bad) {
  Deno.test(`spec rejects ${JSON.stringify(spec)} at ${path}`, () => {
    const r = decodeSpec(spec);
    assert.equal(r._tag, "Left");
    if (r._tag !== "Left") return;
    assert.ok(r.left instanceof FreqaugError);
    assert.equal(r.left.code, "spec");
    assert.equal(r.left.path, path);
    assert.match(r.left.expected, expected);
    assert.ok(r.left.message.startsWith(`${path}: got `), r.left.message);
  });
}

Deno.test("spec: missing fields take defaults; JSON text decodes too", () => {
  const r = decodeSpec(
    '{"version":1,"ops":[{"op":"gmm","k":3},{"op":"clamp"}]}',
  );
  assert.equal(r._tag, "Right");
  if (r._tag === "Right") {
    assert.deepEqual(r.right, pipe(gmm({ k: 3 }), clamp()));
  }
});

Deno.test("spec: every problem is reported, not only the first", () => {
  const r = decodeSpec({
    version: 1,
    ops: [{ op: "gmm", k: 0, c: 0 }, { op: "nope" }],
  });
  assert.equal(r._tag, "Left");
  if (r._tag === "Left") {
    assert.deepEqual(r.left.issues.map((i) => i.path), [
      "ops[0].k",
      "ops[0].c",
      "ops[1].op",
    ]);
  }
});

Deno.test("property: encode∘decode is the identity", async () => {
  await property(
    fc.property(arbPipeline({ maxOps: 6 }), (p) => specRoundTrips(p)),
    300,
  );
  await property(
    fc.property(arbSpec(), (s) => {
      const r = decodeSpec(JSON.parse(JSON.stringify(s)));
      assert.equal(r._tag, "Right");
      if (r._tag === "Right") assert.deepEqual(encodeSpec(r.right), s);
    }),
    300,
  );
});
