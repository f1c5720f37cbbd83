import * as path from 'path';
import { Project } from '../analysis/project';
import { FileAnalysis } from '../python/analyze';
import { checkSource } from '../python/budget';
import { LineIndex } from '../python/lines';
import { JoinedCells, joinCells, locate } from '../python/notebook';
import { ParseTimeout, PythonParser } from '../python/parser';
import { Finding, RULES, RunOptions, mayHaveFindings, runRules } from '../rules';
import { Suppression, applySuppressions, commentsOf } from '../rules/suppression';
import { NotebookFile, readNotebook } from './notebook_file';
import type { Unreadable } from '../python/recover';
import { readSource } from './read_source';
import { collectFiles } from './walk';
import { unreadableNote } from './unreadable';

/** One finding located in a file (1-based lines and columns, UTF-16 columns). */
export interface Located {
  file: string;
  /** 1-based notebook cell for .ipynb files, counted among code cells (positions are then inside that cell). */
  cell?: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  rule: string;
  severity: Finding['severity'];
  message: string;
  /** Set on findings silenced by a comment (they are reported only in SARIF, as suppressions). */
  suppressedBy?: string;
  /** The flagged source text (first 500 characters), for fingerprints. */
  context?: string;
  /** The fix --fix would apply (the preferred one), if the rule offers one. */
  fix?: { title: string; applicability: 'safe' | 'unsafe' };
}

/** What a file's text is: a Python file, or a notebook's code cells joined (see python/notebook.ts). */
export type CheckedSource = { kind: 'python'; text: string } | { kind: 'notebook'; json: string; nb: NotebookFile; joined: JoinedCells };

export interface CheckedFile {
  file: string;
  findings: Located[];
  suppressed: Located[];
  /** Suppression comments that silenced nothing (reported with --report-unused-suppressions). */
  unused: Located[];
  /** The raw findings with offsets into `source`'s (joined) text, for --fix. */
  raw: Finding[];
  source?: CheckedSource;
  skipped?: string;
  /** One line saying where the analysis could not read the code (syntax errors), if anywhere. */
  unreadable?: string;
}

export interface CheckOptions extends RunOptions {
  /** Also compute unused suppressions. */
  unusedSuppressions?: boolean;
}

/** Parsed files a project check holds at most between two files (memory), see Project.trim. */
const MAX_HELD_FILES = 400;

/** A file's key in a project: its absolute path with forward slashes. */
export function projectKey(file: string): string {
  return path.resolve(file).split(path.sep).join('/');
}

/**
 * The files given to one `losslens check` as one project: imports between them resolve (under the
 * given paths and the importing file's folders). Dispose it when the check is done.
 */
export function createProject(parser: PythonParser, roots: string[]): Project {
  const read = (p: string) => {
    const src = readSource(p, MAX_READ_BYTES);
    return 'error' in src ? undefined : src.text;
  };
  // Every file of the check, so a function's callers are also looked for in the other files.
  const files = collectFiles(roots, () => undefined).map(projectKey);
  return new Project({ parser, read, files, roots: roots.map(projectKey).map((r) => (/\.(py|ipynb)$/.test(r) ? path.posix.dirname(r) : r)), parseBudgetMs: FILE_BUDGET_MS });
}

const MAX_READ_BYTES = 16_000_000;
const FILE_BUDGET_MS = 2000;

/** The source of a file to check, or why it cannot be checked (one line). */
export function readChecked(file: string): CheckedSource | { error: string } {
  const src = readSource(file, MAX_READ_BYTES);
  if ('error' in src) return { error: src.error.replace(`${file}: `, '') };
  if (!file.endsWith('.ipynb')) return { kind: 'python', text: src.text };
  const nb = readNotebook(src.text);
  if ('error' in nb) return nb;
  return { kind: 'notebook', json: src.text, nb, joined: joinCells(nb.cells) };
}

export function sourceText(s: CheckedSource): string {
  return s.kind === 'python' ? s.text : s.joined.text;
}

/** Checks one file; problems that stop the check come back as `skipped` (never thrown). */
export function checkFile(parser: PythonParser, file: string, opts: CheckOptions = {}): CheckedFile {
  const source = readChecked(file);
  if ('error' in source) return { file, findings: [], suppressed: [], unused: [], raw: [], skipped: source.error };
  return checkSourceOf(parser, file, source, opts);
}

