// Images to batches and back: channel rules, exact round trips, the errors'
// wording, the resize against torchvision 0.14's resize(antialias=True)
// (tests/golden/make_resize_golden.py), and a zone plate showing the
// antialiased downscale keeps far less aliased energy than plain bilinear.
import assert from "node:assert/strict";
import fc from "fast-check";
import { FreqaugError, fromBatch, type Image, resizeImage, resizeImageEither, toBatch, toBatchEither } from "../io.ts";
import { resizePlanes } from "../src/io/batch.ts";
import { resizeBilinear } from "../src/math/resize.ts";
import { property } from "./_helpers.ts";

const golden: { source: string; cases: { shape: number[]; size: number[]; x: number[]; y: number[] }[] } = JSON
  .parse(Deno.readTextFileSync(new URL("golden/resize/cases.json", import.meta.url)));

const img = (w: number, h: number, channels: 1 | 2 | 3 | 4, f: (i: number) => number, bitDepth: 8 | 16 = 8): Image => {
  const n = w * h * channels;
  return {
    width: w,
    height: h,
    channels,
    bitDepth,
    data: bitDepth === 8
      ? Uint8Array.from({ length: n }, (_, i) => f(i))
      : Uint16Array.from({ length: n }, (_, i) => f(i)),
  };
};

Deno.test("resize: matches torchvision 0.14 resize(antialias=True), up and down, non-square", () => {
  assert.equal(golden.cases.length, 5);
  for (const { shape: [c, h, w], size: [oh, ow], x, y } of golden.cases) {
    const got = resizePlanes(Float64Array.from(x), c, h, w, oh, ow);
    assert.equal(got.length, y.length);
    let max = 0;
    got.forEach((v, i) => (max = Math.max(max, Math.abs(v - y[i]))));
    // torch computes in float32: agreement to float32 rounding.
    assert.ok(max < 2e-6, `${c}x${h}x${w} -> ${oh}x${ow}: max difference ${max}`);
  }
});

Deno.test("resize: a zone plate downscaled 4x keeps far less aliased energy with antialiasing than plain bilinear", () => {
  const N = 256, M = 64, k = (0.5 * Math.PI) / (Math.SQRT2 * N / 2);
  const plate = new Float64Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const r2 = (x - N / 2 + 0.5) ** 2 + (y - N / 2 + 0.5) ** 2;
      plate[y * N + x] = 0.5 + 0.5 * Math.cos(k * r2);
    }
  }
  const box = { top: 0, left: 0, height: N, width: N };
  const plain = new Float64Array(M * M);
  resizeBilinear(plate, 1, N, N, box, plain, M, M, false);
  const aa = resizePlanes(plate, 1, N, N, M, M);
  // Where the plate's local frequency k r / pi exceeds 1.6x the output's Nyquist (0.125 cycles per input pixel),
  // an ideal downscale is flat grey: whatever varies there is aliasing.
  const energy = (img: Float64Array) => {
    let e = 0, n = 0;
    for (let y = 0; y < M; y++) {
      for (let x = 0; x < M; x++) {
        const r = Math.hypot((x + 0.5) * (N / M) - N / 2, (y + 0.5) * (N / M) - N / 2);
        if ((k * r) / Math.PI > 0.2) {
          e += (img[y * M + x] - 0.5) ** 2;
          n++;
        }
      }
    }
    return e / n;
  };
  const ePlain = energy(plain), eAa = energy(aa);
  // A full-contrast cosine has energy 0.125; plain bilinear keeps a third of it as false rings.
  assert.ok(ePlain > 0.03, `plain bilinear aliases: ${ePlain}`);
  assert.ok(eAa < ePlain / 100, `antialiased ${eAa} vs plain ${ePlain}`);
  // Where the plate is slow (the centre) both keep it.
  assert.ok(Math.abs(aa[(M / 2) * M + M / 2] - plain[(M / 2) * M + M / 2]) < 0.05);
});

