// The counter-based RNG and parameter sampling.
import assert from "node:assert/strict";
import { mulhi, philox4x32, toUnit } from "../src/params/philox.ts";
import { seedKey } from "../src/params/keys.ts";
import {
  amplitudeRescale,
  FreqaugError,
  gmm,
  normalize,
  phaseShift,
  pipe,
  randomFrequencyMask,
  sample,
  sampleEither,
} from "../mod.ts";

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, "0")).join(" ");

Deno.test("Philox-4x32-10 matches the Random123 known-answer vectors", () => {
  const o = new Uint32Array(4);
  assert.equal(
    hex(philox4x32(0, 0, 0, 0, 0, 0, o)),
    "6627e8d5 e169c58d bc57ac4c 9b00dbd8",
  );
  const f = 0xffffffff;
  assert.equal(
    hex(philox4x32(f, f, f, f, f, f, o)),
    "408f276d 41c83b0e a20bc7c6 6d5451fd",
  );
  assert.equal(
    hex(
      philox4x32(
        0x243f6a88,
        0x85a308d3,
        0x13198a2e,
        0x03707344,
        0xa4093822,
        0x299f31d0,
        o,
      ),
    ),
    "d16cfe09 94fdcceb 5001e420 24126ea1",
  );
});

Deno.test("mulhi with 16-bit limbs equals the exact 64-bit product's high word", () => {
  let s = 12345;
  for (let i = 0; i < 10000; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const a = s, b = (Math.imul(s, 69069) + 1) >>> 0;
    assert.equal(mulhi(a, b), Number((BigInt(a) * BigInt(b)) >> 32n));
  }
  assert.equal(mulhi(0xffffffff, 0xffffffff), 0xfffffffe);
});

Deno.test("uniforms lie on the float32 grid in [0, 1)", () => {
  assert.equal(toUnit(0), 0);
  assert.equal(toUnit(0xffffffff), 1 - 2 ** -24);
  assert.equal(Math.fround(toUnit(0x12345678)), toUnit(0x12345678));
});

Deno.test("seed keys split safe integers, negative ones too", () => {
  assert.deepEqual(seedKey(0), [0, 0]);
  assert.deepEqual(seedKey(2 ** 32 + 5), [5, 1]);
  assert.deepEqual(seedKey(-1), [0xffffffff, 0xffffffff]);
  assert.deepEqual(seedKey(Number.MAX_SAFE_INTEGER), [0xffffffff, 0x1fffff]);
});

Deno.test("sample: gmm entries have exactly the documented shape and ranges", () => {
  const p = pipe(gmm({ k: 7, sigma: [2, 3], intensity: [0.5, 0.75] }));
  const params = sample(p, { seed: 9, count: 20, height: 31, width: 20 });
  assert.equal(params.length, 20);
  for (const [entry] of params) {
    assert.equal(entry.op, "gmm");
    if (entry.op !== "gmm") continue;
    assert.deepEqual(Object.keys(entry), ["op", "applied", "gaussians"]);
    assert.equal(entry.gaussians.length, 7);
    for (const g of entry.gaussians) {
      assert.deepEqual(Object.keys(g), [
        "u0",
        "v0",
        "sigmaU",
        "sigmaV",
        "intensity",
      ]);
      assert.ok(Number.isInteger(g.u0) && g.u0 >= 0 && g.u0 < 31);
      assert.ok(Number.isInteger(g.v0) && g.v0 >= 0 && g.v0 <= 10);
      assert.ok(
        g.sigmaU >= 2 && g.sigmaU <= 3 && g.sigmaV >= 2 && g.sigmaV <= 3,
      );
      assert.ok(g.intensity >= 0.5 && g.intensity <= 0.75);
    }
  }
  // The draws cover the whole half-spectrum.
  const u0s = new Set(
    params.flatMap(([e]) => e.op === "gmm" ? e.gaussians.map((g) => g.u0) : []),
  );
  assert.ok(u0s.size > 20, `only ${u0s.size} distinct rows`);
});

