import {
  CodeActionKind, Connection, DidChangeConfigurationNotification, InitializeParams, InitializeResult, MessageType, ShowMessageNotification,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import type { ParserAssets } from '../python/parser';
import { PythonParser } from '../python/parser';
import { AnalysisCache } from './analysis';
import { DiagnosticsScheduler } from './diagnostics';
import { Features } from './features';
import { FIX_ALL_KIND } from './fix_actions';
import { BusyNotification, EvaluateRequest, ExplainRequest, InitOptions, StatusRequest } from './protocol';
import { parseSettings, Settings } from './settings';
import type { RunOptions } from '../rules';
import { Workspace } from './workspace';

/** What differs between the Node server (a process) and the browser one (a web worker). */
export interface ServerPlatform {
  /** The parser's two wasm files (paths next to the bundle, or bytes fetched from URLs). */
  parserAssets(init: InitOptions): Promise<ParserAssets>;
  /** Default base of the rule pages when the client does not send one. */
  docsBase: string;
  pid?: number;
  /** The heap limit in MiB, where the platform can tell. */
  heapLimitMiB?: () => number;
  /**
   * The project's configuration files (Node: project_config.ts over node's fs). Absent in the web
   * worker, which has no file system (and whose bundle must not pull in node's path module).
   */
  projectConfig?: (report: (message: string) => void) => ProjectOptions;
}

/** Rule options per document from the project's configuration files, under the settings. */
export interface ProjectOptions {
  optionsFor(uri: string, settings: RunOptions): RunOptions;
  /** A configuration file changed: read them again. */
  reset(): void;
}

/** Configuration file names (src/config CONFIG_FILES); a change to one re-reads them all. */
const CONFIG_FILE_NAMES = ['pyproject.toml', 'losslens.toml', '.losslens.toml'];

/** Yields to the event loop, so a notification just sent is written and newer messages (changes, cancellations) are read. */
const yieldNow = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The Loss Lens language server: documents and notebooks (LSP 3.17 notebook sync), the analysis
 * cache, debounced diagnostics, hovers, quick fixes, and the evaluate/explain requests whose
 * results the VS Code extension shows in its panel. Settings (`lossLens.*`) are pulled with
 * workspace/configuration and pulled again on didChangeConfiguration.
 */
export function startServer(connection: Connection, platform: ServerPlatform): void {
  let settings: Settings = parseSettings(undefined);
  let docsBase = platform.docsBase;
  let quarantine: { uri: string; version: number }[] = [];
  let canPullConfiguration = false;
  let settingsReady: Promise<void> = Promise.resolve();
  const ready = () => settingsReady;
  let cache: AnalysisCache | undefined;
  const log = (msg: string) => connection.console.log(msg);
  const project = platform.projectConfig?.((msg) => {
    log(msg);
    // A notification, not window/showMessageRequest: nothing waits for the user's answer.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: msg });
  });
  const rulesFor = (uri: string) => (project ? project.optionsFor(uri, settings.rules) : settings.rules);

  const workspace = new Workspace((uri, version, changes) => {
    cache?.trackEdits(uri, version, changes);
    schedule(uri, 'change');
  });

  const busy = async (target: { uri: string; version: number } | null) => {
    await connection.sendNotification(BusyNotification, target ? { uri: target.uri, version: target.version } : { uri: null });
    if (target) await yieldNow();
  };
  const quarantined = (t: { uri: string; version: number }) => quarantine.some((q) => q.uri === t.uri && q.version === t.version);

  let scheduler: DiagnosticsScheduler | undefined;
  let features: Features | undefined;

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const init = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof init.docsBase === 'string') docsBase = init.docsBase;
    if (Array.isArray(init.quarantine)) quarantine = init.quarantine.filter((q) => typeof q?.uri === 'string' && typeof q?.version === 'number');
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    const parser = await PythonParser.create(await platform.parserAssets(init));
    const c = new AnalysisCache(parser, rulesFor, (m) => connection.tracer.log(m));
    cache = c;
    scheduler = new DiagnosticsScheduler({
      workspace, cache: c, docsBase: () => docsBase, busy, quarantined, log, ready,
      publish: (uri, diagnostics, version) => void connection.sendDiagnostics({ uri, diagnostics, version }),
    });
    features = new Features({ workspace, cache: c, rules: rulesFor, busy, quarantined, ready });
    // Until the client has answered workspace/configuration, work waits for the settings.
    if (canPullConfiguration) settingsReady = new Promise((resolve) => (settingsPulled = resolve));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: true },
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }], save: true },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      },
      serverInfo: { name: 'Loss Lens', version: '0.1.0' },
    };
  });

  let settingsPulled: () => void = () => undefined;
  connection.onInitialized(async () => {
    if (canPullConfiguration) {
      await pullSettings();
      settingsPulled();
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'lossLens' });
    }
  });

  async function pullSettings(): Promise<void> {
    try {
      settings = parseSettings(await connection.workspace.getConfiguration('lossLens'));
    } catch (e) {
      log(`could not read the lossLens settings: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Every open file and notebook again (settings changed): drops cached analyses first. */
  function refreshAll(): void {
    if (!scheduler) return;
    cache?.clear();
    if (settings.run === 'off') return scheduler.clearAll();
    for (const d of workspace.files.all()) scheduler.schedule(d.uri, 0);
    for (const nb of workspace.notebooks.cellTextDocuments.all()) {
      const owner = workspace.notebooks.findNotebookDocumentForCell(nb.uri);
      if (owner) scheduler.schedule(owner.uri, 0);
    }
  }

  connection.onDidChangeConfiguration(async (change) => {
    if (canPullConfiguration) await pullSettings();
    else settings = parseSettings((change.settings as { lossLens?: unknown } | undefined)?.lossLens);
    refreshAll();
  });

  // A configuration file changed (the VS Code client watches **/{pyproject,losslens,.losslens}.toml):
  // read the files again and re-check every open document.
  connection.onDidChangeWatchedFiles((params) => {
    const isConfig = (uri: string) => CONFIG_FILE_NAMES.some((n) => uri.endsWith(`/${n}`));
    if (!params.changes.some((c) => isConfig(c.uri))) return;
    if (!project) return;
    project.reset();
    refreshAll();
  });

  const runs = (on: 'open' | 'change' | 'save'): number | undefined => {
    if (settings.run === 'off') return undefined;
    if (on === 'open') return 0;
    if (on === 'change') return settings.run === 'onType' ? settings.debounceMs : undefined;
    return settings.run === 'onSave' ? 0 : undefined;
  };
  function schedule(uri: string, on: 'open' | 'change' | 'save'): void {
    const delay = runs(on);
    if (delay !== undefined) scheduler?.schedule(uri, delay);
  }

  workspace.files.onDidOpen((e) => e.document.languageId === 'python' && schedule(e.document.uri, 'open'));
  workspace.files.onDidSave((e) => schedule(e.document.uri, 'save'));
  workspace.files.onDidClose((e) => scheduler?.closed(e.document.uri));
  workspace.notebooks.onDidOpen((nb) => schedule(nb.uri, 'open'));
  workspace.notebooks.onDidSave((nb) => schedule(nb.uri, 'save'));
  workspace.notebooks.onDidClose((nb) => scheduler?.closed(nb.uri, nb.cells.map((c) => c.document)));
  workspace.listen(connection, (uri) => schedule(uri, 'change'));

  connection.onHover((params, token) => features?.hover(params, token) ?? null);
  connection.onCodeAction((params, token) => features?.codeActions(params, token) ?? []);
  connection.onRequest(EvaluateRequest, (params, token) => features?.evaluate(params, token) ?? { message: 'the server is starting.' });
  connection.onRequest(ExplainRequest, (params, token) => features?.explain(params, token) ?? { message: 'the server is starting.' });
  connection.onRequest(StatusRequest, () => ({ pid: platform.pid, heapLimitMiB: platform.heapLimitMiB?.(), documents: workspace.openCount, analyses: cache?.size ?? 0, pending: scheduler?.pendingCount ?? 0 }));
  connection.onShutdown(() => {
    scheduler?.dispose();
    cache?.clear();
  });
  connection.listen();
}
