import { broadcastShapes, broadcastTo } from '../broadcast';
import * as D from '../dd';
import { isFloat } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import * as S from '../scalar';
import { Tensor, sameShape } from '../tensor';
import { klValues } from './kl_terms';
import { TorchReductionOptions, atenSizes, promoteFloat, reduceElements, requireFloat, resolveReduction, torchSize } from './torch_common';

/**
 * The elementwise PyTorch losses, after aten/src/ATen/native/Loss.cpp (binary_cross_entropy_out_cpu,
 * binary_cross_entropy_with_logits, kl_div) and torch/nn/functional.py (their argument checks and
 * kl_div's 'batchmean'). Each element is a double-double; reductions are double-double sums
 * rounded once (see torch_common.ts reduceElements).
 */

export interface BinaryCrossEntropyOptions extends TorchReductionOptions {
  /** Rescaling weight, broadcast to the input's shape. */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, broadcast to the input's shape (typically [C], the last dim). */
  pos_weight?: Tensor | null;
}

export interface KLDivOptions extends TorchReductionOptions {
  /** 'none' | 'mean' (over all elements) | 'batchmean' (sum / input.size(0)) | 'sum'. Default 'mean'. */
  reduction?: 'none' | 'mean' | 'batchmean' | 'sum' | string;
  /** The target holds log-probabilities. Default false. */
  log_target?: boolean;
}

/** `t` broadcast to `shape` for an in-place op on a tensor of that shape (ATen's mul_ rule). */
function inPlaceOperand(t: Tensor, shape: readonly number[]): Tensor {
  const b = broadcastShapes(shape, t.shape);
  if (!sameShape(b, shape)) {
    throw new ShapeError(`output with shape ${atenSizes(shape)} doesn't match the broadcast shape ${atenSizes(b)}`);
  }
  return broadcastTo(t, shape);
}

const ddNum = (v: number): D.DD => ({ hi: v, lo: 0 });

/** clamp(log v, min=-100) as a dd (v in [0, 1]): ATen clamps each log term at -100. */
function clampedLog(v: D.DD): D.DD {
  if (v.hi === 0) return ddNum(-100);
  const l = D.logDD(v);
  return l.hi < -100 ? ddNum(-100) : l;
}

/**
 * F.binary_cross_entropy(input, target, weight=None, reduction='mean'), input probabilities:
 *   l = -w (y max(log x, -100) + (1 - y) max(log(1 - x), -100))
 * (Loss.cpp binary_cross_entropy_out_cpu; log(1 - x) is log1p(-x) there, exact here). Input and
 * target must have equal shapes (functional.py raises ValueError) and values in [0, 1] (ATen
 * raises "all elements of input/target should be between 0 and 1"; NaN fails that check too).
 * 'mean' averages over all elements.
 */
