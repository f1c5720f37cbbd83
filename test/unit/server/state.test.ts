import { strict as assert } from 'assert';
import { Diagnostic } from 'vscode-languageserver-protocol/node';
import { Session, startSession, stopSession } from './lsp_client';

const hasLL101 = (ds: Diagnostic[]) => ds.some((d) => d.code === 'LL101');
const DOUBLE = 'import torch\nimport torch.nn.functional as F\n\nz = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])\ny = torch.tensor([0, 1])\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n';

/** The next publishDiagnostics for `uri` after the first `after` messages. */
function nextFor(s: Session, uri: string, after: number, timeoutMs = 10000): Promise<Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const p = s.published.slice(after).find((x) => x.uri === uri);
      if (p) return resolve(p.diagnostics);
      if (Date.now() > deadline) return reject(new Error(`no publishDiagnostics for ${uri} after message ${after}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('server state: notebook cells by identity, closing within the debounce, quarantine', function () {
  this.timeout(30000);
  let s: Session | undefined;
  afterEach(() => {
    if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    s = undefined;
  });

  it('a notebook cell moved above the loss cell does not take the loss cell\'s diagnostic', async () => {
    s = await startSession();
    const nb = 'file:///tmp/losslens-test/moves.ipynb';
    const A = `vscode-notebook-cell:/tmp/losslens-test/moves.ipynb#A`;
    const B = `vscode-notebook-cell:/tmp/losslens-test/moves.ipynb#B`;
    const C = `vscode-notebook-cell:/tmp/losslens-test/moves.ipynb#C`;
    const cell = (uri: string) => ({ kind: 2, document: uri });
    await s.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells: [cell(A), cell(B), cell(C)] },
      cellTextDocuments: [
        { uri: A, languageId: 'python', version: 1, text: 'import torch\nimport torch.nn.functional as F\nz = torch.tensor([[2.0, 1.0, 0.1]])\ny = torch.tensor([0])\np = F.softmax(z, dim=1)' },
        { uri: B, languageId: 'python', version: 1, text: 'loss = F.cross_entropy(p, y)' },
        { uri: C, languageId: 'python', version: 1, text: 'n = 1' },
      ],
    });
    const before = await s.diagnostics(B, hasLL101);
    assert.equal(before.find((d) => d.code === 'LL101')!.range.start.line, 0);
    assert.ok(!hasLL101((await nextFor(s, C, 0))), 'C starts clean');

    // Move C above B: same cells, same versions, new order.
    const mark = s.published.length;
    await s.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: nb, version: 2 },
      change: { cells: { structure: { array: { start: 1, deleteCount: 2, cells: [cell(C), cell(B)] } } } },
    });
    const b = await nextFor(s, B, mark);
    const c = await nextFor(s, C, mark);
    assert.ok(hasLL101(b), `B keeps its LL101: ${JSON.stringify(b)}`);
    assert.ok(!hasLL101(c), `C does not get it: ${JSON.stringify(c)}`);

    // Replace B by a new cell D with the same text: the diagnostic is D's, and B's are cleared.
    const D = `vscode-notebook-cell:/tmp/losslens-test/moves.ipynb#D`;
    const mark2 = s.published.length;
    await s.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: nb, version: 3 },
      change: { cells: { structure: {
        array: { start: 2, deleteCount: 1, cells: [cell(D)] },
        didOpen: [{ uri: D, languageId: 'python', version: 1, text: 'loss = F.cross_entropy(p, y)' }],
        didClose: [{ uri: B }],
      } } },
    });
    assert.ok(hasLL101(await nextFor(s, D, mark2)), 'D has the LL101');
    assert.deepEqual(await nextFor(s, B, mark2), [], 'B (gone) is cleared');

    await s.connection.sendNotification('notebookDocument/didClose', { notebookDocument: { uri: nb }, cellTextDocuments: [{ uri: A }, { uri: C }, { uri: D }] });
    const status = await waitStatus(s, (x) => x.analyses === 0 && x.documents === 0);
    assert.equal(status.pending, 0);
    await stopSession(s);
  });

  it('closing a document within the debounce cancels its run and frees its analysis', async () => {
    s = await startSession({ diagnostics: { debounceMs: 2000 } });
    const uri = 'file:///tmp/losslens-test/closing.py';
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: DOUBLE } });
    await s.diagnostics(uri, hasLL101);
    assert.equal((await s.connection.sendRequest('lossLens/status') as Status).analyses, 1);
    await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }] });
    assert.equal((await s.connection.sendRequest('lossLens/status') as Status).pending, 1, 'a run is pending (2 s debounce)');
    const mark = s.published.length;
    await s.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const st = await s.connection.sendRequest('lossLens/status') as Status;
    assert.deepEqual({ pending: st.pending, analyses: st.analyses, documents: st.documents }, { pending: 0, analyses: 0, documents: 0 });
    assert.deepEqual(await nextFor(s, uri, mark), [], 'its diagnostics are cleared');
    await new Promise((r) => setTimeout(r, 2300)); // past the debounce: the cancelled run must not publish
    assert.ok(!s.published.slice(mark + 1).some((p) => p.uri === uri), 'nothing published after close');
    await stopSession(s);
  });

  it('a version the previous server died on is not analysed; an edit analyses again', async () => {
    const uri = 'file:///tmp/losslens-test/hostile.py';
    s = await startSession({}, { quarantine: [{ uri, version: 1 }] });
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: DOUBLE } });
    const ds = await s.diagnostics(uri);
    assert.equal(ds.length, 1);
    assert.match(ds[0].message as string, /did not analyse this version/);
    assert.equal(ds[0].severity, 3);
    const hover = await s.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 30 } });
    assert.equal(hover, null, 'no hover on the quarantined version');
    await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: DOUBLE }] });
    await s.diagnostics(uri, hasLL101);
    await stopSession(s);
  });
});

interface Status {
  pid?: number;
  documents: number;
  analyses: number;
  pending: number;
}

async function waitStatus(s: Session, ok: (x: Status) => boolean): Promise<Status> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const st = (await s.connection.sendRequest('lossLens/status')) as Status;
    if (ok(st)) return st;
    if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(st)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
