// The JPEG path: fixtures and a photo decode (gray as 1 channel); the 8 EXIF
// orientations of one photo (tests/fixtures/make_exif.py) come out upright as
// Pillow's exif_transpose makes them; malformed EXIF is ignored; a second frame
// header, a frame over the pixel limit and a cut file are refused with reasons;
// a frame that claims more 8x8 blocks than the file's bytes could code is
// refused before jpeg-js allocates for it, while real photos and flat
// 4000x3000 frames at quality 1 and 100 still decode; WebP and other formats are named; a seeded fuzz never throws.
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeImage, decodeImageEither, FreqaugError, readImageInfoEither } from "../io.ts";
import jpeg from "jpeg-js";
import { exifOrientation } from "../src/io/exif.ts";
import { BLOCKS_PER_BYTE, minJpegBytes } from "../src/io/jpeg_decode.ts";
import { property } from "./_helpers.ts";

const FIXTURES = new URL("fixtures/", import.meta.url);
const read = (name: string) => Deno.readFileSync(new URL(name, FIXTURES));
const exifGolden: Record<string, string | number> = JSON.parse(
  Deno.readTextFileSync(new URL("exif/golden.json", FIXTURES)),
);
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

function left(bytes: Uint8Array, options?: { maxPixels?: number }): FreqaugError {
  const r = decodeImageEither(bytes, options);
  assert.equal(r._tag, "Left", "expected a refusal");
  const e = (r as { left: FreqaugError }).left;
  assert.ok(e instanceof FreqaugError && e.message.length > 8, e.message);
  return e;
}

