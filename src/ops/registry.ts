/**
 * The op registry: every op, listed once. The codec, the sampler, the replay
 * check, the CPU backend, the WebGPU planner and `./testing` iterate it. To
 * add an op, write its module (src/ops/<op>/mod.ts, with its WGSL snippet),
 * import it, add it to OPS, and its two types to the unions (a compile-time
 * check refuses unions that differ from OPS).
 *
 * @module
 */

import * as t from "io-ts";
import type { AnyOpModule } from "./module.ts";
import { inherited, own } from "./codec_kit.ts";
import { late } from "./late.ts";
import { gmmModule, type GmmOp, type GmmParams } from "./gmm/mod.ts";
import {
  amplitudeRescaleModule,
  type AmplitudeRescaleOp,
  type AmplitudeRescaleParams,
} from "./amplitude_rescale/mod.ts";
import { phaseShiftModule, type PhaseShiftOp, type PhaseShiftParams } from "./phase_shift/mod.ts";
import {
  randomFrequencyMaskModule,
  type RandomFrequencyMaskOp,
  type RandomFrequencyMaskParams,
} from "./random_frequency_mask/mod.ts";
import { normalizeModule, type NormalizeOp, type NormalizeParams } from "./normalize/mod.ts";
import { clampModule, type ClampOp, type ClampParams } from "./clamp/mod.ts";
import {
  randomResizedCropModule,
  type RandomResizedCropOp,
  type RandomResizedCropParams,
} from "./random_resized_crop/mod.ts";
import { horizontalFlipModule, type HorizontalFlipOp, type HorizontalFlipParams } from "./horizontal_flip/mod.ts";
import { verticalFlipModule, type VerticalFlipOp, type VerticalFlipParams } from "./vertical_flip/mod.ts";
import { colorJitterModule, type ColorJitterOp, type ColorJitterParams } from "./color_jitter/mod.ts";
import { grayscaleModule, type GrayscaleOp, type GrayscaleParams } from "./grayscale/mod.ts";
import { gaussianBlurModule, type GaussianBlurOp, type GaussianBlurParams } from "./gaussian_blur/mod.ts";
import { solarizeModule, type SolarizeOp, type SolarizeParams } from "./solarize/mod.ts";
import { randomApplyModule, type RandomApplyOp, type RandomApplyParams } from "./random_apply/mod.ts";
import { oneOfModule, type OneOfOp, type OneOfParams } from "./one_of/mod.ts";

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

/** Any op (one per module of {@link OPS}: the check below keeps the two lists equal). */
export type Op =
  | GmmOp
  | AmplitudeRescaleOp
  | PhaseShiftOp
  | RandomFrequencyMaskOp
  | NormalizeOp
  | ClampOp
  | RandomResizedCropOp
  | HorizontalFlipOp
  | VerticalFlipOp
  | ColorJitterOp
  | GrayscaleOp
  | GaussianBlurOp
  | SolarizeOp
  | RandomApplyOp
  | OneOfOp;
/** The tag of an op. */
export type OpName = Op["op"];
/** Parameters of one op for one sample. */
export type OpParams =
  | GmmParams
  | AmplitudeRescaleParams
  | PhaseShiftParams
  | RandomFrequencyMaskParams
  | NormalizeParams
  | ClampParams
  | RandomResizedCropParams
  | HorizontalFlipParams
  | VerticalFlipParams
  | ColorJitterParams
  | GrayscaleParams
  | GaussianBlurParams
  | SolarizeParams
  | RandomApplyParams
  | OneOfParams;

// Compile-time checks that the unions above are exactly what the registered modules take and draw.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _opsListed: Same<Op, (typeof OPS)[number]["codec"]["_A"]> = true;
const _paramsListed: Same<OpParams, ReturnType<(typeof OPS)[number]["sample"]>> = true;
void _opsListed;
void _paramsListed;

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
  // A combinator runs on WebGPU as its children (see dsl/flatten.ts), if they all can and each has a p.
  const gpuOk = (op: { readonly op: string }, inside: boolean): boolean => {
    const m = moduleOf(op);
    const kids = m.children?.(op);
    if (kids) return kids.every((c) => gpuOk(c, true));
    return m.gpu !== undefined && (!inside || m.random);
  };
  const i = ops.findIndex((op) => !gpuOk(op, false));
  return i < 0 ? null : [i, ops[i].op];
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
