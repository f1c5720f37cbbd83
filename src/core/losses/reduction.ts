import { binary, broadcastShapes } from '../broadcast';
import { FloatDType, roundTo } from '../dtype';
import { ShapeError, ValueError } from '../errors';
import { sumLane } from '../sum';
import { Tensor, formatShape } from '../tensor';

/**
 * Weighting and reduction shared by the loss families, in the two flavours the frameworks have:
 *
 * - TF 1 `tf.compat.v1.losses.compute_weighted_loss` (tensorflow/python/ops/losses/losses_impl.py)
 * - Keras 3 `reduce_weighted_values` (keras/src/losses/loss.py)
 *
 * Both take per-example losses as a float64 tensor holding the unrounded values (the kernels
 * compute in float64 and do not round), weight them, sum with compensation (sum.ts) and round
 * once to the result dtype, so a reduced loss is within an ulp or two of the exact value.
 */

/** Python's repr of a shape tuple: (2, 3), (2,), (). */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

const asTensor = (w: Tensor | number, dtype: FloatDType): Tensor => (typeof w === 'number' ? Tensor.scalar(w, dtype) : w);

// ---------------------------------------------------------------------------------------------
// TF 1

/** tf.compat.v1.losses.Reduction: the key strings of losses_impl.py. */
export const Reduction = {
  NONE: 'none',
  SUM: 'weighted_sum',
  MEAN: 'weighted_mean',
  SUM_OVER_BATCH_SIZE: 'weighted_sum_over_batch_size',
  SUM_BY_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
  SUM_OVER_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
} as const;

export type TfV1Reduction = (typeof Reduction)[keyof typeof Reduction];

const TF_V1_ALL: readonly string[] = ['none', 'weighted_sum', 'weighted_mean', 'weighted_sum_over_batch_size', 'weighted_sum_by_nonzero_weights'];

/** Reduction.validate: "Invalid Reduction Key <key>. Key should be one of (...)". */
export function validateTfV1Reduction(key: unknown): TfV1Reduction {
  if (typeof key !== 'string' || !TF_V1_ALL.includes(key)) {
    throw new ValueError(`Invalid Reduction Key ${String(key)}. Key should be one of ('${TF_V1_ALL.join("', '")}').`);
  }
  return key as TfV1Reduction;
}

/**
 * weights_broadcast_ops.assert_broadcastable: weights are a scalar, or have the losses' rank with
 * every dimension 1 or equal to the losses' ("weights can not be broadcast to values.").
 */
export function assertTfBroadcastable(weights: readonly number[], values: readonly number[]): void {
  if (weights.length === 0) return;
  const prefix = 'weights can not be broadcast to values.';
  if (weights.length !== values.length) {
    throw new ShapeError(`${prefix} values.rank=${values.length}. weights.rank=${weights.length}. values.shape=${formatShape(values)}. weights.shape=${formatShape(weights)}.`);
  }
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] !== 1 && weights[i] !== values[i]) {
      throw new ShapeError(`${prefix} Mismatch at dim ${i}. values.shape=${formatShape(values)}, weights.shape=${formatShape(weights)}.`);
    }
  }
}

/**
 * tf.compat.v1.losses.compute_weighted_loss(losses, weights=1.0, reduction=SUM_BY_NONZERO_WEIGHTS).
 *
 * TF casts the losses and the weights to float32 (`math_ops.cast(losses, dtype=dtypes.float32)`),
 * reduces in float32 and casts the result back to the input dtype. So a float64 loss comes back as
 * a float64 tensor holding a float32-precision value; that cast is modelled here (each float64
 * loss is rounded to float32 before weighting). `losses` holds the unrounded per-example values;
 * `inputDtype` is the dtype TF's losses tensor has.
 *   NONE                    l * w                         (losses' shape)
 *   SUM                     sum(l * w)
 *   MEAN                    sum(l * w) / sum(broadcast w)           (0 if the divisor is 0)
 *   SUM_OVER_BATCH_SIZE     sum(l * w) / size(l)                    (0 for no elements)
 *   SUM_BY_NONZERO_WEIGHTS  sum(l * w) / count(broadcast w != 0)    (0 if none; the default)
 */
export function tfV1ComputeWeightedLoss(losses: Tensor, weights: Tensor | number, reduction: unknown, inputDtype: FloatDType): Tensor {
  const red = validateTfV1Reduction(reduction);
  const w = asTensor(weights, 'float32');
  assertTfBroadcastable(w.shape, losses.shape);
  const l32 = inputDtype === 'float64';
  const lv = (v: number) => (l32 ? Math.fround(v) : v);
  const weighted = binary(losses, w, 'float64', (l, wi) => lv(l) * Math.fround(wi));
  const out = (v: number) => roundTo(inputDtype, Math.fround(v));
  if (red === 'none') {
    return Tensor.fill(inputDtype, weighted.shape, (i) => out(weighted.data[i]));
  }
  const total = sumLane(weighted.data, 0, weighted.size, 1);
  let den = 1;
  if (red === 'weighted_mean') {
    const wb = binary(losses, w, 'float64', (_, wi) => Math.fround(wi));
    den = sumLane(wb.data, 0, wb.size, 1);
  } else if (red === 'weighted_sum_by_nonzero_weights') {
    const wb = binary(losses, w, 'float64', (_, wi) => (Math.fround(wi) === 0 ? 0 : 1));
    den = sumLane(wb.data, 0, wb.size, 1);
  } else if (red === 'weighted_sum_over_batch_size') {
    den = losses.size;
  }
  // div_no_nan: 0 whenever the divisor is 0, even for a NaN or infinite numerator
  const r = red === 'weighted_sum' ? total : den === 0 ? 0 : total / den;
  return Tensor.scalar(out(r), inputDtype);
}

