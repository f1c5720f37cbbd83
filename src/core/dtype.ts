import { chargeElements, checkElements } from './limits';

/**
 * Data types of tensors, as the frameworks name them.
 *
 * float32 is emulated faithfully: values are stored in a Float32Array, so every store rounds the
 * float64 result of an operation to the nearest float32 (ties to even), exactly like IEEE float32
 * hardware does for +, -, *, / (double rounding through float64 is innocuous for these since
 * 53 >= 2*24 + 2). int64 values are stored in a Float64Array and are exact up to 2^53.
 */
export type FloatDType = 'float32' | 'float64';
export type IntDType = 'int32' | 'int64';
export type DType = FloatDType | IntDType | 'bool';

export type TypedData = Float32Array | Float64Array | Int32Array | Uint8Array;

export function isFloat(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64';
}

export function isInt(d: DType): d is IntDType {
  return d === 'int32' || d === 'int64';
}

/**
 * Zero-filled storage for `size` elements of `dtype`. Every tensor allocation goes through here,
 * so this is the backstop of the element budget (src/core/limits.ts): operations check their
 * result's shape first (for a message that names it), and nothing larger than the budget is
 * ever allocated even where one forgot.
 */
export function allocate(dtype: DType, size: number): TypedData {
  checkElements(size, 'an array');
  chargeElements(size);
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'int64': return new Float64Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

/** Rounds a float64 value the way storing it in `dtype` would. */
export function roundTo(dtype: DType, x: number): number {
  switch (dtype) {
    case 'float32': return Math.fround(x);
    case 'float64': return x;
    case 'int32': return x | 0;
    case 'int64': return Math.trunc(x);
    case 'bool': return x ? 1 : 0;
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** NumPy-style promotion of two tensor dtypes (frameworks that refuse to mix are checked by the caller). */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The float dtype an operation on `d` computes in (ints and bools go to float32, as in TF/torch defaults). */
export function floatOf(d: DType): FloatDType {
  return d === 'float64' ? 'float64' : 'float32';
}

/** Unit in the last place of x in the given float dtype (for tolerances and docs). */
export function ulp(x: number, dtype: FloatDType): number {
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return NaN;
  if (dtype === 'float64') {
    if (a < 2.2250738585072014e-308) return 5e-324;
    const e = Math.floor(Math.log2(a));
    const u = Math.pow(2, e - 52);
    // log2 can be off by one near powers of two
    return a >= Math.pow(2, e + 1) ? u * 2 : a < Math.pow(2, e) ? u / 2 : u;
  }
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45;
  const e = Math.floor(Math.log2(a));
  const u = Math.pow(2, e - 23);
  return a >= Math.pow(2, e + 1) ? u * 2 : a < Math.pow(2, e) ? u / 2 : u;
}
