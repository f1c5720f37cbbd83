import { DType, allocate, isFloat } from '../../core/dtype';
import { checkElements } from '../../core/limits';
import { Tensor } from '../../core/tensor';
import { defaultDType } from '../convert';
import { EvalError, Framework, Value, describe } from '../values';
import { Args } from './args';
import { CallSpec, defineFunctions } from './registry';

/**
 * Array constructors of NumPy, jax.numpy, PyTorch and TensorFlow: ones/zeros/full/empty-free
 * fills, eye, arange/range, linspace, *_like. Each checks its result size against the element
 * budget (core/limits.ts checkElements) before allocating. Default dtypes are each framework's:
 * NumPy float64/int64, jnp float32/int32, torch float32/int64, TF float32/int32.
 */

const wrap = (t: Tensor, framework: Framework): Value => ({ kind: 'tensor', tensor: t, framework });

/** A shape argument: an int or a list/tuple of ints (a 1-D int tensor too), all >= 0. */
function shapeOf(v: Value | undefined, what: string): number[] {
  if (!v) throw new EvalError(`${what} needs a shape`, true);
  let dims: number[];
  if (v.kind === 'scalar' && v.int) dims = [v.value];
  else if (v.kind === 'list' && v.items.every((i) => i.kind === 'scalar' && i.int)) dims = v.items.map((i) => (i as { value: number }).value);
  else if (v.kind === 'tensor' && !isFloat(v.tensor.dtype) && v.tensor.rank <= 1) dims = Array.from(v.tensor.data);
  else throw new EvalError(`${what}: the shape must be an int or a tuple of ints, got ${describe(v)}`, true);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new EvalError(`${what}: negative dimensions are not allowed (shape ${JSON.stringify(dims)})`, true);
  return dims;
}

/** torch.ones(2, 3) and torch.ones((2, 3)): the size may come as several ints. */
function torchSize(a: Args, what: string): number[] {
  const first = a.get('size');
  const rest = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'].map((k) => a.get(k)).filter((v): v is Value => v !== undefined);
  if (rest.length === 0) return shapeOf(first, what);
  return [first, ...rest].flatMap((v) => shapeOf(v, what));
}

/** The dtype of a fill value when no dtype= is given: int, float or bool as the framework types it. */
function valueDType(v: number, isInt: boolean, isBool: boolean, framework: Framework): DType {
  return defaultDType(framework, isBool ? 'bool' : isInt && Number.isInteger(v) ? 'int' : 'float');
}

function scalarOf(a: Args, name: string): { value: number; int: boolean; bool: boolean } {
  const v = a.get(name);
  if (v?.kind === 'scalar') return { value: v.value, int: v.int, bool: v.isBool ?? false };
  if (v?.kind === 'tensor' && v.tensor.size === 1) return { value: v.tensor.data[0], int: !isFloat(v.tensor.dtype), bool: v.tensor.dtype === 'bool' };
  throw new EvalError(`${a.cx.qualname}() needs a number for '${name}'${v ? `, got ${describe(v)}` : ''}`, true);
}

function filled(shape: number[], dtype: DType, value: number, what: string): Tensor {
  checkElements(shape, what);
  const n = shape.reduce((p, d) => p * d, 1);
  const data = allocate(dtype, n);
  if (value !== 0) data.fill(value);
  return new Tensor(dtype, shape, data);
}

function eye(n: number, m: number, k: number, dtype: DType, what: string): Tensor {
  checkElements([n, m], what);
  const data = allocate(dtype, n * m);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < m) data[i * m + j] = 1;
  }
  return new Tensor(dtype, [n, m], data);
}

/**
 * arange / range: ceil((stop - start) / step) values start + i * step (NumPy, torch and TF all
 * compute each element as start + i * step in the result dtype).
 */
function arange(start: number, stop: number, step: number, dtype: DType, what: string): Tensor {
  if (step === 0 || !Number.isFinite(step)) throw new EvalError(`${what}: step must be nonzero and finite`, true);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new EvalError(`${what}: start and stop must be finite`, true);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkElements([n], what);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(dtype, [n], data);
}

/**
 * linspace: num values from start to stop. NumPy computes start + i * step with step =
 * (stop - start) / (num - 1) and sets the last to stop exactly (endpoint=True); torch and TF
 * agree on these values up to their float32 rounding.
 */
function linspace(start: number, stop: number, num: number, endpoint: boolean, dtype: DType, what: string): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new EvalError(`${what}: the number of samples must be a non-negative integer, got ${num}`, true);
  checkElements([num], what);
  const data = allocate(dtype, num);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : NaN;
  for (let i = 0; i < num; i++) data[i] = div > 0 ? start + i * step : start;
  if (endpoint && num > 1) data[num - 1] = stop;
  return new Tensor(dtype, [num], data);
}

