import { isFloat } from '../core/dtype';
import { LossLensError } from '../core/errors';
import { softmax } from '../core/softmax';
import { Tensor } from '../core/tensor';
import { HOVER_CELLS, PANEL_CELLS, PanelModel } from '../../webview/protocol';
import { CallSite, RuleContext } from '../rules/context';
import { FileAnalysis } from '../python/analyze';
import { Feeds } from '../python/evaluator';
import { ExplainContext, addNotes, asTensor, baseModel, feedsAround, intArg, tryEval, unwrap } from './explain_common';
import { PrintStyle, asRows, frameworkName, rowArgmax, rowsAreDistributions, styleOf, tableOf, valueText } from './explain_format';
import { lossModel } from './explain_loss';
import { findManualCrossEntropy, manualModel } from './explain_manual';
import { ReprError, parseArrayRepr } from '../python/numpy_repr';
import type { Node } from '../python/parser';
import { Framework } from '../python/values';

export { explainText } from './explain_text';

/**
 * Explain Loss at Cursor, hovers and Evaluate Selection: what the code at a position (or in a
 * selection) computes, as a PanelModel. Pure: no vscode; everything is read from the analysis.
 */
export interface ExplainOptions {
  /** The document's uri, copied into the model (the panel's "reveal" link uses it). */
  uri?: string;
  /**
   * How many cells a table may carry: HOVER_CELLS (the default, a hover shows a few rows) or up
   * to PANEL_CELLS for the panel, whose table shows every class and virtualises its rows.
   */
  tableCells?: number;
  /** The file's findings (the command passes those computed with the user's settings): the model lists those on its code. */
  findings?: readonly ExplainFinding[];
}

/** What the model needs of a finding (src/rules Finding has these fields). */
export interface ExplainFinding {
  start: number;
  end: number;
  code: string;
  rule: string;
  message: string;
}

const contexts = new WeakMap<FileAnalysis, RuleContext>();

function context(analysis: FileAnalysis, opts: ExplainOptions): ExplainContext {
  let rules = contexts.get(analysis);
  if (!rules) contexts.set(analysis, (rules = new RuleContext(analysis)));
  return { analysis, rules, uri: opts.uri ?? '', cells: Math.max(1, Math.min(opts.tableCells ?? HOVER_CELLS, PANEL_CELLS)) };
}

const isLoss = (s: CallSite | undefined): s is CallSite => !!s && s.roles.includes('loss') && (s.kind === 'function' || s.kind === 'object');
const ACTIVATIONS = ['softmax', 'sigmoid', 'log_softmax'];
const isActivation = (s: CallSite | undefined): s is CallSite => !!s && s.kind !== 'class' && ACTIVATIONS.some((r) => s.roles.includes(r));

/**
 * The model for the code at `offset`: the innermost enclosing loss call (function or loss
 * object); else what a name there is bound to; else the innermost enclosing softmax/sigmoid
 * call; else the enclosing statement's expression (a hand-written cross-entropy, a loss inside a
 * mean, an array). A printed array in a comment shows its row-wise softmax. Undefined when there
 * is nothing tensor-like there.
 */
export function explainAt(analysis: FileAnalysis, offset: number, opts: ExplainOptions = {}): PanelModel | undefined {
  const m = explainAtOffset(analysis, offset, opts);
  if (m && opts.findings) attachFindings(m, analysis.text, opts.findings, offset);
  return m;
}

/**
 * The findings on the explained code, one line each: those that cover the cursor or lie on the
 * lines of the explained expression.
 */
