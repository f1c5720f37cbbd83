#!/usr/bin/env node
// Runs the integration suite in desktop VS Code (Electron) through @vscode/test-electron, on a
// machine that can download VS Code (this offline one cannot: use scripts/vscode-test/run.mjs).
// The suite, the bundles and the workspace are the same as the launcher's:
//   npm run build && npm run build:tests && node test/integration/run-electron.mjs
// env: VSCODE_VERSION (default 'stable'; e.g. '1.91.1' for the oldest supported),
//      VSCODE_EXECUTABLE (use an installed VS Code instead of downloading one).
import { runTests } from '@vscode/test-electron';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { makeWorkspace } from '../../scripts/vscode-test/workspace.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tests = path.join(root, 'dist', 'node', 'test', 'index.js');
for (const f of [path.join(root, 'dist', 'extension.js'), tests]) {
  if (!fs.existsSync(f)) {
    console.error(`not built: ${path.relative(root, f)} (run: npm run build && npm run build:tests)`);
    process.exit(1);
  }
}

const ws = makeWorkspace(); // no screenshot endpoint: the tests skip their screenshot steps
let code = 1;
try {
  code = await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: tests,
    ...(process.env.VSCODE_EXECUTABLE
      ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
      : { version: process.env.VSCODE_VERSION || 'stable' }),
    launchArgs: [ws.dir, '--disable-extensions'], // test-electron adds --skip-welcome, --disable-workspace-trust...
  });
} catch (e) {
  console.error(`test-electron: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  ws.dispose();
}
// mocha's spec output and a __LOSSLENS_RESULT__ line with the counts are printed above.
console.log(code === 0 ? 'vscode-tests (electron): passed' : `vscode-tests (electron): failed (exit code ${code})`);
process.exit(code === 0 ? 0 : 1);
