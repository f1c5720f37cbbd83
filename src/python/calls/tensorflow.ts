import { DType } from '../../core/dtype';
import * as E from '../../core/elementwise';
import { ValueError } from '../../core/errors';
import { checkElements } from '../../core/limits';
import { matmul, oneHot } from '../../core/linalg';
import * as tfnn from '../../core/losses/tf_nn';
import { argmax, logSumExp, reduceMax, reduceMean, reduceMin, reduceSum } from '../../core/reduce';
import { permute } from '../../core/shape_ops';
import { logSoftmax, softmax } from '../../core/softmax';
import { Tensor } from '../../core/tensor';
import { EvalError, Value } from '../values';
import { Args } from './args';
import { labelsAndLogits } from './positional';
import { CallSpec, defineFunctions } from './registry';

/**
 * TensorFlow functions (TF 2 names; TF 1 spellings and tf.compat.v1 map here through
 * canonicalName). Python lists become float32/int32 tensors, NumPy arrays keep their dtype.
 */
const tf = (t: Tensor): Value => ({ kind: 'tensor', tensor: t, framework: 'tensorflow' });
const names = (...n: string[]) => n.map((x) => `tensorflow.${x}`);
let placeholderIds = 0;

function unary(n: string[], f: (t: Tensor) => Tensor, roles?: string[]): CallSpec {
  return { names: names(...n), framework: 'tensorflow', params: ['x'], roles, handler: (a) => tf(f(a.tensor('x'))) };
}

function binaryOp(n: string[], f: (x: Tensor, y: Tensor, d: DType) => Tensor): CallSpec {
  return {
    names: names(...n), framework: 'tensorflow', params: ['x', 'y'],
    handler: (a) => {
      const x = a.tensor('x');
      const y = a.tensor('y', a.get('y')?.kind === 'tensor' ? undefined : x.dtype);
      if (x.dtype !== y.dtype) throw new EvalError(`${a.cx.qualname}: TensorFlow does not mix ${x.dtype} and ${y.dtype} (InvalidArgumentError)`, true);
      return tf(f(x, y, x.dtype));
    },
  };
}

/** reduce_* with TF 2's (input_tensor, axis, keepdims) and TF 1's reduction_indices / keep_dims. */
function reduction(n: string[], f: typeof reduceSum, roles?: string[]): CallSpec {
  return {
    names: names(...n), framework: 'tensorflow', params: ['input_tensor', 'axis', 'keepdims', 'name', 'reduction_indices', 'keep_dims'], roles,
    handler: (a) => {
      if (a.has('axis') && a.has('reduction_indices')) throw new ValueError('cannot specify both axis and reduction_indices');
      const axis = a.has('reduction_indices') ? a.axes('reduction_indices') : a.axes('axis');
      const keepdims = a.has('keep_dims') ? a.bool('keep_dims', false) : a.bool('keepdims', false);
      return tf(f(a.tensor('input_tensor'), { axis: axis ?? null, keepdims }));
    },
  };
}

/** softmax / log_softmax: (logits, axis=None -> -1), TF 1's deprecated `dim` too. */
function softmaxLike(n: string[], f: typeof softmax, role: string): CallSpec {
  return {
    names: names(...n), framework: 'tensorflow', params: ['logits', 'axis', 'name', 'dim'], roles: [role],
    handler: (a) => {
      const axis = a.has('dim') ? a.int('dim') : a.int('axis', -1);
      return tf(f(a.tensor('logits'), axis));
    },
  };
}

function constant(n: string[]): CallSpec {
  return {
    names: names(...n), framework: 'tensorflow', params: ['value', 'dtype', 'shape', 'name', 'verify_shape'], ignore: ['dtype_hint', 'preferred_dtype'], roles: ['constructor'],
    handler: (a) => {
      let t = a.tensor('value', a.dtype('dtype'));
      if (a.has('shape')) {
        const shape = a.axes('shape');
        const s = typeof shape === 'number' ? [shape] : shape ?? [];
        checkElements(s, a.cx.qualname);
        t = t.size === 1 ? Tensor.fill(t.dtype, s, () => t.data[0]) : t.reshape(s);
      }
      return tf(t);
    },
  };
}

