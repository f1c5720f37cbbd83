// Writes docs/supported.md from the evaluator's registry (run: npm run docs:supported).
// A unit test fails when the committed file is out of date.
import * as esbuild from 'esbuild';
import { writeFileSync } from 'fs';
import { createRequire } from 'module';
import { tmpdir } from 'os';
import { join } from 'path';

const out = join(tmpdir(), `losslens-supported-${process.pid}.cjs`);
await esbuild.build({ entryPoints: ['src/python/supported.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
const { supportedMarkdown } = createRequire(import.meta.url)(out);
writeFileSync('docs/supported.md', supportedMarkdown());
