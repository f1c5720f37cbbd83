import { canonicalName } from '../python/calls/registry';
import type { Node } from '../python/parser';
import { RuleContext } from './context';
import { Draft, Rule, span, textOf } from './rule';
import { CONTRIB_LOSS_PARAMS, TF1_KEYWORD_RENAMES, TF1_NOTES, TF1_RENAMES } from './tf1_renames';
import { Fix, TextEdit } from './types';

/**
 * deprecated-tf1-api (LL108): TF 1 names and keywords that TF 2 removed (tf.log,
 * reduction_indices=, keep_dims=, tf.placeholder, tf.Session, tf.contrib.losses...), with the
 * replacement TensorFlow's own tf_upgrade_v2 applies (tables in tf1_renames.ts). Only names that
 * resolve to TensorFlow count: `tf` imported or used by convention, never a variable of the
 * user's own; code already written against tf.compat.v1 is left alone.
 */
export const deprecatedTf1Api: Rule = {
  name: 'deprecated-tf1-api',
  code: 'LL108',
  defaultSeverity: 'information',
  summary: 'TF 1 API removed in TF 2 (tf.log, reduction_indices=, tf.placeholder, tf.Session, tf.contrib.losses...)',
  check(ctx) {
    const out: Draft[] = [];
    for (const n of ctx.root.descendantsOfType('attribute')) {
      if (!n) continue;
      const d = checkName(ctx, n);
      if (d) out.push(d);
    }
    for (const call of ctx.callNodes()) {
      if (call) out.push(...checkKeywords(ctx, call));
    }
    return out;
  },
};

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
  if (!name) return [];
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
