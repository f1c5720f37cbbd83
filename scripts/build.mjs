// Builds the bundles with esbuild and copies the parser's wasm files next to them.
//   dist/cli.js            the `losslens` command (Node)
//   dist/extension.js      the extension for the Node extension host (package.json "main"): the
//                          language client, the panel host; no analysis
//   dist/server.js         the language server the Node client starts in its own process
//   dist/web/extension.js  the extension for the web-worker extension host ("browser")
//   dist/web/server.js     the language server the browser client starts in a web worker
//   dist/webview/          the Loss Lens panel's own bundle (main.js, panel.css), loaded by the webview
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'fs';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
// A production build (the .vsix) starts from an empty dist/: no source maps, no test bundles.
if (production) rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

// Node bundles (the CLI and the language server process) share one configuration.
const nodeBundle = {
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // web-tree-sitter's ES module locates itself through import.meta.url, which a CJS bundle lacks.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  // jsonc-parser's UMD main loads its parts by a require inside a factory that a bundle cannot follow.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

await esbuild.build({ ...nodeBundle, entryPoints: { cli: 'src/cli/main.ts' } });

// The language server, twice: a Node process (also inside dist/cli.js as `losslens server`) and
// a web worker. Both load the parser's wasm files (copied below) at run time.
await esbuild.build({ ...nodeBundle, entryPoints: { server: 'src/server/main_node.ts' } });
await esbuild.build({
  entryPoints: ['src/server/browser.ts'],
  outfile: 'dist/web/server.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // No file URL exists in a web worker; the parser gets its wasm as bytes (src/server/browser.ts).
  define: { 'import.meta.url': '"file:///"', global: 'globalThis' },
  // web-tree-sitter mentions Node modules behind environment checks it never takes in a worker.
  external: ['fs', 'fs/promises', 'module', 'path', 'url'],
});

// The extension, twice: Node and web worker. `vscode` is provided by the host.
const extensionCommon = {
  bundle: true,
  format: 'cjs',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};
await esbuild.build({
  ...extensionCommon,
  entryPoints: ['src/extension/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
});
await esbuild.build({
  ...extensionCommon,
  entryPoints: ['src/extension/extension_web.ts'],
  outfile: 'dist/web/extension.js',
  platform: 'browser',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
  define: { global: 'globalThis' },
  external: ['vscode'],
});

// The panel's webview: a browser IIFE plus its stylesheet, the only files the webview may load.
mkdirSync('dist/webview', { recursive: true });
await esbuild.build({
  entryPoints: ['webview/main.ts'],
  outfile: 'dist/webview/main.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});
copyFileSync('webview/panel.css', 'dist/webview/panel.css');

copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');
