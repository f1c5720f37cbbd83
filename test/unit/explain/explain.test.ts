import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FileAnalysis } from '../../../src/python/analyze';
import { explainAt, explainRange, explainText } from '../../../src/explain/explain';
import { PANEL_CELLS, PanelModel, TableModel, fromJsonNumber } from '../../../webview/protocol';
import { analyse } from '../../helpers/parser';
import { assertUlps } from '../../helpers/ulps';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'acceptance');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const expected = require(path.join(DIR, 'expected.json')) as { cases: { file: string; name: string | null; value: unknown }[] };
const exact = (file: string, name: string) => expected.cases.find((c) => c.file === file && c.name === name)!.value as number[] | number[][];

/** Offset of (1-based line, 0-based column). */
function at(src: string, line: number, col = 0): number {
  const lines = src.split('\n');
  return lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col;
}

async function seed(file: string): Promise<{ src: string; an: FileAnalysis }> {
  const src = fs.readFileSync(path.join(DIR, file), 'utf8');
  return { src, an: await analyse(src) };
}

const probs = (m: PanelModel): TableModel => m.tables.find((t) => t.role === 'probabilities')!;
const losses = (t: TableModel) => t.rows.map((r) => fromJsonNumber(r.loss!.value));
const cellValues = (t: TableModel) => t.rows.map((r) => r.cells.map((c) => fromJsonNumber(c.value)));

/** The last line of a snippet, cursor two characters in. */
async function lastLine(src: string): Promise<PanelModel | undefined> {
  const body = src.trimEnd();
  return explainAt(await analyse(src), body.length - body.split('\n').pop()!.length + 2);
}

