import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, check } from '../../helpers/parser';

const RULE = 'one-hot-of-one-hot';
const oh = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const lineOf = (src: string, offset: number) => src.slice(0, offset).split('\n').length;

describe('rule one-hot-of-one-hot (LL107)', () => {
  it('seed_tf2_check.py line 4: labels already one-hot, result shape [100, 10, 10]', async () => {
    const src = fs.readFileSync(path.join(__dirname, '../../fixtures/acceptance/seed_tf2_check.py'), 'utf8');
    const f = await oh(src);
    assert.equal(f.length, 1);
    assert.equal(f[0].code, 'LL107');
    assert.equal(lineOf(src, f[0].start), 4);
    assert.equal(src.slice(f[0].start, f[0].end), 'tf.one_hot(labels, 10)');
    assert.match(f[0].message, /the result has shape \[100, 10, 10\], not \[100, 10\]/);
    assert.match(f[0].message, /line 3/);
    assert.equal(src.slice(f[0].related[0].start, f[0].related[0].end), "tf.one_hot(tf.random.uniform([100], minval=0, maxval=10 , dtype='int32'), 10)");
    const fixed = applyEdits(src, f[0].fixes[0].edits);
    assert.equal(fixed.split('\n')[3], 'tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=M) - tf.reduce_sum(-tf.nn.log_softmax(M)*labels, -1)');
    assert.equal((await oh(fixed)).length, 0);
  });

  it('traced through names and casts, in TF, PyTorch and JAX', async () => {
    const cases: [string, string, string][] = [
      ['import tensorflow as tf\ny = tf.cast(tf.one_hot(k, 5), tf.int32)\nz = tf.one_hot(y, depth=5)\n', 'tf.one_hot(y, depth=5)', 'z = y'],
      ['import torch\nimport torch.nn.functional as F\nt = F.one_hot(k, 3).float()\nu = F.one_hot(t.long(), num_classes=3)\n', 'F.one_hot(t.long(), num_classes=3)', 'u = t.long()'],
      ['import jax\nimport jax.numpy as jnp\ny = jax.nn.one_hot(k, 4)\nl = -jnp.sum(jax.nn.one_hot(y, 4) * logp)\n', 'jax.nn.one_hot(y, 4)', 'l = -jnp.sum(y * logp)'],
      ['import tensorflow as tf\nl = tf.one_hot(tf.one_hot(k, 3), 3)\n', 'tf.one_hot(tf.one_hot(k, 3), 3)', 'l = tf.one_hot(k, 3)'],
    ];
    for (const [src, range, fixedLine] of cases) {
      const f = await oh(src);
      assert.equal(f.length, 1, src);
      assert.equal(src.slice(f[0].start, f[0].end), range);
      const fixed = applyEdits(src, f[0].fixes[0].edits);
      assert.equal(fixed.trimEnd().split('\n').pop(), fixedLine);
      assert.equal((await oh(fixed)).length, 0, fixed);
    }
  });

  it('known values that are one-hot rows, and float labels with a class axis', async () => {
    const src = 'import torch\nimport torch.nn.functional as F\ny = torch.tensor([[0., 1.], [1., 0.]])\nt = F.one_hot(y, 2)\n';
    const [f] = await oh(src);
    assert.match(f.message, /every row of y holds a single 1: the result has shape \[2, 2, 2\], not \[2, 2\] \(F\.one_hot also rejects float32 indices\)/);
    const ints = 'import numpy as np\nimport tensorflow as tf\nl = tf.one_hot(np.array([[0, 0, 1], [1, 0, 0]]), 3)\n';
    assert.match((await oh(ints))[0].message, /shape \[2, 3, 3\]/);
    const ph = 'import tensorflow as tf\np = tf.placeholder(tf.float32, shape=[None, 5])\nq = tf.one_hot(p, 5)\n';
    const [g] = await oh(ph);
    assert.match(g.message, /p is float32 with a last axis of 5 .*: the result has shape \[None, 5, 5\], not \[None, 5\]/);
  });

  it('a composite expression keeps its precedence in the fix', async () => {
    const src = 'import tensorflow as tf\ny = tf.one_hot(k, 3)\nl = 2 * tf.one_hot(y + 0, 3)\n';
    const f = await oh(src);
    assert.equal(f.length, 0); // y + 0 is not traced (arithmetic), and its value is unknown
    const src2 = 'import tensorflow as tf\np = tf.placeholder(tf.float32, shape=[None, 3])\nl = 2 * tf.one_hot(p + 0.0, 3)\n';
    const [g] = await oh(src2);
    assert.equal(applyEdits(src2, g.fixes[0].edits).split('\n')[2], 'l = 2 * (p + 0.0)');
  });

  it('near misses stay silent', async () => {
    const silent = [
      // class indices, as meant
      'import tensorflow as tf\nl = tf.one_hot(tf.constant([0, 2, 1]), 3)\n',
      'import tensorflow as tf\nk = tf.random.uniform([100], minval=0, maxval=10, dtype=tf.int32)\nl = tf.one_hot(k, 10)\n',
      // integer sequence labels [batch, time]: one_hot over the last axis is meant
      'import tensorflow as tf\nk = tf.random.uniform([8, 10], maxval=10, dtype=tf.int32)\nl = tf.one_hot(k, 10)\n',
      'import torch\nimport torch.nn.functional as F\nl = F.one_hot(torch.tensor([1, 0, 3]), num_classes=4)\n',
      // float indices of shape [N, 1] are not one-hot (another problem)
      'import tensorflow as tf\np = tf.placeholder(tf.float32, shape=[None, 1])\nl = tf.one_hot(p, 5)\n',
      // unknown labels
      'import tensorflow as tf\nl = tf.one_hot(labels, 10)\n',
      // someone else's one_hot
      'def one_hot(x, n):\n    return x\ny = one_hot(k, 3)\nz = one_hot(y, 3)\n',
    ];
    for (const s of silent) assert.equal((await oh(s)).length, 0, s);
  });
});
