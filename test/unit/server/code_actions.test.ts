import { strict as assert } from 'assert';
import { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Session, startSession, stopSession } from './lsp_client';

const TF1 = [
  'import tensorflow as tf',
  'y = tf.constant([[0.0, 1.0]])',
  'p = tf.constant([[0.3, 0.7]])',
  'loss = tf.reduce_mean(-tf.reduce_sum(y * tf.log(p), reduction_indices=[1]))',
  '',
].join('\n');
const DOUBLE_SOFTMAX = [
  'import torch',
  'import torch.nn.functional as F',
  'z = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])',
  'y = torch.tensor([0, 1])',
  'loss = F.cross_entropy(F.softmax(z, dim=1), y)',
  '',
].join('\n');

const apply = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('file:///x.py', 'python', 1, text), edits);

describe('losslens server code actions: source.fixAll.losslens and "Ignore on this line"', function () {
  this.timeout(30000);
  let s: Session | undefined;
  afterEach(() => {
    if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    s = undefined;
  });

  async function openFile(name: string, text: string): Promise<{ uri: string; ds: Diagnostic[] }> {
    const uri = `file:///tmp/losslens-code-actions/${name}`;
    await s!.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    return { uri, ds: await s!.diagnostics(uri, (d) => d.length > 0) };
  }
  const fixAllOf = async (uri: string, only = ['source.fixAll.losslens']) =>
    (await s!.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only } })) as CodeAction[];

  it('fix-all applies the safe fixes of a file until stable, and none of the unsafe ones', async () => {
    s = await startSession();
    const { uri } = await openFile('tf1.py', TF1);
    for (const only of [['source.fixAll.losslens'], ['source.fixAll'], ['source']]) {
      const actions = await fixAllOf(uri, only);
      assert.equal(actions.length, 1, `${only}: ${JSON.stringify(actions)}`);
      assert.equal(actions[0].kind, 'source.fixAll.losslens');
      assert.equal(apply(TF1, actions[0].edit!.changes![uri]), TF1.replace('tf.log(p)', 'tf.math.log(p)').replace('reduction_indices=', 'axis='));
    }
    assert.deepEqual(await fixAllOf(uri, ['quickfix']), [], 'not offered as a quick fix');

    // Only an unsafe fix (removing the softmax): nothing to do.
    const ds = await openFile('ds.py', DOUBLE_SOFTMAX);
    assert.ok(ds.ds.some((d) => d.code === 'LL101'));
    assert.deepEqual(await fixAllOf(ds.uri), []);
    assert.equal(await stopSession(s), 0);
  });

  it('fix-all in a notebook: one edit per changed cell document, suppressed findings left alone', async () => {
    s = await startSession();
    const nb = 'file:///tmp/losslens-code-actions/nb.ipynb';
    const A = 'vscode-notebook-cell:/tmp/losslens-code-actions/nb.ipynb#A';
    const B = 'vscode-notebook-cell:/tmp/losslens-code-actions/nb.ipynb#B';
    const C = 'vscode-notebook-cell:/tmp/losslens-code-actions/nb.ipynb#C';
    const texts: Record<string, string> = {
      [A]: 'import tensorflow as tf\ny = tf.constant([[0.0, 1.0]])\np = tf.constant([[0.3, 0.7]])',
      [B]: 'loss = tf.reduce_mean(-tf.reduce_sum(y * tf.log(p), reduction_indices=[1]))',
      [C]: 'q = tf.reduce_sum(tf.log(p), keep_dims=True)  # noqa: LL108',
    };
    await s.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells: [A, C, B].map((document) => ({ kind: 2, document })) },
      cellTextDocuments: [A, C, B].map((uri) => ({ uri, languageId: 'python', version: 1, text: texts[uri] })),
    });
    await s.diagnostics(B, (d) => d.length > 0);
    const actions = await fixAllOf(A);
    assert.equal(actions.length, 1, JSON.stringify(actions));
    const changes = actions[0].edit!.changes!;
    assert.deepEqual(Object.keys(changes), [B], 'only the cell with fixes gets an edit (C is silenced by its noqa)');
    assert.equal(apply(texts[B], changes[B]), 'loss = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(p), axis=[1]))');
    assert.equal(await stopSession(s), 0);
  });

  it('"Ignore LLxxx on this line" appends a noqa comment, or adds the code to the noqa already there; the result silences the finding', async () => {
    s = await startSession();
    for (const [name, suffix, expected] of [
      ['plain.py', '', '  # noqa: LL101'],
      ['other.py', '  # noqa: E501', '  # noqa: E501, LL101'],
    ] as const) {
      const text = DOUBLE_SOFTMAX.replace('y)\n', `y)${suffix}\n`);
      const { uri, ds } = await openFile(name, text);
      const d = ds.find((x) => x.code === 'LL101')!;
      const actions = (await s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
      const ignore = actions.filter((a) => a.title === 'Ignore LL101 on this line (# noqa)');
      assert.equal(ignore.length, 1, actions.map((a) => a.title).join(' | '));
      assert.equal(ignore[0].kind, 'quickfix');
      assert.ok(!ignore[0].isPreferred, 'the real fix stays the preferred one');
      const fixed = apply(text, ignore[0].edit!.changes![uri]);
      assert.equal(fixed.split('\n')[4], `loss = F.cross_entropy(F.softmax(z, dim=1), y)${expected}`);
      await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
      await s.diagnostics(uri, (x) => !x.some((y) => y.code === 'LL101'));
    }
    assert.equal(await stopSession(s), 0);
  });
});