describe('explain: seed_softmax_long.py', () => {
  it('line 26: softmax table as printed in the seed, per-row losses, argmax vs labels', async () => {
    const { src, an } = await seed('seed_softmax_long.py');
    const m = explainAt(an, at(src, 26, 30), { uri: 'file:///seed.py' })!;
    assert.equal(m.kind, 'loss');
    assert.equal(m.function!.name, 'tf.nn.softmax_cross_entropy_with_logits');
    assert.equal(m.framework, 'TensorFlow');
    assert.equal(m.function!.expects!.input, 'logits');
    assert.equal(m.function!.expects!.labels, 'dense');
    assert.deepEqual(m.source, { uri: 'file:///seed.py', line: 26, endLine: 26, expression: 'tf.nn.softmax_cross_entropy_with_logits(y_hat, y_true)' });
    const t = probs(m);
    assert.deepEqual(t.rows.map((r) => r.cells.map((c) => c.text)), [
      ['0.227863', '0.61939586', '0.15274114'],
      ['0.49674623', '0.20196195', '0.30129182'],
    ]);
    assertUlps(cellValues(t), exact('seed_softmax_long.py', 'y_hat_softmax'), 'float64', 4, 'softmax table');
    assertUlps(losses(t), exact('seed_softmax_long.py', 'loss_per_instance_2'), 'float64', 4, 'per-row losses');
    assert.deepEqual(t.rows.map((r) => r.loss!.text), ['0.4790107', '1.19967598']);
    assert.deepEqual(t.rows.map((r) => [r.predicted, r.target, r.correct]), [[1, 1, true], [0, 2, false]]);
    assert.equal(m.value!.text, '[0.4790107  1.19967598]');
    assert.equal(m.reduced, null);
    assert.ok(m.notes.some((n) => /positional arguments/.test(n)), m.notes.join('\n'));
  });

  it('line 30: the tf.reduce_mean around the call is the reduction', async () => {
    const { src, an } = await seed('seed_softmax_long.py');
    const m = explainAt(an, at(src, 30, 3))!;
    assert.equal(m.kind, 'loss');
    assert.match(m.reduced!.description, /^mean over 2 rows \(tf\.reduce_mean/);
    assertUlps(fromJsonNumber(m.reduced!.value.value), exact('seed_softmax_long.py', 'total_loss_2') as unknown as number, 'float64', 4, 'reduced');
  });

  it('lines 18 and 22: the hand-written cross-entropy next to the fused op', async () => {
    const { src, an } = await seed('seed_softmax_long.py');
    const m = explainAt(an, at(src, 18, 2))!;
    assert.equal(m.kind, 'manual-loss');
    const c = m.comparison!;
    assert.equal(c.dtype, 'float64');
    assert.match(c.stable.expression, /tf\.nn\.softmax_cross_entropy_with_logits\(labels=y_true, logits=y_hat\)/);
    const want = exact('seed_softmax_long.py', 'loss_per_instance_1') as number[];
    assertUlps(c.rows.map((r) => fromJsonNumber(r.naive.value)), want, 'float64', 16, 'naive');
    assertUlps(c.rows.map((r) => fromJsonNumber(r.stable.value)), want, 'float64', 4, 'stable');
    assert.deepEqual(probs(m).rows.map((r) => r.correct), [true, false]);
    const total = explainAt(an, at(src, 22, 2))!;
    assert.match(total.reduced!.description, /mean over 2 rows/);
  });

  it('line 10: a softmax call shows its probability table; a name leads to its definition', async () => {
    const { src, an } = await seed('seed_softmax_long.py');
    const m = explainAt(an, at(src, 10, 20))!;
    assert.equal(m.kind, 'activation');
    assertUlps(cellValues(probs(m)), exact('seed_softmax_long.py', 'y_hat_softmax'), 'float64', 4, 'softmax');
    const viaName = explainAt(an, at(src, 18, 56))!; // y_hat_softmax inside tf.log(...)
    assert.equal(viaName.kind, 'activation');
    assert.equal(viaName.source.line, 10);
  });

  it('Evaluate Selection on NumPy\'s printed array in a comment: its values and row-wise softmax', async () => {
    const { src, an } = await seed('seed_softmax_long.py');
    const m = explainRange(an, at(src, 12, 11), at(src, 13, 54));
    assert.equal(m.kind, 'array');
    assert.equal(m.error, null);
    const values = m.tables.find((t) => t.role === 'values')!;
    assert.deepEqual(cellValues(values), [[0.227863, 0.61939586, 0.15274114], [0.49674623, 0.20196195, 0.30129182]]);
    const sm = probs(m);
    for (const row of cellValues(sm)) assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 1e-12);
    assert.ok(m.notes.some((n) => /already sums to 1/.test(n)));
    // The cursor on the second comment line finds the same array.
    assert.deepEqual(cellValues(explainAt(an, at(src, 13, 20))!.tables[0]), cellValues(values));
  });

  it('nothing to explain on an import; a selection that is not an expression says why', async () => {
    const { src, an } = await seed('seed_softmax_long.py');
    assert.equal(explainAt(an, at(src, 2, 3)), undefined);
    const m = explainRange(an, at(src, 2, 0), at(src, 2, 23));
    assert.ok(m.error && m.error.length > 10, String(m.error));
  });
});

