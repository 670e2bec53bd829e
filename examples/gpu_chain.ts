// A pipeline between two WGSL kernels of your own, on your own GPUDevice,
// with nothing read back but a handful of numbers:
//
//   1. your kernel writes a batch of RGBA test patterns into a GPUBuffer
//      (bytes, NHWC, 4 to a u32 word — one pixel per word);
//   2. freqaug augments it on the GPU, into a new float32 NCHW GPUBuffer;
//   3. your second kernel reduces each image's channels to their means;
//   4. only those means (count × 3 floats) come back, and are compared with
//      the CPU backend's result for the same bytes and seed.
//
//   deno run -A examples/gpu_chain.ts
import { augment, clamp, colorJitter, compile, gmm, pipe } from "../mod.ts";

const COUNT = 4, HEIGHT = 32, WIDTH = 32, SEED = 7;
const pipeline = pipe(colorJitter({ brightness: 0.3 }), gmm({ k: 8, sigma: [2, 4], c: 4 }), clamp());

// The test pattern, the same on the GPU and here: a hash of (image, pixel, channel) as a byte.
const HASH = `
fn hash(x0: u32) -> u32 {
  var x = x0 * 747796405u + 2891336453u;
  x = ((x >> ((x >> 28u) + 4u)) ^ x) * 277803737u;
  return (x >> 22u) ^ x;
}`;
function hash(x0: number): number {
  let x = (Math.imul(x0, 747796405) + 2891336453) >>> 0;
  x = Math.imul(((x >>> ((x >>> 28) + 4)) ^ x) >>> 0, 277803737) >>> 0;
  return ((x >>> 22) ^ x) >>> 0;
}
// A smooth gradient per channel plus a little hashed noise, so the means differ by channel and image.
function byteAt(n: number, p: number, c: number): number {
  const h = p / WIDTH | 0, w = p % WIDTH;
  if (c === 3) return 255;
  const base = (40 * c + 25 * n + 3 * h + 2 * w) % 200;
  return base + (hash((n * HEIGHT * WIDTH + p) * 4 + c) & 31);
}
const patternWgsl = `${HASH}
@group(0) @binding(0) var<storage, read_write> rgba: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x; // one pixel (one word) per thread
  if (i >= ${COUNT * HEIGHT * WIDTH}u) { return; }
  let n = i / ${HEIGHT * WIDTH}u;
  let p = i % ${HEIGHT * WIDTH}u;
  let h = p / ${WIDTH}u;
  let w = p % ${WIDTH}u;
  var word = 255u << 24u;
  for (var c = 0u; c < 3u; c++) {
    let b = (40u * c + 25u * n + 3u * h + 2u * w) % 200u + (hash(i * 4u + c) & 31u);
    word |= b << (8u * c);
  }
  rgba[i] = word;
}`;

// Per-image channel means of a float32 NCHW batch: one workgroup per (image, channel).
const meansWgsl = `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> means: array<f32>;
var<workgroup> part: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let plane = ${HEIGHT * WIDTH}u;
  var acc = 0.0;
  for (var p = lid; p < plane; p += 64u) { acc += x[wg.x * plane + p]; }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] += part[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { means[wg.x] = part[0] / f32(plane); }
}`;

function dispatch(device: GPUDevice, code: string, buffers: GPUBuffer[], groups: number): void {
  const module = device.createShaderModule({ code });
  const pipe = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const bind = device.createBindGroup({
    layout: pipe.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(groups);
  pass.end();
  device.queue.submit([enc.finish()]);
}

/** Runs the chain on a device: the means of every image's 3 channels, from the GPU and from the CPU backend. */
export async function chain(device: GPUDevice): Promise<{ gpu: Float32Array; cpu: Float64Array }> {
  const S = GPUBufferUsage.STORAGE;
  // 1. The input, written by a kernel: STORAGE for it, COPY_SRC for freqaug.
  const input = device.createBuffer({ size: COUNT * HEIGHT * WIDTH * 4, usage: S | GPUBufferUsage.COPY_SRC });
  dispatch(device, patternWgsl, [input], Math.ceil((COUNT * HEIGHT * WIDTH) / 64));

  // 2. GPU to GPU: the result is a new float32 NCHW buffer (STORAGE | COPY_SRC | COPY_DST).
  const kernel = await compile(pipeline, { height: HEIGHT, width: WIDTH, channels: 3 }, { device });
  const batch = { buffer: input, layout: "NHWC", count: COUNT, channels: 4, height: HEIGHT, width: WIDTH } as const;
  const { images } = await kernel.run(batch, { seed: SEED });

  // 3. Your own kernel on the result: per-image channel means.
  const means = device.createBuffer({ size: COUNT * 3 * 4, usage: S | GPUBufferUsage.COPY_SRC });
  dispatch(device, meansWgsl, [images.buffer, means], COUNT * 3);

  // 4. Only the means come back.
  const read = device.createBuffer({ size: means.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(means, 0, read, 0, means.size);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const gpu = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [input, images.buffer, means, read]) b.destroy();
  kernel.dispose();

  // The same bytes and seed on the CPU backend.
  const bytes = new Uint8Array(COUNT * HEIGHT * WIDTH * 4);
  for (let n = 0; n < COUNT; n++) {
    for (let p = 0; p < HEIGHT * WIDTH; p++) {
      for (let c = 0; c < 4; c++) bytes[(n * HEIGHT * WIDTH + p) * 4 + c] = byteAt(n, p, c);
    }
  }
  const bytesBatch = { data: bytes, layout: "NHWC", count: COUNT, channels: 4, height: HEIGHT, width: WIDTH } as const;
  const host = await augment(pipeline, bytesBatch, { seed: SEED, backend: "cpu" });
  const plane = HEIGHT * WIDTH;
  const cpu = new Float64Array(COUNT * 3);
  for (let i = 0; i < COUNT * 3; i++) {
    let acc = 0;
    for (let p = 0; p < plane; p++) acc += host.images.data[i * plane + p];
    cpu[i] = acc / plane;
  }
  return { gpu, cpu };
}

if (import.meta.main) {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) {
    console.log("no WebGPU adapter: nothing to chain");
  } else {
    const device = await adapter.requestDevice();
    const { gpu, cpu } = await chain(device);
    let worst = 0;
    for (let n = 0; n < COUNT; n++) {
      const g = [...gpu.subarray(n * 3, n * 3 + 3)].map((v) => v.toFixed(5)).join(", ");
      const c = [...cpu.subarray(n * 3, n * 3 + 3)].map((v) => v.toFixed(5)).join(", ");
      console.log(`image ${n}: channel means on the GPU [${g}], on the CPU [${c}]`);
    }
    for (let i = 0; i < gpu.length; i++) worst = Math.max(worst, Math.abs(gpu[i] - cpu[i]));
    console.log(`largest difference: ${worst.toExponential(2)}`);
    device.destroy();
  }
}
