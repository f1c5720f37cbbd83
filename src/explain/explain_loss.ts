import * as E from '../core/elementwise';
import { LossLensError } from '../core/errors';
import { softmax } from '../core/softmax';
import { Tensor } from '../core/tensor';
import { Expectation, LabelKind, PanelModel } from '../../webview/protocol';
import { CallSite } from '../rules/context';
import { Args, bindArgs } from '../python/calls/args';
import { inferOrder } from '../python/calls/positional';
import { lookupClass, lookupFunction } from '../python/calls/registry';
import { DEFAULT_LIMITS } from '../python/convert';
import { Feeds } from '../python/evaluator';
import { ExplainContext, addNotes, asTensor, baseModel, intArg, plainArg, tryEval } from './explain_common';
import { PrintStyle, RowInfo, asRows, frameworkName, nums, rowArgmax, rowsAreDistributions, styleOf, tableOf, valueText } from './explain_format';
import type { Node } from '../python/parser';
import { EvalError, Framework, Value } from '../python/values';

/**
 * The panel model of one loss call (a function or a loss object): which argument is the
 * prediction and which the labels, the softmax (or sigmoid) table of the prediction, one loss per
 * row computed with the framework's own kernel and no reduction, argmax against the labels, and
 * the reduced value with its reduction named.
 */

const PRED_PARAMS = ['logits', 'input', 'y_pred', 'predictions', 'log_predictions'];
const LABEL_PARAMS = ['labels', 'target', 'y_true', 'onehot_labels', 'multi_class_labels', 'targets', 'log_targets'];
/** TF *_with_logits functions whose positional arguments TF 0.x read as (logits, labels). */
const POSITIONAL_TF = new Set([
  'tensorflow.nn.softmax_cross_entropy_with_logits',
  'tensorflow.nn.softmax_cross_entropy_with_logits_v2',
  'tensorflow.nn.sigmoid_cross_entropy_with_logits',
]);

type Family = 'torch' | 'keras-class' | 'tf-v1' | 'unreduced';

function familyOf(site: CallSite): Family {
  if (site.qualname.startsWith('torch.')) return 'torch';
  if (site.qualname.startsWith('tensorflow.compat.v1.losses.')) return 'tf-v1';
  if (site.kind === 'object' && site.qualname.startsWith('keras.')) return 'keras-class';
  return 'unreduced';
}

/** 'torch.nn.functional.cross_entropy' -> 'F.cross_entropy', 'torch.nn.CrossEntropyLoss' -> 'nn.CrossEntropyLoss'. */
export function userName(site: CallSite): string {
  return site.display.replace(/^torch\.nn\./, 'nn.');
}

/** Label smoothing changes every target: say so, with the value the call uses. */
function smoothingNote(cx: ExplainContext, site: CallSite, feeds: Feeds | undefined, m: PanelModel): void {
  const node = argNode(site, 'label_smoothing');
  if (!node) return;
  const v = tryEval(cx, node, feeds);
  const e = v.ok && v.value.kind === 'scalar' ? v.value.value : undefined;
  if (e === undefined) {
    m.notes.push(`Label smoothing is set (label_smoothing=${node.text}) but its value is not known here.`);
  } else if (e !== 0) {
    const binary = /binary/i.test(site.qualname);
    m.notes.push(binary
      ? `Label smoothing ${e} is applied: each target y becomes y * (1 - ${e}) + ${e} / 2 before the loss.`
      : `Label smoothing ${e} is applied: each target row y becomes (1 - ${e}) * y + ${e} / C (C = number of classes) before the loss.`);
  }
}

/** An argument node by parameter name, looking in the constructor for loss objects. */
function argNode(site: CallSite, name: string): Node | undefined {
  return site.args.get(name) ?? site.ctor?.args.get(name);
}

