import type { Node } from '../python/parser';
import { Framework } from '../python/values';
import { CallSite, RuleContext } from './context';
import { textOf } from './rule';
import { Axis, Step, sameAxis } from './patterns';
import { TextEdit } from './types';

/**
 * Text for quick fixes: how this file spells a library function, the fused cross-entropy ops of
 * each framework, and the edits that swap an expression for one of them while keeping the sign
 * of the surrounding statement.
 */

/**
 * How the file spells a canonical name: through the import that covers the longest prefix
 * (`import torch.nn.functional as F` -> `F.cross_entropy`); else, when the file imports names from
 * the same module (`from scipy.special import softmax`), by its bare name, adding it to that
 * import (the edit goes to `imports`); else by convention (tf, F, np, jnp) as files without
 * imports (notebook cells, the seed snippets) use them.
 */
export function spell(ctx: RuleContext, qual: string, imports?: TextEdit[]): string {
  const parent = qual.slice(0, qual.lastIndexOf('.'));
  const bare = qual.slice(parent.length + 1);
  const { best, fromImport } = importFor(ctx, qual);
  if (best) return best.name + qual.slice(best.q.length);
  if (fromImport && imports && !ctx.analysis.scopes.module.bindings.has(bare)) {
    const names = fromImport.childrenForFieldName('name').filter((n): n is Node => !!n);
    const last = names[names.length - 1];
    if (last) {
      const edit = { start: last.endIndex, end: last.endIndex, newText: `, ${bare}` };
      if (!imports.some((e) => e.start === edit.start && e.newText === edit.newText)) imports.push(edit);
      return bare;
    }
  }
  const conventional: [string, string][] = [['torch.nn.functional', 'F'], ['tensorflow', 'tf'], ['numpy', 'np'], ['jax.numpy', 'jnp']];
  for (const [q, alias] of conventional) {
    if (!qual.startsWith(`${q}.`)) continue;
    if (alias === 'F' && !usesName(ctx, 'F')) continue;
    return alias + qual.slice(q.length);
  }
  return qual;
}

const importCache = new WeakMap<RuleContext, { name: string; qualname: string; fromStmt?: Node }[]>();

/** The module's import bindings, collected once per analysis (node types are WASM calls). */
function moduleImports(ctx: RuleContext): { name: string; qualname: string; fromStmt?: Node }[] {
  let list = importCache.get(ctx);
  if (!list) {
    list = [];
    for (const bs of ctx.analysis.scopes.module.bindings.values()) {
      for (const b of bs) {
        if (b.kind !== 'import' || !b.qualname) continue;
        list.push({ name: b.name, qualname: b.qualname, fromStmt: b.stmt.type === 'import_from_statement' ? b.stmt : undefined });
      }
    }
    importCache.set(ctx, list);
  }
  return list;
}

const importForCache = new WeakMap<RuleContext, Map<string, { best?: { name: string; q: string }; fromImport?: Node }>>();

/** The import covering the longest prefix of `qual`, and a from-import of its module (memoised per qualname). */
function importFor(ctx: RuleContext, qual: string): { best?: { name: string; q: string }; fromImport?: Node } {
  let m = importForCache.get(ctx);
  if (!m) importForCache.set(ctx, (m = new Map()));
  const hit = m.get(qual);
  if (hit) return hit;
  let best: { name: string; q: string } | undefined;
  let fromImport: Node | undefined;
  const parent = qual.slice(0, qual.lastIndexOf('.'));
  for (const b of moduleImports(ctx)) {
    const q = b.qualname;
    if ((qual === q || qual.startsWith(`${q}.`)) && (!best || q.length > best.q.length)) best = { name: b.name, q };
    if (q === `${parent}.${b.name}` && b.fromStmt) fromImport = b.fromStmt;
  }
  const r = { best, fromImport };
  m.set(qual, r);
  return r;
}

const usesNameCache = new WeakMap<RuleContext, Map<string, boolean>>();

/** Whether a call in the file is made through the bare name `name` (F.softmax(...) for 'F'). */
function usesName(ctx: RuleContext, name: string): boolean {
  let m = usesNameCache.get(ctx);
  if (!m) usesNameCache.set(ctx, (m = new Map()));
  const hit = m.get(name);
  if (hit !== undefined) return hit;
  const r = usesNameUncached(ctx, name);
  m.set(name, r);
  return r;
}

function usesNameUncached(ctx: RuleContext, name: string): boolean {
  return ctx.calls().some((c) => {
    let f = c.node.childForFieldName('function');
    while (f?.type === 'attribute') f = f.childForFieldName('object');
    return f?.type === 'identifier' && f.text === name && !ctx.binding(f);
  });
}

const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'integer', 'float', 'list', 'tuple']);

/** The text of a node, parenthesised when it is not a primary expression (to use as an operand). */
export function atom(ctx: RuleContext, n: Node): string {
  return PRIMARY.has(n.type) ? textOf(ctx, n) : `(${textOf(ctx, n)})`;
}