Deno.test("toBatch: channel rules (gray kept or repeated, colour weighted to gray, alpha dropped), planar [0, 1]", () => {
  const gray = img(2, 1, 1, (i) => [0, 255][i]);
  const ga = img(2, 1, 2, (i) => [51, 9, 102, 9][i]);
  const rgba16 = img(2, 1, 4, (i) => [65535, 0, 0, 7, 0, 0, 65535, 7][i], 16);
  const b1 = toBatch([gray, ga]);
  assert.deepEqual([b1.count, b1.channels, b1.height, b1.width], [2, 1, 1, 2]);
  assert.deepEqual(Array.from(b1.data), [0, 1, 0.2, 0.4].map(Math.fround));
  const b3 = toBatch([gray, rgba16]);
  assert.equal(b3.channels, 3);
  // Planar: image 0 is gray repeated, image 1 is red then blue (alpha dropped).
  assert.deepEqual(Array.from(b3.data), [0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1]);
  const g = toBatch([rgba16], { channels: 1 });
  assert.ok(Math.abs(g.data[0] - 0.2989) < 1e-6 && Math.abs(g.data[1] - 0.114) < 1e-6, `${g.data}`);
  assert.ok(b3.data instanceof Float32Array);
});

Deno.test("toBatch / fromBatch: errors name the field, the value and what is allowed", () => {
  const a = img(2, 2, 3, () => 1), b = img(3, 2, 3, () => 1);
  assert.throws(
    () => toBatch([]),
    /^FreqaugError: images: got \[\], expected a non-empty array of images$|images: got \[\]/,
  );
  assert.throws(
    () => toBatch([a, b]),
    /options\.size: got undefined, expected a \{ height, width \} to resize to: images\[1\] is 3x2, images\[0\] is 2x2/,
  );
  assert.equal(toBatch([a, b], { size: { height: 4, width: 5 } }).width, 5);
  assert.throws(() => toBatch([a], { channels: 2 as 3 }), /options\.channels: got 2, expected 1 or 3/);
  assert.throws(
    () => toBatch([a], { size: { height: 0, width: 2 } }),
    /options\.size\.height: got 0, expected an integer >= 1/,
  );
  assert.throws(() => toBatch([a, { ...b, channels: 5 as 4 }]), /images\[1\]\.channels: got 5/);
  const batch = toBatch([a]);
  assert.throws(() => fromBatch(batch, { bitDepth: 12 as 8 }), /options\.bitDepth: got 12, expected 8 or 16/);
  assert.throws(() => fromBatch({ ...batch, channels: 2 }), /batch\.channels: got 2, expected 1 or 3/);
  assert.throws(() => fromBatch({ ...batch, count: 2 }), /batch\.data\.length: got 12/);
  const nan = { ...batch, data: Float32Array.from(batch.data, (v, i) => (i === 5 ? NaN : v)) };
  assert.throws(() => fromBatch(nan), /batch\.data\[5\]: got NaN/);
  assert.throws(() => resizeImage(a, { height: 1.5, width: 2 }), /size\.height: got 1\.5, expected an integer >= 1/);
});

