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

// ---- Kind knowledge: what a function or layer makes of a tensor (read by src/analysis) ----

/**
 * What a tensor is, as far as a loss cares: raw scores (logits: any linear output), softmax
 * probabilities over an axis, sigmoid probabilities, log-probabilities (log_softmax), log-sigmoid,
 * class-index labels, one-hot (dense) labels.
 */
export type Kind = 'logits' | 'probs' | 'sigmoidProbs' | 'logProbs' | 'logSigmoid' | 'classIndex' | 'oneHot';

/**
 * The kind transfer of one library function or class, as data. For a function: its result.
 * For a class: what its instances (layers, modules) make of their input when called.
 */
export interface KindSpec {
  /** The result always has this kind. */
  produces?: Kind;
  /** Parameter (name, or position as a number) that gives the axis of a softmax; `defaultAxis` when absent (undefined: implicit). */
  axisParam?: string;
  axisPos?: number;
  defaultAxis?: number;
  /** The result has the kind of this argument ('@receiver' for methods), possibly mapped (exp: logProbs -> probs). */
  from?: string;
  fromPos?: number;
  map?: Partial<Record<Kind, Kind>>;
  /** The kind is set by an `activation=` argument (string or callable), this position when positional; none = `linear`. */
  activationParam?: string;
  activationPos?: number;
  /** The default activation when the argument is absent ('linear' for Dense, 'relu' for tf.contrib fully_connected). */
  activationDefault?: string;
  /** Parameter (name, position) giving the number of output units. */
  unitsParam?: string;
  unitsPos?: number;
  /** Containers: nn.Sequential(*layers), keras.Sequential([layers]); 'model': keras.Model(inputs, outputs). */
  container?: 'sequential-args' | 'sequential-list' | 'model';
}

const kindSpecs = new Map<string, KindSpec>();

export function defineKinds(entries: [string[], KindSpec][]): void {
  for (const [names, spec] of entries) for (const n of names) kindSpecs.set(n, spec);
}

/** The kind transfer of a canonical name, if Loss Lens knows one. */
export function lookupKinds(qualname: string): KindSpec | undefined {
  return kindSpecs.get(canonicalName(qualname));
}

/** A Keras activation given by name ('softmax', 'sigmoid', 'linear'...): the kind it produces (null: linear, i.e. logits). */
export function activationKind(name: string): Kind | null | undefined {
  switch (name) {
    case 'softmax': return 'probs';
    case 'sigmoid': return 'sigmoidProbs';
    case 'log_softmax': return 'logProbs';
    case 'linear': case 'None': return null;
    default: return undefined;
  }
}