/** The framework a finding's fix should be written for. */
export function frameworkFor(ctx: RuleContext, ...sites: (CallSite | undefined)[]): Framework | undefined {
  for (const s of sites) if (s?.framework) return s.framework;
  // Tensor methods like x.softmax(dim=1) and x.log() are PyTorch's (NumPy arrays have no softmax).
  if (sites.some((s) => s?.kind === 'method' && s.qualname !== '.sum' && s.qualname !== '.mean')) return 'torch';
  return ctx.fileFramework();
}

/** How the fused softmax cross-entropy reduces: per example, summed, or averaged over the batch. */
export type CEReduction = 'none' | 'sum' | 'mean';

/**
 * The fused softmax cross-entropy with probability labels, reducing like the hand-written form.
 * TF keeps an outer reduce_mean itself, so it is only asked for 'none' and 'sum'.
 */
export function fusedSoftmaxCE(ctx: RuleContext, fw: Framework, labels: string, logits: string, reduction: CEReduction, axis?: number, imports?: TextEdit[]): string | undefined {
  if (fw === 'tensorflow') {
    const axisArg = axis !== undefined && axis !== -1 ? `, axis=${axis}` : '';
    const op = `${spell(ctx, 'tensorflow.nn.softmax_cross_entropy_with_logits', imports)}(labels=${labels}, logits=${logits}${axisArg})`;
    if (reduction === 'none') return op;
    if (reduction === 'sum') return `${spell(ctx, 'tensorflow.reduce_sum', imports)}(${op})`;
    return undefined;
  }
  if (fw === 'torch') {
    const red = reduction === 'mean' ? '' : `, reduction='${reduction}'`;
    return `${spell(ctx, 'torch.nn.functional.cross_entropy', imports)}(${logits}, ${labels}${red})`;
  }
  return undefined;
}

/** The name of the fused softmax cross-entropy of a framework, as this file spells it (for titles and messages). */
export function fusedSoftmaxName(ctx: RuleContext, fw: Framework): string {
  return fw === 'torch' ? spell(ctx, 'torch.nn.functional.cross_entropy') : spell(ctx, 'tensorflow.nn.softmax_cross_entropy_with_logits');
}

/** A loss expression for a fix: its text, a name for titles, and whether it is an operator expression (not a call). */
export interface LossText {
  text: string;
  name: string;
  compound: boolean;
}

/** Where the fused op goes and how it must reduce to give the same values as the hand-written sum. */
export interface Plan {
  coreIdx: number;
  reduction: CEReduction;
  axis: number;
}

/**
 * The first reduction around the product must be a sum over the class axis (per example) or
 * over everything; PyTorch also takes a following batch mean into F.cross_entropy's default.
 */
export function planFused(ctx: RuleContext, steps: Step[], fw: Framework | undefined, classAxis: Axis, logits: Node): Plan | undefined {
  if (fw !== 'tensorflow' && fw !== 'torch') return undefined;
  const next = (from: number) => {
    let i = from;
    while (i < steps.length && steps[i].kind !== 'reduce' && steps[i].kind !== 'eval') i++;
    return i;
  };
  const i = next(0);
  const r1 = steps[i]?.reduce;
  if (!r1 || r1.op !== 'sum' || r1.keepdims || typeof classAxis !== 'number') return undefined;
  let rank: number | undefined;
  if (r1.axis !== classAxis || (fw === 'torch' && classAxis !== 1)) rank = ctx.evaluate(logits)?.rank;
  if (fw === 'torch' && !sameAxis(classAxis, 1, rank)) return undefined;
  let plan: Plan;
  if (r1.axis === null) plan = { coreIdx: i, reduction: 'sum', axis: classAxis };
  else if (sameAxis(r1.axis, classAxis, rank)) plan = { coreIdx: i, reduction: 'none', axis: classAxis };
  else return undefined;
  const j = next(i + 1);
  const r2 = steps[j]?.reduce;
  if (fw === 'torch' && plan.reduction === 'none' && r2 && r2.op === 'mean' && r2.axis === null && !r2.keepdims) plan = { ...plan, coreIdx: j, reduction: 'mean' };
  while (steps[plan.coreIdx + 1] && ['paren', 'neg', 'plus'].includes(steps[plan.coreIdx + 1].kind)) plan.coreIdx++;
  return plan;
}

