// Shared test set-up: fast-check runs with a fixed seed (override with
// FC_SEED) and reports the seed of any failure.
import fc from "fast-check";

/** The largest |a[i] - b[i]|; Infinity when any difference is NaN (so a NaN never passes a bound). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** The largest |a[i]|. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export const FC_SEED = Number(Deno.env.get("FC_SEED") ?? 20261126);

export async function property<Ts extends [unknown, ...unknown[]]>(
  prop: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>,
  numRuns = 50,
): Promise<void> {
  try {
    await fc.assert(prop as fc.IAsyncProperty<Ts>, { seed: FC_SEED, numRuns });
  } catch (e) {
    console.error(
      `fast-check failed with seed ${FC_SEED} (rerun with FC_SEED=${FC_SEED})`,
    );
    throw e;
  }
}

/** The golden vectors of lightly's GaussianMixtureMask, in the repository (see golden/README.md). */
export const GOLDEN_DIR = new URL("./golden/lightly-gmm/", import.meta.url);

/** The golden cases' file names (`<name>.bin`), sorted. */
export function goldenCases(): string[] {
  return [...Deno.readDirSync(GOLDEN_DIR)].filter((e) => e.isFile && e.name.endsWith(".bin")).map((e) => e.name)
    .sort();
}

/** One golden case of lightly's GaussianMixtureMask (see golden/README.md for the fields). */
export interface Golden {
  source: string;
  shape: [number, number, number];
  num_gaussians: number;
  std_range: [number, number];
  gaussians: { u0: number; v0: number; sigma_u: number; sigma_v: number }[];
  /** C*H*W, channel-major, row-major. */
  x: Float64Array;
  /** U*V (U = H, V = floor(W/2) + 1), row-major. */
  mask: Float64Array;
  /** C*H*W, like `x`. */
  y: Float64Array;
}

/** The first bytes of a golden file. */
export const GOLDEN_MAGIC = "FQGOLD1\n";

/**
 * Decodes a golden file: the magic "FQGOLD1\n", a u32 little-endian header length,
 * a UTF-8 JSON header, then float64 little-endian arrays at the header's
 * `arrays: { x: [byteOffset, length], mask: [...], y: [...] }`. Throws an error
 * naming `name` and the fault on anything malformed or truncated.
 */
export function parseGolden(bytes: Uint8Array, name = "golden file"): Golden {
  const fail = (why: string): never => {
    throw new Error(`${name}: ${why}`);
  };
  const pre = GOLDEN_MAGIC.length + 4;
  if (bytes.length < pre) fail(`truncated: ${bytes.length} bytes, shorter than the ${pre}-byte preamble`);
  for (let i = 0; i < GOLDEN_MAGIC.length; i++) {
    if (bytes[i] !== GOLDEN_MAGIC.charCodeAt(i)) fail(`bad magic: not a ${JSON.stringify(GOLDEN_MAGIC)} file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(GOLDEN_MAGIC.length, true);
  if (pre + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(pre, pre + headerLength)));
  } catch (e) {
    return fail(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (h === null || typeof h !== "object" || Array.isArray(h)) return fail("header is not a JSON object");
  const isInt = (v: unknown, min = 0): v is number => Number.isSafeInteger(v) && (v as number) >= min;
  const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  const { source, shape, num_gaussians, std_range, gaussians, arrays } = h;
  if (typeof source !== "string") fail(`header: "source" is not a string`);
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((n) => isInt(n, 1))) {
    fail(`header: "shape" is not [C, H, W] of positive integers`);
  }
  if (!isInt(num_gaussians)) fail(`header: "num_gaussians" is not a non-negative integer`);
  if (!Array.isArray(std_range) || std_range.length !== 2 || !std_range.every(isNum)) {
    fail(`header: "std_range" is not [min, max]`);
  }
  if (
    !Array.isArray(gaussians) || gaussians.length !== num_gaussians ||
    !gaussians.every((d) =>
      d !== null && typeof d === "object" && isInt(d.u0) && isInt(d.v0) && isNum(d.sigma_u) && isNum(d.sigma_v)
    )
  ) {
    fail(`header: "gaussians" is not ${num_gaussians} draws { u0, v0, sigma_u, sigma_v }`);
  }
  const [C, H, W] = shape as [number, number, number];
  const expected = { x: C * H * W, mask: H * (Math.floor(W / 2) + 1), y: C * H * W };
  if (arrays === null || typeof arrays !== "object") fail(`header: "arrays" is missing`);
  const read = (key: keyof typeof expected): Float64Array => {
    const span = (arrays as Record<string, unknown>)[key];
    if (!Array.isArray(span) || span.length !== 2 || !isInt(span[0]) || !isInt(span[1])) {
      return fail(`header: arrays.${key} is not [byteOffset, length]`);
    }
    const [offset, length] = span as [number, number];
    if (length !== expected[key]) fail(`"${key}" has ${length} values; shape ${C}x${H}x${W} needs ${expected[key]}`);
    if (offset < pre + headerLength || offset % 8 !== 0) {
      fail(`"${key}" starts at byte ${offset}: inside the header or not 8-byte aligned`);
    }
    if (offset + 8 * length > bytes.length) {
      fail(`truncated: "${key}" needs bytes ${offset}..${offset + 8 * length}, the file has ${bytes.length}`);
    }
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = view.getFloat64(offset + 8 * i, true);
    return out;
  };
  return {
    source: source as string,
    shape: shape as [number, number, number],
    num_gaussians: num_gaussians as number,
    std_range: std_range as [number, number],
    gaussians: (gaussians as Golden["gaussians"]).map(({ u0, v0, sigma_u, sigma_v }) => ({ u0, v0, sigma_u, sigma_v })),
    x: read("x"),
    mask: read("mask"),
    y: read("y"),
  };
}

/** Reads a golden case, with its recorded draws as freqaug's replayable gmm parameters. */
export function loadGolden(name: string): {
  g: Golden;
  gaussians: { u0: number; v0: number; sigmaU: number; sigmaV: number; intensity: number }[];
  params: [
    [{
      op: "gmm";
      applied: true;
      gaussians: { u0: number; v0: number; sigmaU: number; sigmaV: number; intensity: number }[];
    }],
  ];
} {
  const g = parseGolden(Deno.readFileSync(new URL(name, GOLDEN_DIR)), name);
  const gaussians = g.gaussians.map((d) => ({
    u0: d.u0,
    v0: d.v0,
    sigmaU: d.sigma_u,
    sigmaV: d.sigma_v,
    intensity: 1,
  }));
  return { g, gaussians, params: [[{ op: "gmm", applied: true, gaussians }]] };
}

/** Runs `deno <args>` in the repository root; returns stdout after asserting exit code 0. */
export async function runDeno(args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: new URL("../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`deno ${args.join(" ")} exited ${out.code}:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}
