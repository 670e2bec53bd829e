// Quickstart: a generated test card through the default pipeline.
//
//   deno run --allow-read --allow-write examples/quickstart.ts
//
// Writes the input, the augmented views and their parameters to out/quickstart/.
import { augment, clamp, encodeSpec, gmm, pipe } from "../mod.ts";
import { encodePng, fromBatch } from "../io.ts";
import { testCard } from "../src/cli/testcard.ts";

const OUT = "out/quickstart";
const seed = 2024;
const views = 4;

const pipeline = pipe(gmm({ k: 20, sigma: [10, 15], c: 4 }), clamp());
// lightly's own mask (c = 1, DC not kept) on the same draws, for comparison.
const lightly = pipe(gmm({ k: 20, sigma: [10, 15], c: 1, keepDC: false }), clamp());
const card = testCard(224, 224);
const batch = {
  ...card,
  count: views,
  data: new Float32Array(views * card.data.length).map((_, i) => card.data[i % card.data.length]),
};

const t0 = performance.now();
const { images, params, backend } = await augment(pipeline, batch, { seed });
const ms = performance.now() - t0;

await Deno.mkdir(OUT, { recursive: true });
const written: string[] = [];
const write = async (name: string, bytes: Uint8Array) => {
  await Deno.writeFile(`${OUT}/${name}`, bytes);
  written.push(`${OUT}/${name}`);
};
// fromBatch: planar float values, clamped to [0, 1], as 8-bit images.
await write("input.png", encodePng(fromBatch(card)[0]));
const pictures = fromBatch(images);
for (let v = 0; v < views; v++) await write(`view-${v}.png`, encodePng(pictures[v]));
const asLightly = await augment(lightly, { ...card }, { params: params.slice(0, 1) });
await write("lightly-0.png", encodePng(fromBatch(asLightly.images)[0]));
await write(
  "params.json",
  new TextEncoder().encode(JSON.stringify({ seed, spec: encodeSpec(pipeline), params }, null, 2)),
);

const mean = (data: ArrayLike<number>, from: number, n: number) => {
  let s = 0;
  for (let i = from; i < from + n; i++) s += data[i];
  return s / n;
};
const plane = card.height * card.width;
console.log(`freqaug quickstart: ${views} views of a ${card.channels}x${card.height}x${card.width} test card`);
console.log(`pipeline: ${JSON.stringify(encodeSpec(pipeline))}`);
console.log(`backend: ${backend}, seed ${seed}, ${ms.toFixed(1)} ms`);
for (let v = 0; v < views; v++) {
  const g = params[v][0];
  const n = g.op === "gmm" ? g.gaussians.length : 0;
  const means = [0, 1, 2].map((c) => mean(images.data, (v * 3 + c) * plane, plane).toFixed(4));
  console.log(`view ${v}: ${n} Gaussians, channel means ${means.join(" ")}`);
}
console.log(
  `input channel means ${[0, 1, 2].map((c) => mean(card.data, c * plane, plane).toFixed(4)).join(" ")} (kept: keepDC)`,
);
console.log(`wrote:\n  ${written.join("\n  ")}`);
