// Entry of the integration suite in the Node extension host (code-server route, and desktop VS
// Code through @vscode/test-electron). VS Code calls run() once the extension under development
// is loaded; the returned promise settles the window's exit code.
// The suites are bundled into this file (virtual module 'losslens:suites', see
// scripts/build-tests.mjs); mocha itself stays external and is loaded from node_modules.
import Mocha from 'mocha';
import { reportResult } from './report';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60000, slow: 5000 });
  // What addFile + loadFiles would do for a file: define describe/it, then evaluate the suites.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'losslens:suites', mocha);
  require('losslens:suites');
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed.`)) : resolve()));
    reportResult(runner);
  });
}
