import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { ROOT, Session, startSession, stopSession } from './lsp_client';

const FIXTURES = path.join(ROOT, 'test', 'integration', 'fixtures');
const read = (f: string) => fs.readFileSync(path.join(FIXTURES, f), 'utf8');
const uriOf = (f: string) => pathToFileURL(path.join(FIXTURES, f)).href;
const hasLL101 = (ds: Diagnostic[]) => ds.some((d) => d.code === 'LL101');

// Exact values (mpmath, 30 digits): softmax rows of [[1, 2, 3], [1, 2, 0.5]], and PyTorch's
// cross-entropy of float32 logits [[2, 1, 0.1], [0.5, 2.5, 0.3]] with targets [0, 1].
const SOFTMAX = [0.0900305731703804580, 0.244728471054797652, 0.665240955774821890, 0.231223897622149067, 0.628531719211762448, 0.140244383166088485];
const CE_MEAN = 0.318539770252610837;

function numbers(text: string): number[] {
  return (text.match(/-?\d+\.\d+(?:e[-+]?\d+)?/gi) ?? []).map(Number);
}

describe('losslens server --stdio, driven by an LSP client over stdio', function () {
  this.timeout(30000);
  let s: Session | undefined;
  afterEach(async () => {
    if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    s = undefined;
  });

  it('initialize, didOpen -> publishDiagnostics (LL101 linked to its page), hover, codeAction, shutdown and exit 0', async () => {
    s = await startSession();
    const uri = uriOf('double_softmax_torch.py');
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: read('double_softmax_torch.py') } });
    const ds = await s.diagnostics(uri, hasLL101);
    const d = ds.find((x) => x.code === 'LL101')!;
    assert.equal(d.range.start.line, 5);
    assert.equal(d.source, 'Loss Lens');
    assert.match(d.codeDescription!.href, /^file:.*\/docs\/rules\/double-softmax\.md$/);
    assert.ok(fs.existsSync(new URL(d.codeDescription!.href)), 'the linked page exists');
    assert.equal(s.published.find((p) => p.uri === uri)!.version, 1, 'diagnostics carry the version they were computed for');

    // A hover has a 250 ms budget: a cold one may leave parts out; values computed stay cached, so
    // the hovers an editor sends as the mouse moves complete it.
    let text = '';
    for (let i = 0; i < 20 && !/LL101 double-softmax/.test(text); i++) {
      const hover = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover | null;
      text = hover ? (hover.contents as MarkupContent).value : '';
    }
    assert.match(text, /LL101 double-softmax/);

    const actions = (await s.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: d.range, context: { diagnostics: [d] },
    })) as CodeAction[];
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, `one preferred fix among ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(preferred[0].kind, 'quickfix');
    const edits = preferred[0].edit!.changes![uri];
    const lines = read('double_softmax_torch.py').split('\n');
    for (const e of [...edits].reverse()) {
      assert.equal(e.range.start.line, 5);
      assert.equal(e.range.end.line, 5);
      lines[5] = lines[5].slice(0, e.range.start.character) + e.newText + lines[5].slice(e.range.end.character);
    }
    assert.equal(lines[5], 'loss = F.cross_entropy(z, y)');

    assert.equal(await stopSession(s), 0);
  });

  it('hover values and the evaluate/explain requests match exact values', async () => {
    s = await startSession();
    const uri = uriOf('hover_values.py');
    const text = read('hover_values.py');
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    const at = (needle: string, delta: number) => {
      const i = text.indexOf(needle) + delta;
      const before = text.slice(0, i).split('\n');
      return { line: before.length - 1, character: before[before.length - 1].length };
    };
    await s.diagnostics(uri); // analysed, as in an editor before the mouse gets there
    // A hover has a 250 ms budget; on a busy machine the first one may give up, the next ones are warm.
    let hover: Hover | null = null;
    for (let i = 0; i < 20 && !hover; i++) hover = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: at('[[1.0, 2.0, 3.0]', 3) })) as Hover | null;
    assert.ok(hover, 'a hover on the array literal');
    const value = (hover.contents as MarkupContent).value;
    for (const v of SOFTMAX) assert.ok(numbers(value).some((x) => Math.abs(x - v) <= 5e-7), `softmax ${v} in\n${value}`);

    const explained = (await s.connection.sendRequest('lossLens/explainLossAtCursor', { textDocument: { uri }, position: at('cross_entropy(logits', 3) })) as { model?: { kind: string; reduced?: { value: { value: unknown } } } };
    assert.equal(explained.model?.kind, 'loss');
    assert.ok(Math.abs(Number(explained.model!.reduced!.value.value) - CE_MEAN) <= 1e-7, `mean ${JSON.stringify(explained.model!.reduced)}`);

    const nothing = (await s.connection.sendRequest('lossLens/evaluateSelection', { textDocument: { uri }, range: { start: at('import numpy', 0), end: at('import numpy', 0) } })) as { model?: unknown; message?: string };
    assert.equal(nothing.model, undefined);
    assert.match(nothing.message!, /select an array literal/);
    await stopSession(s);
  });

  it('settings are pulled with workspace/configuration: a rule set to off reports nothing', async () => {
    s = await startSession({ rules: { 'double-softmax': 'off' } });
    const uri = uriOf('double_softmax_torch.py');
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: read('double_softmax_torch.py') } });
    const ds = await s.diagnostics(uri);
    assert.ok(!hasLL101(ds), JSON.stringify(ds));
    // Turned back on: didChangeConfiguration makes the server pull the settings again.
    s.settings = {};
    await s.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.diagnostics(uri, hasLL101);
    await stopSession(s);
  });

  it('a syntax error above a double softmax: LL101 still, and one information diagnostic where the code could not be read', async () => {
    s = await startSession();
    const uri = uriOf('syntax_error_above.py');
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: read('syntax_error_above.py') } });
    const ds = await s.diagnostics(uri, hasLL101);
    assert.equal(ds.find((d) => d.code === 'LL101')!.range.start.line, 7);
    const info = ds.filter((d) => d.severity === 3);
    assert.equal(info.length, 1, JSON.stringify(ds));
    assert.equal(info[0].range.start.line, 3, 'at the broken def');
    assert.match(info[0].message as string, /^Loss Lens could not read this code: .+\. The code around it is analysed\.$/);
    await stopSession(s);
  });

  it('usage errors: a transport is required', async () => {
    const { spawnSync } = await import('child_process');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'losslens.js'), 'server'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /server takes one transport: --stdio/);
  });
});