/** tf.random.* and friends: the values are unknown, the shape and dtype are known. */
function random(n: string[], shapeParam = 'shape'): CallSpec {
  return {
    names: names(...n), framework: 'tensorflow', params: [shapeParam, 'minval', 'maxval', 'dtype', 'seed', 'name'], ignore: ['mean', 'stddev'], roles: ['random'],
    handler: (a) => {
      const s = a.axes(shapeParam);
      const shape = typeof s === 'number' ? [s] : s ?? [];
      return { kind: 'abstract', dtype: a.dtype('dtype') ?? 'float32', shape, framework: 'tensorflow', why: `random values (${a.cx.qualname})` };
    },
  };
}

defineFunctions([
  constant(['constant', 'convert_to_tensor', 'Variable']),
  {
    names: names('placeholder'), framework: 'tensorflow', params: ['dtype', 'shape', 'name'], roles: ['placeholder'],
    handler: (a) => {
      const dtype = a.dtype('dtype');
      if (!dtype) throw new EvalError('tf.placeholder needs a dtype', true);
      const shape = a.get('shape');
      const dims = shape?.kind === 'list' ? shape.items.map((d) => (d.kind === 'scalar' ? d.value : null)) : null;
      return { kind: 'abstract', dtype, shape: dims, framework: 'tensorflow', why: 'a placeholder, fed by a feed_dict when evaluated', placeholder: { name: '', id: ++placeholderIds } };
    },
  },
  random(['random.uniform', 'random_uniform', 'random.normal', 'random_normal', 'random.truncated_normal', 'truncated_normal']),
  softmaxLike(['nn.softmax', 'math.softmax', 'softmax'], softmax, 'softmax'),
  softmaxLike(['nn.log_softmax', 'math.log_softmax', 'log_softmax'], logSoftmax, 'log_softmax'),
  unary(['math.log', 'log'], E.log, ['log']),
  unary(['math.log1p', 'log1p'], E.log1p, ['log']),
  unary(['math.exp', 'exp'], E.exp),
  unary(['math.sqrt', 'sqrt'], E.sqrt),
  unary(['math.square', 'square'], E.square),
  unary(['math.abs', 'abs'], E.abs),
  unary(['math.negative', 'negative'], E.neg),
  unary(['nn.sigmoid', 'math.sigmoid', 'sigmoid'], E.sigmoid, ['sigmoid']),
  unary(['math.log_sigmoid', 'log_sigmoid'], E.logSigmoid, ['log_sigmoid']),
  unary(['nn.softplus', 'math.softplus'], E.softplus),
  unary(['identity', 'stop_gradient'], (t) => t),
  binaryOp(['math.add', 'add'], (x, y, d) => E.add(x, y, d)),
  binaryOp(['math.subtract', 'subtract'], (x, y, d) => E.sub(x, y, d)),
  binaryOp(['math.multiply', 'multiply', 'mul'], (x, y, d) => E.mul(x, y, d)),
  binaryOp(['math.divide', 'divide', 'div', 'math.truediv', 'truediv'], (x, y, d) => E.div(x, y, d)),
  binaryOp(['math.maximum', 'maximum'], (x, y, d) => E.maximum(x, y, d)),
  binaryOp(['math.minimum', 'minimum'], (x, y, d) => E.minimum(x, y, d)),
  reduction(['math.reduce_sum', 'reduce_sum'], reduceSum, ['sum']),
  reduction(['math.reduce_mean', 'reduce_mean'], reduceMean, ['mean']),
  reduction(['math.reduce_max', 'reduce_max'], reduceMax),
  reduction(['math.reduce_min', 'reduce_min'], reduceMin),
  reduction(['math.reduce_logsumexp', 'reduce_logsumexp'], logSumExp, ['logsumexp']),
  {
    names: names('linalg.matmul', 'matmul'), framework: 'tensorflow', params: ['a', 'b', 'transpose_a', 'transpose_b'],
    handler: (a) => {
      let x = a.tensor('a');
      let y = a.tensor('b', x.dtype);
      if (a.bool('transpose_a', false)) x = permute(x, [1, 0]);
      if (a.bool('transpose_b', false)) y = permute(y, [1, 0]);
      return tf(matmul(x, y));
    },
  },
  {
    names: names('one_hot'), framework: 'tensorflow', params: ['indices', 'depth', 'on_value', 'off_value', 'axis', 'dtype', 'name'], roles: ['one_hot'],
    handler: (a) => {
      if (a.has('axis') && a.int('axis') !== -1) throw new EvalError('tf.one_hot with axis other than -1 is not evaluated', true);
      const idx = a.tensor('indices');
      return tf(oneHot(idx, a.int('depth'), { onValue: a.optNumber('on_value'), offValue: a.optNumber('off_value'), dtype: a.dtype('dtype') ?? 'float32' }));
    },
  },
  {
    names: names('clip_by_value'), framework: 'tensorflow', params: ['t', 'clip_value_min', 'clip_value_max', 'name'], roles: ['clip'],
    handler: (a) => tf(E.clipByValue(a.tensor('t'), a.number('clip_value_min'), a.number('clip_value_max'))),
  },
  {
    names: names('math.argmax', 'argmax'), framework: 'tensorflow', params: ['input', 'axis', 'name', 'dimension', 'output_type'], roles: ['argmax'],
    handler: (a) => {
      const axis = a.has('dimension') ? a.int('dimension') : a.int('axis', 0);
      return tf(argmax(a.tensor('input'), axis).cast(a.dtype('output_type') ?? 'int64'));
    },
  },
  {
    names: names('cast', 'dtypes.cast'), framework: 'tensorflow', params: ['x', 'dtype', 'name'],
    handler: (a) => tf(a.tensor('x').cast(a.dtype('dtype') ?? 'float32')),
  },
  // tf.nn cross-entropies. TF 2 signatures; TF 1 added a leading `_sentinel` that makes positional
  // calls fail, TF 0.x took (logits, labels): see positional.ts for how positional calls are read.
  {
    names: names('nn.softmax_cross_entropy_with_logits', 'nn.softmax_cross_entropy_with_logits_v2'), framework: 'tensorflow',
    params: ['labels', 'logits', 'axis', 'name', 'dim'], ignore: ['_sentinel'], roles: ['loss', 'expects-logits', 'softmax-loss'],
    handler: (a) => {
      const { labels, logits } = labelsAndLogits(a);
      const axis = a.has('dim') ? a.int('dim') : a.int('axis', -1);
      return tf(tfnn.softmaxCrossEntropyWithLogits(sameDtype(a, labels, logits), logits, axis));
    },
  },
  {
    names: names('nn.sparse_softmax_cross_entropy_with_logits'), framework: 'tensorflow', params: ['labels', 'logits', 'name'], ignore: ['_sentinel'],
    roles: ['loss', 'expects-logits', 'softmax-loss', 'sparse'],
    handler: (a) => {
      const logits = a.tensor('logits');
      const labels = a.tensor('labels');
      return tf(tfnn.sparseSoftmaxCrossEntropyWithLogits(labels, logits));
    },
  },
  {
    names: names('nn.sigmoid_cross_entropy_with_logits'), framework: 'tensorflow', params: ['labels', 'logits', 'name'], ignore: ['_sentinel'],
    roles: ['loss', 'expects-logits', 'sigmoid-loss'],
    handler: (a) => {
      if (a.has('targets')) return tf(tfnn.sigmoidCrossEntropyWithLogits(a.tensor('targets'), a.tensor('logits')));
      const { labels, logits } = labelsAndLogits(a);
      return tf(tfnn.sigmoidCrossEntropyWithLogits(sameDtype(a, labels, logits), logits));
    },
  },
  {
    names: names('nn.weighted_cross_entropy_with_logits'), framework: 'tensorflow', params: ['labels', 'logits', 'pos_weight', 'name', 'targets'],
    roles: ['loss', 'expects-logits', 'sigmoid-loss'],
    handler: (a) => {
      const logits = a.tensor('logits');
      const labels = a.has('targets') ? a.tensor('targets', logits.dtype) : a.tensor('labels', logits.dtype);
      return tf(tfnn.weightedCrossEntropyWithLogits(labels, logits, a.tensor('pos_weight', logits.dtype)));
    },
  },
]);

/** TF's cross-entropy kernels require labels of the logits' dtype. */
function sameDtype(a: Args, labels: Tensor, logits: Tensor): Tensor {
  if (labels.dtype !== logits.dtype) {
    throw new EvalError(`${a.cx.qualname}: labels are ${labels.dtype} but logits are ${logits.dtype}; TensorFlow requires the same dtype (cast the labels)`, true);
  }
  return labels;
}

