import {
  CancellationToken, CodeAction, CodeActionKind, CodeActionParams, Hover, HoverParams, MarkupKind, TextEdit,
} from 'vscode-languageserver';
import { PANEL_CELLS, type PanelModel } from '../../webview/protocol';
import { BudgetError } from '../core/errors';
import { withBudget } from '../core/limits';
import { explainAt, explainRange, explainText } from '../explain/explain';
import { code } from '../explain/explain_text';
import { RULES, runRules, RunOptions } from '../rules';
import { Explanation, Finding } from '../rules/types';
import { AnalysisCache, DocView } from './analysis';
import { offsetOf, Placed, rangeOf, sameRange, SOURCE } from './convert';
import { fixAllAction, ignoreOnLineAction, wantsFixAll } from './fix_actions';
import { CommandResult, EvaluateParams, ExplainParams } from './protocol';
import { Located, Workspace } from './workspace';

/**
 * Hover time budget: the analysis is cached per version; this bounds the extra evaluation (per-row
 * losses, the probability table). The server runs off the editor's thread, so a hover that takes
 * longer delays only itself; 40 ms (the budget while analysis ran on the extension host) left
 * per-row values out on a busy machine or in the web worker.
 */
export const HOVER_BUDGET_MS = 250;
/** A command may evaluate more than a hover, but never without a time budget. */
export const COMMAND_BUDGET_MS = 2000;

const CODES = new Set(RULES.map((r) => r.code));

export interface FeatureHost {
  workspace: Workspace;
  cache: AnalysisCache;
  /** The rule options for a document or notebook uri. */
  rules(uri: string): RunOptions;
  ready(): Promise<void>;
  busy(target: { uri: string; version: number } | null): Promise<void>;
  quarantined(target: { uri: string; version: number }): boolean;
}

/**
 * Hovers, quick fixes and the two commands. Each resolves the document, announces the work
 * (busy), reads the analysis of the current version, and stops at the next step once the
 * request is cancelled or the document changed (stale work is dropped, never returned).
 */
export class Features {
  constructor(private readonly host: FeatureHost) {}

  /**
   * On a Loss Lens finding, the loss as written and as meant; on an array literal, its dtype,
   * shape and row-wise softmax; on a loss call or a name bound to one, its per-row values and the
   * reduced value, as the framework would print them.
   */
  async hover(params: HoverParams, token: CancellationToken): Promise<Hover | null> {
    const hover = await this.withView(params.textDocument.uri, token, (here, view): Hover | null => {
      const offset = offsetOf({ doc: here.doc, view }, params.position);
      const analysis = view.analysis!;
      const parts: string[] = [];
      const cancelled = () => token.isCancellationRequested;
      const deadline = Date.now() + HOVER_BUDGET_MS;
      analysis.evaluator.setBudget(deadline, cancelled);
      // Each part on its own: one running out of budget does not take the other with it.
      const attempt = (f: () => void) => {
        try {
          withBudget({ deadline, isCancelled: cancelled }, f);
        } catch {
          // over budget or not explainable: this part is left out rather than made slow
        }
      };
      try {
        // Diagnostics are computed without their numbers; the finding under the cursor gets them now.
        const findings = view.hasFindings() ? view.findings().filter((f) => f.start <= offset && offset <= f.end) : [];
        if (findings.length) {
          attempt(() => {
            const explained = runRules(analysis, { ...this.host.rules(here.target.uri), explain: offset, only: findings.map((f) => f.rule) });
            for (const f of explained) if (f.explanation && f.start <= offset && offset <= f.end) parts.push(findingText(f, f.explanation));
          });
        }
        attempt(() => {
          const model = explainAt(analysis, offset);
          if (model) parts.push(explainText(model));
        });
      } finally {
        analysis.evaluator.setBudget(undefined);
      }
      if (!parts.length || token.isCancellationRequested) return null;
      return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
    });
    return hover ?? null;
  }

