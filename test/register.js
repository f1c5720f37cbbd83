// Lets mocha load TypeScript test files directly: esbuild transpiles each .ts on require
// (types are checked separately by `npm run typecheck`).
const { transformSync } = require('esbuild');
const fs = require('fs');
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(src, { loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename });
  module._compile(code, filename);
};
