import * as E from '../core/elementwise';
import { formatNumpy } from '../core/format';
import { sigmoidCrossEntropyWithLogits } from '../core/losses/tf_nn';
import { reduceMean, reduceSum } from '../core/reduce';
import { logSoftmax, softmax } from '../core/softmax';
import { Tensor } from '../core/tensor';
import type { Node } from '../python/parser';
import { RuleContext } from './context';
import { CEReduction } from './fix_text';
import { Explanation } from './types';

/**
 * Numbers for the cross-entropy findings, computed only when the inputs are known and small:
 * the value as written next to the value of the stable form, and log(softmax(x)) step by step
 * next to log_softmax(x). Never throws; returns undefined when nothing is known.
 */

/** Above this many elements no numbers are computed (the hover stays instant). */
const MAX_ELEMENTS = 4096;

/** A known, small tensor value of a node. */
export function smallValue(ctx: RuleContext, n: Node): Tensor | undefined {
  const t = ctx.evaluate(n);
  return t && t.size <= MAX_ELEMENTS ? t : undefined;
}

/** A tensor as NumPy prints it, on one line, with its dtype. */
export function show(t: Tensor): string {
  const s = formatNumpy(t).replace(/\s*\n\s*/g, ' ');
  return `${s.length > 160 ? `${s.slice(0, 157)}...` : s} (${t.dtype})`;
}

/** Smallest logit gap (below the row maximum) at which softmax rounds to 0: ln of half the smallest subnormal. */
export const UNDERFLOW_GAP = { float32: 150 * Math.LN2, float64: 1075 * Math.LN2 };

export interface SoftmaxCEInputs {
  logits: Node;
  labels: Node;
  /** The class axis (softmax axis). */
  axis: number;
  /** The node the fix replaces and how its fused form reduces; absent when only log_softmax is offered. */
  core?: { node: Node; reduction: CEReduction; sign: 1 | -1 };
}

export function explainSoftmaxCE(ctx: RuleContext, inp: SoftmaxCEInputs): Explanation | undefined {
  try {
    const x = smallValue(ctx, inp.logits);
    if (!x || (x.dtype !== 'float32' && x.dtype !== 'float64')) return undefined;
    const written = E.log(softmax(x, inp.axis));
    const stable = logSoftmax(x, inp.axis);
    const details = [`log(softmax(x)) as computed: ${show(written)}`, `log_softmax(x): ${show(stable)}`];
    const lost = Array.from(written.data).filter((v) => v === -Infinity).length;
    const gap = UNDERFLOW_GAP[x.dtype].toFixed(x.dtype === 'float32' ? 2 : 1);
    details.push(
      lost
        ? `${lost} probabilit${lost === 1 ? 'y' : 'ies'} rounded to 0, so log gave -inf: a logit more than ${gap} below its row's maximum underflows in ${x.dtype}.`
        : `No probability underflows here; in ${x.dtype} a logit more than ${gap} below its row's maximum would give log(0) = -inf.`,
    );
    const out: Explanation = { details };
    const y = inp.core ? smallValue(ctx, inp.labels) : undefined;
    if (inp.core && y) {
      const asWritten = ctx.evaluate(inp.core.node);
      if (asWritten) out.asWritten = `as written: ${show(asWritten)}`;
      let ce = E.neg(reduceSum(E.mul(y, stable), { axis: inp.axis }));
      if (inp.core.reduction === 'sum') ce = reduceSum(ce);
      if (inp.core.reduction === 'mean') ce = reduceMean(ce);
      out.asMeant = `with the fused op: ${show(inp.core.sign === 1 ? ce : E.neg(ce))}`;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** For the hand-written binary cross-entropy: the value as written next to the fused sigmoid cross-entropy. */
export function explainSigmoidCE(ctx: RuleContext, logits: Node, labels: Node, core: Node, sign: 1 | -1): Explanation | undefined {
  try {
    const z = smallValue(ctx, logits);
    const p = z ? smallValue(ctx, labels) : undefined;
    if (!z || !p || (z.dtype !== 'float32' && z.dtype !== 'float64')) return undefined;
    const stable = sigmoidCrossEntropyWithLogits(p.dtype === z.dtype ? p : p.cast(z.dtype), z);
    const written = ctx.evaluate(core);
    // 1 + e^-z rounds to 1 once e^-z <= half an ulp of 1 (2^-24 in float32, 2^-53 in float64).
    const limit = z.dtype === 'float32' ? (24 * Math.LN2).toFixed(2) : (53 * Math.LN2).toFixed(2);
    return {
      asWritten: written ? `as written: ${show(written)}` : undefined,
      asMeant: `with the fused op: ${show(sign === 1 ? stable : E.neg(stable))}`,
      details: [`In ${z.dtype}, 1 / (1 + e^-z) rounds to exactly 1 for z above ${limit}, where log(1 - q) = -inf.`],
    };
  } catch {
    return undefined;
  }
}
