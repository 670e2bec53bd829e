/**
 * FFT planning for the WebGPU backend, VkFFT-style: each length gets the
 * cheapest transform that fits in one workgroup's memory.
 *
 * - Lengths whose prime factors are at most 13: a mixed-radix Stockham FFT
 *   (radix 4 and 2 butterflies, direct butterflies for 3, 5, 7, 11, 13).
 * - Lengths with a larger prime factor: Bluestein's algorithm over a
 *   power-of-two length M >= 2n - 1, when M complex values fit.
 * - Otherwise a direct O(n^2) DFT.
 *
 * @module
 */

/** Largest prime handled by a butterfly (`stp` in shaders/fft.wgsl); larger primes go to Bluestein. */
export const MAX_GPU_RADIX = 13;

/** How one FFT length runs on the GPU. */
export interface GpuFftPlan {
  /** The transform length. */
  readonly n: number;
  /** `stockham`, `bluestein` (over length `m`) or `direct`. */
  readonly kind: "stockham" | "bluestein" | "direct";
  /** The radix sequence: of n (stockham) or of m (bluestein); empty for direct. */
  readonly radices: readonly number[];
  /** Bluestein's power-of-two length; n otherwise. */
  readonly m: number;
  /** Complex values of workgroup memory per sequence. */
  readonly seqLen: number;
}

/** Radices for n when every prime factor is at most {@link MAX_GPU_RADIX}, else null. */
export function gpuRadices(n: number): number[] | null {
  const out: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    out.push(4);
    m /= 4;
  }
  if (m % 2 === 0) {
    out.push(2);
    m /= 2;
  }
  for (let f = 3; f <= MAX_GPU_RADIX; f += 2) {
    while (m % f === 0) {
      out.push(f);
      m /= f;
    }
  }
  return m === 1 ? out : null;
}

/** Plans length n for a workgroup memory of `cap` complex values; null when n cannot fit. */
export function planGpuFft(n: number, cap: number): GpuFftPlan | null {
  const radices = gpuRadices(n);
  if (radices && n <= cap) return { n, kind: "stockham", radices, m: n, seqLen: n };
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  if (m <= cap) return { n, kind: "bluestein", radices: gpuRadices(m)!, m, seqLen: m };
  if (n <= cap) return { n, kind: "direct", radices: [], m: n, seqLen: n };
  return null;
}

/** A plan in words, e.g. `Stockham, radices 4·4·2·7 (length 224)` or `Bluestein over 256 (length 97)`. */
export function describeFft(plan: GpuFftPlan): string {
  if (plan.kind === "stockham") return `Stockham, radices ${plan.radices.join("·") || "none"} (length ${plan.n})`;
  if (plan.kind === "bluestein") {
    return `Bluestein over ${plan.m}, radices ${plan.radices.join("·")} (length ${plan.n})`;
  }
  return `direct DFT (length ${plan.n})`;
}
