import * as vscode from 'vscode';
import { AnalysisService, notebookOf } from './analysis';
import { SOURCE, toDiagnostic } from './convert';
import { Disposable } from './disposable';
import { Logger } from './log';
import { Settings } from './settings';

/**
 * Owns the DiagnosticCollection. Recomputes a document's diagnostics after edits (debounced),
 * on save, or never, per the settings; a newer edit cancels the pending run; results for a
 * version that is no longer current are dropped; closing a document clears its diagnostics.
 * Notebook cells are recomputed together, since a change in one cell can affect later cells.
 */
export class DiagnosticsManager extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('lossLens'));
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; cts: vscode.CancellationTokenSource }>();

  constructor(
    private readonly analysis: AnalysisService,
    private readonly settings: () => Settings,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.settings().run === 'onType' && e.contentChanges.length) this.schedule(e.document, this.settings().debounceMs);
    }));
    this.register(vscode.workspace.onDidSaveTextDocument((d) => {
      if (this.settings().run === 'onSave') this.schedule(d, 0);
    }));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)));
    this.register(vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb, 0)));
    this.register(vscode.workspace.onDidChangeNotebookDocument((e) => {
      if (this.settings().run === 'onType') this.scheduleNotebook(e.notebook, this.settings().debounceMs);
    }));
    this.register(vscode.workspace.onDidCloseNotebookDocument((nb) => nb.getCells().forEach((c) => this.clear(c.document.uri))));
    this.register({ dispose: () => this.pending.forEach((p) => (clearTimeout(p.timer), p.cts.cancel(), p.cts.dispose())) });
    this.refreshAll();
  }

  /** Recomputes every open Python document (after a settings change). */
  refreshAll(): void {
    if (this.settings().run === 'off') {
      this.collection.clear();
      return;
    }
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private scheduleNotebook(nb: vscode.NotebookDocument, delay: number): void {
    for (const c of nb.getCells()) if (c.kind === vscode.NotebookCellKind.Code) this.schedule(c.document, delay);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (doc.languageId !== 'python' || this.settings().run === 'off') return;
    const key = doc.uri.toString();
    const prev = this.pending.get(key);
    if (prev) {
      clearTimeout(prev.timer);
      prev.cts.cancel();
      prev.cts.dispose();
    }
    const cts = new vscode.CancellationTokenSource();
    const version = doc.version;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.run(doc, version, cts.token).finally(() => cts.dispose());
    }, delay);
    this.pending.set(key, { timer, cts });
  }

  private async run(doc: vscode.TextDocument, version: number, token: vscode.CancellationToken): Promise<void> {
    try {
      const view = await this.analysis.view(doc, token);
      // Drop results for a document that changed or closed meanwhile.
      if (!view || token.isCancellationRequested || doc.isClosed || doc.version !== version) return;
      if (notebookOf(doc) === undefined && doc.uri.scheme === 'vscode-notebook-cell') return;
      this.collection.set(doc.uri, view.findings().map((f) => toDiagnostic(doc, view, f, this.extensionUri)));
      if (view.problem) this.log.info(`${doc.uri.toString()}: not analysed: ${view.problem}`);
    } catch (e) {
      this.log.error(`diagnostics failed for ${doc.uri.toString()}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  private clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  /** Diagnostics of this extension at a range (for code actions). */
  static ours(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
    return diagnostics.filter((d) => d.source === SOURCE);
  }
}
