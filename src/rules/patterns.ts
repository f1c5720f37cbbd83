import type { Node } from '../python/parser';
import { CallSite, RuleContext } from './context';
import { activationInput } from './double_softmax';

/**
 * Tree patterns shared by the cross-entropy rules (manual-cross-entropy, partial-binary-cross-
 * entropy, log-of-logits): signs, log calls, y * log(p) products, where a probability comes from,
 * and the linear wrappers (sums, means, negations, .eval) around an expression.
 */

import { unparen } from '../python/syntax';

export { unparen };

/** A unary minus (`-x`). */
export function isNegation(n: Node): boolean {
  return n.type === 'unary_operator' && n.childForFieldName('operator')?.text === '-';
}

/** Parentheses and unary signs removed; `negations` are the unary minus nodes crossed, outermost first. */
export function stripSign(n: Node): { inner: Node; negations: Node[] } {
  const negations: Node[] = [];
  let cur = unparen(n);
  while (cur.type === 'unary_operator') {
    const op = cur.childForFieldName('operator')?.text;
    const arg = cur.childForFieldName('argument');
    if (!arg || (op !== '-' && op !== '+')) break;
    if (op === '-') negations.push(cur);
    cur = unparen(arg);
  }
  return { inner: cur, negations };
}

/** A number literal (possibly signed or parenthesised), or undefined. */
export function numberLiteral(n: Node): number | undefined {
  const { inner, negations } = stripSign(n);
  if (inner.type !== 'integer' && inner.type !== 'float') return undefined;
  const v = Number(inner.text.replace(/_/g, ''));
  if (!Number.isFinite(v)) return undefined;
  return negations.length % 2 ? -v : v;
}

/** A log call (tf.log, tf.math.log, torch.log, np.log, jnp.log, x.log()); log1p is not one. */
export interface LogCall {
  site: CallSite;
  arg: Node;
}

export function logCall(ctx: RuleContext, n: Node): LogCall | undefined {
  const u = unparen(n);
  if (u.type !== 'call') return undefined;
  const site = ctx.site(u);
  if (!site || !site.roles.includes('log') || site.qualname.endsWith('log1p')) return undefined;
  const arg = site.kind === 'method' ? site.receiver : site.args.get('x') ?? site.args.get('input') ?? site.positional[0];
  return arg ? { site, arg } : undefined;
}

/** `y * log(p)` in either order, signs allowed on either factor (`-y * log(p)`, `y * -log(p)`). */
export interface LogProduct {
  node: Node;
  labels: Node;
  log: LogCall;
  /** Unary minus nodes inside the product (on either factor). */
  negations: Node[];
}

const MULTIPLY = new Set(['tensorflow.multiply', 'tensorflow.math.multiply', 'tensorflow.mul']);

export function logProduct(ctx: RuleContext, n: Node): LogProduct | undefined {
  let left: Node | null | undefined;
  let right: Node | null | undefined;
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '*') {
    left = n.childForFieldName('left');
    right = n.childForFieldName('right');
  } else if (n.type === 'call') {
    const site = ctx.site(n);
    if (!site || !MULTIPLY.has(site.qualname)) return undefined;
    [left, right] = [site.args.get('x'), site.args.get('y')];
  }
  if (!left || !right) return undefined;
  const a = stripSign(left);
  const b = stripSign(right);
  const negations = [...a.negations, ...b.negations];
  const lb = logCall(ctx, b.inner);
  if (lb) return { node: n, labels: a.inner, log: lb, negations };
  const la = logCall(ctx, a.inner);
  if (la) return { node: n, labels: b.inner, log: la, negations };
  return undefined;
}

/** The product a log call is a factor of (through parentheses and signs), if any. */
export function enclosingProduct(ctx: RuleContext, logNode: Node): LogProduct | undefined {
  let cur = logNode;
  for (let p = cur.parent; p; p = cur.parent) {
    if (p.type === 'parenthesized_expression' || (p.type === 'unary_operator' && p.childForFieldName('operator')?.text !== '~')) {
      cur = p;
      continue;
    }
    let product: Node | undefined;
    if (p.type === 'binary_operator') product = p;
    else if (p.type === 'argument_list' && p.parent?.type === 'call') product = p.parent;
    const prod = product ? logProduct(ctx, product) : undefined;
    return prod && prod.log.site.node.id === logNode.id ? prod : undefined;
  }
  return undefined;
}

/** Where a probability comes from: a softmax or sigmoid call, reached through names, `+ eps`, clipping and `1 - q`. */
export interface ProbabilitySource {
  act: CallSite;
  activation: 'softmax' | 'sigmoid';
  /** The activation's input (the logits). */
  input: Node;
  /** True for `1 - q`, and for `sigmoid(-z)` (which is `1 - sigmoid(z)`). */
  complement: boolean;
  /** How the author kept the log finite, if they did. */
  guard?: 'eps' | 'clip';
}

