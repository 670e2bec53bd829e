// Two views of every image, as lightly's FDATransform makes them for
// self-supervised training: fdaView1() and fdaView2() on the same batch, with
// different seeds, plus the params that replay each view.
//
//   deno run examples/fda_views.ts
import { augment, type Batch, fdaView1, fdaView2 } from "../mod.ts";

/** A batch of `count` 3 × 256 × 256 images: smooth colour fields with stripes, values in [0, 1]. */
export function sampleBatch(count: number, side = 256): Batch {
  const plane = side * side;
  const data = new Float32Array(count * 3 * plane);
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) {
        const y = Math.floor(i / side), x = i % side;
        data[(n * 3 + c) * plane + i] = 0.5 + 0.3 * Math.sin((x + 17 * n) / (9 + 4 * c)) * Math.cos(y / 23) +
          (Math.floor(x / 8) % 2 ? 0.1 : -0.1);
      }
    }
  }
  return { data, count, channels: 3, height: side, width: side };
}

/** Both views of a batch: 224 × 224, normalized, with their params. */
export async function twoViews(batch: Batch, seed: number) {
  const [a, b] = await Promise.all([
    augment(fdaView1(), batch, { seed, quiet: true }),
    augment(fdaView2(), batch, { seed: seed + 1, quiet: true }),
  ]);
  return { view1: a, view2: b };
}

if (import.meta.main) {
  const { view1, view2 } = await twoViews(sampleBatch(4), 2024);
  for (const [name, v] of [["view 1", view1], ["view 2", view2]] as const) {
    const { count, channels, height, width } = v.images;
    const ran = v.params.map((p) => p.filter((e) => e.applied).map((e) => e.op).join(" "));
    console.log(`${name}: ${count} × ${channels} × ${height} × ${width} on ${v.backend}`);
    ran.forEach((ops, i) => console.log(`  image ${i}: ${ops}`));
  }
}