export function expectation(cx: ExplainContext, site: CallSite, predRank: number | undefined): Expectation {
  const r = site.roles;
  const q = site.qualname;
  let input: Expectation['input'] = r.includes('expects-log-probabilities') ? 'log-probabilities' : r.includes('expects-probabilities') ? 'probabilities' : 'logits';
  if (r.includes('keras-loss')) input = plainArg(cx, argNode(site, 'from_logits')) === true ? 'logits' : 'probabilities';
  if (/kl_div/i.test(q)) input = q.startsWith('torch.') ? 'log-probabilities' : 'probabilities';
  let labels: LabelKind = 'dense';
  if (r.includes('sparse') || /sparse|integer_labels/i.test(q)) labels = 'sparse';
  else if (r.includes('sigmoid-loss')) labels = 'binary';
  else if (/cross_entropy$|CrossEntropyLoss$/.test(q) && q.startsWith('torch.')) labels = 'sparse-or-dense';
  else if (/nll_loss$|NLLLoss$/.test(q)) labels = 'sparse';
  let classAxis: number | null;
  if (q.startsWith('torch.')) classAxis = labels === 'binary' ? null : predRank === 1 ? 0 : 1;
  else if (labels === 'binary') classAxis = r.includes('keras-loss') ? intArg(cx, argNode(site, 'axis')) ?? -1 : null;
  else classAxis = intArg(cx, argNode(site, 'axis')) ?? intArg(cx, argNode(site, 'dim')) ?? -1;
  const inputText = {
    logits: 'logits (unnormalised scores; the loss applies ' + (labels === 'binary' ? 'sigmoid' : 'softmax') + ' itself)',
    probabilities: 'probabilities (the output of ' + (labels === 'binary' ? 'sigmoid' : 'softmax') + ', not logits)',
    'log-probabilities': 'log-probabilities (the output of log_softmax)',
  }[input];
  const labelText = {
    sparse: 'integer class indices (sparse labels, one per example)',
    dense: 'one row of class probabilities per example (dense labels, e.g. one-hot)',
    binary: 'independent 0/1 targets, one per output (binary labels)',
    'sparse-or-dense': 'class indices, or class probabilities of the input\'s shape (told apart by shape)',
  }[labels];
  const axisText = classAxis === null ? 'elementwise' : `classes along ${q.startsWith('torch.') ? 'dim' : 'axis'} ${classAxis}`;
  return { input, labels, classAxis, summary: `Expects ${inputText}; labels: ${labelText}; ${axisText}.` };
}

/** The (prediction, labels) argument nodes, with TF 0.x positional calls read as the evaluator reads them. */
function predictionAndLabels(cx: ExplainContext, site: CallSite, framework: Framework, feeds?: Feeds): { pred?: Node; labels?: Node } {
  let pred = PRED_PARAMS.map((p) => site.args.get(p)).find((n) => n);
  let labels = LABEL_PARAMS.map((p) => site.args.get(p)).find((n) => n);
  if (POSITIONAL_TF.has(site.qualname) && pred && labels && site.positional.includes(pred) && site.positional.includes(labels)) {
    const first = asTensor(tryEval(cx, labels, feeds), framework, 'labels').tensor;
    const second = asTensor(tryEval(cx, pred, feeds), framework, 'logits').tensor;
    if (inferOrder(labels.text, pred.text, first, second).order === 'logits-first') [pred, labels] = [labels, pred];
  }
  return { pred, labels };
}

