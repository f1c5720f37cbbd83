import * as vscode from 'vscode';
import { FileAnalysis } from '../python/analyze';
import { checkSource } from '../python/budget';
import { JoinedCells, joinCells } from '../python/notebook';
import { editTree } from '../python/incremental';
import { ParseTimeout, PythonParser, Tree } from '../python/parser';
import { Finding, mayHaveFindings, runRules } from '../rules';
import { Disposable } from './disposable';
import { Logger } from './log';
import { Settings } from './settings';

/**
 * One analysed text and where a document sits in it: a .py file is the whole text (base 0);
 * a notebook cell is a slice of its notebook's joined code cells.
 */
export interface DocView {
  key: string;
  analysis?: FileAnalysis;
  /** The rule findings inside this document (computed on first use, then cached with the analysis). */
  findings(): Finding[];
  /** Whether findings() is already computed (a hover does not start the rules itself). */
  hasFindings(): boolean;
  /** Why there is no analysis (too large, binary, parse budget exceeded). */
  problem?: string;
  /** Offset of the document's text inside the analysed text. */
  base: number;
  length: number;
}

interface Entry {
  key: string;
  analysis?: FileAnalysis;
  findings?: Finding[];
  problem?: string;
  joined?: JoinedCells;
  cells?: vscode.NotebookCell[];
  /** The tree of this entry, copied and edited with the changes since (for an incremental re-parse). */
  edited?: Tree;
  /** The document version `edited` corresponds to. */
  editedVersion?: number;
  /** Smallest offset changed since this entry's version (text before it is unchanged). */
  firstChange?: number;
  /** The document version that firstChange is up to date with. */
  changedVersion?: number;
}

/** Time budget for one analysis (parse, evaluation of every statement, rules). */
const BUDGET_MS = 2000;

/**
 * Analyses documents and caches the result per document version (notebooks: per the versions
 * of all their code cells), so diagnostics, hovers, code actions and commands share one
 * analysis. Old trees are freed when a newer version replaces them.
 */
