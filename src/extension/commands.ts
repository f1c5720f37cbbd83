import * as vscode from 'vscode';
import { explainAt, explainRange } from '../explain/explain';
import { PanelModel } from '../../webview/protocol';
import { AnalysisService, DocView } from './analysis';
import { Logger } from './log';
import { LossPanel } from './panel';

/**
 * The four commands. Evaluate Selection and Explain Loss at Cursor show their result in the
 * panel and also return the model (so tests and other extensions can use it).
 */
const COMMAND_BUDGET_MS = 2000;

export function registerCommands(analysis: AnalysisService, panel: LossPanel, log: Logger): vscode.Disposable[] {
  const withEditor = async (f: (ed: vscode.TextEditor) => Promise<PanelModel | undefined>) => {
    const ed = vscode.window.activeTextEditor;
    if (!ed || ed.document.languageId !== 'python') {
      void vscode.window.showInformationMessage('Loss Lens: open a Python file or notebook cell first.');
      return undefined;
    }
    try {
      return await f(ed);
    } catch (e) {
      log.error(`command failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      void vscode.window.showErrorMessage('Loss Lens could not evaluate this code. See "Loss Lens: Show Logs" for details.');
      return undefined;
    }
  };

  const viewOf = async (ed: vscode.TextEditor) => {
    const view = await analysis.view(ed.document);
    if (!view?.analysis) {
      void vscode.window.showWarningMessage(`Loss Lens: this file is not analysed${view?.problem ? `: ${view.problem}` : ''}.`);
      return undefined;
    }
    return view;
  };

  /** A command may evaluate more than a hover, but never without a time budget. */
  const budgeted = <T>(view: DocView, f: () => T): T => {
    const ev = view.analysis!.evaluator;
    ev.setBudget(Date.now() + COMMAND_BUDGET_MS);
    try {
      return f();
    } finally {
      ev.setBudget(undefined);
    }
  };

  return [
    vscode.commands.registerCommand('lossLens.evaluateSelection', () =>
      withEditor(async (ed) => {
        const view = await viewOf(ed);
        if (!view) return undefined;
        const sel = ed.selection;
        const start = ed.document.offsetAt(sel.start) + view.base;
        const end = ed.document.offsetAt(sel.end) + view.base;
        const opts = { uri: ed.document.uri.toString() };
        const model = inCell(view, budgeted(view, () => (sel.isEmpty ? explainAt(view.analysis!, start, opts) : explainRange(view.analysis!, start, end, opts))));
        if (!model) {
          void vscode.window.showInformationMessage('Loss Lens: select an array literal or a loss expression to evaluate.');
          return undefined;
        }
        panel.show(model);
        return model;
      }),
    ),
    vscode.commands.registerCommand('lossLens.explainLossAtCursor', () =>
      withEditor(async (ed) => {
        const view = await viewOf(ed);
        if (!view) return undefined;
        const offset = ed.document.offsetAt(ed.selection.active) + view.base;
        const model = inCell(view, budgeted(view, () => explainAt(view.analysis!, offset, { uri: ed.document.uri.toString() })));
        if (!model) {
          void vscode.window.showInformationMessage('Loss Lens: no loss call, softmax or array literal at the cursor.');
          return undefined;
        }
        panel.show(model);
        return model;
      }),
    ),
    vscode.commands.registerCommand('lossLens.openPanel', () => panel.reveal()),
    vscode.commands.registerCommand('lossLens.showLogs', () => log.show()),
  ];
}

/** For a notebook cell, lines in the model count from the joined notebook text: make them cell lines. */
function inCell(view: DocView, model: PanelModel | undefined): PanelModel | undefined {
  if (!model || view.base === 0 || !view.analysis) return model;
  const before = view.analysis.text.slice(0, view.base).split('\n').length - 1;
  const src = model.source;
  return { ...model, source: { ...src, line: src.line - before, endLine: src.endLine !== undefined ? src.endLine - before : src.endLine } };
}
