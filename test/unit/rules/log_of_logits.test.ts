import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Finding } from '../../../src/rules';
import { applyEdits, check } from '../../helpers/parser';

const RULE = 'log-of-logits';
const lol = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const seed = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/acceptance', name), 'utf8');
const lineOf = (src: string, offset: number) => src.slice(0, offset).split('\n').length;
const preferred = (f: Finding) => f.fixes.find((x) => x.preferred)!;

describe('rule log-of-logits (LL105)', () => {
  it('seed_log_of_logits.py line 2: the name says logits; the fused op preferred, log_softmax offered', async () => {
    const src = seed('seed_log_of_logits.py');
    const f = await lol(src);
    assert.equal(f.length, 1);
    assert.equal(lineOf(src, f[0].start), 2);
    assert.equal(f[0].code, 'LL105');
    assert.equal(src.slice(f[0].start, f[0].end), 'tf.log(logits)');
    assert.match(f[0].message, /the name 'logits' says it holds logits/);
    assert.equal(f[0].fixes.length, 2);
    assert.equal(applyEdits(src, preferred(f[0]).edits).split('\n')[1], 'loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=logits))');
    assert.equal(applyEdits(src, f[0].fixes[1].edits).split('\n')[1], 'loss = -tf.reduce_sum(y_true * tf.nn.log_softmax(logits))');
    for (const fix of f[0].fixes) assert.equal((await lol(applyEdits(src, fix.edits))).length, 0);
  });

  it('other seeds: silent', async () => {
    for (const s of ['seed_softmax_long.py', 'seed_softmax_two_class.py', 'seed_double_softmax.py', 'seed_sigmoid_question.py', 'seed_sigmoid_answer.py', 'seed_softmax_intro.py', 'seed_tf2_check.py']) {
      assert.equal((await lol(seed(s))).length, 0, s);
    }
  });

  it('linear layer outputs: matmul + bias, @, tf.layers.dense, Dense(...)(x), nn.Linear objects', async () => {
    const cases: [string, string, string][] = [
      ['import tensorflow as tf\ny_hat = tf.matmul(x, W) + b\nloss = -tf.reduce_mean(tf.reduce_sum(y * tf.log(y_hat), axis=1))\n',
        'tf.log(y_hat)', 'loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=y_hat))'],
      ['import tensorflow as tf\nh = tf.add(tf.matmul(x, W), b)\nl = tf.math.log(h)\n', 'tf.math.log(h)', 'l = tf.nn.log_softmax(h)'],
      ['import tensorflow as tf\nh = tf.layers.dense(x, 10)\nl = tf.log(h)\n', 'tf.log(h)', 'l = tf.nn.log_softmax(h)'],
      ['import tensorflow as tf\nh = tf.keras.layers.Dense(10)(x)\nl = tf.log(h)\n', 'tf.log(h)', 'l = tf.nn.log_softmax(h)'],
      ['import jax.numpy as jnp\nh = x @ W\nl = jnp.log(h)\n', 'jnp.log(h)', 'l = jax.nn.log_softmax(h)'],
      ['import torch\nimport torch.nn as nn\nfc = nn.Linear(4, 3)\nout = fc(x)\nlp = out.log()\n', 'out.log()', 'lp = out.log_softmax(dim=-1)'],
      ['import torch\nimport torch.nn.functional as F\nlogits = model(x)\nloss = F.nll_loss(torch.log(logits + 1e-9), y)\n',
        'torch.log(logits + 1e-9)', 'loss = F.nll_loss(F.log_softmax(logits, dim=-1), y)'],
      ['import torch\nloss = -(y * torch.log(out.logits)).sum(dim=1).mean()\n',
        'torch.log(out.logits)', 'loss = torch.nn.functional.cross_entropy(out.logits, y)'],
    ];
    for (const [src, range, want] of cases) {
      const f = await lol(src);
      assert.equal(f.length, 1, src);
      assert.equal(src.slice(f[0].start, f[0].end), range);
      const fixed = applyEdits(src, preferred(f[0]).edits);
      assert.ok(fixed.split('\n').includes(want), `${src}\n-> ${fixed}`);
    }
  });

  it('the linear layer is the related location', async () => {
    const src = 'import tensorflow as tf\ny_hat = tf.matmul(x, W) + b\nl = tf.log(y_hat)\n';
    const [f] = await lol(src);
    assert.equal(src.slice(f.related[0].start, f.related[0].end), 'tf.matmul(x, W) + b');
    assert.match(f.message, /'y_hat' is the output of a linear layer/);
  });

  it('explains known logits: NaN where negative, next to log_softmax', async () => {
    const src = 'import numpy as np\nlogits = np.array([[2.0, -1.0, 0.5]])\nl = np.log(logits)\n';
    const [f] = await lol(src);
    assert.match(f.explanation!.asWritten!, /^log\(logits\): \[\[ *0\.69314718 +nan +-0\.69314718\]\] \(float64\)$/);
    assert.equal(f.explanation!.asMeant, 'log_softmax(logits): [[-0.2413113 -3.2413113 -1.7413113]] (float64)');
    assert.deepEqual(f.explanation!.details, ['1 of 3 logits are negative: their log is NaN.']);
  });

  it('near misses stay silent', async () => {
    const silent = [
      // log of a softmax / sigmoid output (manual-cross-entropy's business)
      'import tensorflow as tf\nlogits = tf.matmul(x, W)\np = tf.nn.softmax(logits)\nl = tf.log(p)\n',
      'import tensorflow as tf\nlogits = tf.nn.sigmoid(h)\nl = tf.log(logits)\n',
      // a clipped probability
      'import tensorflow as tf\nl = tf.log(tf.clip_by_value(logits, 1e-10, 1.0))\n',
      // log_softmax already
      'import tensorflow as tf\nl = tf.nn.log_softmax(logits)\n',
      // literals of positives, even under a logits name when they are probabilities
      'import numpy as np\nv = np.log([1.0, 2.0, 3.0])\nw = np.log(np.array([0.2, 0.8]))\nlogits = np.array([0.2, 0.3, 0.5])\nu = np.log(logits)\n',
      // names that do not say logits, not from a linear layer
      'import numpy as np\nscores = f(x)\nl = np.log(scores)\nz = g(x)\nl2 = np.log(z)\n',
      // names that say probabilities
      'import torch\nprobs_from_logits = f(x)\nl = torch.log(probs_from_logits)\n',
      // exp of logits is positive
      'import tensorflow as tf\nlogit_exp = tf.exp(logits)\nl = tf.log(logit_exp)\n',
    ];
    for (const s of silent) assert.equal((await lol(s)).length, 0, s);
  });
});