function npFamily(mod: string, framework: Framework): CallSpec[] {
  const n = (s: string) => [`${mod}.${s}`];
  const q = (a: Args) => a.cx.qualname;
  const floatD = defaultDType(framework, 'float');
  return [
    { names: n('ones'), framework, params: ['shape', 'dtype'], ignore: ['order', 'like', 'device'], handler: (a) => wrap(filled(shapeOf(a.get('shape'), q(a)), a.dtype('dtype') ?? floatD, 1, q(a)), framework) },
    { names: n('zeros'), framework, params: ['shape', 'dtype'], ignore: ['order', 'like', 'device'], handler: (a) => wrap(filled(shapeOf(a.get('shape'), q(a)), a.dtype('dtype') ?? floatD, 0, q(a)), framework) },
    {
      names: n('full'), framework, params: ['shape', 'fill_value', 'dtype'], ignore: ['order', 'like', 'device'],
      handler: (a) => {
        const s = scalarOf(a, 'fill_value');
        return wrap(filled(shapeOf(a.get('shape'), q(a)), a.dtype('dtype') ?? valueDType(s.value, s.int, s.bool, framework), s.value, q(a)), framework);
      },
    },
    {
      names: n('eye'), framework, params: ['N', 'M', 'k', 'dtype'], ignore: ['order', 'like', 'device'],
      handler: (a) => {
        const rows = a.int('N');
        return wrap(eye(rows, a.has('M') && a.get('M')!.kind !== 'none' ? a.int('M') : rows, a.int('k', 0), a.dtype('dtype') ?? floatD, q(a)), framework);
      },
    },
    {
      names: n('arange'), framework, params: ['start', 'stop', 'step', 'dtype'], ignore: ['like', 'device'],
      handler: (a) => {
        const one = !a.has('stop') || a.get('stop')!.kind === 'none';
        const vals = (one ? ['start'] : ['start', 'stop', ...(a.has('step') ? ['step'] : [])]).map((k) => scalarOf(a, k));
        const [start, stop] = one ? [0, vals[0].value] : [vals[0].value, vals[1].value];
        const step = vals[2]?.value ?? 1;
        const allInt = vals.every((v) => v.int);
        return wrap(arange(start, stop, step, a.dtype('dtype') ?? defaultDType(framework, allInt ? 'int' : 'float'), q(a)), framework);
      },
    },
    {
      names: n('linspace'), framework, params: ['start', 'stop', 'num', 'endpoint', 'retstep', 'dtype', 'axis'], ignore: ['device'],
      handler: (a) => {
        if (a.bool('retstep', false)) throw new EvalError(`${q(a)}(retstep=True) returns a tuple, which is not evaluated`, true);
        if (a.int('axis', 0) !== 0) throw new EvalError(`${q(a)}(axis=...) with array endpoints is not evaluated`, true);
        return wrap(linspace(a.number('start'), a.number('stop'), a.int('num', 50), a.bool('endpoint', true), a.dtype('dtype') ?? floatD, q(a)), framework);
      },
    },
    ...likes(mod, framework, 'a', 'fill_value'),
  ];
}

/** ones_like / zeros_like / full_like(x[, fill], dtype=None): x's shape and dtype. */
function likes(mod: string, framework: Framework, input: string, fillName: string): CallSpec[] {
  const make = (name: string, value: ((a: Args) => number) | null): CallSpec => ({
    names: [`${mod}.${name}`], framework, params: value ? [input, fillName, 'dtype'] : [input, 'dtype'],
    ignore: ['order', 'subok', 'shape', 'device', 'layout', 'requires_grad', 'memory_format', 'optimize', 'name'],
    handler: (a) => {
      const x = a.tensor(input);
      return wrap(filled([...x.shape], a.dtype('dtype') ?? x.dtype, value ? value(a) : name.startsWith('ones') ? 1 : 0, a.cx.qualname), framework);
    },
  });
  return [make('ones_like', null), make('zeros_like', null), make('full_like', (a) => scalarOf(a, fillName).value)];
}

