/**
 * TF 1 names of loss code that TF 2's API does not have, with their TF 2 replacement: the
 * entries of TensorFlow's own upgrade table (tensorflow/tools/compatibility/renames_v2.py, the
 * `renames` dict that `tf_upgrade_v2` applies) for the math that hand-written losses use and
 * for TF 1's tf.losses. Keys and values are relative to `tensorflow.` (`log` is tf.log).
 *
 * The rest of that table (tf.Session, tf.placeholder, tf.train.*, tf.layers.*, tf.summary.*,
 * tf.logging.*, tf.random_normal...) is general TF 1 to 2 migration, which tf_upgrade_v2 does;
 * this linter keeps to loss code (issue 6: a 16-file TF 1 project got 255 findings, nearly
 * all of them outside the loss).
 *
 * A `compat.v1.` replacement means TF 2 has no direct equivalent: tf.compat.v1 keeps the TF 1
 * behaviour until the code is ported.
 */

function under(ns: string, prefix: string, names: string[]): [string, string][] {
  return names.map((n) => [`${ns}${n}`, `${prefix}${ns}${n}`]);
}

/** Math names reported only inside a loss expression (tf.log(std) for a policy is not one). */
export const LOSS_EXPRESSION_NAMES: ReadonlySet<string> = new Set(['log', 'log1p', 'log_sigmoid', 'div']);

export const TF1_RENAMES: ReadonlyMap<string, string> = new Map<string, string>([
  ['log', 'math.log'],
  ['log1p', 'math.log1p'],
  ['log_sigmoid', 'math.log_sigmoid'],
  ['div', 'compat.v1.div'],
  // TF 1 losses: TF 2's tf.losses is Keras's module, with other functions and other semantics.
  ...under('losses.', 'compat.v1.', [
    'Reduction', 'absolute_difference', 'add_loss', 'compute_weighted_loss', 'cosine_distance', 'get_losses',
    'get_regularization_loss', 'get_regularization_losses', 'get_total_loss', 'hinge_loss', 'huber_loss', 'log_loss',
    'mean_pairwise_squared_error', 'mean_squared_error', 'sigmoid_cross_entropy', 'softmax_cross_entropy',
    'sparse_softmax_cross_entropy',
  ]),
]);

/** Why a name needs more than a rename: keys ending in '.' match a namespace, others one name. */
export const TF1_NOTES: readonly [string, string][] = [
  ['losses.', "in TF 2, tf.losses is Keras's loss module, where this name is missing or computes something else"],
  ['div', 'tf.compat.v1.div keeps Python 2 division (floor division for integers); tf.math.divide is true division'],
];

/**
 * Keyword arguments TF 2 renamed (tf_upgrade_v2's keyword renames), and the functions they
 * apply to ('*': any tf function); reported on calls inside a loss expression.
 */
export const TF1_KEYWORD_RENAMES: readonly { keyword: string; replacement: string; functions: '*' | readonly string[] }[] = [
  { keyword: 'reduction_indices', replacement: 'axis', functions: '*' },
  { keyword: 'keep_dims', replacement: 'keepdims', functions: '*' },
  {
    keyword: 'dim', replacement: 'axis',
    functions: ['nn.softmax', 'nn.log_softmax', 'math.softmax', 'math.log_softmax', 'nn.softmax_cross_entropy_with_logits', 'nn.softmax_cross_entropy_with_logits_v2', 'nn.l2_normalize', 'math.l2_normalize'],
  },
  { keyword: 'dimension', replacement: 'axis', functions: ['argmax', 'argmin', 'math.argmax', 'math.argmin'] },
  { keyword: 'squeeze_dims', replacement: 'axis', functions: ['squeeze'] },
];

/**
 * tf.contrib.losses (removed in TF 2; deprecated since TF 1.0 for tf.losses, "the order of the
 * logits and labels arguments has been changed"): each function's positional parameters, which
 * the fix turns into keywords so that tf.compat.v1.losses reads them as meant.
 */
export const CONTRIB_LOSS_PARAMS: Readonly<Record<string, readonly string[]>> = {
  absolute_difference: ['predictions', 'labels', 'weights', 'scope'],
  compute_weighted_loss: ['losses', 'weights', 'scope'],
  cosine_distance: ['predictions', 'labels', 'axis', 'weights', 'scope'],
  hinge_loss: ['logits', 'labels', 'scope'],
  log_loss: ['predictions', 'labels', 'weights', 'epsilon', 'scope'],
  mean_pairwise_squared_error: ['predictions', 'labels', 'weights', 'scope'],
  mean_squared_error: ['predictions', 'labels', 'weights', 'scope'],
  sigmoid_cross_entropy: ['logits', 'multi_class_labels', 'weights', 'label_smoothing', 'scope'],
  softmax_cross_entropy: ['logits', 'onehot_labels', 'weights', 'label_smoothing', 'scope'],
  sparse_softmax_cross_entropy: ['logits', 'labels', 'weights', 'scope'],
  add_loss: ['loss', 'loss_collection'],
  get_losses: ['scope', 'loss_collection'],
  get_regularization_losses: ['scope'],
  get_total_loss: ['add_regularization_losses', 'name'],
};
