import { strict as assert } from 'assert';
import { EvalResult } from '../../../src/python/analyze';
import { analyse } from '../../helpers/parser';
import { ulpDistance } from '../../helpers/ulps';

/**
 * The loss families reached through Python source: argument binding (positional, keyword,
 * constructor then call), conversion of literals, dtypes. Expected values are exact (mpmath,
 * 50 digits, on the float32-rounded inputs):
 *   python3 -c "from mpmath import *; ..." (see the comments at each value)
 */
async function byName(src: string): Promise<Map<string, EvalResult>> {
  const m = new Map<string, EvalResult>();
  for (const r of (await analyse(src)).evaluateAll()) if (r.name) m.set(r.name, r);
  return m;
}

function assertScalar(r: EvalResult | undefined, exact: number, tol = 4): void {
  assert.ok(r?.tensor, r?.error ?? 'no result');
  assert.equal(r.tensor.size, 1);
  assert.equal(r.dtype, 'float32');
  const d = ulpDistance(r.tensor.data[0], exact, 'float32');
  assert.ok(d <= tol, `${r.tensor.data[0]} vs ${exact}: ${d} ulps`);
}

const TORCH = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nx = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])\ny = torch.tensor([0, 2])\n';

describe('loss families through the evaluator', () => {
  it('F.cross_entropy(x, y): mean of per-row losses (1.4185397642921465)', async () => {
    assertScalar((await byName(`${TORCH}l = F.cross_entropy(x, y)\n`)).get('l'), 1.4185397642921465);
  });

  it('nn.CrossEntropyLoss(weight=w) constructed, then called: weighted mean (1.9192946382258655)', async () => {
    const r = await byName(`${TORCH}crit = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0]))\nl = crit(x, y)\n`);
    assertScalar(r.get('l'), 1.9192946382258655);
  });

  it("reduction='none' gives per-row values; unknown keywords are rejected with Python's words", async () => {
    const r = await byName(`${TORCH}a = F.cross_entropy(x, y, reduction='none')\nb = F.cross_entropy(x, y, foo=1)\n`);
    assert.deepEqual(r.get('a')!.shape, [2]);
    assert.match(r.get('b')!.error!, /cross_entropy\(\) got an unexpected keyword argument 'foo'/);
  });

  it('Keras CategoricalCrossentropy on probabilities: renormalise, clip to float32 [1e-7, 1-1e-7] (1.1769391943770358)', async () => {
    const r = await byName(
      'from tensorflow import keras\ny_true = [[0, 1, 0], [0, 0, 1]]\ny_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]\ncce = keras.losses.CategoricalCrossentropy()\nl = cce(y_true, y_pred)\n',
    );
    assertScalar(r.get('l'), 1.1769391943770358);
  });

  it('Keras positional constructor argument: CategoricalCrossentropy(True) is from_logits=True', async () => {
    const r = await byName('import tensorflow as tf\nl = tf.keras.losses.CategoricalCrossentropy(True)([[0.0, 1.0]], [[1.0, 2.0]])\n');
    assertScalar(r.get('l'), 0.3132616875182228);
  });

  it('optax takes (logits, labels) and does not reduce (0.3132616875182228)', async () => {
    const r = await byName('import optax\nimport jax.numpy as jnp\nl = optax.softmax_cross_entropy(jnp.array([[1.0, 2.0]]), jnp.array([[0.0, 1.0]]))\n');
    assert.deepEqual(r.get('l')!.shape, [1]);
    assert.ok(ulpDistance(r.get('l')!.tensor!.data[0], 0.3132616875182228, 'float32') <= 4);
  });

  it('tf.compat.v1.losses with weights and tf.losses.Reduction.SUM (0.6265233750364456)', async () => {
    const r = await byName(
      'import tensorflow as tf\nl = tf.compat.v1.losses.softmax_cross_entropy([[0., 1.]], [[1.0, 2.0]], weights=2.0, reduction=tf.losses.Reduction.SUM)\n',
    );
    assertScalar(r.get('l'), 0.6265233750364456);
  });

  it('keras.activations.softmax and nn.Softmax agree with tf.nn.softmax', async () => {
    const r = await byName(
      'import tensorflow as tf\nimport torch\nfrom torch import nn\na = tf.keras.activations.softmax(tf.constant([[0.0, 0.0]]))\nb = nn.Softmax(dim=1)(torch.tensor([[0.0, 0.0]]))\n',
    );
    assert.deepEqual(Array.from(r.get('a')!.tensor!.data), [0.5, 0.5]);
    assert.deepEqual(Array.from(r.get('b')!.tensor!.data), [0.5, 0.5]);
  });
});

describe('tf.contrib.losses keeps its own argument order', () => {
  it('softmax_cross_entropy(logits, onehot_labels) positional', async () => {
    const r = await byName('import tensorflow as tf\nl = tf.contrib.losses.softmax_cross_entropy([[1.0, 2.0]], [[0., 1.]])\n');
    assertScalar(r.get('l'), 0.3132616875182228);
  });
});
