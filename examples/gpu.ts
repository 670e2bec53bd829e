// The WebGPU backend in a few lines: the plan, a compiled kernel, and a
// stream of batches with several in flight.
//
//   deno run -A examples/gpu.ts            # WebGPU when there is an adapter
//   deno run -A examples/gpu.ts --cpu      # the same code on the CPU backend
import { augmentStream, compile, explain, gmm, normalize, pipe, webgpuAdapter } from "../mod.ts";

const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), normalize());
const shape = { height: 64, width: 64, channels: 3 };

// What would run on a GPU: three fused passes, whatever the number of ops.
const plan = explain(pipeline, shape, { count: 32 });
for (const p of plan.passes) {
  console.log(`${p.name}: ${p.fuses.join(" → ")}; ${p.workgroups} workgroups of ${p.workgroupSize}`);
}

const adapter = await webgpuAdapter();
const backend = Deno.args.includes("--cpu") || !adapter ? "cpu" : "webgpu";
console.log(`adapter: ${adapter ? adapter.description : "none"}; running on ${backend}`);

function batch(i: number) {
  const data = new Float32Array(32 * 3 * 64 * 64).map((_, j) => 0.5 + 0.4 * Math.sin(j * 0.01 + i));
  return { data, count: 32, ...shape };
}

// A kernel compiles once and runs any number of batches of its shape.
const kernel = await compile(pipeline, shape, { backend });
const first = await kernel.run(batch(0), { seed: 7 });
const draw = first.params[0][0];
console.log(
  `kernel: ${first.images.count} images; sample 0's first Gaussian:`,
  draw.op === "gmm" ? draw.gaussians[0] : draw,
);
kernel.dispose();

// A stream keeps batches in flight; sample indices run on across batches.
async function* batches() {
  for (let i = 0; i < 4; i++) yield batch(i);
}
let n = 0;
const t0 = performance.now();
for await (const r of augmentStream(pipeline, batches(), { seed: 7, backend, inFlight: 2 })) n += r.images.count;
console.log(`stream: ${n} images in ${(performance.now() - t0).toFixed(0)} ms`);
