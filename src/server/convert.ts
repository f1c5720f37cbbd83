import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Finding, Severity } from '../rules/types';
import { DocView } from './analysis';

export const SOURCE = 'Loss Lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A document and its place in the analysed text (the whole file, or one cell of a notebook). */
export interface Placed {
  doc: TextDocument;
  view: DocView;
}

/** A position in `doc` for an offset of the analysed text (clamped to the document). */
export function positionOf(p: Placed, offset: number): Position {
  return p.doc.positionAt(Math.max(0, Math.min(p.view.length, offset - p.view.base)));
}

export function rangeOf(p: Placed, s: { start: number; end: number }): Range {
  return { start: positionOf(p, s.start), end: positionOf(p, s.end) };
}

/** Offset of the analysed text for a position in `doc`. */
export function offsetOf(p: Placed, pos: Position): number {
  return p.doc.offsetAt(pos) + p.view.base;
}

/**
 * A finding as an LSP diagnostic: stable code linked to its docs page, related locations (in a
 * notebook, in whichever cell holds them: `placeOf` finds it).
 */
export function toDiagnostic(p: Placed, f: Finding, docsBase: string, placeOf: (offset: number) => Placed = () => p): Diagnostic {
  const related: DiagnosticRelatedInformation[] = f.related.map((r) => {
    const at = placeOf(r.start);
    return { location: { uri: at.doc.uri, range: rangeOf(at, r) }, message: r.message };
  });
  return {
    range: rangeOf(p, f),
    message: f.message,
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.code,
    codeDescription: { href: `${docsBase.replace(/\/+$/, '')}/${f.rule}.md` },
    ...(related.length ? { relatedInformation: related } : {}),
  };
}

/**
 * Where the analysis could not read the code (syntax errors) inside this document: one
 * information diagnostic at the first such place, saying how many there are. The code around
 * them is analysed (src/python/recover.ts).
 */
export function unreadableDiagnostic(p: Placed): Diagnostic | undefined {
  const all = (p.view.analysis?.unreadable ?? []).filter((u) => u.start >= p.view.base && u.start <= p.view.base + p.view.length);
  if (all.length === 0) return undefined;
  const first = all[0];
  const more = all.length > 1 ? ` (and ${all.length - 1} more place${all.length > 2 ? 's' : ''})` : '';
  return {
    range: rangeOf(p, { start: first.start, end: Math.max(first.start, first.end) }),
    message: `Loss Lens could not read this code: ${first.reason}${more}. The code around it is analysed.`,
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
  };
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
