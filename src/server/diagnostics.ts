import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { AnalysisCache, DocView } from './analysis';
import { Placed, SOURCE, toDiagnostic, unreadableDiagnostic } from './convert';
import { Located, Workspace } from './workspace';

/** What the scheduler needs from the server around it. */
export interface DiagnosticsHost {
  workspace: Workspace;
  cache: AnalysisCache;
  docsBase(): string;
  /** Resolves once the settings are known (pulled after initialize). */
  ready(): Promise<void>;
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void;
  /** Brackets a piece of work on a target (the busy protocol); resolves once the client has been told. */
  busy(target: { uri: string; version: number } | null): Promise<void>;
  /** Whether the previous server died on this target at this version. */
  quarantined(target: { uri: string; version: number }): boolean;
  log(msg: string): void;
}

interface Pending {
  timer: ReturnType<typeof setTimeout> | undefined;
  cancelled: boolean;
}

/**
 * Debounced diagnostics for files and notebooks. A target (a file's uri, a notebook's uri) has at
 * most one pending run: a newer schedule cancels the older one (timer cleared, work in progress
 * told to stop); closing cancels it too and frees the analysis. A run checks between its steps
 * (parse, rules, publish) that the target is still open at the version it started with, and
 * drops its result otherwise.
 */
export class DiagnosticsScheduler {
  private readonly pending = new Map<string, Pending>();
  /** Cells each notebook's diagnostics were last published on (to clear cells that went away). */
  private readonly published = new Map<string, Set<string>>();

  constructor(private readonly host: DiagnosticsHost) {}

  /** Schedules a run for the file or notebook `uri` after `delay` ms. */
  schedule(uri: string, delay: number): void {
    this.cancel(uri);
    const p: Pending = { timer: undefined, cancelled: false };
    p.timer = setTimeout(() => {
      p.timer = undefined;
      void this.run(uri, p).finally(() => {
        if (this.pending.get(uri) === p) this.pending.delete(uri);
      });
    }, delay);
    this.pending.set(uri, p);
  }

  /** Cancels a pending or running run (the timer is cleared; running work stops at its next step). */
  cancel(uri: string): void {
    const p = this.pending.get(uri);
    if (!p) return;
    p.cancelled = true;
    if (p.timer) clearTimeout(p.timer);
    this.pending.delete(uri);
  }

  /** A file or notebook closed: nothing pending, no diagnostics, no analysis kept. */
  closed(uri: string, cellUris: string[] = []): void {
    this.cancel(uri);
    this.host.cache.forget(uri);
    const cells = new Set([...cellUris, ...(this.published.get(uri) ?? [])]);
    this.published.delete(uri);
    if (cells.size === 0) this.host.publish(uri, []);
    for (const c of cells) this.host.publish(c, []);
  }

  /** Clears every published diagnostic (diagnostics turned off). */
  clearAll(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
    for (const d of this.host.workspace.files.all()) this.host.publish(d.uri, []);
    for (const cells of this.published.values()) for (const c of cells) this.host.publish(c, []);
    this.published.clear();
  }

  /** How many runs are pending (tests check that closing cancels them). */
  get pendingCount(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
  }

  private async run(uri: string, p: Pending): Promise<void> {
    const { host } = this;
    await host.ready();
    const nb = host.workspace.notebooks.getNotebookDocument(uri);
    const version = host.workspace.versionOf(uri);
    if (version === undefined) return;
    const target = { uri, version };
    const stale = () => p.cancelled || host.workspace.versionOf(uri) !== version;
    if (host.quarantined(target)) {
      this.publishQuarantine(uri, nb ? host.workspace.notebookSource(nb).cells.map((c) => c.uri) : [uri]);
      return;
    }
    await host.busy(target);
    try {
      if (stale()) return;
      if (nb) {
        const source = host.workspace.notebookSource(nb);
        const views = host.cache.notebookViews(source, stale);
        if (stale()) return;
        const placed = [...views].map(([cellUri, view]) => ({ doc: host.workspace.cell(cellUri)!, view })).filter((x) => x.doc);
        const placeOf = (offset: number): Placed => placed.find((x) => offset >= x.view.base && offset <= x.view.base + x.view.length) ?? placed[0];
        const out = new Map<string, Diagnostic[]>();
        for (const x of placed) out.set(x.doc.uri, withUnreadable(x, x.view.findings().map((f) => toDiagnostic(x, f, host.docsBase(), placeOf))));
        if (stale()) return;
        for (const old of this.published.get(uri) ?? []) if (!out.has(old)) host.publish(old, []);
        for (const [cellUri, ds] of out) host.publish(cellUri, ds, host.workspace.cell(cellUri)?.version);
        this.published.set(uri, new Set(out.keys()));
        this.logProblem(uri, placed[0]?.view);
        return;
      }
      const here: Located | undefined = host.workspace.locate(uri);
      if (!here) return;
      const view = host.cache.view(here.source, uri, stale);
      if (!view || stale()) return;
      const findings = view.findings();
      if (stale()) return;
      const placed = { doc: here.doc, view };
      host.publish(uri, withUnreadable(placed, findings.map((f) => toDiagnostic(placed, f, host.docsBase()))), version);
      this.logProblem(uri, view);
    } catch (e) {
      host.log(`diagnostics failed for ${uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    } finally {
      await host.busy(null);
    }
  }

  private logProblem(uri: string, view: DocView | undefined): void {
    if (view?.problem) this.host.log(`${uri}: not analysed: ${view.problem}`);
  }

  /** One information diagnostic at the top of each document the previous server died on. */
  private publishQuarantine(uri: string, docs: string[]): void {
    const message = 'Loss Lens did not analyse this version: its analysis server stopped while analysing it (out of memory or a crash). Edit the file to analyse it again.';
    const d: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message, severity: DiagnosticSeverity.Information, source: SOURCE };
    for (const doc of docs.slice(0, 1)) this.host.publish(doc, [d]);
    if (docs.length) this.published.set(uri, new Set(docs.slice(0, 1)));
  }
}

function withUnreadable(p: Placed, ds: Diagnostic[]): Diagnostic[] {
  const u = unreadableDiagnostic(p);
  return u ? [...ds, u] : ds;
}
