import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';

const ROOT = path.join(__dirname, '..', '..', '..');

describe("the installed extension's page (icon, packaged README)", () => {
  it('package.json names a 128 x 128 PNG icon that .vscodeignore ships', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.icon, 'media/icon.png');
    const png = PNG.sync.read(fs.readFileSync(path.join(ROOT, pkg.icon)));
    assert.deepEqual([png.width, png.height], [128, 128]);
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!media\/icon\.png$/m);
    assert.match(pkg.scripts.package, /node media\/marketplace-readme\.mjs && vsce package .*--readme-path dist\/marketplace\/README\.md/);
  });

  it('the packaged README opens with what a user does, and every image becomes a data: PNG (the page allows only https: and data:)', async () => {
    const src = fs.readFileSync(path.join(ROOT, 'media', 'README.marketplace.md'), 'utf8');
    assert.doesNotMatch(src, /npm (ci|start|run)/, 'no developer commands');
    assert.match(src.split('\n## ')[1], /^Get started/);
    const { inlineImages } = await import(path.join(ROOT, 'media', 'marketplace-readme.mjs'));
    const out: string = inlineImages(src, path.join(ROOT, 'media'));
    const images = [...out.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.equal(images.length, [...src.matchAll(/!\[/g)].length);
    assert.ok(images.length >= 3);
    for (const i of images) {
      assert.match(i, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      const png = PNG.sync.read(Buffer.from(i.slice('data:image/png;base64,'.length), 'base64'));
      assert.ok(png.width > 100 && png.height > 100);
    }
    // No link that points outside the package or at a relative file the page cannot open.
    assert.deepEqual([...out.matchAll(/(?<!!)\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]), []);
  });
});
