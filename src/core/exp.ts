/**
 * A table-driven e^x for the softmax / cross-entropy kernels, faster than Math.exp in V8.
 *
 * V8 compiles Math.exp to a call into its C++ port of fdlibm; this version is ~15 floating-point
 * operations and two table loads that TurboFan inlines into the kernel loops: ~2.5x the
 * throughput of Math.exp in a summing loop (3.6-4 ns against 9.3-9.6 ns per term on the
 * benchmark machine), and as accurate (<= 0.55 ulp, where Math.exp is < 1 ulp).
 *
 * Method (Tang's table-driven exp, as in glibc and musl), with N = 2048:
 *   x = (k / N) ln2 + r,   k = round(x N / ln2),   |r| <= ln2 / (2N) ~= 1.7e-4
 *   e^x = 2^(k >> 11) * 2^((k & 2047) / N) * e^r
 * - r is computed with a Cody-Waite split of ln2/N into LN2N_HI (31 significant bits, so that
 *   k * LN2N_HI is exact for |k| < 2^22) and LN2N_LO; x - k*LN2N_HI is then exact (Sterbenz)
 *   and r is the exact reduced argument up to its own final rounding (~2^-53 relative).
 * - 2^(j/N) = TAB_HI[j] * (1 + TAB_TL[j]) where TAB_HI is a double and TAB_TL the relative tail
 *   (|TAB_TL| <= 2^-53); the tail is added into the polynomial so the table is effectively
 *   ~100 bits accurate (this is what brings the error from ~1 ulp down to ~0.5 ulp).
 * - e^r - 1 ~= r + C2 r^2 + C3 r^3 with C2, C3 fitted (least squares on Chebyshev nodes, mpmath)
 *   to a relative error < 6e-18 on |r| <= ln2/(2N), i.e. 0.03 ulp.
 * - 2^(k >> 11) comes from the table POW2 (exact powers of two), so the reconstruction
 *   (TAB_HI + TAB_HI * tmp) * 2^e rounds only once, in the addition; multiplying by a power of
 *   two is exact while the result is normal. Results that would be subnormal (x < -708.39) are
 *   formed 2^64 larger and scaled down in one rounding (expTiny); x > 709 goes to Math.exp.
 * Measured (scripts/bench/accuracy.mjs): max error 0.55 ulp against mpmath on 20,000 points,
 * within 1 ulp of Math.exp everywhere (identical on ~90% of points).
 *
 * The tables are built at load time from sqrt(2) by repeated double-double square roots, so no
 * long literal tables are needed: c_i = 2^(2^-i) (i = 1..11) to ~2^-104, and
 * 2^(j/N) = prod of c_i over the bits of j, each entry one double-double product away from a
 * smaller one (<= 11 products deep, relative error < 2^-99).
 */

const N_BITS = 11;
const N = 1 << N_BITS;
const MASK = N - 1;
/** N / ln2; any value within a few ulps works since it only picks k. */
const INV_LN2N = 2954.639443740597;
/** ln2/N = LN2N_HI + LN2N_LO, LN2N_HI with 31 significant bits (ln2/2048 truncated). */
const LN2N_HI = 0.0003384507715509244;
const LN2N_LO = 2.0686139481490644e-13;
/** ln2/N rounded to double, for the relaxed variant. */
const LN2N = 0.0003384507717577858;
const C2 = 0.5000000009943503;
const C3 = 0.1666666667760452;

/** 2^(j/N) = TAB_HI[j] (1 + TAB_TL[j]). */
export const TAB_HI = new Float64Array(N);
export const TAB_TL = new Float64Array(N);
/** POW2[e + POW2_BIAS] = 2^e exactly for e in [-1074, 1023]; POW2[0] (e = -1075) holds 0. */
const POW2_BIAS = 1075;
const POW2 = new Float64Array(POW2_BIAS + 1024);

