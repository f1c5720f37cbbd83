import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import type { PanelModel } from '../../webview/protocol';
import { CommandResult, EvaluateRequest, ExplainRequest } from '../server/protocol';
import { Logger } from './log';
import { LossPanel } from './panel';

/**
 * The five commands. Evaluate Selection and Explain Loss at Cursor ask the server (custom
 * requests) and show its model in the panel; they also return the model (so tests and other
 * extensions can use it). Nothing is evaluated here.
 */
export function registerCommands(client: BaseLanguageClient, panel: LossPanel, log: Logger, openRulePage: (rule: unknown) => Promise<boolean>): vscode.Disposable[] {
  const ask = async (f: (ed: vscode.TextEditor) => Promise<CommandResult>): Promise<PanelModel | undefined> => {
    const ed = vscode.window.activeTextEditor;
    if (!ed || ed.document.languageId !== 'python') {
      void vscode.window.showInformationMessage('Loss Lens: open a Python file or notebook cell first.');
      return undefined;
    }
    try {
      const r = await f(ed);
      if (r.model) {
        panel.show(r.model);
        return r.model;
      }
      void vscode.window.showInformationMessage(`Loss Lens: ${r.message ?? 'nothing to show here.'}`);
    } catch (e) {
      log.error(`command failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      void vscode.window.showErrorMessage('Loss Lens could not evaluate this code. See "Loss Lens: Show Logs" for details.');
    }
    return undefined;
  };
  const c2p = () => client.code2ProtocolConverter;

  return [
    vscode.commands.registerCommand('lossLens.evaluateSelection', () =>
      ask((ed) => client.sendRequest(EvaluateRequest, { textDocument: c2p().asTextDocumentIdentifier(ed.document), range: c2p().asRange(ed.selection) }))),
    vscode.commands.registerCommand('lossLens.explainLossAtCursor', () =>
      ask((ed) => client.sendRequest(ExplainRequest, { textDocument: c2p().asTextDocumentIdentifier(ed.document), position: c2p().asPosition(ed.selection.active) }))),
    vscode.commands.registerCommand('lossLens.openPanel', () => panel.reveal()),
    vscode.commands.registerCommand('lossLens.showLogs', () => log.show()),
    // A rule's page, rendered (src/extension/rule_pages.ts); diagnostics' code links open the same.
    vscode.commands.registerCommand('lossLens.openRulePage', openRulePage),
  ];
}
