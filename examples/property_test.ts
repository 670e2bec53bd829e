// Property-test a spec of your own with freqaug's arbitraries and laws.
//
//   deno run --allow-read examples/property_test.ts              # the example spec below
//   deno run --allow-read examples/property_test.ts spec.json    # a spec file of yours
//
// On random images and seeds it checks the laws every spec obeys — the spec
// round-trips through JSON, a seed gives the same bytes twice, sampled
// parameters replay to the same bytes, a batch split in two gives the bytes
// of the whole — and, only where it holds, that each channel's mean is kept:
// when every op is a frequency op that keeps the DC bin, a flip, or a
// combinator of those (normalize, clamp, crops, colour ops, blur and
// solarize change the means, and so does a frequency op with keepDC: false).
// Exit code 0: every law checked holds; 1: a law failed (the counterexample
// and fast-check's seed are printed); 2: the file cannot be read or the spec
// does not decode.
import fc from "fast-check";
import { decodeSpec, type Op, type Pipeline } from "../mod.ts";
import {
  arbBatch,
  arbSeed,
  deterministic,
  preservesChannelMeans,
  replayable,
  specRoundTrips,
  splitInvariant,
} from "../testing.ts";

/** The example spec: replace it with yours, or pass a spec file. */
export const MY_SPEC = {
  version: 1,
  ops: [
    { op: "gmm", k: 12, sigma: [2, 6], c: 4 },
    { op: "phaseShift", range: [0.1, 0.3], includeNegatives: true },
  ],
};

/** The laws this example knows, by the name of their checker in `@freqaug/freqaug/testing`. */
export type LawName = "specRoundTrips" | "deterministic" | "replayable" | "splitInvariant" | "preservesChannelMeans";

/** A law and, when it does not hold for the pipeline, why it is not checked. */
export interface LawChoice {
  /** The checker's name. */
  readonly law: LawName;
  /** Undefined when the law applies; otherwise the reason it does not. */
  readonly skipped?: string;
}

type AnyOp = { readonly op: string } & Readonly<Record<string, unknown>>;

/** Why `op` (at `path`) changes a channel's mean, or undefined when it keeps every mean. */
function meanChange(op: AnyOp, path: string): string | undefined {
  if (op.p === 0) return undefined; // never applies
  switch (op.op) {
    case "gmm":
    case "amplitudeRescale":
    case "phaseShift":
      return op.keepDC === false ? `${path} (${op.op}) has keepDC: false` : undefined;
    case "randomFrequencyMask": // always keeps the DC bin
    case "horizontalFlip":
    case "verticalFlip":
      return undefined;
    case "randomApply":
    case "oneOf": {
      const children = op.ops as readonly AnyOp[];
      for (let i = 0; i < children.length; i++) {
        const why = meanChange(children[i], `${path}.ops[${i}]`);
        if (why !== undefined) return why;
      }
      return undefined;
    }
    default:
      return `${path} (${op.op}) changes the channel means`;
  }
}

/**
 * The laws that hold for `pipeline`: the first four for every pipeline,
 * `preservesChannelMeans` only when every op keeps each channel's mean.
 */
export function lawsFor(pipeline: Pipeline): LawChoice[] {
  const means = pipeline.ops
    .map((op: Op, i) => meanChange(op as unknown as AnyOp, `ops[${i}]`))
    .find((why) => why !== undefined);
  return [
    { law: "specRoundTrips" },
    { law: "deterministic" },
    { law: "replayable" },
    { law: "splitInvariant" },
    { law: "preservesChannelMeans", skipped: means },
  ];
}

/** Channels of the random batches: a `normalize` with per-channel values decides, else 3. */
function channelsFor(pipeline: Pipeline): number {
  const lengths: number[] = [];
  const visit = (op: AnyOp) => {
    if (op.op === "normalize") lengths.push((op.mean as readonly number[]).length);
    if (op.op === "randomApply" || op.op === "oneOf") (op.ops as readonly AnyOp[]).forEach(visit);
  };
  pipeline.ops.forEach((op) => visit(op as unknown as AnyOp));
  return lengths.find((n) => n > 1) ?? 3;
}

