// Shared test set-up: fast-check runs with a fixed seed (override with
// FC_SEED) and reports the seed of any failure.
import fc from "fast-check";

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

/** The golden vectors beside the checkout: ../shared/golden/lightly-gmm. */
export const GOLDEN_DIR = new URL(
  "../../shared/golden/lightly-gmm/",
  import.meta.url,
);

export function goldenCases(): string[] {
  return [...Deno.readDirSync(GOLDEN_DIR)].map((e) => e.name).filter((n) => n.endsWith(".json")).sort();
}

/** One golden case of lightly's GaussianMixtureMask (see ../shared/golden/README.md). */
export interface Golden {
  shape: [number, number, number];
  num_gaussians: number;
  std_range: [number, number];
  gaussians: { u0: number; v0: number; sigma_u: number; sigma_v: number }[];
  x: number[];
  mask: number[];
  y: number[];
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
  const g: Golden = JSON.parse(Deno.readTextFileSync(new URL(name, GOLDEN_DIR)));
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
