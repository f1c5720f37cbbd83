#!/usr/bin/env node
// Benchmark of the core's stable sparse softmax cross-entropy against NumPy (one thread).
//
//   node scripts/bench.mjs [--runs=N]        (npm run bench builds first, then runs this)
//
// 1. Generates deterministic logits/labels (seeded PRNG) and writes them once as raw
//    little-endian binaries into a temp dir, so both sides read bit-identical inputs.
// 2. Bundles scripts/bench/entry.ts (which imports src/core) with esbuild into a temp .cjs and
//    runs it in a fresh node: one warm-up, then N timed runs of softmaxCrossEntropySparse.
// 3. Runs scripts/bench/numpy_ce.py (OMP/OPENBLAS/MKL_NUM_THREADS=1) on the same files.
// 4. Prints best / median times, the ratio ours/NumPy and the agreement of the losses.
// Without a Python that has NumPy it says so and prints our own timings only (exit 0).
// 5. On a real ML corpus (>= 2,000 Python files and notebooks from Debian packages, fetched with
//    apt once: scripts/bench/corpus.mjs): `losslens check` cold (whole process) and warm
//    (repeated passes in one process) next to tree-sitter's parse alone and Ruff's WebAssembly
//    build (default rules) on the same files.
// Options: --runs=N (default 5, or BENCH_RUNS); --only=numpy|analysis|realml (one part);
// BENCH_PYTHON=/path/to/python to pick NumPy's interpreter; BENCH_ML_CORPUS=/folder for another corpus.
// Exit status 1 only if our side fails or the per-row losses disagree with NumPy's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { ensureCorpus } from './bench/corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// As in scripts/build.mjs: jsonc-parser's UMD main loads its parts by a require a bundle cannot follow.
const JSONC_ESM = { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' };
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const RUNS = Math.max(1, Math.min(50, Number(runsArg ? runsArg.slice(7) : process.env.BENCH_RUNS ?? 5) || 5));
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
if (ONLY && !['numpy', 'analysis', 'realml'].includes(ONLY)) throw new Error(`--only must be numpy, analysis or realml (got ${ONLY})`);
const CASES = [
  { name: 'float32 [1024, 50257]', dtype: 'float32', rows: 1024, classes: 50257, seed: 1 },
  { name: 'float64 [4096, 1000]', dtype: 'float64', rows: 4096, classes: 1000, seed: 2 },
];
// Loose agreement bounds (NumPy computes float32 in float32; we round a float64 result once).
const AGREE = { float32: 1e-4, float64: 1e-10 };
const THREAD_ENV = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

/** xorshift128+ style generator on 32-bit words; deterministic across platforms. */
function rng(seed) {
  let a = 0x9e3779b9 ^ seed, b = 0x243f6a88, c = 0xb7e15162 ^ (seed * 7919), d = 0x6a09e667;
  const next = () => {
    // xoshiro128**
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r;
  };
  for (let i = 0; i < 16; i++) next();
  return () => (next() + 0.5) / 4294967296; // in (0, 1)
}
function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }

/** Logits ~ 3 N(0,1) + a per-row offset in [-5, 5); labels uniform in [0, classes). */
function makeData(c) {
  const u = rng(c.seed);
  const n = c.rows * c.classes;
  const x = c.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let r = 0; r < c.rows; r++) {
    const off = 10 * u() - 5;
    const base = r * c.classes;
    for (let i = 0; i < c.classes; i += 2) {
      const rad = Math.sqrt(-2 * Math.log(u()));
      const th = 2 * Math.PI * u();
      x[base + i] = 3 * rad * Math.cos(th) + off;
      if (i + 1 < c.classes) x[base + i + 1] = 3 * rad * Math.sin(th) + off;
    }
  }
  const labels = new Int32Array(c.rows);
  for (let r = 0; r < c.rows; r++) labels[r] = Math.min(c.classes - 1, Math.floor(u() * c.classes));
  return { x, labels };
}

