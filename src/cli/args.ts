/**
 * The command line's arguments, parsed into options or a reason; the usage
 * of each command and the exit codes.
 *
 * @module
 */

import type { BackendName } from "../api/backend.ts";
import { DEFAULT_MAX_PIXELS } from "../io/image.ts";
import { SPEC_MAX_BYTES } from "./limits.ts";
import { DEFAULT_COMPRESSION } from "./png_deflate.ts";

/** The most worker threads `--workers` takes. */
export const MAX_WORKERS = 256;

/**
 * The exit codes, the same for every command.
 *
 * @example
 * ```ts
 * import { EXIT, main } from "@freqaug/freqaug/cli";
 * if ((await main(["check", "--spec", "spec.json"])) === EXIT.usage) console.log("bad spec");
 * ```
 */
export const EXIT = {
  /** Everything went through. */
  ok: 0,
  /** Some inputs failed (each said on its own stderr line); the rest went through. */
  failed: 1,
  /** A bad command line or spec: nothing was done. */
  usage: 2,
  /** Another run holds the output folder (its params file's lock). */
  locked: 3,
  /** Interrupted (Ctrl-C): a rerun resumes. */
  interrupted: 130,
} as const;

const EXIT_LINES: Readonly<Record<number, string>> = {
  0: "  0    every input went through",
  1: "  1    some inputs failed (one stderr line each); the others went through",
  2: "  2    bad command line or spec; nothing was done",
  3: "  3    another run holds the output folder (its params file's lock)",
  130: "  130  interrupted (Ctrl-C); run the same command again to resume",
};

/** The exit codes each command can return. */
export const COMMAND_EXITS: Readonly<Record<"augment" | "explain" | "check" | "demo", readonly number[]>> = {
  augment: [0, 1, 2, 3, 130],
  explain: [0, 2],
  check: [0, 2],
  demo: [0, 1, 2, 3],
};

/** What exit code 0 means for a command that reads no inputs. */
const DONE: Readonly<Record<string, string>> = {
  check: "  0    the spec is valid (printed with every default filled in)",
  explain: "  0    the plan was printed",
};

/**
 * The exit-code table of `codes` (every code when absent), as printed in the
 * usage; `command` words code 0 for `check` and `explain`.
 */
export function exitTable(codes: readonly number[] = [0, 1, 2, 3, 130], command?: string): string {
  const line = (c: number) => (c === 0 && command !== undefined && DONE[command]) || EXIT_LINES[c];
  return `exit codes:\n${codes.map(line).join("\n")}`;
}

/** The exit-code table, as printed in the usage. */
export const EXIT_TABLE: string = exitTable();

/** The default pixel budget of a batch: samples × height × width. */
export const DEFAULT_BATCH_PIXELS = 16_777_216;

/** Output file formats. */
export type OutputFormat = "png" | "npy";

/** Options of `augment`. */
export interface AugmentArgs {
  readonly spec: string;
  readonly input: string;
  readonly output: string;
  readonly seed: number;
  readonly views: number;
  readonly backend: BackendName;
  readonly batch: number;
  /** The most samples × height × width in one batch (one image over it runs alone). */
  readonly batchPixels: number;
  readonly shard: { readonly index: number; readonly count: number };
  readonly size?: { readonly height: number; readonly width: number };
  readonly overwrite: boolean;
  readonly quiet: boolean;
  readonly maxPixels: number;
  readonly format: OutputFormat;
  /** PNG bit depth; absent: the input's (8 for JPEG). */
  readonly bitDepth?: 8 | 16;
  /** zlib level of the PNGs, 0..9 (see png_deflate.ts). */
  readonly compression: number;
  /** Worker threads, 0..{@link MAX_WORKERS}; absent: one per core. */
  readonly workers?: number;
  readonly followSymlinks: boolean;
}

/** What the command line asks for. */
export type Command =
  | { readonly command: "augment"; readonly args: AugmentArgs }
  | {
    readonly command: "explain";
    readonly spec: string;
    readonly height: number;
    readonly width: number;
    readonly batch: number;
    readonly wgsl: boolean;
  }
  | { readonly command: "check"; readonly spec: string }
  | { readonly command: "demo"; readonly input?: string; readonly output?: string; readonly backend?: BackendName }
  | { readonly command: "help"; readonly topic?: "augment" | "explain" | "check" | "demo" };

