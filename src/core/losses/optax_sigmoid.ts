import { broadcastShapes, broadcastTo } from '../broadcast';
import * as D from '../dd';
import { FloatDType, isFloat, roundTo } from '../dtype';
import { DTypeError } from '../errors';
import * as S from '../scalar';
import { Tensor } from '../tensor';

/**
 * optax's elementwise sigmoid losses (optax/losses/_classification.py sigmoid_binary_cross_entropy,
 * sigmoid_focal_loss), in double-double and rounded once. Re-exported by optax.ts.
 */

function requireFloat(t: Tensor, what: string): FloatDType {
  if (!isFloat(t.dtype)) throw new DTypeError(`${what} must be a floating array (jnp.floating), got ${t.dtype}`);
  return t.dtype;
}

/** a * b as dds with IEEE semantics for non-finite values (0 * inf = NaN). */
function mulDD(a: D.DD, b: D.DD): D.DD {
  if (!Number.isFinite(a.hi) || !Number.isFinite(b.hi)) return { hi: a.hi * b.hi, lo: 0 };
  return D.mul(a, b);
}

/** Labels cast to the logits' dtype (optax: labels = jnp.astype(labels, logits.dtype)), broadcast together. */
function castPair(logits: Tensor, labels: Tensor): { shape: number[]; x: Tensor; y: Tensor; dtype: FloatDType } {
  const dtype = requireFloat(logits, 'logits');
  const shape = broadcastShapes(logits.shape, labels.shape);
  const y = broadcastTo(labels, shape);
  const yc = Tensor.fill(dtype, shape, (i) => roundTo(dtype, y.data[i]));
  return { shape, x: broadcastTo(logits, shape), y: yc, dtype };
}

/** y softplus(-x) + (1 - y) softplus(x) = -y log_sigmoid(x) - (1 - y) log_sigmoid(-x), as a dd. */
function sigmoidBCE(x: number, y: number): D.DD {
  return D.add(D.mulD(D.softplus(-x), y), D.mul(D.softplus(x), D.twoSum(1, -y)));
}

/**
 * optax.sigmoid_binary_cross_entropy(logits, labels) elementwise:
 *   -y log_sigmoid(x) - (1 - y) log_sigmoid(-x) = y softplus(-x) + (1 - y) softplus(x)
 * labels are cast to the logits' dtype and broadcast; the result has the broadcast shape.
 * Double-double throughout, so labels outside [0, 1] (terms of both signs) stay exact.
 */
export function sigmoid_binary_cross_entropy(logits: Tensor, labels: Tensor): Tensor {
  const { shape, x, y, dtype } = castPair(logits, labels);
  return Tensor.fill(dtype, shape, (i) => {
    const xi = x.data[i];
    const yi = y.data[i];
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) return -yi * S.logSigmoid(xi) - (1 - yi) * S.logSigmoid(-xi);
    if (yi >= 0 && yi <= 1) return bceUnitLabel(xi, yi);
    return D.toNumber(sigmoidBCE(xi, yi));
  });
}

/**
 * sigmoidBCE for a label in [0, 1] in plain float64: both terms are non-negative (no
 * cancellation), each softplus is within ~1.5 ulp and 1 - y is carried exactly (Fast2Sum), so
 * the sum is within ~3 float64 ulps; ~20x faster than the double-double form, which a
 * 50,000-element call otherwise spends 2-3 s in. Labels outside [0, 1] keep the exact form.
 */
function bceUnitLabel(x: number, y: number): number {
  const om = 1 - y;
  const omLo = 1 - om - y; // 1 - y = om + omLo exactly (|1| >= |y|)
  const sp = S.softplus(x);
  return y * S.softplus(-x) + (sp * om + sp * omLo);
}

export interface FocalOptions {
  /** Weight of positives (alpha y + (1 - alpha)(1 - y)); null = none. */
  alpha?: number | null;
  /** Exponent of the modulating factor. Default 2. */
  gamma?: number;
}

