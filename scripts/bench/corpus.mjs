// The benchmark's real ML corpus: Python files and notebooks that Debian ships, obtained with
// apt alone (no GitHub, no PyPI at run time) so any machine that reaches Debian's archive gets
// the same files. The packages are downloaded (`apt-get download`, no installation, no
// dependencies pulled in) and unpacked with `dpkg-deb -x` into .cache/bench-corpus/.
//
//   node scripts/bench/corpus.mjs          prints the corpus folder (downloading it when missing)
//
// BENCH_ML_CORPUS=/some/folder uses that folder instead.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPath } from '../vscode-test/install.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = path.join(ROOT, '.cache', 'bench-corpus');

/**
 * Debian bookworm packages with real ML source: PyTorch's Python side (torch, functorch,
 * torchgen), torchvision, scikit-learn, skorch, keras-applications, and the scikit-learn and
 * statsmodels documentation packages (their gallery examples and Jupyter notebooks).
 */
export const PACKAGES = [
  'python3-torch',
  'python3-torchvision',
  'python3-sklearn',
  'python3-skorch',
  'python3-keras-applications',
  'python-sklearn-doc',
  'python-statsmodels-doc',
];

function sh(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The corpus folder, downloading and unpacking the packages the first time. */
export function ensureCorpus(log = (s) => process.stderr.write(`${s}\n`)) {
  if (process.env.BENCH_ML_CORPUS) return process.env.BENCH_ML_CORPUS;
  const root = path.join(CACHE, 'root');
  const stamp = path.join(CACHE, 'packages.txt');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === PACKAGES.join('\n')) return root;
  if (!onPath('apt-get') || !onPath('dpkg-deb')) {
    throw new Error(`the ML corpus needs apt-get and dpkg-deb (Debian) to download ${PACKAGES.join(', ')}; or set BENCH_ML_CORPUS=/folder/of/python/files`);
  }
  const debs = path.join(CACHE, 'debs');
  fs.rmSync(CACHE, { recursive: true, force: true });
  fs.mkdirSync(debs, { recursive: true });
  log(`bench corpus: apt-get download ${PACKAGES.join(' ')} (about 100 MB, once)`);
  try {
    sh('apt-get', ['download', ...PACKAGES], debs);
  } catch {
    // Package lists not there yet (a fresh machine): fetch them once and retry.
    log('bench corpus: apt-get update');
    sh('apt-get', ['update', '-q'], '/');
    sh('apt-get', ['download', ...PACKAGES], debs);
  }
  for (const f of fs.readdirSync(debs).filter((f) => f.endsWith('.deb')).sort()) sh('dpkg-deb', ['-x', path.join(debs, f), root], debs);
  fs.rmSync(debs, { recursive: true, force: true });
  removeLinks(root);
  fs.writeFileSync(stamp, PACKAGES.join('\n'));
  return root;
}

/**
 * Symbolic links out of the unpacked tree: the doc packages link folders to one another (the
 * same files twice) and to files of packages not unpacked here (dangling).
 */
function removeLinks(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isSymbolicLink()) fs.unlinkSync(p);
    else if (e.isDirectory()) removeLinks(p);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureCorpus()}\n`);
  } catch (e) {
    process.stderr.write(`corpus: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
