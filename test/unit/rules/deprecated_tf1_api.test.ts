import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, check } from '../../helpers/parser';
import { TF1_RENAMES } from '../../../src/rules/tf1_renames';

const RULE = 'deprecated-tf1-api';
const dep = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const seed = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/acceptance', name), 'utf8');
const lineOf = (src: string, offset: number) => src.slice(0, offset).split('\n').length;

/** Applies every finding's preferred fix at once (they never overlap). */
async function fixAll(src: string): Promise<string> {
  const edits = (await dep(src)).flatMap((f) => f.fixes.find((x) => x.preferred)?.edits ?? []);
  return applyEdits(src, edits);
}

describe('rule deprecated-tf1-api (LL108)', () => {
  it('seed_softmax_long.py line 18: tf.log and reduction_indices, as information', async () => {
    const src = seed('seed_softmax_long.py');
    const f = (await dep(src)).filter((x) => lineOf(src, x.start) === 18);
    assert.deepEqual(f.map((x) => src.slice(x.start, x.end)), ['tf.log', 'reduction_indices']);
    for (const x of f) {
      assert.equal(x.code, 'LL108');
      assert.equal(x.severity, 'information');
    }
    assert.match(f[0].message, /tf\.log was removed in TF 2: use tf\.math\.log/);
    const fixed = applyEdits(src, [...f[0].fixes[0].edits, ...f[1].fixes[0].edits]).split('\n')[17];
    assert.equal(fixed, 'loss_per_instance_1 = -tf.reduce_sum(y_true * tf.math.log(y_hat_softmax), axis=[1])');
    // tf.Session on line 5 is TF 1 only too
    assert.ok((await dep(src)).some((x) => lineOf(src, x.start) === 5 && src.slice(x.start, x.end) === 'tf.Session'));
  });

  it('seed_double_softmax.py line 6; after all fixes nothing is left', async () => {
    const src = seed('seed_double_softmax.py');
    const f = await dep(src);
    assert.deepEqual(f.map((x) => [lineOf(src, x.start), src.slice(x.start, x.end)]), [[6, 'tf.log'], [6, 'reduction_indices']]);
    const fixed = await fixAll(src);
    assert.equal(fixed.split('\n')[5], 'cost =tf.reduce_mean(-tf.reduce_sum(y*tf.math.log(pred),axis=1))');
    assert.equal((await dep(fixed)).length, 0);
  });

  it('v1-only names get the tf.compat.v1 prefix, with the alias the file uses', async () => {
    const src = [
      'import tensorflow as tf1',
      'x = tf1.placeholder(tf1.float32, [None, 3])',
      'with tf1.Session() as sess:',
      '    sess.run(tf1.global_variables_initializer())',
      'w = tf1.Variable(tf1.random_normal([3, 2]))',
      'opt = tf1.train.AdamOptimizer(1e-3)',
      'l = tf1.losses.softmax_cross_entropy(y, z)',
      'f = tf1.to_float(x)',
      '',
    ].join('\n');
    const f = await dep(src);
    assert.deepEqual(f.map((x) => src.slice(x.start, x.end)), [
      'tf1.placeholder', 'tf1.Session', 'tf1.global_variables_initializer', 'tf1.random_normal', 'tf1.train.AdamOptimizer', 'tf1.losses.softmax_cross_entropy', 'tf1.to_float',
    ]);
    const fixed = await fixAll(src);
    assert.equal(fixed, [
      'import tensorflow as tf1',
      'x = tf1.compat.v1.placeholder(tf1.float32, [None, 3])',
      'with tf1.compat.v1.Session() as sess:',
      '    sess.run(tf1.compat.v1.global_variables_initializer())',
      'w = tf1.Variable(tf1.random.normal([3, 2]))',
      'opt = tf1.compat.v1.train.AdamOptimizer(1e-3)',
      'l = tf1.compat.v1.losses.softmax_cross_entropy(y, z)',
      'f = tf1.compat.v1.to_float(x)',
      '',
    ].join('\n'));
    assert.equal((await dep(fixed)).length, 0);
    assert.match(f[5].message, /tf\.losses is Keras's loss module/);
  });

  it('keyword renames: keep_dims, dim, dimension; no fix when the new keyword is also given', async () => {
    const src = 'import tensorflow as tf\na = tf.reduce_mean(x, 1, keep_dims=True)\nb = tf.nn.softmax(z, dim=1)\nc = tf.argmax(p, dimension=1)\nd = tf.reduce_sum(x, axis=1, reduction_indices=1)\n';
    const f = await dep(src);
    assert.deepEqual(f.map((x) => src.slice(x.start, x.end)), ['keep_dims', 'dim', 'dimension', 'reduction_indices']);
    assert.equal(f[3].fixes.length, 0);
    assert.match(f[3].message, /which this call also passes/);
    const fixed = applyEdits(src, f.slice(0, 3).flatMap((x) => x.fixes[0].edits));
    assert.equal(fixed.split('\n').slice(1, 4).join('\n'), 'a = tf.reduce_mean(x, 1, keepdims=True)\nb = tf.nn.softmax(z, axis=1)\nc = tf.argmax(p, axis=1)');
  });

  it('tf.contrib.losses: renamed to tf.compat.v1.losses with the arguments named (the order changed)', async () => {
    const src = 'import tensorflow as tf\nl = tf.contrib.losses.softmax_cross_entropy(logits, y, 0.5)\nm = tf.contrib.losses.log_loss(p, labels=y)\n';
    const f = await dep(src);
    assert.equal(f.length, 2);
    assert.equal(src.slice(f[0].start, f[0].end), 'tf.contrib.losses.softmax_cross_entropy');
    const fixed = await fixAll(src);
    assert.equal(fixed.split('\n')[1], 'l = tf.compat.v1.losses.softmax_cross_entropy(logits=logits, onehot_labels=y, weights=0.5)');
    assert.equal(fixed.split('\n')[2], 'm = tf.compat.v1.losses.log_loss(predictions=p, labels=y)');
    assert.equal((await dep(fixed)).length, 0);
  });

  it('near misses stay silent', async () => {
    const silent = [
      // TF 2 names
      'import tensorflow as tf\nl = tf.reduce_sum(tf.math.log(p), axis=1, keepdims=True)\nr = tf.random.uniform([3])\n',
      'import tensorflow as tf\nx = tf.compat.v1.placeholder(tf.float32)\ns = tf.compat.v1.Session()\n',
      // code written against compat.v1 on purpose
      'import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32)\ny = tf.log(x)\nz = tf.reduce_sum(y, reduction_indices=1)\n',
      // a user's own `tf`, a parameter named tf, another library's log
      'tf = MyToolkit()\ny = tf.log(x)\ns = tf.Session()\n',
      'def f(tf):\n    return tf.log(tf.placeholder)\n',
      'import numpy as np\ny = np.log(x)\nz = np.sum(x, keep_dims=True)\n',
      // Keras losses under TF 2's tf.losses
      'import tensorflow as tf\nl = tf.losses.CategoricalCrossentropy(from_logits=True)\n',
    ];
    for (const s of silent) assert.equal((await dep(s)).length, 0, s);
  });

  it('the table maps every name to a different TF 2 name', () => {
    assert.ok(TF1_RENAMES.size > 200);
    for (const [from, to] of TF1_RENAMES) {
      assert.notEqual(from, to);
      assert.match(from, /^[A-Za-z_][\w.]*$/);
      assert.match(to, /^[A-Za-z_][\w.]*$/);
    }
    assert.equal(TF1_RENAMES.get('log'), 'math.log');
    assert.equal(TF1_RENAMES.get('placeholder'), 'compat.v1.placeholder');
    assert.equal(TF1_RENAMES.get('random_uniform'), 'random.uniform');
    assert.equal(TF1_RENAMES.get('div'), 'compat.v1.div');
  });
});
