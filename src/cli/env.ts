/**
 * Reading an environment variable without ever prompting: where `--allow-env`
 * does not grant it, the variable reads as unset.
 *
 * @module
 */

/**
 * The value of environment variable `name`, or undefined when it is unset or
 * not readable (no permission; a terminal is never prompted).
 *
 * @example
 * ```ts
 * import { envVar } from "./env.ts";
 * const shards = envVar("FREQAUG_SHARD_COUNT"); // "4", or undefined
 * ```
 */
export function envVar(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") return undefined;
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
