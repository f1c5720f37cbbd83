import { nodeParserAssets } from '../../src/cli/assets';
import { FileAnalysis } from '../../src/python/analyze';
import { PythonParser } from '../../src/python/parser';

let parser: Promise<PythonParser> | undefined;

/** One parser for the whole test run (loading the wasm takes ~50 ms). */
export function getParser(): Promise<PythonParser> {
  parser ??= PythonParser.create(nodeParserAssets());
  return parser;
}

/** Parses and evaluates a snippet; returns the analysis (its results by name are handy in tests). */
export async function analyse(src: string): Promise<FileAnalysis> {
  const p = await getParser();
  return new FileAnalysis(p.parse(src), src);
}
