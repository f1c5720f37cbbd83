/**
 * Real-ML-corpus benchmark entry (bundled and run by scripts/bench.mjs): the warm side of
 * `losslens check` next to tree-sitter's parse alone, on the same files, in one process (as the
 * language server runs: parser loaded once, repeated passes).
 * argv: <folder> <passes> <list-out>. Writes the file list (JSON) to <list-out> so that Ruff
 * checks exactly these files, and prints one JSON object.
 */
import { readFileSync, writeFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { nodeParserAssets } from '../../src/cli/assets';
import { checkFile } from '../../src/cli/check';
import { collectFiles } from '../../src/cli/walk';
import { ipynbCodeCells, joinCells } from '../../src/python/notebook';
import { PythonParser } from '../../src/python/parser';

const [folder, passesS, listOut] = process.argv.slice(2);
const passes = Math.max(1, Number(passesS) || 3);

/** The Python text of a file as the check sees it: a notebook's code cells joined, magics neutralised. */
export function pythonText(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.ipynb')) return text;
  const nb = ipynbCodeCells(text);
  return 'error' in nb ? '' : joinCells(nb.cells).text;
}

interface Pass { wallMs: number; cpuMs: number }

function timed(f: () => void): Pass {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const parser = await PythonParser.create(nodeParserAssets());
  const loadMs = performance.now() - t0;
  const files = collectFiles([folder], () => undefined);
  writeFileSync(listOut, JSON.stringify(files));
  let bytes = 0;
  let notebooks = 0;
  for (const f of files) {
    bytes += readFileSync(f).length;
    if (f.endsWith('.ipynb')) notebooks++;
  }
  let parseErrors = 0;
  const parseAll = () => {
    parseErrors = 0;
    for (const f of files) {
      try {
        parser.parse(pythonText(f)).delete();
      } catch {
        parseErrors++;
      }
    }
  };
  let findings = 0;
  let skipped = 0;
  const checkAll = () => {
    findings = 0;
    skipped = 0;
    for (const f of files) {
      const r = checkFile(parser, f);
      findings += r.findings.length;
      if (r.skipped) skipped++;
    }
  };
  const parse: Pass[] = [];
  const check: Pass[] = [];
  for (let i = 0; i < passes; i++) {
    parse.push(timed(parseAll));
    check.push(timed(checkAll));
  }
  process.stdout.write(`${JSON.stringify({ folder, files: files.length, notebooks, bytes, loadMs, parse, check, findings, skipped, parseErrors })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
