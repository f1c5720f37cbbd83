import { DType, promote } from '../../core/dtype';
import { concat, expandDims, moveAxis, permute, squeeze, stack, swapAxes, where } from '../../core/shape_ops';
import { Tensor } from '../../core/tensor';
import { toTensor } from '../convert';
import { EvalError, Framework, Value, describe } from '../values';
import { Args } from './args';
import { CallSpec, defineFunctions } from './registry';

/**
 * Shape and selection functions real code applies to logits and labels before a loss:
 * transpose/permute/swapaxes/moveaxis, reshape/flatten, squeeze/expand_dims/unsqueeze,
 * stack/concatenate/cat, where. Results that allocate check the element budget (core/shape_ops).
 */

const wrap = (t: Tensor, framework: Framework): Value => ({ kind: 'tensor', tensor: t, framework });

/** A sequence-of-arrays argument (a list or tuple), each converted with the framework's rules. */
function tensors(a: Args, name: string): Tensor[] {
  const v = a.get(name);
  if (!v || v.kind !== 'list') throw new EvalError(`${a.cx.qualname}() needs a list or tuple of arrays for '${name}'${v ? `, got ${describe(v)}` : ''}`, true);
  return v.items.map((item, i) => toTensor(item, a.cx.framework, undefined, a.cx.limits, `item ${i} of '${name}'`));
}

/** NumPy and torch promote mixed dtypes; TF refuses them (as tf.concat does). */
function joinDType(xs: Tensor[], framework: Framework, what: string): DType {
  let d = xs[0].dtype;
  for (const t of xs.slice(1)) {
    if (framework === 'tensorflow' && t.dtype !== d) throw new EvalError(`${what}: TF does not mix ${d} and ${t.dtype} (cast one first)`, true);
    d = promote(d, t.dtype);
  }
  return d;
}

function ints(a: Args, name: string): number[] | null {
  const ax = a.axes(name);
  if (ax === undefined || ax === null) return null;
  return typeof ax === 'number' ? [ax] : ax;
}

function family(mod: string, framework: Framework): CallSpec[] {
  const n = (...s: string[]) => s.map((x) => `${mod}.${x}`);
  return [
    {
      names: n('transpose', 'permute_dims'), framework, params: ['a', 'axes'],
      handler: (a) => {
        const t = a.tensor('a');
        return wrap(permute(t, ints(a, 'axes') ?? t.shape.map((_, i) => t.rank - 1 - i)), framework);
      },
    },
    { names: n('swapaxes'), framework, params: ['a', 'axis1', 'axis2'], handler: (a) => wrap(swapAxes(a.tensor('a'), a.int('axis1'), a.int('axis2')), framework) },
    {
      names: n('moveaxis'), framework, params: ['a', 'source', 'destination'],
      handler: (a) => wrap(moveAxis(a.tensor('a'), a.int('source'), a.int('destination')), framework),
    },
    {
      names: n('reshape'), framework, params: ['a', 'shape', 'newshape'], ignore: ['order', 'copy'],
      handler: (a) => wrap(a.tensor('a').reshape(ints(a, a.has('shape') ? 'shape' : 'newshape') ?? []), framework),
    },
    { names: n('ravel'), framework, params: ['a'], ignore: ['order'], handler: (a) => wrap(a.tensor('a').reshape([-1]), framework) },
    { names: n('squeeze'), framework, params: ['a', 'axis'], handler: (a) => wrap(squeeze(a.tensor('a'), ints(a, 'axis')), framework) },
    { names: n('expand_dims'), framework, params: ['a', 'axis'], handler: (a) => wrap(expandDims(a.tensor('a'), a.int('axis')), framework) },
    {
      names: n('concatenate', 'concat'), framework, params: ['arrays', 'axis'], ignore: ['out', 'dtype', 'casting'],
      handler: (a) => {
        const xs = tensors(a, 'arrays');
        if (a.get('axis')?.kind === 'none') return wrap(concat(xs.map((t) => t.reshape([-1])), 0, joinDType(xs, framework, a.cx.qualname)), framework);
        return wrap(concat(xs, a.int('axis', 0), joinDType(xs, framework, a.cx.qualname)), framework);
      },
    },
    {
      names: n('stack'), framework, params: ['arrays', 'axis'], ignore: ['out', 'dtype', 'casting'],
      handler: (a) => {
        const xs = tensors(a, 'arrays');
        return wrap(stack(xs, a.int('axis', 0), joinDType(xs, framework, a.cx.qualname)), framework);
      },
    },
    {
      names: n('where'), framework, params: ['condition', 'x', 'y'],
      handler: (a) => {
        if (!a.has('x')) throw new EvalError(`${a.cx.qualname}(condition) with one argument returns indices, which is not evaluated`, true);
        const x = a.tensor('x');
        const y = a.tensor('y');
        return wrap(where(a.tensor('condition'), x, y, promote(x.dtype, y.dtype)), framework);
      },
    },
  ];
}

