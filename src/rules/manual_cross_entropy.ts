import type { Node } from '../python/parser';
import { RuleContext } from './context';
import { explainSigmoidCE, explainSoftmaxCE } from './explain_ce';
import { Plan, frameworkFor, fusedSoftmaxName, fusedSigmoidCE, fusedSoftmaxCE, logSoftmaxOf, planFused, replaceWithLoss, short } from './fix_text';
import {
  LogCall, LogProduct, ProbabilitySource, Step, climb, enclosingProduct, inReferenceFormula, logCall, probabilitySource, softmaxAxis, topOf,
} from './patterns';
import { binaryForm } from './binary_terms';
import { Draft, Rule, span, textOf } from './rule';
import { Fix, TextEdit } from './types';

/**
 * manual-cross-entropy (LL103): cross-entropy written by hand from probabilities,
 * -sum(y * log(softmax(x))) or p * -log(q) + (1 - p) * -log(1 - q) with q = sigmoid(z).
 * Mathematically right, numerically fragile: softmax and sigmoid round to exactly 0 or 1 in
 * floating point, and the log of that is -inf (loss inf, gradients NaN). The fused ops work on
 * the logits (log_softmax = x - logsumexp(x), softplus) and stay finite.
 */
export const manualCrossEntropy: Rule = {
  name: 'manual-cross-entropy',
  code: 'LL103',
  defaultSeverity: 'warning',
  summary: 'cross-entropy computed by hand from softmax/sigmoid probabilities (numerically unstable)',
  check(ctx) {
    const out: Draft[] = [];
    const seen = new Set<number>();
    for (const site of ctx.callsWithRole('log')) {
      const log = logCall(ctx, site.node);
      const src = log ? probabilitySource(ctx, log.arg) : undefined;
      if (!log || !src || src.complement || inReferenceFormula(site.node)) continue;
      const product = enclosingProduct(ctx, site.node);
      let d: Draft | undefined;
      // A bare log(softmax) is reported only unguarded: with a clip or eps the author chose the trade-off.
      if (src.activation === 'softmax') d = product ? softmaxProduct(ctx, product, src) : src.guard ? undefined : bareLogSoftmax(ctx, log, src);
      else if (product) d = binaryCrossEntropy(ctx, product, src);
      if (d && !seen.has(d.start)) {
        seen.add(d.start);
        out.push(d);
      }
    }
    return out;
  },
};

const WHY_SOFTMAX =
  'numerically unstable: softmax rounds to 0 for a logit far below its row\'s maximum (beyond a gap of about 104 in float32, 745 in float64), ' +
  'and log(0) = -inf makes the loss inf or NaN and the gradients NaN.';

/** What a clip or eps does to the manual form (said when the author added one). */
function guardNote(src: ProbabilitySource): string {
  if (src.guard === 'eps') return ' The added epsilon keeps the log finite but biases the loss and its gradient.';
  if (src.guard === 'clip') return ' Clipping keeps the log finite but zeroes the gradient wherever it clips.';
  return '';
}

function related(src: ProbabilitySource): Draft['related'] {
  return [{ ...span(src.act.node), message: `the ${src.activation} whose output is logged` }];
}

/** The fix that keeps everything and swaps log(softmax(x)) for log_softmax(x). */
function logSoftmaxFix(ctx: RuleContext, log: LogCall, src: ProbabilitySource, preferred: boolean): Fix | undefined {
  const imports: TextEdit[] = [];
  const text = logSoftmaxOf(ctx, src.act, imports);
  if (!text) return undefined;
  const dropped = src.guard ? ` (drops the ${src.guard === 'eps' ? 'epsilon' : 'clipping'})` : '';
  return { title: `Use log_softmax instead of log(softmax(...))${dropped}`, edits: [{ ...span(log.site.node), newText: text }, ...imports], preferred };
}

