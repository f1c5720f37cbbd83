import { formatShape } from '../core/tensor';
import { canonicalName } from '../python/calls/registry';
import type { Node } from '../python/parser';
import { Value } from '../python/values';
import { argsOf } from '../python/syntax';
import { RuleContext } from './context';
import { Draft, Rule, span, textOf } from './rule';

/**
 * one-hot-of-one-hot (LL107): tf.one_hot / F.one_hot / jax.nn.one_hot applied to labels that are
 * already one-hot. The result gains a class axis it should not have ([N, C] becomes [N, C, C]);
 * TF and PyTorch then fail on the float or 2-D indices somewhere far from the cause, JAX silently
 * compares every 0/1 entry with every class and broadcasts the loss over the extra axis.
 *
 * Evidence, strongest first: the labels come from a one_hot call (through names and casts);
 * their known values are one-hot rows; their dtype is float with a class axis (one-hot or
 * probability rows, never class indices), its size being the depth when known.
 */
export const oneHotOfOneHot: Rule = {
  name: 'one-hot-of-one-hot',
  code: 'LL107',
  defaultSeverity: 'warning',
  summary: 'one_hot applied to labels that are already one-hot (the result gains an extra class axis)',
  check(ctx) {
    const out: Draft[] = [];
    for (const call of ctx.callNodes()) {
      if (!call) continue;
      const spec = oneHotSpec(ctx, call);
      if (!spec) continue;
      const d = checkCall(ctx, call, spec);
      if (d) out.push(d);
    }
    return out;
  },
};

interface OneHotSpec {
  display: string;
  /** Keyword names of the indices and of the depth (each also the 1st / 2nd positional). */
  indices: string[];
  depth: string;
  /** Frameworks that reject non-integer indices (JAX and Keras do not). */
  rejectsFloat: boolean;
}

const ONE_HOT: Record<string, OneHotSpec> = {
  'tensorflow.one_hot': { display: 'tf.one_hot', indices: ['indices'], depth: 'depth', rejectsFloat: true },
  'torch.nn.functional.one_hot': { display: 'F.one_hot', indices: ['tensor', 'input'], depth: 'num_classes', rejectsFloat: true },
  'jax.nn.one_hot': { display: 'jax.nn.one_hot', indices: ['x'], depth: 'num_classes', rejectsFloat: false },
  'keras.ops.one_hot': { display: 'keras.ops.one_hot', indices: ['x'], depth: 'num_classes', rejectsFloat: false },
  'keras.utils.to_categorical': { display: 'keras.utils.to_categorical', indices: ['x', 'y'], depth: 'num_classes', rejectsFloat: false },
};

/** Casts that keep one-hot labels one-hot: followed when tracing the indices back. */
const CASTS = new Set(['tensorflow.cast', 'tensorflow.dtypes.cast', 'tensorflow.stop_gradient', 'jax.numpy.asarray', 'numpy.asarray']);
const CAST_METHODS = new Set(['float', 'long', 'int', 'double', 'to', 'type', 'astype', 'detach']);

export function oneHotSpec(ctx: RuleContext, call: Node): OneHotSpec | undefined {
  const fn = call.childForFieldName('function');
  const q = fn ? ctx.qualnameOf(fn) : undefined;
  return q ? ONE_HOT[canonicalName(q)] : undefined;
}

