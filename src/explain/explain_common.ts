import { BudgetError, LossLensError } from '../core/errors';
import { Tensor } from '../core/tensor';
import { PanelModel } from '../../webview/protocol';
import { RuleContext } from '../rules/context';
import { FileAnalysis } from '../python/analyze';
import { DEFAULT_LIMITS, toTensor } from '../python/convert';
import { Feeds } from '../python/evaluator';
import type { Node } from '../python/parser';
import { unparen } from '../python/syntax';
import { EvalError, Framework, UnknownValueError, Value, describe } from '../python/values';

/** What every explain step reads: the analysis, its syntactic call resolution, the document's uri. */
export interface ExplainContext {
  analysis: FileAnalysis;
  rules: RuleContext;
  uri: string;
  /** Cells a table may carry (ExplainOptions.tableCells). */
  cells: number;
}

/** A value, or why there is none (budget errors propagate: the caller's time is up). */
/**
 * `runtime`: the value depends on what exists only when the code runs (a name from elsewhere, a
 * model's output, an unfed placeholder), as opposed to an error in a computation whose inputs are known.
 */
export type Evaluated = { ok: true; value: Value; notes: string[] } | { ok: false; error: string; recognised: boolean; runtime: boolean; notes: string[] };

export function tryEval(cx: ExplainContext, node: Node, feeds?: Feeds): Evaluated {
  const ev = cx.analysis.evaluator;
  try {
    const value = ev.evaluate(node, feeds);
    return { ok: true, value, notes: [...ev.notes] };
  } catch (e) {
    if (e instanceof BudgetError) throw e;
    if (e instanceof EvalError) return { ok: false, error: e.message, recognised: e.recognised || ev.touchedKnown, runtime: !e.recognised || e instanceof UnknownValueError, notes: [...ev.notes] };
    if (e instanceof LossLensError) return { ok: false, error: e.message, recognised: true, runtime: false, notes: [...ev.notes] };
    throw e;
  }
}

/** An evaluated value as a tensor of `framework` (Python lists convert as the framework would), or why not. */
export function asTensor(v: Evaluated, framework: Framework, what: string): { tensor?: Tensor; error?: string } {
  if (!v.ok) return { error: `${what}: ${v.error}` };
  const val = v.value;
  if (val.kind === 'abstract') return { error: `${what} is not known here: ${val.why}` };
  if (val.kind !== 'tensor' && val.kind !== 'list' && val.kind !== 'scalar') return { error: `${what} is ${describe(val)}, not an array` };
  try {
    return { tensor: toTensor(val, framework, undefined, DEFAULT_LIMITS, what) };
  } catch (e) {
    if (e instanceof EvalError || e instanceof LossLensError) return { error: e.message };
    throw e;
  }
}

/** An int argument (axis=1, dim=-1) evaluated where it stands; undefined when absent or not an int. */
export function intArg(cx: ExplainContext, node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const v = tryEval(cx, node);
  return v.ok && v.value.kind === 'scalar' && v.value.int ? v.value.value : undefined;
}

/** A string or bool argument, evaluated (reduction='sum', from_logits=True). */
export function plainArg(cx: ExplainContext, node: Node | undefined): string | boolean | undefined {
  if (!node) return undefined;
  const v = tryEval(cx, node);
  if (!v.ok) return undefined;
  if (v.value.kind === 'string') return v.value.value;
  if (v.value.kind === 'scalar' && v.value.isBool) return v.value.value !== 0;
  if (v.value.kind === 'ref') return v.value.qualname.split('.').pop();
  return undefined;
}

/**
 * The feed_dict in force around `node`: `X.eval(fd)`, `X.eval(feed_dict=fd)`, `sess.run(X, fd)`,
 * `sess.run(X, feed_dict=fd)` with `node` inside X. Placeholder keys map to their fed values,
 * converted to the placeholder's dtype (as the evaluator does for feed_dict evaluation).
 */
export function feedsAround(cx: ExplainContext, node: Node): Feeds | undefined {
  for (let n: Node | null = node; n; n = n.parent) {
    const call = n.parent?.type === 'attribute' ? n.parent.parent : n.parent?.parent;
    if (!call || call.type !== 'call') continue;
    const fn = call.childForFieldName('function');
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
    const kw = (name: string) => args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
    const pos = args.filter((a) => a.type !== 'keyword_argument');
    if (fn?.type !== 'attribute') continue;
    const attr = fn.childForFieldName('attribute')?.text;
    if (attr === 'eval' && fn.childForFieldName('object')?.id === n.id) return readFeeds(cx, kw('feed_dict') ?? pos[0]);
    if (attr === 'run' && n.parent?.id === call.childForFieldName('arguments')?.id && pos[0]?.id === n.id) return readFeeds(cx, kw('feed_dict') ?? pos[1]);
  }
  return undefined;
}

function readFeeds(cx: ExplainContext, node: Node | undefined): Feeds | undefined {
  if (!node) return undefined;
  const d = tryEval(cx, node);
  if (!d.ok || d.value.kind !== 'dict') return undefined;
  const feeds: Feeds = new Map();
  for (const { key, value } of d.value.entries) {
    if (key.kind !== 'abstract' || !key.placeholder) return undefined;
    try {
      const t = toTensor(value, 'tensorflow', key.dtype, DEFAULT_LIMITS, `the feed for '${key.placeholder.name}'`);
      feeds.set(key.placeholder.id, { kind: 'tensor', tensor: t, framework: 'tensorflow' });
    } catch (e) {
      if (e instanceof EvalError || e instanceof LossLensError) return undefined;
      throw e;
    }
  }
  return feeds;
}

/** Skips parentheses. */
export const unwrap = unparen;

/** A model with only the source filled in; the explain steps fill the rest. */
export function baseModel(cx: ExplainContext, node: Node, kind: PanelModel['kind'], title: string): PanelModel {
  const text = node.text;
  return {
    kind,
    title,
    source: {
      uri: cx.uri,
      line: node.startPosition.row + 1,
      endLine: node.endPosition.row + 1,
      expression: text.length > 500 ? `${text.slice(0, 500)}…` : text,
    },
    framework: null,
    function: null,
    dtype: null,
    shape: null,
    tables: [],
    value: null,
    reduced: null,
    comparison: null,
    notes: [],
    error: null,
  };
}

/** Adds notes without repeating one. */
export function addNotes(m: PanelModel, notes: readonly string[]): void {
  for (const n of notes) if (!m.notes.includes(n)) m.notes.push(n);
}
