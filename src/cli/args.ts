/**
 * The command line's arguments, parsed into options or a reason.
 *
 * @module
 */

import type { BackendName } from "../api/backend.ts";
import { DEFAULT_MAX_PIXELS } from "../io/decode.ts";

/** Options of `augment`. */
export interface AugmentArgs {
  readonly spec: string;
  readonly input: string;
  readonly output: string;
  readonly seed: number;
  readonly views: number;
  readonly backend: BackendName;
  readonly batch: number;
  readonly shard: { readonly index: number; readonly count: number };
  readonly size?: { readonly height: number; readonly width: number };
  readonly overwrite: boolean;
  readonly quiet: boolean;
  readonly maxPixels: number;
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
  | { readonly command: "help" };

/** The usage text. */
export const USAGE = `freqaug: Fourier-domain augmentations of a folder of images

  freqaug augment --spec spec.json --in DIR --out DIR [--seed N] [--views N]
                  [--backend auto|webgpu|cpu] [--batch N] [--shard I/N] [--size HxW]
                  [--overwrite] [--quiet] [--max-pixels N]
  freqaug explain --spec spec.json [--size HxW] [--batch N] [--wgsl]
  freqaug check   --spec spec.json
  freqaug demo    [--in DIR] [--out DIR] [--backend auto|webgpu|cpu]

augment reads PNG and JPEG files under --in (recursively) and writes one PNG per
view under --out at the same relative path (name.png, or name.vK.png with
--views > 1), and params.jsonl with every output's parameters. An image's
parameters depend only on --seed (default 0) and its relative path, so shards
(--shard I/N, or JOB_COMPLETION_INDEX with FREQAUG_SHARD_COUNT, or Slurm's
SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT) together give what one run gives.
Existing outputs are skipped unless --overwrite. Defaults: --views 1, --batch 8,
--backend auto, --max-pixels ${DEFAULT_MAX_PIXELS}.`;

function int(name: string, v: string | undefined, min: number): number | string {
  if (v === undefined) return `--${name} needs a value`;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= min && /^-?\d+$/.test(v)
    ? n
    : `--${name}: got ${JSON.stringify(v)}, expected an integer >= ${min}`;
}

function size(v: string | undefined): { height: number; width: number } | string {
  const m = v?.match(/^(\d+)x(\d+)$/);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    return `--size: got ${JSON.stringify(v)}, expected HxW such as 224x224`;
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

/** Parses the command line; a reason string when it is wrong. */
export function parseArgs(
  argv: readonly string[],
  env: (k: string) => string | undefined = () => undefined,
): Command | string {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    return { command: "help" };
  }
  const flags = new Map<string, string | true>();
  const booleans = new Set(["overwrite", "quiet", "wgsl"]);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) return `unexpected argument ${JSON.stringify(a)}`;
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (booleans.has(name)) flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (i + 1 < rest.length) flags.set(name, rest[++i]);
    else return `--${name} needs a value`;
  }
  const str = (k: string) => (typeof flags.get(k) === "string" ? flags.get(k) as string : undefined);
  const allowed: Record<string, string[]> = {
    augment: [
      "spec",
      "in",
      "out",
      "seed",
      "views",
      "backend",
      "batch",
      "shard",
      "size",
      "overwrite",
      "quiet",
      "max-pixels",
    ],
    explain: ["spec", "size", "batch", "wgsl"],
    check: ["spec"],
    demo: ["in", "out", "backend"],
  };
  if (!(command in allowed)) return `unknown command ${JSON.stringify(command)} (augment, explain, check, demo)`;
  for (const k of flags.keys()) if (!allowed[command].includes(k)) return `${command} takes no --${k}`;
  const backendFlag = str("backend") ?? "auto";
  if (backendFlag !== "auto" && backendFlag !== "webgpu" && backendFlag !== "cpu") {
    return `--backend: got ${JSON.stringify(backendFlag)}, expected auto, webgpu or cpu`;
  }
  if (command === "demo") return { command, input: str("in"), output: str("out"), backend: backendFlag };
  const spec = str("spec");
  if (!spec) return "--spec is required";
  if (command === "check") return { command, spec };
  const batch = flags.has("batch") ? int("batch", str("batch"), 1) : (command === "explain" ? 32 : 8);
  if (typeof batch === "string") return batch;
  const sz = flags.has("size") ? size(str("size")) : undefined;
  if (typeof sz === "string") return sz;
  if (command === "explain") {
    return { command, spec, height: sz?.height ?? 224, width: sz?.width ?? 224, batch, wgsl: flags.has("wgsl") };
  }
  const input = str("in"), output = str("out");
  if (!input) return "--in is required";
  if (!output) return "--out is required";
  const seed = flags.has("seed") ? int("seed", str("seed"), Number.MIN_SAFE_INTEGER) : 0;
  if (typeof seed === "string") return seed;
  const views = flags.has("views") ? int("views", str("views"), 1) : 1;
  if (typeof views === "string") return views;
  const maxPixels = flags.has("max-pixels") ? int("max-pixels", str("max-pixels"), 1) : DEFAULT_MAX_PIXELS;
  if (typeof maxPixels === "string") return maxPixels;
  const backend = backendFlag;
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
      backend,
      batch,
      shard,
      size: sz,
      overwrite: flags.has("overwrite"),
      quiet: flags.has("quiet"),
      maxPixels,
    },
  };
}
