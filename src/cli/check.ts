import * as path from 'path';
import { FileAnalysis } from '../python/analyze';
import { checkSource } from '../python/budget';
import { LineIndex } from '../python/lines';
import { ipynbCodeCells, joinCells, locate } from '../python/notebook';
import { ParseTimeout, PythonParser } from '../python/parser';
import { Project } from '../analysis/project';
import { Finding, RULES, mayHaveFindings, runRules } from '../rules';
import { readSource } from './read_source';
import { collectFiles } from './walk';

/** One finding located in a file (1-based lines and columns, UTF-16 columns). */
export interface Located {
  file: string;
  /** 1-based notebook cell for .ipynb files (positions are then inside that cell). */
  cell?: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  rule: string;
  severity: Finding['severity'];
  message: string;
}

const MAX_READ_BYTES = 16_000_000;
const FILE_BUDGET_MS = 2000;
/** Parsed files a project check holds at most between two files (memory), see Project.trim. */
const MAX_HELD_FILES = 400;

/**
 * The files given to one `losslens check` as one project: imports between them resolve (under the
 * given paths and the importing file's folders). Dispose it when the check is done.
 */
export function createProject(parser: PythonParser, roots: string[]): Project {
  const key = (p: string) => path.resolve(p).split(path.sep).join('/');
  const read = (p: string) => {
    const src = readSource(p, MAX_READ_BYTES);
    return 'error' in src ? undefined : src.text;
  };
  const files = collectFiles(roots, () => undefined).map(key);
  return new Project({ parser, read, files, roots: roots.map(key).map((r) => (/\.(py|ipynb)$/.test(r) ? path.posix.dirname(r) : r)), parseBudgetMs: FILE_BUDGET_MS });
}

/** Checks one file (within `project` when given: imports of project files then resolve); problems that stop the check come back as `skipped` (never thrown). */
export function checkFile(parser: PythonParser, file: string, project?: Project): { findings: Located[]; skipped?: string } {
  const analyseText = (parser: PythonParser, text: string) => analyseInProject(parser, text, project, path.resolve(file).split(path.sep).join('/'));
  const src = readSource(file, MAX_READ_BYTES);
  if ('error' in src) return { findings: [], skipped: src.error.replace(`${file}: `, '') };
  if (file.endsWith('.ipynb')) {
    const nb = ipynbCodeCells(src.text);
    if ('error' in nb) return { findings: [], skipped: nb.error };
    const joined = joinCells(nb.cells);
    const r = analyseText(parser, joined.text);
    if (r.skipped) return { findings: [], skipped: r.skipped };
    const cellLines = new Map<number, LineIndex>();
    const findings = r.findings.map((f) => {
      const a = locate(joined, f.start);
      const b = locate(joined, f.end);
      const cellText = nb.cells[a.cell] ?? '';
      let lines = cellLines.get(a.cell);
      if (!lines) cellLines.set(a.cell, (lines = new LineIndex(cellText)));
      const s = lines.position(a.offset);
      const e = lines.position(b.cell === a.cell ? b.offset : cellText.length);
      return { ...base(file, f), cell: a.cell + 1, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
    });
    return { findings };
  }
  const r = analyseText(parser, src.text);
  if (r.skipped) return { findings: [], skipped: r.skipped };
  const lines = new LineIndex(src.text);
  return {
    findings: r.findings.map((f) => {
      const s = lines.position(f.start);
      const e = lines.position(f.end);
      return { ...base(file, f), line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
    }),
  };
}

function base(file: string, f: Finding) {
  return { file, code: f.code, rule: f.rule, severity: f.severity, message: f.message };
}

/** Parse + rules on a text, within the file budget. Files without any loss-related word are not parsed. */
function analyseInProject(parser: PythonParser, text: string, project: Project | undefined, key: string): { findings: Finding[]; skipped?: string } {
  const problem = checkSource(text);
  if (problem) return { findings: [], skipped: problem };
  if (!mayHaveFindings(text)) return { findings: [] };
  const pf = project?.file(key);
  if (project && pf && pf.text === text) {
    const findings = runRules(pf.analysis, { explain: false, project, path: key });
    project.release(key);
    project.trim(MAX_HELD_FILES);
    return { findings };
  }
  const deadline = Date.now() + FILE_BUDGET_MS;
  let tree;
  try {
    tree = parser.parse(text, { deadline });
  } catch (e) {
    if (e instanceof ParseTimeout) return { findings: [], skipped: e.message };
    throw e;
  }
  try {
    return { findings: runRules(new FileAnalysis(tree, text, { deadline }), { explain: false }) };
  } finally {
    tree.delete();
  }
}

export function formatText(f: Located): string {
  const where = f.cell ? `${f.file}#cell${f.cell}` : f.file;
  return `${where}:${f.line}:${f.column}: ${f.code} ${f.rule} ${f.message}`;
}

export function formatJson(all: Located[]): string {
  return `${JSON.stringify({ findings: all }, null, 1)}\n`;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

/** SARIF 2.1.0 for code-scanning tools (GitHub code scanning, VS Code SARIF viewer). */
export function formatSarif(all: Located[], toUri: (file: string) => string): string {
  const rules = RULES.map((r) => ({
    id: r.code,
    name: r.name,
    shortDescription: { text: r.summary },
    helpUri: `docs/rules/${r.name}.md`,
    defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Loss Lens', rules } },
        columnKind: 'utf16CodeUnits',
        results: all.map((f) => ({
          ruleId: f.code,
          ruleIndex: RULES.findIndex((r) => r.code === f.code),
          level: SARIF_LEVEL[f.severity],
          message: { text: `${f.rule}: ${f.message}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: toUri(f.file) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
              ...(f.cell ? { logicalLocations: [{ name: `cell ${f.cell}`, kind: 'notebookCell' }] } : {}),
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 1)}\n`;
}