/** Evaluates `site` again with its reduction switched off, so each example keeps its own loss. */
function unreducedValue(cx: ExplainContext, site: CallSite, family: Family, feeds?: Feeds): Value {
  const ev = (n: Node): Value => {
    const v = tryEval(cx, n, feeds);
    if (!v.ok) throw new EvalError(v.error, true);
    return v.value;
  };
  const noReduction = (values: Map<string, Value>) => {
    values.delete('size_average');
    values.delete('reduce');
    values.set('reduction', { kind: 'string', value: 'none' });
  };
  const texts = (params: string[]) => {
    const t = new Map<string, string>();
    site.positional.forEach((n, i) => t.set(params[i] ?? `#${i}`, n.text));
    for (const [k, n] of site.keywords) t.set(k, n.text);
    return t;
  };
  const positional = site.positional.map(ev);
  const keywords = new Map([...site.keywords].map(([k, n]) => [k, ev(n)] as [string, Value]));
  const callCx = (fw: Framework) => ({ qualname: userName(site), framework: fw, limits: DEFAULT_LIMITS, notes: [] as string[] });
  if (site.kind === 'function') {
    const spec = lookupFunction(site.qualname)!;
    const bound = bindArgs(spec, userName(site), positional, keywords);
    noReduction(bound.values);
    return spec.handler(new Args(bound.values, callCx(spec.framework), bound.positional, texts(spec.params)));
  }
  const callee = ev(site.node.childForFieldName('function')!);
  const cls = callee.kind === 'callable' ? lookupClass(callee.qualname) : undefined;
  if (!cls || callee.kind !== 'callable') throw new EvalError('the loss object could not be rebuilt', true);
  const init = new Map(Object.entries(callee.init));
  if (family !== 'unreduced') noReduction(init);
  const bound = bindArgs(cls.call, userName(site), positional, keywords);
  return cls.handler(new Args(init, callCx(cls.framework), new Set(), new Map()), new Args(bound.values, callCx(cls.framework), bound.positional, texts(cls.call.params)));
}

function perExample(cx: ExplainContext, site: CallSite, family: Family, call: Tensor | undefined, feeds?: Feeds): { tensor?: Tensor; error?: string } {
  if (family === 'unreduced') return call ? { tensor: call } : {};
  try {
    const v = unreducedValue(cx, site, family, feeds);
    return v.kind === 'tensor' ? { tensor: v.tensor } : {};
  } catch (e) {
    if (e instanceof EvalError || e instanceof LossLensError) return { error: e.message };
    throw e;
  }
}

/** The reduction the call applies, and its description. */
function reductionOf(cx: ExplainContext, site: CallSite, family: Family, n: number, unit: string): { name: string; description: string } | null {
  const rows = `${n} ${unit}${n === 1 ? '' : 's'}`;
  const given = plainArg(cx, argNode(site, 'reduction'));
  const r = typeof given === 'string' ? given : undefined;
  if (family === 'torch') {
    if (argNode(site, 'size_average') || argNode(site, 'reduce')) return { name: 'legacy', description: `set by the deprecated size_average/reduce arguments (${rows})` };
    const name = r ?? 'mean';
    const how = r ? `(reduction='${name}')` : `(PyTorch default reduction='mean')`;
    if (name === 'none') return null;
    if (name === 'sum') return { name, description: `sum over ${rows} ${how}` };
    const weighted = argNode(site, 'weight') ? 'weighted mean (divided by the sum of the targets\' class weights)' : 'mean';
    return { name, description: `${weighted} over ${rows} ${how}` };
  }
  if (family === 'keras-class') {
    const name = r ?? 'sum_over_batch_size';
    const how = r ? `(reduction='${name}')` : `(Keras default reduction='sum_over_batch_size')`;
    // reduction=None (given but not a string) does not reduce either.
    if (name === 'none' || (given === undefined && argNode(site, 'reduction'))) return null;
    if (name === 'sum') return { name, description: `sum over ${rows} ${how}` };
    return { name, description: `mean over ${rows}: the sum divided by the number of elements ${how}` };
  }
  if (family === 'tf-v1') {
    const key = r ?? 'SUM_BY_NONZERO_WEIGHTS';
    const how = r ? `(reduction=Reduction.${key})` : '(tf.compat.v1.losses default Reduction.SUM_BY_NONZERO_WEIGHTS)';
    if (/^(none|NONE)$/.test(key)) return null;
    if (/^(SUM|weighted_sum)$/.test(key)) return { name: key, description: `weighted sum over ${rows} ${how}` };
    if (/^(MEAN|weighted_mean)$/.test(key)) return { name: key, description: `weighted sum over ${rows} divided by the sum of the weights ${how}` };
    if (/OVER_BATCH_SIZE|over_batch_size/.test(key)) return { name: key, description: `weighted sum over ${rows} divided by the number of elements ${how}` };
    return { name: key, description: `weighted sum over ${rows} divided by the number of nonzero weights ${how}` };
  }
  return null;
}

