import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import type { FromPanel, PanelModel } from '../../webview/protocol';
import { closeEverything, codeOf, openFixture, panelMessages, rangeOf, screenshot, waitFor, waitForDiagnostics } from './helpers';

type Rendered = Extract<FromPanel, { type: 'rendered' }>;

/**
 * The webview's 'rendered' for the model titled `title`, among the messages after the first
 * `skip` (a freshly opened webview may first render its restored or empty state).
 */
function waitForRendered(skip: number, title: string): Promise<Rendered> {
  return waitFor(`the webview's 'rendered' for "${title}"`, async () =>
    (await panelMessages()).received.slice(skip).find((m): m is Rendered => m.type === 'rendered' && m.title === title));
}

describe('Loss Lens in a real VS Code: the panel', () => {
  afterEach(closeEverything);

  it('Open Panel, then Evaluate Selection on an array literal: the webview renders its 2 rows', async () => {
    const ed = await openFixture('hover_values.py');
    const seen = (await panelMessages()).received.length;
    await vscode.commands.executeCommand('lossLens.openPanel');
    await waitFor("the webview's 'ready'", async () => (await panelMessages()).received.slice(seen).some((m) => m.type === 'ready'));

    await vscode.window.showTextDocument(ed.document, vscode.ViewColumn.One);
    const literal = rangeOf(ed.document, '[[1.0, 2.0, 3.0], [1.0, 2.0, 0.5]]');
    vscode.window.activeTextEditor!.selection = new vscode.Selection(literal.start, literal.end);
    const { sent, received } = await panelMessages();
    const model = await vscode.commands.executeCommand<PanelModel | undefined>('lossLens.evaluateSelection');
    assert.ok(model, 'Evaluate Selection returns the model it shows');
    const rendered = await waitForRendered(received.length, model.title);
    assert.equal(rendered.rows, 2);
    assert.ok((await panelMessages()).sent.slice(sent.length).some((m) => m.type === 'show'), "the extension sent 'show'");
  });

  it('Explain Loss at Cursor on F.cross_entropy: the panel shows the per-row losses and the mean', async () => {
    const ed = await openFixture('hover_values.py');
    const at = rangeOf(ed.document, 'cross_entropy(logits').start.translate(0, 3);
    ed.selection = new vscode.Selection(at, at);
    const before = (await panelMessages()).received.length;
    const model = await vscode.commands.executeCommand<PanelModel | undefined>('lossLens.explainLossAtCursor');
    assert.ok(model, 'Explain Loss at Cursor returns the model it shows');
    assert.equal(model.kind, 'loss');
    assert.ok(model.reduced, 'a reduced value');
    assert.ok(Math.abs(Number(model.reduced.value.value) - 0.31853977) < 1e-4, `mean loss, got ${model.reduced.value.text}`);
    const rendered = await waitForRendered(before, model.title);
    assert.equal(rendered.rows, 2);
    // Screenshot for the docs: editor and panel side by side, without the side bar.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await screenshot('loss-lens-panel', ['iframe.webview.ready']);
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  it('1,000 classes: every class reaches the panel (top 5, label class, others); 2,000 rows are virtualised', async () => {
    const ed = await openFixture('panel_tables.py');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const explain = async (needle: string): Promise<{ model: PanelModel; rendered: Rendered }> => {
      const at = rangeOf(ed.document, needle).start.translate(0, 3);
      ed.selection = new vscode.Selection(at, at);
      const before = (await panelMessages()).received.length;
      const model = await vscode.commands.executeCommand<PanelModel | undefined>('lossLens.explainLossAtCursor');
      assert.ok(model, `Explain Loss at Cursor on ${needle}`);
      return { model, rendered: await waitForRendered(before, model.title) };
    };
    const wide = await explain('softmax_cross_entropy_with_logits(labels=labels');
    const t = wide.model.tables[0];
    assert.equal(t.columns.length, 1000, 'all 1,000 classes are sent');
    assert.deepEqual(t.rows.map((r) => [r.target, r.predicted, r.correct]), [[3, 3, true], [997, 10, false], [5, 5, true]]);
    // Per-row loss -log(softmax): the hot class e^5 / (e^5 + 999), a cold one 1 / (e^5 + 999) (mpmath).
    const loss = t.rows.map((r) => Number(r.loss!.value));
    assert.ok(Math.abs(loss[0] - 2.04526521) < 1e-5 && Math.abs(loss[1] - 7.04526521) < 1e-5, `per-row losses ${loss}`);
    assert.equal(wide.rendered.rows, 3);
    await screenshot('loss-lens-panel-1000-classes', ['iframe.webview.ready']);

    const long = await explain('sparse_softmax_cross_entropy_with_logits(labels=row_labels');
    assert.equal(long.model.tables[0].rows.length, 2000, 'all 2,000 rows are sent');
    assert.equal(long.rendered.rows, 2000);
    assert.ok(long.rendered.domRows !== undefined && long.rendered.domRows > 0 && long.rendered.domRows < 120, `rows in the DOM: ${long.rendered.domRows}`);
    await screenshot('loss-lens-panel-2000-rows', ['iframe.webview.ready']);
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  it("a rule's code link opens its page rendered (Markdown preview), not the Markdown source in an editor", async () => {
    const ed = await openFixture('double_softmax_torch.py');
    const ds = await waitForDiagnostics(ed.document.uri, (x) => x.some((d) => codeOf(d) === 'LL101'), 'LL101');
    const target = (ds.find((d) => codeOf(d) === 'LL101')!.code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, vscode.env.uriScheme, `the link goes to the extension's UriHandler: ${target.toString()}`);
    await vscode.commands.executeCommand('vscode.open', target);
    const preview = await waitFor('a Markdown preview of double-softmax.md', async () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && /double-softmax/.test(t.label)));
    assert.ok(preview);
    const sources = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && /double-softmax\.md$/.test(t.input.uri.path));
    assert.deepEqual(sources.map((t) => t.label), [], 'no editable tab of the Markdown source');
    await screenshot('rule-page', ['iframe.webview.ready']);
  });
});
