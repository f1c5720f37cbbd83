import { KERAS_LOSS_CLASSES, KERAS_LOSS_FUNCTIONS } from '../../core/losses/keras_classes';
import { OPTAX_FUNCTIONS } from '../../core/losses/optax';
import { Reduction } from '../../core/losses/reduction';
import { TF_V1_LOSSES } from '../../core/losses/tf_v1';
import { TORCH_FUNCTIONS, TORCH_LOSS_CLASSES, constructLoss } from '../../core/losses/torch';
import { Tensor } from '../../core/tensor';
import { toTensor } from '../convert';
import { EvalError, Framework, Value, describe } from '../values';
import { Args } from './args';
import { CallSpec, ClassSpec, defineClasses, defineFunctions } from './registry';

/**
 * The loss families of src/core (PyTorch, optax, Keras, tf.compat.v1.losses) exposed to the
 * evaluator: each registry entry has the framework's Python signature; arguments are converted
 * the way the framework converts them and passed to the core under their Python names.
 */

/** Parameters that are always tensors (a Python list there becomes a tensor of the framework). */
const TENSOR_PARAMS = new Set([
  'input', 'target', 'weight', 'pos_weight', 'logits', 'labels', 'y_true', 'y_pred', 'sample_weight',
  'onehot_labels', 'multi_class_labels', 'predictions', 'log_predictions', 'targets', 'log_targets', 'where',
]);

/** Converts an argument to what the core functions take: Tensors, numbers, strings, booleans, null. */
function plain(a: Args, name: string): unknown {
  const v = a.get(name)!;
  if (TENSOR_PARAMS.has(name) && v.kind !== 'none') return a.tensor(name);
  return plainValue(v, a.cx.framework, a, name);
}

function plainValue(v: Value, framework: Framework, a: Args, name: string): unknown {
  switch (v.kind) {
    case 'scalar': return v.isBool ? v.value !== 0 : v.value;
    case 'string': return v.value;
    case 'none': return null;
    case 'dtype': return v.dtype;
    case 'tensor': return v.tensor;
    case 'list': return toTensor(v, framework, undefined, a.cx.limits, `argument '${name}'`);
    case 'ref': {
      // tf.losses.Reduction.SUM -> 'weighted_sum'; keras reduction constants are plain strings.
      const key = v.qualname.split('.').pop()!;
      if (/Reduction$/.test(v.qualname.split('.').slice(-2, -1)[0] ?? '') && key in Reduction) return Reduction[key as keyof typeof Reduction];
      return key;
    }
    default:
      throw new EvalError(`argument '${name}' of ${a.cx.qualname} is ${describe(v)}, which Loss Lens does not evaluate`, true);
  }
}

function options(a: Args, skip: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of a.values.keys()) if (!skip.includes(k)) out[k] = plain(a, k);
  return out;
}

const wrap = (t: Tensor, framework: Framework): Value => ({ kind: 'tensor', tensor: t, framework });

// ---- PyTorch: torch.nn.functional.* and torch.nn.*Loss ----
const torchRoles: Record<string, string[]> = {
  cross_entropy: ['loss', 'expects-logits', 'softmax-loss'],
  nll_loss: ['loss', 'expects-log-probabilities'],
  binary_cross_entropy: ['loss', 'expects-probabilities', 'sigmoid-loss'],
  binary_cross_entropy_with_logits: ['loss', 'expects-logits', 'sigmoid-loss'],
  kl_div: ['loss', 'expects-log-probabilities'],
};

defineFunctions(
  Object.entries(TORCH_FUNCTIONS).map(([name, spec]): CallSpec => ({
    // torch.* exposes only these two at top level (torch.binary_cross_entropy_with_logits, torch.kl_div).
    names: [`torch.nn.functional.${name}`, ...(name === 'binary_cross_entropy_with_logits' || name === 'kl_div' ? [`torch.${name}`] : [])],
    framework: 'torch',
    params: [...spec.params],
    roles: torchRoles[name],
    handler: (a) => wrap(spec.fn(a.tensor('input'), a.tensor('target'), options(a, ['input', 'target'])), 'torch'),
  })),
);

