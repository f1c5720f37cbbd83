import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import {
  closeEverything, codeOf, fixture, lossLens, lossLensDiagnostics, openFixture, screenshot, waitForDiagnostics,
} from './helpers';

const hasLL101 = (ds: vscode.Diagnostic[]) => ds.some((d) => codeOf(d) === 'LL101');

describe('Loss Lens in a real VS Code: diagnostics', () => {
  before(() => lossLens());
  afterEach(closeEverything);

  it('PyTorch: F.cross_entropy(F.softmax(z, dim=1), y) is a double softmax on line 6', async () => {
    const ed = await openFixture('double_softmax_torch.py');
    const ds = await waitForDiagnostics(ed.document.uri, hasLL101, 'LL101');
    const d = ds.find((x) => codeOf(x) === 'LL101')!;
    assert.equal(d.range.start.line, 5);
    assert.match(ed.document.getText(d.range), /softmax/);

    // Screenshot for the docs: the squiggle, its hover and the Problems panel (this test runs
    // before the others of this file open files, so the Problems panel lists only this one).
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    ed.selection = new vscode.Selection(d.range.start, d.range.start);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('double-softmax-diagnostic', [
      '.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info',
      '.monaco-hover',
    ]);
  });

  it('the seed file: double softmax (LL101) on line 2, linked to its docs page', async () => {
    const ed = await openFixture('acceptance/seed_double_softmax.py');
    const ds = await waitForDiagnostics(ed.document.uri, hasLL101, 'LL101');
    const d = ds.find((x) => codeOf(x) === 'LL101')!;
    assert.equal(d.range.start.line + 1, 2);
    assert.equal(d.source, 'Loss Lens');
    assert.ok(typeof d.code === 'object' && d.code.target, 'the code links to a docs page');
    assert.match((d.code as { target: vscode.Uri }).target.path, /docs\/rules\/double-softmax\.md$/);
    assert.ok(d.severity === vscode.DiagnosticSeverity.Warning, `default severity is warning, got ${d.severity}`);
  });

  it('follows edits: a double softmax typed into a clean file appears, and goes when the edit is undone', async () => {
    const ed = await openFixture('clean.py');
    const uri = ed.document.uri;
    assert.ok(!hasLL101(lossLensDiagnostics(uri)));
    const last = ed.document.lineCount - 1; // the empty line after the final newline
    assert.equal(ed.document.lineAt(last).text, '');
    assert.ok(await ed.edit((e) => e.insert(new vscode.Position(last, 0), 'loss2 = F.cross_entropy(F.softmax(z, dim=1), y)\n')));
    const ds = await waitForDiagnostics(uri, hasLL101, 'LL101 after the edit');
    assert.equal(ds.find((d) => codeOf(d) === 'LL101')!.range.start.line, last);
    await vscode.commands.executeCommand('undo');
    await waitForDiagnostics(uri, (x) => !hasLL101(x), 'LL101 to go after undo');
  });

  it('a syntax error above a double softmax: the double softmax is still reported, and where the code could not be read', async () => {
    const ed = await openFixture('syntax_error_above.py');
    const ds = await waitForDiagnostics(ed.document.uri, hasLL101, 'LL101 below the broken def');
    assert.equal(ds.find((d) => codeOf(d) === 'LL101')!.range.start.line, 7);
    const info = ds.filter((d) => d.severity === vscode.DiagnosticSeverity.Information);
    assert.equal(info.length, 1);
    assert.equal(info[0].range.start.line, 3);
  });

  it('notebooks: a softmax from one cell reaching a loss in a later cell', async () => {
    const nb = await vscode.workspace.openNotebookDocument(fixture('double_softmax_cells.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const cells = nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.equal(cells.length, 2);
    const ds = await waitForDiagnostics(cells[1].document.uri, hasLL101, 'LL101 in the second code cell');
    assert.equal(ds.find((d) => codeOf(d) === 'LL101')!.range.start.line, 0);
    assert.ok(!hasLL101(lossLensDiagnostics(cells[0].document.uri)), 'the cell with the softmax alone is fine');
  });
});
