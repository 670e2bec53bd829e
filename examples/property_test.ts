// Property-test a spec of your own with freqaug's arbitraries and laws.
//
//   deno run examples/property_test.ts [spec.json]
//
// Checks, on random images and seeds: the spec decodes, keeps each channel's
// mean (when its ops keep DC), is deterministic per seed, replays from its
// parameters, and gives the same bytes when a batch is split.
import fc from "fast-check";
import { decodeSpec, type Pipeline } from "../mod.ts";
import { arbBatch, arbSeed, deterministic, preservesChannelMeans, replayable, splitInvariant } from "../testing.ts";

/** The example spec: replace it with yours, or pass a spec file. */
export const MY_SPEC = {
  version: 1,
  ops: [
    { op: "gmm", k: 12, sigma: [2, 6], c: 4 },
    { op: "phaseShift", range: [0.1, 0.3], includeNegatives: true },
  ],
};

/** Runs the laws on a spec; throws with the counterexample and seed when one fails. */
export async function checkSpec(spec: unknown, options: { seed?: number; numRuns?: number } = {}): Promise<Pipeline> {
  const decoded = decodeSpec(spec);
  if (decoded._tag === "Left") throw decoded.left;
  const pipeline = decoded.right;
  const run = { seed: options.seed ?? 42, numRuns: options.numRuns ?? 25 };
  const batches = arbBatch({ channels: 3, maxSide: 24, maxCount: 4 });
  await fc.assert(fc.asyncProperty(batches, arbSeed(), (b, s) => preservesChannelMeans(pipeline, b, s)), run);
  await fc.assert(fc.asyncProperty(batches, arbSeed(), (b, s) => deterministic(pipeline, b, s)), run);
  await fc.assert(fc.asyncProperty(batches, arbSeed(), (b, s) => replayable(pipeline, b, s)), run);
  await fc.assert(
    fc.asyncProperty(batches, arbSeed(), fc.nat(4), (b, s, at) => splitInvariant(pipeline, b, s, at)),
    run,
  );
  return pipeline;
}

if (import.meta.main) {
  const path = Deno.args[0];
  const spec = path ? JSON.parse(await Deno.readTextFile(path)) : MY_SPEC;
  try {
    await checkSpec(spec);
    console.log(`all laws hold for ${path ?? "the example spec"}`);
  } catch (e) {
    const cause = (e as Error).cause as Error | undefined;
    console.error(`a law failed for ${path ?? "the example spec"}:\n${(e as Error).message}`);
    if (cause) console.error(`\n${cause.message}`);
    Deno.exit(1);
  }
}