defineClasses(
  Object.entries(TORCH_LOSS_CLASSES).map(([name, spec]): ClassSpec => ({
    names: [`torch.nn.${name}`, `torch.nn.modules.loss.${name}`],
    framework: 'torch',
    params: [...spec.init],
    roles: torchRoles[spec.functional],
    call: { params: ['input', 'target'] },
    handler: (init, a) => wrap(constructLoss(name, options(init, []))(a.tensor('input'), a.tensor('target')), 'torch'),
  })),
);

// ---- optax: logits first, never reduces ----
const optaxRoles: Record<string, string[]> = {
  softmax_cross_entropy: ['loss', 'expects-logits', 'softmax-loss'],
  softmax_cross_entropy_with_integer_labels: ['loss', 'expects-logits', 'softmax-loss', 'sparse'],
  safe_softmax_cross_entropy: ['loss', 'expects-logits', 'softmax-loss'],
  sigmoid_binary_cross_entropy: ['loss', 'expects-logits', 'sigmoid-loss'],
  sigmoid_focal_loss: ['loss', 'expects-logits', 'sigmoid-loss'],
  poly_loss_cross_entropy: ['loss', 'expects-logits', 'softmax-loss'],
};

defineFunctions(
  Object.entries(OPTAX_FUNCTIONS).map(([name, spec]): CallSpec => {
    const star = spec.params.indexOf('*');
    const params = spec.params.filter((p) => p !== '*');
    const [p0, p1] = params;
    return {
      names: [`optax.${name}`, `optax.losses.${name}`],
      framework: 'jax',
      params,
      positional: star < 0 ? undefined : star,
      roles: optaxRoles[name] ?? ['loss'],
      handler: (a) => {
        const opts = options(a, [p0, p1]);
        const second = name === 'smooth_labels' ? undefined : a.tensor(p1);
        if (name === 'smooth_labels') opts.alpha = plain(a, 'alpha');
        return wrap(spec.fn(a.tensor(p0), second as Tensor, opts), 'jax');
      },
    };
  }),
);

// ---- Keras 3: classes (constructor kwargs, then (y_true, y_pred, sample_weight)) and functions ----
const KERAS_INIT: Record<string, string[]> = {
  CategoricalCrossentropy: ['from_logits', 'label_smoothing', 'axis', 'reduction', 'name', 'dtype'],
  SparseCategoricalCrossentropy: ['from_logits', 'ignore_class', 'reduction', 'name', 'dtype'],
  BinaryCrossentropy: ['from_logits', 'label_smoothing', 'axis', 'reduction', 'name', 'dtype'],
  BinaryFocalCrossentropy: ['apply_class_balancing', 'alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis', 'reduction', 'name', 'dtype'],
  CategoricalFocalCrossentropy: ['alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis', 'reduction', 'name', 'dtype'],
  KLDivergence: ['reduction', 'name', 'dtype'],
};
const KERAS_FN: Record<string, string[]> = {
  categorical_crossentropy: ['from_logits', 'label_smoothing', 'axis'],
  sparse_categorical_crossentropy: ['from_logits', 'ignore_class', 'axis'],
  binary_crossentropy: ['from_logits', 'label_smoothing', 'axis'],
  binary_focal_crossentropy: ['apply_class_balancing', 'alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'],
  categorical_focal_crossentropy: ['alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'],
  kl_divergence: [],
};
const kerasRoles = (name: string) => (/binary/i.test(name) ? ['loss', 'keras-loss', 'sigmoid-loss'] : /kl/i.test(name) ? ['loss', 'keras-loss'] : ['loss', 'keras-loss', 'softmax-loss']);

/** Keras takes the dtype as a string or a dtype object; only float32/float64 are evaluated. */
function kerasInit(init: Args): Record<string, unknown> {
  const o = options(init, []);
  if (o.dtype !== undefined && o.dtype !== null && o.dtype !== 'float32' && o.dtype !== 'float64') {
    throw new EvalError(`Keras loss dtype ${String(o.dtype)} is not evaluated (float32 and float64 are)`, true);
  }
  return o;
}

