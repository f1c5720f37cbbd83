import { DD, DDSum, add, addD, dd, div, expDD, logDD, logRatio, mul, mulD, powToNumber, sigmoidPair, sub, toNumber, twoProd, twoProdErr, twoSum, twoSumErr } from '../dd';
import { FloatDType, roundTo } from '../dtype';
import * as S from '../scalar';
import { laneArgMax, laneMax, laneT, scanLane } from '../softmax';

/**
 * Per-lane and per-element arithmetic of the Keras 3 cross-entropies (probability paths, focal
 * terms, KL). Everything is computed in float64 from the stored inputs, with the framework's
 * constants in the compute dtype, and returned unrounded; the callers round once.
 * Formulas follow keras/src/backend/tensorflow/nn.py and keras/src/losses/losses.py.
 */

/**
 * Keras's clip bounds in a dtype: epsilon = backend.epsilon() = 1e-7 and 1 - epsilon, each a
 * Python float converted to the dtype. In float32 these are 1.00000001e-7 and 0.99999988
 * (1 - 1e-7 rounds down to 1 - 2^-23), which caps -log(p) at 15.942385 and -log(1 - p) at 15.942385.
 */
export interface ClipBounds {
  eps: number;
  hi: number;
  /**
   * log(eps), log(hi), log(1 - eps), log(1 - hi), with 1 - eps and 1 - hi formed in the dtype as
   * the framework's `1 - output` is: in float32, 1 - 1.00000001e-7 rounds to 0.99999988, so a
   * clipped 0 costs -log(0.99999988) = 1.1920929e-7, not 1e-7 (issue 8).
   */
  logEps: number;
  logHi: number;
  log1mEps: number;
  log1mHi: number;
  /** The compute dtype is float32: `1 - p` rounds to float32. */
  f32: boolean;
}

export function clipBounds(dtype: FloatDType): ClipBounds {
  const eps = roundTo(dtype, 1e-7);
  const hi = roundTo(dtype, 1 - 1e-7);
  return { eps, hi, logEps: Math.log(eps), logHi: Math.log1p(-(1 - hi)), log1mEps: Math.log(roundTo(dtype, 1 - eps)), log1mHi: Math.log(1 - hi), f32: dtype === 'float32' };
}

/** The lane sum of `v` as a (cascaded, not renormalised) double-double (lo is 0 when hi is not finite). */
export function laneSumDD(v: ArrayLike<number>, off: number, n: number, stride: number): DD {
  let h = 0;
  let l = 0;
  for (let i = 0, p = off; i < n; i++, p += stride) {
    const x = v[p];
    const s = h + x;
    l += twoSumErr(h, x, s); // 0 once s is not finite
    h = s;
  }
  return { hi: h, lo: Number.isFinite(h) ? l : 0 };
}

/** Compares a / b with a double c: negative, zero or positive (NaN for NaN). */
function cmpRatio(a: number, b: DD, c: number): number {
  const q = a / b.hi;
  if (!Number.isFinite(q) || b.lo === 0) return q - c;
  if (q !== c) return q - c;
  // q == c: decide by the sign of a - c (b.hi + b.lo); a - c b.hi is exact (Sterbenz)
  const p = c * b.hi;
  return a - p - twoProdErr(c, b.hi, p) - c * b.lo;
}

/**
 * -log(clip(a / s, eps, 1 - eps)): one term of Keras's categorical cross-entropy on probabilities
 * (the prediction renormalised by its double-double lane sum s, then clipped). NaN stays NaN.
 */
export function negLogClippedRatio(a: number, s: DD, cb: ClipBounds): number {
  const q = a / s.hi;
  if (q !== q) return NaN;
  if (cmpRatio(a, s, cb.eps) < 0) return -cb.logEps;
  if (cmpRatio(a, s, cb.hi) > 0) return -cb.logHi;
  return -logRatio(a, s);
}

/**
 * Keras categorical cross-entropy of one lane on probabilities:
 *   -sum_i y_i log(clip(p_i / sum_j p_j, eps, 1 - eps))
 * A NaN anywhere in the lane makes it NaN (0 * NaN is NaN in the framework too).
 */
export function categoricalProbLane(y: ArrayLike<number>, p: ArrayLike<number>, off: number, n: number, stride: number, cb: ClipBounds): number {
  const s = laneSumDD(p, off, n, stride);
  const acc = new DDSum();
  for (let i = 0, k = off; i < n; i++, k += stride) {
    const L = negLogClippedRatio(p[k], s, cb);
    if (L !== L) return NaN;
    const yi = y[k];
    if (yi !== 0) acc.addNumber(yi * L);
  }
  return acc.number();
}

/**
 * TF backend sparse categorical cross-entropy on probabilities of one lane with label c:
 * log(clip(p)) is fed to sparse_softmax_cross_entropy_with_logits, so the result is
 *   log(sum_j clip(p_j)) - log(clip(p_c))
 * (renormalised after clipping, unlike the categorical path and the other backends).
 */
