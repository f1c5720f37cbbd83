/**
 * Double-double arithmetic: a value is the unevaluated sum hi + lo of two float64s with
 * |lo| <= ulp(hi) / 2, about 106 significant bits. Used by the torch and optax losses where a
 * loss is a sum of terms of both signs whose exact value can be far smaller than the terms (KL
 * divergence of two close distributions, poly loss with epsilon = -1), so that float64 terms
 * would lose every digit. (precise.ts holds the Keras/TF helpers' own tuple-based variant.)
 *
 * Error-free transforms after Dekker (1971) and Knuth; exp/log by argument reduction and short
 * series in double-double, accurate to about 2^-100 relative. No fma is used (JavaScript has none).
 */

export interface DD {
  hi: number;
  lo: number;
}

const SPLITTER = 134217729; // 2^27 + 1
const SPLIT_LIMIT = 6.69692879491417e299; // 2^996: above this a * SPLITTER can overflow

export const dd = (hi: number, lo = 0): DD => ({ hi, lo });

/** s + e = a + b exactly. */
export function twoSum(a: number, b: number): DD {
  const s = a + b;
  if (!Number.isFinite(s)) return { hi: s, lo: 0 };
  const bb = s - a;
  const e = a - (s - bb) + (b - bb);
  return { hi: s, lo: e };
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  if (!Number.isFinite(s)) return { hi: s, lo: 0 };
  return { hi: s, lo: b - (s - a) };
}

/** p + e = a * b exactly (barring underflow of e). */
export function twoProd(a: number, b: number): DD {
  const p = a * b;
  if (!Number.isFinite(p) || Math.abs(a) > SPLIT_LIMIT || Math.abs(b) > SPLIT_LIMIT) return { hi: p, lo: 0 };
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  return { hi: p, lo: e };
}

export function add(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  if (!Number.isFinite(s.hi)) return s;
  const t = twoSum(a.lo, b.lo);
  let e = s.lo + t.hi;
  const u = quickTwoSum(s.hi, e);
  e = t.lo + u.lo;
  return quickTwoSum(u.hi, e);
}

export function addD(a: DD, b: number): DD {
  const s = twoSum(a.hi, b);
  if (!Number.isFinite(s.hi)) return s;
  return quickTwoSum(s.hi, s.lo + a.lo);
}

export const neg = (a: DD): DD => ({ hi: -a.hi, lo: -a.lo });
export const sub = (a: DD, b: DD): DD => add(a, neg(b));

export function mul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  if (!Number.isFinite(p.hi)) return p;
  return quickTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

export function mulD(a: DD, b: number): DD {
  const p = twoProd(a.hi, b);
  if (!Number.isFinite(p.hi)) return p;
  return quickTwoSum(p.hi, p.lo + a.lo * b);
}

export function divD(a: DD, b: number): DD {
  const q1 = a.hi / b;
  if (!Number.isFinite(q1)) return { hi: q1, lo: 0 };
  const r = sub(a, twoProd(q1, b));
  const q2 = r.hi / b;
  const r2 = sub(r, twoProd(q2, b));
  const q3 = r2.hi / b;
  return addD(quickTwoSum(q1, q2), q3);
}

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

/** e^x as a double-double, for a float64 x. */
export function exp(x: number): DD {
  if (x !== x) return { hi: NaN, lo: 0 };
  if (x > 709.782712893384) return { hi: Infinity, lo: 0 };
  if (x < -745.2) return { hi: 0, lo: 0 };
  if (x === 0) return { hi: 1, lo: 0 };
  const k = Math.round(x / LN2.hi);
  const r = sub({ hi: x, lo: 0 }, mulD(LN2, k)); // x - k ln2, to ~2^-106
  return ldexp(addD(expm1Small(r), 1), k);
}

/** e^x as a dd for a dd argument x: e^hi (1 + lo). */
export function expDD(x: DD): DD {
  const e = exp(x.hi);
  if (x.lo === 0 || !Number.isFinite(e.hi) || e.hi === 0) return e;
  return add(e, mulD(e, x.lo));
}

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

/** ln x as a double-double for a float64 x > 0 (NaN below 0, -inf at 0, +inf at +inf). */
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

/** ln(a) for a dd a > 0: log(hi) + log1p(lo / hi), the latter ~ lo / hi. */
export function logDD(a: DD): DD {
  const l = log(a.hi);
  if (a.lo === 0 || !Number.isFinite(l.hi)) return l;
  const r = a.lo / a.hi;
  return addD(l, r - (r * r) / 2);
}

/** ln(1 + u) for a dd u > -1; a short series for tiny u keeps u's full relative precision. */
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

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), as a dd. */
export function softplus(x: number): DD {
  if (x !== x) return { hi: NaN, lo: 0 };
  if (x === Infinity) return { hi: Infinity, lo: 0 };
  if (x === -Infinity) return { hi: 0, lo: 0 };
  const tail = log1p(exp(-Math.abs(x)));
  return x > 0 ? addD(tail, x) : tail;
}

/** sigmoid(x) = 1 / (1 + e^-x) (x >= 0) or e^x / (1 + e^x) (x < 0), as a dd. */
export function sigmoid(x: number): DD {
  if (x !== x) return { hi: NaN, lo: 0 };
  if (x >= 0) return div({ hi: 1, lo: 0 }, addD(exp(-x), 1));
  const e = exp(x);
  return div(e, addD(e, 1));
}

/** a^g for a dd a >= 0: binary powering for integer |g| <= 1024, else e^(g ln a). a^0 = 1. */
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

/** Running double-double sum; non-finite terms are kept apart so inf/NaN propagate as in IEEE. */
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
    if (this.special !== 0 || this.special !== this.special) return { hi: this.special, lo: 0 };
    return { hi: this.hi, lo: this.lo };
  }

  number(): number {
    return toNumber(this.value());
  }
}
