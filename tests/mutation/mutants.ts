// The mutants of `deno task mutation`: realistic one-line bugs, each applied
// by replacing `find` (which must occur exactly once in `file`) with
// `replace`. `why` is what the person who wrote the bug was thinking.
//
// Where `find` spans several lines, the extra lines are context that makes it
// unique; the bug itself is still one line (or one loop rewritten).

/** One mutant. */
export interface Mutant {
  /** Unique, kebab-case: area-what. */
  readonly name: string;
  /** Path relative to the repository root. */
  readonly file: string;
  /** Exact text, occurring exactly once in `file`. */
  readonly find: string;
  /** What replaces it. */
  readonly replace: string;
  /** One sentence: the reasoning that produces this bug. */
  readonly why: string;
}

const lines = (...l: string[]) => l.join("\n");

const GMM = "src/math/gmm.ts";
const LIGHTLY = "src/math/lightly.ts";
const SAMPLE = "src/params/sample.ts";
const KEYS = "src/params/keys.ts";
const FFT = "src/math/fft.ts";
const RFFT2 = "src/math/rfft2.ts";
const MULT = "src/cpu/multiplier.ts";
const OP_GMM = "src/ops/gmm/mod.ts";
const OP_AMP = "src/ops/amplitude_rescale/mod.ts";
const OP_PHASE = "src/ops/phase_shift/mod.ts";
const OP_RFM = "src/ops/random_frequency_mask/mod.ts";
const OP_NORM = "src/ops/normalize/mod.ts";
const OP_CLAMP = "src/ops/clamp/mod.ts";
const CODEC_KIT = "src/ops/codec_kit.ts";
const OP_RRC = "src/ops/random_resized_crop/mod.ts";
const RESIZE = "src/math/resize.ts";
const OP_CJ = "src/ops/color_jitter/mod.ts";
const OP_GRAY = "src/ops/grayscale/mod.ts";
const OP_BLUR = "src/ops/gaussian_blur/mod.ts";
const OP_SOL = "src/ops/solarize/mod.ts";
const OP_VFLIP = "src/ops/vertical_flip/mod.ts";
const PRESET = "src/presets/fda.ts";
const OP_ONEOF = "src/ops/one_of/mod.ts";
const OP_RAPPLY = "src/ops/random_apply/mod.ts";
const MODULE = "src/ops/module.ts";
const CHILDREN = "src/ops/children.ts";
const KERNEL = "src/cpu/kernel.ts";
const VALIDATE = "src/api/validate.ts";

