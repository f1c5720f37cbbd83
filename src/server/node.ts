import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { ParserAssets } from '../python/parser';
import { startServer } from './server';

/**
 * The server in a Node process. The transport comes from the command line, as
 * vscode-languageserver reads it: `--stdio` (`losslens server --stdio`, other editors),
 * `--node-ipc` (the VS Code extension), `--socket=PORT`, `--pipe=NAME`.
 */
export function startNodeServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  startServer(connection, {
    parserAssets: async () => nodeAssets(),
    docsBase: pathToFileURL(path.join(__dirname, '..', 'docs', 'rules')).href,
    pid: process.pid,
  });
}

/** The parser's wasm files next to the bundle (dist/, where the build copies them), or in node_modules (tests from source). */
function nodeAssets(): ParserAssets {
  const find = (file: string, pkg: string): string => {
    const local = path.join(__dirname, file);
    return fs.existsSync(local) ? local : require.resolve(`${pkg}/${file}`);
  };
  return { runtimeWasm: find('tree-sitter.wasm', 'web-tree-sitter'), pythonWasm: find('tree-sitter-python.wasm', 'tree-sitter-python') };
}