function findNumpy() {
  const probe = 'import sys, numpy; print(sys.executable); print(sys.version.split()[0]); print(numpy.__version__)';
  // BENCH_PYTHON picks the interpreter; otherwise Debian's python3-numpy first, then PATH.
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ['/usr/bin/python3', 'python3', 'python'];
  for (const py of candidates) {
    if (py.startsWith('/') && !existsSync(py)) continue;
    const r = spawnSync(py, ['-c', probe], { encoding: 'utf8', timeout: 20000 });
    if (r.status === 0) {
      const [exe, ver, np] = r.stdout.trim().split('\n');
      return { cmd: py, exe, ver, np };
    }
  }
  return null;
}

function runJson(cmd, args, env, label, timeout = 60000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout, maxBuffer: 1 << 20 });
  if (r.error || r.status !== 0) {
    throw new Error(`${label} failed (${r.error?.message ?? `exit ${r.status}${r.signal ? ' ' + r.signal : ''}`}):\n${(r.stderr || '').trim().slice(-2000)}`);
  }
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

const best = (t) => Math.min(...t);
const median = (t) => { const s = [...t].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
const ms = (v) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const pad = (s, w) => String(s).padStart(w);

function readF64(path) {
  const b = readFileSync(path);
  const ab = new ArrayBuffer(b.byteLength);
  new Uint8Array(ab).set(b);
  return new Float64Array(ab);
}

function compare(ours, theirs) {
  let maxAbs = 0, maxRel = 0, so = 0, st = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i] - theirs[i]);
    if (!(d <= maxAbs)) maxAbs = d; // NaN propagates
    const rel = d / Math.max(Math.abs(ours[i]), Number.MIN_VALUE);
    if (!(rel <= maxRel)) maxRel = rel;
    so += ours[i]; st += theirs[i];
  }
  const mo = so / ours.length, mt = st / theirs.length;
  return { mo, mt, meanRel: Math.abs(mo - mt) / Math.abs(mo), maxAbs, maxRel };
}

