/**
 * Philox-4x32-10, the counter-based generator of Salmon et al. (SC'11), in
 * 32-bit integer operations only: the high half of each 32x32 product is built
 * from 16-bit halves, exactly as WGSL (which has no `mulhi`) must do it.
 *
 * Every random number freqaug draws is `philox(key, counter)` for a counter that
 * names the sample, the op and the draw, so no draw depends on any other.
 *
 * @module
 */

const M0 = 0xD2511F53;
const M1 = 0xCD9E8D57;
const W0 = 0x9E3779B9;
const W1 = 0xBB67AE85;

/** High 32 bits of the 64-bit product of two u32, with 16-bit limbs. */
export function mulhi(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lh = al * bh, hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Fills `out` with Philox-4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1).
 * All arguments are u32.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): Uint32Array {
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/** A u32 as a uniform float in [0, 1) on the float32 grid (24 bits): identical in WGSL. */
export function toUnit(x: number): number {
  return (x >>> 8) * (1 / 16777216);
}
