// The folder the test window opens: a fresh temp copy of test/integration/fixtures plus the
// acceptance seeds (under acceptance/), and workspace settings that keep the workbench quiet.
// Used by run.mjs (both routes) and by test/integration/run-electron.mjs, so every route sees the
// same files at the same relative paths.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * @param {{ screenshotUrl?: string }} [opts] screenshotUrl: where tests ask for screenshots
 *   (written to .losslens-test.json; absent = tests skip their screenshot steps)
 * @returns {{ dir: string, dispose(): void }}
 */
export function makeWorkspace(opts = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-ws-'));
  fs.cpSync(path.join(REPO_ROOT, 'test', 'integration', 'fixtures'), dir, { recursive: true });
  const acceptance = path.join(REPO_ROOT, 'test', 'fixtures', 'acceptance');
  fs.mkdirSync(path.join(dir, 'acceptance'));
  for (const f of fs.readdirSync(acceptance).filter((f) => f.endsWith('.py'))) {
    fs.copyFileSync(path.join(acceptance, f), path.join(dir, 'acceptance', f));
  }
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'editor.minimap.enabled': false,
    'editor.hover.delay': 100,
    'files.autoSave': 'off',
    'git.enabled': false,
    'files.exclude': { '**/.vscode': true, '**/.losslens-test.json': true, '**/README.md': true },
  }, null, 2) + '\n');
  if (opts.screenshotUrl) {
    fs.writeFileSync(path.join(dir, '.losslens-test.json'), JSON.stringify({ screenshotUrl: opts.screenshotUrl }) + '\n');
  }
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