const AUGMENT_USAGE = `freqaug augment --spec spec.json --in DIR --out DIR [--seed N] [--views N] [--format png|npy]
                [--bit-depth 8|16] [--compression 0-9] [--size HxW] [--backend auto|webgpu|cpu]
                [--workers N] [--batch N] [--batch-pixels N] [--shard I/N] [--overwrite]
                [--follow-symlinks] [--quiet] [--max-pixels N]

Reads the PNG and JPEG files under --in (recursively; hidden files skipped;
symbolic links, FIFOs, sockets and devices skipped with a line each, links
read with --follow-symlinks) and writes one file per view under --out at the
same relative path: name.png, or name.vK.png with --views > 1. Two inputs with
one stem keep their extension (cat.jpg.png, cat.png.png); an input whose name
is still taken (names compared without case) gets name~2.png, said on stderr.
An input whose output name would pass 255 bytes fails on its own line.
--out may be a folder inside --in (it is never read as input); --out equal to
--in, or holding it, is refused (exit 2), links resolved.

  --format png   (default) 8- or 16-bit PNG: gray inputs stay gray when the
                 spec takes 1 channel (else they run as RGB, said once), alpha
                 is dropped, EXIF orientation applied; the bit depth is the
                 input's unless --bit-depth. Values outside [0, 1] are clipped
                 and counted (one warning line at the end); a spec whose last
                 value-changing op is normalize (flips, crops, blur and
                 grayscale do not count) is refused: use --format npy or end
                 the spec with clamp.
  --format npy   one float32 little-endian .npy per output, shape (C, H, W),
                 values as computed (not clipped).
  --compression N
                 zlib level of the PNGs, 0..9 (default ${DEFAULT_COMPRESSION}); the pixels are the
                 same at every level. 0 stores (largest, fastest); 1 codes the
                 filtered rows with Huffman codes and runs only (fast, and as
                 small as any level on photos); 2..9 also try full deflate at
                 that level and keep the smaller (smaller files of flat or
                 synthetic pictures; slower as the level rises, 9 much slower).
  --size HxW     resize every input first (antialiased), so all batch together;
                 each side 1..65535, H x W at most --max-pixels.
  --views N      views per input, 1..1000 (default 1).
  --workers N    worker threads, 0..${MAX_WORKERS} (default: one per core), ~50 MiB each.
                 With the CPU backend each worker reads, augments and encodes
                 whole inputs; with WebGPU the batches run on the GPU from the
                 main thread and the workers read and encode. 0: everything
                 on the main thread (slowest).
  --batch N      at most N samples (input x view) per batch, 1..65536
                 (default 8).
  --batch-pixels N
                 the pixel budget: samples x height x width of a batch, and
                 of the batches running plus the inputs decoded ahead
                 (default ${DEFAULT_BATCH_PIXELS}); an image over it runs alone.
  --seed N       an input's parameters depend only on --seed (default 0), its
                 relative path and the view, so shards (--shard I/N, or
                 JOB_COMPLETION_INDEX with FREQAUG_SHARD_COUNT, or Slurm's
                 SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT) together give
                 what one run gives. An integer in [-(2^53-1), 2^53-1].
  --max-pixels N the largest input, in pixels (default ${DEFAULT_MAX_PIXELS}); an
                 input is refused from its header, and a file larger than
                 2 x its raw size (width x height x 4 x bytes per sample)
                 + 16 MiB is refused before it is read.

params.jsonl (params.shard-I-of-N.jsonl for a shard) holds one line per output
file: {"path","input","view","seed","params"}; replaying params on the input
gives the file. Outputs appear whole (written under a temporary name, then
renamed after their line is written). A run resumes where an interrupted or
killed one stopped: outputs with a file and a line are kept (--overwrite redoes
them), the rest redone, stray temporaries removed. A run holds
<params file>.lock while it works; a second run on the same --out and shard
stops at once (exit 3); the lock of a run that is gone is taken over.
params.run.json (params.shard-I-of-N.run.json) records the settings that
make the outputs (spec, --seed, --size, --views, --format, --bit-depth); a
rerun with other settings is refused (exit 2) unless --overwrite.
The spec file is at most ${SPEC_MAX_BYTES / 1024 / 1024} MiB. Defaults: --backend auto.`;

const EXPLAIN_USAGE = `freqaug explain --spec spec.json [--size HxW] [--batch N] [--wgsl]

Prints the WebGPU plan of the spec for a batch of N (default 32) RGB images of
HxW (default 224x224): its dispatches and passes, and their WGSL with --wgsl.
--batch is 1..65536; each side of --size 1..65535. The spec file is at most
${SPEC_MAX_BYTES / 1024 / 1024} MiB.`;

const CHECK_USAGE = `freqaug check --spec spec.json

Decodes the spec and prints it with every default filled in; a bad spec gives
one line naming the field, the value and what is allowed (exit 2). The spec
file is a regular file of at most ${SPEC_MAX_BYTES / 1024 / 1024} MiB.`;

