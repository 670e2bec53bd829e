// Runs one pipeline on a fixed input and prints a digest of the output and
// the parameters. The smoke test runs it under Deno and under Bun and
// compares: the same bytes on both runtimes.
import { augment, clamp, gmm, phaseShift, pipe, randomFrequencyMask, releaseWorkers } from "../../mod.ts";

async function digest(bytes: Uint8Array): Promise<string> {
  const h = await crypto.subtle.digest(
    "SHA-256",
    bytes as Uint8Array<ArrayBuffer>,
  );
  return Array.from(new Uint8Array(h), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

const pipeline = pipe(
  gmm({ k: 20, sigma: [3, 9], c: 2 }),
  phaseShift({ includeNegatives: true }),
  randomFrequencyMask(),
  clamp(),
);
const out: Record<string, string> = {};
for (
  const [count, H, W, workers] of [[3, 31, 20, 0], [
    10,
    112,
    96,
    undefined,
  ]] as const
) {
  const data = new Float32Array(count * 3 * H * W);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 4294967296;
  }
  const r = await augment(pipeline, {
    data,
    count,
    channels: 3,
    height: H,
    width: W,
  }, { seed: 2024, workers });
  out[`${count}x3x${H}x${W}`] = await digest(
    new Uint8Array(r.images.data.buffer),
  );
  out[`${count}x3x${H}x${W} params`] = await digest(
    new TextEncoder().encode(JSON.stringify(r.params)),
  );
}
releaseWorkers();
// Without navigator.gpu (Bun), "auto" runs on the CPU and "webgpu" is the library's error.
if (!("gpu" in navigator)) {
  const one = { data: new Float32Array(64), count: 1, channels: 1, height: 8, width: 8 };
  const auto = await augment(pipe(gmm()), one, { seed: 1, quiet: true });
  const asked = await augment(pipe(gmm()), one, { seed: 1, backend: "webgpu" }).then(
    () => "ran",
    (e) => `${e.name}: ${e.code}: ${e.message}`,
  );
  console.error(JSON.stringify({ auto: auto.backend, webgpu: asked }));
}
console.log(JSON.stringify(out));