/**
 * optax.sigmoid_focal_loss(logits, labels, *, alpha=None, gamma=2.0) elementwise:
 *   ce = sigmoid_binary_cross_entropy(x, y)
 *   1 - p_t = (1 - y) sigmoid(x) + y sigmoid(-x)      (optax: logsumexp([log_p, log_q], b=[1 - y, y]))
 *   loss = ce (1 - p_t)^gamma, times alpha y + (1 - alpha)(1 - y) when alpha is given
 * (alpha, 1 - alpha and gamma are Python floats, so constants of the logits' dtype).
 * (Pre-0.2.5 optax wrote 1 - p_t as 1 - (p y + (1 - p)(1 - y)): the same function.) All in
 * double-double; (1 - p_t)^gamma by repeated products for integer gamma. 1 - p_t = 0 with
 * gamma = 0 is exp(0 * -inf) = NaN in optax's log-space form, and kept so.
 */
export function sigmoid_focal_loss(logits: Tensor, labels: Tensor, opts: FocalOptions = {}): Tensor {
  const { shape, x, y, dtype } = castPair(logits, labels);
  // Python floats are weakly typed in JAX: they become constants of the logits' dtype.
  const gamma = roundTo(dtype, opts.gamma ?? 2);
  const alpha = opts.alpha === undefined || opts.alpha === null ? null : roundTo(dtype, opts.alpha);
  const oneMinusAlpha = alpha === null ? 0 : roundTo(dtype, 1 - (opts.alpha as number));
  return Tensor.fill(dtype, shape, (i) => {
    const xi = x.data[i];
    const yi = y.data[i];
    if (!Number.isFinite(xi) || !Number.isFinite(yi) || !Number.isFinite(gamma) || (alpha !== null && !Number.isFinite(alpha))) {
      const ce = -yi * S.logSigmoid(xi) - (1 - yi) * S.logSigmoid(-xi);
      const w = (1 - yi) * S.sigmoid(xi) + yi * S.sigmoid(-xi);
      const loss = ce * Math.exp(gamma * Math.log(w));
      return alpha === null ? loss : (alpha * yi + oneMinusAlpha * (1 - yi)) * loss;
    }
    if (dtype === 'float32' && yi >= 0 && yi <= 1) {
      // float32 result: float64 arithmetic (relative error ~1e-15) is far inside its half ulp
      const ce32 = bceUnitLabel(xi, yi);
      const w32 = (1 - yi) * S.sigmoid(xi) + yi * S.sigmoid(-xi);
      const loss32 = ce32 * (w32 === 0 ? (gamma > 0 ? 0 : gamma < 0 ? Infinity : NaN) : Math.pow(w32, gamma));
      return alpha === null ? loss32 : (alpha * yi + oneMinusAlpha * (1 - yi)) * loss32;
    }
    // For labels in [0, 1] the cross-entropy factor needs no double-double (bceUnitLabel, ~1-3
    // ulps); the focal factor, raised to gamma, does. One dd exp serves both sigmoids.
    const unit = yi >= 0 && yi <= 1;
    const ce = unit ? { hi: bceUnitLabel(xi, yi), lo: 0 } : sigmoidBCE(xi, yi);
    const [sp, sn] = D.sigmoidPair(xi);
    const w = D.add(D.mul(sp, D.twoSum(1, -yi)), D.mulD(sn, yi));
    let focal: D.DD;
    if (w.hi < 0) focal = { hi: NaN, lo: 0 };
    else if (w.hi === 0) focal = { hi: gamma > 0 ? 0 : gamma < 0 ? Infinity : NaN, lo: 0 };
    else focal = D.pow(w, gamma);
    let loss = mulDD(ce, focal);
    if (alpha !== null) loss = mulDD(D.add(D.twoProd(alpha, yi), D.mulD(D.twoSum(1, -yi), oneMinusAlpha)), loss);
    return D.toNumber(loss);
  });
}

