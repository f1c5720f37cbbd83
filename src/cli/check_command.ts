import { createTwoFilesPatch } from 'diff';
import * as fs from 'fs';
import { ConfigError, ConfigResolver } from '../config';
import { PythonParser } from '../python';
import { RULES } from '../rules';
import { FixMode, fixAll, fixAllCells } from '../rules/fix_all';
import { applySuppressions } from '../rules/suppression';
import { nodeParserAssets } from './assets';
import { CheckOptions, CheckedFile, CheckedSource, Located, analyseText, checkSourceOf, createProject, projectKey, readChecked } from './check';
import { formatGithub, formatGitlab, formatJunit } from './formats/ci';
import { ReportPaths } from './formats/paths';
import { formatJson, formatJsonLines, formatStatistics, formatText } from './formats/plain';
import { packageVersion } from './formats/rule_docs';
import { formatSarif } from './formats/sarif';
import { writeNotebookCells } from './notebook_file';
import { escapeControls, quotePath } from './terminal';
import { LineIndex } from '../python/lines';
import { joinCells } from '../python/notebook';
import { collectFiles } from './walk';

export const FORMATS = ['text', 'json', 'json-lines', 'sarif', 'github', 'gitlab', 'junit'] as const;
type Format = (typeof FORMATS)[number];

export const CHECK_USAGE = `  check PATH... run the diagnostics on .py and .ipynb files (folders are walked) and print
                file:line:col: CODE rule-name message. Exit codes: 0 clean, 1 findings (or, with
                --diff, fixes to apply), 2 usage, configuration or internal error.
    --format F            text (default), json, json-lines, sarif, github, gitlab or junit
    --fix                 apply safe fixes in place, then report what remains
    --unsafe-fixes        with --fix or --diff, apply unsafe fixes too
    --diff                print the fixes as a unified diff instead of writing them
    --exit-zero           exit 0 even when there are findings
    --statistics          print the number of findings per rule instead of the findings
    -q, --quiet           print the findings and nothing else (no summary)
    --report-unused-suppressions
                          report '# noqa' / '# losslens: ignore' comments that silence nothing (LL001)
    --select R,...        check only these rules (codes, prefixes, names, ALL), overriding configuration
    --ignore R,...        also ignore these rules
    --config FILE         use this configuration file for every file (instead of the search)
    --isolated            ignore configuration files
    --follow-links        follow symbolic links that lead outside the given paths
  Configuration: [tool.losslens] in pyproject.toml or losslens.toml, nearest to each file.
  Suppressions: '# noqa: LL101', '# noqa', '# losslens: ignore[rule-name]', '# losslens: ignore-file'.
`;

interface CheckArgs {
  paths: string[];
  format: Format;
  fix?: FixMode;
  diff: boolean;
  exitZero: boolean;
  statistics: boolean;
  quiet: boolean;
  unused: boolean;
  followLinks: boolean;
  select?: string[];
  ignore?: string[];
  config?: string;
  isolated: boolean;
}

/** Parses check's arguments, or returns a one-line reason. */
export function parseCheckArgs(args: string[]): CheckArgs | { error: string } {
  const a: CheckArgs = { paths: [], format: 'text', diff: false, exitZero: false, statistics: false, quiet: false, unused: false, followLinks: false, isolated: false };
  let fix = false;
  let unsafe = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[++i]);
    switch (name) {
      case '--format': {
        const v = value() ?? '';
        if (!(FORMATS as readonly string[]).includes(v)) return { error: `--format must be one of ${FORMATS.join(', ')} (got '${v}')` };
        a.format = v as Format;
        break;
      }
      case '--select':
      case '--ignore': {
        const v = value();
        if (!v) return { error: `${name} needs a comma-separated list of rules` };
        a[name === '--select' ? 'select' : 'ignore'] = v.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      }
      case '--config': {
        const v = value();
        if (!v) return { error: '--config needs a FILE' };
        a.config = v;
        break;
      }
      case '--fix':
        fix = true;
        break;
      case '--unsafe-fixes':
        unsafe = true;
        break;
      case '--diff':
        a.diff = true;
        break;
      case '--exit-zero':
        a.exitZero = true;
        break;
      case '--statistics':
        a.statistics = true;
        break;
      case '-q':
      case '--quiet':
        a.quiet = true;
        break;
      case '--report-unused-suppressions':
        a.unused = true;
        break;
      case '--follow-links':
        a.followLinks = true;
        break;
      case '--isolated':
        a.isolated = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') return { error: `unknown option ${arg}` };
        a.paths.push(arg);
    }
  }
  if (a.paths.length === 0) return { error: 'check needs at least one PATH' };
  if (unsafe && !fix && !a.diff) return { error: '--unsafe-fixes goes with --fix or --diff' };
  if (fix || a.diff) a.fix = unsafe ? 'unsafe' : 'safe';
  if (a.statistics && a.format !== 'text') return { error: '--statistics prints a text table; it does not combine with --format' };
  if (a.isolated && a.config) return { error: '--isolated and --config exclude each other' };
  for (const sel of [...(a.select ?? []), ...(a.ignore ?? [])]) {
    const s = sel.toUpperCase();
    if (s !== 'ALL' && !RULES.some((r) => r.name === sel || r.code.startsWith(s))) return { error: `unknown rule '${sel}' (codes LL101-LL108, their prefixes, rule names or ALL)` };
  }
  return a;
}