/** The fused elementwise sigmoid cross-entropy -(p log q + (1 - p) log(1 - q)) with q = sigmoid(logits). */
export function fusedSigmoidCE(ctx: RuleContext, fw: Framework, labels: Node, logits: Node, imports?: TextEdit[]): LossText {
  const y = textOf(ctx, labels);
  const z = textOf(ctx, logits);
  const call = (qual: string, args: string): LossText => {
    const name = spell(ctx, qual, imports);
    return { text: `${name}(${args})`, name, compound: false };
  };
  switch (fw) {
    case 'tensorflow': return call('tensorflow.nn.sigmoid_cross_entropy_with_logits', `labels=${y}, logits=${z}`);
    case 'torch': return call('torch.nn.functional.binary_cross_entropy_with_logits', `${z}, ${y}, reduction='none'`);
    case 'jax': return call('optax.sigmoid_binary_cross_entropy', `${z}, ${y}`);
    case 'numpy': {
      // log(1 + e^z) - p z, written with logaddexp so that it never overflows.
      const name = spell(ctx, 'numpy.logaddexp', imports);
      return { text: `${name}(0, ${z}) - ${atom(ctx, labels)} * ${atom(ctx, logits)}`, name: `${name}(0, z) - p * z`, compound: true };
    }
  }
}

/** log_softmax versions of the softmax functions (same parameters, same defaults). */
const LOG_SOFTMAX: Record<string, string> = {
  'tensorflow.nn.softmax': 'tensorflow.nn.log_softmax',
  'tensorflow.math.softmax': 'tensorflow.math.log_softmax',
  'tensorflow.softmax': 'tensorflow.nn.log_softmax',
  'torch.softmax': 'torch.log_softmax',
  'torch.nn.functional.softmax': 'torch.nn.functional.log_softmax',
  'torch.special.softmax': 'torch.special.log_softmax',
  'jax.nn.softmax': 'jax.nn.log_softmax',
  'scipy.special.softmax': 'scipy.special.log_softmax',
  'keras.activations.softmax': 'tensorflow.nn.log_softmax',
  'keras.ops.softmax': 'keras.ops.log_softmax',
  'keras.ops.nn.softmax': 'keras.ops.log_softmax',
};

/** log_softmax written with the same function family and arguments as a softmax call, or undefined. */
export function logSoftmaxOf(ctx: RuleContext, act: CallSite, imports?: TextEdit[]): string | undefined {
  const args = act.node.childForFieldName('arguments');
  if (!args) return undefined;
  if (act.kind === 'method') return act.receiver ? `${textOf(ctx, act.receiver)}.log_softmax${textOf(ctx, args)}` : undefined;
  if (act.kind === 'object') {
    const dim = act.ctor?.args.get('dim');
    const x = act.args.get('input');
    return dim && x ? `${spell(ctx, 'torch.nn.functional.log_softmax', imports)}(${textOf(ctx, x)}, dim=${textOf(ctx, dim)})` : undefined;
  }
  const q = LOG_SOFTMAX[act.qualname];
  return q ? spell(ctx, q, imports) + textOf(ctx, args) : undefined;
}

/** log_softmax of raw logits in a framework (classes on the last axis). */
export function logSoftmaxOfLogits(ctx: RuleContext, fw: Framework | undefined, logits: Node, method: boolean, imports?: TextEdit[]): string | undefined {
  const z = textOf(ctx, logits);
  if (method) return `${atom(ctx, logits)}.log_softmax(dim=-1)`;
  switch (fw) {
    case 'tensorflow': return `${spell(ctx, 'tensorflow.nn.log_softmax', imports)}(${z})`;
    case 'torch': return `${spell(ctx, 'torch.nn.functional.log_softmax', imports)}(${z}, dim=-1)`;
    case 'jax': return `${spell(ctx, 'jax.nn.log_softmax', imports)}(${z})`;
    case 'numpy': return `${spell(ctx, 'scipy.special.log_softmax', imports)}(${z}, axis=-1)`;
    default: return undefined;
  }
}

/** Where an operator expression needs parentheses to stay one operand. */
const TIGHT = new Set(['binary_operator', 'unary_operator', 'attribute', 'subscript', 'comparison_operator', 'boolean_operator', 'not_operator', 'await']);

/**
 * Edits that put `loss` (a positive loss) in place of `core` and delete the unary minus signs
 * above it (`outerNegations`), so that the statement still computes the loss. `positive` says
 * whether the expression as written equals +loss (an odd number of minus signs around log);
 * otherwise the replacement is negated to keep the author's sign. `compound` marks an operator
 * expression (parenthesised where the surrounding syntax needs it).
 */
export function replaceWithLoss(core: Node, loss: string, outerNegations: Node[], positive: boolean, compound = false): TextEdit[] {
  const edits: TextEdit[] = outerNegations.map((n) => ({ start: n.startIndex, end: n.childForFieldName('argument')!.startIndex, newText: '' }));
  let text = positive ? loss : `-${compound ? `(${loss})` : loss}`;
  if ((compound || !positive) && core.parent && TIGHT.has(core.parent.type)) text = `(${text})`;
  edits.push({ start: core.startIndex, end: core.endIndex, newText: text });
  return edits;
}

/** A one-line excerpt of source text for messages and fix titles. */
export function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
