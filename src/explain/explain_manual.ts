import { FloatDType, isFloat, ulp } from '../core/dtype';
import * as E from '../core/elementwise';
import { LossLensError } from '../core/errors';
import { softmaxCrossEntropyDense } from '../core/losses/kernels';
import { reduceSum } from '../core/reduce';
import { logSoftmax, softmax } from '../core/softmax';
import { Tensor, sameShape } from '../core/tensor';
import { Comparison, PanelModel } from '../../webview/protocol';
import { CallSite } from '../rules/context';
import { Feeds } from '../python/evaluator';
import { ExplainContext, addNotes, asTensor, baseModel, intArg, tryEval, unwrap } from './explain_common';
import { PrintStyle, asRows, frameworkName, num, nums, rowArgmax, styleOf, tableOf, valueText } from './explain_format';
import type { Node } from '../python/parser';
import { Framework } from '../python/values';

/**
 * Cross-entropy written by hand: -sum(y * log(softmax(x))) and its variants (tf.log / np.log /
 * torch.log / .log(), names in between, a mean around it). The tree tells where the log of a
 * softmax is and what multiplies it; the panel then shows the naive value next to the fused,
 * stable op computed in the same dtype.
 */
export interface ManualCrossEntropy {
  /** The log(...) call. */
  log: Node;
  softmax: CallSite;
  logits: Node;
  labels: Node | undefined;
  axis: number;
  framework: Framework;
}

function firstArg(site: CallSite): Node | undefined {
  if (site.kind === 'method') return site.receiver;
  return site.args.get('logits') ?? site.args.get('x') ?? site.args.get('input') ?? site.positional[0];
}

/** Finds log(softmax(x)) inside `expr` (the softmax may sit behind a name), and the labels that multiply it. */
export function findManualCrossEntropy(cx: ExplainContext, expr: Node): ManualCrossEntropy | undefined {
  const calls = [expr, ...expr.descendantsOfType('call')].filter((n): n is Node => !!n && n.type === 'call');
  for (const call of calls) {
    const site = cx.rules.site(call);
    if (!site?.roles.includes('log')) continue;
    const arg = firstArg(site);
    const sm = arg ? cx.rules.producer(arg) : undefined;
    if (!sm?.roles.includes('softmax')) continue;
    const logits = firstArg(sm);
    if (!logits) continue;
    const axisNode = sm.args.get('axis') ?? sm.args.get('dim') ?? sm.ctor?.args.get('dim');
    return { log: call, softmax: sm, logits, labels: factorOf(call), axis: intArg(cx, axisNode) ?? -1, framework: sm.framework ?? cx.rules.fileFramework() ?? 'numpy' };
  }
  return undefined;
}

/** The other operand of the product the log call is in: y in y * log(p), -log(p) * y, y * -tf.log(p). */
function factorOf(log: Node): Node | undefined {
  let n = log;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'unary_operator')) n = n.parent;
  const p = n.parent;
  if (p?.type !== 'binary_operator' || p.childForFieldName('operator')?.text !== '*') return undefined;
  const left = p.childForFieldName('left');
  const right = p.childForFieldName('right');
  const other = left?.id === n.id ? right : left;
  return other ? unwrap(other) : undefined;
}

function fusedExpression(f: ManualCrossEntropy, y: string): string {
  const x = f.logits.text;
  switch (f.framework) {
    case 'tensorflow': return `tf.nn.softmax_cross_entropy_with_logits(labels=${y}, logits=${x}${f.axis === -1 ? '' : `, axis=${f.axis}`})`;
    case 'torch': return `F.cross_entropy(${x}, ${y}, reduction='none')`;
    case 'jax': return `optax.softmax_cross_entropy(${x}, ${y})`;
    default: return `-(${y} * scipy.special.log_softmax(${x}, axis=${f.axis})).sum(axis=${f.axis})`;
  }
}

/** The outermost mean around the log call inside `expr` (tf.reduce_mean(-tf.reduce_sum(...))). */
function meanAround(cx: ExplainContext, expr: Node, log: Node): CallSite | undefined {
  let found: CallSite | undefined;
  for (let n: Node | null = log.parent; n; n = n.parent) {
    if (n.type === 'call') {
      const s = cx.rules.site(n);
      if (s?.roles.includes('mean')) found = s;
    }
    if (n.id === expr.id) break;
  }
  return found;
}

