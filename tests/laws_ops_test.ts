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
  await assert.rejects(
    solarizeIsIdempotent(0.3, { data: new Float32Array([0.8]), count: 1, channels: 1, height: 1, width: 1 }),
    LawViolation,
  );
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

Deno.test("laws: each new law fails on a batch or pipeline that breaks it", async () => {
  // A batch that is its own mirror passes the mirror check; one that is not, after flipping once, would not
  // be the identity — so check the law notices a wrong threshold instead, and a non-RGB batch.
  await assert.rejects(
    grayscaleChannelsEqual({ data: new Float32Array(4), count: 1, channels: 1, height: 2, width: 2 }),
    LawViolation,
  );
  await assert.rejects(
    solarizeIsIdempotent(0.2, { data: new Float32Array([0.5]), count: 1, channels: 1, height: 1, width: 1 }),
    LawViolation,
  );
  // A mean-keeping bound that is too tight fails: a single bright pixel at the corner, with a 1-pixel
  // image border everywhere, moves the mean by more than 0 when the border allowance is removed.
  const corner = new Float32Array(36);
  corner[0] = 1;
  await assert.rejects(
    blurKeepsMeans(1, { data: corner, count: 1, channels: 1, height: 6, width: 6 }, -1),
    LawViolation,
  );
});
