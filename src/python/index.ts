import { EvalResult, FileAnalysis } from './analyze';
import { DEFAULT_SOURCE_LIMITS, SourceLimits, checkSource } from './budget';
import { DEFAULT_LIMITS } from './convert';
import { ParseTimeout, PythonParser } from './parser';
import type { Unreadable } from './recover';

export { FileAnalysis } from './analyze';
export type { EvalResult } from './analyze';
export { PythonParser } from './parser';
export type { ParserAssets } from './parser';
export type { Unreadable } from './recover';

export interface EvaluateOptions {
  limits?: Partial<SourceLimits>;
  /** Time budget for parse + evaluation, in ms (default 1000). */
  timeBudgetMs?: number;
  isCancelled?: () => boolean;
}

/**
 * Parses and evaluates a Python source text within size and time budgets.
 * Never throws for bad input: problems come back as `error` (the whole file) or per result.
 */
export function evaluateSource(
  parser: PythonParser,
  text: string,
  opts: EvaluateOptions = {},
): { results: EvalResult[]; error: string | null; unreadable: Unreadable[] } {
  const limits = { ...DEFAULT_SOURCE_LIMITS, ...opts.limits };
  const problem = checkSource(text, limits);
  if (problem) return { results: [], error: problem, unreadable: [] };
  const deadline = Date.now() + (opts.timeBudgetMs ?? 1000);
  let tree;
  try {
    tree = parser.parse(text, { deadline, isCancelled: opts.isCancelled });
  } catch (e) {
    if (e instanceof ParseTimeout) return { results: [], error: `${e.message} (file of ${text.length.toLocaleString('en-US')} characters)`, unreadable: [] };
    throw e;
  }
  try {
    const analysis = new FileAnalysis(tree, text, {
      limits: { ...DEFAULT_LIMITS, maxElements: limits.maxElements },
      deadline,
      isCancelled: opts.isCancelled,
    });
    return { results: analysis.evaluateAll(), error: null, unreadable: analysis.unreadable };
  } finally {
    tree.delete();
  }
}
