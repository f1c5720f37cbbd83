import { formatNumpy } from '../core/format';
import * as tfnn from '../core/losses/tf_nn';
import { Tensor } from '../core/tensor';
import { inferOrder, Order } from '../python/calls/positional';
import type { Node } from '../python/parser';
import { CallSite, RuleContext } from './context';
import { Draft, Rule, span, textOf } from './rule';
import { Explanation, TextEdit } from './types';

/**
 * positional-loss-arguments (LL106): TF's *_cross_entropy_with_logits called with positional
 * arguments. TF 0.x took (logits, labels); TF 1 added a leading `_sentinel` parameter so that
 * positional calls raise "Only call `...` with named arguments"; TF 2 dropped the sentinel and
 * takes (labels, logits). Code written for TF 0.x therefore runs on TF 2 with the two swapped,
 * silently: the loss is computed, just not the one the author meant.
 *
 * The fix names both arguments, keeping the author's meaning as inferOrder judges it (the same
 * judgement the evaluator uses): the names, then the values, then TF 0.x order.
 */
export const positionalLossArguments: Rule = {
  name: 'positional-loss-arguments',
  code: 'LL106',
  defaultSeverity: 'warning',
  summary: 'positional arguments to tf.nn.*_cross_entropy_with_logits (TF 0.x read (logits, labels), TF 2 reads (labels, logits))',
  check(ctx) {
    const out: Draft[] = [];
    for (const site of ctx.calls()) {
      if (site.kind !== 'function' || !KIND[site.qualname] || site.positional.length === 0) continue;
      const d = checkCall(ctx, site, KIND[site.qualname]);
      if (d) out.push(d);
    }
    return out;
  },
};

type LossKind = 'softmax' | 'sparse' | 'sigmoid';

/** Canonical names (canonicalName maps tf.compat.v1.* here). */
const KIND: Record<string, LossKind> = {
  'tensorflow.nn.softmax_cross_entropy_with_logits': 'softmax',
  'tensorflow.nn.softmax_cross_entropy_with_logits_v2': 'softmax',
  'tensorflow.nn.sparse_softmax_cross_entropy_with_logits': 'sparse',
  'tensorflow.nn.sigmoid_cross_entropy_with_logits': 'sigmoid',
};

/** What positional arguments after (labels, logits) mean, in TF 0.x and TF 2 alike. */
const REST: Record<LossKind, string[]> = { softmax: ['axis', 'name'], sparse: ['name'], sigmoid: ['name'] };

function checkCall(ctx: RuleContext, site: CallSite, kind: LossKind): Draft | undefined {
  const argList = site.node.childForFieldName('arguments');
  // *args / **kwargs: which parameter gets what is not known syntactically.
  if (!argList || argList.namedChildren.some((a) => a && (a.type === 'list_splat' || a.type === 'dictionary_splat'))) return undefined;
  const fnText = textOf(ctx, site.node.childForFieldName('function')!);
  const pos = site.positional;
  const hasLabels = site.keywords.has('labels') || site.keywords.has('targets');
  const hasLogits = site.keywords.has('logits');
  if (hasLabels && hasLogits) return undefined; // every positional would be a TypeError anyway

  const edits: TextEdit[] = [];
  let meaning: string;
  let reading: string;
  let explanation: Explanation | undefined;
  let rest = pos.slice(2);
  if (pos.length === 1 || hasLabels || hasLogits) {
    // One positional next to a keyword: it is whichever of the two the keywords leave out.
    const name = hasLabels ? 'logits' : hasLogits ? 'labels' : undefined;
    const x = short(textOf(ctx, pos[0]));
    if (!name) {
      const msg = `${fnText}(${x}) passes its only tensor by position: TF 1 rejects positional arguments, TF 2 reads it as labels and TF 0.x read it as logits. Name the arguments (labels=..., logits=...).`;
      return finding(pos, msg, []);
    }
    edits.push({ ...span(pos[0]), newText: `${name}=${textOf(ctx, pos[0])}` });
    rest = pos.slice(1);
    meaning = `${name}=${x}`;
    reading =
      name === 'labels'
        ? `TF 2 reads ${x} as labels (as meant) but TF 1 rejects positional arguments and TF 0.x read it as logits`
        : `TF 1 rejects positional arguments and TF 2 reads ${x} as labels, so labels are given twice (TypeError); TF 0.x read it as logits, as meant`;
  } else {
    const [a, b] = pos;
    const ta = ctx.evaluate(a);
    const tb = ctx.evaluate(b);
    const judged = (kind === 'sparse' ? sparseOrder(ctx, a, b) : undefined) ?? inferOrder(textOf(ctx, a), textOf(ctx, b), ta, tb);
    const order = judged.order;
    const because = judged.because.replace(textOf(ctx, a), short(textOf(ctx, a))).replace(textOf(ctx, b), short(textOf(ctx, b)));
    const [logits, labels] = order === 'logits-first' ? [a, b] : [b, a];
    edits.push({ ...span(a), newText: `labels=${textOf(ctx, labels)}` }, { ...span(b), newText: `logits=${textOf(ctx, logits)}` });
    const [sa, sb] = [short(textOf(ctx, a)), short(textOf(ctx, b))];
    meaning = `labels=${short(textOf(ctx, labels))}, logits=${short(textOf(ctx, logits))}`;
    reading =
      order === 'logits-first'
        ? `TF 0.x read them as (logits, labels), as this code means (judging by ${because}); TF 1 rejects positional arguments; TF 2 reads them as (labels=${sa}, logits=${sb}), silently swapped`
        : `TF 2 reads them as (labels=${sa}, logits=${sb}), which looks meant (judging by ${because}), but TF 1 rejects positional arguments and TF 0.x read them the other way round`;
    explanation = bothReadings(kind, ta, tb, order, sa, sb);
  }
  const names = REST[kind];
  rest.forEach((r, i) => {
    if (i < names.length) edits.push({ ...span(r), newText: `${names[i]}=${textOf(ctx, r)}` });
  });
  // More positional arguments than parameters is a TypeError in every version: no safe rewrite.
  const fixes = rest.length > names.length ? [] : [{ title: `Name the arguments: ${meaning}`, edits, preferred: true }];
  const message = `${fnText}(...) takes labels and logits by position: ${reading}. Name them: ${meaning}.`;
  return { ...finding(pos, message, fixes), explanation };
}

