// An independent float64 reference of freqaug, written from the README's
// definitions and sharing no code with src/: its own Philox (in BigInt), its
// own parameter draws from the documented counter layout, a direct DFT per
// axis (no FFT), and each op applied to the spectrum as the README defines it.
// It is slow (O(H·W·(H + W)) per transform) and meant for small images.
//
// Imports: none from src/. Types are plain objects shaped like the spec JSON.

// ---------------------------------------------------------------- Philox-4x32-10

const MASK32 = 0xffffffffn;
const M0 = 0xD2511F53n, M1 = 0xCD9E8D57n, W0 = 0x9E3779B9n, W1 = 0xBB67AE85n;

/** Philox-4x32-10 (Salmon et al., SC'11) of counter c under key k, as four u32 numbers. */
export function refPhilox(c: readonly number[], k: readonly number[]): number[] {
  let [c0, c1, c2, c3] = c.map(BigInt);
  let [k0, k1] = k.map(BigInt);
  for (let r = 0; r < 10; r++) {
    const p0 = M0 * c0, p1 = M1 * c2;
    const n0 = ((p1 >> 32n) ^ c1 ^ k0) & MASK32;
    const n1 = p1 & MASK32;
    const n2 = ((p0 >> 32n) ^ c3 ^ k1) & MASK32;
    const n3 = p0 & MASK32;
    [c0, c1, c2, c3] = [n0, n1, n2, n3];
    k0 = (k0 + W0) & MASK32;
    k1 = (k1 + W1) & MASK32;
  }
  return [c0, c1, c2, c3].map(Number);
}

/** The key words of a seed: (seed mod 2^32, floor(seed / 2^32) mod 2^32). */
export function refKey(seed: number): [number, number] {
  const s = BigInt(seed);
  return [Number(s & MASK32), Number((s >> 32n) & MASK32)];
}

/** floor(bits · n / 2^32): an integer uniform in [0, n). */
function below(bits: number, n: number): number {
  return Number((BigInt(bits) * BigInt(n)) >> 32n);
}

/** The 24 high bits of a u32 as a uniform in [0, 1). */
function unit(bits: number): number {
  return Math.floor(bits / 256) / 16777216;
}

/** Scalar draw j of op o for sample n: counter (j, o, n, 0), word 0. */
function scalar(key: [number, number], n: number, o: number, j: number): number {
  return refPhilox([j, o, n, 0], key)[0];
}

/** The per-bin field of op o for sample n: bin d uses counter (floor(d/4), o, n, 1), word d mod 4. */
export function refField(seed: number, n: number, o: number, bins: number): number[] {
  const key = refKey(seed);
  const out: number[] = [];
  for (let d = 0; d < bins; d += 4) {
    const w = refPhilox([d / 4, o, n, 1], key);
    for (let i = 0; i < 4 && d + i < bins; i++) out.push(unit(w[i]));
  }
  return out;
}

// ---------------------------------------------------------------- ops and draws

// deno-lint-ignore no-explicit-any
export type RefOp = Record<string, any> & { op: string };

export interface RefGaussian {
  u0: number;
  v0: number;
  sigmaU: number;
  sigmaV: number;
  intensity: number;
}

/** One op's draws for one sample, in the README's terms. */
export interface RefDraw {
  applied: boolean;
  gaussians?: RefGaussian[];
  theta?: number;
  /** randomFrequencyMask: a bin whose uniform m/2^24 satisfies m <= dropBelow is dropped. */
  dropBelow?: number;
  q?: number;
}

const FREQUENCY = new Set(["gmm", "amplitudeRescale", "phaseShift", "randomFrequencyMask"]);

/** Whether an op acts on the spectrum. */
export function refIsFrequency(op: RefOp): boolean {
  return FREQUENCY.has(op.op);
}

/** The draws of op `o` (index in the pipeline) for sample n of an H×W image. */
export function refDraw(op: RefOp, o: number, seed: number, n: number, H: number, W: number): RefDraw {
  if (!refIsFrequency(op)) return { applied: true };
  const key = refKey(seed);
  const u = (j: number) => unit(scalar(key, n, o, j));
  const applied = op.p >= 1 || u(0) < op.p;
  if (!applied) return { applied, gaussians: [], theta: 0, q: 0 };
  const lerp = (r: readonly number[], t: number) => r[0] + (r[1] - r[0]) * t;
  if (op.op === "gmm") {
    const V = Math.floor(W / 2) + 1;
    const gaussians: RefGaussian[] = [];
    for (let i = 0; i < op.k; i++) {
      const j = 1 + 5 * i;
      gaussians.push({
        u0: below(scalar(key, n, o, j), H),
        v0: below(scalar(key, n, o, j + 1), V),
        sigmaU: lerp(op.sigma, u(j + 2)),
        sigmaV: lerp(op.sigma, u(j + 3)),
        intensity: lerp(op.intensity, u(j + 4)),
      });
    }
    return { applied, gaussians };
  }
  if (op.op === "phaseShift") {
    const theta = lerp(op.range, u(1));
    return { applied, theta: op.includeNegatives && u(2) < 0.5 ? -theta : theta };
  }
  if (op.op === "randomFrequencyMask") {
    // q on the 2^-24 grid: the grid points inside [lo, hi], uniformly; when
    // there are none, the grid point just below lo.
    const a = Math.ceil(op.k[0] * 16777216), b = Math.floor(op.k[1] * 16777216);
    if (a > b) return { applied, q: op.k[0], dropBelow: Math.floor(op.k[0] * 16777216) };
    const t = a + below(scalar(key, n, o, 1), b - a + 1);
    return { applied, q: t / 16777216, dropBelow: t };
  }
  return { applied };
}

