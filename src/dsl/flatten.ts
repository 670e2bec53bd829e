/**
 * randomApply and oneOf on WebGPU: the plan knows no combinators, so a
 * pipeline with them runs as its flat list of ops — every child in order,
 * each gated by its own params (a child of a group that did not run, or that
 * oneOf did not choose, has `applied: false`), with the parameters drawn on the
 * host. A child's frequency ops get their own rfft2/irfft2 pair on the CPU;
 * here an identity clamp on each side of a combinator that holds any keeps
 * them out of the neighbouring frequency stages, so both backends compute the
 * same thing.
 *
 * Children without a `p` (normalize, clamp) always run on the GPU, so a
 * combinator that holds one has no WebGPU plan (see `cpuOnlyOp` in the registry).
 *
 * @module
 */

import { moduleOf, type Op, type OpParams } from "../ops/registry.ts";
import type { SampleParams } from "../params/types.ts";
import type { Pipeline } from "./types.ts";

/** The identity clamp that separates a combinator's frequency ops from its neighbours'. */
const BARRIER = Object.freeze({ op: "clamp", min: -1e30, max: 1e30 }) as Op;
const BARRIER_PARAMS = Object.freeze({ op: "clamp", applied: true }) as OpParams;

type Path = readonly (number | "params")[];

/** A pipeline without combinators, and how to read each of its ops' params from the nested ones. */
export interface Flat {
  /** The flat pipeline. */
  readonly pipeline: Pipeline;
  /** The nested params of each sample, as the flat pipeline's. */
  params(nested: readonly SampleParams[]): SampleParams[];
}

function hasFrequency(op: Op): boolean {
  const m = moduleOf(op);
  return m.stage === "frequency" || (m.children?.(op) ?? []).some((c) => hasFrequency(c as Op));
}

/** The flat form of a pipeline, or null when it has no combinators. */
export function flatten(pipeline: Pipeline): Flat | null {
  if (!pipeline.ops.some((op) => moduleOf(op).children)) return null;
  const ops: Op[] = [];
  const paths: (Path | null)[] = [];
  const walk = (list: readonly Op[], base: Path) => {
    list.forEach((op, i) => {
      const m = moduleOf(op);
      const kids = m.children?.(op) as readonly Op[] | undefined;
      if (!kids) {
        ops.push(op);
        paths.push([...base, i]);
        return;
      }
      const fence = hasFrequency(op);
      if (fence) [ops.push(BARRIER), paths.push(null)];
      walk(kids, [...base, i, "params"]);
      if (fence) [ops.push(BARRIER), paths.push(null)];
    });
  };
  walk(pipeline.ops, []);
  const flat: Pipeline = Object.freeze({ version: 1 as const, ops: Object.freeze(ops) });
  const read = (sample: SampleParams, path: Path): OpParams => {
    let x: unknown = sample;
    for (const step of path) x = (x as Record<string | number, unknown>)[step];
    return x as OpParams;
  };
  return {
    pipeline: flat,
    params: (nested) => nested.map((sample) => paths.map((path) => (path ? read(sample, path) : BARRIER_PARAMS))),
  };
}