/** -sum(y * log(softmax(x))) and its variants. */
function softmaxProduct(ctx: RuleContext, product: LogProduct, src: ProbabilitySource): Draft {
  const steps = climb(ctx, product.node);
  const top = topOf(product.node, steps);
  const fw = frameworkFor(ctx, src.act, product.log.site);
  const axis = softmaxAxis(src.act);
  const fixes: Fix[] = [];
  const plan = planFused(ctx, steps, fw, axis, src.input);
  const negs = (upTo: number, from = 0) => steps.slice(from, upTo).filter((s) => s.kind === 'neg').map((s) => s.node);
  const total = product.negations.length + negs(steps.length).length;
  let fusedText: string | undefined;
  let core: Plan & { node: Node; sign: 1 | -1 } | undefined;
  const imports: TextEdit[] = [];
  if (plan && fw) {
    fusedText = fusedSoftmaxCE(ctx, fw, textOf(ctx, product.labels), textOf(ctx, src.input), plan.reduction, axis === null ? undefined : axis, imports);
    if (fusedText) {
      const node = steps[plan.coreIdx].node;
      const inner = product.negations.length + negs(plan.coreIdx + 1).length;
      core = { ...plan, node, sign: inner % 2 ? 1 : -1 };
      fixes.push({
        title: `Use ${fusedSoftmaxName(ctx, fw)} on the logits${plan.reduction === 'none' ? '' : ` (reduction: ${plan.reduction})`}`,
        edits: [...replaceWithLoss(node, fusedText, negs(steps.length, plan.coreIdx + 1), total % 2 === 1), ...imports],
        preferred: true,
      });
    }
  }
  const ls = logSoftmaxFix(ctx, product.log, src, fixes.length === 0);
  if (ls) fixes.push(ls);
  const offer = fusedText && fw ? `${fusedSoftmaxName(ctx, fw)}(...)` : 'log_softmax';
  const explanation = typeof axis === 'number' && ctx.shouldExplain(top) ? explainSoftmaxCE(ctx, { logits: src.input, labels: product.labels, axis, core }) : undefined;
  return {
    ...span(top),
    message: `Cross-entropy written by hand as -sum(y * log(softmax(x))): ${WHY_SOFTMAX}${guardNote(src)} Use ${offer} on the logits (${short(textOf(ctx, src.input))}).`,
    related: related(src),
    fixes,
    ...(explanation ? { explanation } : {}),
  };
}

/** log(softmax(x)) outside a product (passed to nll_loss, summed elsewhere...). */
function bareLogSoftmax(ctx: RuleContext, log: LogCall, src: ProbabilitySource): Draft {
  const fix = logSoftmaxFix(ctx, log, src, true);
  const axis = softmaxAxis(src.act);
  const explanation = typeof axis === 'number' && ctx.shouldExplain(log.site.node) ? explainSoftmaxCE(ctx, { logits: src.input, labels: src.input, axis }) : undefined;
  return {
    ...span(log.site.node),
    message: `log(softmax(x)) computed in two steps is ${WHY_SOFTMAX}${guardNote(src)} Use log_softmax on the logits (${short(textOf(ctx, src.input))}).`,
    related: related(src),
    fixes: fix ? [fix] : [],
    ...(explanation ? { explanation } : {}),
  };
}

/** p * -log(q) + (1 - p) * -log(1 - q) with q = sigmoid(z). */
function binaryCrossEntropy(ctx: RuleContext, product: LogProduct, src: ProbabilitySource): Draft | undefined {
  const form = binaryForm(ctx, product, src);
  if (form?.kind !== 'full') return undefined;
  const steps = climb(ctx, form.node);
  let coreIdx = -1;
  while (steps[coreIdx + 1] && ['paren', 'neg', 'plus'].includes(steps[coreIdx + 1].kind)) coreIdx++;
  const core = coreIdx >= 0 ? steps[coreIdx].node : form.node;
  const negAt = (s: Step) => s.kind === 'neg';
  const inner = (form.odd ? 1 : 0) + steps.slice(0, coreIdx + 1).filter(negAt).length;
  const outer = steps.slice(coreIdx + 1).filter(negAt).map((s) => s.node);
  const positive = (inner + outer.length) % 2 === 1;
  const fw = frameworkFor(ctx, src.act, product.log.site) ?? 'tensorflow';
  const imports: TextEdit[] = [];
  const fused = fusedSigmoidCE(ctx, fw, product.labels, src.input, imports);
  const explanation = ctx.shouldExplain(topOf(form.node, steps)) ? explainSigmoidCE(ctx, src.input, product.labels, core, inner % 2 ? 1 : -1) : undefined;
  return {
    ...span(topOf(form.node, steps)),
    message:
      'Binary cross-entropy written by hand as p * -log(q) + (1 - p) * -log(1 - q) with q = sigmoid(z): numerically unstable: ' +
      'in float32 sigmoid(z) rounds to exactly 1 once z is above about 17 (and to 0 below about -88), and log(0) = -inf makes the loss inf or NaN.' +
      `${guardNote(src)} Use ${fused.compound ? fused.name : `${fused.name}(...)`} on the logits (${short(textOf(ctx, src.input))}).`,
    related: [{ ...span(src.act.node), message: 'the sigmoid whose output is logged' }],
    fixes: [{ title: `Use ${fused.name} on the logits`, edits: [...replaceWithLoss(core, fused.text, outer, positive, fused.compound), ...imports], preferred: true }],
    ...(explanation ? { explanation } : {}),
  };
}
