// The PNG decoder: every colour type x bit depth x interlace against the
// goldens of tests/fixtures/make_png_suite.py (cross-checked with Pillow there),
// the attacks a fuzzing run found (second IHDR, damaged IDAT, bad Adler-32,
// missing PLTE, empty reasons), truncation at every byte, and a seeded fuzz
// of damaged files: never a throw, always a reason, always a consistent image.
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeImage, decodeImageEither, encodePng, FreqaugError, type Image, readImageInfoEither } from "../io.ts";
import { crc32 } from "../src/io/checksum.ts";
import { inflateZlib } from "../src/io/inflate.ts";
import { property } from "./_helpers.ts";
import { zlibSync } from "fflate";

const SUITE = new URL("fixtures/png/", import.meta.url);
const golden: Record<string, { width: number; height: number; channels: number; bitDepth: 8 | 16; data: string }> = JSON
  .parse(Deno.readTextFileSync(new URL("golden.json", SUITE)));

function samples(g: (typeof golden)[string]): number[] {
  const bytes = Uint8Array.from(atob(g.data), (c) => c.charCodeAt(0));
  return g.bitDepth === 16 ? Array.from(new Uint16Array(bytes.buffer)) : Array.from(bytes);
}

function left(bytes: Uint8Array, options?: { maxPixels?: number }): FreqaugError {
  const r = decodeImageEither(bytes, options);
  assert.equal(r._tag, "Left", "expected a refusal");
  const e = (r as { left: FreqaugError }).left;
  assert.ok(e instanceof FreqaugError);
  assert.equal(e.code, "decode");
  return e;
}

// --- building PNGs by hand ---------------------------------------------------

function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function chunk(type: string, data: ArrayLike<number>, badCrc = false): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  out.set(u32(data.length), 0);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  out.set(u32((crc32(out, 4, 8 + data.length) ^ (badCrc ? 1 : 0)) >>> 0), 8 + data.length);
  return out;
}

function ihdr(w: number, h: number, depth = 8, colorType = 2, interlace = 0): Uint8Array {
  return chunk("IHDR", [...u32(w), ...u32(h), depth, colorType, 0, 0, interlace]);
}

const SIG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Chunks of a PNG: [offset, type, length] each. */
function chunks(png: Uint8Array): { at: number; type: string; length: number }[] {
  const out = [];
  for (let at = 8; at + 12 <= png.length;) {
    const length = new DataView(png.buffer, png.byteOffset).getUint32(at);
    out.push({ at, type: String.fromCharCode(...png.subarray(at + 4, at + 8)), length });
    at += 12 + length;
  }
  return out;
}

/** A 2x2 RGB image's raw rows (filter 0) and its zlib stream. */
const RAW_2x2 = Uint8Array.of(0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 9, 9, 9);
const IDAT_2x2 = zlibSync(RAW_2x2);

// --- goldens -------------------------------------------------------------------

Deno.test("png: every colour type, bit depth and interlace decodes to the golden samples", () => {
  const names = Object.keys(golden);
  assert.ok(names.length >= 40, `${names.length} cases`);
  for (const ct of [0, 2, 3, 4, 6]) assert.ok(names.some((n) => n.startsWith(`ct${ct}_`) && n.includes("_i")));
  for (const name of names) {
    const g = golden[name];
    const img = decodeImage(Deno.readFileSync(new URL(`${name}.png`, SUITE)));
    assert.deepEqual(
      [img.width, img.height, img.channels, img.bitDepth],
      [g.width, g.height, g.channels, g.bitDepth],
      name,
    );
    assert.ok(img.bitDepth === 16 ? img.data instanceof Uint16Array : img.data instanceof Uint8Array, name);
    assert.deepEqual(Array.from(img.data), samples(g), name);
    const info = readImageInfoEither(Deno.readFileSync(new URL(`${name}.png`, SUITE)));
    assert.deepEqual(info, {
      _tag: "Right",
      right: { format: "png", width: g.width, height: g.height, channels: g.channels, bitDepth: g.bitDepth },
    }, name);
  }
});

