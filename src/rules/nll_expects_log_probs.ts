import { kindText } from '../analysis/value';
import { lossUses } from './loss_args';
import { describeOrigin, isDirect, originInFile, relatedOf, renameCallee } from './provenance';
import { sinkFindings } from './call_sinks';
import { Draft, Rule, span, textOf } from './rule';
import { Fix } from './types';

/**
 * nll-expects-log-probs (LL109): NLLLoss / F.nll_loss take log-probabilities (the output of
 * log_softmax) and compute -input[i, y_i]. Given softmax probabilities the "loss" is -p_y, in
 * [-1, 0]: it is minimised by pushing p_y to 1 but its gradient is not the cross-entropy's, and it
 * never reports a positive loss. Given raw logits it is -z_y: unbounded below, training diverges.
 */
export const nllExpectsLogProbs: Rule = {
  name: 'nll-expects-log-probs',
  code: 'LL109',
  defaultSeverity: 'warning',
  summary: 'probabilities or raw logits passed to NLLLoss / F.nll_loss, which expects log_softmax output',
  check(ctx) {
    const out: Draft[] = [];
    for (const use of lossUses(ctx)) {
      if (use.family !== 'nll') continue;
      const v = ctx.value(use.pred);
      if (!v.kind || v.incomplete || v.prov.length === 0) continue;
      if (v.kind !== 'probs' && v.kind !== 'logits' && v.kind !== 'sigmoidProbs') continue;
      const fixes: Fix[] = [];
      const origin = originInFile(ctx, v);
      if (v.kind === 'probs' && origin) {
        const edit = renameCallee(origin.node, /^softmax$/, 'log_softmax') ?? renameCallee(origin.node, /^Softmax$/, 'LogSoftmax');
        if (edit) fixes.push({ title: `Use ${edit.newText} instead of softmax (log-probabilities, computed stably)`, edits: [edit], preferred: true, applicability: isDirect(use.pred, v) ? 'safe' : 'unsafe' });
      }
      if (v.kind === 'logits' && use.site.kind === 'function') {
        const edit = renameCallee(use.site.node, /^nll_loss$/, 'cross_entropy');
        if (edit) fixes.push({ title: 'Use F.cross_entropy (log_softmax and NLL in one stable op)', edits: [edit], preferred: true, applicability: 'safe' });
      }
      const why = v.kind === 'logits'
        ? 'NLL of raw scores is -z[y]: unbounded below, so the loss goes to -inf and training diverges. Apply log_softmax first, or use cross_entropy on the logits.'
        : 'NLL of probabilities is -p[y], in [-1, 0]: not the cross-entropy, with a gradient that vanishes as p[y] falls. Use log_softmax instead of softmax.';
      out.push({
        ...span(use.pred),
        message: `${short(textOf(ctx, use.pred))} holds ${kindText(v.kind)} from ${describeOrigin(ctx, v)}, but ${use.site.display} expects log-probabilities (log_softmax output). ${why}`,
        related: relatedOf(ctx, v, v.kind === 'logits' ? 'the raw scores come from here' : `the ${v.kind === 'probs' ? 'softmax' : 'sigmoid'} applied here`),
        fixes,
      });
    }
    out.push(...sinkFindings(ctx, 'nll-expects-log-probs'));
    return out;
  },
};

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
