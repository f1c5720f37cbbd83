import * as vscode from 'vscode';
import { BrowserMessageReader, BrowserMessageWriter, LanguageClient, MessageTransports } from 'vscode-languageclient/browser';
import { compose, docsBase, LossLensApi } from './compose';

export type { LossLensApi };

/** A reader that also closes when its worker reports an error or is stopped, so the client sees the server die and restarts it. */
class WorkerReader extends BrowserMessageReader {
  constructor(worker: Worker) {
    super(worker);
    worker.addEventListener('error', (e) => {
      this.fireError(new Error(`the server worker failed: ${e.message}`));
      this.fireClose();
    });
  }

  closeNow(): void {
    this.fireClose();
  }
}

/**
 * Web-worker extension host (VS Code for the Web): the language server runs in a web worker
 * (dist/web/server.js), a new one on every (re)start. It cannot find files next to itself (a
 * nested worker runs from a blob: URL), so it is sent the URLs of the parser's wasm files.
 */
export function activate(context: vscode.ExtensionContext): LossLensApi {
  const dist = (...p: string[]) => vscode.Uri.joinPath(context.extensionUri, 'dist', ...p).toString(true);
  let current: { worker: Worker; reader: WorkerReader } | undefined;
  const start = async (): Promise<MessageTransports> => {
    current?.worker.terminate();
    const worker = new Worker(dist('web', 'server.js'));
    const reader = new WorkerReader(worker);
    current = { worker, reader };
    return { reader, writer: new BrowserMessageWriter(worker) };
  };
  return compose(
    context,
    (options) => new LanguageClient('lossLens', 'Loss Lens', start, options),
    () => ({ docsBase: docsBase(context), wasm: { runtime: dist('tree-sitter.wasm'), python: dist('tree-sitter-python.wasm') } }),
    () => {
      // Tests: what a crash of the worker looks like to the client (it terminates; the connection closes).
      current?.worker.terminate();
      current?.reader.closeNow();
    },
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