/** Segments of a JPEG before the first scan: [offset of the 0xFF, marker, total length with the marker]. */
function segments(jpg: Uint8Array): { at: number; marker: number; size: number }[] {
  const out = [];
  for (let at = 2; at + 4 <= jpg.length;) {
    const marker = jpg[at + 1], size = 2 + ((jpg[at + 2] << 8) | jpg[at + 3]);
    out.push({ at, marker, size });
    if (marker === 0xda) break;
    at += size;
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

Deno.test("jpeg: baseline, progressive, gray (1 channel) and a photo decode, within JPEG's loss", () => {
  for (const name of ["base.jpg", "progressive.jpg"]) {
    const img = decodeImage(read(name));
    assert.deepEqual([img.width, img.height, img.channels, img.bitDepth], [20, 14, 3, 8]);
    for (const [x, y] of [[2, 2], [10, 7], [17, 11]]) {
      const want = [10 * x, 12 * y, 100];
      for (let c = 0; c < 3; c++) {
        assert.ok(Math.abs(img.data[(y * 20 + x) * 3 + c] - want[c]) <= 12, `${name} ${x},${y}`);
      }
    }
  }
  const gray = decodeImage(read("gray.jpg"));
  assert.deepEqual([gray.width, gray.height, gray.channels], [20, 14, 1]);
  assert.ok(Math.abs(gray.data[5 * 20 + 10] - 100) <= 6);
  assert.deepEqual(readImageInfoEither(read("gray.jpg")), {
    _tag: "Right",
    right: { format: "jpeg", width: 20, height: 14, channels: 1, bitDepth: 8 },
  });
});

Deno.test("jpeg: an Adobe CMYK file decodes to RGB as Pillow does (within 1 level); 4 components without Adobe's marker are refused", () => {
  const cmyk = read("cmyk.jpg");
  const img = decodeImage(cmyk);
  const pil = decodeImage(read("cmyk_pil_rgb.png"));
  assert.deepEqual([img.width, img.height, img.channels, img.bitDepth], [96, 64, 3, 8]);
  let worst = 0;
  for (let i = 0; i < img.data.length; i++) worst = Math.max(worst, Math.abs(img.data[i] - pil.data[i]));
  assert.ok(worst <= 1, `worst difference from Pillow ${worst} levels`);
  const info = readImageInfoEither(cmyk);
  assert.equal(info._tag === "Right" && info.right.channels, 3);
  // Rename the APP14 marker to APP13: 4 components with no Adobe marker.
  const app14 = segments(cmyk).find((s) => s.marker === 0xee);
  assert.ok(app14, "the fixture has an APP14 marker");
  const bare = cmyk.slice();
  bare[app14.at + 1] = 0xed;
  assert.match(left(bare).message, /4 components without an Adobe APP14 marker/);
});

Deno.test("jpeg EXIF: the 8 orientations of one photo come out upright, as Pillow's exif_transpose", () => {
  const upright = b64(exifGolden.upright as string);
  for (let n = 1; n <= 8; n++) {
    const bytes = read(`exif/exif_${n}.jpg`);
    const img = decodeImage(bytes);
    assert.deepEqual([img.width, img.height, img.channels], [40, 56, 3], `orientation ${n}`);
    const pil = b64(exifGolden[`exif_${n}`] as string);
    let sum = 0, max = 0, sumUp = 0;
    img.data.forEach((v, i) => {
      const d = Math.abs(v - pil[i]);
      sum += d;
      max = Math.max(max, d);
      sumUp += Math.abs(v - upright[i]);
    });
    // jpeg-js and libjpeg differ by rounding: a few levels at most.
    assert.ok(sum / img.data.length < 1 && max <= 8, `orientation ${n}: mean ${sum / img.data.length}, max ${max}`);
    assert.ok(sumUp / img.data.length < 3, `orientation ${n} vs the upright photo: ${sumUp / img.data.length}`);
    const stored = decodeImage(bytes, { orientation: "ignore" });
    assert.deepEqual([stored.width, stored.height], n >= 5 ? [56, 40] : [40, 56]);
    const info = readImageInfoEither(bytes);
    assert.deepEqual(info._tag === "Right" && [info.right.width, info.right.height], [40, 56]);
    const raw = readImageInfoEither(bytes, { orientation: "ignore" });
    assert.deepEqual(raw._tag === "Right" && [raw.right.width, raw.right.height], [stored.width, stored.height]);
  }
});

/** An APP1 Exif payload (after the length) with IFD0 holding `entries` (tag, type, count, value). */
function exif(order: "II" | "MM", ifd: number, entries: [number, number, number, number][], cut?: number): Uint8Array {
  const le = order === "II";
  const t: number[] = [];
  const u16 = (v: number) => (le ? t.push(v & 255, v >> 8) : t.push(v >> 8, v & 255));
  const u32 = (
    v: number,
  ) => (le ? [v, v >>> 16].forEach((h) => u16(h & 0xffff)) : [v >>> 16, v].forEach((h) => u16(h & 0xffff)));
  t.push(order.charCodeAt(0), order.charCodeAt(1));
  u16(42);
  u32(ifd);
  while (t.length < ifd) t.push(0);
  u16(entries.length);
  for (const [tag, type, count, value] of entries) {
    u16(tag);
    u16(type);
    u32(count);
    u16(value);
    u16(0);
  }
  u32(0);
  const body = Uint8Array.from([0x45, 0x78, 0x69, 0x66, 0, 0, ...t]);
  return cut === undefined ? body : body.subarray(0, cut);
}

Deno.test("jpeg EXIF: both byte orders read; malformed EXIF means no orientation, never a throw", () => {
  assert.equal(exifOrientation(exif("II", 8, [[0x0112, 3, 1, 6]])), 6);
  assert.equal(exifOrientation(exif("MM", 8, [[0x010f, 2, 4, 0], [0x0112, 3, 1, 8]])), 8);
  const bad: [string, Uint8Array][] = [
    ["IFD offset past the end", exif("II", 4000, [])],
    ["IFD offset inside the header", exif("II", 2, [[0x0112, 3, 1, 6]])],
    ["entry count past the end", exif("II", 8, [[0x0112, 3, 1, 6]], 16)],
    ["value 9", exif("MM", 8, [[0x0112, 3, 1, 9]])],
    ["value 0", exif("MM", 8, [[0x0112, 3, 1, 0]])],
    ["type LONG", exif("II", 8, [[0x0112, 4, 1, 6]])],
    ["count 2", exif("II", 8, [[0x0112, 3, 2, 6]])],
    ["bad byte order", Uint8Array.from([0x45, 0x78, 0x69, 0x66, 0, 0, 0x49, 0x4d, 42, 0, 8, 0, 0, 0])],
    ["not 42", Uint8Array.from([0x45, 0x78, 0x69, 0x66, 0, 0, 0x49, 0x49, 43, 0, 8, 0, 0, 0])],
    ["cut short", exif("II", 8, [[0x0112, 3, 1, 6]]).subarray(0, 9)],
    ["empty", new Uint8Array(0)],
  ];
  for (const [why, payload] of bad) assert.equal(exifOrientation(payload), 1, why);
  // In a file: exif_6.jpg with its EXIF replaced by malformed ones decodes as stored (56x40), never throws.
  const jpg = read("exif/exif_6.jpg");
  const app1 = segments(jpg).find((s) => s.marker === 0xe1)!;
  for (const [why, payload] of bad) {
    const seg = concat(Uint8Array.of(0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255), payload);
    const bytes = concat(jpg.subarray(0, app1.at), seg, jpg.subarray(app1.at + app1.size));
    const img = decodeImage(bytes);
    assert.deepEqual([img.width, img.height], [56, 40], why);
  }
});

Deno.test("jpeg: a second frame header, a frame over the limit, a cut file: refused with reasons", () => {
  const jpg = read("base.jpg");
  const sof = segments(jpg).find((s) => s.marker === 0xc0)!;
  const second = jpg.slice(sof.at, sof.at + sof.size);
  second[5] = 0x27; // height 10000: the size a bomb would claim
  second[6] = 0x10;
  const twice = concat(jpg.subarray(0, sof.at + sof.size), second, jpg.subarray(sof.at + sof.size));
  assert.equal(left(twice).message, "JPEG: SOF0 a second frame header (only one frame is allowed)");
  assert.equal(
    left(jpg, { maxPixels: 100 }).message,
    "JPEG: SOF0 20x14 = 280 pixels is over the limit of 100 (maxPixels)",
  );
  const lossless = jpg.slice();
  lossless[sof.at + 1] = 0xc3;
  assert.match(left(lossless).message, /^JPEG: SOF3 lossless, hierarchical or arithmetic-coded JPEG is not supported/);
  for (const name of ["base.jpg", "progressive.jpg", "gray.jpg", "exif/exif_6.jpg"]) {
    const bytes = read(name);
    for (let cut = 0; cut < bytes.length; cut++) {
      const e = left(bytes.subarray(0, cut));
      assert.ok(!/\(\s*\)/.test(e.message), `${name} cut at ${cut}: ${e.message}`);
      if (cut > 2) assert.match(e.message, /^JPEG: /, `${name} cut at ${cut}: ${e.message}`);
    }
  }
  // Damaged entropy-coded data inside an intact structure: jpeg-js's complaint, wrapped.
  const scan = segments(jpg).find((s) => s.marker === 0xda)!;
  const damaged = jpg.slice();
  damaged.fill(0xff, scan.at + scan.size + 20, scan.at + scan.size + 21);
  damaged[scan.at + scan.size + 21] = 0xc4;
  assert.match(left(damaged).message, /^JPEG: /);
});

/** A copy of `jpg` whose frame header claims `width`×`height`. */
function claiming(jpg: Uint8Array, width: number, height: number): Uint8Array {
  const sof = segments(jpg).find((s) => s.marker >= 0xc0 && s.marker <= 0xc2)!;
  const out = jpg.slice();
  out.set([height >> 8, height & 255, width >> 8, width & 255], sof.at + 5);
  return out;
}

Deno.test("jpeg: a frame claiming more blocks than the file's bytes can code is refused before decoding", () => {
  const jpg = read("base.jpg"), n = jpg.length;
  // A 737-byte file claiming 9000x9000: 1,265,625 blocks need at least 79,102 bytes.
  assert.equal(minJpegBytes(9000, 9000), Math.ceil(1125 * 1125 / BLOCKS_PER_BYTE));
  assert.equal(
    left(claiming(jpg, 9000, 9000)).message,
    `JPEG: SOF0 9000x9000 needs at least 79102 bytes (one per 16 blocks of 8x8), the file has ${n}: damaged or forged`,
  );
  assert.match(left(claiming(read("progressive.jpg"), 9000, 9000)).message, /^JPEG: SOF2 9000x9000 needs at least/);
  assert.match(
    left(claiming(read("gray.jpg"), 65535, 65535), { maxPixels: 2 ** 32 }).message,
    /needs at least 4194304 bytes/,
  );
  // The bound itself: 128 wide is 16 blocks a row, so a height of 8·n needs exactly n bytes.
  assert.equal(minJpegBytes(128, 8 * n), n);
  assert.match(left(claiming(jpg, 128, 8 * (n + 1))).message, /needs at least \d+ bytes/);
  const atBound = left(claiming(jpg, 128, 8 * n)); // passes the file's size rule, not the scans' own
  assert.doesNotMatch(atBound.message, /the file has/);
  assert.match(atBound.message, /needs at least \d+ bytes of scan data .* the scans have \d+: damaged or forged$/);
  // Padding that codes no blocks (a comment) does not count: the scans' bytes must be enough.
  const need = minJpegBytes(3000, 3000);
  const segments: Uint8Array[] = [];
  for (let left = need; left > 0; left -= 65533) {
    const size = Math.min(65533, left);
    const seg = new Uint8Array(size + 4);
    seg.set([0xff, 0xfe, (size + 2) >> 8, (size + 2) & 255]);
    segments.push(seg);
  }
  const forged = claiming(jpg, 3000, 3000);
  const padded = concat(forged.subarray(0, 2), ...segments, forged.subarray(2));
  assert.ok(padded.length >= need);
  assert.match(left(padded).message, /^JPEG: 3000x3000 needs at least \d+ bytes of scan data/);
  // The header alone is still readable (the rule needs the whole file).
  const info = readImageInfoEither(claiming(jpg, 9000, 9000));
  assert.ok(info._tag === "Right" && info.right.width === 9000);
  // Every real photo decodes.
  const photos = [
    "base.jpg",
    "progressive.jpg",
    "gray.jpg",
    "cmyk.jpg",
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `exif/exif_${i}.jpg`),
  ];
  for (const name of photos) assert.equal(decodeImageEither(read(name))._tag, "Right", name);
});

Deno.test("jpeg: flat 4000x3000 frames at quality 1 and 100 (the fewest bytes a real encoder writes) decode", () => {
  const width = 4000, height = 3000;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([90, 140, 200, 255], i);
  for (const quality of [1, 100]) {
    const bytes = jpeg.encode({ data, width, height }, quality).data;
    assert.ok(bytes.length >= minJpegBytes(width, height), `quality ${quality}: ${bytes.length} bytes`);
    const r = decodeImageEither(bytes);
    assert.ok(r._tag === "Right", `quality ${quality}: ${r._tag === "Left" ? r.left.message : ""}`);
    assert.deepEqual([r.right.width, r.right.height, r.right.channels], [width, height, 3]);
    // Flat in, flat out (quality 1 moves the colour itself a long way).
    const mid = 3 * (1500 * width + 2000), px = r.right.data;
    assert.deepEqual([px[mid], px[mid + 1], px[mid + 2]], [px[0], px[1], px[2]], `quality ${quality}`);
    if (quality === 100) assert.ok(Math.abs(px[mid + 2] - 200) <= 4, `quality ${quality}: ${px[mid + 2]}`);
  }
});

Deno.test("image: WebP is named, other formats are 'not a PNG or JPEG file', bad arguments are input errors", () => {
  const webp = Uint8Array.from(
    [..."RIFF"].map((c) => c.charCodeAt(0)).concat([0, 0, 0, 0], [..."WEBPVP8 "].map((c) => c.charCodeAt(0))),
  );
  assert.equal(left(webp).message, "image: WebP is not supported (convert to PNG or JPEG)");
  assert.equal(left(new TextEncoder().encode("GIF89a......")).message, "image: not a PNG or JPEG file");
  assert.equal(left(new Uint8Array(0)).message, "image: not a PNG or JPEG file");
  const bad = decodeImageEither("x" as unknown as Uint8Array);
  assert.ok(bad._tag === "Left" && bad.left.code === "input" && /^bytes: got "x"/.test(bad.left.message));
  const opt = decodeImageEither(read("base.jpg"), { maxPixels: 0 });
  assert.ok(opt._tag === "Left" && /options\.maxPixels: got 0, expected an integer >= 1/.test(opt.left.message));
  const ori = decodeImageEither(read("base.jpg"), { orientation: "auto" as "apply" });
  assert.ok(ori._tag === "Left" && /options\.orientation: got "auto"/.test(ori.left.message));
  assert.throws(() => decodeImage(webp), FreqaugError);
});

const VALID = ["base.jpg", "progressive.jpg", "gray.jpg", "exif/exif_6.jpg"].map(read);

type Damage =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "cut"; at: number }
  | { kind: "dup"; which: number }
  | { kind: "length"; which: number; value: number }
  | { kind: "byte"; at: number; value: number };

