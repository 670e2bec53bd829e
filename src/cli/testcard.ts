// Generated demo pictures where frequency masking is visible. The test card:
// sharp edges, gratings of several frequencies, smooth gradients and coloured regions.
import type { Batch } from "../api/validate.ts";

/** A 3-channel H×W test card with values in [0, 1]. */
export function testCard(height = 224, width = 224): Batch {
  const plane = height * width;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const fx = x / width, fy = y / height;
      let r: number, g: number, b: number;
      if (fy < 0.25) {
        // Gratings: frequency rises from left to right.
        const f = 2 + Math.floor(fx * 4) * 6;
        const v = 0.5 + 0.5 * Math.sin(2 * Math.PI * f * fx);
        r = g = b = v;
      } else if (fy < 0.5) {
        // Smooth gradients.
        r = fx;
        g = 1 - fx;
        b = fy * 2 - 0.5;
      } else if (fy < 0.75) {
        // Coloured blocks with sharp edges.
        const k = Math.floor(fx * 6);
        const palette = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.1, 0.2, 0.9], [0.95, 0.85, 0.1], [0.6, 0.1, 0.7], [
          0.1,
          0.8,
          0.8,
        ]];
        [r, g, b] = palette[k];
      } else {
        // Checkerboard and a disc.
        const check = (Math.floor(x / 8) + Math.floor(y / 8)) % 2;
        const d = Math.hypot(fx - 0.7, fy - 0.875) < 0.08 ? 1 : 0;
        r = g = b = d ? 0.95 : check ? 0.8 : 0.2;
      }
      const i = y * width + x;
      data[i] = r;
      data[plane + i] = g;
      data[2 * plane + i] = b;
    }
  }
  return { data, count: 1, channels: 3, height, width };
}

/** A zone plate: rings whose frequency rises from the centre to the corners, in gray. */
export function zonePlate(height = 224, width = 224): Batch {
  const plane = height * width, data = new Float32Array(3 * plane);
  const k = Math.PI / Math.max(height, width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - width / 2, dy = y - height / 2;
      const v = 0.5 + 0.45 * Math.cos(k * (dx * dx + dy * dy));
      data[y * width + x] = data[plane + y * width + x] = data[2 * plane + y * width + x] = v;
    }
  }
  return { data, count: 1, channels: 3, height, width };
}

/** Soft coloured discs over fine diagonal stripes. */
export function shapes(height = 224, width = 224): Batch {
  const plane = height * width, data = new Float32Array(3 * plane);
  const discs = [[0.3, 0.3, 0.2, [0.9, 0.3, 0.2]], [0.7, 0.4, 0.18, [0.2, 0.6, 0.9]], [0.45, 0.75, 0.22, [
    0.95,
    0.8,
    0.2,
  ]]] as const;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const fx = x / width, fy = y / height;
      const stripe = 0.35 + 0.15 * Math.sin((x + y) * 0.9);
      let rgb = [stripe, stripe, stripe];
      for (const [cx, cy, r, col] of discs) {
        const d = Math.hypot(fx - cx, fy - cy) / r;
        const a = d < 1 ? Math.min(1, (1 - d) * 6) : 0;
        rgb = rgb.map((v, c) => v * (1 - a) + col[c] * a);
      }
      for (let c = 0; c < 3; c++) data[c * plane + y * width + x] = rgb[c];
    }
  }
  return { data, count: 1, channels: 3, height, width };
}
