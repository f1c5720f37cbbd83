import * as vscode from 'vscode';
import {
  BaseLanguageClient, CloseAction, CloseHandlerResult, ErrorAction, LanguageClientOptions, State,
} from 'vscode-languageclient';
import { BusyNotification, InitOptions } from '../server/protocol';
import { Logger } from './log';

/** Builds the platform's client (a Node process, or a web worker) from the common options. */
export type ClientFactory = (options: LanguageClientOptions) => BaseLanguageClient;

/** Restarts allowed within RESTART_WINDOW_MS before the client gives up (a safety valve: quarantine stops crash loops first). */
const MAX_RESTARTS = 20;
const RESTART_WINDOW_MS = 3 * 60_000;

/**
 * The language client and what keeps the session alive when the server dies: the client
 * restarts it (with a log line) and re-sends every open document, so diagnostics come back.
 * The server says which document it is working on (lossLens/busy); if it dies meanwhile, the
 * restarted server is told to leave that version alone (initializationOptions.quarantine), so
 * one hostile file cannot put the server into a crash loop while other files keep working.
 */
export class LossLensClient implements vscode.Disposable {
  readonly client: BaseLanguageClient;
  private busy: { uri: string; version: number } | undefined;
  private readonly quarantine: { uri: string; version: number }[] = [];
  private readonly crashes: number[] = [];
  /** How many times the server was restarted after it stopped. */
  restarts = 0;

  constructor(factory: ClientFactory, private readonly log: Logger, init: () => InitOptions) {
    this.client = factory({
      documentSelector: [{ language: 'python' }],
      diagnosticCollectionName: 'lossLens',
      // The server re-reads [tool.losslens] / losslens.toml when one changes (workspace/didChangeWatchedFiles).
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{pyproject.toml,losslens.toml,.losslens.toml}') },
      outputChannel: log.channel,
      initializationOptions: () => ({ ...init(), quarantine: [...this.quarantine] }),
      markdown: { isTrusted: false, supportHtml: false },
      errorHandler: {
        error: (error, _message, count) => {
          log.error(`Loss Lens server connection error: ${error.message}`);
          return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
        },
        closed: () => this.closed(),
      },
    });
    this.client.onNotification(BusyNotification, (p) => {
      this.busy = p.uri !== null && typeof p.version === 'number' ? { uri: p.uri, version: p.version } : undefined;
    });
    this.client.onDidChangeState((e) => {
      if (e.newState === State.Running) log.info('Loss Lens server running');
    });
  }

  start(): Promise<void> {
    return this.client.start();
  }

  private closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && this.crashes[0] < now - RESTART_WINDOW_MS) this.crashes.shift();
    const on = this.busy;
    this.busy = undefined;
    if (on) this.quarantine.push(on);
    const where = on ? ` while analysing ${on.uri} (version ${on.version}); that version is not analysed again until it is edited` : '';
    if (this.crashes.length > MAX_RESTARTS) {
      this.log.error(`Loss Lens server stopped${where}; it stopped ${this.crashes.length} times in 3 minutes, so it is not restarted. Reload the window to start it again.`);
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.restarts++;
    this.log.error(`Loss Lens server stopped${where}; restarting it (restart ${this.restarts}).`);
    return { action: CloseAction.Restart, handled: true };
  }

  dispose(): void {
    void this.client.dispose();
  }
}
