import { Kind, KindSpec, activationKind, canonicalName, lookupClass, lookupFunction, lookupKinds } from '../python/calls/registry';
import { displayName } from '../python/evaluator';
import type { Node } from '../python/parser';
import { argsOf } from '../python/syntax';
import type { ProjectFile } from './project';
import { AbsVal, CallArgs, Callable, UNKNOWN, via } from './value';

/**
 * Library knowledge applied to abstract values: the registry's roles (softmax, log_softmax,
 * sigmoid, argmax, one_hot, clip) and kind transfers (src/python/calls/kinds.ts) turned into the
 * value of a library call, or into a callable for layers and modules (nn.Softmax(dim=1),
 * Dense(10, activation='softmax'), nn.Sequential, keras.Model(inputs, outputs)).
 */

const ROLE_KIND: Record<string, Kind> = {
  softmax: 'probs',
  log_softmax: 'logProbs',
  sigmoid: 'sigmoidProbs',
  log_sigmoid: 'logSigmoid',
  argmax: 'classIndex',
  one_hot: 'oneHot',
};

/** Tensor methods with a kind (x.softmax(dim=1), x.sigmoid(), x.log_softmax(1)). */
const METHOD_ROLES: Record<string, string> = { '.softmax': 'softmax', '.log_softmax': 'log_softmax', '.sigmoid': 'sigmoid' };

function isClassName(q: string): boolean {
  return /^[A-Z]/.test(q.slice(q.lastIndexOf('.') + 1));
}

function roleKind(q: string): { kind: Kind; role: string } | undefined {
  const roles = METHOD_ROLES[q] ? [METHOD_ROLES[q]] : lookupFunction(q)?.roles ?? [];
  for (const r of roles) if (ROLE_KIND[r]) return { kind: ROLE_KIND[r], role: r };
  return undefined;
}

function literal(v: AbsVal | undefined): number | boolean | null | string | undefined {
  if (v?.ref?.type === 'literal') return v.ref.value;
  if (v?.ref?.type === 'string') return v.ref.value;
  return undefined;
}

function argValue(args: CallArgs, name: string | undefined, pos: number | undefined): AbsVal | undefined {
  return (name ? args.keywords.get(name) : undefined) ?? (pos !== undefined ? args.positional[pos] : undefined);
}

/** The kind an activation argument gives (a string, a library function, None); null = linear; undefined = other (relu...). */
export function activationOf(v: AbsVal | undefined, dflt: string | undefined): Kind | null | undefined {
  if (!v) return dflt ? activationKind(dflt) : undefined;
  const r = v.ref;
  if (!r) return undefined;
  if (r.type === 'string') return activationKind(r.value);
  if (r.type === 'literal') return r.value === null ? null : undefined;
  if (r.type === 'lib') {
    const q = canonicalName(r.qualname);
    if (/\.(linear|identity)$/.test(q)) return null;
    const k = roleKind(q)?.kind;
    return k === 'probs' || k === 'sigmoidProbs' || k === 'logProbs' ? k : undefined;
  }
  if (r.type === 'callable') return r.callable.apply({ positional: [UNKNOWN], keywords: new Map() }).kind;
  return undefined;
}

/** The span of the tensor a producer call is applied to (for fixes at the origin). */
function inputSpan(f: ProjectFile, node: Node, method: boolean): AbsVal['input'] {
  if (method) {
    const recv = node.childForFieldName('function')?.childForFieldName('object');
    return recv ? { file: f.path, start: recv.startIndex, end: recv.endIndex } : undefined;
  }
  const { positional, keywords } = argsOf(node);
  const n = keywords.get('logits') ?? keywords.get('input') ?? keywords.get('x') ?? keywords.get('features') ?? positional[0];
  return n ? { file: f.path, start: n.startIndex, end: n.endIndex } : undefined;
}

/** The axis of a softmax-like call: its literal axis/dim, the framework default, or null for torch's implicit dim. */
function axisOf(q: string, args: CallArgs, method: boolean): number | null | undefined {
  const a = args.keywords.get('axis') ?? args.keywords.get('dim') ?? (method ? args.positional[0] : args.positional[1]);
  const lit = literal(a);
  if (typeof lit === 'number') return lit;
  if (a) return undefined;
  if (method || q.startsWith('torch.')) return null;
  return -1;
}

function units(spec: KindSpec, args: CallArgs): number | undefined {
  const u = literal(argValue(args, spec.unitsParam, spec.unitsPos));
  return typeof u === 'number' && Number.isInteger(u) && u > 0 ? u : undefined;
}

