import * as fs from 'fs';
import * as path from 'path';
import type { ParserAssets } from '../python/parser';

/**
 * The parser's wasm files: next to the bundle (dist/, where the build copies them), or in
 * node_modules when running from source (tests).
 */
export function nodeParserAssets(): ParserAssets {
  const find = (file: string, pkg: string): string => {
    const local = path.join(__dirname, file);
    if (fs.existsSync(local)) return local;
    return require.resolve(`${pkg}/${file}`);
  };
  return {
    runtimeWasm: find('tree-sitter.wasm', 'web-tree-sitter'),
    pythonWasm: find('tree-sitter-python.wasm', 'tree-sitter-python'),
  };
}
