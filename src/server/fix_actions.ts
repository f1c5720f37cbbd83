import { CodeAction, CodeActionKind, Diagnostic, TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAll, fixAllCells } from '../rules/fix_all';
import { AnalysisCache } from './analysis';
import { Located } from './workspace';

/** `source.fixAll.losslens`: the editor's "Fix All" (and `editor.codeActionsOnSave`) for Loss Lens's safe fixes. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.losslens`;

/** Time for a whole fix-all (every pass re-parses and re-runs the rules). */
export const FIX_ALL_BUDGET_MS = 5000;

/** Whether a request's `only` asks for fix-all: `source`, `source.fixAll` or `source.fixAll.losslens`. */
export function wantsFixAll(only: string[] | undefined): boolean {
  return !!only?.some((k) => k === FIX_ALL_KIND || FIX_ALL_KIND.startsWith(`${k}.`));
}

/** One edit replacing the part of `doc` that differs from `next` (common prefix and suffix kept). */
function diffEdit(doc: TextDocument, next: string): TextEdit | undefined {
  const text = doc.getText();
  if (text === next) return undefined;
  let a = 0;
  while (a < text.length && a < next.length && text[a] === next[a]) a++;
  let b = 0;
  while (b < text.length - a && b < next.length - a && text[text.length - 1 - b] === next[next.length - 1 - b]) b++;
  return { range: { start: doc.positionAt(a), end: doc.positionAt(text.length - b) }, newText: next.slice(a, next.length - b) };
}

/**
 * The fix-all action for the file (or the whole notebook) `here` is in: safe fixes only, applied
 * by src/rules/fix_all.ts until nothing changes, each pass analysed afresh with the document's
 * rule options and suppressions. A notebook gets one edit per changed cell document. Undefined
 * when there is nothing to fix or the budget ran out (then nothing is half-applied).
 */
export function fixAllAction(cache: AnalysisCache, here: Located, isCancelled: () => boolean): CodeAction | undefined {
  const deadline = Date.now() + FIX_ALL_BUDGET_MS;
  const changes: Record<string, TextEdit[]> = {};
  let applied = 0;
  try {
    if (here.source.kind === 'file') {
      const doc = here.doc;
      const r = fixAll(doc.getText(), (t) => cache.findingsOfText(t, doc.uri, deadline, isCancelled), 'safe');
      const edit = diffEdit(doc, r.text);
      if (edit) changes[doc.uri] = [edit];
      applied = r.applied;
    } else {
      const label = here.source.uri;
      const cells = here.source.cells;
      const r = fixAllCells(cells.map((c) => c.getText()), (j) => cache.findingsOfText(j.text, label, deadline, isCancelled, j.starts), 'safe');
      cells.forEach((c, i) => {
        const edit = diffEdit(c as TextDocument, r.cells[i]);
        if (edit) changes[c.uri] = [edit];
      });
      applied = r.applied;
    }
  } catch {
    // Over the time budget or cancelled: no action rather than a partial one.
    return undefined;
  }
  if (applied === 0 || Object.keys(changes).length === 0) return undefined;
  return { title: `Loss Lens: fix all (${applied} safe fix${applied === 1 ? '' : 'es'})`, kind: FIX_ALL_KIND, edit: { changes } };
}

const NOQA_CODES = /#\s*noqa\s*:\s*[A-Za-z][A-Za-z0-9_-]*(?:\s*,\s*[A-Za-z][A-Za-z0-9_-]*)*/i;

/**
 * "Ignore LLxxx on this line": appends `  # noqa: LLxxx` to the line the diagnostic starts on, or
 * adds the code to a `# noqa: ...` list already there.
 */
export function ignoreOnLineAction(doc: TextDocument, d: Diagnostic): CodeAction {
  const code = String(d.code);
  const line = d.range.start.line;
  const start = doc.offsetAt({ line, character: 0 });
  const lineText = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const m = NOQA_CODES.exec(lineText);
  const edit: TextEdit = m
    ? { range: { start: doc.positionAt(start + m.index + m[0].length), end: doc.positionAt(start + m.index + m[0].length) }, newText: `, ${code}` }
    : { range: { start: doc.positionAt(start + lineText.length), end: doc.positionAt(start + lineText.length) }, newText: `  # noqa: ${code}` };
  return { title: `Ignore ${code} on this line (# noqa)`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [doc.uri]: [edit] } } };
}
