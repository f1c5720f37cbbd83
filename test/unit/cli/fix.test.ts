import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyEdits, fixAll, selectEdits } from '../../../src/rules/fix_all';
import type { Fix } from '../../../src/rules/types';
import { run } from './run';

const SEEDS = path.join(__dirname, '..', '..', 'fixtures', 'acceptance');
const NOTEBOOK = path.join(__dirname, '..', '..', 'fixtures', 'ci', 'train.ipynb');

describe('fix-all (src/rules/fix_all.ts)', () => {
  const finding = (start: number, code: string, ...fixes: Fix[]) => ({ start, code, fixes });
  const edit = (start: number, end: number, newText: string) => ({ start, end, newText });

  it('takes safe fixes only unless unsafe, the preferred fix first, each fix whole', () => {
    const fs_ = [
      finding(0, 'LL108', { title: 'a', edits: [edit(0, 1, 'A')], applicability: 'safe' }),
      finding(2, 'LL101', { title: 'b', edits: [edit(2, 3, 'B')] }, { title: 'b2', edits: [edit(2, 3, 'b')], preferred: true, applicability: 'safe' }),
      finding(4, 'LL103', { title: 'c', edits: [edit(4, 5, 'C'), edit(6, 7, 'C')], applicability: 'unsafe' }),
    ];
    assert.equal(applyEdits('0123456789', selectEdits(fs_, 'safe').edits), 'A1b3456789');
    assert.equal(applyEdits('0123456789', selectEdits(fs_, 'unsafe').edits), 'A1b3C5C789');
  });

  it('overlapping fixes: the first by position wins, the other waits for the next pass; deterministic whatever the input order', () => {
    const outer = finding(0, 'LL103', { title: 'outer', edits: [edit(0, 10, 'fused(x)')], applicability: 'safe' });
    const inner = finding(3, 'LL108', { title: 'inner', edits: [edit(3, 6, 'LOG')], applicability: 'safe' });
    const touching = finding(10, 'LL105', { title: 'insert', edits: [edit(10, 10, '!')], applicability: 'safe' });
    for (const order of [[outer, inner, touching], [touching, inner, outer]]) {
      const r = selectEdits(order, 'safe');
      assert.deepEqual([r.fixes, r.deferred], [1, 2]);
      assert.deepEqual(r.edits, [edit(0, 10, 'fused(x)')]);
    }
  });

  it('re-runs until stable, and stops after a bounded number of passes', () => {
    // Each pass renames one 'a' to 'b' (a fake analysis that finds the first 'a').
    const analyse = (t: string) => {
      const i = t.indexOf('a');
      return i < 0 ? [] : [finding(i, 'LL108', { title: 'a->b', edits: [edit(i, i + 1, 'b')], applicability: 'safe' })];
    };
    assert.deepEqual(fixAll('aaa', analyse, 'safe'), { text: 'bbb', applied: 3, passes: 3, unstable: false });
    const never = () => [finding(0, 'LL101', { title: 'grow', edits: [edit(0, 0, 'x')], applicability: 'safe' })];
    const r = fixAll('', never, 'safe', 10);
    assert.deepEqual([r.text.length, r.passes, r.unstable], [10, 10, true]);
  });

  it('applyEdits refuses overlapping edits instead of corrupting the text', () => {
    assert.throws(() => applyEdits('abcdef', [edit(0, 3, 'x'), edit(2, 4, 'y')]), /overlaps/);
  });
});

