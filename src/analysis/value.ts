import type { Kind } from '../python/calls/registry';
import type { Node } from '../python/parser';

export type { Kind } from '../python/calls/registry';

/** A place that made or passed a value: the softmax in model.py, the return of forward(). */
export interface Step {
  /** The file's path as the Project knows it. */
  file: string;
  start: number;
  end: number;
  what: string;
}

/** At most this many steps are kept (the producer first, then the hops nearest the use). */
export const MAX_STEPS = 6;

/**
 * What a callable value does when called (a layer, a module, a model, a user function or class).
 * `apply` gets the argument values and returns the result's value.
 */
export interface Callable {
  what: string;
  apply: (args: CallArgs) => AbsVal;
  /** Output units when known (Dense(10) -> 10). */
  units?: number;
  /** Layers of a Sequential container (model.add appends to them). */
  layers?: AbsVal[];
  /** A keras Sequential: `model.add(layer)` on its name adds layers. */
  addable?: boolean;
}

/** Arguments of a call, evaluated lazily by the engine. */
export interface CallArgs {
  positional: AbsVal[];
  keywords: Map<string, AbsVal>;
}

/** A reference to something that is not a tensor: a module, a user function or class, a library name. */
export type Ref =
  | { type: 'module'; path: string }
  | { type: 'lib'; qualname: string; ctor?: { file: string; node: Node } }
  | { type: 'function'; file: string; node: Node; self?: AbsVal }
  | { type: 'class'; file: string; node: Node }
  | { type: 'instance'; file: string; node: Node }
  | { type: 'callable'; callable: Callable }
  | { type: 'string'; value: string }
  | { type: 'literal'; value: number | boolean | null };

/**
 * The abstract value of an expression: its kind (undefined: unknown, or several producers that
 * disagree), the softmax axis, the number of classes when known, tuple elements, what it refers
 * to when it is not a tensor, and where it came from.
 */
export interface AbsVal {
  kind?: Kind;
  /** Softmax / log_softmax axis when known; null: an implicit (deprecated) torch dim. */
  axis?: number | null;
  /** Size of the class axis when known (Dense(10, activation='softmax') -> 10). */
  units?: number;
  parts?: AbsVal[];
  ref?: Ref;
  /** The activation's input, for fixes at the origin (the x of softmax(x)). */
  input?: { file: string; start: number; end: number };
  prov: Step[];
  /** A slice or element of the tensor that had the kind (a column of probabilities no longer sums to 1). */
  sliced?: boolean;
  /** Analysis stopped here (recursion, cycle, budget): the value is not trusted. */
  incomplete?: boolean;
}

export const UNKNOWN: AbsVal = Object.freeze({ prov: [] }) as AbsVal;

export function unknown(incomplete = false): AbsVal {
  return incomplete ? { prov: [], incomplete: true } : UNKNOWN;
}

/** The value with one more step of provenance (kept only for values with a kind). */
export function via(v: AbsVal, step: Step): AbsVal {
  if (!v.kind) return v;
  const last = v.prov[v.prov.length - 1];
  if (last && last.file === step.file && last.start === step.start && last.end === step.end) return v;
  const prov = v.prov.length < MAX_STEPS ? [...v.prov, step] : [v.prov[0], ...v.prov.slice(2), step];
  return { ...v, prov };
}

/**
 * Join of the values several paths give (several returns, several assignments): a kind survives
 * only when every path agrees; otherwise unknown (rules stay silent where the analysis is unsure).
 */
export function join(vals: AbsVal[]): AbsVal {
  if (vals.length === 0) return UNKNOWN;
  if (vals.length === 1) return vals[0];
  const [first, ...rest] = vals;
  if (first.parts && rest.every((v) => v.parts && v.parts.length === first.parts!.length)) {
    return { prov: [], parts: first.parts.map((_, i) => join(vals.map((v) => v.parts![i]))) };
  }
  if (first.ref && rest.every((v) => sameRef(v.ref, first.ref))) return first;
  if (vals.every((v) => v.ref?.type === 'callable')) {
    // Several models or layers (a helper called with either): calling one gives the join of their outputs.
    const cs = vals.map((v) => (v.ref as { type: 'callable'; callable: Callable }).callable);
    return { prov: [], ref: { type: 'callable', callable: { what: cs[0].what, apply: (a) => join(cs.map((c) => c.apply(a))) } } };
  }
  if (!first.kind || rest.some((v) => v.kind !== first.kind)) return { prov: [], incomplete: vals.some((v) => v.incomplete) || undefined };
  const axis = rest.every((v) => v.axis === first.axis) ? first.axis : undefined;
  const units = rest.every((v) => v.units === first.units) ? first.units : undefined;
  return { ...first, axis, units, incomplete: vals.some((v) => v.incomplete) || undefined };
}

function sameRef(a: Ref | undefined, b: Ref | undefined): boolean {
  if (!a || !b || a.type !== b.type) return false;
  switch (a.type) {
    case 'module': return a.path === (b as typeof a).path;
    case 'lib': return a.qualname === (b as typeof a).qualname;
    case 'string': return a.value === (b as typeof a).value;
    case 'literal': return a.value === (b as typeof a).value;
    case 'function': case 'class': case 'instance': return a.file === (b as typeof a).file && a.node.id === (b as typeof a).node.id;
    default: return false;
  }
}

/** How a kind is named in messages. */
export function kindText(k: Kind): string {
  switch (k) {
    case 'logits': return 'raw scores (logits)';
    case 'probs': return 'softmax probabilities';
    case 'sigmoidProbs': return 'sigmoid probabilities';
    case 'logProbs': return 'log-probabilities (log_softmax)';
    case 'logSigmoid': return 'log-sigmoid values';
    case 'classIndex': return 'class indices';
    case 'oneHot': return 'one-hot labels';
  }
}
