import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { compose, docsBase, LossLensApi } from './compose';

export type { LossLensApi };

/** The server's heap cap: a file that makes the analysis grow stops the server process, never the extension host. */
export const SERVER_MAX_OLD_SPACE_MB = 512;

/**
 * Node extension host (desktop, remote, code-server): the language server runs in its own Node
 * process (dist/server.js, IPC) with a capped heap.
 */
export function activate(context: vscode.ExtensionContext): LossLensApi {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const run = { module, transport: TransportKind.ipc, options: { execArgv: [`--max-old-space-size=${SERVER_MAX_OLD_SPACE_MB}`] } };
  return compose(
    context,
    (options) => new LanguageClient('lossLens', 'Loss Lens', { run, debug: run }, options),
    () => ({ docsBase: docsBase(context) }),
    (status) => {
      // Tests: a crash of the server process, as the operating system would deliver it.
      if (status.pid) process.kill(status.pid, 'SIGKILL');
    },
  );
}

export function deactivate(): void {
  // Everything (the client, which stops the server) is disposed through context.subscriptions.
}
