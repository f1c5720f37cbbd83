import * as vscode from 'vscode';
import { Finding, Severity } from '../rules/types';
import { DocView } from './analysis';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export const SOURCE = 'Loss Lens';

/** A position in `doc` for an offset of the analysed text (which may be a whole notebook). */
export function positionOf(doc: vscode.TextDocument, view: DocView, offset: number): vscode.Position {
  return doc.positionAt(Math.max(0, Math.min(view.length, offset - view.base)));
}

export function rangeOf(doc: vscode.TextDocument, view: DocView, s: { start: number; end: number }): vscode.Range {
  return new vscode.Range(positionOf(doc, view, s.start), positionOf(doc, view, s.end));
}

/** Converts a rule finding to a Diagnostic: code with a link to its docs page, related locations. */
export function toDiagnostic(doc: vscode.TextDocument, view: DocView, f: Finding, extensionUri: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(rangeOf(doc, view, f), f.message, SEVERITY[f.severity]);
  d.source = SOURCE;
  d.code = { value: f.code, target: vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${f.rule}.md`) };
  d.relatedInformation = f.related.map(
    (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, rangeOf(doc, view, r)), r.message),
  );
  return d;
}

/** The finding a diagnostic came from (same code and range), to find its fixes. */
export function findingFor(doc: vscode.TextDocument, view: DocView, d: vscode.Diagnostic): Finding | undefined {
  const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
  return view.findings().find((f) => f.code === code && rangeOf(doc, view, f).isEqual(d.range));
}
