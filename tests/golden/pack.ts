// Packs golden vectors stored as JSON into the binary files the tests read.
//
//   deno run --allow-read --allow-write tests/golden/pack.ts SRC_DIR [OUT_DIR]
//
// Every `SRC_DIR/<name>.json` becomes `OUT_DIR/<name>.bin` (OUT_DIR defaults to
// `lightly-gmm/` beside this script). The format is described in README.md here:
// the magic "FQGOLD1\n", a u32 little-endian header length, a UTF-8 JSON header
// (every field of the JSON case except the arrays, plus `arrays`: byte offset and
// element count of each array), spaces up to an 8-byte boundary, then the arrays
// x, mask and y as float64 little-endian.
//
// After writing, each file is read back with a decoder of its own and every value
// is compared with the JSON's by Object.is; any difference stops the script.

export const MAGIC = "FQGOLD1\n";
const ARRAYS = ["x", "mask", "y"] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** Encodes one JSON case; its `x`, `mask` and `y` must be arrays of numbers. */
export function pack(doc: Record<string, Json>): Uint8Array {
  if ("arrays" in doc) throw new Error(`the field "arrays" is reserved for the header's index`);
  const arrays = ARRAYS.map((key) => {
    const a = doc[key];
    if (!Array.isArray(a) || !a.every((v) => typeof v === "number")) {
      throw new Error(`"${key}" is not an array of numbers`);
    }
    return a as number[];
  });
  const rest = Object.fromEntries(Object.entries(doc).filter(([key]) => !(ARRAYS as readonly string[]).includes(key)));
  const enc = new TextEncoder();
  // The offsets are absolute, so they depend on the header's own length: grow the
  // guess of where the data starts until the header fits in front of it.
  let dataStart = 16;
  for (;;) {
    let offset = dataStart;
    const spans: Record<string, [number, number]> = {};
    ARRAYS.forEach((key, i) => {
      spans[key] = [offset, arrays[i].length];
      offset += 8 * arrays[i].length;
    });
    const json = enc.encode(JSON.stringify({ ...rest, arrays: spans }));
    const needed = align8(MAGIC.length + 4 + json.length);
    if (needed > dataStart) {
      dataStart = needed;
      continue;
    }
    const out = new Uint8Array(offset);
    const view = new DataView(out.buffer);
    out.set(enc.encode(MAGIC), 0);
    const headerLength = dataStart - MAGIC.length - 4; // the JSON, then spaces
    view.setUint32(MAGIC.length, headerLength, true);
    out.set(json, MAGIC.length + 4);
    out.fill(0x20, MAGIC.length + 4 + json.length, dataStart);
    ARRAYS.forEach((key, i) => {
      const [start] = spans[key];
      arrays[i].forEach((v, j) => view.setFloat64(start + 8 * j, v, true));
    });
    return out;
  }
}

/** Decodes a packed case back to a plain object (header fields and number arrays). */
export function unpack(bytes: Uint8Array): Record<string, unknown> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new Error("bad magic");
  const headerLength = view.getUint32(MAGIC.length, true);
  const header = JSON.parse(
    new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength),
    ),
  );
  const { arrays, ...rest } = header as { arrays: Record<string, [number, number]> } & Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  for (const key of ARRAYS) {
    const [start, length] = arrays[key];
    if (start % 8 !== 0 || start + 8 * length > bytes.length) throw new Error(`"${key}" lies outside the file`);
    out[key] = Array.from({ length }, (_, j) => view.getFloat64(start + 8 * j, true));
  }
  return out;
}

/** Object.is on every leaf; returns the path of the first difference, or null. */
function firstDifference(a: unknown, b: unknown, path = "$"): string | null {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return `${path} (array length)`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${path} (keys ${ka} vs ${kb})`;
    for (const k of ka) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path} (${String(a)} vs ${String(b)})`;
}

if (import.meta.main) {
  const [src, dst] = Deno.args;
  if (!src || Deno.args.length > 2) {
    console.error("usage: deno run --allow-read --allow-write tests/golden/pack.ts SRC_DIR [OUT_DIR]");
    Deno.exit(2);
  }
  const srcDir = src.endsWith("/") ? src : `${src}/`;
  const outDir = dst ? (dst.endsWith("/") ? dst : `${dst}/`) : new URL("./lightly-gmm/", import.meta.url);
  Deno.mkdirSync(outDir, { recursive: true });
  const names = [...Deno.readDirSync(srcDir)].filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.name)
    .sort();
  if (names.length === 0) {
    console.error(`no .json files in ${srcDir}`);
    Deno.exit(1);
  }
  let jsonBytes = 0, binBytes = 0;
  for (const name of names) {
    const text = Deno.readTextFileSync(srcDir + name);
    const doc = JSON.parse(text);
    const bytes = pack(doc);
    const target = `${name.slice(0, -".json".length)}.bin`;
    const where = typeof outDir === "string" ? outDir + target : new URL(target, outDir);
    Deno.writeFileSync(where, bytes);
    const diff = firstDifference(unpack(Deno.readFileSync(where)), doc);
    if (diff) {
      console.error(`${target}: read back differs from ${name} at ${diff}`);
      Deno.exit(1);
    }
    jsonBytes += new TextEncoder().encode(text).length;
    binBytes += bytes.length;
    console.log(`${name} -> ${target}: ${bytes.length} bytes, every value identical`);
  }
  console.log(`${names.length} cases: ${jsonBytes} bytes of JSON -> ${binBytes} bytes`);
}
