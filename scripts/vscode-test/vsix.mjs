#!/usr/bin/env node
// Verifies the packaged extension: builds the .vsix (or takes one), installs it into code-server,
// and runs the integration suite against the extension as packaged, in both routes.
//
//   1. package   `npm run package` in a temporary copy of the working tree (node_modules symlinked),
//                so the repository's dist/ and its own .vsix are never touched; skipped when a
//                .vsix is given. The test bundles are built from the same copy (build-tests.mjs --out).
//   2. install   `code-server --extensions-dir <tmp> --install-extension <vsix>` (the harness's
//                code-server 4.100.3), then `--list-extensions --show-versions` must list
//                <publisher>.<name>@<version>, and the installed folder must hold every file of the
//                vsix's extension/ byte for byte.
//   3. suite     the vsix's extension/ folder is unzipped (unzip.mjs, Node's zlib), the test bundles
//                are copied into its dist/node/test and dist/web/test, and run.mjs runs the usual
//                suite with --extension <that folder> (web worker host and code-server's Node host).
//
// usage: node scripts/vscode-test/vsix.mjs [FILE.vsix] [web|code-server|both] [options]
//   --timeout SECONDS   per route (passed to run.mjs; default 300)
//   --verbose           run.mjs --verbose, and the install commands' output
//   --keep              keep the temporary folder (printed) instead of removing it
// Prints "vscode-tests: N passed, M failed" last (the suite's counts; a failed package/install
// check counts as one failure); exits 1 on any failure.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { fileURLToPath } from 'url';
import { isDeepStrictEqual } from 'util';
import { HARNESS_DIR, REPO_ROOT, parseRoutes } from './config.mjs';
import { ensureHarness } from './install.mjs';
import { extractZip } from './unzip.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const log = (msg) => console.log(`[vsix] ${msg}`);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
// Left out of the copy that `npm run package` runs in (node_modules is symlinked instead).
const NOT_COPIED = new Set(['.git', 'node_modules', 'dist', 'out', '.vscode-test']);

function parseArgs(argv) {
  const o = { vsix: null, route: undefined, timeout: null, verbose: !!process.env.VERBOSE, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--timeout') {
      if (i + 1 >= argv.length) throw new Error('--timeout needs a value');
      o.timeout = argv[++i];
    } else if (a === '--verbose') o.verbose = true;
    else if (a === '--keep') o.keep = true;
    else if (!a.startsWith('-') && a.endsWith('.vsix') && !o.vsix) o.vsix = path.resolve(a);
    else if (!a.startsWith('-') && o.route === undefined) o.route = a;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** Runs a command to completion; throws with its output when it fails. */
function sh(cmd, args, { cwd, env, verbose, what }) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (verbose && out.trim()) for (const l of out.trimEnd().split('\n')) console.log(`[vsix] ${what}: ${l}`);
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed (exit code ${r.status}):\n${out}`);
  return out;
}

/** Step 1: `npm run package` in a copy of the working tree; also builds the test bundles there. */
function packageFromCopy(work, testsOut, verbose) {
  const src = path.join(work, 'src');
  fs.cpSync(REPO_ROOT, src, {
    recursive: true,
    filter: (from) => {
      const rel = path.relative(REPO_ROOT, from);
      const top = rel.split(path.sep)[0];
      return !NOT_COPIED.has(top) && !(rel === top && top.endsWith('.vsix'));
    },
  });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
  const pkg = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  const out = sh('npm', ['run', 'package'], { cwd: src, verbose, what: 'npm run package' });
  const packaged = out.match(/Packaged: .*\((\d+ files?, [^)]*)\)/);
  const vsix = path.join(src, `${pkg.name}-${pkg.version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`npm run package did not write ${path.basename(vsix)}:\n${out}`);
  sh(process.execPath, [path.join(src, 'scripts', 'build-tests.mjs'), '--out', testsOut], { cwd: src, verbose, what: 'build-tests' });
  return { vsix, summary: packaged ? packaged[1] : '' };
}

