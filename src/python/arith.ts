import { DType, isFloat, promote } from '../core/dtype';
import * as E from '../core/elementwise';
import { BudgetError, DTypeError } from '../core/errors';
import { matmul } from '../core/linalg';
import { Tensor } from '../core/tensor';
import { LiteralLimits, defaultDType, toTensor } from './convert';
import { withStandInValues } from './standin';
import { EvalError, Framework, TensorValue, Value, describe } from './values';

/**
 * Python operators on evaluated values, with each framework's dtype rules:
 * - a Python number is "weak": it takes the tensor's dtype (TF, PyTorch, JAX, NumPy 2);
 * - TF refuses to mix float32 and float64 tensors (InvalidArgumentError), the others promote;
 * - a Python list next to a tensor is converted by that tensor's framework.
 */
export function arithmetic(op: string, a: Value, b: Value, limits: LiteralLimits): Value {
  if (a.kind === 'scalar' && b.kind === 'scalar') return scalarOp(op, a.value, b.value, a.int && b.int);
  if (a.kind === 'list' && b.kind === 'list' && op === '+') {
    // Python list concatenation: sized before copying (x = x + x doubles it at every line).
    const n = a.items.length + b.items.length;
    if (n > limits.maxElements) {
      throw new BudgetError(`${a.tuple ? 'tuple' : 'list'} concatenation: a result of ${n.toLocaleString('en-US')} items exceeds the evaluation limit of ${limits.maxElements.toLocaleString('en-US')} elements`);
    }
    return { kind: 'list', items: [...a.items, ...b.items], tuple: a.tuple };
  }
  const tensors = [a, b].filter((v): v is TensorValue => v.kind === 'tensor');
  const abstract = [a, b].some((v) => v.kind === 'abstract');
  if (tensors.length === 0 && !abstract) throw new EvalError(`${describe(a)} ${op} ${describe(b)} is not a tensor expression`, false);
  if (abstract) return withStandInValues([a, b], ([x, y]) => arithmetic(op, x, y, limits));
  const framework = tensors[0].framework;
  const ta = operand(a, b, framework, limits);
  const tb = operand(b, a, framework, limits);
  const dtype = resultDType(op, ta, tb, framework, a, b);
  const t = apply(op, ta, tb, dtype);
  return { kind: 'tensor', tensor: t, framework };
}

export function negate(v: Value): Value {
  if (v.kind === 'scalar') return { kind: 'scalar', value: -v.value, int: v.int };
  if (v.kind === 'tensor') return { ...v, tensor: E.neg(v.tensor) };
  if (v.kind === 'abstract') return v;
  throw new EvalError(`-${describe(v)} is not a tensor expression`, false);
}

function operand(v: Value, other: Value, framework: Framework, limits: LiteralLimits): Tensor {
  if (v.kind === 'tensor') return v.tensor;
  if (v.kind === 'scalar') {
    // Weak scalar: same dtype as the tensor beside it, unless a float meets an int tensor.
    const t = (other as TensorValue).tensor;
    const d = !v.int && !isFloat(t.dtype) ? defaultDType(framework, 'float') : t.dtype;
    return Tensor.scalar(v.value, d);
  }
  return toTensor(v, framework, undefined, limits);
}

function resultDType(op: string, a: Tensor, b: Tensor, framework: Framework, va: Value, vb: Value): DType {
  if (framework === 'tensorflow' && a.dtype !== b.dtype && va.kind !== 'scalar' && vb.kind !== 'scalar') {
    throw new DTypeError(
      `TensorFlow does not mix dtypes: ${a.dtype} ${op} ${b.dtype} raises InvalidArgumentError (cast one side with tf.cast)`,
    );
  }
  let d = promote(a.dtype, b.dtype);
  if (d === 'bool') d = 'int64';
  if (op === '/' && !isFloat(d)) d = framework === 'torch' || framework === 'jax' ? 'float32' : 'float64';
  return d;
}

function apply(op: string, a: Tensor, b: Tensor, dtype: DType): Tensor {
  switch (op) {
    case '+': return E.add(a, b, dtype);
    case '-': return E.sub(a, b, dtype);
    case '*': return E.mul(a, b, dtype);
    case '/': return E.div(a, b, dtype);
    case '**': return E.pow(a, b, dtype);
    case '@': return matmul(a, b, dtype);
    default: throw new EvalError(`operator ${op} on tensors is not evaluated`, true);
  }
}

function scalarOp(op: string, x: number, y: number, ints: boolean): Value {
  const r = (value: number, int: boolean): Value => ({ kind: 'scalar', value, int });
  switch (op) {
    case '+': return r(x + y, ints);
    case '-': return r(x - y, ints);
    case '*': return r(x * y, ints);
    case '/':
      if (y === 0) throw new EvalError('division by zero', true);
      return r(x / y, false);
    case '//': return r(Math.floor(x / y), ints);
    case '%': return r(x - Math.floor(x / y) * y, ints);
    case '**': return r(Math.pow(x, y), ints && y >= 0);
    default: throw new EvalError(`operator ${op} is not evaluated`, false);
  }
}
