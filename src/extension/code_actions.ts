import * as vscode from 'vscode';
import { RULES } from '../rules';
import { AnalysisService } from './analysis';
import { findingFor, rangeOf } from './convert';
import { DiagnosticsManager } from './diagnostics';

const CODES = new Set(RULES.map((r) => r.code));

/** Quick fixes for Loss Lens diagnostics: each fix of the finding, the rule's best one preferred. */
export class LossCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly analysis: AnalysisService) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const ours = DiagnosticsManager.ours(ctx.diagnostics).filter((d) => CODES.has(typeof d.code === 'object' ? String(d.code.value) : String(d.code)));
    if (ours.length === 0) return [];
    const view = await this.analysis.view(doc, token);
    if (!view) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const f = findingFor(doc, view, d);
      if (!f) continue;
      for (const fix of f.fixes) {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.isPreferred = fix.preferred ?? false;
        a.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) a.edit.replace(doc.uri, rangeOf(doc, view, e), e.newText);
        actions.push(a);
      }
    }
    return actions;
  }
}