export function binary_cross_entropy(input: Tensor, target: Tensor, opts: BinaryCrossEntropyOptions = {}): Tensor {
  const reduction = resolveReduction(opts);
  requireFloat(input, 'input', 'binary_cross_entropy');
  if (!sameShape(target.shape, input.shape)) {
    throw new ValueError(`Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  let w: Tensor | null = null;
  if (opts.weight) {
    broadcastShapes(target.shape, opts.weight.shape);
    w = inPlaceOperand(opts.weight, input.shape);
  }
  const dtype = promoteFloat(input, target, opts.weight);
  const values: D.DD[] = new Array(input.size);
  for (let i = 0; i < input.size; i++) {
    const x = input.data[i];
    const y = target.data[i];
    if (!(x >= 0 && x <= 1)) throw new ValueError(`all elements of input should be between 0 and 1 (got ${x} at flat index ${i})`);
    if (!(y >= 0 && y <= 1)) throw new ValueError(`all elements of target should be between 0 and 1 (got ${y} at flat index ${i})`);
    const logX = clampedLog(ddNum(x));
    const log1mX = clampedLog(D.twoSum(1, -x));
    let v = D.neg(D.add(D.mulD(logX, y), D.mul(log1mX, D.twoSum(1, -y))));
    if (w) v = mulNum(v, w.data[i]);
    values[i] = v;
  }
  return reduceElements(values, input.shape, dtype, reduction);
}

/** dd times a float64 with IEEE semantics for non-finite values. */
function mulNum(a: D.DD, b: number): D.DD {
  if (!Number.isFinite(a.hi) || !Number.isFinite(b)) return ddNum(a.hi * b);
  return D.mulD(a, b);
}

/**
 * F.binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None):
 *   l = w ((1 - y) x - (1 + (q - 1) y) log_sigmoid(x))      (Loss.cpp)
 *     = w ((1 - y) softplus(x) + q y softplus(-x))          (the same function)
 * computed in the second form as double-doubles, so it stays exact for targets outside [0, 1]
 * and negative pos_weight too; non-finite values use the first form literally (x = -inf is NaN
 * there, as in PyTorch). Target must have the input's shape (ValueError otherwise); weight and
 * pos_weight broadcast to the input's shape (pos_weight [C] weights the last dim). 'mean' averages
 * over all elements.
 */
export function binary_cross_entropy_with_logits(input: Tensor, target: Tensor, opts: BCEWithLogitsOptions = {}): Tensor {
  const reduction = resolveReduction(opts);
  requireFloat(input, 'input', 'binary_cross_entropy_with_logits');
  if (!sameShape(target.shape, input.shape)) {
    throw new ValueError(`Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`);
  }
  const q = opts.pos_weight ? inPlaceOperand(opts.pos_weight, input.shape) : null;
  const w = opts.weight ? inPlaceOperand(opts.weight, input.shape) : null;
  const dtype = promoteFloat(input, target, opts.weight, opts.pos_weight);
  const values: D.DD[] = new Array(input.size);
  for (let i = 0; i < input.size; i++) {
    const x = input.data[i];
    const y = target.data[i];
    const qi = q ? q.data[i] : 1;
    const wi = w ? w.data[i] : 1;
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(qi) && Number.isFinite(wi))) {
      values[i] = ddNum(wi * ((1 - y) * x - (1 + (qi - 1) * y) * S.logSigmoid(x)));
      continue;
    }
    const neg = D.mul(D.softplus(x), D.twoSum(1, -y));
    const pos = q ? D.mul(D.mulD(D.softplus(-x), y), ddNum(qi)) : D.mulD(D.softplus(-x), y);
    let v = D.add(neg, pos);
    if (w) v = D.mulD(v, wi);
    values[i] = v;
  }
  return reduceElements(values, input.shape, dtype, reduction);
}

/**
 * F.kl_div(input, target, reduction='mean', log_target=False), input log-probabilities:
 *   log_target=False: l = xlogy(y, y) - y x = y (log y - x), 0 where y = 0 (Loss.cpp kl_div)
 *   log_target=True:  l = e^y (y - x)
 * Reductions: 'none'; 'sum'; 'mean' = sum / numel (all elements, as functional.py warns);
 * 'batchmean' = sum / input.size(0) (functional.py; the plain sum for a 0-d input).
 * Input and target broadcast. Elements are double-doubles (kl_terms.ts); for a float64 sum whose
 * terms cancel (a KL of two nearly equal distributions) log y - x is taken exactly to its own
 * precision, so the result keeps its digits where PyTorch's own evaluation loses them.
 * IEEE cases follow ATen: y = 0 against x = -inf is 0 * inf = NaN; y < 0 gives NaN (log y);
 * log_target with y = -inf gives 0 * (-inf) = NaN.
 */
export function kl_div(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const reduction = resolveReduction(opts, ['batchmean']);
  if (!isFloat(input.dtype) || !isFloat(target.dtype)) throw new DTypeError('kl_div: Integral inputs not supported.');
  const shape = broadcastShapes(input.shape, target.shape);
  const xb = broadcastTo(input, shape);
  const yb = broadcastTo(target, shape);
  const dtype = promoteFloat(input, target);
  const values = klValues(yb.data, xb.data, opts.log_target === true, dtype === 'float64' && reduction !== 'none');
  if (reduction === 'batchmean') {
    return input.rank === 0 ? reduceElements(values, shape, dtype, 'sum') : reduceElements(values, shape, dtype, 'sum', input.shape[0]);
  }
  return reduceElements(values, shape, dtype, reduction);
}