Deno.test("sample: sample n depends only on (seed, n), not on count or offset", () => {
  const p = pipe(
    gmm({ p: 0.5 }),
    phaseShift({ includeNegatives: true }),
    randomFrequencyMask(),
    amplitudeRescale(),
  );
  const all = sample(p, { seed: 77, count: 10, height: 16, width: 16 });
  const tail = sample(p, {
    seed: 77,
    count: 4,
    height: 16,
    width: 16,
    offset: 6,
  });
  assert.deepEqual(tail, all.slice(6));
  assert.notDeepEqual(
    sample(p, { seed: 78, count: 10, height: 16, width: 16 }),
    all,
  );
  assert.deepEqual(JSON.parse(JSON.stringify(all)), all);
});

Deno.test("sample: p = 0.5 applies to about half the samples; p = 0 to none", () => {
  const half = sample(pipe(gmm({ p: 0.5, k: 1 })), {
    seed: 3,
    count: 2000,
    height: 8,
    width: 8,
  });
  const n = half.filter(([e]) => e.applied).length;
  assert.ok(n > 900 && n < 1100, `${n} of 2000`);
  const none = sample(pipe(gmm({ p: 0, k: 1 })), {
    seed: 3,
    count: 100,
    height: 8,
    width: 8,
  });
  assert.ok(
    none.every(([e]) => !e.applied && e.op === "gmm" && e.gaussians.length === 0),
  );
});

Deno.test("sample: phase shift θ and mask q follow their ranges; negatives about half", () => {
  const p = pipe(
    phaseShift({ range: [0.4, 0.7], includeNegatives: true }),
    randomFrequencyMask({ k: [0.2, 0.3] }),
  );
  const params = sample(p, { seed: 5, count: 1000, height: 8, width: 8 });
  let neg = 0;
  for (const [ps, rfm] of params) {
    assert.ok(
      ps.op === "phaseShift" && Math.abs(ps.theta) >= 0.4 &&
        Math.abs(ps.theta) <= 0.7,
    );
    if (ps.op === "phaseShift" && ps.theta < 0) neg++;
    assert.ok(rfm.op === "randomFrequencyMask" && rfm.q >= 0.2 && rfm.q <= 0.3);
    assert.ok(
      rfm.op === "randomFrequencyMask" && rfm.key.sample >= 0 &&
        rfm.key.op === 1 && rfm.key.seed === 5,
    );
  }
  assert.ok(neg > 430 && neg < 570, `${neg} negative of 1000`);
});

Deno.test("sample: normalize and clamp record that they applied", () => {
  const [[e]] = sample(pipe(normalize()), {
    seed: 1,
    count: 1,
    height: 2,
    width: 2,
  });
  assert.deepEqual(e, { op: "normalize", applied: true });
});

Deno.test("sample: bad requests are rejected with the field named", () => {
  const p = pipe(gmm());
  for (
    const [req, path] of [
      [{ seed: 1.5, count: 1, height: 2, width: 2 }, "seed"],
      [{ seed: 2 ** 60, count: 1, height: 2, width: 2 }, "seed"],
      [{ seed: 1, count: 0, height: 2, width: 2 }, "count"],
      [{ seed: 1, count: 1, height: -2, width: 2 }, "height"],
      [{ seed: 1, count: 1, height: 2, width: 2.5 }, "width"],
      [
        { seed: 1, count: 2, height: 2, width: 2, offset: 2 ** 32 - 1 },
        "offset",
      ],
    ] as const
  ) {
    const r = sampleEither(p, req);
    assert.equal(r._tag, "Left", JSON.stringify(req));
    if (r._tag === "Left") {
      assert.ok(r.left instanceof FreqaugError);
      assert.equal(r.left.path, path);
    }
    assert.throws(() => sample(p, req), FreqaugError);
  }
});
