// PNG decoding speed: freqaug's decoder (src/io/png_decode.ts, every CRC and the
// Adler-32 checked) against fast-png's, on photo-like RGB images written by
// fast-png (zlib level 6). Prints one JSON line per size and decoder:
//   { op: "png_decode", impl, height, width, ms_per_img }
//
//   deno run --allow-read bench/png_decode.ts [--quick]
import { decode as fastPngDecode, encode as fastPngEncode } from "fast-png";
import { decodeImage } from "../io.ts";

const quick = Deno.args.includes("--quick");

function photoLike(size: number): Uint8Array {
  // Smooth gradients plus a little noise: compresses like a photograph (about 2:1), not like a flat test card.
  const data = new Uint8Array(size * size * 3);
  let seed = 12345;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const v = 128 + 100 * Math.sin((x * (c + 1)) / 37 + y / 53) + ((seed >>> 24) % 9) - 4;
        data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return fastPngEncode({ width: size, height: size, data, channels: 3, depth: 8 });
}

function timeIt(f: () => unknown, minMs: number): number {
  for (let i = 0; i < 3; i++) f(); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    f();
    n++;
  }
  return (performance.now() - t0) / n;
}

for (const size of [224, 2000]) {
  const png = photoLike(size);
  const a = decodeImage(png), b = fastPngDecode(png);
  if (a.data.length !== b.data.length || a.data.some((v, i) => v !== b.data[i])) throw new Error("decoders disagree");
  const minMs = quick ? 300 : size > 1000 ? 4000 : 2000;
  for (const [impl, f] of [["freqaug", () => decodeImage(png)], ["fast-png", () => fastPngDecode(png)]] as const) {
    const ms = timeIt(f, minMs);
    console.log(
      JSON.stringify({
        op: "png_decode",
        impl,
        height: size,
        width: size,
        bytes: png.length,
        ms_per_img: +ms.toFixed(3),
      }),
    );
  }
}
