// Opens a VS Code workbench URL in Debian's headless Chromium (through playwright-core from the
// harness) and collects the extension-host test run: the workbench forwards the extension host's
// console to window.codeAutomationLog and the final exit code to window.codeAutomationExit (the
// hook protocol VS Code's own web smoke tests and @vscode/test-web use).
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import { CHROMIUM_PATH, HARNESS_DIR } from './config.mjs';

const harnessRequire = createRequire(path.join(HARNESS_DIR, 'package.json'));
export const RESULT_MARKER = '__LOSSLENS_RESULT__';

// Workbench chatter that reaches codeAutomationLog along with the tests' output: harmless on an
// offline machine (no marketplace, no translations). Shown with --verbose only.
const NOISE = [
  /^Ignoring fetching additional builtin extensions/, /^Updating additional builtin extensions cache/,
  /^Found additional builtin location/, /^Loading development extension at/, /^Request to '.*' failed with status code 404/,
  /^Ignoring the error while validating workspace folder/, /fs provider registers for vscode-test-web/,
  /^Resolving connection token/, /^Resolved connection token/, /^Creating a socket/, /^\[Service Worker\]/,
  /^ChatSessionStore:/, /ENOTFOUND open-vsx\.org/, /disabled by the test launcher/, /^Extension host .* started/, /^Started local extension host/,
];
const isNoise = (text) => NOISE.some((re) => re.test(text));

/**
 * @param {string} url workbench URL
 * @param {{ timeoutMs: number, label: string, verbose?: boolean, onPage?: (page) => void,
 *   blockServiceWorker?: string,
 *   rewriteWorkbench?: (page: { html: string, headers: Record<string, string> }) => { html: string, headers: Record<string, string> } }} opts
 *   blockServiceWorker: a script path whose service-worker registration is refused
 *   rewriteWorkbench: edits the workbench page (HTML, response headers) before the browser sees it
 *   (both used by route-code-server.mjs)
 * @returns {Promise<{ code: number, passed: number, failed: number, pending: number, timedOut: boolean }>}
 */
export async function runInChromium(url, opts) {
  const { chromium } = harnessRequire('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-chromium-'));
  // A persistent (not incognito) profile that allows third-party cookies: each webview lives on
  // <uuid>.localhost and must register a service worker, which Chromium refuses otherwise.
  fs.mkdirSync(path.join(profile, 'Default'));
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1600, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      // A workbench page fulfilled by page.route (rewriteWorkbench) has no known IP address, so
      // Chromium's local-network-access checks would block its WebSocket to 127.0.0.1.
      ...(opts.rewriteWorkbench ? ['--disable-features=LocalNetworkAccessChecks'] : [])],
  });
  const result = { code: 1, passed: 0, failed: 0, pending: 0, timedOut: false, sawResult: false };
  try {
    const page = context.pages()[0] || (await context.newPage());
    if (opts.verbose) page.on('console', (m) => console.log(`[${opts.label} browser] ${m.text()}`));
    page.on('crash', () => console.error(`[${opts.label}] the browser page crashed`));
    if (opts.blockServiceWorker) {
      // Runs in every frame before its scripts; only the named worker is refused.
      await page.addInitScript((blocked) => {
        const sw = navigator.serviceWorker;
        if (!sw) return;
        const register = sw.register.bind(sw);
        sw.register = (url, options) => (String(url).includes(blocked)
          ? Promise.reject(new Error(`service worker ${blocked} disabled by the test launcher`))
          : register(url, options));
      }, opts.blockServiceWorker);
    }
    if (opts.rewriteWorkbench) {
      const rewrite = opts.rewriteWorkbench;
      const top = new URL(url);
      await page.route((u) => u.origin === top.origin && u.pathname === top.pathname, async (route) => {
        if (route.request().resourceType() !== 'document') return route.fallback();
        const response = await route.fetch();
        const { html, headers } = rewrite({ html: await response.text(), headers: response.headers() });
        await route.fulfill({ response, body: html, headers });
      });
    }
    opts.onPage?.(page);
    result.code = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        result.timedOut = true;
        console.error(`[${opts.label}] timed out after ${opts.timeoutMs} ms`);
        resolve(2);
      }, opts.timeoutMs);
      const setup = async () => {
        await page.exposeFunction('codeAutomationLog', (type, args) => {
          const text = format(...args); // mocha's reporter logs printf-style format strings
          const i = text.indexOf(RESULT_MARKER);
          if (i >= 0) {
            try {
              Object.assign(result, JSON.parse(text.slice(i + RESULT_MARKER.length)), { sawResult: true });
            } catch { /* a truncated line: counts stay as they are */ }
            return;
          }
          if (!opts.verbose && isNoise(text)) return;
          (type === 'error' ? console.error : console.log)(text);
        });
        await page.exposeFunction('codeAutomationExit', (code) => {
          clearTimeout(timer);
          resolve(Number(code));
        });
        await page.goto(url);
      };
      setup().catch((e) => {
        clearTimeout(timer);
        console.error(`[${opts.label}] could not open the workbench: ${e.message}`);
        resolve(3);
      });
    });
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  // Crashed or timed out before the suite reported: count that as a failure.
  if (result.code !== 0 && result.failed === 0) result.failed = 1;
  return result;
}
