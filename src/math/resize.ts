/**
 * Bilinear resizing of a box of a planar image, as torch's
 * `interpolate(mode="bilinear", align_corners=False)` computes it, with and
 * without `antialias` (PIL's triangle filter widened by the shrink factor).
 * Separable: weights per output column and per output row, computed once.
 *
 * @module
 */

/** For each output index: the first input index and its weights (normalised to sum 1). */
export interface AxisWeights {
  /** First input index (relative to the box) of output i. */
  readonly start: Int32Array;
  /** Taps of output i. */
  readonly count: Int32Array;
  /** Weights, `stride` per output. */
  readonly weights: Float64Array;
  /** Weights per output. */
  readonly stride: number;
}

/**
 * The weights that map `inSize` samples to `outSize`. With `antialias` and
 * shrinking, each output averages a triangle of half-width `inSize / outSize`
 * input samples (torch's `_upsample_bilinear2d_aa`); otherwise two taps of
 * linear interpolation at `(i + 0.5) inSize / outSize - 0.5`, clamped at 0.
 */
export function axisWeights(inSize: number, outSize: number, antialias: boolean): AxisWeights {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize), count = new Int32Array(outSize);
  if (!antialias) {
    const weights = new Float64Array(2 * outSize);
    for (let i = 0; i < outSize; i++) {
      const x = Math.max(0, scale * (i + 0.5) - 0.5);
      const i0 = Math.min(Math.floor(x), inSize - 1);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const l = x - i0;
      start[i] = i0;
      // At the last input sample both taps read it: one tap of weight 1.
      count[i] = i1 === i0 ? 1 : 2;
      weights[2 * i] = i1 === i0 ? 1 : 1 - l;
      weights[2 * i + 1] = i1 === i0 ? 0 : l;
    }
    return { start, count, weights, stride: 2 };
  }
  const support = scale >= 1 ? scale : 1;
  const stride = Math.ceil(support) * 2 + 1;
  const weights = new Float64Array(stride * outSize);
  const inv = 1 / support;
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const n = Math.max(0, Math.min(hi - lo, stride));
    let total = 0;
    for (let j = 0; j < n; j++) {
      const w = Math.max(0, 1 - Math.abs((j + lo - center + 0.5) * inv));
      weights[i * stride + j] = w;
      total += w;
    }
    if (total !== 0) { for (let j = 0; j < n; j++) weights[i * stride + j] /= total; }
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, stride };
}

/**
 * Resizes the box `{ top, left, height, width }` of each channel of `src`
 * (C planes of H×W) to `oh`×`ow` into `dst`: columns first, then rows.
 */
export function resizeBilinear(
  src: Float64Array,
  C: number,
  H: number,
  W: number,
  box: { readonly top: number; readonly left: number; readonly height: number; readonly width: number },
  dst: Float64Array,
  oh: number,
  ow: number,
  antialias: boolean,
): void {
  const wx = axisWeights(box.width, ow, antialias);
  const wy = axisWeights(box.height, oh, antialias);
  const bh = box.height;
  const tmp = new Float64Array(bh * ow);
  for (let c = 0; c < C; c++) {
    const plane = c * H * W;
    for (let y = 0; y < bh; y++) {
      const row = plane + (box.top + y) * W + box.left;
      for (let x = 0; x < ow; x++) {
        const s = wx.start[x], n = wx.count[x], b = x * wx.stride;
        let acc = 0;
        for (let j = 0; j < n; j++) acc += wx.weights[b + j] * src[row + s + j];
        tmp[y * ow + x] = acc;
      }
    }
    const out = c * oh * ow;
    for (let y = 0; y < oh; y++) {
      const s = wy.start[y], n = wy.count[y], b = y * wy.stride;
      for (let x = 0; x < ow; x++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += wy.weights[b + j] * tmp[(s + j) * ow + x];
        dst[out + y * ow + x] = acc;
      }
    }
  }
}
