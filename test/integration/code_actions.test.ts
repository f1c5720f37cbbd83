import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { closeEverything, codeOf, lossLens, openFixture, waitFor, waitForDiagnostics } from './helpers';

describe('Loss Lens in a real VS Code: quick fixes', () => {
  before(() => lossLens());
  afterEach(closeEverything);

  it('double softmax: the preferred fix passes the logits, F.cross_entropy(z, y)', async () => {
    const ed = await openFixture('double_softmax_torch.py');
    const uri = ed.document.uri;
    const ds = await waitForDiagnostics(uri, (x) => x.some((d) => codeOf(d) === 'LL101'), 'LL101');
    const d = ds.find((x) => codeOf(x) === 'LL101')!;

    const actions = await waitFor('code actions for LL101', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
      // (The command's results do not carry their diagnostics back; the range holds only LL101,
      // and no other extension provides Python quick fixes in the test window.)
      return all?.length ? all : undefined;
    });
    for (const a of actions) assert.ok(a.kind && vscode.CodeActionKind.QuickFix.contains(a.kind), `${a.title}: kind ${a.kind?.value}`);
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, `exactly one preferred fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(preferred[0].edit, 'the fix is a workspace edit');

    assert.ok(await vscode.workspace.applyEdit(preferred[0].edit!));
    assert.equal(ed.document.lineAt(5).text, 'loss = F.cross_entropy(z, y)');
    await waitForDiagnostics(uri, (x) => !x.some((dd) => codeOf(dd) === 'LL101'), 'LL101 to go after the fix');
  });

  it('fix-all (source.fixAll.losslens) applies the safe TF 1 renames and nothing else', async () => {
    const text = [
      'import tensorflow as tf',
      'y = tf.constant([[0.0, 1.0]])',
      'p = tf.constant([[0.3, 0.7]])',
      'loss = tf.reduce_mean(-tf.reduce_sum(y * tf.log(p), reduction_indices=[1]))',
      '',
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: text });
    const ed = await vscode.window.showTextDocument(doc);
    try {
      await waitForDiagnostics(doc.uri, (x) => x.filter((d) => codeOf(d) === 'LL108').length === 2, 'two LL108');
      const actions = await waitFor('the fix-all action', async () => {
        const all = await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.losslens');
        return all?.length ? all : undefined;
      });
      assert.equal(actions.length, 1, actions.map((a) => a.title).join(' | '));
      assert.equal(actions[0].kind?.value, 'source.fixAll.losslens');
      assert.ok(await vscode.workspace.applyEdit(actions[0].edit!));
      assert.equal(ed.document.getText(), text.replace('tf.log(p)', 'tf.math.log(p)').replace('reduction_indices=', 'axis='));
      await waitForDiagnostics(doc.uri, (x) => !x.some((d) => codeOf(d) === 'LL108'), 'LL108 to go after fix-all');
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
