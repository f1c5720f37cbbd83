import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, check } from '../../helpers/parser';
import { LOSS_EXPRESSION_NAMES, TF1_RENAMES } from '../../../src/rules/tf1_renames';

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
    // the same loss again on line 22; tf.Session on line 5 is TF 1 only too, but general
    // migration is not this rule's business
    assert.deepEqual((await dep(src)).map((x) => lineOf(src, x.start)), [18, 18, 22, 22]);
  });

  it('seed_double_softmax.py line 6; after all fixes nothing is left', async () => {
    const src = seed('seed_double_softmax.py');
    const f = await dep(src);
    assert.deepEqual(f.map((x) => [lineOf(src, x.start), src.slice(x.start, x.end)]), [[6, 'tf.log'], [6, 'reduction_indices']]);
    const fixed = await fixAll(src);
    assert.equal(fixed.split('\n')[5], 'cost =tf.reduce_mean(-tf.reduce_sum(y*tf.math.log(pred),axis=1))');
    assert.equal((await dep(fixed)).length, 0);
  });

  it('v1-only tf.losses names get the tf.compat.v1 prefix with the alias the file uses; the graph API stays silent', async () => {
    const src = [
      'import tensorflow as tf1',
      'x = tf1.placeholder(tf1.float32, [None, 3])',
      'with tf1.Session() as sess:',
      '    sess.run(tf1.global_variables_initializer())',
      'w = tf1.Variable(tf1.random_normal([3, 2]))',
      'opt = tf1.train.AdamOptimizer(1e-3)',
      'l = tf1.losses.softmax_cross_entropy(y, z)',
      'f = tf1.to_float(x)',
      'r = tf1.losses.get_regularization_loss()',
      '',
    ].join('\n');
    const f = await dep(src);
    assert.deepEqual(f.map((x) => src.slice(x.start, x.end)), ['tf1.losses.softmax_cross_entropy', 'tf1.losses.get_regularization_loss']);
    assert.match(f[0].message, /tf\.losses is Keras's loss module/);
    const fixed = await fixAll(src);
    assert.equal(fixed.split('\n')[6], 'l = tf1.compat.v1.losses.softmax_cross_entropy(y, z)');
    assert.equal(fixed.split('\n')[8], 'r = tf1.compat.v1.losses.get_regularization_loss()');
    assert.equal((await dep(fixed)).length, 0);
  });

  it('keyword renames inside a loss expression: keep_dims, dim; no fix when the new keyword is also given', async () => {
    const src = [
      'import tensorflow as tf',
      'a = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(p), 1, keep_dims=True))',
      'b = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z, dim=1)',
      'def my_loss(p, q):',
      '    return tf.reduce_sum(p * q, axis=1, reduction_indices=1)',
      'cost = tf.reduce_mean(tf.square(y - p), reduction_indices=[1])',
      '',
    ].join('\n');
    const f = await dep(src);
    assert.deepEqual(f.map((x) => [lineOf(src, x.start), src.slice(x.start, x.end)]), [[2, 'keep_dims'], [3, 'dim'], [5, 'reduction_indices'], [6, 'reduction_indices']]);
    assert.equal(f[2].fixes.length, 0);
    assert.match(f[2].message, /which this call also passes/);
    const fixed = applyEdits(src, [f[0], f[1], f[3]].flatMap((x) => x.fixes[0].edits)).split('\n');
    assert.equal(fixed[1], 'a = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(p), 1, keepdims=True))');
    assert.equal(fixed[2], 'b = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z, axis=1)');
    assert.equal(fixed[5], 'cost = tf.reduce_mean(tf.square(y - p), axis=[1])');
  });

  it('general TF 1 code outside the loss stays silent (issue 6: 255 findings on a 16-file TF 1 project)', async () => {
    const src = [
      'import tensorflow as tf',
      'tf.logging.set_verbosity(tf.logging.INFO)',
      'tf.logging.info("step %d", step)',
      'w = tf.get_variable("w", [3, 2], initializer=tf.truncated_normal_initializer())',
      'x = tf.placeholder(tf.float32, [None, 3])',
      'probs = tf.nn.softmax(tf.matmul(x, w), dim=1)',
      'pred = tf.argmax(probs, dimension=1)',
      'correct = tf.equal(pred, tf.argmax(y, 1))',
      'accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), reduction_indices=0)',
      'mean, var = tf.nn.moments(x, axes=[0], keep_dims=True)',
      'log_std = tf.log(std)',
      'action = tf.multinomial(tf.log(probs), num_samples=1)',
      'lr = tf.train.exponential_decay(0.1, step, 1000, 0.96)',
      'opt = tf.train.AdamOptimizer(lr)',
      'tf.summary.scalar("accuracy", accuracy)',
      'merged = tf.summary.merge_all()',
      'sess = tf.Session()',
      'saver = tf.train.Saver()',
      'noise = tf.random_normal([3])',
      '',
    ].join('\n');
    assert.deepEqual((await dep(src)).map((x) => src.slice(x.start, x.end)), []);
  });

  it('tf.log counts in a loss expression: reduced with a log, in a loss-named target or function, or next to a cross-entropy', async () => {
    const src = [
      'import tensorflow as tf',
      'ce = -tf.reduce_sum(y * tf.log(p), 1)',
      'cost = tf.log(1.0 + tf.exp(-margin))',
      'def nll(p, y):',
      '    return -y * tf.log(p)',
      'total = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z) + tf.log(w)',
      'entropy_bonus = tf.log1p(-p)',
      '',
    ].join('\n');
    assert.deepEqual((await dep(src)).map((x) => [lineOf(src, x.start), src.slice(x.start, x.end)]), [
      [2, 'tf.log'], [3, 'tf.log'], [5, 'tf.log'], [6, 'tf.log'], [7, 'tf.log1p'],
    ]);
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

  it('the table maps every name to a different TF 2 name, and keeps to loss code', () => {
    for (const [from, to] of TF1_RENAMES) {
      assert.notEqual(from, to);
      assert.match(from, /^[A-Za-z_][\w.]*$/);
      assert.match(to, /^[A-Za-z_][\w.]*$/);
      assert.ok(LOSS_EXPRESSION_NAMES.has(from) || from.startsWith('losses.'), from);
    }
    assert.equal(TF1_RENAMES.get('log'), 'math.log');
    assert.equal(TF1_RENAMES.get('losses.log_loss'), 'compat.v1.losses.log_loss');
    assert.equal(TF1_RENAMES.get('div'), 'compat.v1.div');
    for (const general of ['placeholder', 'Session', 'random_uniform', 'logging.info', 'summary.scalar', 'train.AdamOptimizer', 'get_variable']) {
      assert.equal(TF1_RENAMES.get(general), undefined, general);
    }
  });
});