const torchSpecs: CallSpec[] = [
  { names: ['torch.permute'], framework: 'torch', params: ['input', 'dims'], handler: (a) => wrap(permute(a.tensor('input'), ints(a, 'dims') ?? []), 'torch') },
  { names: ['torch.transpose', 'torch.swapaxes', 'torch.swapdims'], framework: 'torch', params: ['input', 'dim0', 'dim1'], handler: (a) => wrap(swapAxes(a.tensor('input'), a.int('dim0'), a.int('dim1')), 'torch') },
  { names: ['torch.movedim', 'torch.moveaxis'], framework: 'torch', params: ['input', 'source', 'destination'], handler: (a) => wrap(moveAxis(a.tensor('input'), a.int('source'), a.int('destination')), 'torch') },
  { names: ['torch.reshape'], framework: 'torch', params: ['input', 'shape'], handler: (a) => wrap(a.tensor('input').reshape(ints(a, 'shape') ?? []), 'torch') },
  {
    names: ['torch.flatten'], framework: 'torch', params: ['input', 'start_dim', 'end_dim'],
    handler: (a) => wrap(flatten(a.tensor('input'), a.int('start_dim', 0), a.int('end_dim', -1)), 'torch'),
  },
  // torch.squeeze leaves a dim whose size is not 1 alone (no error)
  { names: ['torch.squeeze'], framework: 'torch', params: ['input', 'dim'], handler: (a) => wrap(squeeze(a.tensor('input'), ints(a, 'dim'), false), 'torch') },
  { names: ['torch.unsqueeze'], framework: 'torch', params: ['input', 'dim'], handler: (a) => wrap(expandDims(a.tensor('input'), a.int('dim')), 'torch') },
  {
    names: ['torch.cat', 'torch.concat', 'torch.concatenate'], framework: 'torch', params: ['tensors', 'dim'], ignore: ['out', 'axis'],
    handler: (a) => {
      const xs = tensors(a, 'tensors');
      return wrap(concat(xs, a.int('dim', 0), joinDType(xs, 'torch', a.cx.qualname)), 'torch');
    },
  },
  {
    names: ['torch.stack'], framework: 'torch', params: ['tensors', 'dim'], ignore: ['out'],
    handler: (a) => {
      const xs = tensors(a, 'tensors');
      return wrap(stack(xs, a.int('dim', 0), joinDType(xs, 'torch', a.cx.qualname)), 'torch');
    },
  },
  {
    names: ['torch.where'], framework: 'torch', params: ['condition', 'input', 'other'], ignore: ['out'],
    handler: (a) => {
      if (!a.has('input')) throw new EvalError('torch.where(condition) with one argument returns indices, which is not evaluated', true);
      const x = a.tensor('input');
      const y = a.tensor('other');
      return wrap(where(a.tensor('condition'), x, y, promote(x.dtype, y.dtype)), 'torch');
    },
  },
];

const tfSpecs: CallSpec[] = [
  {
    names: ['tensorflow.transpose'], framework: 'tensorflow', params: ['a', 'perm', 'conjugate', 'name'],
    handler: (a) => {
      const t = a.tensor('a');
      return wrap(permute(t, ints(a, 'perm') ?? t.shape.map((_, i) => t.rank - 1 - i)), 'tensorflow');
    },
  },
  { names: ['tensorflow.reshape'], framework: 'tensorflow', params: ['tensor', 'shape', 'name'], handler: (a) => wrap(a.tensor('tensor').reshape(ints(a, 'shape') ?? []), 'tensorflow') },
  { names: ['tensorflow.squeeze'], framework: 'tensorflow', params: ['input', 'axis', 'name'], handler: (a) => wrap(squeeze(a.tensor('input'), ints(a, 'axis')), 'tensorflow') },
  { names: ['tensorflow.expand_dims'], framework: 'tensorflow', params: ['input', 'axis', 'name'], handler: (a) => wrap(expandDims(a.tensor('input'), a.int('axis')), 'tensorflow') },
  {
    names: ['tensorflow.concat'], framework: 'tensorflow', params: ['values', 'axis', 'name'],
    handler: (a) => {
      const xs = tensors(a, 'values');
      return wrap(concat(xs, a.int('axis'), joinDType(xs, 'tensorflow', 'tf.concat')), 'tensorflow');
    },
  },
  {
    names: ['tensorflow.stack'], framework: 'tensorflow', params: ['values', 'axis', 'name'],
    handler: (a) => {
      const xs = tensors(a, 'values');
      return wrap(stack(xs, a.int('axis', 0), joinDType(xs, 'tensorflow', 'tf.stack')), 'tensorflow');
    },
  },
  {
    names: ['tensorflow.where', 'tensorflow.where_v2'], framework: 'tensorflow', params: ['condition', 'x', 'y', 'name'],
    handler: (a) => {
      if (!a.has('x')) throw new EvalError('tf.where(condition) with one argument returns indices, which is not evaluated', true);
      const x = a.tensor('x');
      const y = a.tensor('y');
      if (x.dtype !== y.dtype) throw new EvalError(`tf.where: TF does not mix ${x.dtype} and ${y.dtype} (cast one first)`, true);
      return wrap(where(a.tensor('condition'), x, y, x.dtype), 'tensorflow');
    },
  },
];

/** torch.flatten(x, start_dim, end_dim): dims start..end merged into one. */
export function flatten(t: Tensor, start: number, end: number): Tensor {
  if (t.rank === 0) return t.reshape([1]);
  const s = start < 0 ? start + t.rank : start;
  const e = end < 0 ? end + t.rank : end;
  if (!(s >= 0 && e < t.rank && s <= e)) throw new EvalError(`flatten: start_dim ${start} and end_dim ${end} do not fit a tensor of rank ${t.rank}`, true);
  const merged = t.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return t.reshape([...t.shape.slice(0, s), merged, ...t.shape.slice(e + 1)]);
}

defineFunctions([...family('numpy', 'numpy'), ...family('jax.numpy', 'jax'), ...torchSpecs, ...tfSpecs]);
