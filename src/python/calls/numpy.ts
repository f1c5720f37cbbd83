import { isFloat } from '../../core/dtype';
import * as E from '../../core/elementwise';
import { defaultDType } from '../convert';
import { matmul, oneHot } from '../../core/linalg';
import { argmax, logSumExp, reduceMax, reduceMean, reduceMin, reduceSum } from '../../core/reduce';
import { softmaxOverAxes } from '../../core/softmax_axes';
import { Tensor } from '../../core/tensor';
import { EvalError, Framework, Value } from '../values';
import { Args } from './args';
import { CallSpec, defineFunctions } from './registry';

/**
 * NumPy and jax.numpy (same functions, different default dtypes: jnp is float32 unless x64 is
 * enabled), plus the softmax family of scipy.special and jax.nn.
 */
function family(mod: string, framework: Framework): CallSpec[] {
  const wrap = (t: Tensor): Value => ({ kind: 'tensor', tensor: t, framework });
  const n = (...x: string[]) => x.map((s) => `${mod}.${s}`);
  // Integer input to a float function becomes float64 in NumPy (float32 in JAX without x64).
  const asFloat = (t: Tensor) => (isFloat(t.dtype) ? t : t.cast(defaultDType(framework, 'float')));
  const unary = (names: string[], f: (t: Tensor) => Tensor, roles?: string[]): CallSpec => ({
    names: n(...names), framework, params: ['x'], ignore: ['out', 'where', 'dtype'], roles, handler: (a) => wrap(f(asFloat(a.tensor('x')))),
  });
  const binary = (names: string[], f: (x: Tensor, y: Tensor) => Tensor): CallSpec => ({
    names: n(...names), framework, params: ['x1', 'x2'], ignore: ['out'], handler: (a) => wrap(f(a.tensor('x1'), a.tensor('x2'))),
  });
  const reduction = (names: string[], f: typeof reduceSum, roles?: string[]): CallSpec => ({
    names: n(...names), framework, params: ['a', 'axis', 'dtype', 'out', 'keepdims'], roles,
    handler: (a) => wrap(f(a.tensor('a'), { axis: a.axes('axis') ?? null, keepdims: a.bool('keepdims', false) })),
  });
  return [
    {
      names: n('array', 'asarray', 'asanyarray'), framework, params: ['object', 'dtype'], ignore: ['copy', 'order', 'ndmin', 'like'], roles: ['constructor'],
      handler: (a: Args) => wrap(a.tensor('object', a.dtype('dtype'))),
    },
    unary(['log'], E.log, ['log']),
    unary(['log1p'], E.log1p, ['log']),
    unary(['exp'], E.exp),
    unary(['sqrt'], E.sqrt),
    { names: n('abs', 'absolute'), framework, params: ['x'], ignore: ['out'], handler: (a) => wrap(E.abs(a.tensor('x'))) },
    { names: n('negative'), framework, params: ['x'], ignore: ['out'], handler: (a) => wrap(E.neg(a.tensor('x'))) },
    { names: n('square'), framework, params: ['x'], ignore: ['out'], handler: (a) => wrap(E.square(a.tensor('x'))) },
    binary(['add'], (x, y) => E.add(x, y)),
    binary(['subtract'], (x, y) => E.sub(x, y)),
    binary(['multiply'], (x, y) => E.mul(x, y)),
    binary(['divide', 'true_divide'], (x, y) => E.div(x, y)),
    binary(['maximum'], (x, y) => E.maximum(x, y)),
    binary(['minimum'], (x, y) => E.minimum(x, y)),
    binary(['matmul', 'dot'], (x, y) => matmul(x, y)),
    reduction(['sum'], reduceSum, ['sum']),
    reduction(['mean'], reduceMean, ['mean']),
    reduction(['max', 'amax'], reduceMax),
    reduction(['min', 'amin'], reduceMin),
    {
      names: n('argmax'), framework, params: ['a', 'axis'], ignore: ['out', 'keepdims'], roles: ['argmax'],
      handler: (a) => {
        const t = a.tensor('a');
        return wrap(a.has('axis') ? argmax(t, a.int('axis')) : argmax(t.reshape([t.size]), 0));
      },
    },
    {
      names: n('clip'), framework, params: ['a', 'a_min', 'a_max'], ignore: ['out'], roles: ['clip'],
      handler: (a) => wrap(E.clipByValue(a.tensor('a'), a.number('a_min', -Infinity), a.number('a_max', Infinity))),
    },
  ];
}

