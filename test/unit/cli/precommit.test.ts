import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DOUBLE } from './run';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** pre-commit from PATH, or installed from Debian when it is missing and we are root (CI); undefined otherwise. */
function ensurePreCommit(): { version: string } | { skip: string } {
  const v = () => sh('pre-commit', ['--version'], ROOT);
  let r = v();
  if (r.code === 0) return { version: r.out.trim() };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || sh('apt-get', ['--version'], ROOT).code !== 0) {
    return { skip: 'pre-commit is not installed and cannot be installed here (needs root and apt-get): apt-get install -y pre-commit' };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update', '-qq'], ROOT, env);
  const inst = sh('apt-get', ['install', '-y', '-qq', 'pre-commit'], ROOT, env);
  r = v();
  if (r.code !== 0) return { skip: `apt-get install pre-commit failed: ${inst.out.slice(-300)}` };
  return { version: r.out.trim() };
}

/**
 * The hook in .pre-commit-hooks.yaml run by the real pre-commit tool on a sample repository:
 * pre-commit clones this repository at HEAD (offline: a local path), reads the hook, and runs
 * `losslens` (a shim on PATH to this checkout's bin/losslens.js, built by `npm test`).
 */
describe('pre-commit hook (.pre-commit-hooks.yaml) with the real pre-commit', function () {
  this.timeout(900_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let version = '';
  before(function () {
    const pc = ensurePreCommit();
    if ('skip' in pc) {
      console.warn(`    skipped: ${pc.skip}`);
      this.skip();
    }
    version = pc.version;
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build');
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-precommit-')));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'losslens'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'bin', 'losslens.js')}" "$@"\n`, { mode: 0o755 });
    env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      PRE_COMMIT_HOME: path.join(dir, 'cache'),
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: dir,
    };
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('blocks a commit with a double softmax in a .py and a notebook, passes once fixed, respects pyproject.toml', function () {
    const head = sh('git', ['rev-parse', 'HEAD'], ROOT);
    if (head.code !== 0) {
      console.warn(`    skipped: ${ROOT} is not a git checkout, so pre-commit cannot clone the hook from it`);
      this.skip();
    }
    const rev = head.out.trim();
    const committed = sh('git', ['show', `${rev}:.pre-commit-hooks.yaml`], ROOT);
    assert.equal(committed.code, 0, 'the hook file must be committed: pre-commit reads it from the commit');
    const repo = path.join(dir, 'sample');
    fs.mkdirSync(repo);
    assert.equal(sh('git', ['init', '-q', '-b', 'main'], repo, env).code, 0);
    fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${ROOT}\n    rev: ${rev}\n    hooks:\n      - id: losslens\n`);
    fs.writeFileSync(path.join(repo, 'train.py'), DOUBLE);
    fs.writeFileSync(path.join(repo, 'nb.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: DOUBLE }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    fs.writeFileSync(path.join(repo, 'notes.txt'), DOUBLE);
    fs.mkdirSync(path.join(repo, 'legacy'));
    fs.writeFileSync(path.join(repo, 'legacy', 'old.py'), DOUBLE);
    fs.writeFileSync(path.join(repo, 'pyproject.toml'), '[tool.losslens]\nextend-exclude = ["legacy"]\n');
    assert.equal(sh('pre-commit', ['install'], repo, env).code, 0);
    sh('git', ['add', '-A'], repo, env);
    const blocked = sh('git', ['commit', '-qm', 'add training code'], repo, env);
    assert.notEqual(blocked.code, 0, blocked.out);
    assert.match(blocked.out, /Loss Lens\.+Failed/);
    assert.match(blocked.out, /train\.py:2:24: LL101 double-softmax/);
    assert.match(blocked.out, /nb\.ipynb#cell1:2:24: LL101 double-softmax/);
    assert.doesNotMatch(blocked.out, /notes\.txt|legacy/);

    fs.writeFileSync(path.join(repo, 'train.py'), 'import torch.nn.functional as F\nloss = F.cross_entropy(z, y)\n');
    fs.writeFileSync(path.join(repo, 'nb.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: `${DOUBLE.trimEnd()}  # noqa: LL101\n` }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    sh('git', ['add', '-A'], repo, env);
    const ok = sh('git', ['commit', '-qm', 'add training code'], repo, env);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /Loss Lens\.+Passed/);
    console.log(`      (${version})`);
  });
});
