#!/usr/bin/env node
// Measures Loss Lens on real code (docs/real-code.md): recall on the verified cases of
// test/fixtures/real/cases.json, and findings per 1,000 files on known-good folders.
//
//   node scripts/realcode.mjs                    recall over the materialized kept cases
//   node scripts/realcode.mjs --materialize      first writes each case's files from local git mirrors
//   node scripts/realcode.mjs --good DIR ...     also findings per 1,000 files on known-good folders
//   node scripts/realcode.mjs --json             machine-readable result on stdout
//
// Options: --cases FILE (default test/fixtures/real/cases.json; case folders sit beside it),
// --mirrors DIR (default $LOSSLENS_MIRRORS or /work/.mirror: <owner>+<name>/repo git
// directories, as the fetch tool leaves them), --all (cases whose licence does not let us
// keep them too), --cli FILE (default bin/losslens.js), --spawn (one `node bin/losslens.js`
// process per folder instead of the CLI's entry point in this process), --verbose.
//
// The case files are public repositories' code: they are written into the case folders, which
// .gitignore keeps out of commits, and only cases.json (our own record) is committed.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Which reported rules count as finding a case of each family. A family is found by a rule of
 * the same name or a name that starts with it (`kl-div-reduction` for `kl-div`), or by the
 * rules listed here, which describe the same mistake from another side.
 */
export const FAMILY_ALIASES = {
  'double-softmax': ['keras-activation-loss-mismatch', 'probabilities-into-logits-loss'],
  'double-sigmoid': ['keras-activation-loss-mismatch', 'probabilities-into-logits-loss'],
  'nll-expects-log-probs': [],
  'logits-into-probability-loss': ['keras-activation-loss-mismatch'],
  'keras-activation-loss-mismatch': ['multiclass-multilabel', 'double-softmax', 'double-sigmoid', 'logits-into-probability-loss'],
  'multiclass-multilabel': ['keras-activation-loss-mismatch'],
  'sparse-dense-labels': ['one-hot-of-one-hot'],
  'softmax-axis': [],
  'kl-div': ['reduction'],
  reduction: ['kl-div'],
  'optax-argument-order': ['positional-loss-arguments'],
  'positional-loss-arguments': [],
};

export function ruleMatches(family, rule) {
  return rule === family || rule.startsWith(`${family}-`) || (FAMILY_ALIASES[family] ?? []).includes(rule);
}

const posix = (p) => p.split(path.sep).join('/').replace(/^\.\//, '');

/** True when a finding (file relative to the case folder) lands on the expected line. */
export function findingHits(expected, f) {
  if (posix(f.file) !== expected.file) return false;
  if (expected.cell !== undefined && f.cell !== expected.cell) return false;
  const end = f.endLine ?? f.line;
  return f.line <= expected.line && expected.line <= end && ruleMatches(expected.rule, f.rule);
}

/** Scores one case: found when any expected entry is hit; also which entries were hit. */
export function scoreCase(c, findings) {
  const hits = c.expected.map((e) => findings.some((f) => findingHits(e, f)));
  const onCaseLines = (f) => c.expected.some((e) => posix(f.file) === e.file && (e.cell === undefined || e.cell === f.cell) && f.line <= e.line && e.line <= (f.endLine ?? f.line));
  return { id: c.id, found: hits.some(Boolean), hits, other: findings.filter((f) => !onCaseLines(f)) };
}

/** Recall overall and on the cross-boundary cases, from scored cases. */
export function summarize(cases, scored) {
  const byId = new Map(scored.map((s) => [s.id, s]));
  const ratio = (list) => {
    const n = list.length;
    const found = list.filter((c) => byId.get(c.id)?.found).length;
    return { found, total: n, recall: n ? found / n : null };
  };
  const evaluated = cases.filter((c) => byId.has(c.id));
  const families = {};
  for (const c of evaluated) {
    const fam = c.expected[0].rule;
    families[fam] ??= [];
    families[fam].push(c);
  }
  return {
    overall: ratio(evaluated),
    crossBoundary: ratio(evaluated.filter((c) => c.crossBoundary)),
    sameScope: ratio(evaluated.filter((c) => !c.crossBoundary)),
    byFamily: Object.fromEntries(Object.entries(families).sort().map(([k, v]) => [k, ratio(v)])),
  };
}

/**
 * Python files and notebooks under a folder, skipping what `losslens check` skips by default
 * (hidden folders and src/config/resolve.ts DEFAULT_EXCLUDE; symbolic links are not followed).
 */
export function countSourceFiles(dir) {
  const skip = new Set(['__pycache__', 'node_modules', 'site-packages', 'venv', 'env', '_build', 'build', 'dist', '__pypackages__']);
  let n = 0;
  const visit = (p, top) => {
    let st;
    try {
      st = top ? fs.statSync(p) : fs.lstatSync(p);
    } catch {
      return; // unreadable: losslens check skips it too
    }
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (!top && (skip.has(base) || base.startsWith('.'))) return;
      for (const e of fs.readdirSync(p)) visit(path.join(p, e), false);
    } else if (st.isFile() && /\.(py|ipynb)$/.test(p)) n++;
  };
  visit(dir, true);
  return n;
}

/**
 * `losslens check --format json DIR`, with file paths relative to DIR. By default the built
 * CLI's own entry point (dist/cli.js `main`, what bin/losslens.js calls) runs in this process,
 * so the parser loads once for all cases; `spawn` runs `node bin/losslens.js` per folder.
 */