const softmaxes = (mod: string, framework: Framework, axisDefault: number | null): CallSpec[] => {
  const wrap = (t: Tensor): Value => ({ kind: 'tensor', tensor: t, framework });
  // None: every axis; a tuple: those axes together (jax.nn.softmax, scipy.special.softmax).
  const axisOf = (a: Args): number | number[] | null => {
    const ax = a.axes('axis');
    return ax === undefined ? axisDefault : ax;
  };
  return [
    {
      names: [`${mod}.softmax`], framework, params: ['x', 'axis'], ignore: ['where', 'initial'], roles: ['softmax'],
      handler: (a) => wrap(softmaxOverAxes(a.tensor('x'), axisOf(a))),
    },
    {
      names: [`${mod}.log_softmax`], framework, params: ['x', 'axis'], ignore: ['where', 'initial'], roles: ['log_softmax'],
      handler: (a) => wrap(softmaxOverAxes(a.tensor('x'), axisOf(a), true)),
    },
    {
      names: [`${mod}.logsumexp`], framework, params: ['a', 'axis', 'b', 'keepdims'], ignore: ['return_sign', 'where'], roles: ['logsumexp'],
      handler: (a) => wrap(logSumExp(a.tensor('a'), { axis: a.axes('axis') ?? null, keepdims: a.bool('keepdims', false) })),
    },
  ];
};

defineFunctions([
  ...family('numpy', 'numpy'),
  ...family('jax.numpy', 'jax'),
  // scipy.special.softmax(x, axis=None): axis None means over all elements.
  ...softmaxes('scipy.special', 'numpy', null),
  ...softmaxes('jax.nn', 'jax', -1),
  ...softmaxes('jax.scipy.special', 'jax', null),
  { names: ['scipy.special.expit'], framework: 'numpy', params: ['x'], roles: ['sigmoid'], handler: (a) => ({ kind: 'tensor', tensor: E.sigmoid(a.tensor('x')), framework: 'numpy' }) },
  { names: ['jax.nn.sigmoid', 'jax.scipy.special.expit'], framework: 'jax', params: ['x'], roles: ['sigmoid'], handler: (a) => ({ kind: 'tensor', tensor: E.sigmoid(a.tensor('x')), framework: 'jax' }) },
  { names: ['jax.nn.log_sigmoid'], framework: 'jax', params: ['x'], roles: ['log_sigmoid'], handler: (a) => ({ kind: 'tensor', tensor: E.logSigmoid(a.tensor('x')), framework: 'jax' }) },
  {
    // jax.nn.one_hot(x, num_classes, dtype=float32, axis=-1): (x[..., None] == arange(C)), so an
    // index outside [0, C) gives a row of zeros (jax/_src/nn/functions.py).
    names: ['jax.nn.one_hot'], framework: 'jax', params: ['x', 'num_classes', 'dtype', 'axis'], roles: ['one_hot'],
    handler: (a) => {
      if (a.has('axis') && a.int('axis') !== -1) throw new EvalError('jax.nn.one_hot with axis other than -1 is not evaluated', true);
      return { kind: 'tensor', tensor: oneHot(a.tensor('x'), a.int('num_classes'), { dtype: a.dtype('dtype') ?? 'float32' }), framework: 'jax' };
    },
  },
  { names: ['jax.nn.softplus'], framework: 'jax', params: ['x'], handler: (a) => ({ kind: 'tensor', tensor: E.softplus(a.tensor('x')), framework: 'jax' }) },
]);
