import { formatNumpy, formatTorch, toJsonValue } from '../core/format';
import { evaluateSource, EvalResult, PythonParser } from '../python';
import { DEFAULT_SOURCE_LIMITS } from '../python/budget';
import * as path from 'path';
import { nodeParserAssets } from './assets';
import { Located, checkFile, formatJson, formatSarif, formatText } from './check';
import { collectFiles } from './walk';
import { readSource } from './read_source';

/**
 * losslens: Loss Lens from a terminal.
 *   losslens eval FILE [--json]   evaluate every loss/tensor expression in FILE
 * Exit codes: 0 ok, 1 the file could not be analysed, 2 usage error.
 */
const USAGE = `usage: losslens eval FILE [--json]
       losslens check PATH... [--format text|json|sarif]

  eval FILE     evaluate every assignment and expression statement in FILE whose value
                Loss Lens can compute (array literals, softmax, sigmoid, cross-entropies of
                TF/Keras/PyTorch/optax/NumPy), printed as the framework would print them
  --json        machine-readable output: {"file", "results": [{line, column, endLine,
                endColumn, name, expression, dtype, shape, value, [exact, exactWhy,] error}]}

  check PATH... run the diagnostics on .py and .ipynb files (folders are walked) and print
                file:line:col: CODE rule-name message; exit 1 when something is found,
                0 when clean, 2 on a usage error. '# losslens: ignore[rule-name]' silences a line.
  --format      text (default), json ({"findings": [...]}) or sarif (SARIF 2.1.0)
`;

/** Files up to this size are read so that checkSource can say what is wrong with them; larger ones are refused unread. */
const MAX_READ_BYTES = 16_000_000;

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help') {
    (cmd ? out : err)(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'check') return runCheck(rest, out, err);
  if (cmd !== 'eval') {
    err(`losslens: unknown command '${cmd}'\n${USAGE}`);
    return 2;
  }
  const flags = rest.filter((a) => a.startsWith('--'));
  const files = rest.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--json');
  if (unknown.length || files.length !== 1) {
    err(`losslens: ${unknown.length ? `unknown option ${unknown[0]}` : 'eval takes exactly one FILE'}\n${USAGE}`);
    return 2;
  }
  const file = files[0];
  const json = flags.includes('--json');
  const src = readSource(file, MAX_READ_BYTES, DEFAULT_SOURCE_LIMITS.maxChars);
  if ('error' in src) {
    err(`losslens: ${src.error}`);
    return 1;
  }
  const parser = await PythonParser.create(nodeParserAssets());
  const { results, error } = evaluateSource(parser, src.text);
  if (error) {
    err(`losslens: ${file}: ${error}`);
    return 1;
  }
  out(json ? `${JSON.stringify({ file, results: results.map(toJson) }, null, 1)}\n` : human(file, results));
  return 0;
}

async function runCheck(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let format = 'text';
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--format' || a.startsWith('--format=')) {
      format = a.includes('=') ? a.slice(9) : args[++i] ?? '';
      if (!['text', 'json', 'sarif'].includes(format)) {
        err(`losslens: --format must be text, json or sarif (got '${format}')\n${USAGE}`);
        return 2;
      }
    } else if (a.startsWith('-')) {
      err(`losslens: unknown option ${a}\n${USAGE}`);
      return 2;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    err(`losslens: check needs at least one PATH\n${USAGE}`);
    return 2;
  }
  const files = collectFiles(paths, (m) => err(`losslens: ${m}`));
  const parser = await PythonParser.create(nodeParserAssets());
  const all: Located[] = [];
  for (const f of files) {
    const r = checkFile(parser, f);
    if (r.skipped) err(`losslens: ${f}: skipped: ${r.skipped}`);
    all.push(...r.findings);
  }
  if (format === 'json') out(formatJson(all));
  else if (format === 'sarif') out(formatSarif(all, (f) => f.split(path.sep).join('/')));
  else {
    for (const f of all) out(`${formatText(f)}\n`);
    err(`losslens: ${all.length} finding${all.length === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`);
  }
  return all.length > 0 ? 1 : 0;
}

function toJson(r: EvalResult) {
  return {
    line: r.line,
    column: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
    name: r.name,
    expression: r.expression,
    dtype: r.dtype,
    shape: r.shape,
    value: r.tensor ? toJsonValue(r.tensor) : null,
    // Only where the framework's arithmetic breaks (NaN/inf) but the true value differs by > 4 ulps.
    ...(r.exact ? { exact: toJsonValue(r.exact), exactWhy: r.exactWhy } : {}),
    error: r.error,
  };
}

function human(file: string, results: EvalResult[]): string {
  if (results.length === 0) return `${file}: nothing to evaluate (no tensor expressions with known inputs)\n`;
  const lines: string[] = [];
  for (const r of results) {
    const head = `${file}:${r.line}:${r.column}${r.name ? ` ${r.name}` : ''}`;
    const oneLine = r.expression.replace(/\s+/g, ' ');
    const expr = oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
    if (r.tensor) {
      const t = r.tensor;
      const printed = t.size > 2000 ? `(${t.size.toLocaleString('en-US')} values; use --json for all of them)` : usesTorch(r) ? formatTorch(t) : formatNumpy(t);
      lines.push(`${head}  ${t.dtype}[${t.shape.join(', ')}]  ${expr}`);
      lines.push(...printed.split('\n').map((l) => `    ${l}`));
      if (r.exact) {
        const ex = t.size > 2000 ? '(use --json for the values)' : usesTorch(r) ? formatTorch(r.exact) : formatNumpy(r.exact);
        lines.push(`    exact (${r.exactWhy}):`, ...ex.split('\n').map((l) => `    ${l}`));
      }
    } else {
      const shape = r.shape ? ` ${r.dtype}[${r.shape.map((d) => d ?? 'None').join(', ')}]` : '';
      lines.push(`${head}${shape}  ${expr}`);
      lines.push(`    not evaluated: ${r.error}`);
    }
    for (const n of r.notes) lines.push(`    note: ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

function usesTorch(r: EvalResult): boolean {
  return r.framework === 'torch';
}

/** Runs the CLI on this process's arguments and streams; sets the exit code. */
export function run(): void {
  main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(`${s.endsWith('\n') ? s : `${s}\n`}`))
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e: unknown) => {
      process.stderr.write(`losslens: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 70;
    });
}

if (require.main === module) run();