function damage(jpg: Uint8Array, d: Damage): Uint8Array {
  if (jpg.length === 0) return jpg;
  const segs = segments(jpg);
  const s = segs[((d as { which?: number }).which ?? 0) % Math.max(1, segs.length)];
  switch (d.kind) {
    case "flip": {
      const out = jpg.slice();
      out[d.at % out.length] ^= 1 << d.bit;
      return out;
    }
    case "byte": {
      const out = jpg.slice();
      out[d.at % out.length] = d.value;
      return out;
    }
    case "cut":
      return jpg.subarray(0, d.at % jpg.length);
    case "dup":
      if (!s) return jpg;
      return concat(jpg.subarray(0, s.at + s.size), jpg.subarray(s.at, s.at + s.size), jpg.subarray(s.at + s.size));
    case "length": {
      if (!s || s.at + 4 > jpg.length) return jpg;
      const out = jpg.slice();
      out[s.at + 2] = d.value >> 8;
      out[s.at + 3] = d.value & 255;
      return out;
    }
  }
}

const arbDamage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("byte" as const), at: fc.nat(), value: fc.constantFrom(0, 0xff, 0xd9, 0xda, 0xc0) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("dup" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("length" as const), which: fc.nat(), value: fc.nat(0xffff) }),
);

Deno.test("jpeg fuzz: damaged files never throw; a Left has a reason, a Right is consistent", async () => {
  await property(
    fc.property(fc.nat(VALID.length - 1), fc.array(arbDamage, { minLength: 1, maxLength: 3 }), (k, ds) => {
      const bytes = ds.reduce<Uint8Array>((b, d) => damage(b, d), VALID[k]);
      const r = decodeImageEither(bytes, { maxPixels: 1 << 20 });
      if (r._tag === "Left") {
        assert.ok(r.left instanceof FreqaugError);
        assert.ok(r.left.message.trim().length > 8 && !/\(\s*\)/.test(r.left.message), r.left.message);
      } else {
        const { width, height, channels, data } = r.right;
        assert.equal(data.length, width * height * channels);
        assert.ok(data instanceof Uint8Array && (channels === 1 || channels === 3));
      }
      const info = readImageInfoEither(bytes);
      assert.ok(info._tag === "Right" || info.left.message.length > 8);
    }),
    300,
  );
});