export function manualModel(cx: ExplainContext, expr: Node, f: ManualCrossEntropy, feeds?: Feeds, anchor?: Node): PanelModel {
  const style: PrintStyle = styleOf(f.framework);
  const m = baseModel(cx, anchor ?? expr, 'manual-loss', 'hand-written cross-entropy');
  m.framework = frameworkName(f.softmax.qualname, f.framework);
  const yText = f.labels?.text ?? 'y';
  m.function = {
    name: `-sum(${yText} * log(softmax(${f.logits.text})))`,
    qualname: '',
    expects: {
      input: 'logits',
      labels: 'dense',
      classAxis: f.axis,
      summary: `Computes softmax of the logits ${f.logits.text}, then log, then -sum(labels * log p) along axis ${f.axis}: dense labels (one row of class probabilities per example). Numerically unstable: a probability that underflows to 0 gives log(0) = -inf.`,
    },
  };
  const whole = tryEval(cx, expr, feeds);
  addNotes(m, whole.notes);
  if (whole.ok && whole.value.kind === 'tensor') {
    const t = whole.value.tensor;
    m.value = { text: valueText(t, style), dtype: t.dtype, shape: [...t.shape] };
    m.dtype = t.dtype;
    m.shape = [...t.shape];
  } else if (whole.ok && whole.value.kind === 'abstract') {
    m.dtype = whole.value.dtype;
    m.shape = whole.value.shape;
    m.runtimeOnly = whole.value.why;
  } else if (!whole.ok) m.error = whole.error;

  const x = asTensor(tryEval(cx, f.logits, feeds), f.framework, `the logits (${f.logits.text})`);
  const y = f.labels ? asTensor(tryEval(cx, f.labels, feeds), f.framework, `the labels (${yText})`) : {};
  if (!x.tensor || !isFloat(x.tensor.dtype)) {
    m.error ??= x.error ?? 'the logits are not a float tensor';
    return m;
  }
  const dtype = x.tensor.dtype as FloatDType;
  try {
    const p = softmax(x.tensor, f.axis);
    const rows = asRows(p, f.axis);
    const logp = E.log(p);
    const lsm = logSoftmax(x.tensor, f.axis);
    let info: Parameters<typeof tableOf>[1]['info'] = { predicted: rowArgmax(rows) };
    if (y.tensor && sameShape(y.tensor.shape, x.tensor.shape)) {
      const yt = y.tensor.cast(dtype);
      const naive = E.neg(reduceSum(E.mul(yt, logp, dtype), { axis: f.axis }));
      const stable = softmaxCrossEntropyDense(yt, x.tensor, f.axis);
      info = { predicted: info.predicted, target: rowArgmax(asRows(yt, f.axis)), loss: nums(naive.reshape([naive.size]), style) };
      m.comparison = comparison(f, yText, naive, stable, logp, lsm, style);
      const mean = meanAround(cx, expr, f.log);
      if (mean && m.value && m.value.shape.length === 0 && naive.size > 1) {
        const v = whole.ok && whole.value.kind === 'tensor' ? whole.value.tensor : undefined;
        if (v) m.reduced = { value: num(v.data[0], v.dtype, style), reduction: 'mean', description: `mean over ${naive.size} rows (${mean.display})` };
      }
    } else if (y.error) m.notes.push(y.error);
    m.tables.push(tableOf(rows, { role: 'probabilities', caption: `softmax(${f.logits.text}) along axis ${f.axis}: rows are examples, columns are classes`, style, info, cells: cx.cells }));
  } catch (e) {
    if (!(e instanceof LossLensError)) throw e;
    m.error ??= e.message;
  }
  return m;
}

function comparison(f: ManualCrossEntropy, y: string, naive: Tensor, stable: Tensor, logp: Tensor, lsm: Tensor, style: PrintStyle): Comparison {
  const dtype = naive.dtype as FloatDType;
  const a = nums(naive.reshape([naive.size]), style);
  const b = nums(stable.reshape([stable.size]), style);
  const rows = a.map((n, i) => {
    const u = naive.data[i];
    const s = stable.data[i];
    const d = Number.isFinite(u) && Number.isFinite(s) ? Math.abs(u - s) / ulp(s === 0 ? Number.MIN_VALUE : s, dtype) : null;
    return { label: `row ${i}`, naive: n, stable: b[i], ulps: d === null ? null : Math.round(d * 10) / 10 };
  });
  let maxDiff = 0;
  let underflow = 0;
  for (let i = 0; i < logp.size; i++) {
    if (logp.data[i] === -Infinity && lsm.data[i] !== -Infinity) underflow++;
    else if (Number.isFinite(logp.data[i])) maxDiff = Math.max(maxDiff, Math.abs(logp.data[i] - lsm.data[i]));
  }
  const notes = [`max |log(softmax(x)) - log_softmax(x)| over finite entries = ${num(maxDiff, dtype, 'numpy').text} (${dtype})`];
  if (underflow) notes.push(`${underflow} probabilit${underflow === 1 ? 'y underflows' : 'ies underflow'} to 0 in ${dtype}: log gives -inf, and a zero label times -inf gives nan.`);
  if (rows.some((r) => r.ulps === null && Number.isFinite(stable.data[rows.indexOf(r)]))) notes.push('The hand-written value is not finite where the fused op is.');
  return {
    title: `Hand-written cross-entropy vs the fused op, both in ${dtype}`,
    dtype,
    naive: { label: 'as written', expression: `-sum(${y} * log(softmax(${f.logits.text})), axis=${f.axis})` },
    stable: { label: 'fused, stable', expression: fusedExpression(f, y) },
    rows,
    notes,
  };
}
