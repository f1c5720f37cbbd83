import { binary, broadcastTo } from '../broadcast';
import * as S from '../scalar';
import { Tensor } from '../tensor';
import { floatDtypeOf, requireSameShape, softmaxCrossEntropyDense, softmaxCrossEntropySparse } from './kernels';

/**
 * tf.nn cross-entropies (TF 2 signatures; the evaluator maps TF 1 named-only and TF 0.x
 * positional (logits, labels) calls onto these). None of them reduces: the result has the
 * logits' shape without the class axis (softmax) or the logits' shape (sigmoid).
 */

/**
 * tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis=-1)
 *   = -sum(labels * log_softmax(logits, axis), axis). Labels must have the logits' shape and dtype.
 */
export function softmaxCrossEntropyWithLogits(labels: Tensor, logits: Tensor, axis = -1): Tensor {
  return softmaxCrossEntropyDense(labels, logits, axis);
}

/**
 * tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits): integer labels of the logits'
 * shape without the last axis; out-of-range labels raise (TF on CPU).
 */
export function sparseSoftmaxCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor {
  return softmaxCrossEntropySparse(labels, logits, -1).loss;
}

/**
 * tf.nn.sigmoid_cross_entropy_with_logits(labels, logits) elementwise:
 *   z * -log(sigmoid(x)) + (1 - z) * -log(1 - sigmoid(x)) = max(x, 0) - x z + log(1 + e^-|x|)
 */
export function sigmoidCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor {
  const dtype = floatDtypeOf(logits, 'logits');
  requireSameShape(labels, logits);
  return binary(labels, logits, dtype, S.sigmoidCrossEntropy);
}

/**
 * tf.nn.weighted_cross_entropy_with_logits(labels, logits, pos_weight) elementwise:
 *   q z * -log(sigmoid(x)) + (1 - z) * -log(1 - sigmoid(x)) = q z softplus(-x) + (1 - z) softplus(x)
 * (TF writes it as (1 - z) x + (1 + (q - 1) z)(log1p(e^-|x|) + max(-x, 0)), the same function;
 * the softplus form keeps both terms non-negative). pos_weight broadcasts against the labels.
 */
export function weightedCrossEntropyWithLogits(labels: Tensor, logits: Tensor, posWeight: Tensor): Tensor {
  const dtype = floatDtypeOf(logits, 'logits');
  requireSameShape(labels, logits);
  const q = broadcastTo(posWeight, logits.shape);
  return Tensor.fill(dtype, logits.shape, (i) => {
    const z = labels.data[i];
    const x = logits.data[i];
    return q.data[i] * z * S.softplus(-x) + (1 - z) * S.softplus(x);
  });
}