Deno.test("png: encode -> decode is exact for every channel count at both depths (and depth conversion rounds)", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (const channels of [1, 2, 3, 4] as const) {
    for (const bitDepth of [8, 16] as const) {
      const n = 17 * 6 * channels;
      const data = bitDepth === 8
        ? Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256))
        : Uint16Array.from({ length: n }, () => Math.floor(rnd() * 65536));
      const img: Image = { width: 17, height: 6, channels, bitDepth, data };
      for (const level of [0, 6, 9]) {
        const back = decodeImage(encodePng(img, { level }));
        assert.deepEqual(back, img, `${channels} channels, ${bitDepth} bits, level ${level}`);
      }
      const other = decodeImage(encodePng(img, { bitDepth: bitDepth === 8 ? 16 : 8 }));
      assert.equal(other.bitDepth, bitDepth === 8 ? 16 : 8);
      other.data.forEach((v, i) =>
        assert.equal(v, bitDepth === 8 ? data[i] * 257 : Math.round(data[i] / 257), `sample ${i}`)
      );
    }
  }
  const bad = { width: 1, height: 1, channels: 3, bitDepth: 8, data: new Uint8Array(3) } as const;
  assert.throws(() => encodePng(bad, { bitDepth: 12 as 8 }), /options\.bitDepth: got 12, expected 8 or 16/);
  assert.throws(() => encodePng(bad, { level: 10 }), /options\.level: got 10, expected an integer in 0\.\.9/);
  assert.throws(() => encodePng({ ...bad, channels: 5 as 4 }), /image\.channels: got 5/);
  assert.throws(() => encodePng({ ...bad, data: new Uint8Array(2) }), /image\.data\.length: got 2/);
  assert.throws(() => encodePng({ ...bad, bitDepth: 16 }), /image\.data: got Uint8Array\(3\), expected a Uint16Array/);
});

// --- the attacks -----------------------------------------------------------------

Deno.test("png: a second IHDR (1x1 then 10000x10000) is refused on the chunk walk, before any allocation", () => {
  const bomb = concat(
    SIG,
    ihdr(1, 1),
    ihdr(10000, 10000),
    chunk("IDAT", zlibSync(new Uint8Array(4))),
    chunk("IEND", []),
  );
  const e = left(bomb);
  assert.equal(e.message, "PNG: IHDR chunk appears twice (only one is allowed)");
  // And a lone 10000x10000 IHDR over the limit is refused on the header, whatever follows.
  const big = concat(SIG, ihdr(10000, 10000), chunk("IDAT", zlibSync(new Uint8Array(4))), chunk("IEND", []));
  assert.match(left(big).message, /^PNG: IHDR chunk 10000x10000 = 100000000 pixels is over the limit of 89478485/);
  assert.match(left(big, { maxPixels: 100 }).message, /over the limit of 100 \(maxPixels\)/);
  const info = readImageInfoEither(bomb);
  assert.equal(info._tag, "Left");
  // Options are checked as decodeImage's are.
  for (const bad of [null, "x", { maxPixels: 0 }]) assert.equal(readImageInfoEither(big, bad as never)._tag, "Left");
});

