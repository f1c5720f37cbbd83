// A real LSP client (vscode-languageserver-protocol's Node connection) driving
// `losslens server --stdio` in a child process, for the server's tests.
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import {
  createProtocolConnection, Diagnostic, InitializeRequest, InitializedNotification, ProtocolConnection,
  PublishDiagnosticsNotification, PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'losslens.js');

export interface Session {
  connection: ProtocolConnection;
  child: ChildProcess;
  stderr: () => string;
  /** Every publishDiagnostics received, oldest first. */
  published: PublishDiagnosticsParams[];
  /** Resolves with the first publishDiagnostics for `uri` (after the `skip` already received) that satisfies `ok`. */
  diagnostics(uri: string, ok?: (ds: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  /** The lossLens settings the server is given for workspace/configuration. */
  settings: Record<string, unknown>;
  exited: Promise<number | null>;
}

/** Starts `node bin/losslens.js server --stdio` (dist/ must be built: `npm run build`) and initializes it. */
export async function startSession(settings: Record<string, unknown> = {}, initializationOptions: object = {}): Promise<Session> {
  const child = spawn(process.execPath, [BIN, 'server', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];
  const s: Session = {
    connection, child, published, settings, exited,
    stderr: () => err,
    diagnostics: (uri, ok = () => true, timeoutMs = 10000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const last = [...published].reverse().find((p) => p.uri === uri);
          if (last && ok(last.diagnostics)) {
            resolve(last.diagnostics);
            return true;
          }
          return false;
        };
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(published.filter((p) => p.uri === uri))}; stderr: ${err}`)), timeoutMs);
        const w = () => {
          if (check()) {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(w), 1);
          }
        };
        waiters.push(w);
      }),
  };
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of [...waiters]) w();
  });
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map(() => s.settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.onNotification('lossLens/busy', () => undefined);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: {
        synchronization: { didSave: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
      },
      notebookDocument: { synchronization: {} },
    },
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return s;
}

/** shutdown + exit, and the process's exit code. */
export async function stopSession(s: Session): Promise<number | null> {
  await s.connection.sendRequest('shutdown');
  await s.connection.sendNotification('exit');
  const code = await Promise.race([s.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000))]);
  if (code === 'timeout') {
    s.child.kill('SIGKILL');
    throw new Error('the server did not exit within 5 s of exit');
  }
  s.connection.dispose();
  return code;
}