/** A mean/sum call directly around `node` (tf.reduce_mean(loss(...)), loss(...).mean()). */
export function reducerAround(cx: ExplainContext, node: Node): CallSite | undefined {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return undefined;
  const call = p.type === 'argument_list' ? p.parent : p.type === 'attribute' && p.childForFieldName('object')?.id === n.id ? p.parent : null;
  if (!call || call.type !== 'call') return undefined;
  const site = cx.rules.site(call);
  if (!site || !(site.roles.includes('mean') || site.roles.includes('sum'))) return undefined;
  if (p.type === 'argument_list' && site.positional[0]?.id !== n.id) return undefined;
  return site;
}

export function lossModel(cx: ExplainContext, site: CallSite, feeds?: Feeds, anchor?: Node): PanelModel {
  const framework: Framework = site.framework ?? 'tensorflow';
  const style: PrintStyle = styleOf(framework);
  const family = familyOf(site);
  const name = userName(site);
  const m = baseModel(cx, anchor ?? site.node, 'loss', name);
  m.framework = frameworkName(site.qualname, framework);
  const nodes = predictionAndLabels(cx, site, framework, feeds);
  const pred = nodes.pred ? asTensor(tryEval(cx, nodes.pred, feeds), framework, `the ${nodes.pred === site.args.get('input') ? 'input' : 'prediction'} (${nodes.pred.text})`) : {};
  const labels = nodes.labels ? asTensor(tryEval(cx, nodes.labels, feeds), framework, `the labels (${nodes.labels.text})`) : {};
  const expects = expectation(cx, site, pred.tensor?.rank);
  m.function = { name, qualname: site.qualname, expects };

  const call = tryEval(cx, site.node, feeds);
  addNotes(m, call.notes);
  let value: Tensor | undefined;
  if (call.ok && call.value.kind === 'tensor') {
    value = call.value.tensor;
    m.value = { text: valueText(value, style), dtype: value.dtype, shape: [...value.shape] };
    if (call.value.exact) m.exact = { text: valueText(call.value.exact, style), why: call.value.exactWhy ?? '' };
    m.dtype = value.dtype;
    m.shape = [...value.shape];
  } else if (call.ok && call.value.kind === 'abstract') {
    m.dtype = call.value.dtype;
    m.shape = call.value.shape;
    m.runtimeOnly = call.value.why;
  } else if (!call.ok) {
    // Inputs the evaluator could not even start on (a model's output, a name from elsewhere) are
    // known only at run time: a note, not an error. Errors in known computations stay errors.
    if (!call.runtime) m.error = call.error;
    else m.runtimeOnly = call.error;
  }
  if (!m.error && !m.runtimeOnly && (pred.error || labels.error)) m.error = (pred.error ?? labels.error)!;
  smoothingNote(cx, site, feeds, m);

  const per = perExample(cx, site, family, value, feeds);
  if (per.error && !m.error && !m.runtimeOnly) m.notes.push(`per-row losses could not be computed: ${per.error}`);
  const sigmoid = expects.labels === 'binary';
  const probs = pred.tensor ? probabilities(pred.tensor, expects, m) : undefined;
  if (probs && pred.tensor) {
    const p = nodes.pred!.text;
    const axisWord = site.qualname.startsWith('torch.') ? 'dim' : 'axis';
    const caption = {
      logits: `${sigmoid ? 'sigmoid' : 'softmax'}(${p})${sigmoid ? ', elementwise' : ` along ${axisWord} ${expects.classAxis}`}: rows are examples, columns are ${sigmoid ? 'outputs' : 'classes'}`,
      probabilities: `${p} as given (probabilities): rows are examples, columns are ${sigmoid ? 'outputs' : 'classes'}`,
      'log-probabilities': `exp(${p}): the probabilities its log-probabilities stand for`,
    }[expects.input];
    const rows = asRows(probs, sigmoid ? -1 : expects.classAxis);
    const nRows = rows.shape[0];
    const info: RowInfo = {};
    const u = per.tensor;
    if (u && u.size === nRows) info.loss = nums(u.reshape([u.size]), style);
    if (!sigmoid && rows.shape[1] > 1) {
      info.predicted = rowArgmax(rows);
      info.target = targetsOf(cx, site, expects, labels.tensor, pred.tensor, nRows);
    }
    m.tables.push(tableOf(rows, { role: 'probabilities', caption, style, header: sigmoid ? (j) => `Pr(output ${j})` : undefined, info, cells: cx.cells }));
    if (u && u.size !== nRows && u.size === rows.size) {
      m.tables.push(tableOf(asRows(u, -1), { role: 'losses', caption: 'loss of each output (elementwise, before any reduction)', style, cells: cx.cells }));
    }
    if (sigmoid) m.notes.push('Sigmoid outputs are independent yes/no probabilities: no argmax is taken.');
    else if (expects.input === 'logits' && rowsAreDistributions(asRows(pred.tensor, expects.classAxis))) {
      m.notes.push(`Each row of ${p} already sums to 1: if these are softmax outputs, the loss applies softmax a second time (double softmax).`);
    } else if (expects.input === 'probabilities' && site.qualname.startsWith('keras.') && !rowsAreDistributions(rows)) {
      m.notes.push(`The rows of ${p} do not sum to 1: Keras divides each row by its sum (and clips to [1e-7, 1 - 1e-7]) before taking the log.`);
    }
  }

  const n = per.tensor?.size ?? 0;
  const unit = sigmoid ? 'element' : 'row';
  const red = reductionOf(cx, site, family, n, unit);
  if (red && value && value.size === 1) {
    m.reduced = { value: nums(value.reshape([]), style)[0], reduction: red.name, description: red.description };
  } else if (!red) {
    const outer = reducerAround(cx, site.node);
    const v = outer ? tryEval(cx, outer.node, feeds) : undefined;
    if (outer && v?.ok && v.value.kind === 'tensor' && v.value.tensor.size === 1) {
      const how = outer.roles.includes('mean') ? 'mean' : 'sum';
      m.reduced = { value: nums(v.value.tensor.reshape([]), style)[0], reduction: how, description: `${how} over ${n} ${unit}${n === 1 ? '' : 's'} (${outer.display} around the call)` };
    } else if (value && value.size > 1) {
      m.notes.push(`${name} does not reduce: it returns one loss per ${sigmoid ? 'output' : 'row'}.`);
    }
  }
  return m;
}