describe('explain: feeds and float32', () => {
  it('a loss defined on placeholders is evaluated with the feed_dict that fetches it later', async () => {
    const { src, an } = await seed('seed_softmax_two_class.py');
    for (const line of [16, 18]) {
      const m = explainAt(an, at(src, line, 8))!;
      assert.equal(m.kind, 'loss', `line ${line}`);
      assert.equal(m.error, null);
      assertUlps(losses(probs(m)), exact('seed_softmax_two_class.py', 'prob2'), 'float32', 4, `line ${line}`);
    }
    assert.ok(explainAt(an, at(src, 16, 8))!.notes.some((n) => /feed_dict of line 18/.test(n)));
  });

  it('sigmoid losses: an elementwise loss table, no argmax', async () => {
    const { src, an } = await seed('seed_sigmoid_answer.py');
    const m = explainAt(an, at(src, 20, 8))!;
    assert.equal(m.function!.expects!.labels, 'binary');
    assert.ok(m.tables.some((t) => t.role === 'losses' && t.rows.length === 2 && t.columns.length === 5));
    assert.equal(probs(m).rows[0].predicted, undefined);
  });

  it('the naive form overflows where the fused op does not (float32)', async () => {
    const m = (await lastLine('import torch\nimport torch.nn.functional as F\nx = torch.tensor([[1000., 0.], [0., 1000.]])\ny = torch.tensor([[1., 0.], [1., 0.]])\nloss = -(y * torch.log(F.softmax(x, dim=1))).sum(1)\n'))!;
    const c = m.comparison!;
    assert.equal(c.dtype, 'float32');
    assert.deepEqual(c.rows.map((r) => [r.naive.text, r.stable.text]), [['nan', '0.0000'], ['inf', '1000.0000']]);
    assert.ok(c.notes.some((n) => /underflow/.test(n)));
  });
});