async function main() {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'losslens-bench-'));
  try {
    const bundle = join(dir, 'bench.cjs');
    await esbuild.build({
      entryPoints: [join(here, 'bench', 'entry.ts')], bundle: true, platform: 'node', format: 'cjs',
      target: 'node20', outfile: bundle, logLevel: 'silent',
    });
    if (!ONLY || ONLY === 'numpy') await numpyBench(dir, bundle);
    if (!ONLY || ONLY === 'analysis') await analysisBenchAsync(dir);
    if (!ONLY || ONLY === 'realml') await realMlBench(dir);
    console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function numpyBench(dir, bundle) {
  {
    const py = findNumpy();
    const rows = [];
    for (const c of CASES) {
      const { x, labels } = makeData(c);
      const fx = join(dir, `${c.dtype}-logits.bin`), fl = join(dir, `${c.dtype}-labels.bin`);
      writeFileSync(fx, new Uint8Array(x.buffer));
      writeFileSync(fl, new Uint8Array(labels.buffer));
      const args = [fx, fl, c.dtype, String(c.rows), String(c.classes), String(RUNS)];
      const oursOut = join(dir, `${c.dtype}-ours.bin`), npOut = join(dir, `${c.dtype}-numpy.bin`);
      const ours = runJson(process.execPath, [bundle, ...args, oursOut], {}, 'core benchmark');
      let np = null, npError = null;
      if (py) {
        try { np = runJson(py.cmd, [join(here, 'bench', 'numpy_ce.py'), ...args, npOut], THREAD_ENV, 'NumPy benchmark'); }
        catch (e) { npError = e.message; }
      }
      const oursLoss = readF64(oursOut);
      const cmp = np ? compare(oursLoss, readF64(npOut)) : null;
      const oursMean = oursLoss.reduce((a, b) => a + b, 0) / oursLoss.length;
      rows.push({ c, ours: ours.times, np: np?.times, cmp, npError, oursMean });
    }

    console.log(`softmaxCrossEntropySparse(labels, logits, -1) vs NumPy, best / median of ${RUNS} runs after 1 warm-up (ms)`);
    console.log(`ours: node ${process.version}  |  NumPy: ${py ? `${py.exe} (Python ${py.ver}), numpy ${py.np}, 1 thread` : 'not available'}  |  ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}`);
    const head = `${'case'.padEnd(22)}${pad('ours best', 10)}${pad('med', 7)}${pad('numpy best', 11)}${pad('med', 7)}${pad('ours/numpy', 11)}${pad('med', 6)}  ${'mean loss'.padEnd(10)} max |d|  max rel`;
    console.log(head);
    console.log('-'.repeat(head.length));
    let mismatch = false;
    for (const { c, ours, np, cmp, oursMean } of rows) {
      const ob = best(ours), om = median(ours);
      const nb = np ? best(np) : undefined, nm = np ? median(np) : undefined;
      const agree = cmp ? `${cmp.mo.toPrecision(8).padEnd(10)} ${cmp.maxAbs.toExponential(1)}  ${cmp.maxRel.toExponential(1)}` : oursMean.toPrecision(8);
      if (cmp && !(cmp.maxRel <= AGREE[c.dtype])) mismatch = true;
      console.log(`${c.name.padEnd(22)}${pad(ms(ob), 10)}${pad(ms(om), 7)}${pad(ms(nb), 11)}${pad(ms(nm), 7)}` +
        `${pad(np ? (ob / nb).toFixed(2) : '-', 11)}${pad(np ? (om / nm).toFixed(2) : '-', 6)}  ${agree}`);
    }
    if (rows.some((r) => r.cmp)) {
      console.log(`(mean loss from ours; |mean ours - mean numpy| / mean: ${rows.filter((r) => r.cmp).map((r) => `${r.c.dtype} ${r.cmp.meanRel.toExponential(1)}`).join(', ')}; per-row max |d| and max rel vs NumPy)`);
    }
    if (!py) {
      console.log(`NumPy not found (tried ${process.env.BENCH_PYTHON || '/usr/bin/python3, python3, python'}): only our timings are shown. On Debian: apt-get install python3-numpy`);
    }
    for (const r of rows) if (r.npError) console.log(`NumPy run failed for ${r.c.name}: ${r.npError}`);
    if (mismatch) {
      console.log(`MISMATCH: per-row losses differ from NumPy beyond ${JSON.stringify(AGREE)} (relative)`);
      process.exitCode = 1;
    }
  }
}

/**
 * Bundles scripts/bench/<entry> for Node into dir/<out> (the same options as scripts/build.mjs's
 * Node bundles) and copies the parser's wasm next to it, where the bundle looks for it.
 */
async function bundleWithParser(dir, entry, out) {
  const bundle = join(dir, out);
  await esbuild.build({
    entryPoints: [join(here, 'bench', entry)], bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', outfile: bundle, logLevel: 'silent',
    define: { 'import.meta.url': 'importMetaUrl' },
    alias: JSONC_ESM,
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  for (const f of ['tree-sitter.wasm', 'tree-sitter-python.wasm']) writeFileSync(join(dir, f), readFileSync(join(here, '..', 'dist', f)));
  return bundle;
}

/**
 * The editor-side figures: `losslens check` over a folder of real Python (BENCH_CORPUS, default
 * Debian's Python standard library /usr/lib/python3.11) next to parsing the same files alone;
 * one 10,000-line file analysed vs parsed; hover latency on a 5,000-line file.
 */
async function analysisBenchAsync(dir) {
  const corpus = process.env.BENCH_CORPUS || ['/usr/lib/python3.11', '/usr/lib/python3'].find((d) => existsSync(d));
  if (!corpus) {
    console.log('\nanalysis: no Python corpus found (set BENCH_CORPUS=/path/to/python/files)');
    return;
  }
  const bundle = await bundleWithParser(dir, 'analysis_entry.ts', 'analysis.cjs');
  const r = runJson(process.execPath, [bundle, corpus, String(Math.min(RUNS, 3))], {}, 'analysis benchmark', 600_000);
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`\nanalysis (best of ${Math.min(RUNS, 3)}; ms)`);
  console.log(`(a) losslens check on ${r.folder}: ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB: check ${r.checkMs.toFixed(0)} vs parse alone ${r.parseMs.toFixed(0)}` +
    `  -> ratio ${ratio(r.checkMs, r.parseMs)} (goal <= 2.00), ${(r.files / (r.checkMs / 1000)).toFixed(0)} files/s, ${r.findings} findings`);
  console.log(`(b) ${r.bigLines}-line generated ML file (every block has a double softmax and a manual cross-entropy): parse ${r.bigParse.toFixed(1)}, parse + rules ${r.bigRules.toFixed(1)} (ratio ${ratio(r.bigRules, r.bigParse)}),` +
    ` parse + evaluate every statement ${r.bigEval.toFixed(1)} (ratio ${ratio(r.bigEval, r.bigParse)})`);
  console.log(`(b') 10000 lines of ${r.folder} concatenated: parse ${r.realParse.toFixed(1)}, parse + rules ${r.realRules.toFixed(1)} (ratio ${ratio(r.realRules, r.realParse)})`);
  console.log(`(c) hover on a 5,000-line file (${r.hoverSamples} positions on loss calls, analysis cached): p50 ${r.hoverP50.toFixed(2)}, p95 ${r.hoverP95.toFixed(2)}, max ${r.hoverMax.toFixed(2)} (goal p95 < 20)`);
  console.log(`(d) that file with an unclosed list on line 3: parse ${r.recParse.toFixed(1)} (${r.findingsBare} findings), parse + recovery ${r.recRecover.toFixed(1)}` +
    ` (ratio ${ratio(r.recRecover, r.recParse)}), + rules ${r.recRules.toFixed(1)} (${r.findingsRecovered} findings); one unclosed list every 500 lines: parse ${r.rec20Parse.toFixed(1)},` +
    ` parse + recovery ${r.rec20Recover.toFixed(1)} (ratio ${ratio(r.rec20Recover, r.rec20Parse)}); keystroke re-parse of the broken file p50 ${r.recKeyP50.toFixed(1)}`);
  console.log(`(c') hover right after a keystroke on that file (incremental re-parse + scopes + explain, no cached analysis): p50 ${r.editHoverP50.toFixed(1)}, p95 ${r.editHoverP95.toFixed(1)} (limit 50)`);
}

/** CPU time (user + system, ms) of this process's waited-for children, from /proc (Linux); undefined elsewhere. */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // proc(5): after "(comm)" come state (field 3) ... cutime (16) and cstime (17), in clock
    // ticks of USER_HZ = 100 on Linux
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[13]) + Number(f[14]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Wall and CPU time of a whole process (the cold figure: start, load, one pass, exit). */
function wholeProcess(args, label) {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 1_200_000 });
  const wallMs = performance.now() - t0;
  const c1 = childrenCpuMs();
  if (r.error || (r.status !== 0 && r.status !== 1)) throw new Error(`${label} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || '').trim().slice(-500)}`);
  return { wallMs, cpuMs: c0 === undefined || c1 === undefined ? undefined : c1 - c0, stdout: r.stdout };
}

