import { kindText } from '../analysis/value';
import type { Node } from '../python/parser';
import { CallSite, RuleContext } from './context';
import { describeOrigin, isDirect, originInFile, relatedOf, renameCallee } from './provenance';
import { Draft, Rule, span, textOf } from './rule';
import { Fix, TextEdit } from './types';

const KL_FUNCTIONS = new Set(['torch.nn.functional.kl_div', 'torch.kl_div']);
const KL_CLASS = 'torch.nn.KLDivLoss';

/**
 * kl-div (LL112): PyTorch's KL divergence, F.kl_div(input, target) / nn.KLDivLoss, computes
 * sum(target * (log target - input)): `input` must be log-probabilities. Two mistakes are common:
 *  - probabilities as input (softmax where log_softmax is meant): the "KL" is then
 *    sum(q log q) - sum(q p), which is neither a divergence nor non-negative;
 *  - reduction='mean' (the default), which divides the summed KL by batch x classes instead of
 *    the batch: the value is KL / C and its gradient C times too small. 'batchmean' is the
 *    mathematical KL (PyTorch's own docs and runtime warning say so).
 * Both are reported only when the analysis knows: the input's kind from its producer, the
 * reduction from a literal or its absence (never when size_average/reduce or **kwargs are given),
 * and only when the input or target comes from a softmax / log_softmax (a class axis exists).
 */
export const klDiv: Rule = {
  name: 'kl-div',
  code: 'LL112',
  defaultSeverity: 'warning',
  summary: "KLDivLoss / F.kl_div given probabilities where it expects log-probabilities, or with reduction='mean' where 'batchmean' is the KL",
  check(ctx) {
    const out: Draft[] = [];
    for (const site of ctx.calls()) {
      const isFn = site.kind === 'function' && KL_FUNCTIONS.has(site.qualname);
      const isObj = site.kind === 'object' && site.qualname === KL_CLASS;
      if (isFn || isObj) {
        const input = site.args.get('input');
        if (input) out.push(...inputFinding(ctx, site, input));
      }
      // The reduction is configured where the loss is made: the F.kl_div call or the KLDivLoss(...) construction.
      if (isFn || (site.kind === 'class' && site.qualname === KL_CLASS)) {
        const d = overClasses(ctx, site) ? meanReduction(ctx, site) : undefined;
        if (d) out.push(d);
      }
    }
    return out;
  },
};

/** Softmax probabilities reaching the input of a KL divergence. */
function inputFinding(ctx: RuleContext, site: CallSite, input: Node): Draft[] {
  const v = ctx.value(input);
  if (v.kind !== 'probs' || v.incomplete || v.sliced || v.prov.length === 0) return [];
  const fixes: Fix[] = [];
  const origin = originInFile(ctx, v);
  if (origin) {
    const edit = renameCallee(origin.node, /^softmax$/, 'log_softmax') ?? renameCallee(origin.node, /^Softmax$/, 'LogSoftmax');
    if (edit) fixes.push({ title: `Use ${edit.newText} instead of softmax (the input of a KL divergence is log-probabilities)`, edits: [edit], preferred: true, applicability: isDirect(input, v) ? 'safe' : 'unsafe' });
  }
  return [{
    ...span(input),
    message: `${short(textOf(ctx, input))} holds ${kindText(v.kind)} from ${describeOrigin(ctx, v)}, but ${site.display} expects log-probabilities as its input (it computes target * (log target - input)). With probabilities the result is not a divergence and can be negative. Use log_softmax instead of softmax.`,
    related: relatedOf(ctx, v, 'the softmax applied here'),
    fixes,
  }];
}

/**
 * Whether the KL is known to run over a class axis: its input or target (at the F.kl_div call, or
 * at a call of the KLDivLoss object this constructor makes) comes from a softmax / log_softmax.
 * Without that the input may be one score per example (1-D), where 'mean' and 'batchmean' agree.
 */
function overClasses(ctx: RuleContext, site: CallSite): boolean {
  const uses = site.kind === 'class' ? ctx.calls().filter((c) => c.kind === 'object' && c.ctor?.node.id === site.node.id) : [site];
  return uses.some((u) => ['input', 'target'].some((p) => {
    const n = u.args.get(p);
    if (!n) return false;
    const v = ctx.value(n);
    return (v.kind === 'probs' || v.kind === 'logProbs') && !v.incomplete && !v.sliced;
  }));
}

/** reduction='mean' (given or by default) on F.kl_div / nn.KLDivLoss, with a fix to 'batchmean'. */
function meanReduction(ctx: RuleContext, site: CallSite): Draft | undefined {
  const args = site.node.childForFieldName('arguments');
  if (!args || args.namedChildren.some((c) => !!c && (c.type === 'dictionary_splat' || c.type === 'list_splat'))) return undefined;
  // The deprecated size_average / reduce flags override reduction: their meaning is another question.
  if (site.args.has('size_average') || site.args.has('reduce')) return undefined;
  const red = site.args.get('reduction');
  let edit: TextEdit | undefined;
  if (red) {
    const d = ctx.definition(red);
    if (stringValue(d) !== 'mean') return undefined;
    // Rewrite the literal only when it is written in the call; a named constant may serve other calls.
    if (d.id === red.id) edit = { start: red.startIndex, end: red.endIndex, newText: "'batchmean'" };
  } else {
    const empty = ctx.text.slice(args.startIndex + 1, args.endIndex - 1).trim() === '';
    edit = { start: args.endIndex - 1, end: args.endIndex - 1, newText: empty ? "reduction='batchmean'" : ", reduction='batchmean'" };
  }
  const given = red ? "reduction='mean'" : "the default reduction='mean'";
  return {
    ...span(red ?? site.node),
    message: `${site.display} with ${given} divides the summed KL divergence by batch x classes, not by the batch: the loss is KL / C and its gradient C times too small (PyTorch warns about this at run time). reduction='batchmean' gives the KL divergence per example.`,
    related: [],
    fixes: edit ? [{ title: "Use reduction='batchmean' (the KL divergence; scales the loss by the number of classes)", edits: [edit], preferred: true, applicability: 'unsafe' }] : [],
  };
}

/** The value of a plain string literal ('mean', "mean"), undefined for anything else (f-strings, concatenations). */
function stringValue(n: Node): string | undefined {
  if (n.type !== 'string' || n.namedChildren.some((c) => !!c && c.type === 'interpolation')) return undefined;
  const m = /^[rRuU]?(['"]{1,3})([^'"\\]*)\1$/.exec(n.text);
  return m ? m[2] : undefined;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
