#!/usr/bin/env node
// The `losslens` command: runs the bundled CLI (build it first with `npm run build`).
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('losslens: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}
require(bundle).run();