/** The finding spans the positional arguments. */
function finding(pos: Node[], message: string, fixes: Draft['fixes']): Draft {
  return { start: pos[0].startIndex, end: pos[pos.length - 1].endIndex, message, related: [], fixes };
}

/**
 * sparse_softmax_cross_entropy_with_logits: the labels are integer class indices, so dtypes decide
 * when they are known (an int tensor is the labels); otherwise the names do.
 */
function sparseOrder(ctx: RuleContext, a: Node, b: Node): { order: Order; because: string } | undefined {
  const da = dtypeOf(ctx, a);
  const db = dtypeOf(ctx, b);
  const isInt = (d?: string) => !!d && /int/.test(d);
  const isFloat = (d?: string) => !!d && /float/.test(d);
  if (isInt(da) && isFloat(db)) return { order: 'labels-first', because: 'the dtypes (the first argument holds integer class indices)' };
  if (isFloat(da) && isInt(db)) return { order: 'logits-first', because: 'the dtypes (the second argument holds integer class indices)' };
  return undefined;
}

function dtypeOf(ctx: RuleContext, n: Node): string | undefined {
  try {
    const v = ctx.analysis.evaluator.evaluate(n);
    return v.kind === 'tensor' ? v.tensor.dtype : v.kind === 'abstract' ? v.dtype : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The loss under TF 2's reading (labels=a, logits=b), which is what runs today, and TF 0.x's
 * (logits=a, labels=b), when both inputs are known.
 */
function bothReadings(kind: LossKind, a: Tensor | undefined, b: Tensor | undefined, order: Order, sa: string, sb: string): Explanation | undefined {
  if (!a || !b) return undefined;
  const tf2 = `TF 2 reading (labels=${sa}, logits=${sb}): ${lossOf(kind, a, b)}`;
  const tf0 = `TF 0.x reading (logits=${sa}, labels=${sb}): ${lossOf(kind, b, a)}`;
  return order === 'logits-first'
    ? { asWritten: `loss as TF 2 computes it — ${tf2}`, asMeant: `loss as meant — ${tf0}` }
    : { asWritten: `loss as TF 2 computes it (as meant) — ${tf2}`, details: [tf0] };
}

function lossOf(kind: LossKind, labels: Tensor, logits: Tensor): string {
  try {
    if (labels.dtype !== logits.dtype && kind !== 'sparse') return `error (labels are ${labels.dtype}, logits ${logits.dtype}: TensorFlow requires one dtype)`;
    const t =
      kind === 'softmax'
        ? tfnn.softmaxCrossEntropyWithLogits(labels, logits)
        : kind === 'sparse'
          ? tfnn.sparseSoftmaxCrossEntropyWithLogits(labels, logits)
          : tfnn.sigmoidCrossEntropyWithLogits(labels, logits);
    return `${formatNumpy(t).replace(/\s+/g, ' ')} (${t.dtype})`;
  } catch (e) {
    return `error (${e instanceof Error ? e.message : String(e)})`;
  }
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
