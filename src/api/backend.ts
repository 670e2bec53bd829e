/**
 * Which backend runs: `cpu`, `webgpu`, or `auto` — WebGPU when
 * `navigator.gpu` yields a hardware adapter, else the CPU backend. A software
 * adapter (Mesa's llvmpipe, `isFallbackAdapter`) runs on the same CPU cores as
 * the CPU backend and was measured slower than it (see the README), so `auto`
 * chooses the CPU backend there. `auto` says once what it chose, on stderr,
 * unless told to be quiet.
 *
 * @module
 */

import { cpuOnlyOp } from "../ops/registry.ts";
import * as E from "fp-ts/lib/Either.js";
import { fail, type FreqaugError } from "../errors/error.ts";
import { deviceContext, type GpuContext, gpuContext } from "../webgpu/device.ts";

/** Which backend runs the pipeline. */
export type BackendName = "cpu" | "webgpu" | "auto";

/** A backend, resolved. */
export type Resolved = { readonly kind: "cpu"; readonly why: string } | {
  readonly kind: "webgpu";
  readonly ctx: GpuContext;
  readonly why: string;
};

let told = false;

/** Checks a backend option; nothing means `auto`. */
export function validateBackend(name: unknown): E.Either<FreqaugError, BackendName> {
  if (name === undefined) return E.right("auto");
  return name === "cpu" || name === "webgpu" || name === "auto"
    ? E.right(name)
    : fail("backend", "backend", name, `"auto", "webgpu" or "cpu"`);
}

/**
 * Resolves a backend name to a backend; `webgpu` without an adapter, or for a
 * pipeline with an op that has no WebGPU plan, is an error (`auto` chooses the
 * CPU backend then).
 */
export async function resolveBackend(
  name: BackendName,
  quiet = false,
  ops: readonly { readonly op: string }[] = [],
): Promise<E.Either<FreqaugError, Resolved>> {
  if (name === "cpu") return E.right({ kind: "cpu", why: "asked for" });
  const cpuOnly = cpuOnlyOp(ops);
  if (cpuOnly && name === "webgpu") {
    return fail(
      "backend",
      `ops[${cpuOnly[0]}]`,
      cpuOnly[1],
      `an op with a WebGPU plan (${cpuOnly[1]} runs on the CPU backend only); use "cpu" or "auto"`,
    );
  }
  if (cpuOnly) return E.right(announce({ kind: "cpu", why: `${cpuOnly[1]} has no WebGPU plan yet` }, quiet));
  const ctx = await gpuContext();
  if (name === "webgpu") {
    if (!ctx) {
      return fail(
        "backend",
        "backend",
        "webgpu",
        `a WebGPU adapter (navigator.gpu ${
          "gpu" in (globalThis.navigator ?? {}) ? "found none" : "is missing in this runtime"
        }); use "cpu" or "auto"`,
      );
    }
    return E.right({ kind: "webgpu", ctx, why: "asked for" });
  }
  let chosen: Resolved;
  if (!ctx) chosen = { kind: "cpu", why: "no WebGPU adapter" };
  else if (ctx.adapter.fallback) {
    chosen = {
      kind: "cpu",
      why: `the WebGPU adapter (${ctx.adapter.description}) is a software fallback, slower than the CPU backend`,
    };
  } else chosen = { kind: "webgpu", ctx, why: ctx.adapter.description };
  return E.right(announce(chosen, quiet));
}

/** Checks a `device` option: nothing, or a GPUDevice. */
export function validateDevice(device: unknown): E.Either<FreqaugError, GPUDevice | undefined> {
  if (device === undefined) return E.right(undefined);
  const d = device as { createBuffer?: unknown; queue?: unknown; limits?: unknown } | null;
  const like = typeof d === "object" && d !== null && typeof d.createBuffer === "function" &&
    typeof d.queue === "object" && typeof d.limits === "object";
  const real = typeof GPUDevice !== "function" || device instanceof GPUDevice;
  return like && real ? E.right(device as GPUDevice) : fail("input", "device", device, "a GPUDevice, or nothing");
}

/**
 * Resolves a backend name with the caller's device, when given: the device
 * runs the pipeline (backend `webgpu` or `auto`), with no adapter requested.
 */
export function resolveWithDevice(
  name: BackendName,
  device: GPUDevice | undefined,
  quiet = false,
  ops: readonly { readonly op: string }[] = [],
): Promise<E.Either<FreqaugError, Resolved>> {
  if (device === undefined) return resolveBackend(name, quiet, ops);
  if (name === "cpu") {
    return Promise.resolve(fail("backend", "backend", name, `"webgpu" or "auto" with a device (the device runs it)`));
  }
  const cpuOnly = cpuOnlyOp(ops);
  if (cpuOnly) {
    return Promise.resolve(fail(
      "backend",
      `ops[${cpuOnly[0]}]`,
      cpuOnly[1],
      `an op with a WebGPU plan (${cpuOnly[1]} runs on the CPU backend only; a device runs WebGPU)`,
    ));
  }
  const ctx = deviceContext(device);
  if (ctx.lost) return Promise.resolve(fail("backend", "device", "lost", `a device that is not lost (${ctx.lost})`));
  return Promise.resolve(E.right({ kind: "webgpu", ctx, why: "the caller's device" }));
}

/** Says once, on stderr, what `auto` chose. */
function announce(chosen: Resolved, quiet: boolean): Resolved {
  if (!told && !quiet) {
    told = true;
    console.error(`freqaug: backend "auto" runs on ${chosen.kind} (${chosen.why})`);
  }
  return chosen;
}
