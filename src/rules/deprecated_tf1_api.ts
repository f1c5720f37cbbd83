import { canonicalName } from '../python/calls/registry';
import type { Node } from '../python/parser';
import { RuleContext } from './context';
import { Draft, Rule, span, textOf } from './rule';
import { CONTRIB_LOSS_PARAMS, LOSS_EXPRESSION_NAMES, TF1_KEYWORD_RENAMES, TF1_NOTES, TF1_RENAMES } from './tf1_renames';
import { Fix, TextEdit } from './types';

/**
 * deprecated-tf1-api (LL108): TF 1 API that TF 2 removed, kept to the loss code: tf.log (and
 * the other math names of LOSS_EXPRESSION_NAMES) and the keywords reduction_indices=,
 * keep_dims=, dim=... inside a loss expression; tf.contrib.losses and the v1-only tf.losses
 * names wherever they occur. General TF 1 to 2 migration (tf.Session, tf.placeholder,
 * tf.logging, tf.summary, tf.train...) is tf_upgrade_v2's job, not a loss linter's: those stay
 * silent. Only names that resolve to TensorFlow count: `tf` imported or used by convention,
 * never a variable of the user's own; code written against tf.compat.v1 is left alone.
 *
 * Candidates are found in the text (a name or keyword can only be reported where it is
 * written), then confirmed on the tree: no walk over every attribute of the file.
 */
export const deprecatedTf1Api: Rule = {
  name: 'deprecated-tf1-api',
  code: 'LL108',
  defaultSeverity: 'information',
  summary: 'TF 1 API removed in TF 2, in loss code (tf.log, reduction_indices=, keep_dims=, tf.contrib.losses, v1-only tf.losses)',
  check(ctx) {
    const out: Draft[] = [];
    const root = ctx.root;
    const seen = new Set<number>();
    for (const m of ctx.text.matchAll(NAME_CANDIDATE)) {
      const at = m.index + m[0].length - m[1].length;
      const n = attributeEndingAt(root.descendantForIndex(at, at + m[1].length));
      if (!n || seen.has(n.id)) continue;
      seen.add(n.id);
      const d = checkName(ctx, n);
      if (d) out.push(d);
    }
    const calls = new Set<number>();
    for (const m of ctx.text.matchAll(KEYWORD_CANDIDATE)) {
      const key = root.descendantForIndex(m.index, m.index + m[1].length);
      const kw = key?.parent;
      if (!key || kw?.type !== 'keyword_argument' || kw.childForFieldName('name')?.id !== key.id) continue;
      const call = kw.parent?.parent;
      if (!call || call.type !== 'call' || calls.has(call.id)) continue;
      calls.add(call.id);
      out.push(...checkKeywords(ctx, call));
    }
    return out.sort((a, b) => a.start - b.start);
  },
};

/** `.log`, `.losses`, ... in the text: the attribute names this rule may report. */
const NAME_CANDIDATE = /\.\s*(losses|log1p|log_sigmoid|log|div)\b/g;
/** Keywords TF 2 renamed, followed by `=` (not `==`). */
const KEYWORD_CANDIDATE = new RegExp(`\\b(${[...new Set(TF1_KEYWORD_RENAMES.map((r) => r.keyword))].join('|')})\\s*=(?!=)`, 'g');

/**
 * The attribute node a matched name ends: `tf.log` for `log`; for `losses`, the chain one
 * level further (`tf.losses.log_loss`, `tf.contrib.losses.log_loss`).
 */
function attributeEndingAt(leaf: Node | null): Node | undefined {
  if (!leaf || leaf.type !== 'identifier') return undefined;
  const attr = leaf.parent;
  if (attr?.type !== 'attribute' || attr.childForFieldName('attribute')?.id !== leaf.id) return undefined;
  if (leaf.text !== 'losses') return attr;
  const outer = attr.parent;
  return outer?.type === 'attribute' && outer.childForFieldName('object')?.id === attr.id ? outer : undefined;
}

