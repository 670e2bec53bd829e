/**
 * The command line: `augment`, `explain`, `check` and `demo`. Returns the
 * exit code of {@link EXIT}: 0 when every input went through, 1 when some
 * failed (each said on its own line), 2 for a bad command line or spec, 3
 * when another run holds the output folder, 130 when interrupted.
 *
 * @module
 */

import * as E from "fp-ts/lib/Either.js";
import { explain } from "../api/kernel.ts";
import { validateChannels } from "../api/validate.ts";
import type { Pipeline } from "../dsl/types.ts";
import { decodeSpec, encodeSpec } from "../spec/spec.ts";
import { webgpuAdapter } from "../webgpu/device.ts";
import { COMMAND_EXITS, COMMAND_USAGE, EXIT, exitTable, parseArgs, USAGE } from "./args.ts";
import { augmentDir, type Stop } from "./augment_dir.ts";
import { demo } from "./demo.ts";
import { envVar } from "./env.ts";
import { escapeLine } from "./escape.ts";
import { checkFolders } from "./folders.ts";
import { SPEC_MAX_BYTES } from "./limits.ts";
import { printAbove } from "./progress.ts";
import { normalizeLast } from "./range.ts";

export { EXIT } from "./args.ts";

/**
 * Where the command line writes.
 *
 * @example
 * ```ts
 * import { type Console, main } from "@freqaug/freqaug/cli";
 * const lines: string[] = [];
 * const io: Console = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
 * await main(["augment", "--help"], io);
 * ```
 */
export interface Console {
  /** A line of results (stdout). */
  out(line: string): void;
  /** A line about a problem (stderr). */
  err(line: string): void;
}

const std: Console = { out: (l) => console.log(l), err: (l) => console.error(l) };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads a spec file's text: a regular file of at most
 * {@link SPEC_MAX_BYTES} (1 MiB), never read further (a device or a FIFO
 * given as the spec is refused without reading); a one-line reason otherwise.
 */
export async function readSpecText(path: string): Promise<string | { reason: string }> {
  let file: Deno.FsFile | undefined;
  try {
    // stat first: opening a FIFO would block until a writer comes.
    const info = await Deno.stat(path);
    if (!info.isFile) return { reason: `${path}: not a regular file (the spec is a JSON file)` };
    file = await Deno.open(path, { read: true });
    const cap = SPEC_MAX_BYTES + 1, buf = new Uint8Array(cap);
    let n = 0;
    while (n < cap) {
      const got = await file.read(buf.subarray(n));
      if (got === null) break;
      n += got;
    }
    if (n > SPEC_MAX_BYTES) {
      return { reason: `${path}: the spec is over ${SPEC_MAX_BYTES} bytes (1 MiB); a spec is a few KiB` };
    }
    return new TextDecoder().decode(buf.subarray(0, n));
  } catch (e) {
    return { reason: `${path}: cannot read the spec (${message(e)})` };
  } finally {
    file?.close();
  }
}

/** Reads and decodes a spec file (see {@link readSpecText}); a one-line reason naming the file on failure. */
export async function readSpec(path: string): Promise<Pipeline | string> {
  const text = await readSpecText(path);
  if (typeof text !== "string") return text.reason;
  const decoded = decodeSpec(text);
  return E.isLeft(decoded) ? `${path}: ${decoded.left.message}` : decoded.right;
}

/**
 * Runs the command line `argv`; resolves to the exit code (see {@link EXIT}).
 *
 * @example
 * ```ts
 * import { main } from "@freqaug/freqaug/cli";
 * const code = await main(["check", "--spec", "spec.json"]);
 * ```
 */
