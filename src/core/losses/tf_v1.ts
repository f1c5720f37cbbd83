import { roundTo } from '../dtype';
import { ShapeError, ValueError } from '../errors';
import * as S from '../scalar';
import { Tensor, formatShape, sameShape } from '../tensor';
import { floatDtypeOf, softmaxCrossEntropyDense, softmaxCrossEntropySparse } from './kernels';
import { Reduction, pyShape, tfV1ComputeWeightedLoss } from './reduction';

/**
 * tf.compat.v1.losses cross-entropies, as tensorflow/python/ops/losses/losses_impl.py computes
 * them: a tf.nn per-example loss followed by compute_weighted_loss (reduction.ts), whose default
 * reduction is SUM_BY_NONZERO_WEIGHTS ("weighted_sum_by_nonzero_weights").
 *
 * The per-example losses are computed in float64 from the stored inputs and kept unrounded until
 * the reduction rounds once. compute_weighted_loss casts losses to float32 internally, so float64
 * inputs give a float64 tensor with a float32-precision value (modelled in reduction.ts).
 */

/** Arguments shared by every tf.compat.v1.losses function (besides the tensors). */
export interface TfV1CommonOptions {
  /** Scalar or a tensor of the losses' rank whose dimensions are 1 or the losses' (default 1.0). */
  weights?: Tensor | number;
  /** A Reduction key string (default "weighted_sum_by_nonzero_weights"). */
  reduction?: string;
  /** Accepted and ignored (graph-mode name scope / collection). */
  scope?: string | null;
  loss_collection?: unknown;
}

export interface TfV1SmoothingOptions extends TfV1CommonOptions {
  /** "If greater than 0 then smooth the labels" (not range-checked by TF). */
  label_smoothing?: number;
}

export interface TfV1LogLossOptions extends TfV1CommonOptions {
  /** Added inside both logs (default 1e-7), in float32. */
  epsilon?: number;
}

const COMMON = ['weights', 'reduction', 'scope', 'loss_collection'];

function checkKeys(opts: object, allowed: readonly string[], fn: string): void {
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new ValueError(`${fn}() got an unexpected keyword argument '${k}'`);
  }
}

/** TensorShape.assert_is_compatible_with: "Shapes (2, 3) and (2,) are incompatible". */
function assertCompatible(a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) throw new ShapeError(`Shapes ${pyShape(a.shape)} and ${pyShape(b.shape)} are incompatible`);
}

const reductionOf = (o: TfV1CommonOptions) => o.reduction ?? Reduction.SUM_BY_NONZERO_WEIGHTS;
const weightsOf = (o: TfV1CommonOptions) => o.weights ?? 1.0;

/**
 * tf.compat.v1.losses.softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0,
 * reduction=SUM_BY_NONZERO_WEIGHTS).
 * Labels are cast to the logits' dtype and must have the logits' shape [batch, ..., classes].
 * With label_smoothing > 0, y' = y * (1 - ls) + ls / num_classes (num_classes = last dimension;
 * 1 - ls is a Python float then converted, ls / num_classes a tensor division).
 * Per example: -sum(y' * log_softmax(logits), -1), shape logits.shape[:-1]; then weighted/reduced.
 */
export function softmaxCrossEntropy(onehot_labels: Tensor, logits: Tensor, opts: TfV1SmoothingOptions = {}): Tensor {
  checkKeys(opts, [...COMMON, 'label_smoothing'], 'softmax_cross_entropy');
  const dtype = floatDtypeOf(logits, 'logits');
  assertCompatible(logits, onehot_labels);
  const y = onehot_labels.cast(dtype);
  const ls = opts.label_smoothing ?? 0;
  let labels: Tensor = y;
  if (ls > 0) {
    const c = logits.shape[logits.rank - 1];
    const pos = roundTo(dtype, 1.0 - ls);
    const neg = roundTo(dtype, ls) / c;
    labels = Tensor.fill('float64', y.shape, (i) => y.data[i] * pos + neg);
  }
  const losses = softmaxCrossEntropyDense(labels, logits.cast('float64'), -1);
  return tfV1ComputeWeightedLoss(losses, weightsOf(opts), reductionOf(opts), dtype);
}

/** confusion_matrix.remove_squeezable_dimensions(labels, logits, expected_rank_diff=1) plus the weights squeeze. */
function removeSqueezable(labels: Tensor, logits: Tensor, weights: Tensor | number): [Tensor, Tensor, Tensor | number] {
  const diff = logits.rank - labels.rank;
  if (diff === 2 && logits.shape[logits.rank - 1] === 1) logits = logits.reshape(logits.shape.slice(0, -1));
  else if (diff === 0 && labels.rank > 0 && labels.shape[labels.rank - 1] === 1) labels = labels.reshape(labels.shape.slice(0, -1));
  if (typeof weights !== 'number' && weights.rank - labels.rank === 1) {
    const last = weights.shape[weights.rank - 1];
    if (last !== 1) {
      throw new ShapeError(`Can not squeeze dim[${weights.rank - 1}], expected a dimension of 1, got ${last} (weights shape ${formatShape(weights.shape)}, labels shape ${formatShape(labels.shape)})`);
    }
    weights = weights.reshape(weights.shape.slice(0, -1));
  }
  return [labels, logits, weights];
}