const DEMO_USAGE = `freqaug demo [--in DIR] [--out DIR] [--backend auto|webgpu|cpu]

Augments a built-in test card (or the images under --in) with a few presets and
writes a contact sheet and params.jsonl under --out (default freqaug-demo).`;

/** The usage of each command. */
export const COMMAND_USAGE: Readonly<Record<"augment" | "explain" | "check" | "demo", string>> = {
  augment: AUGMENT_USAGE,
  explain: EXPLAIN_USAGE,
  check: CHECK_USAGE,
  demo: DEMO_USAGE,
};

/** The usage text. */
export const USAGE = `freqaug: Fourier-domain augmentations of a folder of images

  freqaug augment --spec spec.json --in DIR --out DIR [options]
  freqaug explain --spec spec.json [--size HxW] [--batch N] [--wgsl]
  freqaug check   --spec spec.json
  freqaug demo    [--in DIR] [--out DIR] [--backend auto|webgpu|cpu]
  freqaug COMMAND --help     (that command's options)

${EXIT_TABLE}`;

/** The largest integer a flag takes (2^53 - 1), as the messages write it. */
const MAX_INT = Number.MAX_SAFE_INTEGER;
const MAX_INT_TEXT = "2^53-1";

function int(name: string, v: string | undefined, min: number, max = MAX_INT): number | string {
  if (v === undefined) return `--${name} needs a value`;
  const n = Number(v);
  const range = `[${min === -MAX_INT ? `-(${MAX_INT_TEXT})` : min}, ${max === MAX_INT ? MAX_INT_TEXT : max}]`;
  return Number.isSafeInteger(n) && n >= min && n <= max && /^-?\d+$/.test(v)
    ? n
    : `--${name}: got ${JSON.stringify(v)}, expected an integer in ${range}`;
}

function size(v: string | undefined): { height: number; width: number } | string {
  const m = v?.match(/^(\d+)x(\d+)$/);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[1]) > 65535 || Number(m[2]) > 65535) {
    return `--size: got ${JSON.stringify(v)}, expected HxW such as 224x224 (each side 1..65535)`;
  }
  return { height: Number(m[1]), width: Number(m[2]) };
}

/** The shard from the environment when --shard is absent (Kubernetes indexed Jobs, Slurm arrays). */
export function shardFromEnv(env: (k: string) => string | undefined): { index: number; count: number } | string | null {
  const k8s = env("JOB_COMPLETION_INDEX");
  if (k8s !== undefined) {
    const count = env("FREQAUG_SHARD_COUNT");
    if (count === undefined) return "JOB_COMPLETION_INDEX is set: set FREQAUG_SHARD_COUNT to the Job's completions too";
    return checkShard(Number(k8s), Number(count), "JOB_COMPLETION_INDEX/FREQAUG_SHARD_COUNT");
  }
  const slurm = env("SLURM_ARRAY_TASK_ID");
  if (slurm !== undefined) {
    const count = env("SLURM_ARRAY_TASK_COUNT"), min = env("SLURM_ARRAY_TASK_MIN") ?? "0";
    if (count === undefined) return "SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT";
    return checkShard(Number(slurm) - Number(min), Number(count), "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT");
  }
  return null;
}

function checkShard(index: number, count: number, from: string): { index: number; count: number } | string {
  return Number.isSafeInteger(index) && Number.isSafeInteger(count) && count >= 1 && index >= 0 && index < count
    ? { index, count }
    : `${from}: got ${index}/${count}, expected I/N with 0 <= I < N`;
}

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  augment: [
    "spec",
    "in",
    "out",
    "seed",
    "views",
    "backend",
    "batch",
    "batch-pixels",
    "shard",
    "size",
    "overwrite",
    "quiet",
    "max-pixels",
    "format",
    "bit-depth",
    "compression",
    "workers",
    "follow-symlinks",
  ],
  explain: ["spec", "size", "batch", "wgsl"],
  check: ["spec"],
  demo: ["in", "out", "backend"],
};

const BOOLEANS = new Set(["overwrite", "quiet", "wgsl", "follow-symlinks", "help"]);

/**
 * Parses the command line; a reason string when it is wrong. `--help` or
 * `-h` anywhere asks for the command's usage.
 */
