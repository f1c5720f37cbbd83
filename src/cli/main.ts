import { formatNumpy, formatTorch, toJsonValue } from '../core/format';
import { evaluateSource, EvalResult, PythonParser } from '../python';
import { DEFAULT_SOURCE_LIMITS } from '../python/budget';
import { nodeParserAssets } from './assets';
import { CHECK_USAGE, runCheck } from './check_command';
import { LineIndex } from '../python/lines';
import { readSource } from './read_source';
import { startNodeServer } from '../server/node';
import { escapeControls, quotePath } from './terminal';
import { unreadableNote } from './unreadable';

/**
 * losslens: Loss Lens from a terminal.
 *   losslens eval FILE [--json]   evaluate every loss/tensor expression in FILE
 *   losslens check PATH...        the diagnostics, for CI (check_command.ts)
 * Exit codes (eval): 0 ok, 1 the file could not be analysed, 2 usage error.
 */
const USAGE = `usage: losslens eval FILE [--json]
       losslens check PATH... [--format F] [--fix [--unsafe-fixes]] [--diff] [options]
       losslens server --stdio

  eval FILE     evaluate every assignment and expression statement in FILE whose value
                Loss Lens can compute (array literals, softmax, sigmoid, cross-entropies of
                TF/Keras/PyTorch/optax/NumPy), printed as the framework would print them
  --json        machine-readable output: {"file", "results": [{line, column, endLine,
                endColumn, name, expression, dtype, shape, value, [exact, exactWhy,] error}]}

${CHECK_USAGE}
  server --stdio  the Loss Lens language server (LSP 3.17) on stdin/stdout, for editors other
                than VS Code (also --node-ipc, --socket=PORT, --pipe=NAME); see docs/editors.md
`;

/** Files up to this size are read so that checkSource can say what is wrong with them; larger ones are refused unread. */
const MAX_READ_BYTES = 16_000_000;

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help') {
    (cmd ? out : err)(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'check') return runCheck(rest, out, err, USAGE);
  if (cmd === 'server') {
    if (rest.length !== 1 || !/^--(stdio|node-ipc|socket=\d+|pipe=.+)$/.test(rest[0])) {
      err(`losslens: server takes one transport: --stdio, --node-ipc, --socket=PORT or --pipe=NAME\n${USAGE}`);
      return 2;
    }
    startNodeServer(); // runs until the client sends 'exit' (or its process ends)
    return new Promise<number>(() => undefined);
  }
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
    err(`losslens: ${escapeControls(src.error)}`);
    return 1;
  }
  const parser = await PythonParser.create(nodeParserAssets());
  const { results, error, unreadable } = evaluateSource(parser, src.text);
  if (error) {
    err(`losslens: ${quotePath(file)}: ${escapeControls(error)}`);
    return 1;
  }
  const lines = new LineIndex(src.text);
  const note = unreadableNote(file, unreadable, (o) => `:${lines.position(o).line}:${lines.position(o).column}`);
  if (note) err(`losslens: ${escapeControls(note)}`);
  out(json ? `${JSON.stringify({ file, results: results.map(toJson) }, null, 1)}\n` : human(file, results));
  return 0;
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
  if (results.length === 0) return `${quotePath(file)}: nothing to evaluate (no tensor expressions with known inputs)\n`;
  const lines: string[] = [];
  /** name -> the value last printed for its assignment (an echo of the same value is not printed again). */
  const shown = new Map<string, string>();
  for (const r of results) {
    const head = `${quotePath(file)}:${r.line}:${r.column}${r.name ? ` ${r.name}` : ''}`;
    const oneLine = r.expression.replace(/\s+/g, ' ');
    const expr = oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
    if (r.tensor) {
      const t = r.tensor;
      const printed = t.size > 2000 ? `(${t.size.toLocaleString('en-US')} values; use --json for all of them)` : usesTorch(r) ? formatTorch(t) : formatNumpy(t);
      const key = `${t.dtype}[${t.shape.join(', ')}] ${printed}`;
      const echoed = echoOf(oneLine);
      if (echoed && shown.get(echoed) === key && r.notes.length === 0 && !r.exact) continue;
      if (r.name) shown.set(r.name, key);
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
  // Source text (expressions, names in messages) may hold control characters: shown escaped, never sent to the terminal.
  return `${lines.map(escapeControls).join('\n')}\n`;
}

/**
 * The name a statement only displays (`sess.run(x)`, `x.eval()`, `print(x)`, `x`), or undefined.
 * The human form prints such an echo only when it shows something the assignment did not
 * (`--json` keeps every statement).
 */
function echoOf(expression: string): string | undefined {
  const m = /^(?:\w+\.run\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*)\.eval\(\s*\)|print\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))$/.exec(expression.trim());
  return m ? m[1] ?? m[2] ?? m[3] ?? m[4] : undefined;
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
      process.exitCode = 2;
    });
}

if (require.main === module) run();