const nodeHost = {
  readFile(file: string): string | undefined {
    try {
      return fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  },
};

/** `losslens check`. */
export async function runCheck(argv: string[], out: (s: string) => void, err: (s: string) => void, usage: string): Promise<number> {
  const args = parseCheckArgs(argv);
  if ('error' in args) {
    err(`losslens: ${args.error}\n${usage}`);
    return 2;
  }
  try {
    return await check(args, out, err);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`losslens: ${quotePath(e.file)}:${e.line}: ${escapeControls(e.reason)}`);
      return 2;
    }
    throw e;
  }
}

async function check(args: CheckArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const resolver = new ConfigResolver(nodeHost, RULES, { select: args.select, extendIgnore: args.ignore, configFile: args.config, isolated: args.isolated });
  const report = (p: string, msg: string) => err(`losslens: ${quotePath(p)}: ${escapeControls(msg)}`);
  const files = collectFiles(args.paths, (msg, p) => report(p, msg), { followLinks: args.followLinks, excluded: (p, isDir) => resolver.isExcluded(p, isDir) });
  const parser = await PythonParser.create(nodeParserAssets());
  const project = createProject(parser, args.paths);
  const results: CheckedFile[] = [];
  let internal = 0;
  let fixed = 0;
  let diffs = 0;
  for (const f of files) {
    const settings = resolver.settingsFor(f);
    const opts: CheckOptions = { severity: settings.severity, defaultFramework: settings.defaultFramework, unusedSuppressions: args.unused, project, path: projectKey(f) };
    try {
      let source = readChecked(f);
      if ('error' in source) {
        report(f, `skipped: ${source.error}`);
        continue;
      }
      if (args.fix) {
        const r = fixSource(parser, source, opts, args.fix);
        if (r.applied > 0) {
          if (args.diff) {
            out(diffOf(f, source, r.source));
            diffs++;
          } else {
            const problem = writeFixed(f, r.source);
            if (problem) {
              report(f, `fixes not written: ${problem}`);
              internal++;
            } else source = r.source;
          }
          fixed += r.applied;
        }
        if (r.unstable) report(f, `fixes did not settle after ${r.passes} passes; the rest is left as it is`);
      }
      const r = checkSourceOf(parser, f, source, opts);
      if (r.skipped) report(f, `skipped: ${r.skipped}`);
      if (r.unreadable && !args.quiet) err(`losslens: ${escapeControls(r.unreadable)}`);
      results.push(r);
    } catch (e) {
      internal++;
      report(f, `internal error, file skipped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  project.dispose();
  if (args.diff) {
    if (!args.quiet) err(`losslens: ${fixed} fix${fixed === 1 ? '' : 'es'} in ${diffs} file${diffs === 1 ? '' : 's'} would be applied${args.fix === 'safe' ? ' (--unsafe-fixes for the rest)' : ''}`);
    return internal ? 2 : diffs > 0 && !args.exitZero ? 1 : 0;
  }
  const findings = results.flatMap((r) => [...r.findings, ...r.unused]);
  const paths = new ReportPaths();
  if (args.statistics) out(formatStatistics(findings));
  else {
    switch (args.format) {
      case 'json':
        out(formatJson(findings));
        break;
      case 'json-lines':
        out(formatJsonLines(findings));
        break;
      case 'sarif':
        out(formatSarif(findings, results.flatMap((r) => r.suppressed), paths, packageVersion()));
        break;
      case 'github':
        out(formatGithub(findings, paths));
        break;
      case 'gitlab':
        out(formatGitlab(findings, paths));
        break;
      case 'junit':
        out(formatJunit(findings, results.map((r) => r.file), paths));
        break;
      default:
        for (const x of findings) out(`${formatText(x)}\n`);
    }
  }
  if (!args.quiet && (args.format === 'text' || args.statistics)) err(`losslens: ${summary(findings, files.length, fixed)}`);
  if (internal) return 2;
  return findings.length > 0 && !args.exitZero ? 1 : 0;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : what.endsWith('x') ? 'es' : 's'}`;
}

function summary(findings: Located[], files: number, fixed: number): string {
  const safe = findings.filter((f) => f.fix?.applicability === 'safe').length;
  const unsafe = findings.filter((f) => f.fix?.applicability === 'unsafe').length;
  const parts = [`${plural(findings.length, 'finding')} in ${plural(files, 'file')}`];
  if (fixed) parts.push(`${plural(fixed, 'fix')} applied`);
  if (safe) parts.push(`${safe} fixable with --fix`);
  if (unsafe) parts.push(`${unsafe} more with --fix --unsafe-fixes`);
  return parts.join('; ');
}

/** The findings that --fix may act on: after configuration and suppression comments. */
function keptFindings(parser: PythonParser, text: string, opts: CheckOptions) {
  const r = analyseText(parser, text, opts);
  if (!('analysed' in r) || !r.analysed) return [];
  const lines = new LineIndex(text);
  return applySuppressions(r.findings, r.comments, (o) => lines.line(o), { rules: RULES }).kept;
}

function fixSource(parser: PythonParser, source: CheckedSource, opts: CheckOptions, mode: FixMode): { source: CheckedSource; applied: number; passes: number; unstable: boolean } {
  if (source.kind === 'python') {
    const r = fixAll(source.text, (t) => keptFindings(parser, t, opts), mode);
    return { source: { kind: 'python', text: r.text }, applied: r.applied, passes: r.passes, unstable: r.unstable };
  }
  const r = fixAllCells(source.nb.cells, (j) => keptFindings(parser, j.text, opts), mode);
  const json = writeNotebookCells(source.json, source.nb, r.cells);
  return { source: { kind: 'notebook', json, nb: { ...source.nb, cells: r.cells }, joined: joinCells(r.cells) }, applied: r.applied, passes: r.passes, unstable: r.unstable };
}

/** Writes the fixed text (keeping a UTF-8 byte-order mark); returns why it could not, if it could not. */
function writeFixed(file: string, source: CheckedSource): string | undefined {
  try {
    const raw = fs.readFileSync(file);
    const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? '\ufeff' : '';
    fs.writeFileSync(file, bom + (source.kind === 'python' ? source.text : source.json));
    return undefined;
  } catch (e) {
    return `cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

function unified(from: string, to: string, a: string, b: string): string {
  return createTwoFilesPatch(from, to, a, b, undefined, undefined, { context: 3 }).replace(/^(Index: .*\n)?=+\n/, '');
}

/** The unified diff of a fix: the file's text, or for a notebook each changed cell. */
function diffOf(file: string, before: CheckedSource, after: CheckedSource): string {
  const name = escapeControls(file);
  if (before.kind === 'python' && after.kind === 'python') return unified(name, name, before.text, after.text);
  if (before.kind === 'notebook' && after.kind === 'notebook') {
    return before.nb.cells
      .map((c, k) => (c === after.nb.cells[k] ? '' : unified(`${name}:cell ${k + 1}`, `${name}:cell ${k + 1}`, c.endsWith('\n') ? c : `${c}\n`, after.nb.cells[k].endsWith('\n') ? after.nb.cells[k] : `${after.nb.cells[k]}\n`)))
      .join('');
  }
  return '';
}
