import type { Located } from '../check';
import { escapeControls, quotePath } from '../terminal';

/**
 * `file:line:col: CODE rule-name message` (notebooks: `nb.ipynb#cell3:line:col`). Paths that
 * need it are quoted and every control character is escaped, so source text or a file name
 * can neither drive the terminal nor forge a line. ` [*]` marks a finding --fix can fix (Ruff's mark).
 */
export function formatText(f: Located): string {
  const where = f.cell ? `${quotePath(f.file)}#cell${f.cell}` : quotePath(f.file);
  const fix = f.fix?.applicability === 'safe' ? ' [*]' : '';
  return `${where}:${f.line}:${f.column}: ${f.code} ${f.rule} ${escapeControls(f.message)}${fix}`;
}

/**
 * The JSON object of one finding: the stable shape documented in docs/output-formats.md.
 * Positions are 1-based, columns in UTF-16 code units; `cell` only for notebooks.
 */
export function jsonFinding(f: Located) {
  return {
    file: f.file,
    ...(f.cell ? { cell: f.cell } : {}),
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    code: f.code,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fix: f.fix ? { title: f.fix.title, applicability: f.fix.applicability } : null,
  };
}

export function formatJson(all: Located[]): string {
  return `${JSON.stringify({ version: 1, findings: all.map(jsonFinding) }, null, 1)}\n`;
}

/** One JSON object per line (the same objects as `--format json`), nothing else. */
export function formatJsonLines(all: Located[]): string {
  return all.map((f) => `${JSON.stringify(jsonFinding(f))}\n`).join('');
}

/** `--statistics`: count per rule, most frequent first (like Ruff's). */
export function formatStatistics(all: Located[]): string {
  const counts = new Map<string, { code: string; rule: string; n: number; fixable: number }>();
  for (const f of all) {
    const c = counts.get(f.code) ?? { code: f.code, rule: f.rule, n: 0, fixable: 0 };
    c.n++;
    if (f.fix?.applicability === 'safe') c.fixable++;
    counts.set(f.code, c);
  }
  const rows = [...counts.values()].sort((a, b) => b.n - a.n || a.code.localeCompare(b.code));
  const w = Math.max(1, ...rows.map((r) => String(r.n).length));
  return rows.map((r) => `${String(r.n).padStart(w)}\t${r.code}\t${r.fixable === r.n ? '[*] ' : r.fixable ? '[-] ' : '    '}${r.rule}\n`).join('');
}
