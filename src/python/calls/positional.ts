import { Tensor } from '../../core/tensor';
import { Args } from './args';

/**
 * Which of two positional arguments of tf.nn.*_cross_entropy_with_logits are the logits.
 *
 * TF 0.x took (logits, labels); TF 1 raised "Only call ... with named arguments"; TF 2 takes
 * (labels, logits). Old code therefore runs silently swapped on TF 2. To evaluate what the
 * author meant: (1) names say it (y_true/labels/targets vs logits/y_hat/pred/scores/output);
 * (2) values say it (rows that are probability distributions, or 0/1 values, are labels);
 * (3) otherwise TF 0.x order, since positional calls come from code written for it.
 */
export type Order = 'logits-first' | 'labels-first';

const LABEL_WORDS = /(^|_|\b)(y|y_true|labels?|targets?|onehot|one_hot|gt|truth|ground_truth|p)(_|\b|$)/i;
const LOGIT_WORDS = /(logit|y_hat|yhat|pred|score|output|activation|z\b|net|q\b|h\b)/i;

export function inferOrder(firstText: string | undefined, secondText: string | undefined, first?: Tensor, second?: Tensor): { order: Order; because: string } {
  const isLabelName = (s?: string) => !!s && LABEL_WORDS.test(s) && !LOGIT_WORDS.test(s);
  const isLogitName = (s?: string) => !!s && LOGIT_WORDS.test(s);
  if (isLogitName(firstText) || isLabelName(secondText)) return { order: 'logits-first', because: `the names (${firstText}, ${secondText})` };
  if (isLabelName(firstText) || isLogitName(secondText)) return { order: 'labels-first', because: `the names (${firstText}, ${secondText})` };
  if (first && second) {
    const a = looksLikeLabels(first);
    const b = looksLikeLabels(second);
    if (a && !b) return { order: 'labels-first', because: 'the values (the first argument holds label distributions)' };
    if (b && !a) return { order: 'logits-first', because: 'the values (the second argument holds label distributions)' };
  }
  return { order: 'logits-first', because: 'TF 0.x positional order (logits, labels), the only version that accepted positional arguments with that meaning' };
}

/** Every value in [0, 1] and every last-axis row summing to 1 (or all 0/1 for multi-label). */
function looksLikeLabels(t: Tensor): boolean {
  const d = t.data;
  let binary = true;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] >= 0 && d[i] <= 1)) return false;
    if (d[i] !== 0 && d[i] !== 1) binary = false;
  }
  if (binary) return true;
  const n = t.rank === 0 ? 1 : t.shape[t.rank - 1];
  for (let r = 0; r < d.length; r += n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[r + i];
    if (Math.abs(s - 1) > 1e-3) return false;
  }
  return true;
}

/**
 * Resolves (labels, logits) for a TF *_with_logits call whose first two arguments came
 * positionally, and records the assumption in the call's notes.
 */
export function labelsAndLogits(a: Args, labelsName = 'labels'): { labels: Tensor; logits: Tensor } {
  const bothPositional = a.positional.has(labelsName) && a.positional.has('logits');
  if (!bothPositional) return { labels: a.tensor(labelsName), logits: a.tensor('logits') };
  const first = a.tensor(labelsName);
  const second = a.tensor('logits', first.dtype);
  const { order, because } = inferOrder(a.texts.get(labelsName), a.texts.get('logits'), first, second);
  const [f, s] = [a.texts.get(labelsName) ?? 'first', a.texts.get('logits') ?? 'second'];
  if (order === 'logits-first') {
    a.cx.notes.push(
      `${a.cx.qualname}(${f}, ${s}) has positional arguments: evaluated as (logits=${f}, ${labelsName}=${s}), judging by ${because}. TF 1 rejects positional arguments here and TF 2 would read them as (${labelsName}=${f}, logits=${s}).`,
    );
    return { labels: second, logits: first };
  }
  a.cx.notes.push(`${a.cx.qualname}(${f}, ${s}) has positional arguments: evaluated in TF 2 order (${labelsName}=${f}, logits=${s}), judging by ${because}.`);
  return { labels: first, logits: second };
}