Deno.test("png: damaged chunks are refused naming the chunk; damaged ancillary chunks are skipped", () => {
  const good = concat(SIG, ihdr(2, 2), chunk("IDAT", IDAT_2x2), chunk("IEND", []));
  assert.deepEqual(Array.from(decodeImage(good).data), [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
  const badIdat = concat(SIG, ihdr(2, 2), chunk("IDAT", IDAT_2x2, true), chunk("IEND", []));
  assert.match(
    left(badIdat).message,
    /^PNG: IDAT chunk CRC mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/,
  );
  const badIhdr = concat(SIG, chunk("IHDR", [...u32(2), ...u32(2), 8, 2, 0, 0, 0], true), chunk("IDAT", IDAT_2x2));
  assert.match(left(badIhdr).message, /^PNG: IHDR chunk CRC mismatch/);
  // Right CRC, damaged Adler-32.
  const adler = IDAT_2x2.slice();
  adler[adler.length - 1] ^= 0x40;
  assert.match(
    left(concat(SIG, ihdr(2, 2), chunk("IDAT", adler), chunk("IEND", []))).message,
    /^PNG: IDAT chunk zlib Adler-32 mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/,
  );
  // A damaged pixel byte inside a stored (level 0) deflate block: only the Adler-32 can tell.
  const stored = zlibSync(RAW_2x2, { level: 0 });
  stored[8] ^= 1;
  assert.match(left(concat(SIG, ihdr(2, 2), chunk("IDAT", stored), chunk("IEND", []))).message, /Adler-32 mismatch/);
  // An ancillary chunk with a bad CRC is ignored (as libpng does): tEXt, and tRNS whose alpha then does not apply.
  const text = chunk("tEXt", new TextEncoder().encode("Comment\0hello"), true);
  const trns = chunk("tRNS", [0, 255, 0, 0, 0, 0], true);
  const img = decodeImage(concat(SIG, ihdr(2, 2), text, trns, chunk("IDAT", IDAT_2x2), chunk("IEND", [])));
  assert.equal(img.channels, 3);
  // The same tRNS, intact, keys out pure red.
  const keyed = decodeImage(
    concat(SIG, ihdr(2, 2), chunk("tRNS", [0, 255, 0, 0, 0, 0]), chunk("IDAT", IDAT_2x2), chunk("IEND", [])),
  );
  assert.deepEqual(Array.from(keyed.data), [255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 255, 255, 9, 9, 9, 255]);
});

Deno.test("png: palette rules, chunk order and header values are enforced with reasons", () => {
  const pal = chunk("PLTE", [10, 20, 30, 40, 50, 60]);
  const idx = zlibSync(Uint8Array.of(0, 0, 1, 0, 1, 0));
  assert.deepEqual(
    Array.from(decodeImage(concat(SIG, ihdr(2, 2, 8, 3), pal, chunk("IDAT", idx), chunk("IEND", []))).data),
    [10, 20, 30, 40, 50, 60, 40, 50, 60, 10, 20, 30],
  );
  assert.equal(
    left(concat(SIG, ihdr(2, 2, 8, 3), chunk("IDAT", idx), chunk("IEND", []))).message,
    "PNG: PLTE chunk missing (a palette image, colour type 3, needs one before IDAT)",
  );
  const beyond = zlibSync(Uint8Array.of(0, 0, 2, 0, 1, 0));
  assert.equal(
    left(concat(SIG, ihdr(2, 2, 8, 3), pal, chunk("IDAT", beyond), chunk("IEND", []))).message,
    "PNG: IDAT chunk palette index 2 beyond the 2-entry palette",
  );
  const cases: [Uint8Array, RegExp][] = [
    [concat(SIG, ihdr(2, 2, 16, 3)), /bit depth 16 with colour type 3, expected one of 1, 2, 4, 8/],
    [concat(SIG, ihdr(2, 2, 8, 5)), /colour type 5, expected 0, 2, 3, 4 or 6/],
    [concat(SIG, ihdr(2, 2, 8, 2, 2)), /interlace method 2, expected 0 or 1/],
    [concat(SIG, ihdr(0, 2)), /size 0x2, expected each side in 1\.\.2\^31-1/],
    [concat(SIG, chunk("IHDR", [...u32(2), ...u32(2), 8, 2, 1, 0, 0])), /compression method 1, expected 0/],
    [concat(SIG, chunk("IHDR", [1, 2, 3])), /IHDR chunk length 3, expected 13/],
    [concat(SIG, chunk("tEXt", [65, 0]), ihdr(2, 2)), /first chunk is tEXt, expected IHDR/],
    [concat(SIG, ihdr(2, 2), chunk("IEND", [])), /IDAT chunk missing/],
    [concat(SIG, ihdr(2, 2), chunk("IDAT", IDAT_2x2)), /truncated file \(no IEND chunk\)/],
    [concat(SIG, ihdr(2, 2), chunk("ABCD", [])), /ABCD chunk is an unknown critical chunk/],
    [
      concat(
        SIG,
        ihdr(2, 2),
        chunk("IDAT", IDAT_2x2.subarray(0, 5)),
        chunk("tEXt", [65, 0]),
        chunk("IDAT", IDAT_2x2.subarray(5)),
      ),
      /^PNG: IDAT chunk after another chunk that follows IDAT \(IDAT chunks must be consecutive\)$/,
    ],
    [concat(SIG, ihdr(2, 2, 8, 0), pal), /PLTE chunk in a gray image/],
    [concat(SIG, ihdr(2, 2, 8, 3), pal, pal), /PLTE chunk appears twice/],
    [
      concat(
        SIG,
        ihdr(2, 2),
        chunk("IDAT", zlibSync(Uint8Array.of(5, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0))),
        chunk("IEND", []),
      ),
      /filter type 5 in row 0/,
    ],
    [
      concat(SIG, ihdr(2, 2), chunk("IDAT", zlibSync(RAW_2x2.subarray(0, 10))), chunk("IEND", [])),
      /truncated image data \(10 of 14 bytes\)/,
    ],
    [
      concat(SIG, ihdr(2, 2), chunk("IDAT", zlibSync(new Uint8Array(15))), chunk("IEND", [])),
      /more image data than 14 bytes/,
    ],
    [
      concat(SIG, ihdr(2, 2), chunk("IDAT", [0x78, 0x9d, 1, 2, 3, 4, 5, 6]), chunk("IEND", [])),
      /zlib header check bits wrong/,
    ],
    [
      concat(SIG, ihdr(2, 2), chunk("IDAT", [0x79, 0x5e, 1, 2, 3, 4, 5, 6]), chunk("IEND", [])),
      /zlib method 9|check bits/,
    ],
  ];
  for (const [bytes, re] of cases) assert.match(left(bytes).message, re);
  // An unknown ancillary chunk is read past.
  assert.equal(
    decodeImage(concat(SIG, ihdr(2, 2), chunk("cHNK", [1]), chunk("IDAT", IDAT_2x2), chunk("IEND", []))).width,
    2,
  );
});

Deno.test("png: the empty-reason regression: damaged deflate data says what is wrong", () => {
  const idat = IDAT_2x2.slice();
  idat[2] = 0xff; // block type 3: reserved
  const e = left(concat(SIG, ihdr(2, 2), chunk("IDAT", idat), chunk("IEND", [])));
  assert.match(e.message, /^PNG: IDAT chunk damaged compressed data \(.+\)$/);
  assert.doesNotMatch(e.message, /\(\)|:\s*\)/);
});

Deno.test("png: a zlib bomb stops at the image's size", () => {
  // 16 MiB of zeros in ~16 KiB of deflate, for a 2x2 image.
  const bomb = zlibSync(new Uint8Array(16 << 20), { level: 9 });
  assert.ok(bomb.length < 20_000);
  const r = inflateZlib(bomb, 14);
  assert.equal(r, "more image data than 14 bytes (extra compressed data)");
  assert.match(left(concat(SIG, ihdr(2, 2), chunk("IDAT", bomb), chunk("IEND", []))).message, /more image data/);
});

Deno.test("png: a file cut at any byte is refused with a reason (every chunk boundary included)", () => {
  for (const name of ["ct2_d8", "ct3_d4_i_trns", "ct6_d16_i"]) {
    const png = Deno.readFileSync(new URL(`${name}.png`, SUITE));
    const bounds = new Set(chunks(png).flatMap((c) => [c.at, c.at + 4, c.at + 8, c.at + 8 + c.length]));
    for (let cut = 0; cut < png.length; cut++) {
      const e = left(png.subarray(0, cut));
      assert.ok(e.message.length > 8 && !/\(\)/.test(e.message), `${name} cut at ${cut}: ${e.message}`);
      if (bounds.has(cut) && cut > 8) assert.match(e.message, /truncated/, `${name} cut at ${cut}: ${e.message}`);
    }
  }
});

// --- fuzz ------------------------------------------------------------------------

/** Valid PNGs of every kind the suite has, to damage. */
const VALID = ["ct0_d1_i", "ct0_d16", "ct2_d8", "ct3_d2_i", "ct3_d4_trns", "ct4_d8_i", "ct6_d16", "ct2_d16_i_trns"].map(
  (n) => Deno.readFileSync(new URL(`${n}.png`, SUITE)),
);

type Damage =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "cut"; at: number }
  | { kind: "dup"; which: number }
  | { kind: "swap"; which: number }
  | { kind: "length"; which: number; value: number }
  | { kind: "recrc"; at: number; value: number };

