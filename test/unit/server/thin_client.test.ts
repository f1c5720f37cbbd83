import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXT = path.join(ROOT, 'src', 'extension');

/** Every module specifier a file imports, and whether the import is type-only. */
function importsOf(file: string): { spec: string; typeOnly: boolean }[] {
  const src = fs.readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)].map((m) => ({ spec: m[3], typeOnly: !!m[2] }));
}

describe('the extension is a thin client (src/extension)', () => {
  const files = fs.readdirSync(EXT).filter((f) => f.endsWith('.ts'));

  it('imports no parser, evaluator, rule or explain code: the analysis runs in the server', () => {
    assert.ok(files.length >= 5, `found ${files.join(', ')}`);
    for (const f of files) {
      for (const { spec } of importsOf(path.join(EXT, f))) {
        if (!spec.startsWith('.')) {
          assert.ok(['vscode', 'vscode-languageclient', 'vscode-languageclient/node', 'vscode-languageclient/browser'].includes(spec), `${f} imports ${spec}`);
          continue;
        }
        const target = path.relative(ROOT, path.resolve(EXT, spec));
        // Its own modules, the request types it shares with the server, the panel's message protocol
        // and reveal allow-list.
        const allowed = [path.join('src', 'server', 'protocol'), path.join('webview', 'protocol'), path.join('webview', 'allow_list')];
        assert.ok(target.startsWith(path.join('src', 'extension')) || allowed.includes(target), `${f} imports ${spec} (${target})`);
      }
    }
  });

  it('the server protocol module the client shares imports no analysis code either', () => {
    for (const { spec, typeOnly } of importsOf(path.join(ROOT, 'src', 'server', 'protocol.ts'))) {
      assert.ok(spec === 'vscode-languageserver-protocol' || typeOnly, `protocol.ts imports ${spec}`);
    }
  });
});
