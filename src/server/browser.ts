// Entry of dist/web/server.js: the server in a web worker (VS Code for the Web), started by the
// extension's browser client. It talks to the client by postMessage.
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { InitOptions } from './protocol';
import { startServer } from './server';

const scope = self as unknown as ConstructorParameters<typeof BrowserMessageReader>[0];

const connection = createConnection(new BrowserMessageReader(scope), new BrowserMessageWriter(scope));

/**
 * A nested worker of the web extension host runs from a blob: URL, so it cannot find files next
 * to itself: the client sends the absolute URLs of the wasm files, and they are fetched here.
 */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

startServer(connection, {
  parserAssets: async (init: InitOptions) => {
    if (!init.wasm) throw new Error('the client sent no wasm URLs (initializationOptions.wasm)');
    const [runtimeWasm, pythonWasm] = await Promise.all([fetchBytes(init.wasm.runtime), fetchBytes(init.wasm.python)]);
    return { runtimeWasm, pythonWasm };
  },
  docsBase: '',
});