export async function runCheck(o, dir) {
  let stdout = '';
  let stderr = '';
  let status;
  if (o.spawn) {
    const r = spawnSync(process.execPath, [o.cli, 'check', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    ({ stdout, stderr, status } = r);
  } else {
    const bundle = path.join(path.dirname(o.cli), '..', 'dist', 'cli.js');
    if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing; run \`npm run build\` first`);
    const { main } = createRequire(import.meta.url)(bundle);
    status = await main(['check', '--format', 'json', dir], (s) => (stdout += s), (s) => (stderr += s));
  }
  if (status !== 0 && status !== 1) throw new Error(`losslens check failed in ${dir} (exit ${status}): ${stderr.trim().split('\n')[0] ?? ''}`);
  return JSON.parse(stdout).findings.map((f) => ({ ...f, file: posix(path.isAbsolute(f.file) ? path.relative(dir, f.file) : f.file) }));
}

function mirrorGitDir(mirrors, repo) {
  const base = path.join(mirrors, repo.replace('/', '+'), 'repo');
  if (fs.existsSync(path.join(base, '.git'))) return path.join(base, '.git');
  return fs.existsSync(base) ? base : undefined;
}

/** Writes a case's files (and its licence) at their repo-relative paths from a local mirror. */
export function materialize(c, caseDir, mirrors) {
  const gitDir = mirrorGitDir(mirrors, c.repo);
  if (!gitDir) return `no mirror of ${c.repo} under ${mirrors}`;
  const show = (commit, file) => execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${file}`], { maxBuffer: 64 * 1024 * 1024 });
  const wanted = [...c.files.map((f) => [c.commit, f])];
  if (c.licenseFile) wanted.push([c.licenseCommit ?? c.commit, c.licenseFile]);
  try {
    for (const [commit, file] of wanted) {
      const out = path.join(caseDir, file);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, show(commit, file));
    }
  } catch (e) {
    return `${c.repo}@${c.commit.slice(0, 12)}: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`;
  }
  return undefined;
}

function parseArgs(argv) {
  const o = { cases: path.join(ROOT, 'test/fixtures/real/cases.json'), mirrors: process.env.LOSSLENS_MIRRORS ?? '/work/.mirror', cli: path.join(ROOT, 'bin/losslens.js'), good: [], json: false, materialize: false, all: false, verbose: false, spawn: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--cases') o.cases = path.resolve(value());
    else if (a === '--mirrors') o.mirrors = path.resolve(value());
    else if (a === '--cli') o.cli = path.resolve(value());
    else if (a === '--good') o.good.push(path.resolve(value()));
    else if (a === '--json') o.json = true;
    else if (a === '--materialize') o.materialize = true;
    else if (a === '--all') o.all = true;
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--spawn') o.spawn = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

export async function run(argv) {
  const o = parseArgs(argv);
  const all = JSON.parse(fs.readFileSync(o.cases, 'utf8'));
  const cases = o.all ? all : all.filter((c) => c.kept);
  const root = path.dirname(o.cases);
  const problems = [];
  const scored = [];
  for (const c of cases) {
    const dir = path.join(root, c.id);
    if (o.materialize) {
      const err = materialize(c, dir, o.mirrors);
      if (err) problems.push(`${c.id}: ${err}`);
    }
    if (!c.files.every((f) => fs.existsSync(path.join(dir, f)))) {
      problems.push(`${c.id}: not materialized (run with --materialize where the mirrors are)`);
      continue;
    }
    scored.push({ ...scoreCase(c, await runCheck(o, dir)), crossBoundary: c.crossBoundary, family: c.expected[0].rule });
  }
  const good = [];
  for (const dir of o.good) {
    const files = countSourceFiles(dir);
    const findings = await runCheck(o, dir);
    const byRule = {};
    for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    good.push({ dir, files, findings: findings.length, per1000: files ? (1000 * findings.length) / files : 0, byRule, list: findings });
  }
  return { cases: cases.length, summary: summarize(cases, scored), scored, good, problems };
}

function pct(r) {
  return r.recall === null ? 'n/a' : `${r.found}/${r.total} (${(100 * r.recall).toFixed(0)} %)`;
}

function printText(res, verbose) {
  const s = res.summary;
  const lines = [
    `real-code cases: ${res.cases} selected, ${res.scored.length} evaluated`,
    `recall overall        ${pct(s.overall)}`,
    `recall cross-boundary ${pct(s.crossBoundary)}`,
    `recall same scope     ${pct(s.sameScope)}`,
    'by family:',
    ...Object.entries(s.byFamily).map(([k, v]) => `  ${k.padEnd(32)} ${pct(v)}`),
    'cases:',
    ...res.scored.map((c) => `  ${c.found ? 'found ' : 'missed'} ${c.id}${c.other.length ? `  (+${c.other.length} other finding${c.other.length > 1 ? 's' : ''}: ${[...new Set(c.other.map((f) => f.rule))].join(', ')})` : ''}`),
  ];
  for (const g of res.good) {
    lines.push(`known-good ${g.dir}: ${g.files} files, ${g.findings} findings, ${g.per1000.toFixed(2)} per 1,000 files ${JSON.stringify(g.byRule)}`);
    if (verbose) for (const f of g.list) lines.push(`  ${f.file}${f.cell ? `#cell${f.cell}` : ''}:${f.line}:${f.column} ${f.rule} ${f.message}`);
  }
  if (verbose) for (const c of res.scored) for (const f of c.other) lines.push(`  other in ${c.id}: ${f.file}:${f.line} ${f.rule} ${f.message}`);
  for (const p of res.problems) lines.push(`note: ${p}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  run(argv)
    .then((res) => {
      if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ ...res, good: res.good.map(({ list, ...g }) => g) }, null, 2)}\n`);
      else printText(res, argv.includes('--verbose'));
    })
    .catch((e) => {
      process.stderr.write(`realcode: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    });
}
