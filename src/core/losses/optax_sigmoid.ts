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
    return D.toNumber(sigmoidBCE(xi, yi));
  });
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
    const ce = sigmoidBCE(xi, yi);
    const w = D.add(D.mul(D.sigmoid(xi), D.twoSum(1, -yi)), D.mulD(D.sigmoid(-xi), yi));
    let focal: D.DD;
    if (w.hi < 0) focal = { hi: NaN, lo: 0 };
    else if (w.hi === 0) focal = { hi: gamma > 0 ? 0 : gamma < 0 ? Infinity : NaN, lo: 0 };
    else focal = D.pow(w, gamma);
    let loss = mulDD(ce, focal);
    if (alpha !== null) loss = mulDD(D.add(D.twoProd(alpha, yi), D.mulD(D.twoSum(1, -yi), oneMinusAlpha)), loss);
    return D.toNumber(loss);
  });
}