const CLIP_METHODS = new Set(['clamp', 'clip', 'clamp_min']);

export function probabilitySource(ctx: RuleContext, n: Node): ProbabilitySource | undefined {
  let cur = n;
  let complement = false;
  let guard: ProbabilitySource['guard'];
  for (let i = 0; i < 12; i++) {
    const d = unparen(ctx.definition(cur));
    if (d.type === 'call') {
      const site = ctx.site(d);
      const activation = site?.roles.includes('softmax') ? 'softmax' : site?.roles.includes('sigmoid') ? 'sigmoid' : undefined;
      if (site && activation) {
        const raw = activationInput(site);
        if (!raw) return undefined;
        // sigmoid(-z) = 1 - sigmoid(z): the complement written on the logits, as in (-z).sigmoid().
        const signed = activation === 'sigmoid' ? stripSign(raw) : undefined;
        if (signed && signed.negations.length % 2 === 1) return { act: site, activation, input: signed.inner, complement: !complement, guard };
        return { act: site, activation, input: raw, complement, guard };
      }
      const clipped = clipInput(ctx, d);
      if (!clipped) return undefined;
      guard = 'clip';
      cur = clipped;
      continue;
    }
    if (d.type === 'binary_operator') {
      const op = d.childForFieldName('operator')?.text;
      const l = d.childForFieldName('left');
      const r = d.childForFieldName('right');
      if (!l || !r) return undefined;
      if (op === '+' && isEpsilon(ctx, r)) {
        [cur, guard] = [l, 'eps'];
        continue;
      }
      if (op === '+' && isEpsilon(ctx, l)) {
        [cur, guard] = [r, 'eps'];
        continue;
      }
      if (op === '-' && numberLiteral(l) === 1) {
        complement = !complement;
        cur = r;
        continue;
      }
    }
    return undefined;
  }
  return undefined;
}

