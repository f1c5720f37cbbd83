import { KindSpec, defineKinds } from './registry';

/**
 * Kind transfers of library functions and layers that the rules need beyond the evaluator's own
 * entries (whose roles already say softmax / log_softmax / sigmoid / log_sigmoid / argmax /
 * one_hot / clip). Keys are canonical names (see canonicalName).
 */
const preserve = (from: string, fromPos = 0): KindSpec => ({ from, fromPos });
const linear = (unitsParam: string, unitsPos: number): KindSpec => ({ produces: 'logits', unitsParam, unitsPos });

defineKinds([
  // exp(log_softmax(x)) is softmax(x); log(softmax(x)) is log_softmax(x); log(sigmoid) is log_sigmoid.
  [['torch.exp', 'tensorflow.exp', 'tensorflow.math.exp', 'numpy.exp', 'jax.numpy.exp', '.exp'], { from: 'x', fromPos: 0, map: { logProbs: 'probs', logSigmoid: 'sigmoidProbs' } }],
  [['torch.log', 'tensorflow.log', 'tensorflow.math.log', 'numpy.log', 'jax.numpy.log', '.log'], { from: 'x', fromPos: 0, map: { probs: 'logProbs', sigmoidProbs: 'logSigmoid' } }],
  // Value-preserving: device moves, dtype casts, reshapes, clipping, detaching keep what a tensor is.
  ...['.to', '.cuda', '.cpu', '.float', '.double', '.half', '.detach', '.contiguous', '.view', '.reshape', '.squeeze', '.unsqueeze', '.clamp', '.clip', '.type', '.flatten', '.resize', '.resize_', '.view_as', '.reshape_as', '.expand', '.expand_as', '.numpy', '.data', '.clone']
    .map((m): [string[], KindSpec] => [[m], preserve('@receiver')]),
  [['torch.clamp', 'torch.clip', 'torch.squeeze', 'torch.reshape', 'tensorflow.clip_by_value', 'tensorflow.squeeze', 'tensorflow.reshape', 'tensorflow.identity', 'numpy.clip', 'numpy.squeeze', 'numpy.reshape', 'tensorflow.cast', 'tensorflow.convert_to_tensor', 'jax.numpy.clip'], preserve('x')],
  // Labels.
  [['torch.argmax', 'tensorflow.argmax', 'tensorflow.math.argmax', 'numpy.argmax', 'jax.numpy.argmax', '.argmax'], { produces: 'classIndex' }],
  [['tensorflow.one_hot', 'torch.nn.functional.one_hot', 'jax.nn.one_hot', 'keras.utils.to_categorical', 'keras.utils.np_utils.to_categorical', 'numpy.eye'], { produces: 'oneHot' }],
  // Raw scores: linear layers and matrix products.
  [['torch.nn.Linear', 'torch.nn.LazyLinear'], linear('out_features', 1)],
  [['torch.nn.functional.linear', 'tensorflow.matmul', 'tensorflow.linalg.matmul', 'torch.matmul', 'torch.mm', 'tensorflow.nn.xw_plus_b', 'tensorflow.compat.v1.nn.xw_plus_b'], { produces: 'logits' }],
  // Layers whose kind is set by an activation argument.
  [['keras.layers.Dense', 'keras.layers.core.Dense'], { activationParam: 'activation', activationPos: 1, activationDefault: 'linear', unitsParam: 'units', unitsPos: 0 }],
  [['tensorflow.layers.dense', 'tensorflow.compat.v1.layers.dense'], { activationParam: 'activation', activationPos: 2, activationDefault: 'linear', unitsParam: 'units', unitsPos: 1 }],
  [['tflearn.fully_connected', 'tflearn.layers.core.fully_connected'], { activationParam: 'activation', activationPos: 2, activationDefault: 'linear', unitsParam: 'n_units', unitsPos: 1 }],
  [['tensorflow.contrib.layers.fully_connected', 'tensorflow.contrib.slim.fully_connected'], { activationParam: 'activation_fn', activationPos: 2, activationDefault: 'relu', unitsParam: 'num_outputs', unitsPos: 1 }],
  [['keras.layers.Activation'], { activationParam: 'activation', activationPos: 0, activationDefault: 'linear' }],
  [['keras.layers.Softmax'], { produces: 'probs', axisParam: 'axis', axisPos: 0, defaultAxis: -1 }],
  [['keras.layers.Dropout', 'keras.layers.Flatten', 'keras.layers.Reshape', 'torch.nn.Dropout', 'torch.nn.Flatten', 'torch.nn.Identity'], { from: 'input', fromPos: 0 }],
  // Containers.
  [['torch.nn.Sequential'], { container: 'sequential-args' }],
  [['keras.Sequential', 'keras.models.Sequential'], { container: 'sequential-list' }],
  [['keras.Model', 'keras.models.Model'], { container: 'model' }],
]);
