/**
 * The freqaug command line: `augment` a folder of images, `explain` a spec's
 * WebGPU plan, `check` a spec, `demo`. `freqaug COMMAND --help` prints a
 * command's usage; {@link EXIT} holds the exit codes (0 all good, 1 some
 * inputs failed, 2 bad command line or spec, 3 output folder locked by
 * another run, 130 interrupted).
 *
 * ```sh
 * deno run -A jsr:@freqaug/freqaug/cli augment --spec spec.json --in photos --out augmented --views 4
 * ```
 *
 * @example
 * ```ts
 * import { main } from "@freqaug/freqaug/cli";
 * const code = await main(["check", "--spec", "spec.json"]);
 * ```
 *
 * @module
 */

export { type Console, EXIT, main } from "./src/cli/main.ts";

if (import.meta.main) {
  const { main } = await import("./src/cli/main.ts");
  const code = await main(Deno.args);
  const { releaseWorkers } = await import("./src/cpu/pool.ts");
  releaseWorkers();
  Deno.exit(code);
}
