import { kindText } from '../analysis/value';
import { compiledLosses, setFromLogits } from './keras_compile';
import { fromLogitsTrue, lossUses } from './loss_args';
import { describeOrigin, relatedOf, renameCallee } from './provenance';
import { sinkFindings } from './call_sinks';
import { Draft, Rule, span, textOf } from './rule';
import { Fix } from './types';

/**
 * logits-into-probability-loss (LL110): raw scores (a linear layer's output) reach a loss that takes
 * probabilities: nn.BCELoss / F.binary_cross_entropy (which fail on values outside [0, 1] or clamp
 * their log at -100), Keras cross-entropies with from_logits=False (the default, also when given
 * as loss='binary_crossentropy'), which clip the scores into [1e-7, 1 - 1e-7] so every negative
 * score becomes probability 1e-7 and its gradient is zero.
 */
export const logitsIntoProbabilityLoss: Rule = {
  name: 'logits-into-probability-loss',
  code: 'LL110',
  defaultSeverity: 'warning',
  summary: 'raw logits passed to a loss that expects probabilities (BCELoss, Keras from_logits=False)',
  check(ctx) {
    const out: Draft[] = [];
    for (const use of lossUses(ctx)) {
      if (use.family === 'nll' || use.fromLogits !== false) continue;
      const v = ctx.value(use.pred);
      if (v.kind !== 'logits' || v.incomplete || v.prov.length === 0) continue;
      const fixes: Fix[] = [];
      const q = use.site.qualname;
      if (q.startsWith('torch.')) {
        const edit = use.site.kind === 'function'
          ? renameCallee(use.site.node, /^binary_cross_entropy$/, 'binary_cross_entropy_with_logits')
          : use.site.ctor ? renameCallee(use.site.ctor.node, /^BCELoss$/, 'BCEWithLogitsLoss') : undefined;
        if (edit) fixes.push({ title: `Use ${edit.newText} (it applies the sigmoid itself, stably)`, edits: [edit], preferred: true, applicability: use.site.kind === 'function' ? 'safe' : 'unsafe' });
      } else if (use.site.roles.includes('keras-loss')) {
        const edit = fromLogitsTrue(ctx, use.site);
        if (edit) fixes.push({ title: 'Set from_logits=True (the loss then applies the activation itself)', edits: [edit], preferred: true, applicability: use.site.kind === 'function' ? 'safe' : 'unsafe' });
      }
      out.push({
        ...span(use.pred),
        message:
          `${short(textOf(ctx, use.pred))} holds ${kindText(v.kind)} from ${describeOrigin(ctx, v)}, but ${use.site.display} expects probabilities. ` +
          (q.startsWith('torch.') ? 'BCELoss fails on values outside [0, 1]; use the with-logits loss.' : 'Keras clips them into [1e-7, 1 - 1e-7]: negative scores all become 1e-7 and stop learning. Pass from_logits=True.'),
        related: relatedOf(ctx, v, 'the raw scores come from here'),
        fixes,
      });
    }
    for (const c of compiledLosses(ctx)) {
      if (c.fromLogits || c.head.kind !== 'logits') continue;
      const edit = setFromLogits(ctx, c, true);
      out.push({
        ...span(c.lossArg),
        message:
          `The model's last layer is linear (${describeOrigin(ctx, c.head)}), but ${short(textOf(ctx, c.lossArg))} expects probabilities (from_logits=False): ` +
          `Keras clips the raw scores into [1e-7, 1 - 1e-7], so negative scores all become 1e-7 and stop learning. Use the loss with from_logits=True, or end the model in ${c.family === 'binary' ? 'sigmoid' : 'softmax'}.`,
        related: relatedOf(ctx, c.head, "the model's linear output layer"),
        fixes: edit ? [{ title: 'Use the loss with from_logits=True', edits: [edit], preferred: true, applicability: 'safe' }] : [],
      });
    }
    out.push(...sinkFindings(ctx, 'logits-into-probability-loss'));
    return out;
  },
};

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