describe('explain: PyTorch, Keras, optax snippets', () => {
  const X = '[[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]]';

  it('F.cross_entropy: PyTorch print style, default mean reduction named', async () => {
    const m = (await lastLine(`import torch\nimport torch.nn.functional as F\nx = torch.tensor(${X})\ny = torch.tensor([1, 2])\nloss = F.cross_entropy(x, y)\n`))!;
    assert.equal(m.framework, 'PyTorch');
    assert.equal(m.function!.expects!.classAxis, 1);
    assert.equal(m.reduced!.description, "mean over 2 rows (PyTorch default reduction='mean')");
    assert.equal(m.reduced!.value.text, '0.8393');
    assert.deepEqual(probs(m).rows.map((r) => r.loss!.text), ['0.4790', '1.1997']);
    assert.equal(m.value!.text, 'tensor(0.8393)');
  });

  it('nn.CrossEntropyLoss object: explicit reduction, ignore_index rows are neither right nor wrong', async () => {
    const m = (await lastLine(`import torch\nfrom torch import nn\nx = torch.tensor(${X})\ny = torch.tensor([1, -100])\ncrit = nn.CrossEntropyLoss(reduction='sum')\nloss = crit(x, y)\n`))!;
    assert.equal(m.function!.name, 'nn.CrossEntropyLoss');
    assert.match(m.reduced!.description, /^sum over 2 rows \(reduction='sum'\)/);
    assert.deepEqual(probs(m).rows.map((r) => [r.target, r.correct]), [[1, true], [null, null]]);
  });

  it('Keras loss objects: probabilities unless from_logits=True, sum_over_batch_size named', async () => {
    const probsIn = (await lastLine('import tensorflow as tf\ncce = tf.keras.losses.CategoricalCrossentropy()\nloss = cce([[0., 1., 0.], [0., 0., 1.]], [[0.05, 0.95, 0.], [0.1, 0.8, 0.1]])\n'))!;
    assert.equal(probsIn.framework, 'Keras');
    assert.equal(probsIn.function!.expects!.input, 'probabilities');
    assert.match(probsIn.reduced!.description, /sum_over_batch_size/);
    assert.deepEqual(probs(probsIn).rows.map((r) => r.correct), [true, false]);
    const logits = (await lastLine(`import tensorflow as tf\nloss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)([1, 2], ${X})\n`))!;
    assert.equal(logits.function!.expects!.input, 'logits');
    assert.equal(logits.function!.expects!.labels, 'sparse');
    assert.deepEqual(probs(logits).rows.map((r) => r.correct), [true, false]);
  });

  it('optax never reduces: per-row values, no reduced value', async () => {
    const m = (await lastLine(`import optax, jax.numpy as jnp\nl = optax.softmax_cross_entropy_with_integer_labels(jnp.array(${X}), jnp.array([1, 2]))\n`))!;
    assert.equal(m.framework, 'optax');
    assert.equal(m.reduced, null);
    assert.equal(probs(m).rows.length, 2);
    assert.ok(m.notes.some((n) => /does not reduce/.test(n)));
  });

  it('a call whose inputs exist only at run time keeps what is known and says so calmly (not an error)', async () => {
    const m = (await lastLine('import torch.nn.functional as F\nloss = F.cross_entropy(model(x), y)\n'))!;
    assert.equal(m.kind, 'loss');
    assert.equal(m.function!.expects!.input, 'logits');
    assert.equal(m.error, null);
    assert.match(m.runtimeOnly!, /'model' is not defined/);
    assert.deepEqual(m.tables, []);
    const src = 'import torch.nn as nn\nimport torch.nn.functional as F\nclass Classifier(nn.Module):\n    def forward(self, x):\n        return x\nmodel = Classifier()\nfor x, y in loader:\n    out = model(x)\n    loss = F.cross_entropy(out, y)\n';
    const c = explainAt(await analyse(src), src.indexOf('cross_entropy') + 3)!;
    assert.equal(c.error, null);
    assert.equal(c.runtimeOnly, 'model: the class Classifier is not callable here');
    assert.deepEqual(c.notes, [], 'no second copy of the reason as a note');
    assert.match(explainText(c), /^Inputs known only at run time \(` model: the class Classifier is not callable here `\)/m);
    assert.doesNotMatch(explainText(c), /Not evaluated/);
  });

  it('a shape mismatch in known inputs stays an error', async () => {
    const m = (await lastLine('import tensorflow as tf\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=[[1.0, 2.0, 3.0]])\n'))!;
    assert.match(m.error!, /shape/);
    assert.equal(m.runtimeOnly ?? null, null);
  });

  it('label smoothing is mentioned with its value; findings passed in are named', async () => {
    const src = 'import torch\nimport torch.nn.functional as F\nloss = F.cross_entropy(torch.tensor([[1.0, 2.0, 0.5]]), torch.tensor([1]), label_smoothing=0.1)\n';
    const at0 = src.indexOf('cross_entropy') + 3;
    const m = explainAt(await analyse(src), at0, { findings: [{ start: at0 - 3, end: at0 + 10, code: 'LL101', rule: 'double-softmax', message: 'softmax applied twice.' }, { start: 0, end: 5, code: 'LL108', rule: 'deprecated-tf1-api', message: 'elsewhere' }] })!;
    assert.ok(m.notes.some((n) => n === 'Label smoothing 0.1 is applied: each target row y becomes (1 - 0.1) * y + 0.1 / C (C = number of classes) before the loss.'), m.notes.join(' | '));
    assert.deepEqual(m.findings, ['LL101 double-softmax: softmax applied twice.']);
    assert.match(explainText(m), /^- ⚠ LL101 double\\-softmax\\: softmax applied twice\\.$/m);
  });

  it('zeros in a table cell read "0.0", not NumPy\'s in-array "0."; an expression hover says "Value" once', async () => {
    const m = (await lastLine('import numpy as np\nx = np.array([[0.0, 1.0], [2.5, 0.0]])\n'))!;
    assert.deepEqual(m.tables[0].rows.map((r) => r.cells.map((c) => c.text)), [['0.0', '1.0'], ['2.5', '0.0']]);
    assert.equal(m.value!.text, '[[0.  1. ]\n [2.5 0. ]]', 'the printed value keeps NumPy\'s form');
    const e = (await lastLine('import numpy as np\nx = np.array([1.0, 2.0])\ny = x * 2\n'))!;
    const text = explainText(e);
    assert.equal(text.match(/Value/g)?.length ?? 0, 1, text);
  });

  it("a hover's tables are capped at 10,000 cells (every column, then the rows that fit), with a note saying how much was left out", async () => {
    const m = (await lastLine('import numpy as np\nx = np.array([' + Array(300).fill(`[${Array(60).fill('0.5').join(', ')}]`).join(', ') + '])\n'))!;
    const t = m.tables[0];
    assert.equal(t.columns.length, 60);
    assert.equal(t.rows.length, 166); // floor(10000 / 60)
    assert.equal(t.totalRows, 300);
    assert.match(t.omitted!, /^134 more rows not shown/);
  });

  it("the panel's model (tableCells: PANEL_CELLS) carries every row and 1,000 classes", async () => {
    const src = 'import numpy as np\nx = np.array([' + Array(300).fill(`[${Array(60).fill('0.5').join(', ')}]`).join(', ') + '])\n';
    const body = src.trimEnd();
    const m = explainAt(await analyse(src), body.length - body.split('\n').pop()!.length + 2, { tableCells: PANEL_CELLS })!;
    assert.equal(m.tables[0].rows.length, 300);
    assert.equal(m.tables[0].columns.length, 60);
    assert.equal(m.tables[0].omitted, null);
    // 200 rows x 1,000 classes: every class, and the rows that fit in PANEL_CELLS (formatted in blocks: no stack overflow).
    const labels = Array.from({ length: 200 }, (_, i) => (i * 37) % 1000).join(', ');
    const big = `import tensorflow as tf\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot([${labels}], 1000), logits=tf.one_hot([${labels}], 1000) * 3.0)\n`;
    const b = explainAt(await analyse(big), big.indexOf('softmax_cross') + 3, { tableCells: PANEL_CELLS })!;
    assert.equal(b.tables[0].columns.length, 1000);
    assert.equal(b.tables[0].rows.length, PANEL_CELLS / 1000);
    assert.match(b.tables[0].omitted!, /^150 more rows not shown/);
    // Row 1's label is 37: softmax(3 * one_hot) gives e^3 / (e^3 + 999) there (mpmath: 0.0197093729...), 1 / (e^3 + 999) elsewhere.
    assert.ok(Math.abs(Number(b.tables[0].rows[1].cells[37].value) - 0.0197093730) < 1e-8, String(b.tables[0].rows[1].cells[37].value));
    const wide = 'import tensorflow as tf\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot([3, 997], 1000), logits=tf.one_hot([3, 10], 1000) * 5.0)\n';
    const w = explainAt(await analyse(wide), wide.indexOf('softmax_cross') + 3, { tableCells: PANEL_CELLS })!;
    const p = w.tables[0];
    assert.equal(p.columns.length, 1000);
    assert.deepEqual(p.rows.map((r) => [r.predicted, r.target, r.correct]), [[3, 3, true], [10, 997, false]]);
  });
});