const TF = 'tensorflow.';

/** The TF 1 name of an attribute chain relative to `tensorflow.` ('log', 'contrib.losses.log_loss'), or undefined. */
function tfName(ctx: RuleContext, n: Node): string | undefined {
  const q = ctx.qualnameOf(n);
  if (!q || !q.startsWith(TF) || q.startsWith(`${TF}compat.`)) return undefined;
  return q.slice(TF.length);
}

function checkName(ctx: RuleContext, n: Node): Draft | undefined {
  const name = tfName(ctx, n);
  if (!name) return undefined;
  const contrib = /^contrib\.losses\.(\w+)$/.exec(name);
  const replacement = contrib ? `compat.v1.losses.${contrib[1]}` : TF1_RENAMES.get(name);
  if (!replacement) return undefined;
  // tf.losses.* and tf.contrib.losses.* are loss code wherever they stand; tf.log and the
  // other math names only inside a loss expression (tf.log(std) for a policy is not).
  if (LOSS_EXPRESSION_NAMES.has(name) && !inLossExpression(ctx, n, true)) return undefined;

  const base = tfModuleNode(ctx, n);
  const alias = base ? textOf(ctx, base) : 'tf';
  const written = textOf(ctx, n);
  const target = `${alias}.${replacement}`;
  const edits: TextEdit[] | undefined = base ? [{ ...span(n), newText: target }] : undefined;
  let message: string;
  if (contrib) {
    message =
      `${written} was removed in TF 2 (tf.contrib is gone; deprecated since TF 1.0): use ${target}, ` +
      `whose positional order puts the labels first (the fix names the arguments), or the Keras loss.`;
    const argEdits = contribArgumentEdits(ctx, n, contrib[1]);
    if (edits && argEdits) edits.push(...argEdits);
    else if (edits) edits.length = 0;
  } else if (replacement.startsWith('compat.v1.')) {
    message = `${written} is TF 1 API that TF 2 removed: ${target} keeps it working.`;
  } else {
    message = `${written} was removed in TF 2: use ${target}.`;
  }
  const note = noteFor(name);
  if (note) message += ` (${note}.)`;
  // Safe: the replacement computes the same thing (renames keep TF 1 semantics through compat.v1; contrib arguments are named in contrib's order).
  const fixes: Fix[] = edits && edits.length ? [{ title: `Use ${target}`, edits, preferred: true, applicability: 'safe' }] : [];
  return { ...span(n), message, related: [], fixes };
}

/** Keyword arguments TF 2 renamed, on calls of TensorFlow functions. */
function checkKeywords(ctx: RuleContext, call: Node): Draft[] {
  const fn = call.childForFieldName('function');
  const name = fn ? tfName(ctx, fn) : undefined;
  if (!name || !inLossExpression(ctx, call, false)) return [];
  const canon = canonicalName(`${TF}${name}`).slice(TF.length);
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const given = new Set(args.filter((a) => a?.type === 'keyword_argument').map((a) => a!.childForFieldName('name')?.text));
  const out: Draft[] = [];
  for (const a of args) {
    if (a?.type !== 'keyword_argument') continue;
    const key = a.childForFieldName('name');
    if (!key) continue;
    const rule = TF1_KEYWORD_RENAMES.find((r) => r.keyword === key.text && (r.functions === '*' || r.functions.includes(canon)));
    if (!rule) continue;
    const clash = given.has(rule.replacement);
    out.push({
      ...span(key),
      message:
        `${key.text}= was removed in TF 2 (TF 1 deprecated it): ${textOf(ctx, fn!)} takes ${rule.replacement}=` +
        (clash ? `, which this call also passes: drop ${key.text}=.` : '.'),
      related: [],
      fixes: clash ? [] : [{ title: `Rename ${key.text}= to ${rule.replacement}=`, edits: [{ ...span(key), newText: rule.replacement }], preferred: true, applicability: 'safe' }],
    });
  }
  return out;
}

