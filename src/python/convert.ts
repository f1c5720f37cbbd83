import { DType, isFloat } from '../core/dtype';
import { BudgetError } from '../core/errors';
import { checkElements } from '../core/limits';
import { Nested, Tensor } from '../core/tensor';
import { EvalError, Framework, UnknownValueError, Value } from './values';

/** Size limits for literals (the evaluator's budget). */
export interface LiteralLimits {
  maxElements: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: LiteralLimits = { maxElements: 100_000, maxDepth: 32 };

/**
 * The dtype each framework gives a tensor built from Python numbers, when no dtype= is passed:
 * NumPy float64/int64; TF float32/int32; PyTorch float32/int64; JAX float32/int32 (x64 is off by
 * default, so even float64 NumPy input becomes float32 in jnp.array). Bools stay bool.
 */
export function defaultDType(framework: Framework, kind: 'float' | 'int' | 'bool'): DType {
  if (kind === 'bool') return 'bool';
  if (kind === 'float') return framework === 'numpy' ? 'float64' : 'float32';
  return framework === 'numpy' || framework === 'torch' ? 'int64' : 'int32';
}

/**
 * Converts an evaluated value (Python number, nested list/tuple, or an existing tensor) into a
 * tensor the way `framework`'s constructor would: tf.constant / torch.tensor / np.array / jnp.array.
 * An existing tensor keeps its dtype (tf.convert_to_tensor(np.array(...)) is float64) except in
 * JAX, which turns float64 into float32 unless x64 is enabled. An explicit dtype always wins.
 */
export function toTensor(v: Value, framework: Framework, dtype: DType | undefined, limits: LiteralLimits, what = 'value'): Tensor {
  if (v.kind === 'tensor') {
    let d = dtype ?? v.tensor.dtype;
    if (!dtype && framework === 'jax' && d === 'float64') d = 'float32';
    if (!dtype && framework === 'jax' && d === 'int64') d = 'int32';
    return v.tensor.cast(d);
  }
  if (v.kind === 'abstract') {
    throw new UnknownValueError(`${what} is not known here: ${v.why}`, undefined, v);
  }
  let kind: 'float' | 'int' | 'bool' = 'bool';
  let count = 0;
  let nestedElements = 0;
  const walk = (x: Value, depth: number): Nested => {
    if (depth > limits.maxDepth) throw new BudgetError(`array literal is nested deeper than ${limits.maxDepth} levels`);
    if (x.kind === 'scalar') {
      if (++count > limits.maxElements) throw new BudgetError(`array literal has more than ${limits.maxElements.toLocaleString('en-US')} elements (the evaluation limit)`);
      if (!x.int || !Number.isInteger(x.value)) kind = 'float';
      else if (kind === 'bool' && !(x.isBool ?? false)) kind = 'int';
      return x.value;
    }
    if (x.kind === 'list') return x.items.map((e) => walk(e, depth + 1));
    if (x.kind === 'tensor') {
      // A tensor inside a literal (np.array([tf.one_hot(...)])) is copied element by element:
      // its elements count toward the result's size, checked before the copy is made.
      nestedElements += x.tensor.size;
      checkElements(count + nestedElements, `${what} (tensors inside a list)`);
      if (isFloat(x.tensor.dtype)) kind = 'float';
      else if (kind === 'bool') kind = 'int';
      return x.tensor.toNested();
    }
    throw new EvalError(`${what} contains ${x.kind === 'string' ? 'a string' : x.kind === 'none' ? 'None' : 'a non-numeric value'}, which is not a number`, true);
  };
  const nested = walk(v, 0);
  const d = dtype ?? defaultDType(framework, kind);
  return Tensor.fromNested(nested, d);
}
