// The laws of the new ops (src/testing/laws.ts), on realistic batches from
// arbBatch, with fixed seeds; and a check that each law can fail.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  arbBatch,
  blurKeepsMeans,
  brightnessOneIsIdentity,
  flipTwiceIsIdentity,
  grayscaleChannelsEqual,
  LawViolation,
  solarizeIsIdempotent,
} from "../src/testing/mod.ts";
import { augment, pipe, solarize } from "../mod.ts";
import { property } from "./_helpers.ts";

Deno.test("laws: a flip applied twice is the identity, once a mirror", async () => {
  await property(
    fc.asyncProperty(arbBatch({ maxSide: 17 }), fc.constantFrom("horizontalFlip", "verticalFlip"), async (b, f) => {
      await flipTwiceIsIdentity(f as "horizontalFlip", b);
    }),
    60,
  );
});

Deno.test("laws: grayscale makes the three channels equal to the luma", async () => {
  await property(fc.asyncProperty(arbBatch({ channels: 3, maxSide: 17 }), (b) => grayscaleChannelsEqual(b)), 60);
});

Deno.test("laws: solarize at a threshold >= 0.5 is idempotent (twice is not the identity)", async () => {
  await property(
    fc.asyncProperty(
      arbBatch({ maxSide: 12 }),
      fc.constantFrom(0.5, 0.6, 128 / 255, 0.9, 1),
      (b, t) => solarizeIsIdempotent(t, b),
    ),
    60,
  );
  // Twice is not the identity: 0.8 -> 0.2 -> 0.2.
  const one = { data: new Float32Array([0.8]), count: 1, channels: 1, height: 1, width: 1 };
  const twice = await augment(pipe(solarize({ p: 1 }), solarize({ p: 1 })), one, { seed: 1, backend: "cpu" });
  assert.ok(Math.abs(twice.images.data[0] - 0.2) < 1e-7, `${twice.images.data[0]}`);
});

Deno.test("laws: a Gaussian blur keeps each channel's mean up to its border", async () => {
  await property(
    fc.asyncProperty(
      arbBatch({ minSide: 4, maxSide: 24 }),
      fc.constantFrom(0.3, 0.8, 1.5, 2),
      (b, s) => blurKeepsMeans(s, b),
    ),
    60,
  );
});

Deno.test("laws: brightness 1 is the identity on [0, 1]", async () => {
  await property(fc.asyncProperty(arbBatch({ channels: 3, maxSide: 12 }), (b) => brightnessOneIsIdentity(b)), 40);
});

Deno.test("laws: the new laws refuse what they do not speak of", async () => {
  // Their preconditions: grayscale's needs 3 channels; solarize's idempotence holds only from a threshold of 0.5.
  // (That each law catches a broken op is shown by `deno task mutation`: e.g. an unnormalized blur kernel.)
  await assert.rejects(
    grayscaleChannelsEqual({ data: new Float32Array(4), count: 1, channels: 1, height: 2, width: 2 }),
    LawViolation,
  );
  await assert.rejects(
    solarizeIsIdempotent(0.2, { data: new Float32Array([0.5]), count: 1, channels: 1, height: 1, width: 1 }),
    LawViolation,
  );
});
