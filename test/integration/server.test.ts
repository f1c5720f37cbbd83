import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import {
  EXTENSION_ID, closeEverything, codeOf, hoverText, lossLens, openFixture, positionOf, waitFor, waitForDiagnostics,
} from './helpers';

const hasLL101 = (ds: vscode.Diagnostic[]) => ds.some((d) => codeOf(d) === 'LL101');
const count101 = (ds: vscode.Diagnostic[]) => ds.filter((d) => codeOf(d) === 'LL101').length;

/** Resolves with `p`'s value, or with 'timeout' after `ms` (a hover on a hostile file may never answer). */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

describe('Loss Lens in a real VS Code: the language server', () => {
  before(() => lossLens());
  afterEach(closeEverything);

  it('the list-doubling file, opened and hovered, leaves the extension host alive and another file still gets its diagnostics', async () => {
    const hostile = await openFixture('list_doubling.py');
    // x = [0.0, 0.0], x = x + x 28 times (2^29 elements), tf.nn.softmax(x); and the empty line after the final newline
    assert.equal(hostile.document.lineCount, 31);
    const hover = await within(hoverText(hostile.document.uri, positionOf(hostile.document, 'softmax(x)', 3)), 30000);
    console.log(`    (hover on tf.nn.softmax(x): ${hover === 'timeout' ? 'no answer in 30 s' : hover ? `${hover.length} characters` : 'none'}; server restarts so far: ${(await lossLens()).testHooks().server.restarts})`);
    // This test runs inside the extension host: reaching this line means it is alive.
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    const other = await openFixture('double_softmax_torch.py', vscode.ViewColumn.Two);
    await waitForDiagnostics(other.document.uri, hasLL101, 'LL101 on a second file after the hostile one', 60000);
  });

  it('killing the server is survived: it restarts, and diagnostics come back and follow edits', async () => {
    const api = await lossLens();
    const ed = await openFixture('double_softmax_torch.py');
    await waitForDiagnostics(ed.document.uri, hasLL101, 'LL101 before the kill');
    const before = await api.testHooks().server.status();
    const restarts = api.testHooks().server.restarts;
    await api.testHooks().server.kill();
    await waitFor('the client to restart the server', () => api.testHooks().server.restarts > restarts, 30000);
    const after = await waitFor('the restarted server to answer', async () => {
      const s = await api.testHooks().server.status();
      return s.documents > 0 ? s : undefined;
    }, 30000);
    if (before.pid !== undefined) assert.notEqual(after.pid, before.pid, 'a new server process');
    await waitForDiagnostics(ed.document.uri, hasLL101, 'LL101 from the restarted server', 30000);
    // The new server follows edits: a second double softmax typed at the end is found too.
    const last = ed.document.lineCount - 1;
    assert.ok(await ed.edit((e) => e.insert(new vscode.Position(last, 0), '\nloss2 = F.cross_entropy(F.softmax(z, dim=1), y)\n')));
    await waitForDiagnostics(ed.document.uri, (ds) => count101(ds) === 2, 'two LL101 after the edit', 30000);
  });
});
