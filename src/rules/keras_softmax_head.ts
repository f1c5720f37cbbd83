import { canonicalName } from '../python/calls/registry';
import type { Node } from '../python/parser';
import { argsOf } from '../python/syntax';
import { RuleContext } from './context';
import { Draft, span, textOf } from './rule';
import { Fix, TextEdit } from './types';

/**
 * The Keras form of double-softmax: a model whose last layer applies softmax
 * (Dense(10, activation='softmax'), a final Softmax() or Activation('softmax')) compiled with a
 * loss that expects logits (CategoricalCrossentropy(from_logits=True) and friends). Keras applies
 * softmax inside the loss a second time. Recognised syntactically: Sequential([...]) lists,
 * model.add(...) sequences and functional keras.Model(inputs, outputs).
 */
export function findKerasDoubleSoftmax(ctx: RuleContext): Draft[] {
  const out: Draft[] = [];
  for (const call of ctx.callNodes()) {
    const fn = call?.childForFieldName('function');
    if (!call || fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'compile') continue;
    const args = argsOf(call);
    const lossArg = args.keywords.get('loss') ?? args.positional[1];
    const loss = lossArg && logitsLoss(ctx, lossArg);
    const receiver = fn.childForFieldName('object');
    const head = loss && receiver && softmaxHead(ctx, receiver, call.startIndex);
    if (!loss || !head) continue;
    const lossText = short(textOf(ctx, loss.ctor));
    const bound = head.classes && head.classes > 1 ? ` With ${head.classes} classes the loss cannot fall below log(1 + ${head.classes - 1}/e) = ${Math.log(1 + (head.classes - 1) / Math.E).toFixed(3)}.` : '';
    const fixes: Fix[] = [{ title: 'Set from_logits=False (the model outputs probabilities)', edits: [loss.flagEdit], preferred: true }];
    if (head.remove) fixes.push({ title: `Remove the softmax from the last layer (the model then outputs logits)`, edits: head.remove });
    out.push({
      ...span(lossArg),
      message:
        `The model's last layer ${short(textOf(ctx, head.layer))} (line ${head.layer.startPosition.row + 1}) applies softmax, and ${lossText} ` +
        `applies softmax again: the softmax is applied twice.${bound} Set from_logits=False, or remove the softmax from the last layer.`,
      related: [{ ...span(head.node), message: 'the softmax of the last layer' }],
      fixes,
    });
  }
  return out;
}

const LOGITS_LOSSES = new Set(['keras.losses.CategoricalCrossentropy', 'keras.losses.SparseCategoricalCrossentropy', 'keras.losses.CategoricalFocalCrossentropy']);
const SOFTMAX_FUNCTIONS = new Set(['keras.activations.softmax', 'keras.ops.softmax', 'keras.ops.nn.softmax', 'tensorflow.nn.softmax', 'tensorflow.math.softmax']);

/** A Keras loss object built with from_logits=True: the constructor and the edit that sets it to False. */
function logitsLoss(ctx: RuleContext, node: Node): { ctor: Node; flagEdit: TextEdit } | undefined {
  const def = ctx.definition(node);
  if (def.type !== 'call' || !LOGITS_LOSSES.has(canonical(ctx, def) ?? '')) return undefined;
  const args = argsOf(def);
  const focal = canonical(ctx, def) === 'keras.losses.CategoricalFocalCrossentropy';
  const flag = args.keywords.get('from_logits') ?? (focal ? undefined : args.positional[0]);
  if (!flag || !isTrue(ctx, flag)) return undefined;
  return { ctor: def, flagEdit: { ...span(flag), newText: 'False' } };
}

interface Head {
  /** The softmax: the activation argument, or the softmax layer / call. */
  node: Node;
  /** The layer (or call) that applies it, for the message. */
  layer: Node;
  /** Edits that take the softmax out of the model. */
  remove?: TextEdit[];
  classes?: number;
}

/** The softmax applied by the last layer of the model `receiver` refers to, if any. */
function softmaxHead(ctx: RuleContext, receiver: Node, before: number): Head | undefined {
  const model = ctx.definition(receiver);
  if (model.type !== 'call') return undefined;
  const q = canonical(ctx, model);
  const args = argsOf(model);
  if (q === 'keras.Sequential' || q === 'keras.models.Sequential') {
    const added = receiver.type === 'identifier' ? lastAdded(ctx, receiver, model.endIndex, before) : undefined;
    if (added) return layerSoftmax(ctx, added, 'statement');
    const list = args.keywords.get('layers') ?? args.positional[0];
    const items = list ? ctx.definition(list) : undefined;
    if (!items || (items.type !== 'list' && items.type !== 'tuple')) return undefined;
    const elems = items.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    return elems.length ? layerSoftmax(ctx, elems[elems.length - 1], 'element') : undefined;
  }
  if (q === 'keras.Model' || q === 'keras.models.Model') {
    const outputs = args.keywords.get('outputs') ?? args.positional[1];
    return outputs ? appliedSoftmax(ctx, outputs) : undefined;
  }
  return undefined;
}

