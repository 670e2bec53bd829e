// Loader of the torchvision 0.14 golden vectors in tests/golden/torchvision/ (see the README there).
// It needs nothing but the clone: no imports from src/, only Deno built-ins.

/** The golden vectors of torchvision's ops, in the repository. */
export const TV_DIR = new URL("./golden/torchvision/", import.meta.url);

/** The first bytes of a golden file (the container is shared with tests/golden/lightly-gmm/). */
export const TV_MAGIC = "FQGOLD1\n";

/** The ops that have torchvision golden vectors, by freqaug's names. */
export const TV_OPS = [
  "randomResizedCrop",
  "horizontalFlip",
  "verticalFlip",
  "colorJitter",
  "grayscale",
  "gaussianBlur",
  "solarize",
] as const;
export type TvOp = typeof TV_OPS[number];

/** One op's params in the JSON form of the spec (one object per op per sample). */
export type TvParams =
  | { op: "randomResizedCrop"; applied: boolean; top: number; left: number; height: number; width: number }
  | { op: "horizontalFlip" | "verticalFlip" | "grayscale" | "solarize"; applied: boolean }
  | {
    op: "colorJitter";
    applied: boolean;
    /** A permutation of 0..3: 0 brightness, 1 contrast, 2 saturation, 3 hue. */
    order: [number, number, number, number];
    brightness: number | null;
    contrast: number | null;
    saturation: number | null;
    hue: number | null;
  }
  | { op: "gaussianBlur"; applied: boolean; sigma: number };

/** The op's options where they change what apply does; `{}` for the others. */
export type TvOptions =
  | { size: [number, number]; antialias: boolean } // randomResizedCrop
  | { threshold: number } // solarize
  | Record<string, never>;

/** One golden case: torchvision's output `y` for the input `x` and the params. */
export interface TvCase {
  /** The case's name, the file's name without `.bin`. */
  name: string;
  op: TvOp;
  params: TvParams;
  options: TvOptions;
  /** `[C, H, W]` of `x`. */
  shapeIn: [number, number, number];
  /** `[C, H, W]` of `y`. */
  shapeOut: [number, number, number];
  /** C*H*W values, channel-major, then row-major: x[c*H*W + h*W + w]. Each one is a float32 value. */
  x: Float64Array;
  /** torchvision's output (float32 values, widened), laid out like `x` with `shapeOut`. */
  y: Float64Array;
  /** Words for people: torch and torchvision versions, the exact call, where x came from, what the case tests. */
  source: string;
  call: string;
  input: string;
  note: string;
}

/** The cases' names (file names without `.bin`), sorted. */
export function tvCases(): string[] {
  return [...Deno.readDirSync(TV_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".bin"))
    .map((e) => e.name.slice(0, -".bin".length))
    .sort();
}

/** Reads and checks one case, by name (`.bin` may be given too). Throws an error naming the file and the fault. */
export function loadTv(name: string): TvCase {
  const stem = name.endsWith(".bin") ? name.slice(0, -".bin".length) : name;
  const file = `${stem}.bin`;
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(new URL(file, TV_DIR));
  } catch (e) {
    throw new Error(`${file}: cannot be read (${(e as Error).message})`);
  }
  return parseTv(bytes, file, stem);
}

const HEADER_KEYS = [
  "name",
  "op",
  "params",
  "options",
  "source",
  "call",
  "input",
  "note",
  "shape_in",
  "shape_out",
  "arrays",
];

const PARAM_KEYS: Record<TvOp, string[]> = {
  randomResizedCrop: ["op", "applied", "top", "left", "height", "width"],
  horizontalFlip: ["op", "applied"],
  verticalFlip: ["op", "applied"],
  colorJitter: ["op", "applied", "order", "brightness", "contrast", "saturation", "hue"],
  grayscale: ["op", "applied"],
  gaussianBlur: ["op", "applied", "sigma"],
  solarize: ["op", "applied"],
};

const OPTION_KEYS: Record<TvOp, string[]> = {
  randomResizedCrop: ["size", "antialias"],
  horizontalFlip: [],
  verticalFlip: [],
  colorJitter: [],
  grayscale: [],
  gaussianBlur: [],
  solarize: ["threshold"],
};

