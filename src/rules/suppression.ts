import type { Node } from '../python/parser';
import type { RuleInfo } from './types';

/**
 * Suppression comments, in the conventions of Python linters:
 *   `# noqa`                       every finding on its line (flake8/Ruff)
 *   `# noqa: LL101, LL103`         findings of those codes (rule names are accepted too)
 *   `# losslens: ignore`           every finding on its line
 *   `# losslens: ignore[double-softmax, LL103]`
 *   `# losslens: ignore-file`      the whole file (optionally `ignore-file[...]`)
 * A finding is matched on the line where it starts. The runner hands findings and comments in
 * and gets kept and suppressed findings back, plus the suppressions that silenced nothing.
 */

/** A comment of the analysed text (0-based line of its start, offsets into the text). */
export interface SourceComment {
  line: number;
  start: number;
  end: number;
  text: string;
}

export type SuppressionKind = 'noqa' | 'ignore' | 'ignore-file';

export interface Suppression {
  kind: SuppressionKind;
  /** Codes or rule names as written; empty means every rule. */
  names: string[];
  comment: SourceComment;
  /** The directive's own text (`# noqa: LL101`), for messages and SARIF justifications. */
  text: string;
}

/** A name in a suppression that silenced nothing in this run (or a bare one that silenced nothing). */
export interface UnusedSuppression {
  suppression: Suppression;
  /** The unused names; empty for a bare `# losslens: ignore` or `ignore-file`. */
  names: string[];
}

export interface Suppressible {
  start: number;
  code: string;
  rule: string;
}

export interface SuppressionResult<F extends Suppressible> {
  kept: F[];
  suppressed: { finding: F; by: Suppression }[];
  unused: UnusedSuppression[];
}

const NOQA = /#\s*noqa(?:\s*:\s*([A-Za-z][A-Za-z0-9_-]*(?:[\s,]+[A-Za-z][A-Za-z0-9_-]*)*))?/gi;
const LOSSLENS = /#\s*losslens:\s*ignore(-file)?(?:\[([^\]]*)\])?/gi;

/** The suppression directives in comments (a comment may hold several, e.g. `# noqa: E501  # losslens: ignore`). */
export function parseSuppressions(comments: SourceComment[]): Suppression[] {
  const out: Suppression[] = [];
  for (const c of comments) {
    for (const m of c.text.matchAll(NOQA)) {
      out.push({ kind: 'noqa', names: m[1] ? m[1].split(/[\s,]+/).filter(Boolean) : [], comment: c, text: m[0].trim() });
    }
    for (const m of c.text.matchAll(LOSSLENS)) {
      const names = m[2] ? m[2].split(',').map((s) => s.trim()).filter(Boolean) : [];
      out.push({ kind: m[1] ? 'ignore-file' : 'ignore', names, comment: c, text: m[0].trim() });
    }
  }
  return out;
}

/** Whether a name in a suppression (code or rule name, any case for codes) means this finding. */
function names(s: Suppression, f: Suppressible): string | undefined {
  if (s.names.length === 0) return '*';
  return s.names.find((n) => n.toUpperCase() === f.code.toUpperCase() || n === f.rule);
}

export interface SuppressionOptions {
  /** The rules Loss Lens has: a name that is none of them (`# noqa: E501`) is another linter's business. */
  rules: readonly Pick<RuleInfo, 'code' | 'name'>[];
  /** Codes of the rules that ran: a suppression for a rule switched off is not reported as unused. */
  enabled?: ReadonlySet<string>;
}

/**
 * Splits findings into kept and suppressed. `lineOf` maps an offset to its 0-based line. Names
 * of other linters' codes and of rules that did not run are never reported as unused, nor is a
 * bare `# noqa` (other linters read it too).
 */
export function applySuppressions<F extends Suppressible>(
  findings: F[],
  comments: SourceComment[],
  lineOf: (offset: number) => number,
  opts: SuppressionOptions,
): SuppressionResult<F> {
  const all = parseSuppressions(comments);
  const byLine = new Map<number, Suppression[]>();
  for (const s of all) if (s.kind !== 'ignore-file') byLine.set(s.comment.line, [...(byLine.get(s.comment.line) ?? []), s]);
  const fileWide = all.filter((s) => s.kind === 'ignore-file');
  const used = new Map<Suppression, Set<string>>();
  const kept: F[] = [];
  const suppressed: { finding: F; by: Suppression }[] = [];
  for (const f of findings) {
    let by: Suppression | undefined;
    for (const s of [...(byLine.get(lineOf(f.start)) ?? []), ...fileWide]) {
      const n = names(s, f);
      if (n === undefined) continue;
      if (!used.has(s)) used.set(s, new Set());
      used.get(s)!.add(n);
      by ??= s;
    }
    if (by) suppressed.push({ finding: f, by });
    else kept.push(f);
  }
  const rule = (n: string) => opts.rules.find((r) => r.code === n.toUpperCase() || r.name === n);
  // In `# losslens: ignore[...]` an unknown name is a mistake worth reporting; in `# noqa` it is another linter's code.
  const reportable = (s: Suppression, n: string) => {
    const r = rule(n);
    return r === undefined ? s.kind !== 'noqa' : !opts.enabled || opts.enabled.has(r.code);
  };
  const unused: UnusedSuppression[] = [];
  for (const s of all) {
    const u = used.get(s);
    if (s.names.length === 0) {
      if (!u && s.kind !== 'noqa') unused.push({ suppression: s, names: [] });
      continue;
    }
    const names = s.names.filter((n) => reportable(s, n) && !u?.has(n));
    if (names.length) unused.push({ suppression: s, names });
  }
  return { kept, suppressed, unused };
}

/** The comments of a parsed file, in order. */
export function commentsOf(root: Node): SourceComment[] {
  const out: SourceComment[] = [];
  for (const c of root.descendantsOfType('comment')) {
    if (c) out.push({ line: c.startPosition.row, start: c.startIndex, end: c.endIndex, text: c.text });
  }
  return out;
}