// ---------------------------------------------------------------------------------------------
// Keras 3

/** Reductions Keras 3 accepts (standardize_reduction); null and "none" do not reduce. */
export type KerasReduction = 'sum_over_batch_size' | 'sum' | 'none' | 'mean' | 'mean_with_sample_weight' | null;

const KERAS_ALLOWED: readonly (string | null)[] = ['sum_over_batch_size', 'sum', null, 'none', 'mean', 'mean_with_sample_weight'];

/** keras.src.losses.loss.standardize_reduction. */
export function standardizeKerasReduction(reduction: unknown): KerasReduction {
  const r = reduction === undefined ? 'sum_over_batch_size' : reduction;
  if (!KERAS_ALLOWED.includes(r as string | null)) {
    throw new ValueError(
      `Invalid value for argument \`reduction\`. Expected one of {'sum_over_batch_size', 'sum', None, 'none', 'mean', 'mean_with_sample_weight'}. Received: reduction=${String(r)}`,
    );
  }
  return r as KerasReduction;
}

/**
 * keras.src.losses.loss.squeeze_or_expand_to_same_rank: when the ranks differ by exactly one and
 * the longer one ends in 1, squeeze that 1 away, except that a rank-1 partner is expanded instead
 * (with expand_rank_1). Other rank differences are left to broadcasting.
 */
export function squeezeOrExpandToSameRank(x1: Tensor, x2: Tensor, expandRank1 = true): [Tensor, Tensor] {
  const r1 = x1.rank;
  const r2 = x2.rank;
  if (r1 === r2) return [x1, x2];
  if (r1 === r2 + 1 && x1.shape[r1 - 1] === 1) {
    if (r2 === 1 && expandRank1) x2 = x2.reshape([...x2.shape, 1]);
    else x1 = x1.reshape(x1.shape.slice(0, -1));
  }
  if (r2 === r1 + 1 && x2.shape[r2 - 1] === 1) {
    if (r1 === 1 && expandRank1) x1 = x1.reshape([...x1.shape, 1]);
    else x2 = x2.reshape(x2.shape.slice(0, -1));
  }
  return [x1, x2];
}

export interface KerasReduceOptions {
  sample_weight?: Tensor | number | null;
  /** Keras mask of the losses (1 = valid), e.g. from SparseCategoricalCrossentropy(ignore_class). */
  mask?: Tensor | null;
  reduction?: KerasReduction | string;
  /** The loss's compute dtype (Loss(dtype=...), default floatx float32). */
  dtype: FloatDType;
}

/**
 * keras.src.losses.loss.reduce_weighted_values(values, sample_weight, mask, reduction, dtype):
 * - sample_weight (converted to dtype) and mask merge into one weight (apply_mask); for
 *   "sum_over_batch_size" and "mean" a mask is rescaled by size / count(valid), so the masked
 *   mean is sum(valid losses) / count(valid);
 * - the weight is squeezed/expanded to the values' rank and multiplied in (NumPy broadcasting);
 * - reduce_values: None/"none", a scalar, or a shape (0,) returns the weighted values;
 *   "sum" sums; "sum_over_batch_size"/"mean" divide the sum by the weighted values' element
 *   count; "mean_with_sample_weight" divides by sum(sample_weight) (divide_no_nan) when a weight
 *   was given, else by the count.
 * `values` holds unrounded float64 per-example losses; the result is rounded once to dtype.
 */
export function kerasReduceWeightedValues(values: Tensor, opts: KerasReduceOptions): Tensor {
  const reduction = standardizeKerasReduction(opts.reduction);
  const dtype = opts.dtype;
  let sw: Tensor | null = null;
  if (opts.sample_weight !== undefined && opts.sample_weight !== null) {
    sw = asTensor(opts.sample_weight, dtype).cast(dtype);
  }
  if (opts.mask) {
    let mask = opts.mask.cast('float64');
    if (reduction === 'sum_over_batch_size' || reduction === 'mean') {
      const total = mask.size;
      const valid = sumLane(mask.data, 0, mask.size, 1);
      const scale = valid === 0 ? 0 : total / valid;
      mask = Tensor.fill('float64', mask.shape, (i) => mask.data[i] * scale);
    }
    if (sw) {
      const [m2, s2] = squeezeOrExpandToSameRank(mask, sw);
      sw = binary(s2, m2, 'float64', (a, b) => a * b);
    } else {
      sw = mask;
    }
  }
  let v = values;
  if (sw) {
    const [v2, s2] = squeezeOrExpandToSameRank(values, sw);
    sw = s2;
    broadcastShapes(v2.shape, s2.shape);
    v = binary(v2, s2, 'float64', (a, b) => a * b);
  }
  if (reduction === null || reduction === 'none' || v.rank === 0 || (v.rank === 1 && v.shape[0] === 0)) {
    return Tensor.fill(dtype, v.shape, (i) => v.data[i]);
  }
  let loss = sumLane(v.data, 0, v.size, 1);
  if (reduction !== 'sum') {
    if (reduction === 'mean_with_sample_weight' && sw) {
      const den = sumLane(sw.data, 0, sw.size, 1);
      loss = den === 0 ? 0 : loss / den;
    } else {
      loss = v.size > 0 ? loss / v.size : 0;
    }
  }
  return Tensor.scalar(loss, dtype);
}