Deno.test("toBatch / resizeImage: a size over maxPixels, or too large to allocate, is a FreqaugError, never a crash", () => {
  const img: Image = { width: 8, height: 8, channels: 3, bitDepth: 8, data: new Uint8Array(192) };
  const left = (r: { _tag: string }, pattern: RegExp) => {
    assert.equal(r._tag, "Left");
    const e = (r as unknown as { left: unknown }).left;
    assert.ok(e instanceof FreqaugError && pattern.test(e.message), String(e));
  };
  left(toBatchEither([img], { size: { height: 30000, width: 30000 } }), /^options\.size: .*at most 89478485 pixels/);
  left(toBatchEither([img], { size: { height: 5, width: 5 }, maxPixels: 24 }), /at most 24 pixels/);
  left(toBatchEither([img], { size: { height: 4, width: 4 }, maxPixels: 0 }), /^options\.maxPixels: got 0/);
  left(toBatchEither([img], { maxPixels: "x" as never }), /^options\.maxPixels: got "x"/);
  left(resizeImageEither(img, { height: 1e5, width: 1e5 }), /^size: .*at most 89478485 pixels/);
  // Allowed by maxPixels, but beyond any allocation: the RangeError becomes a Left.
  left(resizeImageEither(img, { height: 1e5, width: 1e5 }, { maxPixels: 1e12 }), /^size: .*can be allocated/);
  assert.throws(() => resizeImage(img, { height: 1e5, width: 1e5 }), FreqaugError);
  assert.equal(toBatch([img], { size: { height: 5, width: 5 }, maxPixels: 25 }).height, 5);
});

Deno.test("fromBatch: clamps and rounds; 16 bits on request", () => {
  const batch = { data: Float64Array.of(-0.5, 0.5, 1.7, 0.25), count: 1, channels: 1, height: 2, width: 2 };
  assert.deepEqual(Array.from(fromBatch(batch)[0].data), [0, 128, 255, 64]);
  const wide = fromBatch(batch, { bitDepth: 16 })[0];
  assert.ok(wide.data instanceof Uint16Array);
  assert.deepEqual(Array.from(wide.data), [0, 32768, 65535, 16384]);
});

Deno.test("fromBatch(toBatch(x)) gives 8-bit gray and RGB images back exactly (and 16-bit ones at 16 bits)", async () => {
  const arbImage = (channels: 1 | 3, bitDepth: 8 | 16) =>
    fc.record({ w: fc.integer({ min: 1, max: 9 }), h: fc.integer({ min: 1, max: 9 }) }).chain(({ w, h }) =>
      fc.array(fc.integer({ min: 0, max: bitDepth === 8 ? 255 : 65535 }), {
        minLength: w * h * channels,
        maxLength: w * h * channels,
      }).map((v): Image => ({
        width: w,
        height: h,
        channels,
        bitDepth,
        data: bitDepth === 8 ? Uint8Array.from(v) : Uint16Array.from(v),
      }))
    );
  await property(
    fc.property(
      fc.constantFrom(1 as const, 3 as const),
      fc.constantFrom(8 as const, 16 as const),
      fc.context(),
      (channels, bitDepth, ctx) => {
        const [x] = fc.sample(arbImage(channels, bitDepth), { numRuns: 1, seed: ctx.size() + channels + bitDepth });
        const back = fromBatch(toBatch([x, x]), { bitDepth });
        ctx.log(`${x.width}x${x.height}`);
        assert.deepEqual(back[0], x);
        assert.deepEqual(back[1], x);
      },
    ),
    60,
  );
});

Deno.test("resizeImage: a constant stays constant, the same size is the identity, depth and channels kept", () => {
  const flat = img(7, 5, 4, () => 40000, 16);
  const r = resizeImage(flat, { height: 3, width: 11 });
  assert.deepEqual([r.width, r.height, r.channels, r.bitDepth], [11, 3, 4, 16]);
  assert.ok(r.data.every((v) => v === 40000));
  const x = img(4, 3, 3, (i) => (i * 37) % 256);
  assert.deepEqual(resizeImage(x, { height: 3, width: 4 }), x);
  // Halving with antialiasing: a triangle of half-width 2 centred at 1 and 3, weights 3:3:1 / 1:3:3 (torch's
  // _upsample_bilinear2d_aa), so 0 200 0 200 becomes 600/7 and 800/7 — not the 2-tap 100 100.
  const stripes = img(4, 1, 1, (i) => [0, 200, 0, 200][i]);
  assert.deepEqual(Array.from(resizeImage(stripes, { height: 1, width: 2 }).data), [86, 114]);
});