/** What the loss turns the prediction into: softmax/sigmoid of logits, exp of log-probabilities, probabilities as given. */
function probabilities(pred: Tensor, ex: Expectation, m: PanelModel): Tensor | undefined {
  try {
    if (ex.input === 'logits') return ex.labels === 'binary' ? E.sigmoid(pred) : softmax(pred, ex.classAxis ?? -1);
    if (ex.input === 'log-probabilities') return E.exp(pred);
    return pred;
  } catch (e) {
    if (!(e instanceof LossLensError)) throw e;
    m.notes.push(`no probability table: ${e.message}`);
    return undefined;
  }
}

/** The true class of each row: sparse labels directly, dense labels by their argmax; ignored targets are null. */
function targetsOf(cx: ExplainContext, site: CallSite, ex: Expectation, labels: Tensor | undefined, pred: Tensor, nRows: number): (number | null)[] | undefined {
  if (!labels) return undefined;
  const dense = ex.labels === 'dense' || (ex.labels === 'sparse-or-dense' && labels.rank === pred.rank && labels.size === pred.size);
  if (dense) {
    if (labels.size !== pred.size) return undefined;
    const rows = asRows(labels.reshape(pred.shape), ex.classAxis);
    return rows.shape[0] === nRows ? rowArgmax(rows) : undefined;
  }
  if (labels.size !== nRows) return undefined;
  const ignore = site.qualname.startsWith('torch.') ? intArg(cx, argNode(site, 'ignore_index')) ?? -100 : intArg(cx, argNode(site, 'ignore_class'));
  return Array.from(labels.data, (v) => (v === ignore ? null : v));
}
