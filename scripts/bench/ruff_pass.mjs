// Ruff's WebAssembly build (@astral-sh/ruff-wasm-nodejs, a devDependency used only here) over a
// list of files with its default rules: load, then N passes of read + check in this process.
// Notebooks are given to Ruff as their code cells joined with IPython magics commented out,
// the same text Loss Lens checks (src/python/notebook.ts).
//
//   node scripts/bench/ruff_pass.mjs <files.json> <passes>     prints one JSON object
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const [listFile, passesS] = process.argv.slice(2);
const passes = Math.max(1, Number(passesS) || 1);
const files = JSON.parse(readFileSync(listFile, 'utf8'));

function pythonText(file) {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.ipynb')) return text;
  try {
    const nb = JSON.parse(text);
    const lang = nb.metadata?.language_info?.name ?? nb.metadata?.kernelspec?.language ?? 'python';
    if (!Array.isArray(nb.cells) || lang !== 'python') return '';
    return nb.cells
      .filter((c) => c?.cell_type === 'code')
      .map((c) => `${(Array.isArray(c.source) ? c.source.join('') : c.source ?? '').replace(/^([ \t]*)[%!]/gm, '$1#')}\n`)
      .join('');
  } catch {
    return '';
  }
}

const t0 = performance.now();
const ruff = createRequire(import.meta.url)('@astral-sh/ruff-wasm-nodejs');
const workspace = new ruff.Workspace(ruff.Workspace.defaultSettings(), ruff.PositionEncoding.Utf16);
const loadMs = performance.now() - t0;

const runs = [];
let diagnostics = 0;
let errors = 0;
for (let i = 0; i < passes; i++) {
  diagnostics = 0;
  errors = 0;
  const c0 = process.cpuUsage();
  const p0 = performance.now();
  for (const f of files) {
    try {
      diagnostics += workspace.check(pythonText(f)).length;
    } catch {
      errors++;
    }
  }
  const c = process.cpuUsage(c0);
  runs.push({ wallMs: performance.now() - p0, cpuMs: (c.user + c.system) / 1000 });
}
process.stdout.write(`${JSON.stringify({ version: ruff.Workspace.version(), files: files.length, loadMs, passes: runs, diagnostics, errors })}\n`);
