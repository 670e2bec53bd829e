/**
 * freqaug: Fourier-domain image augmentations as plain values.
 *
 * A pipeline is data — `pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), normalize())` —
 * that can be saved as JSON, checked, and run on batches of images. The
 * headline op is the Gaussian mixture mask of the Fourier Domain
 * Augmentations (arXiv 2312.02205), exactly as lightly ships it when asked.
 *
 * @example
 * ```ts
 * import { augment, gmm, normalize, pipe } from "@freqaug/freqaug";
 *
 * const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), normalize());
 * const batch = { data: new Float32Array(3 * 32 * 32).fill(0.5), count: 1, channels: 3, height: 32, width: 32 };
 * const { images, params } = await augment(pipeline, batch, { seed: 1 });
 * ```
 *
 * @module
 */

export type {
  AmplitudeRescaleOp,
  ChildOp,
  ClampOp,
  ColorJitterOp,
  FrequencyOp,
  GaussianBlurOp,
  GmmOp,
  GmmPrecision,
  GrayscaleOp,
  HorizontalFlipOp,
  NormalizeOp,
  OneOfOp,
  Op,
  OpName,
  PhaseShiftOp,
  Pipeline,
  RandomApplyOp,
  RandomFrequencyMaskOp,
  RandomResizedCropOp,
  Range,
  SolarizeOp,
  SpatialOp,
  VerticalFlipOp,
} from "./src/dsl/types.ts";
export {
  amplitudeRescale,
  type AmplitudeRescaleOptions,
  clamp,
  type ClampOptions,
  colorJitter,
  type ColorJitterOptions,
  gaussianBlur,
  type GaussianBlurOptions,
  gmm,
  type GmmOptions,
  grayscale,
  type GrayscaleOptions,
  horizontalFlip,
  type HorizontalFlipOptions,
  normalize,
  type NormalizeOptions,
  oneOf,
  type OneOfOptions,
  phaseShift,
  type PhaseShiftOptions,
  pipe,
  pipeEither,
  randomApply,
  type RandomApplyOptions,
  randomFrequencyMask,
  type RandomFrequencyMaskOptions,
  randomResizedCrop,
  type RandomResizedCropOptions,
  type RangeLike,
  solarize,
  type SolarizeOptions,
  verticalFlip,
  type VerticalFlipOptions,
} from "./src/dsl/ops.ts";
export { fdaView1, fdaView2, type FdaViewOptions } from "./src/presets/fda.ts";
export { opCatalog, type OpInfo } from "./src/ops/catalog.ts";
export type {
  BooleanControl,
  ChoiceControl,
  Control,
  FieldInfo,
  NumberControl,
  NumbersControl,
  OpsControl,
  RangeControl,
  Scale,
  SizeControl,
} from "./src/ops/codec_kit.ts";
export { decodeSpec, encodeSpec, type SpecJson } from "./src/spec/spec.ts";
export { type ErrorCode, FreqaugError, type Issue } from "./src/errors/error.ts";
export type {
  AmplitudeRescaleParams,
  ClampParams,
  ColorJitterParams,
  FieldKey,
  GaussianBlurParams,
  GaussianDraw,
  GmmParams,
  GrayscaleParams,
  HorizontalFlipParams,
  NormalizeParams,
  OneOfParams,
  OpParams,
  PhaseShiftParams,
  RandomApplyParams,
  RandomFrequencyMaskParams,
  RandomResizedCropParams,
  SampleParams,
  SolarizeParams,
  VerticalFlipParams,
} from "./src/params/types.ts";
export {
  augment,
  type AugmentOptions,
  type AugmentRunOptions,
  augmentStream,
  augmentTask,
  sample,
  sampleEither,
  type SampleRequest,
  type StreamOptions,
} from "./src/api/augment.ts";
export type { BackendName } from "./src/api/backend.ts";
export {
  type AugmentResult,
  compile,
  type CompileOptions,
  compileTask,
  explain,
  type ExplainedBytes,
  type ExplainedPass,
  type ExplainedTraffic,
  type ExplainIo,
  type ExplainOptions,
  type Explanation,
  type Kernel,
  type KernelRunOptions,
  type KernelShape,
  type RunOptions,
} from "./src/api/kernel.ts";
export type { PlanLimits, ScratchKind } from "./src/webgpu/plan.ts";
export { type AdapterSummary, webgpuAdapter } from "./src/webgpu/device.ts";
export type {
  AnyBatch,
  Augmented,
  Batch,
  ByteArray,
  ByteBatch,
  ByteImages,
  GpuBatch,
  GpuLayout,
  GpuRunOptions,
  HalfBatch,
  HostBatch,
  ImagesFor,
  OutputOption,
  OutputType,
  ResultFor,
} from "./src/api/images.ts";
export type { RealArray } from "./src/math/rfft2.ts";
export { gmmMask } from "./src/math/gmm.ts";
export { releaseWorkers } from "./src/cpu/pool.ts";
export {
  type CpuWorkerStatus,
  cpuWorkerStatus,
  setCpuWorkerModule,
  setCpuWorkerModuleEither,
} from "./src/cpu/status.ts";
export type { Either, Left, Right, TaskEither } from "./src/errors/either.ts";
