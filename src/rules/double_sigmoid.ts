import * as E from '../core/elementwise';
import { activationInput, compiledTwice, findDoubleActivation } from './double_softmax';
import { show, smallValue } from './explain_ce';
import { sinkFindings } from './call_sinks';
import { Rule } from './rule';
import { Explanation } from './types';

/**
 * double-sigmoid (LL102): the output of a sigmoid reaches an argument that expects logits
 * (sigmoid_cross_entropy_with_logits, BCEWithLogitsLoss, optax.sigmoid_binary_cross_entropy,
 * Keras BinaryCrossentropy(from_logits=True)), so the loss applies sigmoid a second time.
 * sigmoid maps (0, 1) into (0.5, 0.731): the loss can never predict a probability below 0.5 or
 * above 0.731, and its gradient is damped by both sigmoids.
 */
export const doubleSigmoid: Rule = {
  name: 'double-sigmoid',
  code: 'LL102',
  defaultSeverity: 'warning',
  summary: 'sigmoid output passed where the loss expects logits (sigmoid applied twice)',
  check(ctx) {
    return [...findDoubleActivation(ctx, 'sigmoid'), ...compiledTwice(ctx, 'sigmoid'), ...sinkFindings(ctx, 'double-sigmoid')].map((d) => {
      // The related span is the sigmoid call (see findDoubleActivation).
      const related = d.related[0];
      const act = related && !related.file ? ctx.root.descendantForIndex(related.start, related.end) : undefined;
      const site = act?.type === 'call' ? ctx.site(act) : undefined;
      const input = site ? activationInput(site) : undefined;
      return {
        ...d,
        message: `${d.message} The loss then sees probabilities squashed into [0.5, 0.731]: it can never predict below 0.5 or above 0.731.`,
        explanation: ctx.shouldExplain(d) ? explain(input ? smallValue(ctx, input) : undefined) : undefined,
      };
    });
  },
};

const SIG1 = 1 / (1 + Math.exp(-1));

function explain(z: ReturnType<typeof smallValue>): Explanation {
  const details = [
    `sigmoid maps its input, already in (0, 1), into (sigmoid(0), sigmoid(1)) = (0.5, ${SIG1.toFixed(4)}).`,
    `Even a perfect model pays at least -log(${SIG1.toFixed(4)}) = ${(-Math.log(SIG1)).toFixed(4)} per positive label and log 2 = ${Math.LN2.toFixed(4)} per negative label.`,
  ];
  if (!z || (z.dtype !== 'float32' && z.dtype !== 'float64')) return { details };
  try {
    return { asWritten: `probabilities the loss uses: ${show(E.sigmoid(E.sigmoid(z)))}`, asMeant: `sigmoid applied once: ${show(E.sigmoid(z))}`, details };
  } catch {
    return { details };
  }
}