export async function main(argv: readonly string[], io: Console = std): Promise<number> {
  const parsed = parseArgs(argv, envVar);
  if (typeof parsed === "string") {
    io.err(`freqaug: ${escapeLine(parsed)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.command === "help") {
    const topic = parsed.topic;
    io.out(topic ? `${COMMAND_USAGE[topic]}\n\n${exitTable(COMMAND_EXITS[topic], topic)}` : USAGE);
    return EXIT.ok;
  }
  if (parsed.command === "demo") {
    // The user's images: the same rule as augment (the demo's own pictures live inside its --out).
    const folders = parsed.input === undefined ? null : await checkFolders(parsed.input, parsed.output ?? "out/demo");
    if (folders !== null) {
      io.err(escapeLine(`freqaug: ${folders}`));
      return EXIT.usage;
    }
    return await demo(parsed, io.out, io.err);
  }
  const specPath = parsed.command === "augment" ? parsed.args.spec : parsed.spec;
  const pipeline = await readSpec(specPath);
  if (typeof pipeline === "string") {
    io.err(escapeLine(pipeline));
    return EXIT.usage;
  }
  if (parsed.command === "check") {
    io.out(JSON.stringify(encodeSpec(pipeline), null, 2));
    return EXIT.ok;
  }
  const rgb = validateChannels(pipeline, 3);
  if (parsed.command === "explain") {
    if (E.isLeft(rgb)) {
      io.err(escapeLine(`${specPath}: ${rgb.left.message} (explain plans RGB images)`));
      return EXIT.usage;
    }
    let plan;
    try {
      plan = explain(pipeline, { height: parsed.height, width: parsed.width, channels: 3 }, { count: parsed.batch });
    } catch (e) {
      io.err(escapeLine(e instanceof Error ? e.message : String(e)));
      return EXIT.usage;
    }
    io.out(`${plan.dispatches} dispatch(es) for a batch of ${plan.count} of 3x${parsed.height}x${parsed.width}`);
    io.out(`rows: ${plan.fft.rows ?? "-"}; columns: ${plan.fft.columns ?? "-"}`);
    io.out(`bytes per image: ${plan.bytes.read} read + ${plan.bytes.written} written = ${plan.bytes.total}`);
    for (const p of plan.passes) {
      io.out(
        `${p.name} (stage ${p.stage}): ${p.fuses.join(" -> ")}; ${p.workgroups} workgroups of ${p.workgroupSize}, ` +
          `${p.workgroupMemory} B workgroup memory; each: ${p.perWorkgroup}; ` +
          `per image ${p.bytes.read} B read, ${p.bytes.written} B written (${p.access})` +
          (p.why ? `; why: ${p.why}` : ""),
      );
      if (parsed.wgsl) io.out(p.wgsl);
    }
    return EXIT.ok;
  }
  const args = parsed.args;
  if (E.isLeft(rgb) && E.isLeft(validateChannels(pipeline, 1))) {
    io.err(escapeLine(`${specPath}: ${rgb.left.message} (images are read as RGB, or gray)`));
    return EXIT.usage;
  }
  const normalized = normalizeLast(pipeline);
  if (args.format === "png" && normalized !== null) {
    io.err(escapeLine(
      `${specPath}: ${normalized} (normalize) is the last op that changes values, so they leave [0, 1] ` +
        `and a PNG would clip them: write --format npy, or end the spec with clamp`,
    ));
    return EXIT.usage;
  }
  const folders = await checkFolders(args.input, args.output);
  if (folders !== null) {
    io.err(escapeLine(`freqaug: ${folders}`));
    return EXIT.usage;
  }
  if (args.backend === "webgpu" && !(await webgpuAdapter())) {
    io.err("--backend webgpu: no WebGPU adapter here (use auto or cpu)");
    return EXIT.usage;
  }
  const stop: Stop = { requested: false };
  const onInt = () => {
    if (!stop.requested) {
      printAbove(() => io.err("freqaug: stopping after the files in flight (Ctrl-C again to quit now)"));
    } else {
      stop.cleanup?.();
      Deno.exit(EXIT.interrupted);
    }
    stop.requested = true;
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onInt);
    listening = true;
  } catch { /* no signals here */ }
  try {
    let s;
    try {
      s = await augmentDir(pipeline, args, { error: (l) => printAbove(() => io.err(l)) }, stop);
    } catch (e) {
      // Not an input's problem (those are lines and counts): the folders themselves failed mid-run.
      io.err(escapeLine(`freqaug: ${e instanceof Error ? e.message : String(e)}`));
      return EXIT.failed;
    }
    if (s.unusable !== undefined) {
      io.err(escapeLine(`freqaug: ${s.unusable}`));
      return EXIT.usage;
    }
    if (s.locked !== undefined) {
      io.err(escapeLine(`freqaug: ${s.locked}`));
      return EXIT.locked;
    }
    const rate = s.seconds > 0 ? s.written / s.seconds : 0;
    io.out(
      `processed ${s.processed}, skipped ${s.skipped}, failed ${s.failed}` +
        (s.ignored ? `, ignored ${s.ignored}` : "") +
        ` (${s.written} written, ${s.seconds.toFixed(1)} s, ${rate.toFixed(1)} img/s, backend ${s.backend ?? "-"}, ` +
        `peak RSS ${(s.peakRss / 2 ** 20).toFixed(0)} MiB)${s.interrupted ? ", interrupted" : ""}`,
    );
    return s.interrupted ? EXIT.interrupted : s.failed > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onInt);
  }
}