/**
 * tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits, weights=1.0, reduction=...).
 * Integer labels of shape logits.shape[:-1] (a trailing 1 is squeezed; weights one rank above the
 * labels are squeezed too). Per example: logsumexp(logits) - logits[label]; labels outside
 * [0, num_classes) raise, as TF does on CPU.
 */
export function sparseSoftmaxCrossEntropy(labels: Tensor, logits: Tensor, opts: TfV1CommonOptions = {}): Tensor {
  checkKeys(opts, COMMON, 'sparse_softmax_cross_entropy');
  const dtype = floatDtypeOf(logits, 'logits');
  const [lab, lg, w] = removeSqueezable(labels, logits, weightsOf(opts));
  const { loss } = softmaxCrossEntropySparse(lab, lg.cast('float64'), -1);
  return tfV1ComputeWeightedLoss(loss, w, reductionOf(opts), dtype);
}

/**
 * tf.compat.v1.losses.sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0,
 * label_smoothing=0, reduction=...). Labels are cast to the logits' dtype, same shape; with
 * label_smoothing > 0, z' = z * (1 - ls) + 0.5 * ls (both Python floats converted to the dtype).
 * Per element: tf.nn.sigmoid_cross_entropy_with_logits = max(x, 0) - x z' + log(1 + e^-|x|).
 */
export function sigmoidCrossEntropy(multi_class_labels: Tensor, logits: Tensor, opts: TfV1SmoothingOptions = {}): Tensor {
  checkKeys(opts, [...COMMON, 'label_smoothing'], 'sigmoid_cross_entropy');
  const dtype = floatDtypeOf(logits, 'logits');
  assertCompatible(logits, multi_class_labels);
  const z = multi_class_labels.cast(dtype);
  const ls = opts.label_smoothing ?? 0;
  const a = ls > 0 ? roundTo(dtype, 1 - ls) : 1;
  const b = ls > 0 ? roundTo(dtype, 0.5 * ls) : 0;
  const losses = Tensor.fill('float64', logits.shape, (i) => S.sigmoidCrossEntropy(ls > 0 ? z.data[i] * a + b : z.data[i], logits.data[i]));
  return tfV1ComputeWeightedLoss(losses, weightsOf(opts), reductionOf(opts), dtype);
}

/**
 * tf.compat.v1.losses.log_loss(labels, predictions, weights=1.0, epsilon=1e-7, reduction=...).
 * Both inputs are cast to float32 (whatever their dtype), so the result is always float32, and
 * epsilon becomes float32 (1e-7 -> 1.00000001e-7). Per element, each of p + eps, 1 - p, (1 - p) + eps
 * and 1 - y rounded to float32 as TF's float32 ops do:
 *   -y * log(p + eps) - (1 - y) * log(1 - p + eps)
 */
export function logLoss(labels: Tensor, predictions: Tensor, opts: TfV1LogLossOptions = {}): Tensor {
  checkKeys(opts, [...COMMON, 'epsilon'], 'log_loss');
  const p = predictions.cast('float32');
  const y = labels.cast('float32');
  assertCompatible(p, y);
  const eps = Math.fround(opts.epsilon ?? 1e-7);
  // p + eps, 1 - p (+ eps) and 1 - y are float32 tensor operations: each rounds to float32. That
  // rounding is visible: a perfect prediction p = 1, y = 1 gives -log(float32(1 + 1e-7)) =
  // -1.1920928e-7 in TF, not -1e-7 (issue 8).
  const f = Math.fround;
  const losses = Tensor.fill('float64', p.shape, (i) => {
    const pi = p.data[i];
    const yi = y.data[i];
    const a = -yi * Math.log(f(pi + eps));
    const b = -f(1 - yi) * Math.log(f(f(1 - pi) + eps));
    return a + b;
  });
  return tfV1ComputeWeightedLoss(losses, weightsOf(opts), reductionOf(opts), 'float32');
}

/** The tf.compat.v1.losses functions by their public names (and the TF 1 tf.losses aliases). */
export const TF_V1_LOSSES: Record<string, (a: Tensor, b: Tensor, opts?: Record<string, unknown>) => Tensor> = {
  softmax_cross_entropy: (a, b, o) => softmaxCrossEntropy(a, b, o as TfV1SmoothingOptions),
  sparse_softmax_cross_entropy: (a, b, o) => sparseSoftmaxCrossEntropy(a, b, o as TfV1CommonOptions),
  sigmoid_cross_entropy: (a, b, o) => sigmoidCrossEntropy(a, b, o as TfV1SmoothingOptions),
  log_loss: (a, b, o) => logLoss(a, b, o as TfV1LogLossOptions),
};

