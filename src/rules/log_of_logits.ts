import * as E from '../core/elementwise';
import { logSoftmax } from '../core/softmax';
import type { Node } from '../python/parser';
import { RuleContext } from './context';
import { show, smallValue } from './explain_ce';
import { frameworkFor, fusedSoftmaxName, planFused, fusedSoftmaxCE, logSoftmaxOfLogits, replaceWithLoss, short } from './fix_text';
import { LogCall, climb, clipInput, enclosingProduct, isEpsilon, logCall, probabilitySource, unparen } from './patterns';
import { Draft, Rule, span, textOf } from './rule';
import { Explanation, Fix, TextEdit } from './types';

/**
 * log-of-logits (LL105): log applied to raw scores, a value that never went through softmax or
 * sigmoid and is either named as logits or computed by a linear layer (matmul, matmul + bias,
 * Dense, nn.Linear). Raw scores are unbounded: log of a negative score is NaN, and even where it
 * is defined the result is not a log-probability, so the loss is meaningless.
 */
export const logOfLogits: Rule = {
  name: 'log-of-logits',
  code: 'LL105',
  defaultSeverity: 'warning',
  summary: 'log applied to raw logits (never passed through softmax or sigmoid)',
  check(ctx) {
    const out: Draft[] = [];
    for (const site of ctx.callsWithRole('log')) {
      const log = logCall(ctx, site.node);
      if (!log || probabilitySource(ctx, log.arg)) continue;
      const logits = withoutEpsilon(ctx, log.arg);
      const ev = evidence(ctx, logits);
      if (ev) out.push(finding(ctx, log, logits, ev));
    }
    return out;
  },
};

interface Evidence {
  /** Why these are logits, for the message. */
  because: string;
  /** The linear layer that computed them, when known. */
  layer?: Node;
}

const LOGIT_NAME = /logit/i;
const NOT_LOGITS = /prob|softmax|sigmoid|normali[sz]ed/i;
/** Functions whose output is positive or already a probability: their log is fine. */
const POSITIVE = /\.(exp|softplus|abs|square|sqrt|one_hot)$/;

function withoutEpsilon(ctx: RuleContext, n: Node): Node {
  const u = unparen(n);
  if (u.type === 'binary_operator' && u.childForFieldName('operator')?.text === '+') {
    const l = u.childForFieldName('left');
    const r = u.childForFieldName('right');
    if (l && r && isEpsilon(ctx, r)) return unparen(l);
    if (l && r && isEpsilon(ctx, l)) return unparen(r);
  }
  return u;
}

function evidence(ctx: RuleContext, arg: Node): Evidence | undefined {
  const chain = ctx.trace(arg);
  const def = unparen(chain[chain.length - 1]);
  if (def.type === 'call') {
    const site = ctx.site(def);
    const roles = site?.roles ?? [];
    if (['softmax', 'sigmoid', 'log_softmax', 'log_sigmoid', 'clip', 'one_hot'].some((r) => roles.includes(r))) return undefined;
    if (site && POSITIVE.test(site.qualname)) return undefined;
    if (clipInput(ctx, def)) return undefined;
    if (roles.includes('constructor')) return literalProbabilities(ctx, def) ? undefined : named(chain);
  }
  if (def.type === 'list' || def.type === 'integer' || def.type === 'float') return literalProbabilities(ctx, def) ? undefined : named(chain);
  const layer = linearLayer(ctx, def, 2);
  if (layer) return { because: `${nameIn(chain) ?? short(textOf(ctx, arg))} is the output of a linear layer (${short(textOf(ctx, layer))})`, layer };
  return named(chain);
}

/** A literal whose values are all in [0, 1]: probabilities, whatever the name says. */
function literalProbabilities(ctx: RuleContext, def: Node): boolean {
  const t = smallValue(ctx, def);
  return !!t && Array.from(t.data).every((v) => v >= 0 && v <= 1);
}

function nameIn(chain: Node[]): string | undefined {
  for (const n of chain) {
    const id = n.type === 'attribute' ? n.childForFieldName('attribute') : n.type === 'identifier' ? n : null;
    if (id) return `'${n.text}'`;
  }
  return undefined;
}

function named(chain: Node[]): Evidence | undefined {
  for (const n of chain) {
    const id = n.type === 'attribute' ? n.childForFieldName('attribute') : n.type === 'identifier' ? n : null;
    if (id && LOGIT_NAME.test(id.text) && !NOT_LOGITS.test(id.text)) {
      return { because: `the name '${n.text}' says it holds logits, and it is never passed through softmax or sigmoid` };
    }
  }
  return undefined;
}