function damage(png: Uint8Array, d: Damage): Uint8Array {
  const cs = chunks(png);
  if (cs.length === 0 && d.kind !== "flip" && d.kind !== "cut") return png;
  const c = cs[(d as { which?: number }).which! % cs.length];
  switch (d.kind) {
    case "flip": {
      const out = png.slice();
      out[d.at % out.length] ^= 1 << d.bit;
      return out;
    }
    case "cut":
      return png.subarray(0, d.at % png.length);
    case "dup": {
      const end = c.at + 12 + c.length;
      return concat(png.subarray(0, end), png.subarray(c.at, end), png.subarray(end));
    }
    case "swap": {
      const i = cs.indexOf(c), next = cs[Math.min(i + 1, cs.length - 1)];
      if (next === c) return png;
      const a = png.subarray(c.at, c.at + 12 + c.length), b = png.subarray(next.at, next.at + 12 + next.length);
      return concat(png.subarray(0, c.at), b, a, png.subarray(next.at + 12 + next.length));
    }
    case "length": {
      const out = png.slice();
      new DataView(out.buffer).setUint32(c.at, d.value);
      return out;
    }
    case "recrc": {
      // A flipped byte inside a chunk whose CRC is then fixed: only the deeper checks can tell.
      const out = png.slice();
      const k = cs.find((x) => x.at + 8 + x.length > 8 + (d.at % png.length)) ?? cs[0];
      if (k.length === 0 || k.at + 12 + k.length > out.length) return out;
      out[k.at + 8 + (d.at % k.length)] ^= d.value | 1;
      new DataView(out.buffer).setUint32(k.at + 8 + k.length, crc32(out, k.at + 4, k.at + 8 + k.length));
      return out;
    }
  }
}