describe('losslens check --fix / --diff', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-fix-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const copy = (from: string) => {
    const p = path.join(dir, path.basename(from));
    fs.copyFileSync(from, p);
    return p;
  };
  type J = { line: number; code: string; fix: { applicability: string } | null; cell?: number };
  const findings = async (p: string): Promise<J[]> => JSON.parse((await run(['check', '--format', 'json', '--isolated', p])).out).findings;

  const seeds = fs.readdirSync(SEEDS).filter((f) => f.endsWith('.py'));
  for (const seed of seeds) {
    it(`--fix on ${seed}: the safely fixable findings are gone and nothing else changed`, async () => {
      const p = copy(path.join(SEEDS, seed));
      const before = fs.readFileSync(p, 'utf8');
      const was = await findings(p);
      const r = await run(['check', '--fix', '--isolated', p]);
      const after = fs.readFileSync(p, 'utf8');
      const now = await findings(p);
      assert.equal(now.filter((f) => f.fix?.applicability === 'safe').length, 0, r.out);
      // What remains is what was there minus what was fixed (the unsafe ones keep their lines).
      const key = (f: J) => `${f.line} ${f.code}`;
      assert.deepEqual(now.map(key), was.filter((f) => f.fix?.applicability !== 'safe').map(key));
      // Only lines that had a safe fix changed; the line count is the same (these fixes are renames).
      const b = before.split('\n');
      const a = after.split('\n');
      assert.equal(a.length, b.length);
      const fixedLines = new Set(was.filter((f) => f.fix?.applicability === 'safe').map((f) => f.line - 1));
      b.forEach((l, i) => (fixedLines.has(i) ? assert.notEqual(a[i], l) : assert.equal(a[i], l, `line ${i + 1}`)));
      assert.equal(r.code, now.length > 0 ? 1 : 0);
    });
  }

  it('--fix rewrites TF 1 names exactly (seed_softmax_long.py line 18)', async () => {
    const p = copy(path.join(SEEDS, 'seed_softmax_long.py'));
    await run(['check', '--fix', p]);
    assert.equal(fs.readFileSync(p, 'utf8').split('\n')[17], 'loss_per_instance_1 = -tf.reduce_sum(y_true * tf.math.log(y_hat_softmax), axis=[1])');
  });

  it('--unsafe-fixes resolves overlapping fixes over several passes (seed_double_softmax.py ends clean)', async () => {
    const p = copy(path.join(SEEDS, 'seed_double_softmax.py'));
    const r = await run(['check', '--fix', '--unsafe-fixes', p]);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(await findings(p), []);
    const text = fs.readFileSync(p, 'utf8').split('\n');
    assert.equal(text[1], 'cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y,logits=tf.add(tf.matmul(x,W),b))');
    assert.equal(text[5], 'cost =tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=tf.add(tf.matmul(x,W),b)))');
  });

  it('--diff prints a unified diff and writes nothing; exit 1 while there is something to fix, 0 after', async () => {
    const p = copy(path.join(SEEDS, 'seed_log_of_logits.py'));
    const before = fs.readFileSync(p, 'utf8');
    const d = await run(['check', '--diff', p]);
    assert.equal(d.code, 1);
    assert.equal(fs.readFileSync(p, 'utf8'), before);
    const lines = d.out.split('\n');
    assert.equal(lines[0], `--- ${p}`);
    assert.equal(lines[1], `+++ ${p}`);
    assert.match(lines[2], /^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    assert.ok(lines.some((l) => l.startsWith('-') && l.includes('tf.log(')) && lines.some((l) => l.startsWith('+') && l.includes('tf.math.log(')), d.out);
    await run(['check', '--fix', p]);
    const again = await run(['check', '--diff', p]);
    assert.deepEqual([again.code, again.out], [0, '']);
  });

  it('a notebook is fixed in its cells; the rest of the .ipynb stays byte for byte', async () => {
    const p = copy(NOTEBOOK);
    const original = fs.readFileSync(p, 'utf8');
    const was = await findings(p);
    assert.deepEqual(was.map((f) => [f.cell, f.line, f.code, f.fix?.applicability ?? null]), [
      [2, 2, 'LL101', 'unsafe'],
      [2, 3, 'LL108', 'safe'],
      [2, 4, 'LL108', 'safe'],
      [3, 1, 'LL108', 'safe'],
    ]);
    const r = await run(['check', '--fix', p]);
    assert.equal(r.code, 1, 'the double softmax (unsafe fix) remains');
    const expected = JSON.parse(original);
    expected.cells[2].source = ['%time\n', 'loss = F.cross_entropy(p, y)\n', 'loss_q = tf.math.log(x)  # é ünïcode\n', 'loss_s = tf.reduce_sum(q, axis=[1])'];
    expected.cells[3].source = 'loss_t = tf.math.log(w)';
    // Jupyter's own formatting (indent 1, non-ASCII as is) is what JSON.stringify(…, 1) writes for this file.
    assert.equal(JSON.stringify(JSON.parse(original), null, 1) + '\n', original);
    assert.equal(fs.readFileSync(p, 'utf8'), JSON.stringify(expected, null, 1) + '\n');
    assert.deepEqual((await findings(p)).map((f) => [f.cell, f.line, f.code]), [[2, 2, 'LL101']]);
  });

  it('--diff on a notebook shows each changed cell; --unsafe-fixes fixes across cells', async () => {
    const p = copy(NOTEBOOK);
    const d = await run(['check', '--diff', p]);
    assert.equal(d.code, 1);
    // cells are numbered among code cells, as in findings
    assert.match(d.out, /^--- .*train\.ipynb:cell 2\n\+\+\+ .*train\.ipynb:cell 2\n@@ -1,4 \+1,4 @@\n %time\n/);
    assert.match(d.out, /\n--- .*train\.ipynb:cell 3\n\+\+\+ .*train\.ipynb:cell 3\n/);
    assert.match(d.out, /-loss_t = tf\.log\(w\)\n\+loss_t = tf\.math\.log\(w\)/);
    const r = await run(['check', '--fix', '--unsafe-fixes', p]);
    assert.equal(r.code, 0, r.out + r.err);
    const nb = JSON.parse(fs.readFileSync(p, 'utf8'));
    // the loss in cell 3 of the file reads the softmax of cell 2: the fix passes the logits instead
    assert.deepEqual(nb.cells[2].source, ['%time\n', 'loss = F.cross_entropy(z, y)\n', 'loss_q = tf.math.log(x)  # é ünïcode\n', 'loss_s = tf.reduce_sum(q, axis=[1])']);
  });

  it('a UTF-8 byte-order mark and CRLF line ends are kept', async () => {
    const p = path.join(dir, 'bom.py');
    fs.writeFileSync(p, '\ufeffimport tensorflow as tf\r\nloss_b = tf.log(x)\r\n');
    await run(['check', '--fix', p]);
    assert.equal(fs.readFileSync(p, 'utf8'), '\ufeffimport tensorflow as tf\r\nloss_b = tf.math.log(x)\r\n');
  });

  it('suppressed findings are not fixed', async () => {
    const p = path.join(dir, 'keep.py');
    fs.writeFileSync(p, 'import tensorflow as tf\nloss_a = tf.log(x)  # noqa: LL108\nloss_b = tf.log(x)\n');
    await run(['check', '--fix', p]);
    assert.equal(fs.readFileSync(p, 'utf8'), 'import tensorflow as tf\nloss_a = tf.log(x)  # noqa: LL108\nloss_b = tf.math.log(x)\n');
  });
});