/**
 * Decodes and checks a torchvision golden file: the magic "FQGOLD1\n", a u32 little-endian header length n, n bytes
 * of UTF-8 JSON (padded with spaces so that 12 + n is a multiple of 8), then x and y as float64 little-endian, back
 * to back, at the offsets the header's `arrays` gives, up to the end of the file. Throws an error naming `file` and
 * the fault on anything malformed, truncated, out of place or inconsistent. With `expectedName`, the header's name
 * must be it.
 */
export function parseTv(bytes: Uint8Array, file = "golden file", expectedName?: string): TvCase {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  const pre = TV_MAGIC.length + 4;
  if (bytes.length < pre) fail(`truncated: ${bytes.length} bytes, shorter than the ${pre}-byte preamble`);
  for (let i = 0; i < TV_MAGIC.length; i++) {
    if (bytes[i] !== TV_MAGIC.charCodeAt(i)) fail(`bad magic: not a ${JSON.stringify(TV_MAGIC)} file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(TV_MAGIC.length, true);
  if (pre + n > bytes.length) fail(`header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  if ((pre + n) % 8 !== 0) fail(`header length ${n}: the data would start at byte ${pre + n}, not 8-byte aligned`);

  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(pre, pre + n)));
  } catch (e) {
    return fail(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  const isInt = (v: unknown, min = 0): v is number => Number.isSafeInteger(v) && (v as number) >= min;
  const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  const exactKeys = (o: Record<string, unknown>, keys: string[], what: string): void => {
    const extra = Object.keys(o).filter((k) => !keys.includes(k));
    const missing = keys.filter((k) => !Object.hasOwn(o, k));
    if (missing.length) fail(`${what} lacks ${missing.map((k) => JSON.stringify(k)).join(", ")}`);
    if (extra.length) fail(`${what} has unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(", ")}`);
  };

  if (!isObject(h)) return fail("header is not a JSON object");
  exactKeys(h, HEADER_KEYS, "header");
  const { name, op, params, options, source, call, input, note, shape_in, shape_out, arrays } = h;
  if (typeof name !== "string" || !/^[A-Za-z0-9_]+$/.test(name)) fail(`header: "name" is not a name of [A-Za-z0-9_]`);
  if (expectedName !== undefined && name !== expectedName) {
    fail(`header: "name" is ${JSON.stringify(name)}, the file is ${JSON.stringify(expectedName)}`);
  }
  for (const [k, v] of Object.entries({ source, call, input, note })) {
    if (typeof v !== "string" || v.length === 0) fail(`header: "${k}" is not a non-empty string`);
  }
  if (typeof op !== "string" || !(TV_OPS as readonly string[]).includes(op)) {
    fail(`header: "op" ${JSON.stringify(op)} is not one of ${TV_OPS.join(", ")}`);
  }
  const theOp = op as TvOp;

  const shape = (v: unknown, key: string): [number, number, number] => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every((d) => isInt(d, 1))) {
      return fail(`header: "${key}" is not [C, H, W] of positive integers`);
    }
    if (v[0] !== 1 && v[0] !== 3) fail(`header: "${key}" has ${v[0]} channels; only 1 or 3`);
    return v as [number, number, number];
  };
  const shapeIn = shape(shape_in, "shape_in");
  const shapeOut = shape(shape_out, "shape_out");
  const [C, H, W] = shapeIn;

  // params
  if (!isObject(params)) return fail(`header: "params" is not an object`);
  exactKeys(params, PARAM_KEYS[theOp], `params of ${theOp}`);
  if (params.op !== theOp) fail(`params.op ${JSON.stringify(params.op)} is not the header's op ${theOp}`);
  if (typeof params.applied !== "boolean") fail(`params.applied is not a boolean`);
  const applied = params.applied as boolean;
  if (theOp === "randomResizedCrop") {
    const { top, left, height, width } = params;
    if (!isInt(top) || !isInt(left) || !isInt(height, 1) || !isInt(width, 1)) {
      fail(`params: top, left are not integers >= 0 or height, width not integers >= 1`);
    }
    const [t, l, bh, bw] = [top, left, height, width] as number[];
    if (t + bh > H || l + bw > W) fail(`params: box (${t}, ${l}, ${bh}, ${bw}) is not inside the ${H}x${W} image`);
    if (!applied && (t !== 0 || l !== 0 || bh !== H || bw !== W)) {
      fail(`params: not applied, yet the box (${t}, ${l}, ${bh}, ${bw}) is not the whole ${H}x${W} image`);
    }
  } else if (theOp === "colorJitter") {
    const order = params.order;
    if (
      !Array.isArray(order) || order.length !== 4 || !order.every((k) => isInt(k)) ||
      [...order].sort().join() !== "0,1,2,3"
    ) {
      fail(`params.order is not a permutation of 0, 1, 2, 3`);
    }
    for (const k of ["brightness", "contrast", "saturation"]) {
      const f = params[k];
      if (f !== null && !(isNum(f) && f >= 0)) fail(`params.${k} is neither null nor a number >= 0`);
    }
    const hue = params.hue;
    if (hue !== null && !(isNum(hue) && hue >= -0.5 && hue <= 0.5)) {
      fail(`params.hue is neither null nor a number in [-0.5, 0.5]`);
    }
    if (
      !applied &&
      ((order as number[]).join() !== "0,1,2,3" ||
        ["brightness", "contrast", "saturation", "hue"].some((k) => params[k] !== null))
    ) {
      fail(`params: not applied, yet order is not [0, 1, 2, 3] or a factor is not null`);
    }
  } else if (theOp === "gaussianBlur") {
    const sigma = params.sigma;
    if (!isNum(sigma)) fail(`params.sigma is not a finite number`);
    if (applied && !((sigma as number) > 0)) fail(`params.sigma is ${sigma}; an applied blur needs sigma > 0`);
    if (!applied && sigma !== 0) fail(`params.sigma is ${sigma}; a blur that is not applied has sigma 0`);
  }

  // options
  if (!isObject(options)) return fail(`header: "options" is not an object`);
  exactKeys(options, OPTION_KEYS[theOp], `options of ${theOp}`);
  let expectedOut: [number, number, number] = shapeIn;
  if (theOp === "randomResizedCrop") {
    const { size, antialias } = options;
    if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => isInt(d, 1))) {
      fail(`options.size is not [h, w] of positive integers`);
    }
    if (typeof antialias !== "boolean") fail(`options.antialias is not a boolean`);
    expectedOut = [C, (size as number[])[0], (size as number[])[1]];
  } else if (theOp === "solarize") {
    const thr = options.threshold;
    if (!isNum(thr) || thr > 1) fail(`options.threshold is not a finite number <= 1`);
  }
  if (shapeOut.join() !== expectedOut.join()) {
    fail(`header: "shape_out" is [${shapeOut}], ${theOp} on [${shapeIn}] gives [${expectedOut}]`);
  }

  // arrays: x right after the header, y right after x, the file ends with y
  if (!isObject(arrays)) return fail(`header: "arrays" is not an object`);
  exactKeys(arrays, ["x", "y"], "arrays");
  const expected = { x: C * H * W, y: shapeOut[0] * shapeOut[1] * shapeOut[2] };
  let at = pre + n;
  const read = (key: "x" | "y"): Float64Array => {
    const span = arrays[key];
    if (!Array.isArray(span) || span.length !== 2 || !isInt(span[0]) || !isInt(span[1])) {
      return fail(`arrays.${key} is not [byteOffset, length]`);
    }
    const [offset, length] = span as [number, number];
    const shp = key === "x" ? shapeIn : shapeOut;
    if (length !== expected[key]) fail(`"${key}" has ${length} values; shape ${shp.join("x")} needs ${expected[key]}`);
    if (offset !== at) fail(`"${key}" starts at byte ${offset}; it must start at byte ${at}`);
    if (offset + 8 * length > bytes.length) {
      fail(`truncated: "${key}" needs bytes ${offset}..${offset + 8 * length}, the file has ${bytes.length}`);
    }
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const v = view.getFloat64(offset + 8 * i, true);
      if (!Number.isFinite(v)) fail(`"${key}"[${i}] is ${v}, not finite`);
      if (Math.fround(v) !== v) fail(`"${key}"[${i}] = ${v} is not a float32 value`);
      out[i] = v;
    }
    at = offset + 8 * length;
    return out;
  };
  const x = read("x");
  const y = read("y");
  if (at !== bytes.length) fail(`${bytes.length - at} stray bytes after "y"`);

  return {
    name: name as string,
    op: theOp,
    params: structuredClone(params) as TvParams,
    options: structuredClone(options) as TvOptions,
    shapeIn,
    shapeOut,
    x,
    y,
    source: source as string,
    call: call as string,
    input: input as string,
    note: note as string,
  };
}
