import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../../src/rules';

const ROOT = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('package.json stays honest', () => {
  const commands: { command: string; title: string; category: string }[] = pkg.contributes.commands;

  it('every command has a title and the category "Loss Lens", and is registered by the extension', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src', 'extension', 'commands.ts'), 'utf8');
    for (const c of commands) {
      assert.ok(c.title, c.command);
      assert.equal(c.category, 'Loss Lens', c.command);
      assert.ok(source.includes(`'${c.command}'`), `${c.command} is not registered in commands.ts`);
    }
    const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(registered.sort(), commands.map((c) => c.command).sort());
  });

  it('every menu entry names a declared command and has a when clause', () => {
    const ids = new Set(commands.map((c) => c.command));
    for (const [menu, entries] of Object.entries(pkg.contributes.menus) as [string, { command: string; when?: string }[]][]) {
      for (const e of entries) {
        assert.ok(ids.has(e.command), `${menu}: ${e.command}`);
        assert.ok(e.when, `${menu}: ${e.command} has no when clause`);
      }
    }
  });

  it('every setting has a description; every rule has a severity setting with its default and a docs page', () => {
    const props = pkg.contributes.configuration.properties as Record<string, { markdownDescription?: string; description?: string; default?: unknown }>;
    for (const [k, v] of Object.entries(props)) assert.ok(v.markdownDescription || v.description, k);
    for (const r of RULES) {
      const s = props[`lossLens.rules.${r.name}`];
      assert.ok(s, r.name);
      assert.equal(s.default, r.defaultSeverity, r.name);
      assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', `${r.name}.md`)), `docs/rules/${r.name}.md`);
    }
  });

  it('a real extension manifest: engines, entries, capabilities, CLI bin', () => {
    assert.equal(pkg.name, 'loss-lens');
    assert.equal(pkg.displayName, 'Loss Lens');
    assert.equal(pkg.engines.vscode, '^1.91.0');
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.browser, './dist/web/extension.js');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(pkg.bin.losslens, 'bin/losslens.js');
    assert.ok(pkg.activationEvents.includes('onLanguage:python'));
  });
});
