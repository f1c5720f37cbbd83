import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, check } from '../../helpers/parser';

const RULE = 'positional-loss-arguments';
const pla = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const seed = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/acceptance', name), 'utf8');
const lineOf = (src: string, offset: number) => src.slice(0, offset).split('\n').length;

/** Applies the preferred fix and checks the rule no longer fires on the result. */
async function fixOnce(src: string): Promise<string> {
  const [f] = await pla(src);
  assert.ok(f, `no finding in ${src}`);
  const fix = f.fixes.find((x) => x.preferred);
  assert.ok(fix, 'a preferred fix');
  const out = applyEdits(src, fix.edits);
  assert.equal((await pla(out)).length, 0, `still fires after the fix: ${out}`);
  return out;
}

describe('rule positional-loss-arguments (LL106)', () => {
  it('seed_softmax_long.py lines 26 and 30: names both arguments, keeping the TF 0.x meaning', async () => {
    const src = seed('seed_softmax_long.py');
    const f = await pla(src);
    assert.deepEqual(f.map((x) => lineOf(src, x.start)), [26, 30]);
    for (const x of f) {
      assert.equal(x.code, 'LL106');
      assert.equal(x.severity, 'warning');
      assert.equal(src.slice(x.start, x.end), 'y_hat, y_true');
      assert.match(x.message, /TF 2 reads them as \(labels=y_hat, logits=y_true\)/);
    }
    const fixed = applyEdits(src, f[0].fixes[0].edits).split('\n')[25];
    assert.equal(fixed, 'loss_per_instance_2 = tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_hat)');
    const fixed30 = applyEdits(src, f[1].fixes[0].edits).split('\n')[29];
    assert.equal(fixed30, 'total_loss_2 = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_hat))');
    const both = applyEdits(src, [...f[0].fixes[0].edits, ...f[1].fixes[0].edits]);
    assert.equal((await pla(both)).length, 0);
  });

  it('seed_softmax_long.py: the explanation shows the loss under both readings', async () => {
    const [f] = await pla(seed('seed_softmax_long.py'));
    assert.match(f.explanation!.asMeant!, /TF 0\.x reading \(logits=y_hat, labels=y_true\): \[0\.4790107 +1\.19967598\] \(float64\)/);
    assert.match(f.explanation!.asWritten!, /TF 2 reading \(labels=y_hat, logits=y_true\): \[1\.7580339 +6\.36751251\] \(float64\)/);
  });

  it('seed_double_softmax.py line 2: the same call as the double softmax', async () => {
    const src = seed('seed_double_softmax.py');
    const f = await pla(src);
    assert.equal(f.length, 1);
    assert.equal(lineOf(src, f[0].start), 2);
    assert.equal(src.slice(f[0].start, f[0].end), 'tf.nn.softmax(tf.add(tf.matmul(x,W),b)),y');
    assert.equal(applyEdits(src, f[0].fixes[0].edits).split('\n')[1], 'cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y,logits=tf.nn.softmax(tf.add(tf.matmul(x,W),b)))');
    assert.equal(f[0].explanation, undefined); // x, W, b, y are not defined in the file
  });

  it('labels first by name: TF 2 order is kept, and the message says it looks meant', async () => {
    const src = 'import tensorflow as tf\nloss = tf.nn.softmax_cross_entropy_with_logits(labels, logits)\n';
    const [f] = await pla(src);
    assert.match(f.message, /which looks meant/);
    assert.equal((await fixOnce(src)).split('\n')[1], 'loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)');
  });

  it('values decide when names do not: rows that are distributions are the labels', async () => {
    const src = 'import tensorflow as tf\na = tf.constant([[0.0, 1.0], [1.0, 0.0]])\nb = tf.constant([[2.0, -1.0], [0.5, 0.3]])\nl = tf.nn.softmax_cross_entropy_with_logits(a, b)\n';
    const [f] = await pla(src);
    assert.match(f.message, /judging by the values/);
    assert.equal((await fixOnce(src)).split('\n')[3], 'l = tf.nn.softmax_cross_entropy_with_logits(labels=a, logits=b)');
    assert.match(f.explanation!.asWritten!, /\(as meant\)/);
  });

  it('sparse: integer class indices are the labels, whichever side they are on', async () => {
    const src = 'import tensorflow as tf\nw = tf.constant([[1.0, 2.0], [0.0, 1.0]])\nk = tf.constant([1, 0])\nl = tf.nn.sparse_softmax_cross_entropy_with_logits(w, k)\n';
    assert.equal((await fixOnce(src)).split('\n')[3], 'l = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=w)');
    const [f] = await pla(src);
    assert.match(f.explanation!.asMeant!, /\(float32\)/);
    const rev = src.replace('(w, k)', '(k, w)');
    assert.equal((await fixOnce(rev)).split('\n')[3], 'l = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=w)');
  });

  it('sigmoid, _v2 and tf.compat.v1 spellings; axis and name positionals become keywords', async () => {
    const cases: [string, string][] = [
      ['import tensorflow as tf\nl = tf.nn.sigmoid_cross_entropy_with_logits(logits, targets)\n', 'l = tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits)'],
      ['import tensorflow as tf\nl = tf.nn.softmax_cross_entropy_with_logits_v2(scores, y)\n', 'l = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=scores)'],
      ['import tensorflow.compat.v1 as tf\nl = tf.nn.softmax_cross_entropy_with_logits(pred, y, -1, "xent")\n', 'l = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=pred, axis=-1, name="xent")'],
      ['import tensorflow as tf\nl = tf.compat.v1.nn.sparse_softmax_cross_entropy_with_logits(out, y, "xent")\n', 'l = tf.compat.v1.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=out, name="xent")'],
    ];
    for (const [src, want] of cases) assert.equal((await fixOnce(src)).split('\n')[1], want, src);
  });

  it('one positional next to a keyword becomes the missing one', async () => {
    const src = 'import tensorflow as tf\nl = tf.nn.softmax_cross_entropy_with_logits(z, labels=y)\n';
    const [f] = await pla(src);
    assert.equal(src.slice(f.start, f.end), 'z');
    assert.equal((await fixOnce(src)).split('\n')[1], 'l = tf.nn.softmax_cross_entropy_with_logits(logits=z, labels=y)');
    const only = 'import tensorflow as tf\nl = tf.nn.softmax_cross_entropy_with_logits(z)\n';
    const [g] = await pla(only);
    assert.equal(g.fixes.length, 0);
    assert.match(g.message, /TF 2 reads it as labels/);
  });

  it('near misses stay silent', async () => {
    const silent = [
      'import tensorflow as tf\nl = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z)\n',
      'import tensorflow as tf\nl = tf.nn.softmax_cross_entropy_with_logits(logits=z, labels=y, axis=1)\n',
      // other functions take positional arguments legitimately
      'import tensorflow as tf\np = tf.nn.softmax(z, 1)\nl = tf.keras.losses.categorical_crossentropy(y, p)\n',
      'import optax\nl = optax.softmax_cross_entropy(logits, labels)\n',
      'import torch.nn.functional as F\nl = F.cross_entropy(z, y)\n',
      // a user's own function and a user's own `tf`
      'def softmax_cross_entropy_with_logits(a, b):\n    return a - b\nl = softmax_cross_entropy_with_logits(z, y)\n',
      'tf = load_plugin()\nl = tf.nn.softmax_cross_entropy_with_logits(z, y)\n',
      // *args: the binding is unknown
      'import tensorflow as tf\nl = tf.nn.softmax_cross_entropy_with_logits(*pair)\n',
    ];
    for (const s of silent) assert.equal((await pla(s)).length, 0, s);
  });
});