export function sparseTfProbLane(p: ArrayLike<number>, off: number, n: number, stride: number, c: number, cb: ClipBounds): number {
  let h = 0;
  let l = 0;
  let pc = NaN;
  for (let i = 0, k = off; i < n; i++, k += stride) {
    const x = S.clip(p[k], cb.eps, cb.hi);
    if (x !== x) return NaN;
    if (i === c) pc = x;
    const s = h + x;
    l += twoSumErr(h, x, s);
    h = s;
  }
  return -logRatio(pc, { hi: h, lo: l });
}

/**
 * Sparse categorical cross-entropy from logits of one lane (log_softmax gathered at c):
 * (m - x_c) + log1p(t) with softmax.ts's lane statistics.
 */
export function sparseLogitsLane(x: ArrayLike<number>, off: number, n: number, stride: number, c: number): number {
  scanLane(x, off, n, stride);
  if (laneT !== laneT) return NaN;
  const xc = x[off + c * stride];
  const l = Math.log1p(laneT);
  return c === laneArgMax || xc === laneMax ? l : laneMax - xc + l;
}

/**
 * A binary label y' = y a + b (a = 1 - label_smoothing, b = label_smoothing / 2 in the dtype; a = 1,
 * b = 0 without smoothing) and 1 - y', both as exact double-doubles. Rounding y' first would cost
 * ulp(y') / (1 - y') in 1 - y': ~10 float64 ulps for a smoothed 1 (y' = 0.95).
 */
export class BinLabel {
  yh = 0;
  yl = 0;
  oh = 1;
  ol = 0;

  set(y: number, a: number, b: number): this {
    if (a === 1 && b === 0) {
      this.yh = y;
      this.yl = 0;
    } else {
      const p = y * a;
      const s = p + b;
      const se = Number.isFinite(s) ? twoSumErr(p, b, s) + twoProdErr(y, a, p) : 0;
      this.yh = s + se;
      this.yl = Number.isFinite(this.yh) ? se - (this.yh - s) : 0;
    }
    const d = 1 - this.yh;
    const de = Number.isFinite(d) ? twoSumErr(1, -this.yh, d) - this.yl : 0;
    this.oh = d + de;
    this.ol = Number.isFinite(this.oh) ? de - (this.oh - d) : 0;
    return this;
  }

  /** -(y' lp + (1 - y') l1p) for lp = log(p), l1p = log(1 - p). */
  xent(lp: number, l1p: number): number {
    return -(this.yh * lp + this.yl * lp) - (this.oh * l1p + this.ol * l1p);
  }
}

/**
 * -(y log(p) + (1 - y) log(1 - p)) with p = clip(v, eps, 1 - eps) (Keras binary_crossentropy),
 * 1 - p formed in the dtype as the framework's tensor subtraction does (exact for p >= 0.5).
 */
export function bceProb(y: BinLabel, v: number, cb: ClipBounds): number {
  if (v !== v) return NaN;
  if (v < cb.eps) return y.xent(cb.logEps, cb.log1mEps);
  if (v > cb.hi) return y.xent(cb.logHi, cb.log1mHi);
  const om = 1 - v; // exact for a float32 v; the float64 rounding for a float64 one
  return y.xent(Math.log(v), Math.log(cb.f32 ? Math.fround(om) : om));
}

/** bceProb of p = sigmoid(x), clipped (the numpy backend's from_logits path and focal in jax/torch). */
export function bceSigmoidClipped(y: BinLabel, x: number, cb: ClipBounds): number {
  if (x !== x) return NaN;
  const s = S.sigmoid(x);
  if (s < cb.eps) return y.xent(cb.logEps, cb.log1mEps);
  if (s > cb.hi) return y.xent(cb.logHi, cb.log1mHi);
  return y.xent(S.logSigmoid(x), S.logSigmoid(-x));
}

/** tf.nn.sigmoid_cross_entropy_with_logits with a double-double label: x (1 - y') or -x y', plus log1p(e^-|x|). */
export function bceLogits(y: BinLabel, x: number): number {
  if (x !== x) return NaN;
  const lin = x >= 0 ? x * y.oh + x * y.ol : -x * y.yh - x * y.yl;
  return lin + Math.log1p(Math.exp(-Math.abs(x)));
}

export interface FocalParams {
  gamma: number;
  /** [weight of class 1, weight of class 0] = [alpha, 1 - alpha] when apply_class_balancing. */
  balance: [number, number] | null;
  fromLogits: boolean;
  /** TF backend with from_logits: bce uses the fused logits kernel (no clipping). */
  fused: boolean;
}

/**
 * One element of Keras binary_focal_crossentropy, as a double-double:
 *   p = sigmoid(x) if from_logits else y_pred;  bce = binary_crossentropy(y', p)
 *   focal = (1 - p_t)^gamma with 1 - p_t = y' (1 - p) + (1 - y') p   (p unclipped)
 *   [apply_class_balancing] weight = y' alpha + (1 - y')(1 - alpha)
 * 1 - p_t is formed in double-double (sigmoid too), so gamma does not amplify rounding errors.
 */