  /**
   * Quick fixes for Loss Lens diagnostics (each fix of the finding, the rule's best one preferred,
   * then "Ignore on this line"), and `source.fixAll.losslens` when the request asks for it.
   */
  async codeActions(params: CodeActionParams, token: CancellationToken): Promise<CodeAction[]> {
    const ours = params.context.diagnostics.filter((d) => d.source === SOURCE && CODES.has(String(d.code)));
    const only = params.context.only;
    const fixAll = wantsFixAll(only);
    const quickFixes = !only || only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty);
    if (!fixAll && (ours.length === 0 || !quickFixes)) return [];
    return (await this.withView(params.textDocument.uri, token, (here, view) => {
      const actions: CodeAction[] = [];
      if (quickFixes && ours.length) {
        const placed: Placed = { doc: here.doc, view };
        const findings = view.findings();
        for (const d of ours) {
          const f = findings.find((x) => x.code === String(d.code) && sameRange(rangeOf(placed, x), d.range));
          for (const fix of f?.fixes ?? []) {
            const edits: TextEdit[] = fix.edits.map((e) => ({ range: rangeOf(placed, e), newText: e.newText }));
            actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred ?? false, edit: { changes: { [here.doc.uri]: edits } } });
          }
        }
        for (const d of ours) actions.push(ignoreOnLineAction(here.doc, d));
      }
      if (fixAll) {
        const version = here.target.version;
        const action = fixAllAction(this.host.cache, here, () => token.isCancellationRequested || this.host.workspace.versionOf(here.target.uri) !== version);
        if (action) actions.push(action);
      }
      return actions;
    })) ?? [];
  }

  /** Evaluate Selection (an empty range: what is under its start). */
  async evaluate(params: EvaluateParams, token: CancellationToken): Promise<CommandResult> {
    return this.command(params.textDocument.uri, token, (placed, opts) => {
      const start = offsetOf(placed, params.range.start);
      const end = offsetOf(placed, params.range.end);
      const a = placed.view.analysis!;
      const model = start === end ? explainAt(a, start, opts) : explainRange(a, start, end, opts);
      return model ? { model } : { message: 'select an array literal or a loss expression to evaluate.' };
    });
  }

  /** Explain Loss at Cursor. */
  async explain(params: ExplainParams, token: CancellationToken): Promise<CommandResult> {
    return this.command(params.textDocument.uri, token, (placed, opts) => {
      // The findings on the explained call (computed with the user's settings), named in the panel.
      const model = explainAt(placed.view.analysis!, offsetOf(placed, params.position), { ...opts, findings: placed.view.findings() });
      return model ? { model } : { message: 'no loss call, softmax or array literal at the cursor.' };
    });
  }

  private async command(uri: string, token: CancellationToken, f: (p: Placed, opts: { uri: string; tableCells: number }) => CommandResult): Promise<CommandResult> {
    let problem: string | undefined;
    const r = await this.withView(uri, token, (here, view) => {
      const cancelled = () => token.isCancellationRequested;
      const deadline = Date.now() + COMMAND_BUDGET_MS;
      view.analysis!.evaluator.setBudget(deadline, cancelled);
      try {
        const out = withBudget({ deadline, isCancelled: cancelled }, () => f({ doc: here.doc, view }, { uri, tableCells: PANEL_CELLS }));
        return out.model ? { model: inCell(view, out.model) } : out;
      } catch (e) {
        // Out of time, memory or cancelled: a sentence for the user, not a failed request.
        if (e instanceof BudgetError) return { message: `${e.message}.` };
        throw e;
      } finally {
        view.analysis!.evaluator.setBudget(undefined);
      }
    }, (why) => (problem = why));
    if (token.isCancellationRequested) return { message: 'cancelled.' };
    return r ?? { message: `this file is not analysed${problem ? `: ${problem}` : ''}.` };
  }

  /**
   * Runs `f` on the current analysis of a document, announcing the work (busy). Undefined when
   * the document is not open, not analysed (`noAnalysis` hears why), quarantined, or the request
   * was cancelled or the document changed before `f` could run.
   */
  private async withView<T>(uri: string, token: CancellationToken, f: (here: Located, view: DocView) => T, noAnalysis?: (why?: string) => void): Promise<T | undefined> {
    await this.host.ready();
    const here = this.host.workspace.locate(uri);
    if (!here) return undefined;
    if (this.host.quarantined(here.target)) {
      noAnalysis?.('the analysis server stopped while analysing this version; edit the file to analyse it again');
      return undefined;
    }
    const version = here.target.version;
    await this.host.busy(here.target);
    try {
      const stale = () => token.isCancellationRequested || this.host.workspace.versionOf(here.target.uri) !== version;
      if (stale()) return undefined;
      const view = this.host.cache.view(here.source, uri, stale);
      if (!view?.analysis) {
        noAnalysis?.(view?.problem);
        return undefined;
      }
      if (stale()) return undefined;
      return f(here, view);
    } finally {
      await this.host.busy(null);
    }
  }
}

/** For a notebook cell, lines in the model count from the joined notebook text: make them cell lines. */
function inCell(view: DocView, model: PanelModel): PanelModel {
  if (view.base === 0 || !view.analysis) return model;
  const before = view.analysis.text.slice(0, view.base).split('\n').length - 1;
  const src = model.source;
  return { ...model, source: { ...src, line: src.line - before, endLine: src.endLine !== undefined ? src.endLine - before : src.endLine } };
}

function findingText(f: Finding, e: Explanation): string {
  const lines = [`**${f.code} ${f.rule}**: the numbers`, ''];
  if (e.asWritten) lines.push(`- as written: ${code(e.asWritten)}`);
  if (e.asMeant) lines.push(`- as meant: ${code(e.asMeant)}`);
  for (const d of e.details ?? []) lines.push(`- ${code(d)}`);
  return lines.join('\n');
}
