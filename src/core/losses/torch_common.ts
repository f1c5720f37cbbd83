import * as D from '../dd';
import { DType, FloatDType, allocate, isFloat, promote } from '../dtype';
import { DTypeError, ValueError } from '../errors';
import { Tensor } from '../tensor';

/**
 * Shared pieces of the PyTorch losses: reduction names, the legacy size_average/reduce
 * arguments, dtype rules and the exact reducers.
 */

export type TorchReduction = 'none' | 'mean' | 'sum';

/** Options every torch loss accepts (PyTorch's own argument names). */
export interface TorchReductionOptions {
  reduction?: TorchReduction | string;
  /** Deprecated; overrides `reduction` when given (torch/nn/_reduction.py legacy_get_string). */
  size_average?: boolean | null;
  /** Deprecated; overrides `reduction` when given. */
  reduce?: boolean | null;
}

/**
 * torch/nn/_reduction.py: get_enum (with the legacy size_average / reduce pair taking
 * precedence, as legacy_get_string does: reduce=False -> 'none', else size_average ? 'mean' : 'sum',
 * each defaulting to True). 'elementwise_mean' is the deprecated spelling of 'mean'.
 */
export function resolveReduction(opts: TorchReductionOptions, extra: readonly string[] = []): string {
  if ((opts.size_average !== undefined && opts.size_average !== null) || (opts.reduce !== undefined && opts.reduce !== null)) {
    const sizeAverage = opts.size_average ?? true;
    const reduce = opts.reduce ?? true;
    return !reduce ? 'none' : sizeAverage ? 'mean' : 'sum';
  }
  const r = opts.reduction ?? 'mean';
  if (r === 'elementwise_mean') return 'mean';
  if (r === 'none' || r === 'mean' || r === 'sum' || extra.includes(r)) return r;
  throw new ValueError(`${r} is not a valid value for reduction`);
}

/** torch.Size([2, 3]) as Python prints a tensor's size. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** [2, 3] as ATen prints sizes() in TORCH_CHECK messages. */
export function atenSizes(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

const TORCH_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Int', int64: 'Long', bool: 'Bool' };

/** PyTorch's ScalarType name (Float, Double, Long, ...), as its error messages spell it. */
export const scalarTypeName = (d: DType): string => TORCH_NAME[d];

/** The input must be a floating tensor; returns its dtype. */
export function requireFloat(t: Tensor, what: string, op: string): FloatDType {
  if (!isFloat(t.dtype)) {
    throw new DTypeError(`${op}: expected a floating point ${what}, got ${scalarTypeName(t.dtype)} ("${op}" not implemented for '${scalarTypeName(t.dtype)}')`);
  }
  return t.dtype;
}

/** torch type promotion among float tensors (ints and bools promote to the float operand). */
export function promoteFloat(...ts: (Tensor | null | undefined)[]): FloatDType {
  let d: DType = 'bool';
  for (const t of ts) if (t) d = promote(d, t.dtype);
  return d === 'float64' ? 'float64' : 'float32';
}

/**
 * Reduces per-element dd values the way ATen's apply_loss_reduction does: 'none' returns them
 * (rounded once each), 'sum' their sum, 'mean' the sum over the count (NaN for no elements,
 * as torch.mean of an empty tensor). The sum is a double-double, so terms of both signs
 * cancel without loss; the result is rounded once to the dtype.
 */
export function reduceElements(values: D.DD[], shape: readonly number[], dtype: FloatDType, reduction: string, divisor?: number): Tensor {
  if (reduction === 'none') {
    const out = allocate(dtype, values.length);
    for (let i = 0; i < values.length; i++) out[i] = D.toNumber(values[i]);
    return new Tensor(dtype, shape, out);
  }
  const acc = new D.DDSum();
  for (const v of values) acc.addDD(v);
  let r = acc.value();
  if (reduction === 'mean' || divisor !== undefined) {
    const n = divisor ?? values.length;
    // An empty mean is 0 / 0 = NaN (a sum of inf over 0 elements cannot occur).
    r = n === 0 ? { hi: NaN, lo: 0 } : D.divD(r, n);
  }
  return Tensor.scalar(D.toNumber(r), dtype);
}