/**
 * (e) losslens check on a real ML corpus next to tree-sitter's parse alone and Ruff-wasm (default
 * rules), same files, same run: cold = a whole `node` process each (best of 2; 1 with --runs
 * below 5), warm = the best pass after the first inside one process (the language server's
 * situation). Wall and CPU time: on a shared machine CPU time is the steadier figure.
 */
async function realMlBench(dir) {
  let corpus;
  try {
    corpus = ensureCorpus((s) => console.log(s));
  } catch (e) {
    console.log(`\nreal ML corpus: not available (${e.message})`);
    return;
  }
  const bundle = await bundleWithParser(dir, 'realml_entry.ts', 'realml.cjs');
  const passes = Math.max(2, Math.min(RUNS, 4));
  const list = join(dir, 'realml-files.json');
  const ours = runJson(process.execPath, [bundle, corpus, String(passes), list], {}, 'real ML corpus (losslens, warm)', 1_200_000);
  const ruffWarm = JSON.parse(wholeProcess([join(here, 'bench', 'ruff_pass.mjs'), list, String(passes)], 'Ruff-wasm (warm)').stdout);
  const cli = join(here, '..', 'bin', 'losslens.js');
  const colds = RUNS >= 5 ? [0, 1] : [0];
  const coldOurs = colds.map(() => wholeProcess([cli, 'check', '--format', 'json', corpus], 'losslens check (cold)'));
  const coldRuff = colds.map(() => wholeProcess([join(here, 'bench', 'ruff_pass.mjs'), list, '1'], 'Ruff-wasm (cold)'));
  const bestOf = (xs, k) => Math.min(...xs.map((x) => x[k] ?? Infinity));
  const warm = (xs) => xs.slice(1).length ? xs.slice(1) : xs; // passes after the first
  const w = {
    check: { wall: bestOf(warm(ours.check), 'wallMs'), cpu: bestOf(warm(ours.check), 'cpuMs') },
    parse: { wall: bestOf(warm(ours.parse), 'wallMs'), cpu: bestOf(warm(ours.parse), 'cpuMs') },
    ruff: { wall: bestOf(warm(ruffWarm.passes), 'wallMs'), cpu: bestOf(warm(ruffWarm.passes), 'cpuMs') },
  };
  const c = {
    ours: { wall: bestOf(coldOurs, 'wallMs'), cpu: bestOf(coldOurs, 'cpuMs') },
    ruff: { wall: bestOf(coldRuff, 'wallMs'), cpu: bestOf(coldRuff, 'cpuMs') },
  };
  const f = (v) => (Number.isFinite(v) ? v.toFixed(0) : '-');
  const x = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : '-');
  console.log(`\n(e) real ML corpus ${corpus}: ${ours.files} files (${ours.notebooks} notebooks), ${(ours.bytes / 1e6).toFixed(1)} MB; Ruff-wasm ${ruffWarm.version}, default rules`);
  console.log(`    ms (wall / cpu)                 losslens check    parse alone    Ruff-wasm    check/Ruff (wall, cpu)   check/parse`);
  console.log(`    cold, whole process (best of ${colds.length})  ${f(c.ours.wall).padStart(6)} / ${f(c.ours.cpu).padEnd(6)}   ${'-'.padStart(11)}   ${f(c.ruff.wall).padStart(5)} / ${f(c.ruff.cpu).padEnd(5)}  ${x(c.ours.wall, c.ruff.wall)}, ${x(c.ours.cpu, c.ruff.cpu)}`);
  console.log(`    warm, best of ${passes - 1} passes after 1     ${f(w.check.wall).padStart(6)} / ${f(w.check.cpu).padEnd(6)}  ${f(w.parse.wall).padStart(5)} / ${f(w.parse.cpu).padEnd(5)}   ${f(w.ruff.wall).padStart(5)} / ${f(w.ruff.cpu).padEnd(5)}  ${x(w.check.wall, w.ruff.wall)}, ${x(w.check.cpu, w.ruff.cpu)}          ${x(w.check.wall, w.parse.wall)}`);
  console.log(`    findings ${ours.findings} (files skipped by budgets ${ours.skipped}); Ruff diagnostics ${ruffWarm.diagnostics}; parser load ${ours.loadMs.toFixed(0)} ms, Ruff load ${ruffWarm.loadMs.toFixed(0)} ms`);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exitCode = 1;
});
