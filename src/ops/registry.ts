/**
 * The op registry: every op, listed once. The codec, the sampler, the replay
 * check, the CPU backend, the WebGPU planner and `./testing` iterate it. To
 * add an op, write its module (src/ops/<op>/mod.ts, with its WGSL snippet)
 * and add one line below.
 *
 * @module
 */

import * as t from "io-ts";
import type { AnyOpModule } from "./module.ts";
import { inherited, own } from "./codec_kit.ts";
import { late } from "./late.ts";
import { gmmModule } from "./gmm/mod.ts";
import { amplitudeRescaleModule } from "./amplitude_rescale/mod.ts";
import { phaseShiftModule } from "./phase_shift/mod.ts";
import { randomFrequencyMaskModule } from "./random_frequency_mask/mod.ts";
import { normalizeModule } from "./normalize/mod.ts";
import { clampModule } from "./clamp/mod.ts";
import { randomResizedCropModule } from "./random_resized_crop/mod.ts";
import { horizontalFlipModule } from "./horizontal_flip/mod.ts";
import { verticalFlipModule } from "./vertical_flip/mod.ts";
import { colorJitterModule } from "./color_jitter/mod.ts";
import { grayscaleModule } from "./grayscale/mod.ts";
import { gaussianBlurModule } from "./gaussian_blur/mod.ts";
import { solarizeModule } from "./solarize/mod.ts";
import { randomApplyModule } from "./random_apply/mod.ts";
import { oneOfModule } from "./one_of/mod.ts";

/** Every op module, in the order the docs list them. */
export const OPS = [
  gmmModule,
  amplitudeRescaleModule,
  phaseShiftModule,
  randomFrequencyMaskModule,
  normalizeModule,
  clampModule,
  randomResizedCropModule,
  horizontalFlipModule,
  verticalFlipModule,
  colorJitterModule,
  grayscaleModule,
  gaussianBlurModule,
  solarizeModule,
  randomApplyModule,
  oneOfModule,
] as const;

type Registered = typeof OPS[number];
type OpOf<M> = M extends { readonly codec: { readonly _A: infer O } } ? O : never;
type ParamsOf<M> = M extends { sample(op: never, d: never): infer P } ? P : never;

/** Any op. */
export type Op = OpOf<Registered>;
/** The tag of an op. */
export type OpName = Op["op"];
/** Parameters of one op for one sample. */
export type OpParams = ParamsOf<Registered>;

const BY_NAME: ReadonlyMap<string, AnyOpModule> = new Map(OPS.map((m) => [m.name, m as AnyOpModule]));

/** The names of all ops. */
export const OP_NAMES: readonly OpName[] = OPS.map((m) => m.name);

/** The module of an op name (undefined for an unknown name). */
export function moduleNamed(name: string): AnyOpModule | undefined {
  return BY_NAME.get(name);
}

/** The module of a (validated) op. */
export function moduleOf(op: { readonly op: string }): AnyOpModule {
  const m = BY_NAME.get(op.op);
  if (!m) throw new TypeError(`unknown op ${JSON.stringify(op.op)}`);
  return m;
}

/** The first op of a pipeline that has no WebGPU plan, as `[index, name]`, or null. */
export function cpuOnlyOp(ops: readonly { readonly op: string }[]): [number, string] | null {
  const i = ops.findIndex((op) => moduleOf(op).gpu === undefined);
  return i < 0 ? null : [i, ops[i].op];
}

/** Whether an op acts on the spectrum. */
export function isFrequency(op: { readonly op: string }): boolean {
  return moduleOf(op).stage === "frequency";
}

function codecNamed(name: unknown): t.Type<Op, Op, unknown> | undefined {
  return typeof name === "string" ? moduleNamed(name)?.codec : undefined;
}

/** Codec of any op, dispatching on its `op` field. */
export const OpCodec: t.Type<Op, Op, unknown> = new t.Type<Op, Op, unknown>(
  "Op",
  (u): u is Op => typeof u === "object" && u !== null && (codecNamed((u as Op).op)?.is(u) ?? false),
  (u, c) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) {
      return t.failure(u, c, "an op object");
    }
    if (!Object.hasOwn(u, "op") && "op" in u) return t.failures(inherited(u, c));
    const name = own(u, "op");
    const codec = codecNamed(name);
    if (!codec) {
      return t.failure(name, t.appendContext(c, "op", t.unknown, name), `one of ${OP_NAMES.join(", ")}`);
    }
    return codec.validate(u, c);
  },
  (op) => moduleOf(op).codec.encode(op),
);

// The combinators' children are ops of this registry: bound once it exists.
late.opCodec = OpCodec as t.Type<unknown, unknown, unknown>;
late.moduleNamed = moduleNamed;