function checkCall(ctx: RuleContext, call: Node, spec: OneHotSpec): Draft | undefined {
  const args = argsOf(call);
  const indices = spec.indices.map((k) => args.keywords.get(k)).find((n) => n) ?? args.positional[0];
  const depthNode = args.keywords.get(spec.depth) ?? args.positional[1];
  if (!indices) return undefined;
  const depth = depthNode ? intValue(ctx, depthNode) : undefined;
  const axis = args.keywords.get('axis') ?? (spec.display === 'tf.one_hot' ? args.positional[4] : undefined);
  const axisValue = axis ? intValue(ctx, axis) : -1;

  const source = oneHotSource(ctx, indices);
  const value = valueOf(ctx, indices);
  const shape = value && (value.kind === 'tensor' ? [...value.tensor.shape] : value.kind === 'abstract' ? value.shape : null);
  const dtype = value?.kind === 'tensor' ? value.tensor.dtype : value?.kind === 'abstract' ? value.dtype : undefined;
  const isFloat = !!dtype && dtype.startsWith('float');
  const last = shape && shape.length >= 2 ? shape[shape.length - 1] : undefined;

  let why: string | undefined;
  if (source) why = `${short(textOf(ctx, indices))} comes from ${short(textOf(ctx, source))} (line ${source.startPosition.row + 1})`;
  else if (value?.kind === 'tensor' && value.tensor.rank >= 2 && oneHotRows(value.tensor.data, value.tensor.shape[value.tensor.rank - 1])) {
    why = `every row of ${short(textOf(ctx, indices))} holds a single 1`;
  } else if (isFloat && last !== undefined && last !== 1) {
    why =
      last !== null && last === depth
        ? `${short(textOf(ctx, indices))} is ${dtype} with a last axis of ${depth} (one-hot or probability rows, not class indices)`
        : `${short(textOf(ctx, indices))} is ${dtype} with a class axis (one-hot or probability rows, not class indices)`;
  }
  if (!why) return undefined;

  const name = textOf(ctx, call.childForFieldName('function')!);
  let consequence = '';
  if (shape && depth !== undefined && axisValue !== undefined) {
    const result = [...shape];
    const at = axisValue < 0 ? result.length + 1 + axisValue : axisValue;
    if (at >= 0 && at <= result.length) {
      result.splice(at, 0, depth);
      consequence = `: the result has shape ${formatShape(result)}, not ${formatShape(shape)}`;
    }
  } else {
    consequence = ': the result gains a second class axis';
  }
  const rejects = spec.rejectsFloat && isFloat ? ` (${name} also rejects ${dtype} indices)` : '';
  const indicesText = textOf(ctx, indices);
  const replacement = SIMPLE.has(indices.type) ? indicesText : `(${indicesText})`;
  return {
    ...span(call),
    message: `${name}(...) is applied to labels that are already one-hot — ${why}${consequence}${rejects}. Use the labels as they are.`,
    related: source ? [{ ...span(source), message: 'the labels are made one-hot here' }] : [],
    fixes: [{ title: `Use ${short(indicesText)} as it is (remove ${name})`, edits: [{ ...span(call), newText: replacement }], preferred: true }],
  };
}

/** Expressions that can replace a call anywhere without parentheses. */
const SIMPLE = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'list', 'tuple']);

/** The one_hot call the expression comes from, following names and casts. */
function oneHotSource(ctx: RuleContext, node: Node): Node | undefined {
  let cur: Node | undefined = node;
  for (let i = 0; cur && i < 8; i++) {
    const def = ctx.definition(cur);
    if (def.type !== 'call') return undefined;
    if (oneHotSpec(ctx, def)) return def;
    const fn = def.childForFieldName('function');
    if (!fn) return undefined;
    const q = ctx.qualnameOf(fn);
    if (q && CASTS.has(canonicalName(q))) cur = argsOf(def).positional[0];
    else if (!q && fn.type === 'attribute' && CAST_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) cur = fn.childForFieldName('object') ?? undefined;
    else return undefined;
  }
  return undefined;
}

function valueOf(ctx: RuleContext, n: Node): Value | undefined {
  try {
    return ctx.analysis.evaluator.evaluate(n);
  } catch {
    return undefined;
  }
}

function intValue(ctx: RuleContext, n: Node): number | undefined {
  const v = valueOf(ctx, n);
  if (v?.kind === 'scalar' && v.int) return v.value;
  if (v?.kind === 'tensor' && v.tensor.size === 1 && Number.isInteger(v.tensor.data[0])) return v.tensor.data[0];
  return undefined;
}

/** Every row of the last axis is 0 except for a single 1. */
function oneHotRows(data: ArrayLike<number>, n: number): boolean {
  if (n < 2 || data.length === 0) return false;
  for (let r = 0; r < data.length; r += n) {
    let ones = 0;
    for (let i = 0; i < n; i++) {
      const x = data[r + i];
      if (x === 1) ones++;
      else if (x !== 0) return false;
    }
    if (ones !== 1) return false;
  }
  return true;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
