import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { explainAt } from '../../../src/explain/explain';
import { isFromPanel, isToPanel, toPanelState, PanelModel } from '../../../webview/protocol';
import { describeModel } from '../../../webview/view';
import { analyse } from '../../helpers/parser';

async function seedModel(line: number, col: number): Promise<PanelModel> {
  const src = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'acceptance', 'seed_softmax_long.py'), 'utf8');
  const off = src.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col;
  return explainAt(await analyse(src), off, { uri: 'file:///work/seed%20long.py' })!;
}

describe('webview view description (webview/view.ts)', () => {
  it('rows = examples, columns = classes, then loss, argmax, label and right/wrong in words', async () => {
    const v = describeModel(await seedModel(30, 3));
    const t = v.tables[0];
    // label, argmax, verdict and loss first, sticky (s1..s4), then the classes.
    assert.deepEqual(t.head.map((h) => h.text), ['label', 'argmax', 'result', 'loss', 'Pr(class 0)', 'Pr(class 1)', 'Pr(class 2)']);
    assert.deepEqual(t.head.map((h) => h.classes.find((c) => /^s\d$/.test(c)) ?? ''), ['s1', 's2', 's3', 's4', '', '', '']);
    assert.deepEqual(t.rows.map((r) => r.header), ['row 0', 'row 1']);
    assert.deepEqual(t.rows[0].cells.map((c) => c.text), ['1', '1', '✓ right', '0.4790107', '0.227863', '0.61939586', '0.15274114']);
    assert.deepEqual(t.rows[1].cells.slice(0, 3).map((c) => c.text), ['2', '0', '✗ wrong']);
    assert.ok(t.rows[0].cells[2].classes.includes('right'));
    assert.ok(t.rows[1].cells[2].classes.includes('wrong'));
    assert.ok(t.rows[0].cells[5].classes.includes('max'), 'the argmax cell is marked');
    // Heat map: tenths of the probability (0.2279 -> h2, 0.6194 -> h6, 0.1527 -> h2).
    assert.deepEqual(t.rows[0].cells.slice(4).map((c) => c.classes.find((k) => /^h\d+$/.test(k))), ['h2', 'h6', 'h2']);
    assert.equal(t.classes, null, '3 classes: no top-k summary');
    assert.equal(v.rowCount, 2);
    assert.match(v.reduced!.description, /mean over 2 rows/);
    assert.deepEqual(v.source, { label: 'seed long.py, line 30', uri: 'file:///work/seed%20long.py', line: 30, expression: v.source!.expression });
    assert.deepEqual(v.facts, ['TensorFlow', 'result float64, shape [2]']);
  });

  it('the naive-vs-stable comparison becomes a table with the difference in ulps', async () => {
    const v = describeModel(await seedModel(18, 2));
    const c = v.comparison!;
    assert.deepEqual(c.table.head.map((h) => h.text), ['as written', 'fused, stable', 'difference']);
    assert.equal(c.table.rows.length, 2);
    assert.match(c.table.rows[0].cells[2].text, /^\d+(\.\d)? ulps?$/);
  });

  it('non-finite values are marked and errors carried through', () => {
    const m: PanelModel = {
      kind: 'loss', title: 't', source: { uri: '', line: 1, endLine: 1, expression: 'f(x)' }, framework: null, function: null,
      dtype: null, shape: null, value: null, reduced: null, comparison: null, notes: ['n'], error: 'why',
      tables: [{ role: 'values', caption: 'c', dtype: 'float32', columns: ['[0]'], totalRows: 1, totalColumns: 1, omitted: null, rows: [{ label: 'row 0', cells: [{ value: 'NaN', text: 'nan' }] }] }],
    };
    const v = describeModel(m);
    assert.equal(v.source, null, 'no reveal link without a uri');
    assert.equal(v.error, 'why');
    assert.deepEqual(v.tables[0].rows[0].cells[0].classes, ['num', 'nonfinite']);
    assert.deepEqual(v.tables[0].head.map((h) => h.text), ['[0]']);
  });

  it('the protocol guards accept what the two sides send and reject the rest', async () => {
    const model = await seedModel(26, 2);
    const msg = JSON.parse(JSON.stringify({ type: 'show', model }));
    assert.ok(isToPanel(msg), 'a model survives JSON');
    assert.ok(isToPanel({ type: 'empty', reason: 'r' }));
    assert.ok(!isToPanel({ type: 'show' }));
    assert.ok(isFromPanel({ type: 'ready' }));
    assert.ok(isFromPanel({ type: 'rendered', title: 'x', rows: 2 }));
    assert.ok(isFromPanel({ type: 'reveal', uri: 'file:///a.py', line: 3 }));
    assert.ok(!isFromPanel({ type: 'reveal', uri: 'file:///a.py', line: 0 }));
    assert.ok(!isFromPanel({ type: 'run', command: 'x' }));
    assert.deepEqual(toPanelState({ last: msg }), { last: msg });
    assert.deepEqual(toPanelState('garbage'), { last: null });
  });
});
