import * as vscode from 'vscode';
import { explainAt, explainText } from '../explain/explain';
import { code } from '../explain/explain_text';
import { Explanation, Finding } from '../rules/types';
import { runRules } from '../rules';
import { AnalysisService } from './analysis';
import { Settings } from './settings';

/** Hover time budget: the analysis is cached per document version; this bounds the extra evaluation. */
const HOVER_BUDGET_MS = 40;

/**
 * Hovers: on a Loss Lens diagnostic, the loss as written and as meant; on an array literal, its
 * dtype, shape and row-wise softmax; on a loss call or a name bound to one, its per-row values
 * and the reduced value, as the framework would print them.
 */
export class LossHover implements vscode.HoverProvider {
  constructor(
    private readonly analysis: AnalysisService,
    private readonly settings: () => Settings,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const offsetInDoc = doc.offsetAt(pos);
    const view = this.analysis.cachedViewForHover(doc, offsetInDoc) ?? (await this.analysis.view(doc, token));
    if (!view?.analysis || token.isCancellationRequested) return undefined;
    const offset = offsetInDoc + view.base;
    const parts: vscode.MarkdownString[] = [];
    const ev = view.analysis.evaluator;
    ev.setBudget(Date.now() + HOVER_BUDGET_MS, () => token.isCancellationRequested);
    try {
      // Diagnostics are computed without their numbers; the finding under the cursor gets them now.
      const here = view.hasFindings() ? view.findings().filter((f) => f.start <= offset && offset <= f.end) : [];
      if (here.length) {
        const explained = runRules(view.analysis, { ...this.settings().rules, explain: offset, only: here.map((f) => f.rule) });
        for (const f of explained) if (f.explanation && f.start <= offset && offset <= f.end) parts.push(markdown(findingText(f, f.explanation)));
      }
      const model = explainAt(view.analysis, offset);
      if (model) parts.push(markdown(explainText(model)));
    } catch {
      // over budget or not explainable: no hover rather than a slow one
    } finally {
      ev.setBudget(undefined);
    }
    return parts.length ? new vscode.Hover(parts) : undefined;
  }
}

/** Untrusted Markdown (no command links, no HTML): everything in it may come from the user's code. */
function markdown(text: string): vscode.MarkdownString {
  const m = new vscode.MarkdownString(text);
  m.isTrusted = false;
  m.supportHtml = false;
  return m;
}

function findingText(f: Finding, e: Explanation): string {
  const lines = [`**${f.code} ${f.rule}**: the numbers`, ''];
  if (e.asWritten) lines.push(`- as written: ${code(e.asWritten)}`);
  if (e.asMeant) lines.push(`- as meant: ${code(e.asMeant)}`);
  for (const d of e.details ?? []) lines.push(`- ${code(d)}`);
  return lines.join('\n');
}
