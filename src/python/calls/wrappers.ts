import { EvalError, RefValue, Value, describe } from '../values';
import { Args } from './args';
import { CallSpec, defineFunctions, lookupClass, lookupFunction } from './registry';

/**
 * Wrappers that do not change values: jax.jit(f), torch.compile(f), tf.function(f) give back f
 * (compilation changes speed, not the numbers Loss Lens models), and jax.vmap(f) over the
 * leading (batch) axis gives back f where f is a per-example function whose batched call
 * computes the same thing (optax's losses and jax.nn's activations work on the trailing axes
 * and never reduce over the batch). functools.partial is bound in the evaluator (RefValue.partial).
 */

/** A function or loss object Loss Lens knows, as the value its wrapper returns. */
function knownCallable(a: Args, param: string, wrapper: string): Value {
  const f = a.get(param);
  if (!f) throw new EvalError(`${wrapper}() needs a function`, true);
  if (f.kind === 'callable') return f;
  if (f.kind === 'ref' && (lookupFunction(f.qualname) || lookupClass(f.qualname))) return f;
  throw new EvalError(`${wrapper}() of ${f.kind === 'ref' ? `${f.qualname}()` : describe(f)}: that function is not one Loss Lens evaluates`, false);
}

/** jax.vmap applies f to each slice along axis 0 and stacks: the same as f for these per-example functions. */
const PER_EXAMPLE = /^(optax\.(softmax_cross_entropy|softmax_cross_entropy_with_integer_labels|safe_softmax_cross_entropy|sigmoid_binary_cross_entropy|sigmoid_focal_loss|poly_loss_cross_entropy|kl_divergence|kl_divergence_with_log_targets|convex_kl_divergence|hinge_loss|perceptron_loss|multiclass_hinge_loss|multiclass_perceptron_loss|sparsemax_loss|ctc_loss|generalized_kl_divergence|multiclass_sparsemax_loss)|jax\.nn\.(softmax|log_softmax|sigmoid|log_sigmoid|softplus|relu|one_hot))$/;

function vmapped(a: Args): Value {
  const f = knownCallable(a, 'fun', 'jax.vmap');
  for (const k of ['in_axes', 'out_axes']) {
    const v = a.get(k);
    if (v && !(v.kind === 'scalar' && v.int && v.value === 0)) {
      throw new EvalError(`jax.vmap(..., ${k}=...) other than 0 is not evaluated (only mapping over the leading batch axis is)`, true);
    }
  }
  if (f.kind !== 'ref' || !PER_EXAMPLE.test(f.qualname)) {
    throw new EvalError(`jax.vmap of ${f.kind === 'ref' ? f.qualname : describe(f)} is not evaluated: only optax losses and jax.nn activations, whose batched call is the same`, true);
  }
  return { ...(f as RefValue), vmapped: true };
}

const specs: CallSpec[] = [
  {
    names: ['jax.jit'], framework: 'jax', params: ['fun'],
    ignore: ['in_shardings', 'out_shardings', 'static_argnums', 'static_argnames', 'donate_argnums', 'donate_argnames', 'keep_unused', 'device', 'backend', 'inline', 'abstracted_axes', 'compiler_options'],
    handler: (a) => knownCallable(a, 'fun', 'jax.jit'),
  },
  {
    names: ['jax.vmap'], framework: 'jax', params: ['fun', 'in_axes', 'out_axes'], ignore: ['axis_name', 'axis_size', 'spmd_axis_name'],
    handler: vmapped,
  },
  {
    names: ['torch.compile'], framework: 'torch', params: ['model'], ignore: ['fullgraph', 'dynamic', 'backend', 'mode', 'options', 'disable'],
    handler: (a) => knownCallable(a, 'model', 'torch.compile'),
  },
  {
    names: ['tensorflow.function'], framework: 'tensorflow', params: ['func'],
    ignore: ['input_signature', 'autograph', 'jit_compile', 'reduce_retracing', 'experimental_implements', 'experimental_autograph_options', 'experimental_attributes', 'experimental_relax_shapes', 'experimental_compile', 'experimental_follow_type_hints'],
    handler: (a) => knownCallable(a, 'func', 'tf.function'),
  },
];

defineFunctions(specs);