export function binaryFocalElement(y: BinLabel, v: number, f: FocalParams, cb: ClipBounds): DD {
  let p: DD;
  let q: DD;
  let bce: number;
  if (f.fromLogits) {
    [p, q] = sigmoidPair(v);
    bce = f.fused ? bceLogits(y, v) : bceSigmoidClipped(y, v, cb);
  } else {
    p = dd(v);
    q = twoSum(1, -v);
    bce = bceProb(y, v, cb);
  }
  if (bce !== bce) return dd(NaN);
  const yy = dd(y.yh, y.yl);
  const oy = dd(y.oh, y.ol);
  let r = twoProd(powToNumber(add(mul(yy, q), mul(oy, p)), f.gamma), bce);
  if (f.balance) r = mul(r, add(mulD(yy, f.balance[0]), mulD(oy, f.balance[1])));
  return r;
}

/**
 * Keras categorical_focal_crossentropy of one lane:
 *   p = softmax(x) if from_logits else y_pred;  out = clip(p / sum(p), eps, 1 - eps)
 *   sum_i alpha_i (1 - out_i)^gamma (-y_i log(out_i))
 * (for logits, p / sum(p) is p itself). With `precise` (float64), 1 - out and the softmax are
 * double-doubles (e^(x - m) by expDD), so the power does not amplify their rounding.
 */
export function categoricalFocalLane(
  y: ArrayLike<number>,
  v: ArrayLike<number>,
  off: number,
  n: number,
  stride: number,
  gamma: number,
  alphaAt: (flat: number) => number,
  fromLogits: boolean,
  cb: ClipBounds,
  precise: boolean,
): number {
  let s: DD = dd(0);
  let m = 0;
  let k = -1;
  let lse: DD = dd(0);
  let z: DD = dd(1);
  let ex: DD[] = [];
  if (fromLogits) {
    scanLane(v, off, n, stride);
    if (laneT !== laneT) return NaN;
    m = laneMax;
    k = laneArgMax;
    if (precise) {
      ex = new Array<DD>(n);
      const acc = new DDSum();
      for (let i = 0, j = off; i < n; i++, j += stride) {
        ex[i] = i === k ? dd(1) : expDD(twoSum(v[j], -m));
        if (i !== k) acc.addDD(ex[i]);
      }
      z = addD(acc.value(), 1);
      lse = logDD(z);
    } else {
      z = dd(1 + laneT);
      lse = dd(Math.log1p(laneT));
    }
  } else {
    s = laneSumDD(v, off, n, stride);
  }
  const acc = new DDSum();
  for (let i = 0, j = off; i < n; i++, j += stride) {
    let logp: number;
    let q: DD;
    let p: number;
    if (fromLogits) {
      const d = v[j] - m;
      if (precise) {
        const e = ex[i];
        p = div(e, z).hi;
        q = div(sub(z, e), z);
        logp = i === k ? -toNumber(lse) : d + (twoSumErr(v[j], -m, d) - lse.hi - lse.lo);
      } else {
        p = (i === k ? 1 : Math.exp(d)) / z.hi;
        q = dd((i === k ? laneT : laneT - Math.expm1(d)) / z.hi);
        logp = i === k ? -lse.hi : d - lse.hi;
      }
    } else {
      p = v[j] / s.hi;
      if (p !== p) return NaN;
      logp = logRatio(v[j], s);
      q = div(addD(s, -v[j]), s);
    }
    if (p < cb.eps) {
      logp = cb.logEps;
      q = dd(1 - cb.eps);
    } else if (p > cb.hi) {
      logp = cb.logHi;
      q = dd(1 - cb.hi);
    }
    const yi = y[j];
    if (yi === 0) continue;
    const w = twoProd(powToNumber(q, gamma), alphaAt(j));
    acc.addDD(mulD(w, -yi * logp));
  }
  return acc.number();
}

/**
 * Keras kl_divergence of one lane: sum_i a_i log(a_i / b_i) with a = clip(y_true, eps, 1),
 * b = clip(y_pred, eps, 1). Terms have both signs and can cancel, so for float64 each term is a
 * double-double (logDD) and the sum is exact to ~2^-100; float32 needs only float64.
 */
export function klLane(yt: ArrayLike<number>, yp: ArrayLike<number>, off: number, n: number, stride: number, cb: ClipBounds, precise: boolean): number {
  const acc = new DDSum();
  for (let i = 0, k = off; i < n; i++, k += stride) {
    const a = S.clip(yt[k], cb.eps, 1);
    const b = S.clip(yp[k], cb.eps, 1);
    if (a !== a || b !== b) return NaN;
    if (precise) acc.addDD(mulD(logDD(div(dd(a), dd(b))), a));
    else acc.addNumber(a * logRatio(a, dd(b)));
  }
  return acc.number();
}