/** The value of a call of a library function (or tensor method `.name`), or undefined when Loss Lens has no kind for it. */
export function producedByLibrary(f: ProjectFile, node: Node, q: string, args: CallArgs, recv?: AbsVal): AbsVal | undefined {
  if (isClassName(q)) return undefined;
  const method = q.startsWith('.');
  const at = { file: f.path, start: node.startIndex, end: node.endIndex };
  const rk = roleKind(q);
  if (rk) {
    const axis = rk.kind === 'probs' || rk.kind === 'logProbs' ? axisOf(q, args, method) : undefined;
    return { kind: rk.kind, axis, prov: [{ ...at, what: snippet(node) }], input: inputSpan(f, node, method) };
  }
  const spec = lookupKinds(q);
  if (!spec) return undefined;
  if (spec.produces) return { kind: spec.produces, units: units(spec, args), prov: [{ ...at, what: snippet(node) }] };
  if (spec.activationParam) {
    const k = activationOf(argValue(args, spec.activationParam, spec.activationPos), spec.activationDefault);
    if (k === undefined) return UNKNOWN;
    return { kind: k ?? 'logits', axis: k === 'probs' ? -1 : undefined, units: units(spec, args), prov: [{ ...at, what: snippet(node) }] };
  }
  if (spec.from) {
    const src = spec.from === '@receiver' ? recv : args.keywords.get(spec.from) ?? args.keywords.get('input') ?? args.keywords.get('x') ?? args.positional[spec.fromPos ?? 0];
    if (!src?.kind) return UNKNOWN;
    if (!spec.map) return src;
    const to = spec.map[src.kind];
    return to ? via({ ...src, kind: to }, { ...at, what: snippet(node) }) : UNKNOWN;
  }
  return undefined;
}

/**
 * A library class constructed (or a layer function called) at `node`: layers and modules become
 * callables that give their output's kind; other known classes (losses, optimisers) a library
 * reference; undefined for functions.
 */
export function callableOfLibrary(
  f: ProjectFile,
  node: Node,
  q: string,
  args: CallArgs,
  sequential: (layers: AbsVal[], what: string) => Callable,
): AbsVal | undefined {
  if (!isClassName(q)) return undefined;
  const display = displayName(q);
  const at = { file: f.path, start: node.startIndex, end: node.endIndex };
  const made = (apply: Callable['apply'], u?: number): AbsVal => ({ prov: [], ref: { type: 'callable', callable: { what: display, apply, units: u } } });
  const produce = (kind: Kind, axis: number | null | undefined, u?: number) => made(() => ({ kind, axis, units: u, prov: [{ ...at, what: snippet(node) }] }), u);
  const cls = lookupClass(q);
  const rk = cls?.roles?.map((r) => ROLE_KIND[r]).find(Boolean);
  if (rk) {
    const dim = literal(args.keywords.get('dim') ?? args.positional[0]);
    return produce(rk, rk === 'probs' || rk === 'logProbs' ? (typeof dim === 'number' ? dim : null) : undefined);
  }
  const spec = lookupKinds(q);
  if (spec?.container === 'sequential-args') return { prov: [], ref: { type: 'callable', callable: sequential(args.positional, display) } };
  if (spec?.container === 'sequential-list') {
    const list = args.keywords.get('layers') ?? args.positional[0];
    return { prov: [], ref: { type: 'callable', callable: sequential(list?.parts ?? [], 'Sequential') } };
  }
  if (spec?.container === 'model') {
    const out = args.keywords.get('outputs') ?? args.positional[1] ?? UNKNOWN;
    return made(() => out, out.units);
  }
  if (spec?.produces) {
    const u = units(spec, args);
    return produce(spec.produces, spec.produces === 'probs' ? (literal(argValue(args, spec.axisParam, spec.axisPos)) as number | undefined) ?? spec.defaultAxis : undefined, u);
  }
  if (spec?.activationParam) {
    const k = activationOf(argValue(args, spec.activationParam, spec.activationPos), spec.activationDefault);
    const u = units(spec, args);
    if (k === undefined) return made(() => UNKNOWN, u);
    return produce(k ?? 'logits', k === 'probs' ? -1 : undefined, u);
  }
  if (spec?.from) return made((a) => a.positional[0] ?? UNKNOWN);
  // An instance of another library class (a loss object, an optimiser): its constructor call is kept for its arguments.
  return { prov: [], ref: { type: 'lib', qualname: `${q}()`, ctor: { file: f.path, node } } };
}

/** The source of a call as messages show it: one line, at most 48 characters. */
export function snippet(node: Node): string {
  const one = node.text.replace(/\s+/g, ' ');
  return one.length > 48 ? `${one.slice(0, 45)}...` : one;
}
