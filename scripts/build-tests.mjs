// Bundles the integration suite (test/integration/*.test.ts) for both extension hosts:
//   dist/node/test/index.js   Node extension host: exports run(), mocha's Node API (mocha external)
//   dist/web/test/index.js    web-worker extension host: exports run(), mocha 11's browser build,
//                             the npm `assert` polyfill, a process shim, global = globalThis
// Every *.test.ts in the tests folder is imported by the virtual module 'losslens:suites', so a
// new test file needs no registration.
//
// usage: node scripts/build-tests.mjs [--tests DIR] [--out DIR]   (defaults: test/integration, dist)
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return path.resolve(i > 0 ? process.argv[i + 1] : dflt);
};
const testsDir = arg('--tests', path.join(root, 'test', 'integration'));
const outDir = arg('--out', path.join(root, 'dist'));
const entries = path.join(root, 'test', 'integration');

const suitesPlugin = {
  name: 'losslens-suites',
  setup(build) {
    build.onResolve({ filter: /^losslens:suites$/ }, () => ({ path: 'suites', namespace: 'losslens-suites' }));
    build.onLoad({ filter: /.*/, namespace: 'losslens-suites' }, () => {
      const files = fs.readdirSync(testsDir).filter((f) => f.endsWith('.test.ts')).sort();
      if (files.length === 0) throw new Error(`no *.test.ts in ${testsDir}`);
      return {
        contents: files.map((f) => `require(${JSON.stringify(path.join(testsDir, f))});`).join('\n'),
        resolveDir: testsDir,
        loader: 'js',
        watchFiles: files.map((f) => path.join(testsDir, f)),
      };
    });
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  sourcemap: 'inline', // stack traces of failing tests point at the .ts lines
  logLevel: 'warning',
  plugins: [suitesPlugin],
  absWorkingDir: root,
  nodePaths: [path.join(root, 'node_modules')], // for a --tests folder outside the repository
};

await esbuild.build({
  ...common,
  entryPoints: [path.join(entries, 'index.node.ts')],
  outfile: path.join(outDir, 'node', 'test', 'index.js'),
  platform: 'node',
  target: 'node20',
  external: ['vscode', 'mocha'],
});

await esbuild.build({
  ...common,
  entryPoints: [path.join(entries, 'index.web.ts')],
  outfile: path.join(outDir, 'web', 'test', 'index.js'),
  platform: 'browser',
  target: 'es2022',
  external: ['vscode'],
  mainFields: ['browser', 'module', 'main'],
  define: { global: 'globalThis' },
  inject: [path.join(entries, 'shims', 'process.js')],
});
console.log(`built ${path.relative(root, path.join(outDir, 'node', 'test', 'index.js'))} and ${path.relative(root, path.join(outDir, 'web', 'test', 'index.js'))}`);
