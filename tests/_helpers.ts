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
