import * as vscode from 'vscode';
import { PythonParser } from '../python/parser';

/**
 * Loads tree-sitter and the Python grammar from the extension's dist/ folder as bytes through
 * vscode.workspace.fs, which works in desktop, remote and web extension hosts alike.
 */
export function loadParser(extensionUri: vscode.Uri): Promise<PythonParser> {
  const read = (name: string) => vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'dist', name));
  return Promise.all([read('tree-sitter.wasm'), read('tree-sitter-python.wasm')]).then(([runtimeWasm, pythonWasm]) =>
    PythonParser.create({ runtimeWasm, pythonWasm }),
  );
}