function attachFindings(m: PanelModel, text: string, findings: readonly ExplainFinding[], offset: number): void {
  const lineOf = (o: number) => {
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < o; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  const here = findings.filter((f) => (f.start <= offset && offset <= f.end) || (lineOf(f.start) >= m.source.line && lineOf(f.start) <= m.source.endLine));
  if (here.length) m.findings = here.map((f) => `${f.code} ${f.rule}: ${f.message}`);
}

function explainAtOffset(analysis: FileAnalysis, offset: number, opts: ExplainOptions): PanelModel | undefined {
  const cx = context(analysis, opts);
  const leaf = analysis.tree.rootNode.descendantForIndex(offset, offset);
  if (!leaf) return undefined;
  if (leaf.type === 'comment') return commentRunArray(cx, leaf, offset);
  const m = explainLeaf(cx, leaf);
  const why = m?.error ?? m?.runtimeOnly;
  if (!why || !/placeholder/.test(why)) return m;
  // Placeholders are fed later: `loss = f(p)` then `loss.eval(feed_dict)`. Show the fed values.
  const later = laterFeeds(cx, leaf);
  const fed = later && explainLeaf(cx, leaf, later.feeds);
  if (!fed || fed.error || fed.runtimeOnly) return m;
  fed.notes.unshift(`Evaluated with the feed_dict of line ${later.line}, where this value is fetched.`);
  return fed;
}

function explainLeaf(cx: ExplainContext, leaf: Node, fed?: Feeds): PanelModel | undefined {
  const feeds = (n: Node) => fed ?? feedsAround(cx, n);
  for (let n: Node | null = leaf; n; n = n.parent) {
    if (n.type !== 'call') continue;
    const site = cx.rules.site(n);
    if (isLoss(site)) return lossModel(cx, site, feeds(n));
  }
  if (leaf.type === 'identifier') {
    const def = cx.rules.definition(leaf);
    if (def.id !== leaf.id) {
      const m = explainExpression(cx, def, feeds(leaf));
      if (m) return m;
    }
  }
  for (let n: Node | null = leaf; n; n = n.parent) {
    if (n.type !== 'call') continue;
    const site = cx.rules.site(n);
    if (isActivation(site)) return activationModel(cx, site, feeds(n));
  }
  const stmt = statementOf(leaf);
  const expr = stmt && statementExpression(stmt);
  return expr ? explainExpression(cx, expr, feeds(expr), stmt) : undefined;
}

/** For `name = ...` at `node`: the feeds of a later `name.eval(fd)` / `sess.run(name, feed_dict=fd)`. */
function laterFeeds(cx: ExplainContext, node: Node): { feeds: Feeds; line: number } | undefined {
  const stmt = statementOf(node);
  const assign = stmt?.namedChildren.find((c) => c?.type === 'assignment');
  const left = assign?.childForFieldName('left');
  if (!stmt || left?.type !== 'identifier') return undefined;
  const uses = cx.analysis.tree.rootNode.descendantsOfType('identifier');
  for (const id of uses) {
    if (!id || id.text !== left.text || id.startIndex < stmt.endIndex) continue;
    if (cx.rules.binding(id)?.stmt.id !== stmt.id) continue;
    const feeds = feedsAround(cx, id);
    if (feeds) return { feeds, line: id.startPosition.row + 1 };
  }
  return undefined;
}

/**
 * Evaluate Selection: the selected expression (or the statements it spans), or, when the
 * selection is not Python (NumPy's printed array in a comment, `[[ 0.2  0.6]]`), the array it
 * prints with its row-wise softmax. Always returns a model; `error` says why when nothing is known.
 */
export function explainRange(analysis: FileAnalysis, start: number, end: number, opts: ExplainOptions = {}): PanelModel {
  const cx = context(analysis, opts);
  const text = analysis.text;
  let s = Math.max(0, Math.min(start, end));
  let e = Math.min(text.length, Math.max(start, end));
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  const root = analysis.tree.rootNode;
  if (s === e) return explainAt(analysis, s, opts) ?? notEvaluable(cx, root, 'Nothing is selected.');
  const selected = text.slice(s, e);
  if (onlyComments(root, text, s, e)) return commentArray(cx, selected, root.descendantForIndex(s, s)!) ?? notEvaluable(cx, root, 'The selection is a comment without a printed array in it.');
  let node = root.descendantForIndex(s, e);
  if (!node) return notEvaluable(cx, root, 'The selection could not be located in the file.');
  if (node.type === 'expression_statement' || node.type === 'print_statement') node = statementExpression(node) ?? node;
  if (node.type === 'module' || node.type === 'block') {
    const stmts = node.namedChildren.filter((c): c is Node => !!c && c.endIndex > s && c.startIndex < e && (c.type === 'expression_statement' || c.type === 'print_statement'));
    const withLoss = stmts.find((st) => st.descendantsOfType('call').some((c) => c && isLoss(cx.rules.site(c))));
    const pick = withLoss ?? stmts[stmts.length - 1];
    const expr = pick && statementExpression(pick);
    const m = expr ? explainExpression(cx, expr, feedsAround(cx, expr), pick) : undefined;
    if (m) {
      if (stmts.length > 1) m.notes.unshift(`The selection spans ${stmts.length} statements; this is line ${m.source.line}.`);
      return m;
    }
  } else {
    const m = explainExpression(cx, node, feedsAround(cx, node));
    if (m) return m;
  }
  if (selected.includes('[') && (node.hasError || node.type === 'ERROR' || node.type === 'module' || node.type === 'string_content' || node.type === 'string')) {
    const m = commentArray(cx, selected, node);
    if (m) return m;
  }
  const ev = node.type === 'module' ? undefined : tryEval(cx, node);
  return notEvaluable(cx, node, ev && !ev.ok ? ev.error : 'The selection is not an expression Loss Lens evaluates (select an array, a loss call, a softmax or a name bound to one).');
}

function notEvaluable(cx: ExplainContext, node: Node, reason: string): PanelModel {
  const m = baseModel(cx, node, 'expression', 'not evaluable');
  m.error = reason;
  return m;
}

/** True when everything non-blank in [s, e) lies inside comments. */
function onlyComments(root: Node, text: string, s: number, e: number): boolean {
  const comments = root.descendantsOfType('comment').filter((c): c is Node => !!c && c.endIndex > s && c.startIndex < e);
  if (comments.length === 0) return false;
  let pos = s;
  for (const c of comments) {
    if (/\S/.test(text.slice(pos, Math.max(pos, c.startIndex)))) return false;
    pos = Math.max(pos, c.endIndex);
  }
  return !/\S/.test(text.slice(pos, e));
}

function statementOf(n: Node): Node | undefined {
  for (let p: Node | null = n; p; p = p.parent) if (p.type === 'expression_statement' || p.type === 'print_statement') return p;
  return undefined;
}

/** The expression a statement computes: the right-hand side of an assignment, print's argument, the fetch of sess.run/.eval. */
function statementExpression(stmt: Node): Node | undefined {
  let e = stmt.namedChildren.find((c) => c && c.type !== 'comment' && c.type !== 'chevron') ?? undefined;
  while (e && (e.type === 'assignment' || e.type === 'augmented_assignment')) e = e.childForFieldName('right') ?? undefined;
  if (!e) return undefined;
  for (let i = 0; i < 4; i++) {
    const inner = fetched(e);
    if (!inner) break;
    e = inner;
  }
  return e;
}

/** print(X) -> X, X.eval(...) -> X, sess.run(X, ...) -> X. */
function fetched(e: Node): Node | undefined {
  const n = unwrap(e);
  if (n.type !== 'call') return undefined;
  const fn = n.childForFieldName('function');
  const first = n.childForFieldName('arguments')?.namedChildren.find((a) => a && a.type !== 'comment' && a.type !== 'keyword_argument') ?? undefined;
  if (fn?.type === 'identifier' && fn.text === 'print') return first;
  if (fn?.type !== 'attribute') return undefined;
  const attr = fn.childForFieldName('attribute')?.text;
  if (attr === 'eval') return fn.childForFieldName('object') ?? undefined;
  if (attr === 'run') return first;
  return undefined;
}

/** What an expression computes: a loss (possibly inside a mean), a hand-written cross-entropy, an activation, an array. */
function explainExpression(cx: ExplainContext, node: Node, feeds: Feeds | undefined, anchor?: Node, depth = 0): PanelModel | undefined {
  const n = unwrap(node);
  if (n.type === 'identifier') {
    const def = cx.rules.definition(n);
    if (def.id !== n.id && depth < 8) return explainExpression(cx, def, feeds, undefined, depth + 1);
  }
  const site = n.type === 'call' ? cx.rules.site(n) : undefined;
  if (isLoss(site)) return lossModel(cx, site, feeds, anchor);
  if (isActivation(site)) return activationModel(cx, site, feeds, anchor);
  const manual = findManualCrossEntropy(cx, n);
  if (manual) return manualModel(cx, n, manual, feeds, anchor);
  const inner = n.descendantsOfType('call').find((c) => c && isLoss(cx.rules.site(c)));
  if (inner) return lossModel(cx, cx.rules.site(inner)!, feeds, anchor);
  return valueModel(cx, n, feeds, anchor);
}

/** Arrays and other tensor values: the values, and for arrays their row-wise softmax. */
function valueModel(cx: ExplainContext, n: Node, feeds: Feeds | undefined, anchor?: Node): PanelModel | undefined {
  const v = tryEval(cx, n, feeds);
  if (!v.ok) {
    if (!v.recognised) return undefined;
    const m = baseModel(cx, anchor ?? n, 'expression', n.text.length > 60 ? 'expression' : n.text);
    m.error = v.error;
    addNotes(m, v.notes);
    return m;
  }
  const site = n.type === 'call' ? cx.rules.site(n) : undefined;
  const isArray = n.type === 'list' || n.type === 'tuple' || !!site?.roles.includes('constructor');
  if (v.value.kind === 'abstract') {
    const m = baseModel(cx, anchor ?? n, isArray ? 'array' : 'expression', n.text.length > 60 ? 'expression' : n.text);
    m.dtype = v.value.dtype;
    m.shape = v.value.shape;
    m.runtimeOnly = v.value.why;
    return m;
  }
  if (v.value.kind !== 'tensor' && !(isArray && v.value.kind === 'list')) return undefined;
  const framework: Framework = v.value.kind === 'tensor' ? v.value.framework : site?.framework ?? cx.rules.fileFramework() ?? 'numpy';
  const t = asTensor(v, framework, 'the value');
  if (!t.tensor) return undefined;
  const m = isArray ? arrayModel(cx, t.tensor, framework, anchor ?? n, site?.qualname) : baseModel(cx, anchor ?? n, 'expression', n.text.length > 60 ? 'expression' : n.text);
  if (!isArray) fillValue(cx, m, t.tensor, styleOf(framework), framework, site?.qualname);
  if (!isArray && v.value.kind === 'tensor' && v.value.exact) m.exact = { text: valueText(v.value.exact, styleOf(framework)), why: v.value.exactWhy ?? '' };
  addNotes(m, v.notes);
  return m;
}

function fillValue(cx: ExplainContext, m: PanelModel, t: Tensor, style: PrintStyle, framework: Framework | null, qualname?: string): void {
  m.framework = frameworkName(qualname, framework);
  m.dtype = t.dtype;
  m.shape = [...t.shape];
  m.value = { text: valueText(t, style), dtype: t.dtype, shape: [...t.shape] };
  if (m.kind === 'expression' && t.rank >= 1) m.tables.push(tableOf(asRows(t, -1), { role: 'values', caption: 'the value (rows: leading axes, columns: last axis)', style, cells: cx.cells }));
}

/** An array: its values, and the softmax of each row as tf.nn.softmax / softmax(dim=-1) computes it. */
function arrayModel(cx: ExplainContext, t: Tensor, framework: Framework, node: Node, qualname?: string, title = 'array'): PanelModel {
  const style = styleOf(framework);
  const m = baseModel(cx, node, 'array', title);
  fillValue(cx, m, t, style, framework, qualname);
  if (t.rank === 0) return m;
  const rows = asRows(t, -1);
  m.tables.push(tableOf(rows, { role: 'values', caption: 'the array (rows: leading axes, columns: last axis)', style, header: (j) => `[${j}]`, cells: cx.cells }));
  const f = isFloat(t.dtype) ? t : t.cast('float64');
  const p = asRows(softmax(f, -1), -1);
  m.tables.push(tableOf(p, { role: 'probabilities', caption: 'softmax of each row (along the last axis), read as logits', style, info: p.shape[1] > 1 ? { predicted: rowArgmax(p) } : undefined, cells: cx.cells }));
  if (rowsAreDistributions(rows)) {
    m.notes.push('Each row already sums to 1: these look like probabilities, not logits. A loss that expects logits would apply softmax to them a second time.');
  }
  return m;
}

/** NumPy's printed form (in a comment, a string, or pasted without commas): the array and its row-wise softmax. */
function commentArray(cx: ExplainContext, text: string, node: Node): PanelModel | undefined {
  if (!text.includes('[')) return undefined;
  let arr;
  try {
    arr = parseArrayRepr(text);
  } catch (e) {
    if (e instanceof ReprError) {
      const m = baseModel(cx, node, 'array', 'printed array');
      m.error = `could not read the printed array: ${e.message}`;
      return m;
    }
    throw e;
  }
  const float = /[.en]/i.test(text.slice(arr.start, arr.end));
  const t = Tensor.fromNested(arr.values, arr.dtype ?? (float ? 'float64' : 'int64'));
  const m = arrayModel(cx, t, 'numpy', node, undefined, 'printed array');
  m.source.expression = text.slice(arr.start, arr.end);
  m.notes.push(`Read from NumPy's printed form${arr.dtype ? '' : ` (no dtype printed: taken as ${t.dtype}, NumPy's default)`}. Printed values are rounded, so results are approximate.`);
  return m;
}

/**
 * The printed array under the cursor in a block of comment lines (NumPy prints a matrix over
 * several lines, each commented out when pasted into code).
 */
function commentRunArray(cx: ExplainContext, leaf: Node, offset: number): PanelModel | undefined {
  const adjacent = (a: Node | null, b: Node | null) => !!a && !!b && a.type === 'comment' && Math.abs(a.startPosition.row - b.startPosition.row) === 1;
  let first = leaf;
  let last = leaf;
  for (let i = 0; i < 200 && adjacent(first.previousSibling, first); i++) first = first.previousSibling!;
  for (let i = 0; i < 200 && adjacent(last.nextSibling, last); i++) last = last.nextSibling!;
  const base = first.startIndex;
  const text = cx.analysis.text.slice(base, last.endIndex);
  for (let pos = text.indexOf('['), i = 0; pos >= 0 && i < 100; i++) {
    try {
      const arr = parseArrayRepr(text.slice(pos));
      if (base + pos + arr.end >= offset) return base + pos <= offset ? commentArray(cx, text.slice(pos, pos + arr.end), leaf) : undefined;
      pos = text.indexOf('[', pos + arr.end);
    } catch (e) {
      if (!(e instanceof ReprError)) throw e;
      pos = text.indexOf('[', pos + 1);
    }
  }
  return undefined;
}

/** A softmax, log_softmax or sigmoid call: its output table with rows = examples. */
function activationModel(cx: ExplainContext, site: CallSite, feeds: Feeds | undefined, anchor?: Node): PanelModel {
  const framework: Framework = site.framework ?? cx.rules.fileFramework() ?? 'numpy';
  const style = styleOf(framework);
  const role = ACTIVATIONS.find((r) => site.roles.includes(r))!;
  const name = site.display.replace(/^torch\.nn\./, 'nn.');
  const m = baseModel(cx, anchor ?? site.node, 'activation', name);
  m.framework = frameworkName(site.qualname, framework);
  const axisNode = site.args.get('axis') ?? site.args.get('dim') ?? site.ctor?.args.get('dim');
  const noAxis = !axisNode && /^(numpy|scipy|jax\.scipy)\./.test(site.qualname);
  const axis = role === 'sigmoid' ? null : intArg(cx, axisNode) ?? -1;
  const what = role === 'sigmoid' ? 'an independent probability per element' : role === 'softmax' ? 'probabilities that sum to 1' : 'log-probabilities';
  m.function = {
    name,
    qualname: site.qualname,
    expects: { input: 'logits', labels: null, classAxis: axis, summary: `Takes logits and returns ${what}${axis === null ? '' : noAxis ? ' over all elements (axis=None)' : ` along axis ${axis}`}.` },
  };
  const v = tryEval(cx, site.node, feeds);
  addNotes(m, v.notes);
  if (!v.ok) {
    if (!v.runtime) m.error = v.error;
    else m.runtimeOnly = v.error;
    return m;
  }
  if (v.value.kind === 'abstract') {
    m.dtype = v.value.dtype;
    m.shape = v.value.shape;
    m.runtimeOnly = v.value.why;
    return m;
  }
  if (v.value.kind !== 'tensor') return m;
  const t = v.value.tensor;
  fillValue(cx, m, t, style, framework, site.qualname);
  try {
    const rows = asRows(t, axis ?? -1);
    const probs = role === 'softmax' || role === 'sigmoid';
    const caption = `${role}(${firstArgText(site)})${axis === null ? ', elementwise' : ` along axis ${axis}`}: rows are examples, columns are ${role === 'sigmoid' ? 'outputs' : 'classes'}`;
    const info = role !== 'sigmoid' && rows.shape[1] > 1 ? { predicted: rowArgmax(rows) } : undefined;
    m.tables.push(tableOf(rows, { role: probs ? 'probabilities' : 'values', caption, style, info, header: role === 'sigmoid' ? (j) => `Pr(output ${j})` : undefined, cells: cx.cells }));
    const input = inputOf(site);
    const x = input ? asTensor(tryEval(cx, input, feeds), framework, 'the input').tensor : undefined;
    if (role === 'softmax' && x && rowsAreDistributions(asRows(x, axis ?? -1))) {
      m.notes.push('The input rows already sum to 1: softmax of probabilities flattens them towards uniform (a double softmax).');
    }
  } catch (e) {
    if (!(e instanceof LossLensError)) throw e;
    m.notes.push(e.message);
  }
  if (noAxis && t.rank > 1) m.notes.push('No axis given: this softmax normalises over all elements, not per row.');
  return m;
}

function inputOf(site: CallSite): Node | undefined {
  if (site.kind === 'method') return site.receiver;
  return site.args.get('logits') ?? site.args.get('x') ?? site.args.get('input') ?? site.positional[0];
}

function firstArgText(site: CallSite): string {
  return inputOf(site)?.text ?? 'x';
}