/** Options of {@link checkSpec}. */
export interface CheckOptions {
  /** fast-check's seed (default 42); a failure prints it. */
  readonly seed?: number;
  /** Random cases per law (default 25). */
  readonly numRuns?: number;
  /** The laws to run, default those {@link lawsFor} says hold; naming one runs it even where it does not hold. */
  readonly laws?: readonly LawName[];
  /** Called after each law passes. */
  readonly onPass?: (law: LawName) => void;
}

/**
 * Decodes `spec` and runs its laws on random images and seeds; throws the
 * spec's `FreqaugError` when it does not decode, and fast-check's error (the
 * counterexample, the seed, the law's message as `cause`) when a law fails.
 */
export async function checkSpec(spec: unknown, options: CheckOptions = {}): Promise<Pipeline> {
  const decoded = decodeSpec(spec);
  if (decoded._tag === "Left") throw decoded.left;
  const pipeline = decoded.right;
  const run = { seed: options.seed ?? 42, numRuns: options.numRuns ?? 25 };
  const laws = options.laws ?? lawsFor(pipeline).filter((c) => c.skipped === undefined).map((c) => c.law);
  const batches = arbBatch({ channels: channelsFor(pipeline), maxSide: 24, maxCount: 4 });
  const quiet = { quiet: true };
  const holds = async <Ts extends [unknown, ...unknown[]]>(law: LawName, prop: fc.IAsyncProperty<Ts>) => {
    try {
      await fc.assert(prop, run);
    } catch (e) {
      throw new Error(`${law}: ${(e as Error).message}`, { cause: (e as Error).cause });
    }
  };
  for (const law of laws) {
    if (law === "specRoundTrips") specRoundTrips(pipeline);
    if (law === "deterministic") {
      await holds(law, fc.asyncProperty(batches, arbSeed(), (b, s) => deterministic(pipeline, b, s, quiet)));
    }
    if (law === "replayable") {
      await holds(law, fc.asyncProperty(batches, arbSeed(), (b, s) => replayable(pipeline, b, s, quiet)));
    }
    if (law === "splitInvariant") {
      await holds(
        law,
        fc.asyncProperty(batches, arbSeed(), fc.nat(4), (b, s, at) => splitInvariant(pipeline, b, s, at, quiet)),
      );
    }
    if (law === "preservesChannelMeans") {
      await holds(
        law,
        fc.asyncProperty(batches, arbSeed(), (b, s) => preservesChannelMeans(pipeline, b, s, 1e-5, quiet)),
      );
    }
    options.onPass?.(law);
  }
  return pipeline;
}

if (import.meta.main) {
  const path = Deno.args[0];
  const name = path ?? "the example spec";
  let spec: unknown = MY_SPEC;
  if (path !== undefined) {
    try {
      spec = JSON.parse(await Deno.readTextFile(path));
    } catch (e) {
      console.error(`cannot read ${path}: ${(e as Error).message}`);
      Deno.exit(2);
    }
  }
  const decoded = decodeSpec(spec);
  if (decoded._tag === "Left") {
    console.error(`${name} does not decode: ${decoded.left.message}`);
    Deno.exit(2);
  }
  const choices = lawsFor(decoded.right);
  console.log(`${name}: ${decoded.right.ops.map((op) => op.op).join(", ")}`);
  for (const c of choices) if (c.skipped) console.log(`  not checked: ${c.law}, since ${c.skipped}`);
  try {
    await checkSpec(spec, { onPass: (law) => console.log(`  holds: ${law}`) });
    console.log(`all ${choices.filter((c) => !c.skipped).length} laws checked hold for ${name}`);
  } catch (e) {
    const cause = (e as Error).cause as Error | undefined;
    console.error(`a law failed for ${name}:\n${(e as Error).message}`);
    if (cause) console.error(`\n${cause.message}`);
    Deno.exit(1);
  }
}
