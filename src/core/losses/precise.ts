/**
 * Double-double helpers for the few places where float64 alone is not accurate enough for a
 * float64 result within a few ulps of the exact value: a probability renormalised by a lane sum
 * (p = y / sum(y) must keep the rounding error of the sum), and sums whose terms cancel
 * (KL divergence), and powers (focal losses) whose base must not carry a rounding error that the
 * exponent amplifies. A double-double (hi, lo) represents hi + lo with |lo| <= ulp(hi) / 2, about
 * 106 bits. Functions return `[hi, lo]` tuples. Independent of dd.ts (the torch/optax helpers'
 * object-based variant).
 */

export type DD = [number, number];

const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter

/** The rounding error of a + b: a + b = fl(a + b) + twoSumErr(a, b, fl(a + b)) exactly. */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** The rounding error of a * b (Dekker; exact unless a * b over- or underflows). */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

function renorm(s: number, e: number): DD {
  const h = s + e;
  if (!Number.isFinite(h)) return [h, 0];
  return [h, e - (h - s)];
}

export function ddAdd(ah: number, al: number, bh: number, bl: number): DD {
  const s = ah + bh;
  if (!Number.isFinite(s)) return [s, 0];
  return renorm(s, twoSumErr(ah, bh, s) + al + bl);
}

export function ddMul(ah: number, al: number, bh: number, bl: number): DD {
  const p = ah * bh;
  if (!Number.isFinite(p) || p === 0) return [p, 0];
  return renorm(p, twoProdErr(ah, bh, p) + (ah * bl + al * bh));
}

export function ddDiv(ah: number, al: number, bh: number, bl: number): DD {
  const q1 = ah / bh;
  if (!Number.isFinite(q1) || q1 === 0) return [q1, 0];
  // remainder r = a - q1 * b, computed to double-double accuracy
  const p = q1 * bh;
  const pe = twoProdErr(q1, bh, p) + q1 * bl;
  const r = ah - p + (al - pe);
  // ah - p is exact (Sterbenz) since q1 * bh is within an ulp of ah
  return renorm(q1, r / bh);
}

const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
const INV_ODD: DD[] = [];
for (let j = 0; j < 40; j++) {
  const d = 2 * j + 1;
  const h = 1 / d;
  INV_ODD.push([h, -twoProdErr(h, d, h * d) / d - (h * d - 1) / d]);
}

/**
 * Natural log of a positive double-double to about 100 bits: x = 2^k m with m in [1/sqrt 2, sqrt 2],
 * log m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.172, summed as an odd series in s^2.
 */
export function ddLog(xh: number, xl = 0): DD {
  if (xh !== xh || xh < 0) return [NaN, 0];
  if (xh === 0) return [-Infinity, 0];
  if (xh === Infinity) return [Infinity, 0];
  let k = Math.round(Math.log2(xh));
  let mh = xh * Math.pow(2, -k);
  let ml = xl * Math.pow(2, -k);
  if (!Number.isFinite(mh) || mh === 0) {
    // extreme exponents: scale in two steps
    const k1 = Math.trunc(k / 2);
    mh = xh * Math.pow(2, -k1) * Math.pow(2, -(k - k1));
    ml = xl * Math.pow(2, -k1) * Math.pow(2, -(k - k1));
  }
  if (mh > Math.SQRT2) {
    k++;
    mh /= 2;
    ml /= 2;
  } else if (mh < Math.SQRT1_2) {
    k--;
    mh *= 2;
    ml *= 2;
  }
  const n1 = mh - 1; // exact: mh is within a factor 2 of 1
  const num = renorm(n1, ml);
  const d1 = mh + 1;
  const den = renorm(d1, twoSumErr(mh, 1, d1) + ml);
  const s = ddDiv(num[0], num[1], den[0], den[1]);
  const s2 = ddMul(s[0], s[1], s[0], s[1]);
  // terms needed: s2^J < 2^-110
  let J = 1;
  if (s2[0] > 0) J = Math.min(INV_ODD.length - 1, Math.max(1, Math.ceil(-110 * Math.LN2 / Math.log(s2[0]))));
  let acc: DD = INV_ODD[J];
  for (let j = J - 1; j >= 0; j--) {
    const m = ddMul(acc[0], acc[1], s2[0], s2[1]);
    acc = ddAdd(m[0], m[1], INV_ODD[j][0], INV_ODD[j][1]);
  }
  const at = ddMul(acc[0], acc[1], s[0], s[1]);
  const lm: DD = [2 * at[0], 2 * at[1]];
  if (k === 0) return lm;
  const kl = ddMul(k, 0, LN2[0], LN2[1]);
  return ddAdd(lm[0], lm[1], kl[0], kl[1]);
}

