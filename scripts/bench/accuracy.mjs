#!/usr/bin/env node
// Accuracy check of src/core/exp.ts and the softmax cross-entropy kernels against mpmath.
//   node scripts/bench/accuracy.mjs        (needs a python3 with mpmath)
// Bundles accuracy_entry.ts with esbuild, runs it, and pipes its JSON to mp_check.py.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'losslens-acc-'));
try {
  const out = join(dir, 'acc.cjs');
  await esbuild.build({ entryPoints: [join(here, 'accuracy_entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent' });
  const js = spawnSync(process.execPath, [out], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (js.status !== 0) throw new Error(js.stderr);
  if (js.stderr) process.stderr.write(js.stderr);
  let done = false;
  for (const py of ['python3', '/usr/bin/python3', 'python']) {
    const r = spawnSync(py, [join(here, 'mp_check.py')], { input: js.stdout, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status === 0) { process.stdout.write(r.stdout); done = true; break; }
    if (r.stderr && !/ModuleNotFoundError|ENOENT/.test(r.stderr)) console.error(r.stderr);
  }
  if (!done) { console.log('no python3 with mpmath found'); process.exitCode = 1; }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
