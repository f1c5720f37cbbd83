// Writes dist/marketplace/README.md, the README the .vsix ships (vsce --readme-path), from
// media/README.marketplace.md: every image becomes a data: URI of its PNG.
//
// Why: VS Code's extension page renders the README with the CSP "img-src https: data:" and a
// sanitizer that keeps only http(s) and data: image sources, so relative images (the package
// script keeps links relative: --no-rewrite-relative-links) are blocked, and https images need
// the network. data: URIs show everywhere, offline too. vsce accepts them when links are not
// rewritten (it refuses only SVG data URIs, and non-https images when it rewrites).
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const source = join(here, 'README.marketplace.md');
const out = join(root, 'dist', 'marketplace', 'README.md');
const MAX_IMAGE = 1_000_000;

export function inlineImages(markdown, baseDir) {
  return markdown.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (all, alt, src) => {
    if (/^(https:|data:)/.test(src)) return all;
    if (!/\.png$/i.test(src)) throw new Error(`marketplace README: only PNG images can be inlined: ${src}`);
    const bytes = readFileSync(resolve(baseDir, src));
    if (bytes.length > MAX_IMAGE) throw new Error(`marketplace README: ${src} is over ${MAX_IMAGE} bytes`);
    return `![${alt}](data:image/png;base64,${bytes.toString('base64')})`;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const md = inlineImages(readFileSync(source, 'utf8'), here);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md);
  console.log(`marketplace README: ${out} (${md.length} characters)`);
}