describe('explainText', () => {
  it('names the function, what it expects, its value, right/wrong per row', async () => {
    const { src, an } = await seed('seed_softmax_long.py');
    const text = explainText(explainAt(an, at(src, 30, 3))!);
    assert.match(text, /tf\.nn\.softmax_cross_entropy_with_logits/);
    assert.match(text, /Expects logits/);
    assert.match(text, /\[0\.4790107 {2}1\.19967598\]/);
    assert.match(text, /\*\*right\*\*/);
    assert.match(text, /\*\*wrong\*\*/);
    assert.match(text, /mean over 2 rows/);
  });

  it('user text cannot inject Markdown links or HTML', async () => {
    const m = (await lastLine('import torch.nn.functional as F\nloss = F.cross_entropy(model(x), y)  # [a](http://x)\n'))!;
    m.notes.push('[click](command:evil) <img>');
    const text = explainText(m);
    assert.ok(!text.includes('[click](command:evil)'));
    assert.ok(!text.includes('<img>'));
  });
});

describe('explain: notes on what the inputs look like', () => {
  it('probabilities passed as logits are called out (double softmax)', async () => {
    const m = (await lastLine('import torch\nimport torch.nn.functional as F\np = torch.tensor([[0.2, 0.8], [0.6, 0.4]])\nloss = F.cross_entropy(p, torch.tensor([1, 0]))\n'))!;
    assert.ok(m.notes.some((n) => /double softmax/.test(n)), m.notes.join('\n'));
  });
});