export function parseArgs(
  argv: readonly string[],
  env: (k: string) => string | undefined = () => undefined,
): Command | string {
  const [command, ...rest] = argv;
  if (command === undefined) return "no command given (augment, explain, check, demo)";
  if (command === "--help" || command === "-h") return { command: "help" };
  if (command === "help") {
    const topic = rest[0];
    if (topic === undefined) return { command: "help" };
    if (topic in ALLOWED) return { command: "help", topic: topic as "augment" };
    return `help: unknown command ${JSON.stringify(topic)} (augment, explain, check, demo)`;
  }
  if (!(command in ALLOWED)) return `unknown command ${JSON.stringify(command)} (augment, explain, check, demo)`;
  const topic = command as "augment" | "explain" | "check" | "demo";
  if (rest.includes("--help") || rest.includes("-h")) return { command: "help", topic };
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) return `unexpected argument ${JSON.stringify(a)}`;
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (!ALLOWED[command].includes(name)) return `${command} takes no --${name} (freqaug ${command} --help)`;
    if (BOOLEANS.has(name)) {
      if (inline !== undefined) return `--${name} takes no value`;
      flags.set(name, true);
    } else if (inline !== undefined) flags.set(name, inline);
    else if (i + 1 < rest.length) flags.set(name, rest[++i]);
    else return `--${name} needs a value`;
  }
  const str = (k: string) => (typeof flags.get(k) === "string" ? flags.get(k) as string : undefined);
  const backendFlag = str("backend") ?? "auto";
  if (backendFlag !== "auto" && backendFlag !== "webgpu" && backendFlag !== "cpu") {
    return `--backend: got ${JSON.stringify(backendFlag)}, expected auto, webgpu or cpu`;
  }
  if (command === "demo") return { command, input: str("in"), output: str("out"), backend: backendFlag };
  const spec = str("spec");
  if (!spec) return "--spec is required";
  if (command === "check") return { command, spec };
  const batch = flags.has("batch") ? int("batch", str("batch"), 1, 65536) : (command === "explain" ? 32 : 8);
  if (typeof batch === "string") return batch;
  const sz = flags.has("size") ? size(str("size")) : undefined;
  if (typeof sz === "string") return sz;
  if (command === "explain") {
    return { command, spec, height: sz?.height ?? 224, width: sz?.width ?? 224, batch, wgsl: flags.has("wgsl") };
  }
  const input = str("in"), output = str("out");
  if (!input) return "--in is required";
  if (!output) return "--out is required";
  const seed = flags.has("seed") ? int("seed", str("seed"), -MAX_INT) : 0;
  if (typeof seed === "string") return seed;
  const views = flags.has("views") ? int("views", str("views"), 1, 1000) : 1;
  if (typeof views === "string") return views;
  const maxPixels = flags.has("max-pixels") ? int("max-pixels", str("max-pixels"), 1) : DEFAULT_MAX_PIXELS;
  if (typeof maxPixels === "string") return maxPixels;
  if (sz && sz.height * sz.width > maxPixels) {
    return `--size: ${sz.height}x${sz.width} is ${sz.height * sz.width} pixels, over --max-pixels (${maxPixels})`;
  }
  const batchPixels = flags.has("batch-pixels") ? int("batch-pixels", str("batch-pixels"), 1) : DEFAULT_BATCH_PIXELS;
  if (typeof batchPixels === "string") return batchPixels;
  const format = str("format") ?? "png";
  if (format !== "png" && format !== "npy") return `--format: got ${JSON.stringify(format)}, expected png or npy`;
  let bitDepth: 8 | 16 | undefined;
  if (flags.has("bit-depth")) {
    const d = str("bit-depth");
    if (d !== "8" && d !== "16") return `--bit-depth: got ${JSON.stringify(d)}, expected 8 or 16`;
    if (format !== "png") return "--bit-depth is for --format png (npy is float32)";
    bitDepth = d === "8" ? 8 : 16;
  }
  const compression = flags.has("compression") ? int("compression", str("compression"), 0, 9) : DEFAULT_COMPRESSION;
  if (typeof compression === "string") return compression;
  if (flags.has("compression") && format !== "png") return "--compression is for --format png (npy is not compressed)";
  const workers = flags.has("workers") ? int("workers", str("workers"), 0, MAX_WORKERS) : undefined;
  if (typeof workers === "string") return workers;
  let shard: { index: number; count: number } = { index: 0, count: 1 };
  if (flags.has("shard")) {
    const m = str("shard")?.match(/^(\d+)\/(\d+)$/);
    const s = m
      ? checkShard(Number(m[1]), Number(m[2]), "--shard")
      : `--shard: got ${JSON.stringify(str("shard"))}, expected I/N`;
    if (typeof s === "string") return s;
    shard = s;
  } else {
    const s = shardFromEnv(env);
    if (typeof s === "string") return s;
    if (s) shard = s;
  }
  return {
    command: "augment",
    args: {
      spec,
      input,
      output,
      seed,
      views,
      backend: backendFlag,
      batch,
      batchPixels,
      shard,
      size: sz,
      overwrite: flags.has("overwrite"),
      quiet: flags.has("quiet"),
      maxPixels,
      format,
      bitDepth,
      compression,
      workers,
      followSymlinks: flags.has("follow-symlinks"),
    },
  };
}