const TORCH_SIZE = ['size', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'];
const TORCH_IGNORE = ['out', 'layout', 'device', 'requires_grad', 'pin_memory', 'memory_format', 'names', 'generator'];

const torchSpecs: CallSpec[] = [
  ...(['ones', 'zeros'] as const).map((name): CallSpec => ({
    names: [`torch.${name}`], framework: 'torch', params: [...TORCH_SIZE, 'dtype'], positional: TORCH_SIZE.length, ignore: TORCH_IGNORE,
    handler: (a) => wrap(filled(torchSize(a, a.cx.qualname), a.dtype('dtype') ?? 'float32', name === 'ones' ? 1 : 0, a.cx.qualname), 'torch'),
  })),
  {
    names: ['torch.full'], framework: 'torch', params: ['size', 'fill_value', 'dtype'], positional: 2, ignore: TORCH_IGNORE,
    handler: (a) => {
      const s = scalarOf(a, 'fill_value');
      return wrap(filled(shapeOf(a.get('size'), a.cx.qualname), a.dtype('dtype') ?? valueDType(s.value, s.int, s.bool, 'torch'), s.value, a.cx.qualname), 'torch');
    },
  },
  {
    names: ['torch.eye'], framework: 'torch', params: ['n', 'm', 'dtype'], positional: 2, ignore: TORCH_IGNORE,
    handler: (a) => {
      const rows = a.int('n');
      return wrap(eye(rows, a.has('m') && a.get('m')!.kind !== 'none' ? a.int('m') : rows, 0, a.dtype('dtype') ?? 'float32', a.cx.qualname), 'torch');
    },
  },
  {
    names: ['torch.arange'], framework: 'torch', params: ['start', 'end', 'step', 'dtype'], positional: 3, ignore: TORCH_IGNORE,
    handler: (a) => {
      const one = !a.has('end');
      const vals = (one ? ['start'] : ['start', 'end', ...(a.has('step') ? ['step'] : [])]).map((k) => scalarOf(a, k));
      const [start, end] = one ? [0, vals[0].value] : [vals[0].value, vals[1].value];
      const allInt = vals.every((v) => v.int);
      return wrap(arange(start, end, vals[2]?.value ?? 1, a.dtype('dtype') ?? (allInt ? 'int64' : 'float32'), a.cx.qualname), 'torch');
    },
  },
  {
    names: ['torch.linspace'], framework: 'torch', params: ['start', 'end', 'steps', 'dtype'], positional: 3, ignore: TORCH_IGNORE,
    handler: (a) => wrap(linspace(a.number('start'), a.number('end'), a.int('steps'), true, a.dtype('dtype') ?? 'float32', a.cx.qualname), 'torch'),
  },
  ...likes('torch', 'torch', 'input', 'fill_value'),
];

const tfSpecs: CallSpec[] = [
  ...(['ones', 'zeros'] as const).map((name): CallSpec => ({
    names: [`tensorflow.${name}`], framework: 'tensorflow', params: ['shape', 'dtype', 'name', 'layout'],
    handler: (a) => wrap(filled(shapeOf(a.get('shape'), a.cx.qualname), a.dtype('dtype') ?? 'float32', name === 'ones' ? 1 : 0, a.cx.qualname), 'tensorflow'),
  })),
  {
    names: ['tensorflow.fill'], framework: 'tensorflow', params: ['dims', 'value', 'name', 'layout'],
    handler: (a) => {
      const s = scalarOf(a, 'value');
      return wrap(filled(shapeOf(a.get('dims'), a.cx.qualname), valueDType(s.value, s.int, s.bool, 'tensorflow'), s.value, a.cx.qualname), 'tensorflow');
    },
  },
  {
    names: ['tensorflow.eye', 'tensorflow.linalg.eye'], framework: 'tensorflow', params: ['num_rows', 'num_columns', 'batch_shape', 'dtype', 'name'],
    handler: (a) => {
      if (a.has('batch_shape') && a.get('batch_shape')!.kind !== 'none') throw new EvalError('tf.eye(batch_shape=...) is not evaluated', true);
      const rows = a.int('num_rows');
      return wrap(eye(rows, a.has('num_columns') && a.get('num_columns')!.kind !== 'none' ? a.int('num_columns') : rows, 0, a.dtype('dtype') ?? 'float32', a.cx.qualname), 'tensorflow');
    },
  },
  {
    names: ['tensorflow.range'], framework: 'tensorflow', params: ['start', 'limit', 'delta', 'dtype', 'name'],
    handler: (a) => {
      const one = !a.has('limit') || a.get('limit')!.kind === 'none';
      const vals = (one ? ['start'] : ['start', 'limit', ...(a.has('delta') ? ['delta'] : [])]).map((k) => scalarOf(a, k));
      const [start, limit] = one ? [0, vals[0].value] : [vals[0].value, vals[1].value];
      const allInt = vals.every((v) => v.int);
      return wrap(arange(start, limit, vals[2]?.value ?? 1, a.dtype('dtype') ?? (allInt ? 'int32' : 'float32'), a.cx.qualname), 'tensorflow');
    },
  },
  {
    names: ['tensorflow.linspace', 'tensorflow.lin_space'], framework: 'tensorflow', params: ['start', 'stop', 'num', 'name', 'axis'],
    handler: (a) => wrap(linspace(a.number('start'), a.number('stop'), a.int('num'), true, 'float32', a.cx.qualname), 'tensorflow'),
  },
  ...likes('tensorflow', 'tensorflow', 'input', 'value').filter((s) => !s.names[0].endsWith('full_like')),
];

defineFunctions([...npFamily('numpy', 'numpy'), ...npFamily('jax.numpy', 'jax'), ...torchSpecs, ...tfSpecs]);