/** The tensor a clip call clips (tf.clip_by_value, torch.clamp, np.clip, x.clamp(...)), if `d` is one. */
export function clipInput(ctx: RuleContext, d: Node): Node | undefined {
  const site = ctx.site(d);
  if (site?.roles.includes('clip')) return site.args.get('t') ?? site.args.get('input') ?? site.args.get('a') ?? site.positional[0];
  const fn = d.childForFieldName('function');
  if (fn?.type === 'attribute' && CLIP_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return fn.childForFieldName('object') ?? undefined;
  return undefined;
}

const EPS_NAME = /eps|tiny|small|delta|fuzz/i;

/** A small constant added to keep a log finite: 1e-8, eps, self.eps, K.epsilon(), np.finfo(float).eps. */
export function isEpsilon(ctx: RuleContext, n: Node): boolean {
  const u = unparen(n);
  const lit = numberLiteral(u);
  if (lit !== undefined) return lit > 0 && lit < 0.01;
  if (u.type === 'identifier') {
    if (EPS_NAME.test(u.text)) return true;
    const d = ctx.definition(u);
    const v = d.id === u.id ? undefined : numberLiteral(d);
    return v !== undefined && v > 0 && v < 0.01;
  }
  if (u.type === 'attribute') return EPS_NAME.test(u.childForFieldName('attribute')?.text ?? '');
  if (u.type === 'call') {
    const fn = u.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    return name === 'epsilon';
  }
  return false;
}

// ---- Reductions and the linear wrappers around an expression ----

/** An axis argument: a number, null for all axes, undefined when not a literal. */
export type Axis = number | null | undefined;

export function axisValue(n: Node | undefined): Axis {
  if (!n) return null;
  const u = unparen(n);
  if (u.type === 'none') return null;
  const lit = numberLiteral(u);
  if (lit !== undefined) return Number.isInteger(lit) ? lit : undefined;
  if (u.type === 'list' || u.type === 'tuple') {
    const items = u.namedChildren.filter((c) => c && c.type !== 'comment');
    return items.length === 1 && items[0] ? axisValue(items[0]) : undefined;
  }
  return undefined;
}

export interface Reduction {
  site: CallSite;
  op: 'sum' | 'mean';
  input: Node;
  axis: Axis;
  keepdims: boolean;
}

/** A sum or mean (tf.reduce_sum, torch.sum, np.mean, x.sum(1), ...) with its input and axis. */
export function reductionOf(site: CallSite): Reduction | undefined {
  const op = site.roles.includes('sum') ? 'sum' : site.roles.includes('mean') ? 'mean' : undefined;
  if (!op) return undefined;
  const input = site.kind === 'method' ? site.receiver : site.args.get('input_tensor') ?? site.args.get('input') ?? site.args.get('a') ?? site.positional[0];
  if (!input) return undefined;
  const axisNode = site.args.get('axis') ?? site.args.get('dim') ?? site.args.get('reduction_indices');
  const keep = site.args.get('keepdims') ?? site.args.get('keepdim') ?? site.args.get('keep_dims');
  return { site, op, input, axis: axisValue(axisNode), keepdims: keep?.text === 'True' };
}

/** One step outwards from an expression through something linear in it. */
export interface Step {
  /** The enclosing node reached. */
  node: Node;
  kind: 'paren' | 'neg' | 'plus' | 'reduce' | 'eval';
  reduce?: Reduction;
}

/**
 * The linear wrappers around `start`, innermost first: parentheses, unary signs, sums and means
 * of it, and `.eval(...)`. The last step's node is the whole expression the value flows into.
 */
export function climb(ctx: RuleContext, start: Node): Step[] {
  const steps: Step[] = [];
  let cur = start;
  for (let p = cur.parent; p && steps.length < 64; p = cur.parent) {
    let step: Step | undefined;
    if (p.type === 'parenthesized_expression') step = { node: p, kind: 'paren' };
    else if (p.type === 'unary_operator') {
      const op = p.childForFieldName('operator')?.text;
      if (op === '-' || op === '+') step = { node: p, kind: op === '-' ? 'neg' : 'plus' };
    } else if (p.type === 'argument_list' || (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === cur.id)) {
      const call = (p.type === 'argument_list' ? p : p.parent)?.parent;
      step = call?.type === 'call' ? reduceStep(ctx, call, cur) : undefined;
    } else if (p.type === 'attribute' && p.childForFieldName('object')?.id === cur.id) {
      const call = p.parent;
      if (call?.type === 'call' && call.childForFieldName('function')?.id === p.id) {
        step = p.childForFieldName('attribute')?.text === 'eval' ? { node: call, kind: 'eval' } : reduceStep(ctx, call, cur);
      }
    }
    if (!step) break;
    steps.push(step);
    cur = step.node;
  }
  return steps;
}

function reduceStep(ctx: RuleContext, call: Node, input: Node): Step | undefined {
  const site = ctx.site(call);
  const red = site ? reductionOf(site) : undefined;
  return red && red.input.id === input.id ? { node: call, kind: 'reduce', reduce: red } : undefined;
}

/** The whole expression at the end of a climb. */
export function topOf(start: Node, steps: Step[]): Node {
  return steps.length ? steps[steps.length - 1].node : start;
}

/** The statement-level expression containing a node (the right-hand side of its assignment, or the expression statement). */
export function statementOf(n: Node): Node {
  let cur = n;
  while (cur.parent && cur.parent.type !== 'expression_statement' && cur.parent.type !== 'module' && cur.parent.type !== 'block') cur = cur.parent;
  return cur;
}

/** The class axis of a softmax call: its axis/dim argument, or the function's default (undefined when implicit). */
export function softmaxAxis(act: CallSite): Axis {
  const node = act.kind === 'object' ? act.ctor?.args.get('dim') : act.args.get('axis') ?? act.args.get('dim');
  if (node) return axisValue(node);
  if (act.kind === 'object' || act.kind === 'method' || act.qualname.startsWith('torch.')) return undefined; // torch: implicit dim (deprecated)
  if (act.qualname.startsWith('scipy.') || act.qualname.startsWith('jax.scipy.')) return null;
  return -1;
}

/** Whether two axes name the same dimension; with an unknown rank, 1 and -1 are taken to agree (rank-2 [batch, classes] inputs). */
export function sameAxis(a: Axis, b: Axis, rank?: number): boolean {
  if (typeof a !== 'number' || typeof b !== 'number') return false;
  if (a === b) return true;
  const r = rank ?? 2;
  return (a < 0 ? a + r : a) === (b < 0 ? b + r : b);
}

// ---- Deliberate reference formulas ----

/** A name that marks a test oracle: reference_fn=, ref_loss, expected, _reference, oracle. */
const REFERENCE_NAME = /(^|_)(ref|reference|expected|oracle)(_|$)/i;

/**
 * Whether `n` sits in a deliberate reference formula: a lambda or function given or bound to a
 * name that says so (`reference_fn=lambda i, t: -(t * i.log() + ...)`, `def ref_bce(...)`,
 * `expected = -(y * np.log(p)).sum()`). Test suites write the textbook formula on purpose to
 * compare a library's fused loss against it; a stability warning there is an alarm on correct code.
 */
export function inReferenceFormula(n: Node): boolean {
  for (let p: Node | null = n; p; p = p.parent) {
    if (p.type === 'function_definition' && REFERENCE_NAME.test(p.childForFieldName('name')?.text ?? '')) return true;
    if (p.type === 'keyword_argument' && REFERENCE_NAME.test(p.childForFieldName('name')?.text ?? '')) return true;
    if (p.type === 'assignment') {
      const left = p.childForFieldName('left');
      const name = left?.type === 'attribute' ? left.childForFieldName('attribute')?.text : left?.type === 'identifier' ? left.text : undefined;
      if (name && REFERENCE_NAME.test(name)) return true;
    }
    if (p.type === 'class_definition' || p.type === 'module') return false;
  }
  return false;
}