/** All files under dir, relative, with forward slashes. */
function listFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

/** Step 2: install into code-server and check the listing and the installed files. Returns problems. */
function installIntoCodeServer(work, vsix, extDir, files, manifest, verbose) {
  const codeServer = path.join(HARNESS_DIR, 'node_modules', '.bin', 'code-server');
  const extensionsDir = path.join(work, 'cs-extensions');
  const common = ['--user-data-dir', path.join(work, 'cs-user-data'), '--extensions-dir', extensionsDir];
  const env = { XDG_DATA_HOME: path.join(work, 'cs-xdg-data'), XDG_CONFIG_HOME: path.join(work, 'cs-xdg-config') };
  const problems = [];
  const installOut = sh(codeServer, [...common, '--install-extension', vsix], { cwd: work, env, verbose, what: 'code-server --install-extension' });
  if (!/successfully installed/i.test(installOut)) problems.push(`code-server --install-extension did not report success:\n${installOut}`);
  const want = `${manifest.publisher}.${manifest.name}@${manifest.version}`.toLowerCase();
  const listed = sh(codeServer, [...common, '--list-extensions', '--show-versions'], { cwd: work, env, verbose, what: 'code-server --list-extensions' })
    .split('\n').map((l) => l.trim()).filter((l) => /^[\w.-]+@[\w.+-]+$/.test(l));
  if (listed.some((l) => l.toLowerCase() === want)) log(`code-server --list-extensions --show-versions: ${listed.join(', ')}`);
  else problems.push(`code-server --list-extensions --show-versions lists ${listed.join(', ') || 'nothing'}, not ${want}`);
  // The installed folder must be the vsix's extension/ folder (VS Code adds its .vsixmanifest and
  // rewrites package.json with an "__metadata" field: that file is compared as JSON without it).
  const dirs = fs.existsSync(extensionsDir) ? fs.readdirSync(extensionsDir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  if (dirs.length !== 1) {
    problems.push(`expected one installed extension folder in ${extensionsDir}, found ${dirs.map((d) => d.name).join(', ') || 'none'}`);
    return problems;
  }
  const installed = path.join(extensionsDir, dirs[0].name);
  const differ = files.filter((f) => {
    const p = path.join(installed, f);
    if (!fs.existsSync(p)) return true;
    if (f === 'package.json') { // rewritten on install, with an added "__metadata"
      const { __metadata, ...rest } = JSON.parse(fs.readFileSync(p, 'utf8'));
      return !isDeepStrictEqual(rest, manifest);
    }
    return !fs.readFileSync(p).equals(fs.readFileSync(path.join(extDir, f)));
  });
  if (differ.length) problems.push(`installed folder ${dirs[0].name} differs from the vsix in: ${differ.join(', ')}`);
  const extra = listFiles(installed).filter((f) => f !== '.vsixmanifest' && !files.includes(f));
  if (extra.length) log(`note: the installed folder also has ${extra.join(', ')}`);
  if (!differ.length) log(`installed as ${dirs[0].name}: its ${files.length} files are the vsix's (package.json as JSON, the rest byte for byte)`);
  return problems;
}

/** Step 3: run.mjs on the unpacked extension; its "vscode-tests:" line is renamed, the counts returned. */
function runSuite(route, extDir, opts) {
  const args = [path.join(HERE, 'run.mjs'), route || 'both', '--extension', extDir];
  if (opts.timeout) args.push('--timeout', opts.timeout);
  if (opts.verbose) args.push('--verbose');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = { passed: 0, failed: 0, pending: 0, seen: false };
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^vscode-tests: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/);
      if (!m) return console.log(line);
      Object.assign(counts, { passed: +m[1], failed: +m[2], pending: +(m[3] || 0), seen: true });
      console.log(`suite on the unpacked .vsix: ${line.slice('vscode-tests: '.length)}`);
    });
    child.on('close', (code) => resolve({ ...counts, code }));
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const routes = parseRoutes(opts.route);
  const t0 = Date.now();
  ensureHarness([...new Set([...routes, 'code-server'])]); // code-server installs the vsix in any case
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-vsix-'));
  const cleanup = () => { if (!opts.keep) fs.rmSync(work, { recursive: true, force: true }); };
  process.once('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));
  if (opts.keep) log(`working folder (kept): ${work}`);
  const problems = [];
  const shown = (f) => (path.relative(process.cwd(), f).startsWith('..') ? f : path.relative(process.cwd(), f));
  const testsOut = path.join(work, 'tests');
  let vsix = opts.vsix;
  let t = Date.now();
  if (vsix) {
    if (!fs.existsSync(vsix)) throw new Error(`no such file: ${vsix}`);
    sh(process.execPath, [path.join(HERE, '..', 'build-tests.mjs'), '--out', testsOut], { cwd: REPO_ROOT, verbose: opts.verbose, what: 'build-tests' });
    log(`testing ${shown(vsix)} (given); test bundles built from this tree in ${secs(t)}`);
  } else {
    const r = packageFromCopy(work, testsOut, opts.verbose);
    vsix = r.vsix;
    log(`npm run package (in a copy of the tree): ${path.basename(vsix)}${r.summary ? `, ${r.summary}` : ''}; test bundles built; ${secs(t)}`);
  }

  t = Date.now();
  const extDir = path.join(work, 'unpacked', 'extension');
  const files = extractZip(vsix, extDir, 'extension/');
  if (!fs.existsSync(path.join(extDir, 'package.json'))) throw new Error(`${path.basename(vsix)} has no extension/package.json`);
  const manifest = JSON.parse(fs.readFileSync(path.join(extDir, 'package.json'), 'utf8'));
  log(`unzipped extension/ (${files.length} files) in ${secs(t)}`);
  for (const [field, entry] of [['main', manifest.main], ['browser', manifest.browser]]) {
    const file = entry && path.posix.normalize(entry.endsWith('.js') ? entry : `${entry}.js`);
    if (!file || !files.includes(file)) problems.push(`the vsix lacks package.json "${field}": ${entry ? `${file} is not in it` : 'no such field'}`);
  }

  t = Date.now();
  const before = problems.length;
  try {
    problems.push(...installIntoCodeServer(work, vsix, extDir, files, manifest, opts.verbose));
  } catch (e) {
    problems.push(e.message);
  }
  log(`code-server install checks: ${problems.length > before ? `${problems.length - before} problem(s)` : 'ok'} in ${secs(t)}`);
  for (const p of problems) console.error(`[vsix] FAILED: ${p}`);

  // The test bundles go where run.mjs looks for them. The Node bundle loads mocha at run time; it
  // finds it through a node_modules beside the bundle (not beside dist/extension.js, so the
  // extension itself can still only load what the vsix ships).
  for (const host of ['node', 'web']) {
    fs.cpSync(path.join(testsOut, host, 'test'), path.join(extDir, 'dist', host, 'test'), { recursive: true });
  }
  fs.mkdirSync(path.join(extDir, 'dist', 'node', 'test', 'node_modules'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'mocha'), path.join(extDir, 'dist', 'node', 'test', 'node_modules', 'mocha'), 'dir');

  const suite = await runSuite(opts.route, extDir, opts);
  let failed = suite.failed + (problems.length ? 1 : 0);
  if (suite.code !== 0 && suite.failed === 0) failed += 1;
  if (!suite.seen) console.error(`[vsix] run.mjs ended (exit code ${suite.code}) without its result line`);
  log(`total ${secs(t0)}`);
  console.log(`vscode-tests: ${suite.passed} passed, ${failed} failed${suite.pending ? `, ${suite.pending} skipped` : ''}`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`[vsix] ${e.message}`);
  console.log('vscode-tests: 0 passed, 1 failed');
  process.exit(1);
});