/** The node of an attribute chain that is the TensorFlow module itself (`tf` in tf.nn.softmax). */
function tfModuleNode(ctx: RuleContext, n: Node): Node | undefined {
  for (let cur = n.childForFieldName('object'); cur; cur = cur.type === 'attribute' ? cur.childForFieldName('object') : null) {
    if (ctx.qualnameOf(cur) === 'tensorflow') return cur;
    if (cur.type !== 'attribute') break;
  }
  return undefined;
}

/**
 * tf.contrib.losses.X(a, b, ...) took (logits/predictions, labels, ...); tf.compat.v1.losses.X
 * takes the labels first. Naming every positional argument keeps the meaning. Undefined when
 * the arguments cannot be named (*args, too many, an unknown function).
 */
function contribArgumentEdits(ctx: RuleContext, n: Node, fnName: string): TextEdit[] | undefined {
  const call = n.parent;
  if (!call || call.type !== 'call' || call.childForFieldName('function')?.id !== n.id) return [];
  const params = CONTRIB_LOSS_PARAMS[fnName];
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  if (positional.length === 0) return [];
  if (!params || positional.length > params.length || positional.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return undefined;
  return positional.map((a, i) => ({ ...span(a), newText: `${params[i]}=${textOf(ctx, a)}` }));
}

function noteFor(name: string): string | undefined {
  for (const [key, note] of TF1_NOTES) {
    if (key.endsWith('.') ? name.startsWith(key) : name === key) return note;
  }
  return undefined;
}

/** Names (of assignment targets, of the enclosing function) that say a statement is a loss. */
const LOSS_NAME = /loss|cost|xent|entropy|nll|likelihood|objective|divergence|(^|_)kld?($|_)/i;
const LOG_CALL = /(^|\.)(log|log1p|log_softmax|log_sigmoid|softplus|xlogy)$/;
const REDUCE_CALL = /(^|\.)(reduce_sum|reduce_mean|reduce_logsumexp|sum|mean)$/;
const LOSS_CALL = /cross_?entropy|crossentropy|(^|\.)losses\.|log_loss|nll|kl_div|kullback/i;

/** The statement a node belongs to (an assignment, a return, an expression statement). */
function statementOf(n: Node): Node {
  let cur: Node = n;
  for (let p = n.parent; p; cur = p, p = p.parent) {
    if (p.type === 'expression_statement' || p.type === 'return_statement') return p;
    if (p.type === 'block' || p.type === 'module' || p.type === 'lambda') return cur;
  }
  return cur;
}

function enclosingFunctionName(n: Node): string | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p.childForFieldName('name')?.text;
  return undefined;
}

/**
 * Whether a node stands in a loss expression: its statement assigns a loss-named target or
 * sits in a loss-named function, calls a cross-entropy or loss function, or takes a log and
 * reduces it (a hand-written loss). `selfIsLog`: the node is itself the log (tf.log).
 */
function inLossExpression(ctx: RuleContext, n: Node, selfIsLog: boolean): boolean {
  const stmt = statementOf(n);
  const assign = stmt.type === 'expression_statement' ? stmt.namedChildren.find((c) => c?.type === 'assignment' || c?.type === 'augmented_assignment') : undefined;
  const target = assign?.childForFieldName('left');
  if (target && LOSS_NAME.test(textOf(ctx, target))) return true;
  const fnName = enclosingFunctionName(n);
  if (fnName && LOSS_NAME.test(fnName)) return true;
  let log = selfIsLog;
  let reduce = false;
  const calls = stmt.type === 'call' ? [stmt, ...stmt.descendantsOfType('call')] : stmt.descendantsOfType('call');
  for (const c of calls) {
    const fn = c?.childForFieldName('function');
    if (!fn) continue;
    const q = ctx.qualnameOf(fn) ?? (fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined);
    if (!q) continue;
    if (LOSS_CALL.test(q)) return true;
    if (LOG_CALL.test(q)) log = true;
    if (REDUCE_CALL.test(q)) reduce = true;
  }
  return log && reduce;
}
