import { withBudget } from '../core/limits';
import { FileAnalysis } from '../python/analyze';
import { checkSource } from '../python/budget';
import { editTree, TextChange } from '../python/incremental';
import { joinCells, JoinedCells } from '../python/notebook';
import { ParseTimeout, PythonParser, Tree, unreadableIn } from '../python/parser';
import { Finding, mayHaveFindings, runRules, RunOptions } from '../rules';

/** One text document as the server holds it (a .py file or one notebook cell). */
export interface SourceDoc {
  uri: string;
  version: number;
  getText(): string;
}

/**
 * What an analysis covers: a .py file alone, or a notebook's code cells joined in order (names
 * of earlier cells resolve in later ones).
 */
export type Source = { kind: 'file'; doc: SourceDoc } | { kind: 'notebook'; uri: string; cells: SourceDoc[] };

/**
 * One analysed text and where a document sits in it: a .py file is the whole text (base 0);
 * a notebook cell is a slice of its notebook's joined code cells.
 */
export interface DocView {
  key: string;
  analysis?: FileAnalysis;
  /** Why there is no analysis (too large, binary, parse budget exceeded). */
  problem?: string;
  /** The rule findings inside this document (computed on first use, then cached with the analysis). */
  findings(): Finding[];
  /** Whether findings() is already computed (a hover does not start the rules on its own short budget). */
  hasFindings(): boolean;
  /** Offset of the document's text inside the analysed text, and its length. */
  base: number;
  length: number;
}

interface Entry {
  /** The identity of what was analysed: uri@version, or the notebook's cells as uri@version in order. */
  key: string;
  analysis?: FileAnalysis;
  findings?: Finding[];
  problem?: string;
  /** Notebooks: the joined text and the cell uris in the order they were joined. */
  joined?: JoinedCells;
  cellUris?: string[];
  /** Files: a copy of the tree, edited with the changes since (for an incremental re-parse). */
  edited?: Tree;
  /** The document version `edited` is in step with. */
  editedVersion?: number;
}

/** Time budget for one analysis (parse, evaluation of every statement the rules ask for, rules). */
export const ANALYSIS_BUDGET_MS = 2000;

/** The identity of a source: a file's uri and version; a notebook's cell uris and versions, in order. */
export function keyOf(source: Source): string {
  if (source.kind === 'file') return `${source.doc.uri}@${source.doc.version}`;
  return `${source.uri}#${source.cells.map((c) => `${c.uri}@${c.version}`).join('|')}`;
}