/** Below this, e^x is subnormal (< 2^-1022) and the power-of-two scaling would round twice. */
const FAST_MIN = -708.39;
/** Above this, 2^e * 2^(j/N) could overflow before the final rounding. */
const FAST_MAX = 709;
/** expNegApprox's range: below it the term is < 2^-1067 and dropped (see there). */
const APPROX_MIN = -740;

let prodLo = 0;
buildTables();

function buildTables(): void {
  POW2[POW2_BIAS] = 1;
  for (let e = 1; e <= 1023; e++) POW2[POW2_BIAS + e] = POW2[POW2_BIAS + e - 1] * 2;
  for (let e = -1; e >= -1074; e--) POW2[POW2_BIAS + e] = POW2[POW2_BIAS + e + 1] * 0.5;
  POW2[0] = 0; // 2^-1075 is below the smallest subnormal

  // c_i = 2^(2^-i) as double-doubles, i = 1..N_BITS, by c_{i} = sqrt(c_{i-1}), c_0 = 2.
  const ch = new Float64Array(N_BITS + 1);
  const cl = new Float64Array(N_BITS + 1);
  ch[0] = 2;
  for (let i = 1; i <= N_BITS; i++) {
    // sqrt(a) for a = ah + al: s = sqrt(ah), then s + (a - s^2) / (2s), with s^2 formed exactly.
    const ah = ch[i - 1];
    const al = cl[i - 1];
    const s = Math.sqrt(ah);
    const sq = twoProd(s, s);
    const corr = ((ah - sq) - prodLo + al) / (2 * s);
    ch[i] = s + corr;
    cl[i] = corr - (ch[i] - s);
  }
  // Double-double table: entry j | bit = entry j * c(bit); bit 2^b of j stands for 2^(2^b / N),
  // which is c_(N_BITS - b).
  const hh = new Float64Array(N);
  const hl = new Float64Array(N);
  hh[0] = 1;
  for (let b = 0; b < N_BITS; b++) {
    const bit = 1 << b;
    const c = N_BITS - b;
    for (let j = 0; j < bit; j++) {
      // (hh + hl)(ch + cl) ~= hh*ch (exact as p + prodLo) + hh*cl + hl*ch
      const p = twoProd(hh[j], ch[c]);
      const lo = prodLo + (hh[j] * cl[c] + hl[j] * ch[c]);
      const h = p + lo;
      hh[j | bit] = h;
      hl[j | bit] = lo - (h - p);
    }
  }
  for (let j = 0; j < N; j++) {
    TAB_HI[j] = hh[j];
    TAB_TL[j] = hl[j] / hh[j];
  }
}

