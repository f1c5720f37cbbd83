import * as vscode from 'vscode';
import { FileAnalysis } from '../python/analyze';
import { checkSource } from '../python/budget';
import { JoinedCells, joinCells } from '../python/notebook';
import { ParseTimeout, PythonParser } from '../python/parser';
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
  findings: Finding[];
  /** Why there is no analysis (too large, binary, parse budget exceeded). */
  problem?: string;
  /** Offset of the document's text inside the analysed text. */
  base: number;
  length: number;
}

interface Entry {
  key: string;
  analysis?: FileAnalysis;
  findings: Finding[];
  problem?: string;
  joined?: JoinedCells;
  cells?: vscode.NotebookCell[];
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
    this.register(vscode.workspace.onDidCloseNotebookDocument((n) => this.forget(n.uri.toString())));
  }

  /** The analysis of a document at its current version (computed now if not cached). */
  async view(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<DocView | undefined> {
    const parser = await this.parser;
    if (token?.isCancellationRequested) return undefined;
    return this.viewSync(parser, doc, token);
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
      return { key, analysis: e.analysis, problem: e.problem, base, length, findings: e.findings.filter((f) => f.start >= base && f.start <= base + length) };
    }
    const key = `${doc.uri.toString()}@${doc.version}`;
    const e = this.entry(doc.uri.toString(), key, () => this.analyse(parser, doc.getText(), doc.uri.toString(), token));
    return { key, analysis: e.analysis, problem: e.problem, findings: e.findings, base: 0, length: doc.getText().length };
  }

  private entry(uri: string, key: string, make: () => Omit<Entry, 'key'>): Entry {
    const old = this.entries.get(uri);
    if (old?.key === key) return old;
    const e = { key, ...make() };
    if (old) old.analysis?.tree.delete();
    this.entries.set(uri, e);
    return e;
  }

  private analyse(parser: PythonParser, text: string, label: string, token?: vscode.CancellationToken): Omit<Entry, 'key'> {
    const t0 = Date.now();
    const problem = checkSource(text);
    if (problem) return { findings: [], problem };
    const deadline = t0 + BUDGET_MS;
    const isCancelled = () => token?.isCancellationRequested ?? false;
    let tree;
    try {
      tree = parser.parse(text, { deadline, isCancelled });
    } catch (e) {
      if (e instanceof ParseTimeout) return { findings: [], problem: e.message };
      throw e;
    }
    const analysis = new FileAnalysis(tree, text, { deadline, isCancelled });
    let findings: Finding[] = [];
    try {
      findings = mayHaveFindings(text) ? runRules(analysis, { ...this.settings().rules, explain: false }) : [];
    } catch (e) {
      this.log.error(`rules failed on ${label}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
    analysis.evaluator.setBudget(undefined);
    this.log.trace(`analysed ${label} in ${Date.now() - t0} ms: ${findings.length} finding(s)`);
    return { analysis, findings };
  }

  private forget(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    e.analysis?.tree.delete();
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
