import * as E from '../../core/elementwise';
import { logSoftmax, softmax } from '../../core/softmax';
import { Tensor } from '../../core/tensor';
import { Value } from '../values';
import { CallSpec, defineFunctions } from './registry';

/** Keras activations and ops (keras.activations.softmax, keras.ops.softmax...), float32 like Keras's floatx. */
const k = (t: Tensor): Value => ({ kind: 'tensor', tensor: t, framework: 'tensorflow' });

const specs: CallSpec[] = [
  {
    names: ['keras.activations.softmax', 'keras.ops.softmax', 'keras.ops.nn.softmax'], framework: 'tensorflow', params: ['x', 'axis'], roles: ['softmax'],
    handler: (a) => k(softmax(a.tensor('x'), a.int('axis', -1))),
  },
  {
    names: ['keras.activations.log_softmax', 'keras.ops.log_softmax'], framework: 'tensorflow', params: ['x', 'axis'], roles: ['log_softmax'],
    handler: (a) => k(logSoftmax(a.tensor('x'), a.int('axis', -1))),
  },
  { names: ['keras.activations.sigmoid', 'keras.ops.sigmoid'], framework: 'tensorflow', params: ['x'], roles: ['sigmoid'], handler: (a) => k(E.sigmoid(a.tensor('x'))) },
  { names: ['keras.ops.log_sigmoid'], framework: 'tensorflow', params: ['x'], roles: ['log_sigmoid'], handler: (a) => k(E.logSigmoid(a.tensor('x'))) },
  { names: ['keras.activations.softplus', 'keras.ops.softplus'], framework: 'tensorflow', params: ['x'], handler: (a) => k(E.softplus(a.tensor('x'))) },
];

defineFunctions(specs);
