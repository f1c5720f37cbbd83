import type { Located } from '../check';
import { escapeControls } from '../terminal';
import { fingerprints } from './fingerprint';
import { ReportPaths } from './paths';

/** GitHub workflow-command escaping: data ('::' message) escapes %, CR and LF; property values also ':' and ','. */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const GH_LEVEL = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' } as const;

/**
 * `--format github`: one workflow command per finding (`::warning file=...,line=...::message`),
 * which GitHub Actions shows as an annotation on the pull request's diff. Notebook findings
 * point at the .ipynb with the cell in the title (GitHub cannot address a cell's line).
 */
export function formatGithub(all: Located[], paths: ReportPaths): string {
  return all
    .map((f) => {
      const props = [`file=${ghProperty(paths.display(f.file))}`];
      if (!f.cell) props.push(`line=${f.line}`, `endLine=${f.endLine}`, `col=${f.column}`, ...(f.endLine === f.line ? [`endColumn=${f.endColumn}`] : []));
      props.push(`title=${ghProperty(`${f.code} ${f.rule}${f.cell ? ` (cell ${f.cell}, line ${f.line})` : ''}`)}`);
      // The message's own control characters (escape sequences a log viewer would render) are shown escaped.
      return `::${GH_LEVEL[f.severity]} ${props.join(',')}::${ghData(escapeControls(`${f.code} ${f.message}`))}\n`;
    })
    .join('');
}

const GITLAB_SEVERITY = { error: 'major', warning: 'minor', information: 'info', hint: 'info' } as const;

/**
 * `--format gitlab`: GitLab Code Quality report (a JSON array of issues with description,
 * check_name, fingerprint, severity, location.path and location.lines.begin), shown in merge requests.
 */
export function formatGitlab(all: Located[], paths: ReportPaths): string {
  const fps = fingerprints(all, (f) => paths.display(f.file));
  const issues = all.map((f, i) => ({
    type: 'issue',
    check_name: `${f.code} ${f.rule}`,
    description: `${f.cell ? `cell ${f.cell}: ` : ''}${f.message}`,
    categories: ['Bug Risk'],
    severity: GITLAB_SEVERITY[f.severity],
    fingerprint: fps[i],
    location: { path: paths.display(f.file), lines: { begin: f.line, end: f.endLine } },
  }));
  return `${JSON.stringify(issues, null, 1)}\n`;
}

function xml(s: string): string {
  // XML 1.0 cannot carry most control characters even escaped: they become a visible \xNN.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * `--format junit`: one <testsuite> per checked file, one failing <testcase> per finding (a
 * file without findings is one passing test case), for CI systems that show test reports.
 */
export function formatJunit(all: Located[], files: string[], paths: ReportPaths): string {
  const byFile = new Map<string, Located[]>(files.map((f) => [f, []]));
  for (const f of all) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const suites: string[] = [];
  for (const [file, fs] of byFile) {
    const name = xml(paths.display(file));
    const cases = fs.length
      ? fs.map((f) => {
          const where = `${f.cell ? `cell ${f.cell} ` : ''}line ${f.line}:${f.column}`;
          return `  <testcase name="${xml(`${f.code} ${f.rule} at ${where}`)}" classname="${name}" file="${name}" line="${f.line}">\n   <failure type="${xml(f.code)}" message="${xml(f.message)}">${xml(`${paths.display(file)}${f.cell ? `#cell${f.cell}` : ''}:${f.line}:${f.column}: ${f.code} ${f.rule} ${f.message}`)}</failure>\n  </testcase>`;
        })
      : [`  <testcase name="losslens" classname="${name}" file="${name}"/>`];
    suites.push(` <testsuite name="${name}" tests="${Math.max(fs.length, 1)}" failures="${fs.length}" errors="0" skipped="0">\n${cases.join('\n')}\n </testsuite>`);
  }
  const tests = [...byFile.values()].reduce((n, fs) => n + Math.max(fs.length, 1), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="losslens" tests="${tests}" failures="${all.length}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