/** a*b = result + prodLo exactly (Dekker/Veltkamp, no FMA needed); |a|, |b| < 2^995. */
function twoProd(a: number, b: number): number {
  const p = a * b;
  const sa = 134217729 * a; // 2^27 + 1
  const ah = sa - (sa - a);
  const al = a - ah;
  const sb = 134217729 * b;
  const bh = sb - (sb - b);
  const bl = b - bh;
  prodLo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

/**
 * e^x for any float64 x, within 0.55 ulp (subnormal results within 1 ulp; Math.exp above 709,
 * i.e. near overflow and for +Infinity; NaN gives NaN).
 */
export function exp(x: number): number {
  if (!(x >= FAST_MIN && x <= FAST_MAX)) return x < FAST_MIN ? expTiny(x, 0) : Math.exp(x);
  // k = round(x N / ln2): truncation toward zero of z -+ 1/2 rounds to nearest for either sign.
  const z = x * INV_LN2N;
  const k = (z < 0 ? z - 0.5 : z + 0.5) | 0;
  const r = (x - k * LN2N_HI) - k * LN2N_LO;
  const j = k & MASK;
  const tmp = TAB_TL[j] + r + r * r * (C2 + r * C3);
  const s = TAB_HI[j];
  return (s + s * tmp) * POW2[(k >> N_BITS) + POW2_BIAS];
}

/**
 * e^d for d <= 0, the form the lane kernels inline (d = x_i - max): the same arithmetic and
 * accuracy as exp(), without its sign test. NaN gives NaN, -Infinity 0. Requires d <= 0 (for
 * d > 0 the rounding of k is off by one and the accuracy is not guaranteed).
 * The rare tiny range has no Math.exp call: a call inside the inlined function makes V8 save
 * registers around it and costs the kernels ~10% even when never taken.
 */
export function expNeg(d: number): number {
  if (d < FAST_MIN) return expTiny(d, 0);
  const k = (d * INV_LN2N - 0.5) | 0; // = round(d N / ln2) for d <= 0: | 0 truncates toward 0
  const r = (d - k * LN2N_HI) - k * LN2N_LO;
  const j = k & MASK;
  const tmp = TAB_TL[j] + r + r * r * (C2 + r * C3);
  const s = TAB_HI[j];
  return (s + s * tmp) * POW2[(k >> N_BITS) + POW2_BIAS];
}

/**
 * e^(d + dl) for d <= 0 and a tiny correction |dl| <= ulp(d)/2: expNeg of the double-double
 * d + dl, for float64 kernels whose d = x - m is rounded: with dl the exact rounding error
 * (2Sum) each term e^(x - m) is within ~0.55 ulp of the exact e^(x - m). Without it, the
 * rounding of x - m (up to |x - m| 2^-53) is multiplied into the term, e.g. 20 * 2^-53 (several
 * ulps) for a loss log1p(t) carried by terms 20 below the maximum. dl enters the reduced
 * argument r, where it is one more addition.
 */
export function expNeg2(d: number, dl: number): number {
  if (d < FAST_MIN) return expTiny(d, dl);
  const k = (d * INV_LN2N - 0.5) | 0;
  const r = ((d - k * LN2N_HI) - k * LN2N_LO) + dl;
  const j = k & MASK;
  const tmp = TAB_TL[j] + r + r * r * (C2 + r * C3);
  const s = TAB_HI[j];
  return (s + s * tmp) * POW2[(k >> N_BITS) + POW2_BIAS];
}

/**
 * e^(d + dl) for d < -708.39 (subnormal or zero results; -Infinity gives 0). The result is
 * formed at 2^64 times its size, where it is normal, and scaled down by 2^-64 in one final
 * rounding to the subnormal grid: within 0.8 ulp of that grid (0.5 from this rounding, up to
 * 0.3 from the 53-bit result of the largest subnormals, whose grid is only one bit coarser).
 */
function expTiny(d: number, dl: number): number {
  if (!(d >= -746)) return 0; // e^-746 < 2^-1076: rounds to 0 (also -Infinity)
  const k = (d * INV_LN2N - 0.5) | 0;
  const r = ((d - k * LN2N_HI) - k * LN2N_LO) + dl;
  const j = k & MASK;
  const tmp = TAB_TL[j] + r + r * r * (C2 + r * C3);
  const s = TAB_HI[j];
  return (s + s * tmp) * POW2[(k >> N_BITS) + 64 + POW2_BIAS] * 5.421010862427522e-20; // 2^-64
}

/**
 * e^d for -740 <= d <= 0 to a relative error < 1e-12 (8.1e-13 from the degree-2 polynomial,
 * ~1e-13 from the one-constant reduction), for kernels whose result is float32: there 1e-12 is
 * 1/60000 of an ulp. About 5 operations cheaper than expNeg (no tail, no Cody-Waite split,
 * degree 2). The caller must drop d < -740 itself (those terms are < 2^-1067: no float32 result
 * can see them) and must pass NaN through (NaN gives NaN here).
 */
export function expNegApprox(d: number): number {
  const k = (d * INV_LN2N - 0.5) | 0;
  const r = d - k * LN2N;
  const s = TAB_HI[k & MASK];
  return (s + s * (r + r * r * 0.5)) * POW2[(k >> N_BITS) + POW2_BIAS];
}

/** Lower end of expNegApprox's domain. */
export const EXP_NEG_APPROX_MIN = APPROX_MIN;
