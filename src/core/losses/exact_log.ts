import * as D from '../dd';

/**
 * log(t) - a for float64 t > 0 and a, to ~106 bits relative to the RESULT, even when a is the
 * float64 nearest to log t so that the difference is ~1e-17 |a|. A KL divergence term
 * t (log t - a) of two nearly equal distributions is exactly that case: a double-double log is
 * accurate to ~2^-106 |log t|, i.e. only ~2^-53 of such a difference, which the cancelling sum
 * over classes then amplifies. When the dd difference shows cancellation, log t is recomputed
 * in 224-bit fixed point with BigInt (atanh series) and the difference taken exactly.
 */

const P = 224n; // fractional bits of the fixed-point values
const ONE = 1n << P;

/** x * 2^P as a BigInt, exact when x's lowest bit is at 2^-P or above (else truncated toward 0). */
function toFixed(x: number): bigint {
  if (x === 0) return 0n;
  const F = new Float64Array([x]);
  const U = new BigUint64Array(F.buffer);
  const bits = U[0];
  const neg = bits >> 63n === 1n;
  const bexp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  const shift = BigInt(e) + P;
  const v = shift >= 0n ? mant << shift : mant >> -shift;
  return neg ? -v : v;
}

/** A fixed-point value (value * 2^P) as a dd. */
function fromFixed(v: bigint): D.DD {
  const scale = 2 ** -Number(P);
  const hi = Number(v) * scale;
  if (hi === 0) return { hi: 0, lo: 0 };
  const rest = v - toFixed(hi);
  return { hi, lo: Number(rest) * scale };
}

/** atanh(s) for a fixed-point s with |s| <= 0.1716, to 2^-P. */
function atanhFixed(s: bigint): bigint {
  const s2 = (s * s) >> P;
  let pow = s;
  let sum = s;
  for (let k = 3n; ; k += 2n) {
    pow = (pow * s2) >> P;
    if (pow >= -1n && pow <= 1n) break;
    sum += pow / k;
  }
  return sum;
}

let LN2_FIXED: bigint | null = null;
/** ln 2 = 2 atanh(1/3) in fixed point. */
function ln2Fixed(): bigint {
  if (LN2_FIXED === null) LN2_FIXED = 2n * atanhFixed(ONE / 3n);
  return LN2_FIXED;
}

const TABLE_BITS = 6;
const TABLE: (bigint | undefined)[] = [];

/** ln(1 + j / 64) in fixed point (j = 0..63), computed on first use. */
function lnTable(j: number): bigint {
  let v = TABLE[j];
  if (v === undefined) {
    const c = toFixed(1 + j / 2 ** TABLE_BITS);
    v = 2n * atanhFixed(((c - ONE) << P) / (c + ONE));
    TABLE[j] = v;
  }
  return v;
}

/** ln t in fixed point for a float64 t > 0 (finite). */
function logFixed(t: number): bigint {
  // t = m 2^e with m in [1, 2) (exact: scaling by powers of two); m = c (1 + r) with
  // c = 1 + j/64 from a table, so s = (m - c) / (m + c) <= 2^-7 and the series needs ~16 terms.
  let e = 0;
  let m = t;
  while (m >= 2 ** 64) {
    m *= 2 ** -64;
    e += 64;
  }
  while (m < 2 ** -64) {
    m *= 2 ** 64;
    e -= 64;
  }
  while (m >= 2) {
    m /= 2;
    e += 1;
  }
  while (m < 1) {
    m *= 2;
    e -= 1;
  }
  const j = Math.floor((m - 1) * 2 ** TABLE_BITS);
  const M = toFixed(m);
  const c = toFixed(1 + j / 2 ** TABLE_BITS);
  const s = ((M - c) << P) / (M + c);
  return lnTable(j) + 2n * atanhFixed(s) + BigInt(e) * ln2Fixed();
}

/** log(t) - a as a dd (t > 0 finite, a finite), accurate relative to the result. */
export function logMinus(t: number, a: number): D.DD {
  const L = D.log(t);
  const d = D.add(L, { hi: -a, lo: 0 });
  // No cancellation to speak of: the dd result already holds ~100 bits of the difference.
  if (!(Math.abs(d.hi) < 2 ** -30 * Math.abs(L.hi))) return d;
  if (Math.abs(a) < 2 ** -100) return d; // then a's bits below 2^-P could matter; |log t| ~ |a| tiny is t ~ 1
  return fromFixed(logFixed(t) - toFixed(a));
}
