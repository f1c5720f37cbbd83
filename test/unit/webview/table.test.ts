import { strict as assert } from 'assert';
import { explainAt } from '../../../src/explain/explain';
import { csvField, shortest, tableCsv, tableNumpy } from '../../../webview/copy';
import { PANEL_CELLS, PanelModel, TableModel, fromJsonNumber } from '../../../webview/protocol';
import { TOP_K, describeTable, heatLevel, sumText, topK, visibleRange } from '../../../webview/table_view';
import { analyse } from '../../helpers/parser';

// softmax(5 * one_hot(c, 1000)): the hot class has e^5 / (e^5 + 999), every other 1 / (e^5 + 999)
// (mpmath, 30 digits).
const HOT = 0.129345875045266709279948293305;
const COLD = 0.000871525650605338629349401107802;
const SUM_994 = 0.866296496701706597573304701156;
const SUM_995 = 0.867168022352311936202654102263;

async function thousandClasses(): Promise<PanelModel> {
  const src = 'import tensorflow as tf\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot([3, 997], 1000), logits=tf.one_hot([3, 10], 1000) * 5.0)\n';
  return explainAt(await analyse(src), src.indexOf('softmax_cross') + 3, { tableCells: PANEL_CELLS })!;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('the panel table (webview/table_view.ts)', () => {
  it('1,000 classes: the top 5, the label class and the sum of the others; the full matrix on request', async () => {
    const t = (await thousandClasses()).tables[0];
    const v = describeTable(t);
    assert.deepEqual(v.classes, { mode: 'top', k: TOP_K, count: 1000 });
    assert.deepEqual(v.head.map((h) => h.text), ['label', 'argmax', 'result', 'loss', 'top 1', 'top 2', 'top 3', 'top 4', 'top 5', 'label class', 'others']);
    const [r0, r1] = v.rows;
    // Row 0: class 3 is hot and is the label; ties among the cold classes go to the lowest index.
    assert.deepEqual(r0.cells.slice(0, 3).map((c) => c.text), ['3', '3', '✓ right']);
    assert.deepEqual(r0.cells.slice(4, 9).map((c) => c.text.split(':')[0]), ['3', '0', '1', '2', '4']);
    assert.ok(rel(Number(r0.cells[4].title), HOT) < 1e-6, `hot ${r0.cells[4].title}`);
    assert.ok(rel(Number(r0.cells[5].title), COLD) < 1e-6);
    assert.equal(r0.cells[9].text.split(':')[0], '3');
    assert.ok(rel(Number(r0.cells[10].title!.split(' ')[0]), SUM_995) < 1e-6, `others ${r0.cells[10].title}`);
    assert.match(r0.cells[10].title!, /the other 995 classes/);
    assert.equal(r0.cells[10].text, '0.8672');
    // Row 1: predicted 10, label 997 (outside the top 5): its own column, and the others are 994 classes.
    assert.deepEqual(r1.cells.slice(0, 3).map((c) => c.text), ['997', '10', '✗ wrong']);
    assert.equal(r1.cells[9].text.split(':')[0], '997');
    assert.ok(rel(Number(r1.cells[9].title), COLD) < 1e-6);
    assert.ok(rel(Number(r1.cells[10].title!.split(' ')[0]), SUM_994) < 1e-6);
    // The per-row loss is -log p(label): -log(HOT) for row 0, -log(COLD) for row 1.
    assert.ok(rel(fromJsonNumber(t.rows[0].loss!.value), -Math.log(HOT)) < 1e-6);
    assert.ok(rel(fromJsonNumber(t.rows[1].loss!.value), -Math.log(COLD)) < 1e-6);

    const all = describeTable(t, { showAll: true });
    assert.deepEqual(all.classes, { mode: 'all', k: TOP_K, count: 1000 });
    assert.equal(all.head.length, 4 + 1000);
    assert.equal(all.rows[1].cells.length, 4 + 1000);
    assert.ok(all.rows[1].cells[4 + 10].classes.includes('max'));
  });

  it('values tables (not probabilities) keep every column; no heat map', () => {
    const t: TableModel = { role: 'values', caption: 'c', dtype: 'float64', columns: Array.from({ length: 20 }, (_, j) => `[${j}]`), totalRows: 1, totalColumns: 20, omitted: null,
      rows: [{ label: 'row 0', cells: Array.from({ length: 20 }, (_, j) => ({ value: j / 19, text: String(j / 19) })) }] };
    const v = describeTable(t);
    assert.equal(v.classes, null);
    assert.equal(v.head.length, 20);
    assert.ok(v.rows[0].cells.every((c) => !c.classes.includes('heat')));
  });

  it('heat levels, top-k order, sums', () => {
    assert.deepEqual([0, 0.04, 0.05, 0.5, 0.96, 1].map(heatLevel), [0, 0, 1, 5, 10, 10]);
    assert.deepEqual([NaN, -0.1, 1.5, Infinity].map(heatLevel), [null, null, null, null]);
    const cells = [0.1, NaN, 0.5, 0.5, 0.2].map((v) => ({ value: Number.isNaN(v) ? ('NaN' as const) : v, text: '' }));
    assert.deepEqual(topK(cells, 3), [2, 3, 4], 'largest first, ties by index, NaN last');
    assert.deepEqual([0, 0.86629649, 1e-9, 123456.7, NaN, -Infinity].map(sumText), ['0', '0.8663', '1e-9', '123500', 'nan', '-inf']);
  });

  it('virtualised rows: only those in view plus the overscan are drawn; spacers keep the scroll height', () => {
    assert.deepEqual(visibleRange(0, 400, 20, 5000, 10), { start: 0, end: 31, padTop: 0, padBottom: (5000 - 31) * 20 });
    const mid = visibleRange(20_000, 400, 20, 5000, 10); // row 1000 at the top
    assert.deepEqual(mid, { start: 990, end: 1031, padTop: 990 * 20, padBottom: (5000 - 1031) * 20 });
    const end = visibleRange(1e9, 400, 20, 5000, 10); // scrolled past the end
    assert.equal(end.end, 5000);
    assert.ok(end.start < end.end);
    assert.equal(end.padTop + (end.end - end.start) * 20 + end.padBottom, 5000 * 20);
    assert.deepEqual(visibleRange(0, 400, 20, 0), { start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});

describe('copying a table (webview/copy.ts)', () => {
  it('CSV: a header, one line per example, numbers in full, label and verdict; it reads back to the same values', async () => {
    const m = await thousandClasses();
    const csv = tableCsv(m.tables[0]);
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    const head = lines[0].split(',');
    assert.equal(head.length, 1 + 1000 + 4);
    assert.deepEqual([head[0], head[1], ...head.slice(-4)], ['example', 'Pr(class 0)', 'loss', 'argmax', 'label', 'correct']);
    const row1 = lines[2].split(',');
    assert.deepEqual(row1.slice(-3), ['10', '997', 'false']);
    // float32 values written as their shortest float32 decimal: each reads back to the same float32.
    m.tables[0].rows[1].cells.forEach((c, j) => assert.equal(Math.fround(Number(row1[1 + j])), fromJsonNumber(c.value)));
    assert.ok(row1[11].length <= 11, `shortest float32 text, got ${row1[11]}`);
  });

  it('NumPy literal: the class columns with the dtype, non-finite values as np.nan / np.inf', () => {
    const t: TableModel = { role: 'values', caption: 'the array', dtype: 'float32', columns: ['[0]', '[1]', '[2]'], totalRows: 3, totalColumns: 3, omitted: '1 more row',
      rows: [{ label: 'row 0', cells: [Math.fround(0.1), NaN, -Infinity].map((v) => ({ value: Number.isNaN(v) ? ('NaN' as const) : v === -Infinity ? ('-Infinity' as const) : v, text: '' })) },
             { label: 'row 1', cells: [1, 2.5, 1e-8].map((v) => ({ value: Math.fround(v), text: '' })) }] };
    assert.equal(tableNumpy(t), '# the array (the first 2 of 3 rows and 3 of 3 columns)\nnp.array([\n    [0.1, np.nan, -np.inf],\n    [1, 2.5, 1e-8],\n], dtype=np.float32)\n');
  });

  it('shortest text per dtype; CSV quoting', () => {
    assert.equal(shortest(Math.fround(0.1), 'float32'), '0.1');
    assert.equal(shortest(Math.fround(0.1), 'float64'), '0.10000000149011612');
    assert.equal(shortest(1 / 3, 'float64'), '0.3333333333333333');
    assert.equal(csvField('Pr(class "a", 1)'), '"Pr(class ""a"", 1)"');
    assert.equal(csvField('plain'), 'plain');
  });
});
