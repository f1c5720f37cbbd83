import * as vscode from 'vscode';
import { AnalysisService } from './analysis';
import { LossCodeActions } from './code_actions';
import { registerCommands } from './commands';
import { DiagnosticsManager } from './diagnostics';
import { LossHover } from './hover';
import { Logger } from './log';
import { LossPanel, registerLossPanelSerializer } from './panel';
import { loadParser } from './parser_service';
import { readSettings } from './settings';

const PYTHON: vscode.DocumentSelector = [{ language: 'python' }];

/** The API activate() returns: test hooks for the integration tests. */
export interface LossLensApi {
  testHooks(): { panel: ReturnType<LossPanel['testHooks']> };
}

/** Composes the features; each is one disposable. No analysis happens here. */
export function activate(context: vscode.ExtensionContext): LossLensApi {
  const log = new Logger();
  let settings = readSettings();
  const parser = loadParser(context.extensionUri);
  parser.catch((e: unknown) => log.error(`could not load the Python parser: ${e instanceof Error ? e.message : String(e)}`));
  const analysis = new AnalysisService(parser, () => settings, log);
  const diagnostics = new DiagnosticsManager(analysis, () => settings, context.extensionUri, log);
  const panel = new LossPanel(context.extensionUri);
  context.subscriptions.push(
    log,
    analysis,
    diagnostics,
    panel,
    registerLossPanelSerializer(panel),
    vscode.languages.registerHoverProvider(PYTHON, new LossHover(analysis, () => settings)),
    vscode.languages.registerCodeActionsProvider(PYTHON, new LossCodeActions(analysis), LossCodeActions.metadata),
    ...registerCommands(analysis, panel, log),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('lossLens')) return;
      settings = readSettings();
      analysis.clear();
      diagnostics.refreshAll();
    }),
  );
  log.info(`Loss Lens activated (VS Code ${vscode.version})`);
  return { testHooks: () => ({ panel: panel.testHooks() }) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