/**
 * e^(xh + xl) as a double-double, to about 2^-100 relative: e^x = 2^k (1 + E)^1024 with
 * E = expm1(r / 1024), r = x - k ln 2, the series summed in double-double and squared back.
 */
export function ddExp(xh: number, xl = 0): DD {
  if (xh !== xh) return [NaN, 0];
  if (xh > 709.8) return [Infinity, 0];
  if (xh < -745.2) return [0, 0];
  const k = Math.round(xh / LN2[0]);
  const kl = ddMul(k, 0, LN2[0], LN2[1]);
  let r = ddAdd(xh, xl, -kl[0], -kl[1]);
  r = [r[0] / 1024, r[1] / 1024];
  // expm1(r) = r (1 + r/2 (1 + r/3 (1 + ...))), |r| < 3.4e-4: 11 terms reach 2^-110
  let e: DD = [1, 0];
  for (let n = 11; n >= 2; n--) {
    const m = ddMul(e[0], e[1], r[0], r[1]);
    e = ddAdd(1, 0, m[0] / n, m[1] / n);
  }
  e = ddMul(e[0], e[1], r[0], r[1]);
  // (1 + E)^2 - 1 = 2E + E^2, ten times
  for (let i = 0; i < 10; i++) {
    const sq = ddMul(e[0], e[1], e[0], e[1]);
    e = ddAdd(2 * e[0], 2 * e[1], sq[0], sq[1]);
  }
  const one = ddAdd(1, 0, e[0], e[1]);
  const k1 = Math.trunc(k / 2);
  const s = Math.pow(2, k1) * Math.pow(2, k - k1);
  if (s === Infinity || s === 0) return [one[0] * Math.pow(2, k1) * Math.pow(2, k - k1), 0];
  return [one[0] * s, one[1] * s];
}

/** [sigmoid(x), sigmoid(-x)] as double-doubles (e = e^-|x|; 1 / (1 + e) and e / (1 + e)). */
export function ddSigmoidPair(x: number): [DD, DD] {
  if (x !== x) return [[NaN, 0], [NaN, 0]];
  const e = ddExp(-Math.abs(x));
  const d = ddAdd(1, 0, e[0], e[1]);
  const big = ddDiv(1, 0, d[0], d[1]);
  const small = ddDiv(e[0], e[1], d[0], d[1]);
  return x >= 0 ? [big, small] : [small, big];
}

/** (h + l)^g for a positive double-double base, to about an ulp: pow(h, g) (1 + g l / h). */
export function ddPow(h: number, l: number, g: number): number {
  const p = Math.pow(h, g);
  if (!Number.isFinite(p) || p === 0 || h === 0) return p;
  return p + p * (g * (l / h));
}

/**
 * log(a / (bh + bl)) in float64 for a > 0 and a positive double-double denominator, accurate to
 * about an ulp of the result even when the ratio is close to 1 (where log(fl(a / b)) would keep
 * only the absolute error of the rounded quotient): the quotient's rounding error is carried as
 * a first-order correction.
 */
export function logRatio(a: number, bh: number, bl = 0): number {
  const q = a / bh;
  if (!Number.isFinite(q) || q === 0 || !Number.isFinite(bl)) return Math.log(q);
  // a / b = q (1 + c) with c = (a - q bh - q bl) / (q bh)
  const p = q * bh;
  const r = a - p - twoProdErr(q, bh, p) - q * bl;
  const c = r / p;
  if (q > 0.5 && q < 2) {
    // close to 1: log(q (1 + c)) = log1p((q - 1) + q c), q - 1 exact
    return Math.log1p(q - 1 + q * c);
  }
  return Math.log(q) + c;
}

/** A compensated (cascaded) accumulator of doubles and double-doubles. */
export class Accumulator {
  hi = 0;
  lo = 0;

  add(x: number): void {
    const s = this.hi + x;
    this.lo += Number.isFinite(s) ? twoSumErr(this.hi, x, s) : 0;
    this.hi = s;
  }

  addDD(h: number, l: number): void {
    this.add(h);
    this.lo += l;
  }

  /** The sum rounded to a double (infinities and NaN as a plain sum gives them). */
  value(): number {
    return Number.isFinite(this.hi) ? this.hi + this.lo : this.hi;
  }
}