const arbDamage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("dup" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), which: fc.nat() }),
  fc.record({
    kind: fc.constant("length" as const),
    which: fc.nat(),
    value: fc.oneof(fc.nat(64), fc.constant(0xffffffff), fc.constant(0x7fffffff), fc.nat()),
  }),
  fc.record({ kind: fc.constant("recrc" as const), at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }),
);

Deno.test("png fuzz: damaged files never throw; a Left has a reason, a Right is consistent", async () => {
  await property(
    fc.property(fc.nat(VALID.length - 1), fc.array(arbDamage, { minLength: 1, maxLength: 3 }), (k, ds) => {
      const bytes = ds.reduce<Uint8Array>((b, d) => damage(b, d), VALID[k]);
      const r = decodeImageEither(bytes, { maxPixels: 1 << 20 });
      if (r._tag === "Left") {
        assert.ok(r.left instanceof FreqaugError);
        assert.ok(r.left.message.trim().length > 6 && !/\(\s*\)/.test(r.left.message), r.left.message);
      } else {
        const { width, height, channels, bitDepth, data } = r.right;
        assert.equal(data.length, width * height * channels);
        assert.ok(bitDepth === 16 ? data instanceof Uint16Array : data instanceof Uint8Array);
      }
      const info = readImageInfoEither(bytes);
      assert.ok(info._tag === "Right" || info.left.message.length > 6);
    }),
    400,
  );
});
