import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { getHeapStatistics } from 'v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { ParserAssets } from '../python/parser';
import { ProjectConfig } from './project_config';
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
    heapLimitMiB: () => Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
    projectConfig: (report) => new ProjectConfig({
      pathOf: (uri) => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined),
      readFile: (file) => {
        try {
          // Configuration files are small; anything over 1 MB is not one (and is not read whole).
          if (fs.statSync(file).size > 1 << 20) return undefined;
          return fs.readFileSync(file, 'utf8');
        } catch {
          return undefined;
        }
      },
    }, report),
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