// ---------------------------------------------------------------- the DFTs

function cis(k: number, n: number): [number, number] {
  // e^{2πi k/n} with k reduced mod n first, for accuracy.
  const a = (2 * Math.PI * (((k % n) + n) % n)) / n;
  return [Math.cos(a), Math.sin(a)];
}

/** numpy's rfft2 of a real H×W plane, by direct sums: U×V row-major re, im (U = H, V = ⌊W/2⌋+1). */
export function refRfft2(x: ArrayLike<number>, H: number, W: number): { re: number[]; im: number[] } {
  const V = Math.floor(W / 2) + 1;
  // Along each row (last axis), keeping the first V bins.
  const rr = new Array<number>(H * V).fill(0), ri = new Array<number>(H * V).fill(0);
  for (let h = 0; h < H; h++) {
    for (let v = 0; v < V; v++) {
      let sr = 0, si = 0;
      for (let w = 0; w < W; w++) {
        const [c, s] = cis(-v * w, W);
        sr += x[h * W + w] * c;
        si += x[h * W + w] * s;
      }
      rr[h * V + v] = sr;
      ri[h * V + v] = si;
    }
  }
  // Along each column (first axis), complex.
  const re = new Array<number>(H * V).fill(0), im = new Array<number>(H * V).fill(0);
  for (let v = 0; v < V; v++) {
    for (let u = 0; u < H; u++) {
      let sr = 0, si = 0;
      for (let h = 0; h < H; h++) {
        const [c, s] = cis(-u * h, H);
        const a = rr[h * V + v], b = ri[h * V + v];
        sr += a * c - b * s;
        si += a * s + b * c;
      }
      re[u * V + v] = sr;
      im[u * V + v] = si;
    }
  }
  return { re, im };
}

/**
 * numpy's irfft2(X, s=(H, W)): the inverse complex DFT along the first axis
 * (1/H), then the real inverse along the last axis (1/W), which reads only the
 * real part of bin 0 and, for even W, of bin W/2.
 */
export function refIrfft2(re: readonly number[], im: readonly number[], H: number, W: number): number[] {
  const V = Math.floor(W / 2) + 1;
  const zr = new Array<number>(H * V).fill(0), zi = new Array<number>(H * V).fill(0);
  for (let v = 0; v < V; v++) {
    for (let h = 0; h < H; h++) {
      let sr = 0, si = 0;
      for (let u = 0; u < H; u++) {
        const [c, s] = cis(u * h, H);
        const a = re[u * V + v], b = im[u * V + v];
        sr += a * c - b * s;
        si += a * s + b * c;
      }
      zr[h * V + v] = sr / H;
      zi[h * V + v] = si / H;
    }
  }
  const out = new Array<number>(H * W).fill(0);
  const nyquist = W % 2 === 0 ? W / 2 : -1;
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      let s = zr[h * V];
      for (let v = 1; v < V; v++) {
        const a = zr[h * V + v], b = zi[h * V + v];
        if (v === nyquist) s += a * (w % 2 === 0 ? 1 : -1);
        else {
          const [c, sn] = cis(v * w, W);
          s += 2 * (a * c - b * sn);
        }
      }
      out[h * W + w] = s / W;
    }
  }
  return out;
}

// ---------------------------------------------------------------- the ops

const f32 = Math.fround;

/**
 * The GMM mask of the README:
 * M(u, v) = prod_i max(0, 1 - (a_i / c) exp(-((u-u0)^2/(2σu^2) + (v-v0)^2/(2σv^2)))),
 * M(0, 0) = 1 when keepDC. `lightly` precision: each factor in float32 (the
 * exponent's terms and sum rounded to float32, exp rounded to float32, 1 - sG in
 * float32), products in float64 — correctly rounded exp, so within a float32
 * ulp or two per factor of lightly's SLEEF-based factor.
 */
