/**
 * Double-double arithmetic: a value is the unevaluated sum hi + lo of two float64s with
 * |lo| <= ulp(hi) / 2, about 106 significant bits. Used where float64 alone cannot give a float64
 * result within a few ulps: sums whose terms cancel (KL divergence of two close distributions,
 * poly loss with epsilon = -1), a probability renormalised by a rounded lane sum, and powers
 * (focal losses) whose base must not carry a rounding error that the exponent amplifies.
 *
 * Error-free transforms after Dekker (1971) and Knuth; exp/log by argument reduction and short
 * series in double-double. No fma is used (JavaScript has none). Accuracies below are relative
 * errors of hi + lo against the exact result, for results in the normal range; a result below
 * ~1e-290 loses bits of lo to underflow. Non-finite inputs give non-finite results with lo = 0.
 */

export interface DD {
  hi: number;
  lo: number;
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's splitter
const SPLIT_LIMIT = 6.69692879491417e299; // 2^996: above this a * SPLITTER can overflow

export const dd = (hi: number, lo = 0): DD => ({ hi, lo });

/** The rounding error of s = fl(a + b): a + b = s + twoSumErr(a, b, s) exactly (0 when s is not finite). */
export function twoSumErr(a: number, b: number, s: number): number {
  if (!Number.isFinite(s)) return 0;
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/**
 * The rounding error of p = fl(a * b): a * b = p + twoProdErr(a, b, p) exactly, barring underflow
 * of the error. 0 when p is not finite or |a| or |b| > 2^996 (where the split would overflow; the
 * error is then below ulp(p) / 2 but not computed).
 */
export function twoProdErr(a: number, b: number, p: number): number {
  if (!Number.isFinite(p) || Math.abs(a) > SPLIT_LIMIT || Math.abs(b) > SPLIT_LIMIT) return 0;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** s + e = a + b exactly. */
export const twoSum = (a: number, b: number): DD => {
  const s = a + b;
  return { hi: s, lo: twoSumErr(a, b, s) };
};

/** s + e = a + b exactly, given |a| >= |b| (or a = 0). */
function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  if (!Number.isFinite(s)) return { hi: s, lo: 0 };
  return { hi: s, lo: b - (s - a) };
}

/** p + e = a * b exactly (see twoProdErr for the exceptions). */
export const twoProd = (a: number, b: number): DD => {
  const p = a * b;
  return { hi: p, lo: twoProdErr(a, b, p) };
};

/** a + b, to ~2^-106 relative even when a and b cancel (the accurate "IEEE" double-double sum). */
export function add(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  if (!Number.isFinite(s.hi)) return s;
  const t = twoSum(a.lo, b.lo);
  let e = s.lo + t.hi;
  const u = quickTwoSum(s.hi, e);
  e = t.lo + u.lo;
  return quickTwoSum(u.hi, e);
}

/** a + b for a float64 b, to ~2^-106 relative. Bitwise equal to add(a, dd(b)). */
export function addD(a: DD, b: number): DD {
  const s = twoSum(a.hi, b);
  if (!Number.isFinite(s.hi)) return s;
  return quickTwoSum(s.hi, s.lo + a.lo);
}

export const neg = (a: DD): DD => ({ hi: -a.hi, lo: -a.lo });
/** a - b, as add. */
export const sub = (a: DD, b: DD): DD => add(a, neg(b));

/** a * b, to ~2^-104 relative. */
export function mul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  if (!Number.isFinite(p.hi)) return p;
  return quickTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

/** a * b for a float64 b, to ~2^-105 relative. */
export function mulD(a: DD, b: number): DD {
  const p = twoProd(a.hi, b);
  if (!Number.isFinite(p.hi)) return p;
  return quickTwoSum(p.hi, p.lo + a.lo * b);
}

/** a / b for a float64 b, three quotient terms: to ~2^-105 relative. */
export function divD(a: DD, b: number): DD {
  const q1 = a.hi / b;
  if (!Number.isFinite(q1)) return { hi: q1, lo: 0 };
  const r = sub(a, twoProd(q1, b));
  const q2 = r.hi / b;
  const r2 = sub(r, twoProd(q2, b));
  const q3 = r2.hi / b;
  return addD(quickTwoSum(q1, q2), q3);
}

/** a / b, three quotient terms: to ~2^-105 relative. b = 0 gives a.hi / 0. */
export function div(a: DD, b: DD): DD {
  const q1 = a.hi / b.hi;
  if (!Number.isFinite(q1) || b.hi === 0) return { hi: a.hi / b.hi, lo: 0 };
  let r = sub(a, mulD(b, q1));
  const q2 = r.hi / b.hi;
  r = sub(r, mulD(b, q2));
  const q3 = r.hi / b.hi;
  return addD(quickTwoSum(q1, q2), q3);
}

/** The float64 nearest to hi + lo. */
export const toNumber = (a: DD): number => a.hi + a.lo;

// ln 2 to 106 bits.
const LN2: DD = { hi: 0.6931471805599453, lo: 2.3190468138462996e-17 };
const ONE: DD = { hi: 1, lo: 0 };

/** a * 2^k for integer k, exact unless the result under/overflows. */
function ldexp(a: DD, k: number): DD {
  let hi = a.hi;
  let lo = a.lo;
  while (k > 1000) {
    hi *= 2 ** 1000;
    lo *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    hi *= 2 ** -1000;
    lo *= 2 ** -1000;
    k += 1000;
  }
  const s = 2 ** k;
  return { hi: hi * s, lo: lo * s };
}

/** e^x - 1 for |x| <= ~0.35 to double-double accuracy (x as a dd). */
function expm1Small(x: DD): DD {
  // Scale down by 2^8 so the Taylor series converges in a few terms, then square back up in
  // the expm1 form (e^2y - 1 = 2u + u^2 with u = e^y - 1), which loses nothing.
  const r = { hi: x.hi / 256, lo: x.lo / 256 };
  let sum = r;
  let term = r;
  for (let k = 2; k <= 12; k++) {
    term = divD(mul(term, r), k);
    sum = add(sum, term);
    if (Math.abs(term.hi) < 1e-36 * Math.abs(sum.hi)) break;
  }
  for (let i = 0; i < 8; i++) sum = add(mulD(sum, 2), mul(sum, sum));
  return sum;
}

/**
 * e^x for a dd x, by x = k ln 2 + r (r formed in double-double, lo included) and expm1(r).
 * Relative error ~2^-104 for |x| <= 1, growing with |k| to ~2^-96 at |x| ~ 700 (the 106-bit ln 2
 * times k). +inf above 709.78, 0 below -745.2.
 */
export function expDD(x: DD): DD {
  const h = x.hi;
  if (h !== h) return { hi: NaN, lo: 0 };
  if (h > 709.782712893384) return { hi: Infinity, lo: 0 };
  if (h < -745.2) return { hi: 0, lo: 0 };
  if (h === 0 && x.lo === 0) return { hi: 1, lo: 0 };
  const k = Math.round(h / LN2.hi);
  const r = sub(x, mulD(LN2, k)); // x - k ln2, to ~2^-106 k
  return ldexp(addD(expm1Small(r), 1), k);
}

/** e^x for a float64 x, as expDD. */
export const exp = (x: number): DD => expDD({ hi: x, lo: 0 });

/** atanh(s) = s + s^3/3 + s^5/5 + ... for a dd |s| <= 0.18. */
function atanhSeries(s: DD): DD {
  if (s.hi === 0) return s;
  const s2 = mul(s, s);
  let pow = s;
  let sum = s;
  for (let k = 3; k < 80; k += 2) {
    pow = mul(pow, s2);
    const term = divD(pow, k);
    sum = add(sum, term);
    if (Math.abs(term.hi) <= 1e-34 * Math.abs(sum.hi)) break;
  }
  return sum;
}

const LOG_TABLE: (DD | undefined)[] = [];

/** ln(k / 64) for k in [45, 91], from the series at c = 1 (k = 64 gives 0), cached. */
function logTable(k: number): DD {
  let v = LOG_TABLE[k];
  if (v === undefined) {
    const c = k / 64;
    v = k === 64 ? { hi: 0, lo: 0 } : mulD(atanhSeries(div({ hi: c - 1, lo: 0 }, twoSum(c, 1))), 2);
    LOG_TABLE[k] = v;
  }
  return v;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word

/**
 * ln x for a float64 x > 0 (NaN below 0, -inf at 0, +inf at +inf), relative error ~2^-104
 * (also next to x = 1, where the result is small).
 */
export function log(x: number): DD {
  if (x !== x || x < 0) return { hi: NaN, lo: 0 };
  if (x === 0) return { hi: -Infinity, lo: 0 };
  if (x === Infinity) return { hi: Infinity, lo: 0 };
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)).
  let m = x;
  let e = 0;
  if (m < 2.2250738585072014e-308) {
    m *= 2 ** 64;
    e -= 64;
  }
  F64[0] = m;
  const bexp = ((U32[HI] >>> 20) & 0x7ff) - 1023;
  U32[HI] = (U32[HI] & 0x800fffff) | (1023 << 20);
  m = F64[0];
  e += bexp;
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  // log m = log c + 2 atanh(s), s = (m - c) / (m + c), c = k/64 the nearest table point, so
  // |s| <= 2^-7.5 and the series needs ~8 terms. m - c is exact (Sterbenz); c = 1 (log c = 0)
  // next to m = 1, so the result keeps ~2^-104 relative accuracy there too.
  const k = Math.round(m * 64);
  const c = k / 64;
  const lm = add(logTable(k), mulD(atanhSeries(div({ hi: m - c, lo: 0 }, twoSum(m, c))), 2));
  return e === 0 ? lm : add(mulD(LN2, e), lm);
}

/** ln(a) for a dd a > 0: log(hi) + log1p(lo / hi), the latter to second order. ~2^-104 relative. */
export function logDD(a: DD): DD {
  const l = log(a.hi);
  if (a.lo === 0 || !Number.isFinite(l.hi)) return l;
  const r = a.lo / a.hi;
  return addD(l, r - (r * r) / 2);
}

/** ln(1 + u) for a dd u > -1, ~2^-104 relative; a short series for tiny u keeps u's full relative precision. */
export function log1p(u: DD): DD {
  if (u.hi !== u.hi) return u;
  if (Math.abs(u.hi) < 2 ** -20) {
    // u - u^2/2 + u^3/3 - ...: |u|^6 < 2^-120 relative, five terms suffice.
    let pow = u;
    let sum = u;
    for (let k = 2; k <= 6; k++) {
      pow = mul(pow, u);
      const term = divD(pow, k);
      sum = k % 2 === 0 ? sub(sum, term) : add(sum, term);
    }
    return sum;
  }
  return logDD(addD(u, 1));
}

/**
 * log(a / b) as a float64, for a float64 a > 0 and a dd b > 0, to about an ulp even when the ratio
 * is close to 1 (where log(fl(a / b)) would keep only the absolute error of the rounded quotient):
 * the quotient's rounding error is carried as a first-order correction. Cheaper than logDD(div).
 */
export function logRatio(a: number, b: DD): number {
  const q = a / b.hi;
  if (!Number.isFinite(q) || q === 0 || !Number.isFinite(b.lo)) return Math.log(q);
  // a / b = q (1 + c) with c = (a - q b.hi - q b.lo) / (q b.hi)
  const p = q * b.hi;
  const r = a - p - twoProdErr(q, b.hi, p) - q * b.lo;
  const c = r / p;
  // close to 1: log(q (1 + c)) = log1p((q - 1) + q c), q - 1 exact
  if (q > 0.5 && q < 2) return Math.log1p(q - 1 + q * c);
  return Math.log(q) + c;
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), ~2^-104 relative. */
export function softplus(x: number): DD {
  if (x !== x) return { hi: NaN, lo: 0 };
  if (x === Infinity) return { hi: Infinity, lo: 0 };
  if (x === -Infinity) return { hi: 0, lo: 0 };
  const tail = log1p(exp(-Math.abs(x)));
  return x > 0 ? addD(tail, x) : tail;
}

/** [sigmoid(x), sigmoid(-x)] = [1, e] / (1 + e) or [e, 1] / (1 + e), e = e^-|x|; ~2^-103 relative each. */
export function sigmoidPair(x: number): [DD, DD] {
  if (x !== x) return [{ hi: NaN, lo: 0 }, { hi: NaN, lo: 0 }];
  const e = exp(-Math.abs(x));
  const d = addD(e, 1);
  const big = div(ONE, d);
  const small = div(e, d);
  return x >= 0 ? [big, small] : [small, big];
}

/** sigmoid(x) = 1 / (1 + e^-x) (x >= 0) or e^x / (1 + e^x) (x < 0), as sigmoidPair(x)[0]. */
export function sigmoid(x: number): DD {
  if (x !== x) return { hi: NaN, lo: 0 };
  const e = exp(-Math.abs(x));
  return div(x >= 0 ? ONE : e, addD(e, 1));
}

/**
 * a^g for a dd a >= 0: binary powering for integer |g| <= 1024 (~2^-104 |g| relative), else
 * e^(g ln a) (~2^-96). a^0 = 1.
 */
export function pow(a: DD, g: number): DD {
  if (a.hi !== a.hi || g !== g) return { hi: NaN, lo: 0 };
  if (g === 0) return { hi: 1, lo: 0 };
  if (a.hi === 0) return { hi: g > 0 ? 0 : Infinity, lo: 0 };
  if (Number.isInteger(g) && Math.abs(g) <= 1024) {
    let n = Math.abs(g);
    let r: DD = { hi: 1, lo: 0 };
    let b = a;
    while (n > 0) {
      if (n & 1) r = mul(r, b);
      n = Math.floor(n / 2);
      if (n > 0) b = mul(b, b);
    }
    return g > 0 ? r : div({ hi: 1, lo: 0 }, r);
  }
  if (a.hi < 0) return { hi: NaN, lo: 0 };
  return expDD(mulD(logDD(a), g));
}

/**
 * a^g as a float64 for a dd a > 0, to about an ulp: Math.pow(hi, g) (1 + g lo / hi). Much cheaper
 * than pow() when only the float64 power is needed but a's lo must still count.
 */
export function powToNumber(a: DD, g: number): number {
  const p = Math.pow(a.hi, g);
  if (!Number.isFinite(p) || p === 0 || a.hi === 0) return p;
  return p + p * (g * (a.lo / a.hi));
}

/**
 * Running double-double sum (each term added with `add`, ~2^-106 of the running sum). Non-finite
 * terms are kept apart so that inf/NaN propagate as in IEEE float64 summation.
 */
export class DDSum {
  hi = 0;
  lo = 0;
  private special = 0;

  addDD(a: DD): void {
    if (!Number.isFinite(a.hi)) {
      this.special += a.hi;
      return;
    }
    const r = add({ hi: this.hi, lo: this.lo }, a);
    this.hi = r.hi;
    this.lo = r.lo;
  }

  addNumber(v: number): void {
    this.addDD({ hi: v, lo: 0 });
  }

  value(): DD {
    // special + hi: an overflowed finite sum meeting an infinity of the other sign is NaN
    if (this.special !== 0 || this.special !== this.special) return { hi: this.special + this.hi, lo: 0 };
    return { hi: this.hi, lo: this.lo };
  }

  /** The sum rounded to a float64. */
  number(): number {
    return toNumber(this.value());
  }
}