export class AnalysisService extends Disposable {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly parser: Promise<PythonParser>,
    private readonly settings: () => Settings,
    private readonly log: Logger,
  ) {
    super();
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.trackEdits(e)));
    this.register(vscode.workspace.onDidCloseNotebookDocument((n) => this.forget(n.uri.toString())));
  }

  /** The analysis of a document at its current version (computed now if not cached). */
  async view(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<DocView | undefined> {
    const parser = await this.parser;
    if (token?.isCancellationRequested) return undefined;
    return this.viewSync(parser, doc, token);
  }

  /**
   * For a hover: the current analysis if it is cached; otherwise the previous version's, when
   * every edit since lies after the statement under the cursor. Evaluation only reads code before
   * the hovered statement (names resolve to earlier bindings), so that analysis gives exactly the
   * same answer, without a re-parse on the hover's clock. Returns undefined when neither applies.
   */
  cachedViewForHover(doc: vscode.TextDocument, offset: number): DocView | undefined {
    const uri = doc.uri.toString();
    const e = this.entries.get(uri);
    if (!e || e.joined || !e.analysis) return undefined;
    const stale = e.key !== `${uri}@${doc.version}`;
    if (stale) {
      if (e.changedVersion !== doc.version || e.firstChange === undefined) return undefined;
      let stmt = e.analysis.tree.rootNode.descendantForIndex(offset, offset);
      while (stmt && stmt.parent && stmt.parent.type !== 'module' && stmt.parent.type !== 'block') stmt = stmt.parent;
      if (!stmt || stmt.endIndex >= e.firstChange) return undefined;
    }
    return { key: e.key, analysis: e.analysis, problem: e.problem, findings: () => this.findings(e, uri), hasFindings: () => e.findings !== undefined, base: 0, length: e.analysis.text.length };
  }

  /** Drops cached analyses (settings changed). */
  clear(): void {
    for (const k of [...this.entries.keys()]) this.forget(k);
  }

  private viewSync(parser: PythonParser, doc: vscode.TextDocument, token?: vscode.CancellationToken): DocView | undefined {
    const nb = notebookOf(doc);
    if (nb) {
      const cells = nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
      const index = cells.findIndex((c) => c.document === doc);
      if (index < 0) return undefined;
      const key = `${nb.uri.toString()}#${cells.map((c) => c.document.version).join('.')}`;
      const e = this.entry(nb.uri.toString(), key, () => {
        const joined = joinCells(cells.map((c) => c.document.getText()));
        return { ...this.analyse(parser, joined.text, nb.uri.toString(), token), joined, cells };
      });
      const base = e.joined!.starts[index];
      const length = e.joined!.lengths[index];
      return {
        key, analysis: e.analysis, problem: e.problem, base, length,
        findings: () => this.findings(e, nb.uri.toString()).filter((f) => f.start >= base && f.start <= base + length),
        hasFindings: () => e.findings !== undefined,
      };
    }
    const uri = doc.uri.toString();
    const key = `${uri}@${doc.version}`;
    const previous = this.entries.get(uri);
    const oldTree = previous?.edited && previous.editedVersion === doc.version ? previous.edited : undefined;
    const e = this.entry(uri, key, () => this.analyse(parser, doc.getText(), uri, token, oldTree));
    return { key, analysis: e.analysis, problem: e.problem, findings: () => this.findings(e, uri), hasFindings: () => e.findings !== undefined, base: 0, length: doc.getText().length };
  }

  /** Runs the rules once per analysed version (diagnostics, code actions and hovers share them). */
  private findings(e: Entry, label: string): Finding[] {
    if (e.findings) return e.findings;
    e.findings = [];
    if (!e.analysis || !mayHaveFindings(e.analysis.text)) return e.findings;
    const t0 = Date.now();
    const ev = e.analysis.evaluator;
    ev.setBudget(t0 + BUDGET_MS);
    try {
      e.findings = runRules(e.analysis, { ...this.settings().rules, explain: false });
    } catch (err) {
      this.log.error(`rules failed on ${label}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    } finally {
      ev.setBudget(undefined);
    }
    this.log.trace(`rules on ${label}: ${e.findings.length} finding(s) in ${Date.now() - t0} ms`);
    return e.findings;
  }

  /**
   * Keeps an edited copy of the last tree in step with single-change edits, so the next analysis
   * re-parses incrementally. Several changes at once (multi-cursor) fall back to a full parse.
   */
  private trackEdits(ev: vscode.TextDocumentChangeEvent): void {
    const uri = ev.document.uri.toString();
    const e = this.entries.get(uri);
    if (!e || e.joined || !e.analysis || ev.contentChanges.length === 0) return;
    const v = ev.document.version;
    const since = e.changedVersion === v - 1 || e.key === `${uri}@${v - 1}`;
    const first = Math.min(...ev.contentChanges.map((c) => c.rangeOffset));
    e.firstChange = since ? Math.min(e.firstChange ?? Infinity, first) : undefined;
    e.changedVersion = since ? v : undefined;
    let base: Tree | undefined;
    if (e.edited && e.editedVersion === v - 1) base = e.edited;
    else {
      e.edited?.delete();
      base = e.key === `${uri}@${v - 1}` ? e.analysis.tree.copy() : undefined;
    }
    e.edited = undefined;
    if (!base) return;
    if (ev.contentChanges.length !== 1) {
      base.delete();
      return;
    }
    const c = ev.contentChanges[0];
    editTree(base, { offset: c.rangeOffset, length: c.rangeLength, text: c.text, start: c.range.start, end: c.range.end });
    e.edited = base;
    e.editedVersion = v;
  }

  private entry(uri: string, key: string, make: () => Omit<Entry, 'key'>): Entry {
    const old = this.entries.get(uri);
    if (old?.key === key) return old;
    const e = { key, ...make() };
    if (old) {
      old.analysis?.tree.delete();
      old.edited?.delete();
    }
    this.entries.set(uri, e);
    return e;
  }

  private analyse(parser: PythonParser, text: string, label: string, token?: vscode.CancellationToken, oldTree?: Tree): Omit<Entry, 'key'> {
    const t0 = Date.now();
    const problem = checkSource(text);
    if (problem) return { findings: [], problem };
    const deadline = t0 + BUDGET_MS;
    const isCancelled = () => token?.isCancellationRequested ?? false;
    let tree;
    try {
      tree = parser.parse(text, { deadline, isCancelled, oldTree });
    } catch (e) {
      if (e instanceof ParseTimeout) return { findings: [], problem: e.message };
      throw e;
    }
    const analysis = new FileAnalysis(tree, text, { deadline, isCancelled });
    analysis.evaluator.setBudget(undefined);
    this.log.trace(`parsed ${label}${oldTree ? ' incrementally' : ''} in ${Date.now() - t0} ms`);
    return { analysis };
  }

  private forget(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    e.analysis?.tree.delete();
    e.edited?.delete();
    this.entries.delete(uri);
  }

  override dispose(): void {
    this.clear();
    super.dispose();
  }
}

/** The notebook a cell document belongs to, if it is a cell. */
export function notebookOf(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (doc.uri.scheme !== 'vscode-notebook-cell') return undefined;
  return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === doc));
}