export function checkSourceOf(parser: PythonParser, file: string, source: CheckedSource, opts: CheckOptions = {}): CheckedFile {
  const text = sourceText(source);
  const r = analyseText(parser, text, opts, source.kind === 'notebook' ? source.joined.starts : undefined);
  const empty = { file, findings: [], suppressed: [], unused: [], raw: [], source };
  if ('skipped' in r) return { ...empty, skipped: r.skipped };
  if (!r.analysed) return empty;
  const lines = new LineIndex(text);
  const enabled = new Set(RULES.filter((x) => (opts.severity?.[x.name] ?? x.defaultSeverity) !== 'off').map((x) => x.code));
  const s = applySuppressions(r.findings, r.comments, (o) => lines.line(o), { rules: RULES, enabled });
  const at = locator(file, source, lines);
  const unused = opts.unusedSuppressions
    ? s.unused.map((u) => ({
        ...at(u.suppression.comment.start, u.suppression.comment.end),
        code: 'LL001',
        rule: 'unused-suppression',
        severity: 'warning' as const,
        message: u.names.length ? `'${u.suppression.text}': ${u.names.map((n) => (RULES.some((x) => x.code === n.toUpperCase() || x.name === n) ? n : `${n} (no such rule)`)).join(', ')} silence${u.names.length === 1 ? 's' : ''} nothing here` : `'${u.suppression.text}' silences nothing`,
      }))
    : [];
  return {
    file,
    findings: s.kept.map((f) => ({ ...at(f.start, f.end), ...base(f, text) })),
    suppressed: s.suppressed.map(({ finding: f, by }) => ({ ...at(f.start, f.end), ...base(f, text), suppressedBy: describe(by) })),
    unused,
    raw: s.kept,
    unreadable: unreadableNote(file, r.unreadable, (o) => {
      const p = at(o, o);
      return `${'cell' in p ? `#cell${p.cell}` : ''}:${p.line}:${p.column}`;
    }),
    source,
  };
}

function describe(s: Suppression): string {
  return s.text;
}

function base(f: Finding, text: string): Omit<Located, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
  const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
  return {
    code: f.code,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    context: text.slice(f.start, Math.min(f.end, f.start + 500)),
    ...(fix ? { fix: { title: fix.title, applicability: fix.applicability ?? 'unsafe' } } : {}),
  };
}

/** Offsets of the analysed text -> file positions (for notebooks: cell and position inside the cell). */
function locator(file: string, source: CheckedSource, lines: LineIndex) {
  if (source.kind === 'python') {
    return (start: number, end: number) => {
      const s = lines.position(start);
      const e = lines.position(end);
      return { file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
    };
  }
  const cellLines = new Map<number, LineIndex>();
  return (start: number, end: number) => {
    const a = locate(source.joined, start);
    const b = locate(source.joined, end);
    const cellText = source.nb.cells[a.cell] ?? '';
    let li = cellLines.get(a.cell);
    if (!li) cellLines.set(a.cell, (li = new LineIndex(cellText)));
    const s = li.position(a.offset);
    const e = li.position(b.cell === a.cell ? b.offset : cellText.length);
    return { file, cell: a.cell + 1, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
}

type Analysed = { analysed: true; findings: Finding[]; comments: ReturnType<typeof commentsOf>; unreadable: Unreadable[] } | { analysed: false } | { skipped: string };

/** Parse + rules on a text, within the file budget. Files without any loss-related word are not parsed. */
export function analyseText(parser: PythonParser, text: string, opts: RunOptions = {}, cellStarts?: number[]): Analysed {
  const problem = checkSource(text);
  if (problem) return { skipped: problem };
  if (!mayHaveFindings(text)) return { analysed: false };
  const project = opts.project;
  const pf = project && opts.path ? project.file(opts.path) : undefined;
  if (project && pf && pf.text === text) {
    // The project parsed this file already (another file imported it): reuse its analysis.
    const result = rulesOn(pf.analysis, opts);
    project.release(opts.path!);
    project.trim(MAX_HELD_FILES);
    return result;
  }
  const deadline = Date.now() + FILE_BUDGET_MS;
  let tree;
  try {
    tree = parser.parse(text, { deadline, cellStarts });
  } catch (e) {
    if (e instanceof ParseTimeout) return { skipped: e.message };
    throw e;
  }
  try {
    return rulesOn(new FileAnalysis(tree, text, { deadline }), opts);
  } finally {
    tree.delete();
  }
}

/** The rules' findings on an analysis, with the comments suppressions are read from (applied by the caller). */
function rulesOn(analysis: FileAnalysis, opts: RunOptions): Analysed {
  const findings = runRules(analysis, { ...opts, explain: false, suppressions: false });
  return { analysed: true, findings, comments: commentsOf(analysis.tree.rootNode), unreadable: analysis.unreadable };
}
