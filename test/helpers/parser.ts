import { nodeParserAssets } from '../../src/cli/assets';
import { FileAnalysis } from '../../src/python/analyze';
import { PythonParser } from '../../src/python/parser';
import { Finding, RunOptions, runRules } from '../../src/rules';

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

/** Runs the rules on a snippet (all rules at their default severity unless opts say otherwise). */
export async function check(src: string, opts: RunOptions = {}): Promise<Finding[]> {
  return runRules(await analyse(src), opts);
}

/** Applies a fix's edits to the text (edits must not overlap). */
export function applyEdits(text: string, edits: { start: number; end: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
