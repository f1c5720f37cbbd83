import { RuleContext } from './context';
import { Finding, RuleInfo } from './types';

/** What a rule reports; the runner adds rule name, code and the configured severity. */
export type Draft = Omit<Finding, 'rule' | 'code' | 'severity'>;

export interface Rule extends RuleInfo {
  check(ctx: RuleContext): Draft[];
}

/** The source text of a node, or a slice of it. */
export function textOf(ctx: RuleContext, n: { startIndex: number; endIndex: number }): string {
  return ctx.text.slice(n.startIndex, n.endIndex);
}

/** A span from a tree-sitter node. */
export function span(n: { startIndex: number; endIndex: number }): { start: number; end: number } {
  return { start: n.startIndex, end: n.endIndex };
}
