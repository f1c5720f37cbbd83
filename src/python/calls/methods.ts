import * as E from '../../core/elementwise';
import { argmax, reduceMax, reduceMean, reduceSum } from '../../core/reduce';
import { expandDims, permute, squeeze, swapAxes } from '../../core/shape_ops';
import { logSoftmax, softmax } from '../../core/softmax';
import { LiteralLimits } from '../convert';
import { withStandInValues } from '../standin';
import { EvalError, TensorValue, Value } from '../values';
import { Args, bindArgs } from './args';
import { flatten } from './shapes';

/**
 * Methods and attributes of tensors: NumPy arrays (x.sum(axis=1)), torch tensors
 * (x.softmax(dim=1), x.float()) and TF eager tensors (x.numpy()). `eval` is the evaluator's.
 */
export function callMethod(obj: Value, name: string, positional: Value[], keywords: Map<string, Value>, limits: LiteralLimits, attribute: boolean): Value {
  return withStandInValues([obj, ...positional, ...keywords.values()], (vals) => {
    const [o, ...rest] = vals;
    const pos = rest.slice(0, positional.length);
    const kw = new Map([...keywords.keys()].map((k, i) => [k, rest[positional.length + i]]));
    return method(o as TensorValue, name, pos, kw, limits, attribute);
  });
}

const AXIS_SIG = { params: ['axis', 'keepdims'], ignore: ['dtype', 'out'] };

function method(v: TensorValue, name: string, pos: Value[], kw: Map<string, Value>, limits: LiteralLimits, attribute: boolean): Value {
  const t = v.tensor;
  const wrap = (tensor: typeof t): Value => ({ kind: 'tensor', tensor, framework: v.framework });
  if (attribute) {
    switch (name) {
      case 'T': return wrap(permute(t, t.shape.map((_, i) => t.rank - 1 - i)));
      case 'shape': return { kind: 'list', items: t.shape.map((d) => ({ kind: 'scalar', value: d, int: true })), tuple: true };
      case 'ndim': return { kind: 'scalar', value: t.rank, int: true };
      case 'dtype': return { kind: 'dtype', dtype: t.dtype };
      default: throw new EvalError(`attribute '${name}' of a tensor is not evaluated`, false);
    }
  }
  // torch spells axis `dim` and keepdims `keepdim`: accept both everywhere.
  for (const [a, b] of [['dim', 'axis'], ['keepdim', 'keepdims']]) {
    if (kw.has(a)) {
      kw.set(b, kw.get(a)!);
      kw.delete(a);
    }
  }
  const args = (params: string[] = AXIS_SIG.params) => {
    const b = bindArgs({ params, ignore: AXIS_SIG.ignore }, `.${name}`, pos, kw);
    return new Args(b.values, { qualname: `.${name}`, framework: v.framework, limits, notes: [] }, b.positional);
  };
  switch (name) {
    case 'numpy': case 'cpu': case 'detach': case 'clone': case 'copy': case 'contiguous':
      return { kind: 'tensor', tensor: t, framework: name === 'numpy' ? 'numpy' : v.framework };
    case 'float': return wrap(t.cast('float32'));
    case 'double': return wrap(t.cast('float64'));
    case 'long': return wrap(t.cast('int64'));
    case 'int': return wrap(t.cast('int32'));
    case 'astype': case 'type': case 'to': {
      const d = args(['dtype']).dtype('dtype');
      if (!d) throw new EvalError(`.${name}() needs a dtype`, true);
      return wrap(t.cast(d));
    }
    case 'item':
      if (t.size !== 1) throw new EvalError(`.item() of a tensor with ${t.size} elements`, true);
      return { kind: 'scalar', value: t.data[0], int: !t.dtype.startsWith('float') };
    case 'sum': { const a = args(); return wrap(reduceSum(t, { axis: a.axes('axis'), keepdims: a.bool('keepdims', false) })); }
    case 'mean': { const a = args(); return wrap(reduceMean(t, { axis: a.axes('axis'), keepdims: a.bool('keepdims', false) })); }
    case 'max': { const a = args(); return wrap(reduceMax(t, { axis: a.axes('axis'), keepdims: a.bool('keepdims', false) })); }
    case 'argmax': { const a = args(); const ax = a.axes('axis'); return wrap(typeof ax === 'number' ? argmax(t, ax) : argmax(t.reshape([t.size]), 0)); }
    case 'log': return wrap(E.log(t));
    case 'exp': return wrap(E.exp(t));
    case 'sigmoid': return wrap(E.sigmoid(t));
    case 'softmax': case 'log_softmax': {
      const a = args(['axis']);
      const ax = a.axes('axis');
      if (typeof ax !== 'number') throw new EvalError(`.${name}() needs dim=`, true);
      return wrap(name === 'softmax' ? softmax(t, ax) : logSoftmax(t, ax));
    }
    case 'permute': return wrap(permute(t, intList(pos, name)));
    case 'transpose': {
      // torch: x.transpose(d0, d1); NumPy: x.transpose(*axes) or x.transpose() (all reversed)
      if (v.framework === 'torch') return wrap(swapAxes(t, args(['dim0', 'dim1']).int('dim0'), args(['dim0', 'dim1']).int('dim1')));
      return wrap(permute(t, pos.length ? intList(pos, name) : t.shape.map((_, i) => t.rank - 1 - i)));
    }
    case 'swapaxes': case 'swapdims': { const a = args(['axis1', 'axis2']); return wrap(swapAxes(t, a.int('axis1'), a.int('axis2'))); }
    case 'flatten': case 'ravel': {
      if (v.framework !== 'torch') return wrap(t.reshape([-1]));
      const a = args(['start_dim', 'end_dim']);
      return wrap(flatten(t, a.int('start_dim', 0), a.int('end_dim', -1)));
    }
    case 'squeeze': { const ax = args(['axis']).axes('axis'); return wrap(squeeze(t, ax ?? null, v.framework !== 'torch')); }
    case 'unsqueeze': return wrap(expandDims(t, args(['axis']).int('axis')));
    case 'reshape': case 'view': {
      const dims = pos.length === 1 && pos[0].kind === 'list' ? pos[0].items : pos;
      return wrap(t.reshape(dims.map((d) => (d.kind === 'scalar' ? d.value : NaN))));
    }
    default:
      throw new EvalError(`tensor method .${name}() is not evaluated`, false);
  }
}

/** x.permute(2, 0, 1) or x.permute((2, 0, 1)): the ints of a varargs-or-sequence argument. */
function intList(pos: Value[], name: string): number[] {
  const items = pos.length === 1 && pos[0].kind === 'list' ? pos[0].items : pos;
  return items.map((d) => {
    if (d.kind !== 'scalar' || !d.int) throw new EvalError(`.${name}() needs ints`, true);
    return d.value;
  });
}