/** The argument of the last `model.add(layer)` on the same name between the model's creation and `before`. */
function lastAdded(ctx: RuleContext, receiver: Node, after: number, before: number): Node | undefined {
  const binding = ctx.binding(receiver);
  let last: Node | undefined;
  for (const call of ctx.callNodes()) {
    if (!call || call.startIndex < after || call.startIndex >= before) continue;
    const fn = call.childForFieldName('function');
    const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    if (!obj || obj.type !== 'identifier' || obj.text !== receiver.text || fn!.childForFieldName('attribute')?.text !== 'add') continue;
    if (ctx.binding(obj) !== binding) continue;
    const layer = argsOf(call).positional[0];
    if (layer) last = layer;
  }
  return last;
}

/**
 * Whether a Sequential layer applies softmax. `where` says how the layer sits in the code: a
 * list element (removed with its comma) or the argument of a model.add statement (the statement
 * is removed).
 */
function layerSoftmax(ctx: RuleContext, layer: Node, where: 'element' | 'statement'): Head | undefined {
  const ctor = ctx.definition(layer);
  if (ctor.type !== 'call') return undefined;
  const q = canonical(ctx, ctor) ?? '';
  const args = argsOf(ctor);
  if (q === 'keras.layers.Softmax' || (q === 'keras.layers.Activation' && isSoftmax(ctx, args.keywords.get('activation') ?? args.positional[0]))) {
    const remove = layer.id === ctor.id ? (where === 'element' ? removeElement(layer) : removeStatement(ctx, layer)) : undefined;
    return { node: ctor, layer: ctor, remove };
  }
  if (!q.startsWith('keras.layers.')) return undefined;
  const act = args.keywords.get('activation') ?? (q === 'keras.layers.Dense' ? args.positional[1] : undefined);
  if (!act || !isSoftmax(ctx, act)) return undefined;
  const units = q === 'keras.layers.Dense' ? (args.keywords.get('units') ?? args.positional[0]) : undefined;
  const classes = units && /^\d+$/.test(units.text) ? Number(units.text) : undefined;
  return { node: act, layer: ctor, remove: [{ ...span(act), newText: 'None' }], classes };
}

/** Functional API: the softmax applied by the expression that makes the model's outputs. */
function appliedSoftmax(ctx: RuleContext, outputs: Node): Head | undefined {
  const app = ctx.definition(outputs);
  if (app.type !== 'call') return undefined;
  const input = argsOf(app).positional[0];
  const fn = app.childForFieldName('function')!;
  const site = ctx.site(app);
  if (site?.roles.includes('softmax') && site.kind === 'function') {
    return { node: app, layer: app, remove: input ? [{ ...span(app), newText: textOf(ctx, input) }] : undefined };
  }
  // layer(x): the layer is a constructor call, written in place or bound to a name.
  const layer = ctx.definition(fn);
  if (layer.type !== 'call') return undefined;
  const head = layerSoftmax(ctx, layer, 'element');
  if (!head) return undefined;
  if (head.node.id === layer.id) head.remove = input ? [{ ...span(app), newText: textOf(ctx, input) }] : undefined;
  return head;
}

function isSoftmax(ctx: RuleContext, n: Node | undefined): boolean {
  if (!n) return false;
  const def = ctx.definition(n);
  if (def.type === 'string') {
    try {
      const v = ctx.analysis.evaluator.evaluate(def);
      return v.kind === 'string' && v.value === 'softmax';
    } catch {
      return false;
    }
  }
  const q = ctx.qualnameOf(def);
  return !!q && SOFTMAX_FUNCTIONS.has(canonicalName(q));
}

function isTrue(ctx: RuleContext, n: Node): boolean {
  if (n.type === 'true') return true;
  try {
    const v = ctx.analysis.evaluator.evaluate(n);
    return v.kind === 'scalar' && v.value === 1 && v.isBool === true;
  } catch {
    return false;
  }
}

/** Removes a list element with the comma before it (or after it, for the first element). */
function removeElement(e: Node): TextEdit[] {
  const prev = e.previousNamedSibling;
  if (prev && prev.type !== 'comment') return [{ start: prev.endIndex, end: e.endIndex, newText: '' }];
  const next = e.nextNamedSibling;
  return [{ start: e.startIndex, end: next && next.type !== 'comment' ? next.startIndex : e.endIndex, newText: '' }];
}

/** Removes the `model.add(...)` statement around a layer, with its line, when it stands alone on it. */
function removeStatement(ctx: RuleContext, layer: Node): TextEdit[] | undefined {
  let stmt: Node | null = layer;
  while (stmt && stmt.type !== 'expression_statement') stmt = stmt.parent;
  if (!stmt) return undefined;
  const lineStart = ctx.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  if (ctx.text.slice(lineStart, stmt.startIndex).trim() !== '') return undefined;
  const nl = ctx.text.indexOf('\n', stmt.endIndex);
  const end = nl < 0 ? stmt.endIndex : nl + 1;
  if (ctx.text.slice(stmt.endIndex, nl < 0 ? end : nl).trim() !== '') return undefined;
  return [{ start: lineStart, end, newText: '' }];
}

function canonical(ctx: RuleContext, call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  const q = fn ? ctx.qualnameOf(fn) : undefined;
  return q ? canonicalName(q) : undefined;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 48 ? `${one.slice(0, 45)}...` : one;
}
