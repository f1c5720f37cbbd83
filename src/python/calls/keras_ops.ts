import * as E from '../../core/elementwise';
import { binaryCrossentropyRaw, categoricalCrossentropyRaw, finish, sparseCategoricalCrossentropyRaw } from '../../core/losses/keras';
import { softmaxOverAxes } from '../../core/softmax_axes';
import { Tensor } from '../../core/tensor';
import { Value } from '../values';
import { Args } from './args';
import { CallSpec, defineFunctions } from './registry';

/** Keras activations and ops (keras.activations.softmax, keras.ops.softmax...), float32 like Keras's floatx. */
const k = (t: Tensor): Value => ({ kind: 'tensor', tensor: t, framework: 'tensorflow' });

/** axis=-1 by default; None normalises over every axis and a tuple over those axes (keras/src/ops/nn.py). */
const axisArg = (a: Args): number | number[] | null => {
  const ax = a.axes('axis');
  return ax === undefined ? -1 : ax;
};

const specs: CallSpec[] = [
  {
    names: ['keras.activations.softmax', 'keras.ops.softmax', 'keras.ops.nn.softmax'], framework: 'tensorflow', params: ['x', 'axis'], roles: ['softmax'],
    handler: (a) => k(softmaxOverAxes(a.tensor('x'), axisArg(a))),
  },
  {
    names: ['keras.activations.log_softmax', 'keras.ops.log_softmax'], framework: 'tensorflow', params: ['x', 'axis'], roles: ['log_softmax'],
    handler: (a) => k(softmaxOverAxes(a.tensor('x'), axisArg(a), true)),
  },
  { names: ['keras.activations.sigmoid', 'keras.ops.sigmoid'], framework: 'tensorflow', params: ['x'], roles: ['sigmoid'], handler: (a) => k(E.sigmoid(a.tensor('x'))) },
  { names: ['keras.ops.log_sigmoid'], framework: 'tensorflow', params: ['x'], roles: ['log_sigmoid'], handler: (a) => k(E.logSigmoid(a.tensor('x'))) },
  // keras.ops.*_crossentropy(target, output, from_logits=False[, axis=-1]): the backend ops
  // (keras/src/backend/tensorflow/nn.py) without the loss functions' label smoothing; binary is
  // elementwise (keras.losses.binary_crossentropy takes the mean over the last axis after it).
  {
    names: ['keras.ops.binary_crossentropy', 'keras.ops.nn.binary_crossentropy'], framework: 'tensorflow', params: ['target', 'output', 'from_logits'], roles: ['loss'],
    handler: (a) => {
      const t = a.tensor('target');
      const o = a.tensor('output');
      // a trailing axis of 1: the mean over it is each element itself
      const r = binaryCrossentropyRaw(t.reshape([...t.shape, 1]), o.reshape([...o.shape, 1]), { from_logits: a.bool('from_logits', false) });
      return k(finish(r).reshape(o.shape));
    },
  },
  {
    names: ['keras.ops.categorical_crossentropy', 'keras.ops.nn.categorical_crossentropy'], framework: 'tensorflow', params: ['target', 'output', 'from_logits', 'axis'], roles: ['loss'],
    handler: (a) => k(finish(categoricalCrossentropyRaw(a.tensor('target'), a.tensor('output'), { from_logits: a.bool('from_logits', false), axis: a.int('axis', -1) }))),
  },
  {
    names: ['keras.ops.sparse_categorical_crossentropy', 'keras.ops.nn.sparse_categorical_crossentropy'], framework: 'tensorflow', params: ['target', 'output', 'from_logits', 'axis'], roles: ['loss', 'sparse'],
    handler: (a) => k(finish(sparseCategoricalCrossentropyRaw(a.tensor('target'), a.tensor('output'), { from_logits: a.bool('from_logits', false), axis: a.int('axis', -1) }))),
  },
  { names: ['keras.activations.softplus', 'keras.ops.softplus'], framework: 'tensorflow', params: ['x'], handler: (a) => k(E.softplus(a.tensor('x'))) },
];

defineFunctions(specs);
