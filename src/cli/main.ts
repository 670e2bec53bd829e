/**
 * The command line: `augment`, `explain` and `check`. Returns the exit code:
 * 0 when every file went through, 1 when some failed (each said on its own
 * line), 2 for a bad command line or spec, 130 when interrupted.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { explain } from "../api/kernel.ts";
import { validateChannels } from "../api/validate.ts";
import type { Pipeline } from "../dsl/types.ts";
import { decodeSpec, encodeSpec } from "../spec/spec.ts";
import { webgpuAdapter } from "../webgpu/device.ts";
import { parseArgs, USAGE } from "./args.ts";
import { augmentDir } from "./augment_dir.ts";
import { demo } from "./demo.ts";

/** Where the command line writes. */
export interface Console {
  /** A line of results (stdout). */
  out(line: string): void;
  /** A line about a problem (stderr). */
  err(line: string): void;
}

const std: Console = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Reads and decodes a spec file; a one-line reason naming the file on failure. */
export async function readSpec(path: string): Promise<Pipeline | string> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    return `${path}: cannot read the spec (${e instanceof Error ? e.message : e})`;
  }
  const decoded = decodeSpec(text);
  return E.isLeft(decoded) ? `${path}: ${decoded.left.message}` : decoded.right;
}

/**
 * Runs the command line `argv`; resolves to the exit code.
 *
 * @example
 * ```ts
 * import { main } from "@freqaug/freqaug/cli";
 * const code = await main(["check", "--spec", "spec.json"]);
 * ```
 */
export async function main(argv: readonly string[], io: Console = std): Promise<number> {
  const parsed = parseArgs(argv, (k) => {
    try {
      return Deno.env.get(k);
    } catch {
      return undefined;
    }
  });
  if (typeof parsed === "string") {
    io.err(`freqaug: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.command === "help") {
    io.out(USAGE);
    return 0;
  }
  if (parsed.command === "demo") {
    return await demo(parsed, io.out, io.err);
  }
  const pipeline = await readSpec(parsed.command === "augment" ? parsed.args.spec : parsed.spec);
  if (typeof pipeline === "string") {
    io.err(pipeline);
    return parsed.command === "check" ? 1 : 2;
  }
  if (parsed.command === "check") {
    io.out(JSON.stringify(encodeSpec(pipeline), null, 2));
    return 0;
  }
  const channels = validateChannels(pipeline, 3);
  if (E.isLeft(channels)) {
    io.err(
      `${
        parsed.command === "augment" ? parsed.args.spec : parsed.spec
      }: ${channels.left.message} (images are read as RGB)`,
    );
    return 2;
  }
  if (parsed.command === "explain") {
    let plan;
    try {
      plan = explain(pipeline, { height: parsed.height, width: parsed.width, channels: 3 }, { count: parsed.batch });
    } catch (e) {
      io.err(e instanceof Error ? e.message : String(e));
      return 2;
    }
    io.out(`${plan.dispatches} dispatch(es) for a batch of ${plan.count} of 3x${parsed.height}x${parsed.width}`);
    io.out(`rows: ${plan.fft.rows ?? "-"}; columns: ${plan.fft.columns ?? "-"}`);
    for (const p of plan.passes) {
      io.out(
        `${p.name} (stage ${p.stage}): ${p.fuses.join(" -> ")}; ${p.workgroups} workgroups of ${p.workgroupSize}, ` +
          `${p.workgroupMemory} B workgroup memory; each: ${p.perWorkgroup}` + (p.why ? `; why: ${p.why}` : ""),
      );
      if (parsed.wgsl) io.out(p.wgsl);
    }
    return 0;
  }
  const args = parsed.args;
  if (args.backend === "webgpu" && !(await webgpuAdapter())) {
    io.err("--backend webgpu: no WebGPU adapter here (use auto or cpu)");
    return 2;
  }
  const stop = { requested: false };
  const onInt = () => {
    if (!stop.requested) io.err("freqaug: stopping after the files in flight (Ctrl-C again to quit now)");
    else Deno.exit(130);
    stop.requested = true;
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onInt);
    listening = true;
  } catch { /* no signals here */ }
  try {
    const s = await augmentDir(pipeline, args, { error: (l) => io.err(l) }, stop);
    const rate = s.seconds > 0 ? (s.processed * args.views) / s.seconds : 0;
    io.out(
      `processed ${s.processed}, skipped ${s.skipped}, failed ${s.failed}` +
        ` (${s.seconds.toFixed(1)} s, ${rate.toFixed(1)} img/s, backend ${s.backend ?? "-"}, ` +
        `peak RSS ${(s.peakRss / 2 ** 20).toFixed(0)} MiB)${s.interrupted ? ", interrupted" : ""}`,
    );
    return s.interrupted ? 130 : s.failed > 0 ? 1 : 0;
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onInt);
  }
}
