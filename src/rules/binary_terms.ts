import type { Node } from '../python/parser';
import { RuleContext } from './context';
import { LogCall, LogProduct, ProbabilitySource, isNegation, logCall, logProduct, numberLiteral, probabilitySource, statementOf, stripSign, unparen } from './patterns';
import { textOf } from './rule';

/**
 * The two terms of a binary cross-entropy, p * log(q) and (1 - p) * log(1 - q) with q = sigmoid(z):
 * whether a positive term has its negative partner (manual-cross-entropy's binary form) or not
 * (partial-binary-cross-entropy).
 */

/**
 * The binary cross-entropy `p * log(q) + (1 - p) * log(1 - q)` (any signs, either term first) that
 * a positive term `p * log(q)` belongs to. 'full': the same labels and the same sigmoid in both
 * terms and the same sign on both; `odd` says whether the sum node carries an odd number of minus
 * signs (counting those inside the terms), i.e. computes +BCE. 'other': the positive term is
 * added to something with a log(1 - q) term that does not match. undefined: no such sum.
 */
export type BinaryForm = { kind: 'full'; node: Node; odd: boolean } | { kind: 'other' } | undefined;

export function binaryForm(ctx: RuleContext, pos: LogProduct, src: ProbabilitySource): BinaryForm {
  let cur = pos.node;
  let negs = pos.negations.length;
  for (let p = cur.parent; p && (p.type === 'parenthesized_expression' || p.type === 'unary_operator'); p = cur.parent) {
    if (isNegation(p)) negs++;
    cur = p;
  }
  const sum = cur.parent;
  const op = sum?.childForFieldName('operator')?.text;
  if (!sum || sum.type !== 'binary_operator' || (op !== '+' && op !== '-')) return undefined;
  const right = sum.childForFieldName('right');
  const left = sum.childForFieldName('left');
  if (!right || !left) return undefined;
  const isRight = right.id === cur.id;
  const other = stripSign(isRight ? left : right);
  const neg = logProduct(ctx, other.inner);
  const negSrc = neg ? probabilitySource(ctx, neg.log.arg) : undefined;
  if (!neg || !negSrc || !negSrc.complement) return undefined;
  const sameQ = negSrc.act.node.id === src.act.node.id || normal(textOf(ctx, negSrc.input)) === normal(textOf(ctx, src.input));
  const negLabels = stripSign(neg.labels).inner;
  const l = negLabels.type === 'binary_operator' && negLabels.childForFieldName('operator')?.text === '-' ? negLabels : undefined;
  const lr = l?.childForFieldName('right');
  const sameP = !!l && numberLiteral(l.childForFieldName('left')!) === 1 && !!lr && normal(textOf(ctx, unparen(lr))) === normal(textOf(ctx, pos.labels));
  if (!sameQ || !sameP) return { kind: 'other' };
  const sPos = (negs + (op === '-' && isRight ? 1 : 0)) % 2;
  const sNeg = (other.negations.length + neg.negations.length + (op === '-' && !isRight ? 1 : 0)) % 2;
  return sPos === sNeg ? { kind: 'full', node: sum, odd: sPos === 1 } : { kind: 'other' };
}

/**
 * Whether the negative term log(1 - q) of the same sigmoid is there: in the statement containing
 * `n`, or, when that statement assigns a name, added to it in the next statements (pos = ...;
 * neg = ...; loss = pos + neg).
 */
export function hasNegativeTerm(ctx: RuleContext, n: Node, src: ProbabilitySource): boolean {
  const expr = statementOf(n);
  if (negativeTermIn(ctx, expr, src)) return true;
  const left = expr.type === 'assignment' ? expr.childForFieldName('left') : undefined;
  if (left?.type !== 'identifier') return false;
  for (const id of laterIdentifiers(expr.parent, left.text)) {
    if (ctx.binding(id)?.stmt.id !== expr.parent?.id) continue;
    let cur = id;
    while (cur.parent && (cur.parent.type === 'parenthesized_expression' || cur.parent.type === 'unary_operator')) cur = cur.parent;
    const sum = cur.parent;
    const op = sum?.type === 'binary_operator' ? sum.childForFieldName('operator')?.text : undefined;
    if (!sum || (op !== '+' && op !== '-')) continue;
    const other = sum.childForFieldName('left')?.id === cur.id ? sum.childForFieldName('right') : sum.childForFieldName('left');
    if (other && negativeTermIn(ctx, ctx.definition(other), src)) return true;
  }
  return false;
}

/** How many following statements may combine a term assigned to a name with its partner. */
const LOOKAHEAD = 20;

/** Uses of a name in the statements right after `stmt` in the same block (where pos + neg is written). */
function laterIdentifiers(stmt: Node | null, name: string): Node[] {
  const out: Node[] = [];
  let next = stmt?.nextNamedSibling ?? null;
  for (let k = 0; next && k < LOOKAHEAD; k++, next = next.nextNamedSibling) {
    for (const id of next.descendantsOfType('identifier')) if (id && id.text === name) out.push(id);
  }
  return out;
}

function negativeTermIn(ctx: RuleContext, root: Node, src: ProbabilitySource): boolean {
  for (const c of root.descendantsOfType('call')) {
    if (!c) continue;
    const plain = logCall(ctx, c);
    const lc = plain ?? log1pCall(ctx, c);
    const s = lc ? probabilitySource(ctx, lc.arg) : undefined;
    // log(1 - q), or log1p(-q) whose argument q is not complemented.
    if (s && s.complement === !!plain && (s.act.node.id === src.act.node.id || normal(textOf(ctx, s.input)) === normal(textOf(ctx, src.input)))) return true;
    if (isLogSigmoidOfNegated(ctx, c, src)) return true;
  }
  return false;
}

/** log_sigmoid(-z) (F.logsigmoid, tf.math.log_sigmoid, jax.nn.log_sigmoid): log(1 - sigmoid(z)) written stably. */
function isLogSigmoidOfNegated(ctx: RuleContext, c: Node, src: ProbabilitySource): boolean {
  const site = ctx.site(c);
  if (!site?.roles.includes('log_sigmoid')) return false;
  const arg = site.kind === 'method' ? site.receiver : site.args.get('x') ?? site.args.get('input') ?? site.positional[0];
  if (!arg) return false;
  const { inner, negations } = stripSign(arg);
  return negations.length % 2 === 1 && normal(textOf(ctx, inner)) === normal(textOf(ctx, src.input));
}

/** log1p(-q): the other way to write log(1 - q). */
function log1pCall(ctx: RuleContext, c: Node): (LogCall & { log1p: true }) | undefined {
  const site = ctx.site(c);
  if (!site || !site.qualname.endsWith('log1p')) return undefined;
  const arg = site.kind === 'method' ? site.receiver : site.args.get('x') ?? site.args.get('input') ?? site.positional[0];
  if (!arg) return undefined;
  const { inner, negations } = stripSign(arg);
  return negations.length % 2 ? { site, arg: inner, log1p: true } : undefined;
}

function normal(s: string): string {
  return s.replace(/\s+/g, '');
}
