/**
 * Scalar kernels in float64. Tensor ops call these and round the result to their dtype once.
 * Each is written in the form that keeps full float64 accuracy over the whole real line.
 */

/** sigmoid(x) = 1 / (1 + e^-x); for x < 0 as e^x / (1 + e^x) so e^-x never overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, no loss for x << 0. */
export function softplus(x: number): number {
  if (x !== x) return x;
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(e^-|x|). */
export function logSigmoid(x: number): number {
  if (x !== x) return x;
  return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Binary cross-entropy of a label z and a logit x, -(z log sigmoid(x) + (1 - z) log(1 - sigmoid(x))),
 * written as TF's sigmoid_cross_entropy_with_logits does, max(x, 0) - x z + log1p(e^-|x|), but
 * with the first two terms grouped as x (1 - z) (x >= 0) or -x z (x < 0) so that for z in [0, 1]
 * both terms are non-negative and nothing cancels.
 */
export function sigmoidCrossEntropy(z: number, x: number): number {
  const lin = x >= 0 ? x * (1 - z) : -x * z;
  return lin + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Python's round-half-even is not needed; clip follows tf.clip_by_value / torch.clamp (NaN stays NaN). */
export function clip(x: number, lo: number, hi: number): number {
  if (x !== x) return x;
  return x < lo ? lo : x > hi ? hi : x;
}