export const mutants: readonly Mutant[] = [
  // ------------------------------------------------------------ GMM math (float64)
  {
    name: "gmm-sigma-swap",
    file: GMM,
    find: "const ru = 1 / (2 * g.sigmaU * g.sigmaU), rv = 1 / (2 * g.sigmaV * g.sigmaV);",
    replace: "const ru = 1 / (2 * g.sigmaV * g.sigmaV), rv = 1 / (2 * g.sigmaU * g.sigmaU);",
    why: "Thought of σu as the horizontal (x, column) width, as in image coordinates, and paired it with v.",
  },
  {
    name: "gmm-no-clamp",
    file: GMM,
    find: "m[v] *= f > 0 ? f : 0;",
    replace: "m[v] *= f;",
    why: "G <= 1 and a <= 1 made 1 - (a/c)G look non-negative, forgetting that c < 1 is allowed.",
  },
  {
    name: "gmm-factor-distance-not-squared",
    file: "src/math/gmm.ts",
    find: "mirrored(cols, i * V, V, g.v0, (d) => s * exp(-d * d * rv));",
    replace: "mirrored(cols, i * V, V, g.v0, (d) => s * exp(-d * rv));",
    why: "With the distance d already an absolute value, squaring it again looked redundant.",
  },
  {
    name: "gmm-sigma-squared-without-2",
    file: GMM,
    find: "rv = 1 / (2 * g.sigmaV * g.sigmaV)",
    replace: "rv = 1 / (g.sigmaV * g.sigmaV)",
    why: "Wrote the Gaussian as exp(-d²/σ²), the form without the 2 that some papers use.",
  },
  {
    name: "gmm-mask-keepdc-dropped",
    file: GMM,
    find: "  if (options.keepDC) out[0] = 1;\n",
    replace: "",
    why: "Assumed the caller restores the DC bin, as the CPU multiplier does, so gmmMask did not need to.",
  },
  {
    name: "gmm-negligible-float32",
    file: GMM,
    find: "const NEGLIGIBLE = 5.551115123125783e-17;",
    replace: "const NEGLIGIBLE = 5.960464477539063e-8;",
    why: "Took float32's 2^-24 as the point below which 1 - t rounds to 1, thinking of the GPU.",
  },
  {
    name: "gmm-skip-ignores-column-scale",
    file: GMM,
    find: "if (r * peak[i] <= NEGLIGIBLE) continue;",
    replace: "if (r <= NEGLIGIBLE) continue;",
    why: "Treated the row factor alone as the Gaussian's size, forgetting the column factor carries a/c (up to 1e6).",
  },

  // ------------------------------------------------------------ precision: "lightly"
  {
    name: "lightly-ignores-c",
    file: GMM,
    find: "scales[i] = Math.fround(g.intensity / c);",
    replace: "scales[i] = Math.fround(g.intensity);",
    why: "Copied lightly's mask, which has no c, into the lightly-precision path.",
  },
  {
    name: "lightly-sigma-squared-not-rounded",
    file: LIGHTLY,
    find: "return f32(f32(d * d) / (2 * f32(s * s)));",
    replace: "return f32(f32(d * d) / (2 * s * s));",
    why: "σ was already a float32, so σ² looked exact and its rounding unnecessary.",
  },
  {
    name: "lightly-exponent-sum-not-rounded",
    file: LIGHTLY,
    find: "const g = sleefExpf(-f32(termU + termV));",
    replace: "const g = sleefExpf(-(termU + termV));",
    why: "Both terms were float32 values already, so their sum looked like it needed no rounding.",
  },
  {
    name: "lightly-limit-too-tight",
    file: GMM,
    find: "limits[i] = 25 * Math.LN2 + Math.log(scales[i]) + 1;",
    replace: "limits[i] = 24 * Math.LN2 + Math.log(scales[i]);",
    why: "float32 has a 24-bit significand, so t <= 2^-24 looked negligible and the unit of margin superfluous.",
  },
  {
    name: "lightly-rint-half-away-from-zero",
    file: LIGHTLY,
    find: "return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;",
    replace: "return x < 0 ? -Math.round(-x) : Math.round(x);",
    why: "Fixed Math.round's half-up for negatives (C's round(), half away from zero), which is not rint's half-even.",
  },

  // ------------------------------------------------------------ draws
  {
    name: "draw-v0-half-width",
    file: OP_GMM,
    find: "v0: mulhi(d.bits(j + 1), V),",
    replace: "v0: mulhi(d.bits(j + 1), d.width >> 1),",
    why: "Drew v0 in [0, W/2), forgetting that the half-spectrum has floor(W/2) + 1 columns (the Nyquist column).",
  },
  {
    name: "draw-u0-misses-last-row",
    file: OP_GMM,
    find: "u0: mulhi(d.bits(j), d.height),",
    replace: "u0: mulhi(d.bits(j), d.height - 1),",
    why: "Wanted an index in [0, H - 1] and passed H - 1, forgetting that mulhi's bound is already exclusive.",
  },
  {
    name: "draw-intensity-sqrt-bias",
    file: OP_GMM,
    find: "intensity: lerp(op.intensity, d.unit(j + 4)),",
    replace: "intensity: lerp(op.intensity, Math.sqrt(d.unit(j + 4))),",
    why: "Reused the sqrt(u) of a uniform-in-a-disc sampler, as if intensity were a radius.",
  },
  {
    name: "draw-sigmav-uses-sigmau-counter",
    file: OP_GMM,
    find: "sigmaV: lerp(op.sigma, d.unit(j + 3)),",
    replace: "sigmaV: lerp(op.sigma, d.unit(j + 2)),",
    why: "Copied σu's line for σv and forgot to move to the next draw index.",
  },
  {
    name: "draw-phase-never-negative",
    file: OP_PHASE,
    find: "const negate = op.includeNegatives && d.unit(2) < 0.5;",
    replace: "const negate = op.includeNegatives && d.unit(2) < 0;",
    why: "Thought of the sign draw as a signed uniform in [-1, 1).",
  },
  {
    name: "draw-q-grid-off-by-one",
    file: OP_RFM,
    find: "span: b - a + 1",
    replace: "span: b - a",
    why: "Took the span of the integer grid as hi - lo, forgetting that both ends are included.",
  },
  {
    name: "draw-applied-le",
    file: SAMPLE,
    find: "unit(0) < p);",
    replace: "unit(0) <= p);",
    why: "'Applies with probability p' read as u <= p, which also applies at p = 0 when u = 0.",
  },
  {
    name: "keys-field-counter-words-swapped",
    file: KEYS,
    find: "philox4x32(b, op, sample, 1, k0, k1, w);",
    replace: "philox4x32(b, sample, op, 1, k0, k1, w);",
    why:
      "Wrote the counter words in the function's parameter order (sample, op), not the documented (block, op, sample, 1).",
  },

  // ------------------------------------------------------------ FFT
  {
    name: "fft-direct-dft-sine-sign",
    file: FFT,
    find: "ci[(k - 1) * h + t - 1] = -s; // sin(2π tk/p)",
    replace: "ci[(k - 1) * h + t - 1] = s; // sin(2π tk/p)",
    why: "Forgot that twiddle() returns e^{-iθ}, whose imaginary part is already -sin θ.",
  },
  {
    name: "fft-radix8-w83-sign",
    file: FFT,
    find: "const p3r = SQRT1_2 * (o3i - o3r), p3i = -SQRT1_2 * (o3i + o3r);",
    replace: "const p3r = SQRT1_2 * (o3i - o3r), p3i = SQRT1_2 * (o3i + o3r);",
    why: "Multiplied by W8^3 = (-1 - i)/√2 and dropped the sign of its imaginary part.",
  },
  {
    name: "bluestein-chirp-mod-n",
    file: FFT,
    find: "const [c, s] = twiddle((k * k) % (2 * n), 2 * n);",
    replace: "const [c, s] = twiddle((k * k) % n, 2 * n);",
    why: "Reduced k² modulo n to keep it small, but the chirp e^{-πik²/n} has period 2n in k².",
  },
  {
    name: "irfft2-nyquist-imag-kept",
    file: RFFT2,
    find: "if (k === 0 || k === nyquist) ai = bi = 0;",
    replace: "if (k === 0) ai = bi = 0;",
    why: "Remembered that numpy ignores the DC bin's imaginary part and forgot the Nyquist bin's.",
  },
  {
    name: "irfft2-odd-width-has-nyquist",
    file: RFFT2,
    find: "const nyquist = W % 2 === 0 ? W >> 1 : -1;",
    replace: "const nyquist = W >> 1;",
    why: "Assumed every width has a Nyquist bin at floor(W/2), as even widths do.",
  },
  {
    name: "rfft2-separation-sign",
    file: RFFT2,
    find: "im[o + V + k] = 0.5 * (qr - pr);",
    replace: "im[o + V + k] = 0.5 * (pr - qr);",
    why: "Divided by i the wrong way when separating B = (Z[k] - conj Z[-k]) / 2i.",
  },
  {
    name: "rfft2-odd-height-stale-imag",
    file: RFFT2,
    find: lines("          zr[n] = src[a + n];", "          zi[n] = 0;", ""),
    replace: lines("          zr[n] = src[a + n];", ""),
    why: "Thought the imaginary scratch was still zero for the last, unpaired row of an odd height.",
  },

  // ------------------------------------------------------------ CPU multiplier
  {
    name: "mult-phase-rotated-backwards",
    file: OP_PHASE,
    find: "const [c, s] = cosSin(p.theta);",
    replace: "const [c, s] = cosSin(-p.theta);",
    why: "Thought the inverse transform conjugates, so the rotation needed -θ to come out as +θ.",
  },
  {
    name: "mult-gmm-imag-not-masked",
    file: OP_GMM,
    find: "foldGmm(t.re, cx ? t.im : null, rows, cols, p.gaussians.length, t.H, t.V, t.row);",
    replace: "foldGmm(t.re, null, rows, cols, p.gaussians.length, t.H, t.V, t.row);",
    why: "The GMM mask is real, so only the real part of the multiplier seemed to need it.",
  },
  {
    name: "mult-gmm-keepdc-real-only",
    file: MULT,
    find: "if (m.keepsDC!(op)) [re[0], im[0]] = [dcRe, dcIm];",
    replace: "if (m.keepsDC!(op)) re[0] = dcRe;",
    why: "A real mask only touches the real part, forgetting an earlier phase shift made the DC multiplier complex.",
  },
  {
    name: "mult-amplitude-imag-not-scaled",
    file: OP_AMP,
    find: "    if (t.complex) { for (let d = 0; d < n; d++) im[d] *= field[d]; }\n",
    replace: "",
    why: "Scaled the real part only, thinking of the multiplier as real as it is without a phase shift.",
  },
  {
    name: "mult-rfm-drops-dc",
    file: OP_RFM,
    find: "keepsDC: () => true, // DC is always kept",
    replace: "keepsDC: () => false,",
    why: "Counted on bin 0's uniform rarely being <= q instead of keeping DC explicitly.",
  },
  {
    name: "mult-amplitude-low-end-only",
    file: OP_AMP,
    find: "fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n, op.range[0], op.range[1]);",
    replace: "fieldUniforms(k0, k1, p.key.sample, p.key.op, field, n, op.range[0], op.range[0]);",
    why: "Copy-pasted the range's first end for both bounds.",
  },
  {
    name: "mult-phase-ignores-keepdc",
    file: OP_PHASE,
    find: "keepsDC: (op) => op.keepDC,",
    replace: "keepsDC: () => false,",
    why: "A phase shift keeps every magnitude, so the DC bin seemed safe without restoring it.",
  },

  // ------------------------------------------------------------ spatial ops
  {
    name: "normalize-channel0-mean",
    file: OP_NORM,
    find: "const m = op.mean[j], sd = op.std[j], s = c * plane;",
    replace: "const m = op.mean[0], sd = op.std[j], s = c * plane;",
    why: "Left the mean at index 0 from when normalize took one value for all channels.",
  },
  {
    name: "normalize-multiplies-by-std",
    file: OP_NORM,
    find: "data[i] = (data[i] - m) / sd;",
    replace: "data[i] = (data[i] - m) * sd;",
    why: "Mixed normalize up with its inverse (denormalize multiplies by std).",
  },
  {
    name: "clamp-idiomatic-min-max",
    file: OP_CLAMP,
    find: "data[i] = x >= lo ? (x <= hi ? x : hi) : lo;",
    replace: "data[i] = Math.min(hi, Math.max(lo, x));",
    why: "Rewrote the clamp the idiomatic way, not knowing Math.max lets NaN through.",
  },

  // ------------------------------------------------------------ spec codec
  {
    name: "codec-gmm-keepdc-default-false",
    file: OP_GMM,
    find: "  keepDC: f(bool, true, ui.boolean, \"leave the DC bin (each channel's mean) alone; false reproduces",
    replace: "  keepDC: f(bool, false, ui.boolean, \"leave the DC bin (each channel's mean) alone; false reproduces",
    why: "Matched lightly's behaviour (which does not keep DC) as the default.",
  },
  {
    name: "codec-range-order-unchecked",
    file: CODEC_KIT,
    find: "      if (u[0] > u[1]) return t.failure(u, c, shape);\n",
    replace: "",
    why: "Each end was validated, so the pair looked validated too.",
  },
  {
    name: "codec-number-array-foreach",
    file: CODEC_KIT,
    find: lines(
      "      for (let i = 0; i < u.length; i++) {",
      "        const x = u[i]; // a hole reads as undefined and is refused at its index",
      "        const r = item.validate(x, t.appendContext(c, String(i), item, x));",
      "        if (E.isLeft(r)) append(errors, r.left);",
      "        else out.push(r.right + 0);",
      "      }",
    ),
    replace: lines(
      "      u.forEach((x, i) => {",
      "        const r = item.validate(x, t.appendContext(c, String(i), item, x));",
      "        if (E.isLeft(r)) append(errors, r.left);",
      "        else out.push(r.right + 0);",
      "      });",
    ),
    why: "Tidied the index loop into forEach, not knowing forEach skips the holes of a sparse array.",
  },
  {
    name: "codec-own-property-check-dropped",
    file: CODEC_KIT,
    find: "return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;",
    replace: "return (o as Record<string, unknown>)[key];",
    why: "inherited() already reports inherited keys, so the own-property check looked redundant.",
  },
  {
    name: "codec-gain-normalize-max-std",
    file: OP_NORM,
    find: "gain: (op, b) => (b + Math.max(...op.mean.map(Math.abs))) / Math.min(...op.std),",
    replace: "gain: (op, b) => (b + Math.max(...op.mean.map(Math.abs))) / Math.max(...op.std),",
    why: "Wrote max for both reductions by symmetry, though the gain is largest for the smallest std.",
  },
  {
    name: "codec-clamp-min-le-max-dropped",
    file: OP_CLAMP,
    find:
      '}, [\n  (o) => (o.min as number) <= (o.max as number) ? null : ["max", o.max, `a number >= min (${o.min})`],\n]);',
    replace: "});",
    why: "A clamp with min > max looked harmless (it just clamps everything to one end).",
  },

  // ------------------------------------------------------------ API validation
  {
    name: "validate-finite-nan-only",
    file: VALIDATE,
    find: "if (x - x !== 0 || Math.abs(x) > maxAbs) {",
    replace: "if (x !== x || Math.abs(x) > maxAbs) {",
    why: "Used the x !== x NaN idiom and forgot ±Infinity.",
  },
  {
    name: "validate-u0-gt-height",
    file: OP_GMM,
    find: "x < c.height,",
    replace: "x <= c.height,",
    why: "An off-by-one on the row index: H looked like a valid last row.",
  },
  {
    name: "api-pipeline-is-shortcut",
    file: "src/api/kernel.ts",
    find: '  return decodeWith(SpecCodec, pipeline, "pipeline");',
    replace: '  return SpecCodec.is(pipeline) ? E.right(pipeline) : decodeWith(SpecCodec, pipeline, "pipeline");',
    why: "Skipping the decode for a pipeline that already passes the check looked like a free speed-up.",
  },
  {
    name: "codec-gain-clamp-ignored",
    file: OP_CLAMP,
    find: "return Math.max(at(-b), at(b));",
    replace: "return Math.max(b, Math.abs(op.min), Math.abs(op.max));",
    why: "Took a clamp's bound as the larger of what came in and its ends, forgetting that it caps what came in.",
  },
  // ------------------------------------------------------------ the view ops and presets
  {
    name: "rrc-top-off-by-one",
    file: OP_RRC,
    find: "mulhi(bits(3 + 4 * t), H - h + 1)",
    replace: "mulhi(bits(3 + 4 * t), H - h)",
    why: "Counted the positions a box of h rows can start at as H - h.",
  },
  {
    name: "rrc-ratio-uniform-not-log",
    file: OP_RRC,
    find: "const aspect = Math.exp(lerp(logRatio, unit(2 + 4 * t)));",
    replace: "const aspect = lerp(op.ratio, unit(2 + 4 * t));",
    why: "Drew the aspect ratio uniformly, not its logarithm as torchvision does.",
  },
  {
    name: "rrc-fallback-wrong-end",
    file: OP_RRC,
    find: "if (inRatio < op.ratio[0]) h = roundHalfEven(w / op.ratio[0]);",
    replace: "if (inRatio < op.ratio[0]) h = roundHalfEven(w / op.ratio[1]);",
    why: "Mixed up which end of the ratio range the fallback clips to.",
  },
  {
    name: "resize-no-antialias-support",
    file: RESIZE,
    find: "const support = scale >= 1 ? scale : 1;",
    replace: "const support = 1;",
    why: "Forgot that antialiasing widens the triangle by the shrink factor.",
  },
  {
    name: "resize-center-off-half",
    file: RESIZE,
    find: "const center = scale * (i + 0.5);",
    replace: "const center = scale * i;",
    why: "Mapped output pixel i to input position scale*i, the align_corners habit.",
  },
  {
    name: "cj-shuffle-biased",
    file: OP_CJ,
    find: "const j = mulhi(d.bits(4 - i), i + 1);",
    replace: "const j = mulhi(d.bits(4 - i), i);",
    why: "The naive shuffle that never leaves an element in place (Sattolo's, by accident).",
  },
  {
    name: "cj-contrast-mean-of-red",
    file: OP_CJ,
    find: "for (let i = 0; i < plane; i++) sum += wr * data[i] + wg * data[plane + i] + wb * data[2 * plane + i];",
    replace: "for (let i = 0; i < plane; i++) sum += data[i];",
    why: "Took contrast's mean over the first channel instead of the grayscale image.",
  },
  {
    name: "cj-saturation-blends-mean",
    file: OP_CJ,
    find: "const l = g * (wr * r + wg * gr + wb * b);",
    replace: "const l = g * (wr * data[0] + wg * data[plane] + wb * data[2 * plane]);",
    why: "Blended saturation toward one gray value instead of each pixel's own.",
  },
  {
    name: "cj-hue-backwards",
    file: OP_CJ,
    find: "  h += shift;",
    replace: "  h -= shift;",
    why: "Turned the hue wheel the other way: a sign convention picked from another library.",
  },
  {
    name: "gray-weights-bgr",
    file: OP_GRAY,
    find: "const l = LUMA[0] * data[i] + LUMA[1] * data[plane + i] + LUMA[2] * data[2 * plane + i];",
    replace: "const l = LUMA[2] * data[i] + LUMA[1] * data[plane + i] + LUMA[0] * data[2 * plane + i];",
    why: "Read the image as BGR, as OpenCV would.",
  },
  {
    name: "blur-radius-round",
    file: OP_BLUR,
    find: "const r = Math.ceil(3 * sigma);",
    replace: "const r = Math.round(3 * sigma);",
    why: "Rounded the radius 3 sigma instead of taking its ceiling.",
  },
  {
    name: "blur-kernel-unnormalized",
    file: OP_BLUR,
    find: "for (let i = 0; i <= 2 * r; i++) k[i] /= sum;",
    replace: "",
    why: "Trusted the sampled Gaussian to sum to 1 by itself.",
  },
  {
    name: "blur-symmetric-padding",
    file: OP_BLUR,
    find: "return m < n ? m : period - m;",
    replace: "return m < n ? m : Math.max(0, period - m + 1);",
    why: "Padded by repeating the edge pixel (numpy's symmetric), not torch's reflect.",
  },
  {
    name: "sol-strict-threshold",
    file: OP_SOL,
    find: "if (data[i] >= t) data[i] = 1 - data[i];",
    replace: "if (data[i] > t) data[i] = 1 - data[i];",
    why: "Inverted only values above the threshold, not at it.",
  },
  {
    name: "vflip-first-channel-only",
    file: OP_VFLIP,
    find: "for (let c = 0; c < img.channels; c++) {",
    replace: "for (let c = 0; c < 1; c++) {",
    why: "Flipped one plane and forgot the loop over channels.",
  },
  {
    name: "sample-input-shape-after-crop",
    file: SAMPLE,
    find: "shapes[index].height, shapes[index].width",
    replace: "height, width",
    why: "Drew every op for the input's shape, forgetting that a crop changed it.",
  },
  {
    name: "kernel-spare-not-tracked",
    file: KERNEL,
    find: "        buffers.current = img.data;\n",
    replace: "",
    why: "Assumed the image stays in the first work buffer, so a later op's spare can be the image itself.",
  },
  {
    name: "preset-amplitude-keeps-dc",
    file: PRESET,
    find: 'range: get("amplRescaleRange", [0.8, 1.75]),\n          keepDC: false,',
    replace: 'range: get("amplRescaleRange", [0.8, 1.75]),\n          keepDC: true,',
    why: "Used the op's default, not lightly's rescaled DC, in the preset.",
  },
  {
    name: "oneof-ignores-weights",
    file: OP_ONEOF,
    find: "  if (weights.length === 0) return Math.min(n - 1, Math.floor(u * n));",
    replace: "  return Math.min(n - 1, Math.floor(u * n));",
    why: "Chose uniformly and forgot the weights.",
  },
  {
    name: "rapply-children-ungated",
    file: OP_RAPPLY,
    find: "params: op.ops.map((child, j) => d.child(child, j, d.applied)),",
    replace: "params: op.ops.map((child, j) => d.child(child, j, true)),",
    why: "Let each child draw its own p whether or not the group applied.",
  },
  {
    name: "child-index-collides",
    file: MODULE,
    find: "  return (index + 1) * 64 + j;",
    replace: "  return index * 64 + j;",
    why: "Numbered the children from index * 64, so op 0's children share counters with the top-level ops.",
  },
  {
    name: "preset-kind-unchecked",
    file: PRESET,
    find: "if (value !== undefined && !kindOk(kind, value)) fail(",
    replace: "if (value !== undefined && false) fail(",
    why: "Trusted TypeScript's types to keep strings and nulls out of the preset's options.",
  },
  {
    name: "depth-checked-after-decoding",
    file: CHILDREN,
    find: "if (rawDepth(x, MAX_DEPTH) >= MAX_DEPTH) {",
    replace: "if (rawDepth(x, MAX_DEPTH) > 64) {",
    why: "Left the depth limit to the decoded ops, recursing into whatever nesting came in.",
  },
  // ./io: the PNG decoder, EXIF, batch conversion.
  {
    name: "io-png-paeth-tie",
    file: "src/io/png_decode.ts",
    find: "        d[s + i] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;",
    replace: "        d[s + i] += pa < pb && pa < pc ? a : pb <= pc ? b : c;",
    why: "Paeth's ties looked arbitrary, so strict comparisons seemed as good as the specification's order.",
  },
  {
    name: "io-png-second-ihdr-ignored",
    file: "src/io/png_decode.ts",
    find: '      case "IHDR":\n        throw fail("IHDR chunk", "appears twice (only one is allowed)");',
    replace: '      case "IHDR":\n        break;',
    why: "A repeated IHDR looked harmless once the first had been read and checked.",
  },
  {
    name: "io-exif-6-8-swapped",
    file: "src/io/exif.ts",
    find: "          sx = y, sy = h - 1 - x;",
    replace: "          sx = w - 1 - y, sy = x;",
    why: "Orientation 6 says 'rotate 90 CW' and it is easy to apply the turn to the wrong side.",
  },
  {
    name: "io-gray-weights-bgr",
    file: "src/io/batch.ts",
    find: "export const GRAY_WEIGHTS = [0.2989, 0.587, 0.114] as const;",
    replace: "export const GRAY_WEIGHTS = [0.114, 0.587, 0.2989] as const;",
    why: "OpenCV-style BGR order carried over into an RGB library.",
  },
  // Byte batches and typed outputs (CPU).
  {
    name: "io-byte-half-up",
    file: "src/cpu/io.ts",
    find: "  if (r - y === 0.5 && (r & 1) === 1) r--;\n",
    replace: "",
    why: "Math.round is the obvious rounding, and ties look too rare to matter — but WGSL's round() goes to even.",
  },
  {
    name: "io-byte-value-float64",
    file: "src/cpu/io.ts",
    find: "Float64Array.from({ length: 256 }, (_, v) => Math.fround(v / 255))",
    replace: "Float64Array.from({ length: 256 }, (_, v) => v / 255)",
    why: "The CPU computes in float64, so v / 255 in float64 seems the more exact value of a byte.",
  },
  {
    name: "cpu-alpha-never-kept",
    file: "src/cpu/kernel.ts",
    find: "    ? src as Uint8Array\n    : null;",
    replace: "    ? null\n    : null;",
    why: "A result's alpha looks like a constant to fill in, not bytes to carry through.",
  },
  // The property-test example and the README.
  {
    name: "example-normalize-keeps-means",
    file: "examples/property_test.ts",
    find: `    case "randomFrequencyMask": // always keeps the DC bin`,
    replace: `    case "normalize":\n    case "randomFrequencyMask": // always keeps the DC bin`,
    why:
      "normalize is per-channel affine, so it looks as if it could not move a channel's mean relative to the others.",
  },
  {
    name: "example-keepdc-inverted",
    file: "examples/property_test.ts",
    find: "return op.keepDC === false ?",
    replace: "return op.keepDC ?",
    why: "keepDC reads like the reason to skip the law, so the condition got written the wrong way round.",
  },
  {
    name: "example-combinator-first-child-only",
    file: "examples/property_test.ts",
    find: "if (why !== undefined) return why;",
    replace: "if (why === undefined) return why;",
    why:
      "an early return meant for 'stop at the first child that breaks the law' returns at the first one that keeps it.",
  },
  {
    name: "readme-clone-without-links",
    file: "README.md",
    find: `  },\n  "links": ["../freqaug"]\n}`,
    replace: `  }\n}`,
    why:
      "the clone's deno.json copied from the JSR one, forgetting the line that points the jsr: specifier at the clone.",
  },
  {
    name: "readme-bun-pin-drift",
    file: "README.md",
    find: "io-ts@2.2.22 fast-check",
    replace: "io-ts@2.2.21 fast-check",
    why: "the README's bun add line written from memory, one patch version off deno.json's pin.",
  },
  {
    name: "readme-first-snippet-wrong-length",
    file: "README.md",
    find: "const data = Float32Array.from({ length: 2 * 3 * 64 * 64 }, Math.random);\n",
    replace: "const data = Float32Array.from({ length: 3 * 64 * 64 }, Math.random);\n",
    why:
      "the snippet was edited from one image to two and its data left at one image's size: it type-checks, and fails when run.",
  },
  {
    name: "io-jpeg-cmyk-refused",
    file: "src/io/jpeg_decode.ts",
    find: "if (components !== 1 && components !== 3 && components !== 4) {",
    replace: "if (components !== 1 && components !== 3) {",
    why: "Photos are RGB, so a 4-component JPEG looked like a damaged file (ImageNet has CMYK JPEGs).",
  },
  // The command line: ledger, names, lock, range policy, escapes, depth, temporaries.
  {
    name: "cli-ledger-keep-lines-without-file",
    file: "src/cli/ledger.ts",
    find: "if (p && existing.has(p.path)) last.set(p.path, i);",
    replace: "if (p) last.set(p.path, i);",
    why:
      "A line is a record of what was done, so reconcile only needs to drop torn lines, not lines whose file is gone.",
  },
  {
    name: "cli-names-case-sensitive",
    file: "src/cli/files.ts",
    find: "const fold = (s: string) => s.toLowerCase();",
    replace: "const fold = (s: string) => s;",
    why: "File names are case-sensitive on Linux, so a.png and a.PNG can never collide.",
  },
  {
    name: "cli-lock-not-checked",
    file: "src/cli/lock.ts",
    find: "if (!f.tryLockSync(true)) {",
    replace: "if (!f.tryLockSync(false)) {",
    why: "Any lock on the file keeps other runs out; shared or exclusive is a detail.",
  },
  {
    name: "cli-range-normalize-not-last",
    file: "src/cli/range.ts",
    find: 'if (op.op === "normalize") return { normalize: path, certain: true };',
    replace: 'if (op.op === "normalize") return { normalize: null, certain: true };',
    why: "Normalize is a linear map, so a PNG of its output only needs the usual clipping warning.",
  },
  {
    name: "cli-escape-newline-kept",
    file: "src/cli/escape.ts",
    find: 'if (c === "\\n") return "\\\\n";',
    replace: 'if (c === "\\n") return "\\n";',
    why: "A newline in a file name is so rare that escaping it is not worth an ugly message.",
  },
  {
    name: "cli-planar-16-bit-as-8",
    file: "src/cli/codec.ts",
    find: "const n = width * height, scale = 1 / (s.bitDepth === 16 ? 65535 : 255);",
    replace: "const n = width * height, scale = 1 / 255;",
    why: "Samples are bytes, so dividing by 255 gives [0, 1].",
  },
  {
    name: "cli-temp-removes-every-shard",
    file: "src/cli/ledger.ts",
    find: "if (e.name.startsWith(`.${tag}`)) {",
    replace: "if (e.name.startsWith(`.`)) {",
    why: "Every temporary under --out is stale when a run starts.",
  },
  {
    name: "cli-rename-before-line",
    file: "src/cli/commit.ts",
    find:
      '    const appended = this.appending.then(() => writeAll(paramsFile, encoder.encode(lines.join(""))));\n    this.appending = appended.catch(() => {});\n    try {\n      await appended;\n    } catch (e) {\n      for (const { o, tmp } of ready) {\n        await Deno.remove(tmp).catch(() => {});\n        fail(o.job, `cannot write ${out}/${paramsName} (${reason(e)})`, 1);\n      }\n      return;\n    }\n    crash("appended");\n    for (const { o, tmp } of ready) {\n      try {\n        await Deno.rename(tmp, `${out}/${o.job.outs[o.view]}`);\n        crash("renamed");\n        summary.written++;\n        finish(o.job);\n      } catch (e) {\n        this.renameFailed = true;\n        await Deno.remove(tmp).catch(() => {});\n        fail(o.job, `cannot write ${out}/${o.job.outs[o.view]} (${reason(e)})`, 1);\n      }\n    }',
    replace:
      '    crash("appended");\n    for (const { o, tmp } of ready) {\n      try {\n        await Deno.rename(tmp, `${out}/${o.job.outs[o.view]}`);\n        crash("renamed");\n        summary.written++;\n        finish(o.job);\n      } catch (e) {\n        this.renameFailed = true;\n        await Deno.remove(tmp).catch(() => {});\n        fail(o.job, `cannot write ${out}/${o.job.outs[o.view]} (${reason(e)})`, 1);\n      }\n    }\n    const appended = this.appending.then(() => writeAll(paramsFile, encoder.encode(lines.join(""))));\n    this.appending = appended.catch(() => {});\n    try {\n      await appended;\n    } catch (e) {\n      for (const { o, tmp } of ready) {\n        await Deno.remove(tmp).catch(() => {});\n        fail(o.job, `cannot write ${out}/${paramsName} (${reason(e)})`, 1);\n      }\n      return;\n    }',
    why: "The line says the output exists, so write it once the output is really in place.",
  },
  {
    name: "cli-overwrite-keeps-old-file-until-rename",
    file: "src/cli/commit.ts",
    find: "      if (existing.has(path) || this.c.overwrite) {",
    replace: "      if (!this.c.overwrite && existing.has(path)) {",
    why: "With --overwrite the rename replaces the old file anyway, so removing it first is wasted work.",
  },
  // Command-line memory: decode-ahead budget, JPEG size rule, CPU scratch.
  {
    name: "cli-decode-ahead-unknown-size-twice",
    file: "src/cli/batched.ts",
    find:
      "const fits = () => (guess > 0 || window.length === 0) && pendingPixels + ahead + running() + guess <= budget;",
    replace: "const fits = () => pendingPixels + ahead + running() + guess <= budget;",
    why:
      "An input of unknown size counts as 0 pixels, so two huge inputs are decoded at once at the start (tests/cli_compression_test.ts: within --batch-pixels, workers 0).",
  },
  {
    name: "cli-decode-ahead-counts-one-view",
    file: "src/cli/batched.ts",
    find: "const job = jobs[next++], counted = guess * job.views.length;",
    replace: "const job = jobs[next++], counted = guess;",
    why:
      "An input being decoded is one image, forgetting that each of its views becomes a sample of the batch (tests/cli_compression_test.ts: within --batch-pixels with --views 3, workers 0).",
  },
  {
    name: "jpeg-min-bytes-counts-mcus",
    file: "src/io/jpeg_decode.ts",
    find: "return Math.ceil((Math.ceil(width / 8) * Math.ceil(height / 8)) / BLOCKS_PER_BYTE);",
    replace: "return Math.ceil((Math.ceil(width / 16) * Math.ceil(height / 16)) / BLOCKS_PER_BYTE);",
    why:
      "Counting 16x16 MCUs of 4:2:0 instead of 8x8 blocks makes the bound 4 times looser (tests/io_jpeg_test.ts: the 79102-byte bound).",
  },
  {
    name: "cpu-large-scratch-kept",
    file: "src/cpu/kernel.ts",
    find: "buffers.trim(large ? 0 : 4 * RETAINED_PIXELS);",
    replace: "buffers.trim(4 * RETAINED_PIXELS);",
    why:
      "Trimming by buffer length forgets that one channel of a large image is under the limit, so its work buffer stays (tests/cli_memory_test.ts: no scratch kept).",
  },
  {
    name: "cpu-by-channel-bytes-offset",
    file: "src/cpu/kernel.ts",
    find: "if (inBytes) loadBytes(src as Uint8Array, base + c, inBytes, 1, plane, data);",
    replace: "if (inBytes) loadBytes(src as Uint8Array, base, inBytes, 1, plane, data);",
    why:
      "Loading one channel of interleaved bytes from the pixel's start reads red for every channel (tests/cli_memory_test.ts: bytes or floats in give the same bits).",
  },
  {
    name: "cli-large-jpeg-on-this-thread",
    file: "src/cli/codec_pool.ts",
    find: "return (await Deno.stat(path)).size >= ONE_SHOT_JPEG_BYTES;",
    replace: "return (await Deno.stat(path)).size > ONE_SHOT_JPEG_BYTES * 1024;",
    why:
      "A threshold in KiB read as bytes keeps every photo's jpeg-js heap in the process (tests/cli_memory_test.ts: a large JPEG on a worker of its own).",
  },
  // Command-line safety: folders, header-first reads, run record, messages.
  {
    name: "cli-out-holding-in-allowed",
    file: "src/cli/folders.ts",
    find: "  if (inside(realIn, realOut)) {",
    replace: "  if (false && inside(realIn, realOut)) {",
    why: "Only --out equal to --in looked dangerous; an --out that holds --in seemed to write beside the inputs.",
  },
  {
    name: "cli-listing-excludes-only-out-itself",
    file: "src/cli/files.ts",
    find: "(real === options.exclude || real.startsWith(`${options.exclude}/`))",
    replace: "(real === options.exclude)",
    why:
      "The output folder is skipped by its real path, forgetting that a followed link may lead into a folder inside it.",
  },
  {
    name: "cli-header-read-grows-for-any-error",
    file: "src/cli/codec.ts",
    find: "      if (!/truncated/.test(why) || whole) {",
    replace: "      if (whole) {",
    why:
      "Any header error looked like a header cut off by the first 64 KiB, so the reader reads on (16 MiB) before refusing a video.",
  },
  {
    name: "cli-run-record-ignores-views",
    file: "src/cli/run_record.ts",
    find: '  ["views", "--views"],\n',
    replace: "",
    why: "More views only add files, so --views looked harmless to leave out of the settings compared on a rerun.",
  },
  {
    name: "cli-run-record-unfinished-overwrite-resumed",
    file: "src/cli/run_record.ts",
    find: "    if (diff === null && unfinished && !args.overwrite) {",
    replace: "    if (diff === null && unfinished && !args.overwrite && false) {",
    why:
      "The record already holds the new settings, so a plain rerun after a killed --overwrite looked like an ordinary resume.",
  },
  {
    name: "cli-progress-not-cleared-before-message",
    file: "src/cli/progress.ts",
    find: "  bar?.clear();\n",
    replace: "",
    why: "The bar is redrawn after the message anyway, so clearing it first looked redundant.",
  },
  {
    name: "png-header-read-needs-whole-idat",
    file: "src/io/png_decode.ts",
    find: '    if (headerOnly && header && name === "IDAT") {',
    replace: '    if (headerOnly && header && name === "IDAT" && at + length + 4 <= bytes.length) {',
    why:
      "The header walk checks every chunk it passes, so it waited for the first IDAT's bytes too (a 17 MB IDAT is past the 16 MiB header read).",
  },
  {
    name: "options-spread-skips-hidden",
    file: "src/api/validate.ts",
    find: "      ? snapshot(options, path) as E.Either<FreqaugError, O>",
    replace: "      ? E.right({ ...options } as O)",
    why:
      "Spreading the options looked like a complete copy; it skips non-enumerable and inherited (class getter) options.",
  },
  {
    name: "cpu-alpha-kept-after-flip",
    file: "src/cpu/kernel.ts",
    find: "      keepsPixelPositions(stages.flatMap((s) => s.ops.map((o) => o.op)))",
    replace: "      true",
    why: "An image that keeps its size looked like one whose pixels stay in place, forgetting flips.",
  },
  {
    name: "jpeg-scan-bytes-unchecked",
    file: "src/io/jpeg_decode.ts",
    find: "      if (coded < minJpegBytes(frame.width, frame.height)) {",
    replace: "      if (coded < 0) {",
    why: "The file-size rule already holds, so checking the scans' own bytes looked redundant (comments pad a file).",
  },
  {
    name: "cli-workers-count-one-view",
    file: "src/cli/pipelined.ts",
    find: "      flight.counted = px * job.views.length;",
    replace: "      flight.counted = px;",
    why:
      "An input on a worker is one decoded image, forgetting that each of its views becomes a sample of its batch (tests/cli_compression_test.ts: within --batch-pixels on workers).",
  },
  {
    name: "cli-bytes-truncated",
    file: "src/cli/codec.ts",
    find: "      if (x >= 0 && x <= 1) out[o] = (max * x + 0.5) | 0;",
    replace: "      if (x >= 0 && x <= 1) out[o] = (max * x) | 0;",
    why:
      "A typed array store truncates anyway, so the + 0.5 looked redundant (tests/cli_compression_test.ts: toImage is fromBatch's rounding; the replay tests).",
  },
  {
    name: "cli-deflate-full-not-compared",
    file: "src/cli/png_deflate.ts",
    find: "  return full.length < runs.length ? full : runs;",
    replace: "  return full;",
    why:
      "Full deflate at a higher level is a superset of runs-only coding, so it can never be larger (tests/cli_compression_test.ts: from 2 up never larger than level 1).",
  },
  {
    name: "png-filter-first-pixel-paeth-as-average",
    file: "src/io/png_encode.ts",
    find: "    out[r4 + i] = f2;\n",
    replace: "    out[r4 + i] = f3;\n",
    why:
      "With nothing on the left, Paeth looked like it averages the pixel above with zero, as the average filter does (tests/cli_compression_test.ts: the encoder's pictures decode back, and the default bytes).",
  },
  {
    name: "cli-dead-worker-not-replaced",
    file: "src/cli/codec_pool.ts",
    find: "        slot.worker = start(slot, (s, r) => this.died(s, r));",
    replace: "        void start;",
    why:
      "A worker that died has already failed its requests, so leaving its slot as it is seemed enough (tests/cli_compression_test.ts: a dead worker's requests fail, the others answer — times out).",
  },
  {
    name: "cli-workers-unknown-size-twice",
    file: "src/cli/pipelined.ts",
    find: "(flights.size < most && guess > 0 && counted() + guess * job.views.length <= budget)",
    replace: "(flights.size < most && counted() + guess * job.views.length <= budget)",
    why:
      "An input of unknown size counts as 0 pixels, so a second huge input goes to a worker before the first one's size is known (tests/cli_compression_test.ts: one at a time over the budget).",
  },
  {
    name: "pool-claims-not-reset",
    file: "src/cpu/backend.ts",
    find: "  control.fill(0);\n",
    replace: "  control[NEXT] = 0;\n",
    why: "Only the counter seems to need resetting between batches; the claim states look per-batch already.",
  },
  {
    name: "pool-arena-kept-after-terminate",
    file: "src/cpu/pool.ts",
    find: "  if (a.generation !== generation) return;\n",
    replace: "",
    why: "terminate() looks synchronous, so shared buffers of a batch whose workers were ended seem safe to reuse.",
  },
  {
    name: "pool-caller-claims-copied",
    file: "src/cpu/backend.ts",
    find: "        Atomics.store(control, CLAIMS + a / step, IN_RESULT);\n",
    replace: "        Atomics.store(control, CLAIMS + a / step, WORKER_DONE);\n",
    why: "A finished claim is a finished claim: one 'done' state for every thread looks simpler.",
  },
  {
    name: "pool-caller-error-leaves-workers",
    file: "src/cpu/backend.ts",
    find: "      failure = { error };\n      Atomics.store(control, NEXT, count);\n",
    replace: "      if (error) throw error;\n      failure = { error };\n",
    why: "The batch has failed anyway, so the error seems fine to throw at once, workers or not.",
  },
  {
    name: "webgpu-tile-ignores-channels",
    file: "src/webgpu/plan.ts",
    find: "const T = tileWidth(V, Math.floor(cap / (tc * colPlan.seqLen)));",
    replace: "const T = tileWidth(V, Math.floor(cap / colPlan.seqLen));",
    why: "the tile's width was taken from the columns a workgroup holds, forgetting that each holds TC channels",
  },
  {
    name: "webgpu-bytes-load-as-float",
    file: "src/webgpu/plan.ts",
    find: "bytes: { read: sourceBytes(), written: spectrumBytes },",
    replace: "bytes: { read: imageBytes(current), written: spectrumBytes },",
    why: "the load was counted as reading the float32 image, whatever the input's type",
  },
  {
    name: "wasm-multiplier-ignores-pitch",
    file: "src/wasm/rfft2.ts",
    find: "      if (ld === V) dst.set(src.subarray(0, H * V));",
    replace: "      if (true) dst.set(src.subarray(0, H * V));",
    why:
      "The multiplier is H×V row-major like the spectrum, forgetting the spectrum's rows are padded to an odd pitch.",
  },
  {
    name: "wasm-row-pairs-overlap",
    file: "src/wasm/rfft2.ts",
    find: "      zi: shared + 8 * (W * B + SKEW),",
    replace: "      zi: shared + 8 * W * ((H + 1) >> 1),",
    why: "The imaginary row buffer starts after the real one's pairs, forgetting the padding pair.",
  },
  {
    name: "finite-odd-lane-dropped",
    file: "src/cpu/finite.ts",
    find: "  return s0 + s1 === 0;",
    replace: "  return s0 === 0;",
    why: "The second sum was only an unrolling help, so one of the two looked enough to test.",
  },
  {
    name: "params-claim-offset-dropped",
    file: "src/cpu/params_source.ts",
    find: "  return sampleParams(pipeline, { seed, count: b - a, offset: offset + a, height, width });",
    replace: "  return sampleParams(pipeline, { seed, count: b - a, offset: a, height, width });",
    why: "A claim's images start at a, so a looked like the sample index, forgetting the batch's own offset.",
  },
  {
    name: "non-finite-scan-skipped",
    file: "src/api/kernel.ts",
    find: "              const first = validateBatch(input);",
    replace: "              const first = validateBatch(input, Infinity, false);",
    why: "The kernel already checked the values, so the API's scan looked like a second check.",
  },
  {
    name: "wasm-mask-imaginary-not-copied",
    file: "src/wasm/gmm.ts",
    find: "  if (im) mem.set(im.subarray(0, bins), bins);",
    replace: "",
    why:
      "The mask is real, so only the real parts seemed to need to go to the kernels (forgetting a complex multiplier).",
  },
  {
    name: "wasm-float16-through-float32",
    file: "src/wasm/rfft2.ts",
    find: "    if (dst instanceof Float32Array) {\n      k.narrow(at.plane",
    replace: "    if (!(dst instanceof Float64Array)) {\n      k.narrow(at.plane",
    why:
      "Any result that is not float64 looked like one the float32 narrowing serves, forgetting float16 (rounded twice).",
  },
  {
    name: "wasm-large-planes-kept-on-kernels",
    file: "src/cpu/plane_filter.ts",
    find: "  const module = H * W <= WASM_MAX_PIXELS ? kernelsModule() : null;",
    replace: "  const module = kernelsModule();",
    why: "The kernels are faster on the sizes measured first, so they looked faster on every size.",
  },
  {
    name: "cpu-large-filters-kept",
    file: "src/cpu/plane_filter.ts",
    find: "  return small ? tsFilters.get(key, make) : make();",
    replace: "  return tsFilters.get(key, make);",
    why: "Keeping every size's filter saves re-planning; it also keeps a large image's spectrum for good.",
  },
  // The op catalog, the CPU worker entry and status, and the playground.
  {
    name: "catalog-gmm-c-min-drift",
    file: "src/ops/gmm/mod.ts",
    find: 'ui.number(1e-6, 1e6, { scale: "log", typical: [0.1, 1000] }),',
    replace: 'ui.number(1e-5, 1e6, { scale: "log", typical: [0.1, 1000] }),',
    why: "Copied the lower bound from a neighbouring op's control instead of the codec's 1e-6.",
  },
  {
    name: "catalog-blur-typical-below-min",
    file: "src/ops/gaussian_blur/mod.ts",
    find: "typical: [0.05, 20] }",
    replace: "typical: [0.0005, 20] }",
    why: "Wanted the slider to reach very small σ and went below the codec's 0.001.",
  },
  {
    name: "catalog-amplitude-log-from-zero",
    file: "src/ops/amplitude_rescale/mod.ts",
    find: "ui.range(0, 1e6, { typical: [0, 4] }),",
    replace: 'ui.range(0, 1e6, { scale: "log", typical: [0, 4] }),',
    why: "A gain is a factor, so log seemed natural, but the span starts at 0.",
  },
  {
    name: "catalog-hue-scalar-lost",
    file: "src/ops/color_jitter/mod.ts",
    find: "ui.range(-0.5, 0.5, { scalar: true }),",
    replace: "ui.range(-0.5, 0.5),",
    why: "Thought hue, unlike brightness, only takes a [lo, hi] pair.",
  },
  {
    name: "fieldsof-falsy-default-dropped",
    file: "src/ops/codec_kit.ts",
    find: "...(field.default === undefined ? {} : { default: field.codec.encode(field.default) }),",
    replace: "...(!field.default ? {} : { default: field.codec.encode(field.default) }),",
    why: "A truthiness test for 'has a default' drops the defaults false and 0.",
  },
  {
    name: "catalog-gpu-flag-null-check",
    file: "src/ops/catalog.ts",
    find: "gpu: m.gpu !== undefined,",
    replace: "gpu: m.gpu !== null,",
    why: "Checked for null where a module without a WebGPU plan leaves gpu undefined.",
  },
  {
    name: "catalog-sorted-by-name",
    file: "src/ops/catalog.ts",
    find: "const CATALOG: readonly OpInfo[] = Object.freeze(OPS.map((m): OpInfo =>",
    replace:
      "const CATALOG: readonly OpInfo[] = Object.freeze([...OPS].sort((a, b) => a.name.localeCompare(b.name)).map((m): OpInfo =>",
    why: "Sorted the ops alphabetically for the menu, losing the registry's order.",
  },
  {
    name: "pool-failure-message-default-url",
    file: "src/cpu/pool.ts",
    find: "`the CPU worker module ${workerUrl.href} did not load`",
    replace: "`the CPU worker module ${WORKER_URL.href} did not load`",
    why: "Named the library's default worker module instead of the one configured.",
  },
  {
    name: "pool-failure-warned-never",
    file: "src/cpu/pool.ts",
    find: "  if (!broken) {\n    // One line, no colours",
    replace: "  if (broken) {\n    // One line, no colours",
    why: "Inverted the 'only the first time' test.",
  },
  {
    name: "draw-floor-not-round",
    file: "playground/draw.ts",
    find: "out[4 * i + k] = Math.round(255 * (x < 0 ? 0 : x > 1 ? 1 : x));",
    replace: "out[4 * i + k] = Math.floor(255 * (x < 0 ? 0 : x > 1 ? 1 : x));",
    why: "Truncated to a byte as a typed array would, not rounded as fromBatch does.",
  },
  {
    name: "draw-undo-normalize-swapped",
    file: "playground/draw.ts",
    find: "return x * undo.std[k] + undo.mean[k];",
    replace: "return x * undo.mean[k] + undo.std[k];",
    why: "Mixed up which of mean and std multiplies when undoing normalize.",
  },
  {
    name: "draw-bgr",
    file: "playground/draw.ts",
    find: "const c = v.channels === 1 ? 0 : k;",
    replace: "const c = v.channels === 1 ? 0 : 2 - k;",
    why: "Thought of channel order as BGR, as in OpenCV.",
  },
  {
    name: "app-views-last-empty",
    file: "playground/app.ts",
    find: "for (let i = 0; i < o.views; i++) data.set(base.data as Float32Array, i * per);",
    replace: "for (let i = 1; i < o.views; i++) data.set(base.data as Float32Array, i * per);",
    why: "Started at 1 thinking view 0 was the base itself.",
  },
  {
    name: "serve-no-isolation-headers",
    file: "playground/serve.ts",
    find: 'const headers = new Headers({ ...ISOLATION_HEADERS, "Cache-Control": "no-store" });',
    replace: 'const headers = new Headers({ "Cache-Control": "no-store" });',
    why: "Only sent the caching header, assuming the _headers file covers isolation.",
  },
  {
    name: "build-no-coep",
    file: "playground/build.ts",
    find: '  "Cross-Origin-Embedder-Policy": "require-corp",\n',
    replace: "",
    why: "Thought COOP alone gives cross-origin isolation.",
  },
  {
    name: "worker-scope-always-false",
    file: "src/cpu/worker.ts",
    find: 'if (typeof g.WorkerGlobalScope === "function") return globalThis instanceof g.WorkerGlobalScope;',
    replace: 'if (typeof g.WorkerGlobalScope === "function") return globalThis instanceof Worker;',
    why: "Confused the worker's global with the Worker constructor of the page.",
  },
  {
    name: "worker-scope-bun-inverted",
    file: "src/cpu/worker.ts",
    find: 'return typeof g.Bun?.isMainThread === "boolean" && !g.Bun.isMainThread;',
    replace: 'return typeof g.Bun?.isMainThread === "boolean" && g.Bun.isMainThread;',
    why: "Read Bun's isMainThread the wrong way round.",
  },
];
