import { Framework, Value } from '../values';
import { Args, Signature } from './args';

/**
 * What a known function does. `roles` tell the rules what kind of function it is without
 * re-deriving it from names: 'softmax', 'log_softmax', 'sigmoid', 'log', 'loss', 'expects-logits'...
 */
export interface CallSpec extends Signature {
  /** Every public name the function is reachable by (canonical dotted names). */
  names: string[];
  framework: Framework;
  roles?: string[];
  handler: (a: Args) => Value;
}

/** A class whose instances are callable (loss objects, nn.Softmax): constructor then call signature. */
export interface ClassSpec extends Signature {
  names: string[];
  framework: Framework;
  roles?: string[];
  call: Signature;
  handler: (init: Args, a: Args) => Value;
}

const functions = new Map<string, CallSpec>();
const classes = new Map<string, ClassSpec>();

export function defineFunctions(specs: CallSpec[]): void {
  for (const s of specs) for (const n of s.names) functions.set(n, s);
}

export function defineClasses(specs: ClassSpec[]): void {
  for (const s of specs) for (const n of s.names) classes.set(n, s);
}

export function lookupFunction(qualname: string): CallSpec | undefined {
  return functions.get(canonicalName(qualname));
}

export function lookupClass(qualname: string): ClassSpec | undefined {
  return classes.get(canonicalName(qualname));
}

/** All registered names (for docs and tests). */
export function registeredNames(): { functions: string[]; classes: string[] } {
  return { functions: [...functions.keys()].sort(), classes: [...classes.keys()].sort() };
}

/** TF 1's tf.losses.* functions, which TF 2 moved to tf.compat.v1.losses (TF 2's tf.losses is Keras). */
const TF1_LOSS_FUNCTIONS = new Set([
  'absolute_difference', 'compute_weighted_loss', 'cosine_distance', 'hinge_loss', 'huber_loss', 'log_loss',
  'mean_pairwise_squared_error', 'mean_squared_error', 'sigmoid_cross_entropy', 'softmax_cross_entropy',
  'sparse_softmax_cross_entropy', 'Reduction',
]);

/**
 * Maps the many public spellings of a name to one canonical spelling:
 * tf.compat.v1.X / tf.compat.v2.X -> tf.X (except the v1 losses), tf.keras.X and
 * tf.python.keras.X -> keras.X, tf.losses.<v1 function> -> tf.compat.v1.losses.X,
 * keras.src.X -> keras.X. (tf.contrib.losses keeps its own name: its argument order differs.)
 */
export function canonicalName(q: string): string {
  let s = q;
  s = s.replace(/^tensorflow\.python\.keras\./, 'keras.').replace(/^tensorflow\.keras\./, 'keras.').replace(/^keras\.src\./, 'keras.');
  const tfLoss = /^tensorflow\.losses\.(\w+)$/.exec(s);
  if (tfLoss) s = TF1_LOSS_FUNCTIONS.has(tfLoss[1]) ? `tensorflow.compat.v1.losses.${tfLoss[1]}` : `keras.losses.${tfLoss[1]}`;
  if (!s.startsWith('tensorflow.compat.v1.losses.')) s = s.replace(/^tensorflow\.compat\.v[12]\./, 'tensorflow.');
  s = s.replace(/^tensorflow\.losses\.Reduction/, 'tensorflow.compat.v1.losses.Reduction');
  s = s.replace(/^keras\.api\._v2\.keras\./, 'keras.');
  return s;
}
