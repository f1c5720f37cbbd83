import { kindText } from '../analysis/value';
import { canonicalName, lookupKinds } from '../python/calls/registry';
import { argsOf } from '../python/syntax';
import { RuleContext } from './context';
import { compiledLosses } from './keras_compile';
import { lossUses } from './loss_args';
import { describeOrigin, relatedOf } from './provenance';
import { sinkFindings } from './call_sinks';
import { Draft, Rule, span, textOf } from './rule';

/**
 * multiclass-multilabel (LL111): the activation says one thing about the classes and the
 * loss another. Softmax makes classes exclusive (one label per example) while a binary
 * cross-entropy scores every class independently (multi-label); a sigmoid scores classes
 * independently while a categorical cross-entropy assumes they sum to 1; a softmax over a single
 * unit is always 1.0, so nothing is learned. Keras with loss='binary_crossentropy' on a softmax head
 * of more than two units also turns metrics=['accuracy'] into binary accuracy (near 1 - 1/C at
 * chance).
 */
export const multiclassMultilabel: Rule = {
  name: 'multiclass-multilabel',
  code: 'LL111',
  defaultSeverity: 'warning',
  summary: 'softmax into a binary cross-entropy, sigmoid into a categorical one, or a softmax over one unit',
  check(ctx) {
    const out: Draft[] = [...singleUnitSoftmax(ctx)];
    for (const use of lossUses(ctx)) {
      if (use.fromLogits !== false || use.family === 'nll') continue;
      const v = ctx.value(use.pred);
      if (v.incomplete || v.prov.length === 0) continue;
      if (use.family === 'binary' && v.kind === 'probs' && v.units !== 1 && !v.sliced) {
        out.push({
          ...span(use.pred),
          message: `${short(textOf(ctx, use.pred))} holds ${kindText(v.kind)} from ${describeOrigin(ctx, v)} (classes exclusive, summing to 1), but ${use.site.display} scores every class independently (multi-label). For one label per example use a categorical cross-entropy; for several, a sigmoid.`,
          related: relatedOf(ctx, v, 'the softmax applied here'),
          fixes: [],
        });
      } else if ((use.family === 'categorical' || use.family === 'sparse') && v.kind === 'sigmoidProbs') {
        out.push({
          ...span(use.pred),
          message: `${short(textOf(ctx, use.pred))} holds ${kindText(v.kind)} from ${describeOrigin(ctx, v)} (each class independent), but ${use.site.display} expects a distribution over exclusive classes. Use softmax for one label per example, or a binary cross-entropy for multi-label.`,
          related: relatedOf(ctx, v, 'the sigmoid applied here'),
          fixes: [],
        });
      }
    }
    for (const c of compiledLosses(ctx)) {
      if (c.fromLogits) continue;
      const units = c.head.units;
      if (c.family === 'binary' && c.head.kind === 'probs' && units !== undefined && units > 2) {
        out.push({
          ...span(c.lossArg),
          message: `The model ends in a softmax over ${units} units (${describeOrigin(ctx, c.head)}), but ${short(textOf(ctx, c.lossArg))} is a binary cross-entropy: each of the ${units} outputs is scored as an independent yes/no, and metrics=['accuracy'] becomes binary accuracy (${(1 - 1 / units).toFixed(2)} at chance). Use categorical_crossentropy (sparse_ for integer labels).`,
          related: relatedOf(ctx, c.head, 'the softmax of the last layer'),
          fixes: [],
        });
      } else if (c.family !== 'binary' && c.head.kind === 'sigmoidProbs' && units !== 1) {
        out.push({
          ...span(c.lossArg),
          message: `The model ends in a sigmoid (${describeOrigin(ctx, c.head)}), but ${short(textOf(ctx, c.lossArg))} expects a softmax distribution over exclusive classes. Use softmax for one label per example, or binary_crossentropy for multi-label.`,
          related: relatedOf(ctx, c.head, 'the sigmoid of the last layer'),
          fixes: [],
        });
      }
    }
    out.push(...sinkFindings(ctx, 'multiclass-multilabel'));
    return out;
  },
};

/** Dense(1, activation='softmax') and tflearn / tf.layers equivalents: the output is always 1.0. */
function singleUnitSoftmax(ctx: RuleContext): Draft[] {
  const out: Draft[] = [];
  if (!ctx.text.includes('softmax')) return out;
  for (const call of ctx.callNodes()) {
    const fn = call.childForFieldName('function');
    const q = fn ? ctx.qualnameOf(fn) : undefined;
    const spec = q ? lookupKinds(canonicalName(q)) : undefined;
    if (!spec?.activationParam || !spec.unitsParam) continue;
    const args = argsOf(call);
    const act = args.keywords.get(spec.activationParam) ?? (spec.activationPos !== undefined ? args.positional[spec.activationPos] : undefined);
    if (!act || !act.text.includes('softmax')) continue;
    const isClass = /^[A-Z]/.test(canonicalName(q!).split('.').pop()!);
    const v = isClass ? ctx.modelOutput(call) : ctx.value(call);
    if (v.kind !== 'probs' || v.units !== 1) continue;
    out.push({
      ...span(act),
      message: `A softmax over a single unit (${short(textOf(ctx, call))}) always outputs 1.0: its gradient is zero and nothing is learned. For a binary output use sigmoid (with binary_crossentropy), or 2 units with softmax.`,
      related: [],
      fixes: [{ title: "Use activation='sigmoid'", edits: [{ ...span(act), newText: act.type === 'string' ? act.text.replace('softmax', 'sigmoid') : act.text.replace(/softmax$/, 'sigmoid') }], preferred: true, applicability: 'unsafe' }],
    });
  }
  return out;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 48 ? `${one.slice(0, 45)}...` : one;
}