export function refGmmMask(
  gaussians: readonly RefGaussian[],
  H: number,
  W: number,
  c: number,
  keepDC: boolean,
  precision: "float64" | "lightly" = "float64",
): number[] {
  const V = Math.floor(W / 2) + 1;
  const m = new Array<number>(H * V).fill(1);
  for (let u = 0; u < H; u++) {
    for (let v = 0; v < V; v++) {
      let prod = 1;
      for (const g of gaussians) {
        let factor: number;
        if (precision === "lightly") {
          const su = f32(g.sigmaU), sv = f32(g.sigmaV);
          const tu = f32(f32((u - g.u0) ** 2) / f32(2 * f32(su * su)));
          const tv = f32(f32((v - g.v0) ** 2) / f32(2 * f32(sv * sv)));
          const G = f32(Math.exp(-f32(tu + tv)));
          factor = f32(1 - f32(f32(g.intensity / c) * G));
        } else {
          const e = (u - g.u0) ** 2 / (2 * g.sigmaU ** 2) + (v - g.v0) ** 2 / (2 * g.sigmaV ** 2);
          factor = 1 - (g.intensity / c) * Math.exp(-e);
        }
        prod *= Math.max(0, factor);
      }
      m[u * V + v] = prod;
    }
  }
  if (keepDC) m[0] = 1;
  return m;
}

/** Applies one frequency op with its draws to a half-spectrum, in place. */
function applyFrequency(
  op: RefOp,
  o: number,
  draw: RefDraw,
  re: number[],
  im: number[],
  seed: number,
  n: number,
  H: number,
  W: number,
): void {
  if (!draw.applied) return;
  const bins = re.length;
  const dc: [number, number] = [re[0], im[0]];
  if (op.op === "gmm") {
    const m = refGmmMask(draw.gaussians!, H, W, op.c, false, op.precision);
    for (let d = 0; d < bins; d++) {
      re[d] *= m[d];
      im[d] *= m[d];
    }
  } else if (op.op === "amplitudeRescale") {
    const field = refField(seed, n, o, bins);
    for (let d = 0; d < bins; d++) {
      const a = op.range[0] + (op.range[1] - op.range[0]) * field[d];
      re[d] *= a;
      im[d] *= a;
    }
  } else if (op.op === "phaseShift") {
    const c = Math.cos(draw.theta!), s = Math.sin(draw.theta!);
    for (let d = 0; d < bins; d++) {
      const a = re[d], b = im[d];
      re[d] = a * c - b * s;
      im[d] = a * s + b * c;
    }
  } else if (op.op === "randomFrequencyMask") {
    const field = refField(seed, n, o, bins);
    for (let d = 0; d < bins; d++) {
      if (field[d] * 16777216 <= draw.dropBelow!) re[d] = im[d] = 0;
    }
  }
  // randomFrequencyMask always keeps DC; the others when keepDC.
  if (op.op === "randomFrequencyMask" || op.keepDC) [re[0], im[0]] = dc;
}

/** Applies a pointwise op to one channel plane, in place. */
function applySpatial(op: RefOp, plane: number[], channel: number): void {
  if (op.op === "normalize") {
    const j = op.mean.length === 1 ? 0 : channel;
    for (let i = 0; i < plane.length; i++) plane[i] = (plane[i] - op.mean[j]) / op.std[j];
  } else if (op.op === "clamp") {
    for (let i = 0; i < plane.length; i++) plane[i] = Math.min(op.max, Math.max(op.min, plane[i]));
  }
}

/**
 * Runs a pipeline (its ops, as spec JSON with every field) on one C×H×W image
 * (float64), as sample n under `seed` — or with the given draws — by the
 * README's definitions: consecutive frequency ops share one rfft2/irfft2 pair
 * per channel; a stage none of whose ops applies is skipped.
 */
export function refRun(
  ops: readonly RefOp[],
  image: ArrayLike<number>,
  C: number,
  H: number,
  W: number,
  seed: number,
  n: number,
  draws: readonly RefDraw[] = ops.map((op, o) => refDraw(op, o, seed, n, H, W)),
): number[] {
  const planes: number[][] = [];
  for (let c = 0; c < C; c++) planes.push(Array.from({ length: H * W }, (_, i) => image[c * H * W + i]));
  let i = 0;
  while (i < ops.length) {
    if (!refIsFrequency(ops[i])) {
      planes.forEach((p, c) => applySpatial(ops[i], p, c));
      i++;
      continue;
    }
    let j = i;
    while (j < ops.length && refIsFrequency(ops[j])) j++;
    if (draws.slice(i, j).some((d) => d.applied)) {
      for (let c = 0; c < C; c++) {
        const { re, im } = refRfft2(planes[c], H, W);
        for (let o = i; o < j; o++) applyFrequency(ops[o], o, draws[o], re, im, seed, n, H, W);
        planes[c] = refIrfft2(re, im, H, W);
      }
    }
    i = j;
  }
  return planes.flat();
}