defineClasses(
  Object.entries(KERAS_LOSS_CLASSES).map(([name, Cls]): ClassSpec => ({
    names: [`keras.losses.${name}`],
    framework: 'tensorflow',
    params: KERAS_INIT[name],
    roles: kerasRoles(name),
    call: { params: ['y_true', 'y_pred', 'sample_weight'] },
    handler: (init, a) => {
      const loss = new Cls(kerasInit(init));
      const sw = a.has('sample_weight') ? (plain(a, 'sample_weight') as Tensor) : null;
      return wrap(loss.call(a.tensor('y_true'), a.tensor('y_pred'), sw), 'tensorflow');
    },
  })),
);

defineFunctions(
  Object.entries(KERAS_LOSS_FUNCTIONS).map(([name, fn]): CallSpec => ({
    names: [`keras.losses.${name}`, `keras.metrics.${name}`, ...(name === 'kl_divergence' ? ['keras.losses.kld', 'keras.losses.KLD'] : [])],
    framework: 'tensorflow',
    params: ['y_true', 'y_pred', ...KERAS_FN[name]],
    roles: kerasRoles(name),
    handler: (a) => wrap(fn(a.tensor('y_true'), a.tensor('y_pred'), options(a, ['y_true', 'y_pred'])), 'tensorflow'),
  })),
);

// ---- tf.compat.v1.losses (TF 1's tf.losses): weights, label smoothing, Reduction ----
const TF_V1_PARAMS: Record<string, string[]> = {
  softmax_cross_entropy: ['onehot_labels', 'logits', 'weights', 'label_smoothing', 'scope', 'loss_collection', 'reduction'],
  sparse_softmax_cross_entropy: ['labels', 'logits', 'weights', 'scope', 'loss_collection', 'reduction'],
  sigmoid_cross_entropy: ['multi_class_labels', 'logits', 'weights', 'label_smoothing', 'scope', 'loss_collection', 'reduction'],
  log_loss: ['labels', 'predictions', 'weights', 'epsilon', 'scope', 'loss_collection', 'reduction'],
};
const tfV1Roles: Record<string, string[]> = {
  softmax_cross_entropy: ['loss', 'expects-logits', 'softmax-loss'],
  sparse_softmax_cross_entropy: ['loss', 'expects-logits', 'softmax-loss', 'sparse'],
  sigmoid_cross_entropy: ['loss', 'expects-logits', 'sigmoid-loss'],
  log_loss: ['loss', 'expects-probabilities'],
};

defineFunctions(
  Object.entries(TF_V1_LOSSES).map(([name, fn]): CallSpec => {
    const [p0, p1] = TF_V1_PARAMS[name];
    return {
      names: [`tensorflow.compat.v1.losses.${name}`],
      framework: 'tensorflow',
      params: TF_V1_PARAMS[name],
      ignore: ['scope', 'loss_collection'],
      roles: tfV1Roles[name],
      handler: (a) => {
        const opts = options(a, [p0, p1, 'scope', 'loss_collection']);
        return wrap(fn(a.tensor(p0), a.tensor(p1), opts), 'tensorflow');
      },
    };
  }),
);

// tf.contrib.losses (TF 1.0-1.x): the same losses with logits first and the default weighted
// mean over non-zero weights (SUM_BY_NONZERO_WEIGHTS).
const CONTRIB_PARAMS: Record<string, string[]> = {
  softmax_cross_entropy: ['logits', 'onehot_labels', 'weights', 'label_smoothing', 'scope'],
  sparse_softmax_cross_entropy: ['logits', 'labels', 'weights', 'scope'],
  sigmoid_cross_entropy: ['logits', 'multi_class_labels', 'weights', 'label_smoothing', 'scope'],
  log_loss: ['predictions', 'labels', 'weights', 'epsilon', 'scope'],
};

defineFunctions(
  Object.entries(CONTRIB_PARAMS).map(([name, params]): CallSpec => {
    const [labelsParam, logitsParam] = TF_V1_PARAMS[name];
    return {
      names: [`tensorflow.contrib.losses.${name}`],
      framework: 'tensorflow',
      params,
      ignore: ['scope'],
      roles: tfV1Roles[name],
      handler: (a) => {
        const opts = options(a, [labelsParam, logitsParam, 'scope']);
        return wrap(TF_V1_LOSSES[name](a.tensor(labelsParam), a.tensor(logitsParam), opts), 'tensorflow');
      },
    };
  }),
);