/**
 * Analyses documents and caches the result per identity (a file's version; a notebook's cell
 * uris and versions in order), so diagnostics, hovers, code actions and commands share one
 * analysis. Keying notebook entries by cell uri as well as version means that moving, inserting
 * or replacing a cell is a new analysis whose findings land on the cells they were computed for.
 * Trees are freed (tree.delete()) when a newer version replaces them or the document closes.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly parser: PythonParser,
    /** The rule options for a document or notebook uri (VS Code settings over its project configuration). */
    private readonly rules: (uri: string) => RunOptions,
    private readonly log: (msg: string) => void = () => undefined,
  ) {}

  /**
   * The analysis of `source`, from the cache or computed now, and `docUri`'s place in it.
   * Undefined when docUri is not a code cell of the notebook.
   */
  view(source: Source, docUri: string, isCancelled?: () => boolean): DocView | undefined {
    const key = keyOf(source);
    if (source.kind === 'file') {
      const uri = source.doc.uri;
      const old = this.entries.get(uri);
      const oldTree = old?.edited && old.editedVersion === source.doc.version ? old.edited : undefined;
      const e = this.entry(uri, key, () => this.analyse(source.doc.getText(), uri, isCancelled, oldTree));
      return {
        key, analysis: e.analysis, problem: e.problem, base: 0, length: e.analysis?.text.length ?? 0,
        findings: () => this.findings(e, uri), hasFindings: () => e.findings !== undefined,
      };
    }
    const index = source.cells.findIndex((c) => c.uri === docUri);
    if (index < 0) return undefined;
    const e = this.entry(source.uri, key, () => {
      const joined = joinCells(source.cells.map((c) => c.getText()));
      return { ...this.analyse(joined.text, source.uri, isCancelled, undefined, joined.starts), joined, cellUris: source.cells.map((c) => c.uri) };
    });
    return this.cellView(e, source.uri, index);
  }

  /** The views of every cell of a notebook's current analysis, by cell uri (for publishing diagnostics). */
  notebookViews(source: Extract<Source, { kind: 'notebook' }>, isCancelled?: () => boolean): Map<string, DocView> {
    const out = new Map<string, DocView>();
    if (source.cells.length === 0) return out;
    this.view(source, source.cells[0].uri, isCancelled);
    const e = this.entries.get(source.uri);
    if (!e?.cellUris) return out;
    e.cellUris.forEach((uri, i) => out.set(uri, this.cellView(e, source.uri, i)));
    return out;
  }

  /**
   * Keeps an edited copy of a file's last tree in step with its changes, so the next analysis
   * re-parses incrementally. Called with the changes that took the document from version - 1 to
   * version; anything out of step, or `undefined` (the whole text was replaced), drops the copy
   * (the next parse is a full one).
   */
  trackEdits(uri: string, version: number, changes: TextChange[] | undefined): void {
    const e = this.entries.get(uri);
    if (!e || e.joined || !e.analysis) return;
    // A tree recovered from syntax errors was parsed from a repaired text (broken statements
    // blanked): it does not match the document's text there, so it is no base for an edit.
    if (!changes || unreadableIn(e.analysis.tree).length > 0) {
      e.edited?.delete();
      e.edited = undefined;
      return;
    }
    let base: Tree | undefined;
    if (e.edited && e.editedVersion === version - 1) base = e.edited;
    else {
      e.edited?.delete();
      base = e.key === `${uri}@${version - 1}` ? e.analysis.tree.copy() : undefined;
    }
    e.edited = undefined;
    if (!base) return;
    for (const c of changes) editTree(base, c);
    e.edited = base;
    e.editedVersion = version;
  }

  /**
   * The findings (suppressions applied) of a text that is not a document version, e.g. a
   * fix-all pass: parsed afresh within `deadline`, not cached, its tree freed. Throws a budget
   * error or ParseTimeout when the time runs out.
   */
  findingsOfText(text: string, label: string, deadline: number, isCancelled?: () => boolean, cellStarts?: number[]): Finding[] {
    if (checkSource(text) || !mayHaveFindings(text)) return [];
    const tree = this.parser.parse(text, { deadline, isCancelled, cellStarts });
    try {
      const analysis = new FileAnalysis(tree, text, { deadline, isCancelled });
      analysis.evaluator.setBudget(deadline);
      return withBudget({ deadline, isCancelled }, () => runRules(analysis, { ...this.rules(label), explain: false }));
    } finally {
      tree.delete();
    }
  }

  /** Frees the analysis and trees of a document or notebook (closed). */
  forget(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    this.entries.delete(uri);
    release(e);
  }

  /** Drops every cached analysis (settings changed, shutdown). */
  clear(): void {
    for (const k of [...this.entries.keys()]) this.forget(k);
  }

  /** How many analyses are held (tests check that closing releases them). */
  get size(): number {
    return this.entries.size;
  }

  private cellView(e: Entry, label: string, index: number): DocView {
    const base = e.joined!.starts[index];
    const length = e.joined!.lengths[index];
    return {
      key: e.key, analysis: e.analysis, problem: e.problem, base, length,
      findings: () => this.findings(e, label).filter((f) => f.start >= base && f.start <= base + length),
      hasFindings: () => e.findings !== undefined,
    };
  }

  /** Runs the rules once per analysed version (diagnostics, code actions and hovers share them). */
  private findings(e: Entry, label: string): Finding[] {
    if (e.findings) return e.findings;
    if (!e.analysis || !mayHaveFindings(e.analysis.text)) return (e.findings = []);
    const t0 = Date.now();
    const ev = e.analysis.evaluator;
    const deadline = t0 + ANALYSIS_BUDGET_MS;
    ev.setBudget(deadline);
    try {
      e.findings = withBudget({ deadline }, () => runRules(e.analysis!, { ...this.rules(label), explain: false }));
    } catch (err) {
      // Not cached: a budget error (time, memory, cancellation) says nothing about the file, and
      // the next run tries again.
      this.log(`rules failed on ${label}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return [];
    } finally {
      ev.setBudget(undefined);
    }
    this.log(`rules on ${label}: ${e.findings.length} finding(s) in ${Date.now() - t0} ms`);
    return e.findings;
  }

  private entry(uri: string, key: string, make: () => Omit<Entry, 'key'>): Entry {
    const old = this.entries.get(uri);
    if (old?.key === key) return old;
    const e = { key, ...make() };
    if (old) release(old, e.analysis?.tree);
    this.entries.set(uri, e);
    return e;
  }

  private analyse(text: string, label: string, isCancelled?: () => boolean, oldTree?: Tree, cellStarts?: number[]): Omit<Entry, 'key'> {
    const t0 = Date.now();
    const problem = checkSource(text);
    if (problem) return { findings: [], problem };
    const deadline = t0 + ANALYSIS_BUDGET_MS;
    let tree;
    try {
      tree = this.parser.parse(text, { deadline, isCancelled, oldTree, cellStarts });
    } catch (e) {
      if (e instanceof ParseTimeout) return { findings: [], problem: e.message };
      throw e;
    }
    const analysis = new FileAnalysis(tree, text, { deadline, isCancelled });
    analysis.evaluator.setBudget(undefined);
    this.log(`parsed ${label}${oldTree ? ' incrementally' : ''} in ${Date.now() - t0} ms`);
    return { analysis };
  }
}

/** Frees an entry's trees (except `keep`, a tree still in use). */
function release(e: Entry, keep?: Tree): void {
  if (e.analysis && e.analysis.tree !== keep) e.analysis.tree.delete();
  if (e.edited && e.edited !== keep) e.edited.delete();
  e.edited = undefined;
}
