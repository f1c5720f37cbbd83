import * as E from '../core/elementwise';
import { sigmoidCrossEntropyWithLogits } from '../core/losses/tf_nn';
import { RuleContext } from './context';
import { show, smallValue } from './explain_ce';
import { frameworkFor, fusedSigmoidCE, replaceWithLoss, short } from './fix_text';
import { LogProduct, ProbabilitySource, climb, enclosingProduct, inReferenceFormula, logCall, probabilitySource, topOf } from './patterns';
import { binaryForm, hasNegativeTerm } from './binary_terms';
import { Draft, Rule, span, textOf } from './rule';
import { Explanation, TextEdit } from './types';

/**
 * partial-binary-cross-entropy (LL104): -p * log(q) with q = sigmoid(z), summed or not, and no
 * (1 - p) * log(1 - q) term. That is only the positive half of binary cross-entropy: where p = 0
 * the loss is 0 whatever q is, so nothing pulls q down and predicting q = 1 everywhere is free.
 * Summed over classes it is the softmax cross-entropy formula applied to independent sigmoids,
 * which treats the classes as mutually exclusive when the sigmoids say they are not.
 */
export const partialBinaryCrossEntropy: Rule = {
  name: 'partial-binary-cross-entropy',
  code: 'LL104',
  defaultSeverity: 'warning',
  summary: 'only the positive term p*log(q) of binary cross-entropy with sigmoid outputs',
  check(ctx) {
    const out: Draft[] = [];
    for (const site of ctx.callsWithRole('log')) {
      const log = logCall(ctx, site.node);
      const src = log ? probabilitySource(ctx, log.arg) : undefined;
      if (!log || !src || src.activation !== 'sigmoid' || src.complement || inReferenceFormula(site.node)) continue;
      const product = enclosingProduct(ctx, site.node);
      if (!product || binaryForm(ctx, product, src) || hasNegativeTerm(ctx, product.node, src)) continue;
      out.push(finding(ctx, product, src));
    }
    return out;
  },
};

function finding(ctx: RuleContext, product: LogProduct, src: ProbabilitySource): Draft {
  const steps = climb(ctx, product.node);
  const summed = steps.some((s) => s.reduce?.op === 'sum' && s.reduce.axis !== 0);
  // The product with the parentheses and signs right around it is replaced; minus signs further out are deleted.
  let coreIdx = -1;
  while (steps[coreIdx + 1] && ['paren', 'neg', 'plus'].includes(steps[coreIdx + 1].kind)) coreIdx++;
  const core = coreIdx >= 0 ? steps[coreIdx].node : product.node;
  const negs = steps.filter((s, i) => s.kind === 'neg' && i > coreIdx).map((s) => s.node);
  const positive = (product.negations.length + steps.filter((s) => s.kind === 'neg').length) % 2 === 1;
  const fw = frameworkFor(ctx, src.act, product.log.site) ?? 'tensorflow';
  const imports: TextEdit[] = [];
  const fused = fusedSigmoidCE(ctx, fw, product.labels, src.input, imports);
  const p = short(textOf(ctx, product.labels));
  const q = short(textOf(ctx, product.log.arg));
  const classes = summed
    ? ` Summed over classes, this is the softmax cross-entropy formula applied to independent sigmoid outputs: it treats the classes as mutually exclusive, yet nothing makes the ${q} values compete.`
    : '';
  const explanation = ctx.shouldExplain(topOf(product.node, steps)) ? explain(ctx, product, src) : undefined;
  return {
    ...span(topOf(product.node, steps)),
    message:
      `Only the positive term of binary cross-entropy: -${p} * log(${q}) with ${q} = sigmoid(...) has no (1 - ${p}) * log(1 - ${q}) term, ` +
      `so where ${p} = 0 the loss is 0 whatever ${q} is and nothing pushes ${q} down (predicting 1 everywhere costs nothing).${classes} ` +
      `Use the full sigmoid cross-entropy on the logits (${short(textOf(ctx, src.input))}).`,
    related: [{ ...span(src.act.node), message: 'the sigmoid: each output is an independent probability' }],
    fixes: [
      {
        title: `Use the full sigmoid cross-entropy: ${fused.compound ? fused.name : `${fused.name}(...)`}`,
        edits: [...replaceWithLoss(core, fused.text, negs, positive, fused.compound), ...imports],
        preferred: true,
      },
    ],
    ...(explanation ? { explanation } : {}),
  };
}

/** With known inputs: the positive term alone next to the full binary cross-entropy, elementwise. */
function explain(ctx: RuleContext, product: LogProduct, src: ProbabilitySource): Explanation | undefined {
  try {
    const z = smallValue(ctx, src.input);
    const p = z ? smallValue(ctx, product.labels) : undefined;
    if (!z || !p || (z.dtype !== 'float32' && z.dtype !== 'float64')) return undefined;
    const pp = p.dtype === z.dtype ? p : p.cast(z.dtype);
    const partial = E.neg(E.mul(pp, E.log(E.sigmoid(z))));
    return {
      asWritten: `positive term only, -p * log(q): ${show(partial)}`,
      asMeant: `full binary cross-entropy: ${show(sigmoidCrossEntropyWithLogits(pp, z))}`,
    };
  } catch {
    return undefined;
  }
}
