import { FileAnalysis } from '../python/analyze';
import { LineIndex } from '../python/lines';
import { RuleContext, RuleOptions } from './context';
import { doubleSoftmax } from './double_softmax';
import { doubleSigmoid } from './double_sigmoid';
import { manualCrossEntropy } from './manual_cross_entropy';
import { partialBinaryCrossEntropy } from './partial_binary_cross_entropy';
import { logOfLogits } from './log_of_logits';
import { positionalLossArguments } from './positional_loss_arguments';
import { oneHotOfOneHot } from './one_hot_of_one_hot';
import { deprecatedTf1Api } from './deprecated_tf1_api';
import { nllExpectsLogProbs } from './nll_expects_log_probs';
import { logitsIntoProbabilityLoss } from './logits_into_probability_loss';
import { multiclassMultilabel } from './multiclass_multilabel';
import { klDiv } from './kl_div';
import { Rule } from './rule';
import { applySuppressions, commentsOf } from './suppression';
import { Finding, RuleName, Severity } from './types';

export type { Finding, RuleName, Severity } from './types';
export { RuleContext } from './context';

/** Every rule, in code order. Each lives in its own file. */
export const RULES: Rule[] = [doubleSoftmax, doubleSigmoid, manualCrossEntropy, partialBinaryCrossEntropy, logOfLogits, positionalLossArguments, oneHotOfOneHot, deprecatedTf1Api, nllExpectsLogProbs, logitsIntoProbabilityLoss, multiclassMultilabel, klDiv];

export interface RunOptions extends RuleOptions {
  /** Severity per rule, or 'off'; rules not listed use their default. */
  severity?: Partial<Record<RuleName, Severity | 'off'>>;
  /** Run only these rules (a hover re-runs one rule to explain one finding). */
  only?: RuleName[];
  /** false: return suppressed findings too (the CLI applies suppressions itself, to report them in SARIF). */
  suppressions?: boolean;
}

/** Words without which no rule can fire: files without any of them are not parsed at all. */
const PREFILTER = /[Ss]oftmax|[Ss]igmoid|log|[Ee]ntropy|one_hot|to_categorical|reduction_indices|keep_dims|contrib|\btf\.|[Ll]oss|criterion/;

export function mayHaveFindings(text: string): boolean {
  return PREFILTER.test(text);
}

/**
 * Runs the enabled rules on an analysed file. Suppression comments (`# noqa: LL101`,
 * `# losslens: ignore[rule-name]`, `# losslens: ignore-file`: see suppression.ts) silence
 * findings unless `opts.suppressions === false`.
 */
export function runRules(analysis: FileAnalysis, opts: RunOptions = {}): Finding[] {
  const ctx = new RuleContext(analysis, opts);
  const lines = new LineIndex(analysis.text);
  const out: Finding[] = [];
  for (const rule of RULES) {
    const severity = opts.severity?.[rule.name] ?? rule.defaultSeverity;
    if (severity === 'off' || (opts.only && !opts.only.includes(rule.name))) continue;
    for (const d of rule.check(ctx)) out.push({ ...d, rule: rule.name, code: rule.code, severity });
  }
  out.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  if (opts.suppressions === false) return out;
  return applySuppressions(out, commentsOf(analysis.tree.rootNode), (o) => lines.line(o), { rules: RULES }).kept;
}
