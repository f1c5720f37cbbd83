/**
 * TF 1 names that TF 2's API does not have, with their TF 2 replacement: the entries of
 * TensorFlow's own upgrade table (tensorflow/tools/compatibility/renames_v2.py, the `renames`
 * dict that `tf_upgrade_v2` applies) for the namespaces that loss and training code uses:
 * top-level ops and the graph/session API, tf.losses, tf.nn, tf.train, tf.layers, tf.summary
 * and tf.logging. Keys and values are relative to `tensorflow.` (`log` is tf.log).
 *
 * A `compat.v1.` replacement means TF 2 has no direct equivalent: tf.compat.v1 keeps the TF 1
 * behaviour (graph-mode placeholders, sessions, collections) until the code is ported.
 */

function same(prefix: string, names: string[]): [string, string][] {
  return names.map((n) => [n, `${prefix}${n}`]);
}

function under(ns: string, prefix: string, names: string[]): [string, string][] {
  return names.map((n) => [`${ns}${n}`, `${prefix}${ns}${n}`]);
}

export const TF1_RENAMES: ReadonlyMap<string, string> = new Map<string, string>([
  // Graph, session and variable API: only in tf.compat.v1.
  ...same('compat.v1.', [
    'Session', 'InteractiveSession', 'ConfigProto', 'GPUOptions', 'GraphKeys', 'RunOptions', 'RunMetadata',
    'placeholder', 'placeholder_with_default', 'sparse_placeholder',
    'global_variables_initializer', 'local_variables_initializer', 'initialize_all_variables', 'initialize_local_variables',
    'initialize_variables', 'variables_initializer', 'tables_initializer', 'global_variables', 'local_variables', 'all_variables',
    'trainable_variables', 'model_variables', 'moving_average_variables', 'get_variable', 'get_local_variable',
    'get_variable_scope', 'variable_scope', 'variable_op_scope', 'get_collection', 'get_collection_ref', 'add_to_collection',
    'add_to_collections', 'get_default_graph', 'get_default_session', 'reset_default_graph', 'set_random_seed', 'get_seed',
    'assign', 'assign_add', 'assign_sub', 'Print', 'py_func', 'make_template', 'report_uninitialized_variables',
    'is_variable_initialized', 'verify_tensor_all_finite', 'add_check_numerics_ops', 'no_regularizer',
    'enable_eager_execution', 'disable_eager_execution', 'enable_v2_behavior', 'disable_v2_behavior',
    'div', 'to_float', 'to_double', 'to_int32', 'to_int64', 'to_bfloat16', 'to_complex64', 'to_complex128',
    'sparse_to_dense', 'space_to_depth', 'depth_to_space', 'setdiff1d',
  ]),
  // Math ops moved under tf.math.
  ...same('math.', [
    'log', 'log1p', 'log_sigmoid', 'expm1', 'ceil', 'rsqrt', 'reciprocal', 'rint', 'squared_difference', 'floordiv', 'floormod',
    'is_nan', 'is_inf', 'is_finite', 'is_non_decreasing', 'is_strictly_increasing', 'erf', 'erfc', 'lgamma', 'digamma', 'lbeta',
    'betainc', 'igamma', 'igammac', 'polygamma', 'zeta', 'cumprod', 'accumulate_n', 'logical_xor', 'real', 'imag', 'angle',
    'conj', 'invert_permutation', 'segment_sum', 'segment_mean', 'segment_max', 'segment_min', 'segment_prod',
    'unsorted_segment_sum', 'unsorted_segment_mean', 'unsorted_segment_max', 'unsorted_segment_min',
    'unsorted_segment_prod', 'unsorted_segment_sqrt_n',
  ]),
  ['mod', 'math.floormod'],
  ['div_no_nan', 'math.divide_no_nan'],
  ['check_numerics', 'debugging.check_numerics'],
  // Linear algebra moved under tf.linalg.
  ...same('linalg.', ['cholesky', 'cholesky_solve', 'cross', 'global_norm', 'qr', 'svd', 'trace']),
  ['matrix_band_part', 'linalg.band_part'],
  ['matrix_determinant', 'linalg.det'],
  ['matrix_diag', 'linalg.diag'],
  ['matrix_diag_part', 'linalg.diag_part'],
  ['matrix_inverse', 'linalg.inv'],
  ['matrix_set_diag', 'linalg.set_diag'],
  ['matrix_solve', 'linalg.solve'],
  ['matrix_solve_ls', 'linalg.lstsq'],
  ['matrix_transpose', 'linalg.matrix_transpose'],
  ['matrix_triangular_solve', 'linalg.triangular_solve'],
  ['diag', 'linalg.tensor_diag'],
  ['diag_part', 'linalg.tensor_diag_part'],
  ['self_adjoint_eig', 'linalg.eigh'],
  ['self_adjoint_eigvals', 'linalg.eigvalsh'],
  // Random ops moved under tf.random.
  ['random_uniform', 'random.uniform'],
  ['random_normal', 'random.normal'],
  ['truncated_normal', 'random.truncated_normal'],
  ['random_shuffle', 'random.shuffle'],
  ['random_gamma', 'random.gamma'],
  ['random_crop', 'image.random_crop'],
  // Others.
  ['lin_space', 'linspace'],
  ['reverse_v2', 'reverse'],
  ['sparse_softmax', 'sparse.softmax'],
  ['sparse_tensor_to_dense', 'sparse.to_dense'],
  ['read_file', 'io.read_file'],
  ['write_file', 'io.write_file'],
  ['app.run', 'compat.v1.app.run'],
  // TF 1 losses: TF 2's tf.losses is Keras's module, with other functions and other semantics.
  ...under('losses.', 'compat.v1.', [
    'Reduction', 'absolute_difference', 'add_loss', 'compute_weighted_loss', 'cosine_distance', 'get_losses',
    'get_regularization_loss', 'get_regularization_losses', 'get_total_loss', 'hinge_loss', 'huber_loss', 'log_loss',
    'mean_pairwise_squared_error', 'mean_squared_error', 'sigmoid_cross_entropy', 'softmax_cross_entropy',
    'sparse_softmax_cross_entropy',
  ]),
  // tf.nn RNN helpers and layers.
  ...under('nn.', 'compat.v1.', ['dynamic_rnn', 'bidirectional_dynamic_rnn', 'static_rnn', 'static_bidirectional_rnn', 'raw_rnn', 'xw_plus_b', 'relu_layer']),
  ...under('nn.rnn_cell.', 'compat.v1.', [
    'BasicLSTMCell', 'BasicRNNCell', 'LSTMCell', 'GRUCell', 'MultiRNNCell', 'DropoutWrapper', 'ResidualWrapper', 'DeviceWrapper',
    'LSTMStateTuple', 'RNNCell',
  ]),
  // tf.train: optimizers, savers, schedules, input queues.
  ...under('train.', 'compat.v1.', [
    'Optimizer', 'GradientDescentOptimizer', 'AdamOptimizer', 'AdagradOptimizer', 'AdadeltaOptimizer', 'MomentumOptimizer',
    'RMSPropOptimizer', 'FtrlOptimizer', 'ProximalAdagradOptimizer', 'ProximalGradientDescentOptimizer', 'AdagradDAOptimizer',
    'SyncReplicasOptimizer', 'Saver', 'Scaffold', 'MonitoredSession', 'MonitoredTrainingSession', 'SingularMonitoredSession',
    'Supervisor', 'get_global_step', 'get_or_create_global_step', 'create_global_step', 'global_step', 'exponential_decay',
    'piecewise_constant', 'polynomial_decay', 'cosine_decay', 'cosine_decay_restarts', 'inverse_time_decay',
    'natural_exp_decay', 'linear_cosine_decay', 'noisy_linear_cosine_decay', 'import_meta_graph', 'export_meta_graph',
    'start_queue_runners', 'batch', 'shuffle_batch', 'string_input_producer', 'slice_input_producer', 'init_from_checkpoint',
  ]),
  // tf.layers: TF 1's functional and class layers.
  ...under('layers.', 'compat.v1.', [
    'dense', 'dropout', 'flatten', 'batch_normalization', 'conv1d', 'conv2d', 'conv3d', 'conv2d_transpose', 'conv3d_transpose',
    'separable_conv1d', 'separable_conv2d', 'max_pooling1d', 'max_pooling2d', 'max_pooling3d', 'average_pooling1d',
    'average_pooling2d', 'average_pooling3d', 'Dense', 'Dropout', 'Flatten', 'BatchNormalization', 'Conv1D', 'Conv2D',
    'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D',
    'AveragePooling2D', 'AveragePooling3D', 'SeparableConv1D', 'SeparableConv2D', 'Layer',
  ]),
  // tf.summary: TF 1's graph summaries (TF 2's tf.summary.scalar has another signature).
  ...under('summary.', 'compat.v1.', ['scalar', 'histogram', 'image', 'audio', 'text', 'tensor_summary', 'merge', 'merge_all', 'FileWriter', 'FileWriterCache']),
  // tf.logging: use Python's logging or absl.logging in TF 2.
  ...under('logging.', 'compat.v1.', [
    'DEBUG', 'ERROR', 'FATAL', 'INFO', 'WARN', 'debug', 'error', 'fatal', 'info', 'log', 'warn', 'warning', 'set_verbosity',
    'get_verbosity', 'log_every_n', 'log_first_n', 'log_if', 'vlog', 'flush',
  ]),
]);

/** Why a name needs more than a rename: keys ending in '.' match a namespace, others one name. */
export const TF1_NOTES: readonly [string, string][] = [
  ['losses.', "in TF 2, tf.losses is Keras's loss module, where this name is missing or computes something else"],
  ['div', 'tf.compat.v1.div keeps Python 2 division (floor division for integers); tf.math.divide is true division'],
  ['placeholder', 'TF 2 runs eagerly: pass the values to a tf.function instead of feeding a placeholder'],
  ['Session', 'TF 2 runs eagerly: call the code (or a tf.function) directly instead of session.run'],
  ['InteractiveSession', 'TF 2 runs eagerly: evaluate tensors directly instead of .eval()'],
  ['train.', 'the TF 2 equivalents live in tf.keras.optimizers / tf.train.Checkpoint'],
];

/** Keyword arguments TF 2 renamed (tf_upgrade_v2's keyword renames), and the functions they apply to ('*': any tf function). */
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