const LINEAR_FN = /\.(matmul|mm|bmm|dot|einsum|linear|xw_plus_b|layers\.dense)$/;
const LINEAR_MODULE = /\.(Linear|Dense)$/;
const ADD_FN = /\.(add|bias_add)$/;

/** The linear layer (matmul, matmul + bias, Dense, nn.Linear) that computes `n`, if it is one. */
function linearLayer(ctx: RuleContext, n: Node, depth: number): Node | undefined {
  const u = unparen(n);
  if (u.type === 'binary_operator') {
    const op = u.childForFieldName('operator')?.text;
    if (op === '@') return u;
    if ((op === '+' || op === '-') && depth > 0) {
      for (const side of [u.childForFieldName('left'), u.childForFieldName('right')]) {
        if (side && linearLayer(ctx, ctx.definition(side), depth - 1)) return u;
      }
    }
    return undefined;
  }
  if (u.type !== 'call') return undefined;
  const fn = u.childForFieldName('function');
  if (!fn) return undefined;
  const q = ctx.qualnameOf(fn);
  if (q && LINEAR_FN.test(q)) return u;
  if (q && ADD_FN.test(q) && depth > 0) {
    const args = u.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.some((a) => a && a.type !== 'keyword_argument' && linearLayer(ctx, ctx.definition(a), depth - 1))) return u;
  }
  // A layer object called on its input: nn.Linear(4, 3)(x), Dense(10)(x), fc(x) with fc = nn.Linear(...).
  const ctor = unparen(fn.type === 'identifier' ? ctx.definition(fn) : fn);
  const cq = ctor.type === 'call' ? ctx.qualnameOf(ctor.childForFieldName('function')!) : undefined;
  return cq && LINEAR_MODULE.test(cq) ? u : undefined;
}

function finding(ctx: RuleContext, log: LogCall, logits: Node, ev: Evidence): Draft {
  const fw = frameworkFor(ctx, log.site);
  const fixes: Fix[] = [];
  const product = enclosingProduct(ctx, log.site.node);
  if (product && fw) {
    const steps = climb(ctx, product.node);
    const plan = planFused(ctx, steps, fw, -1, logits);
    const imports: TextEdit[] = [];
    const text = plan ? fusedSoftmaxCE(ctx, fw, textOf(ctx, product.labels), textOf(ctx, logits), plan.reduction, undefined, imports) : undefined;
    if (plan && text) {
      const negs = steps.map((s, i) => (s.kind === 'neg' ? i : -1)).filter((i) => i >= 0);
      const total = product.negations.length + negs.length;
      const outer = negs.filter((i) => i > plan.coreIdx).map((i) => steps[i].node);
      fixes.push({ title: `Use ${fusedSoftmaxName(ctx, fw)} on the logits`, edits: [...replaceWithLoss(steps[plan.coreIdx].node, text, outer, total % 2 === 1), ...imports], preferred: true });
    }
  }
  const imports: TextEdit[] = [];
  const ls = logSoftmaxOfLogits(ctx, fw, logits, log.site.kind === 'method', imports);
  if (ls) fixes.push({ title: 'Use log_softmax on the logits', edits: [{ ...span(log.site.node), newText: ls }, ...imports], preferred: fixes.length === 0 });
  const explanation = ctx.shouldExplain(log.site.node) ? explain(ctx, logits) : undefined;
  return {
    ...span(log.site.node),
    message:
      `log of raw logits: ${ev.because}. Logits are unbounded scores, not probabilities: log of a negative logit is NaN, ` +
      'and elsewhere the result is not a log-probability. Apply log_softmax to the logits (or use the fused cross-entropy on them).',
    related: ev.layer ? [{ ...span(ev.layer), message: 'the linear layer that produces the logits' }] : [],
    fixes,
    ...(explanation ? { explanation } : {}),
  };
}

/** With known logits: log as written (NaN for negative entries) next to log_softmax over the last axis. */
function explain(ctx: RuleContext, logits: Node): Explanation | undefined {
  try {
    const z = smallValue(ctx, logits);
    if (!z || (z.dtype !== 'float32' && z.dtype !== 'float64') || z.rank === 0) return undefined;
    const neg = Array.from(z.data).filter((v) => v < 0).length;
    return {
      asWritten: `log(logits): ${show(E.log(z))}`,
      asMeant: `log_softmax(logits): ${show(logSoftmax(z, -1))}`,
      ...(neg ? { details: [`${neg} of ${z.size} logits are negative: their log is NaN.`] } : {}),
    };
  } catch {
    return undefined;
  }
}
