import { strict as assert } from 'assert';
import { FloatDType } from '../../../src/core/dtype';
import { EvalResult } from '../../../src/python/analyze';
import { analyse } from '../../helpers/parser';
import { ulpDistance } from '../../helpers/ulps';

/**
 * Issue 8 through Python source: the frameworks' axes, constants in their dtype, both values
 * where the framework's arithmetic breaks, no silent gaps. Expected values are exact (mpmath,
 * 50 digits, of the framework's documented formula on the dtype-rounded inputs); the python3
 * one-liner that gives each is in the comment next to it.
 */
async function byName(src: string): Promise<Map<string, EvalResult>> {
  const m = new Map<string, EvalResult>();
  for (const r of (await analyse(src)).evaluateAll()) if (r.name) m.set(r.name, r);
  return m;
}

function assertValues(r: EvalResult | undefined, exact: number[], dtype: FloatDType = 'float32', tol = 4): void {
  assert.ok(r?.tensor, r?.error ?? 'no result');
  assert.equal(r.dtype, dtype);
  assert.equal(r.tensor.size, exact.length);
  for (let i = 0; i < exact.length; i++) {
    const d = ulpDistance(r.tensor.data[i], exact[i], dtype);
    assert.ok(d <= tol, `[${i}] ${r.tensor.data[i]} vs ${exact[i]}: ${d} ulps`);
  }
}

describe('issue 8: softmax over all axes (axis=None)', () => {
  // x = [[1,2],[3,4]]: from mpmath import *; L = log(sum(exp(v) for v in (1,2,3,4))); [exp(v-L) for v in (1,2,3,4)]
  const SM = [0.03205860328008499, 0.08714431874203257, 0.23688281808991013, 0.6439142598879724];
  const LSM = [-3.4401896985611953, -2.4401896985611953, -1.4401896985611953, -0.44018969856119533];
  const SRC = 'import keras\nimport jax\nimport tensorflow as tf\nx = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n';
  it('keras.ops.softmax / log_softmax(x, axis=None) normalise over every element', async () => {
    const r = await byName(`${SRC}a = keras.ops.softmax(x, axis=None)\nb = keras.ops.log_softmax(x, axis=None)\n`);
    assertValues(r.get('a'), SM);
    assertValues(r.get('b'), LSM);
    assert.deepEqual(r.get('a')!.shape, [2, 2]);
  });
  it('a tuple of axes normalises over those axes together (keras.ops, jax.nn)', async () => {
    const r = await byName(`${SRC}a = keras.ops.softmax(x, axis=(0, 1))\nb = jax.nn.softmax(jax.numpy.array([[1.0, 2.0], [3.0, 4.0]]), axis=None)\nc = keras.ops.softmax(x, axis=0)\n`);
    assertValues(r.get('a'), SM);
    assertValues(r.get('b'), SM);
    // axis=0: columns [1, 3] and [2, 4]: 1/(1+e^2), e^2/(1+e^2)
    const p = 0.11920292202211756, q = 0.8807970779778824; // 1/(1+e^2), e^2/(1+e^2)
    assertValues(r.get('c'), [p, p, q, q], 'float32', 4);
  });
});

describe('issue 8: Keras label smoothing takes num_classes from the axis dimension', () => {
  // keras/src/losses/losses.py (keras-team/keras#23437): num_classes = y_pred.shape[axis].
  // Values: scripts/fixtures/keras.py fn_cce / fn_cfce (mpmath) on these inputs (keras.json
  // "keras.CCE/axis1_label_smoothing", "keras.CFCE/axis1_label_smoothing").
  const SRC = [
    'import tensorflow as tf',
    'y = tf.constant([[[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]])',
    'p = tf.constant([[[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]], [[0.3, 0.5], [0.3, 0.25], [0.4, 0.25]]])',
    'a = tf.keras.losses.CategoricalCrossentropy(axis=1, label_smoothing=0.3)(y, p)',
    'b = tf.keras.losses.CategoricalFocalCrossentropy(axis=1, label_smoothing=0.3)(y, p)',
  ].join('\n');
  it('CategoricalCrossentropy and CategoricalFocalCrossentropy with axis=1 on 3-D input', async () => {
    const r = await byName(SRC);
    assertValues(r.get('a'), [0.8607099358605087]);
    assertValues(r.get('b'), [0.09278811078022713]);
  });
});

describe('issue 8: constants and `1 - x` in the framework dtype', () => {
  const SRC = 'import tensorflow as tf\ny = tf.constant([[0.0, 1.0, 0.0]])\np = tf.constant([[0.0, 1.0, 0.0]])\n';
  it('Keras BinaryCrossentropy of a perfect float32 prediction: -log(float32(1 - 1e-7)) = 1.1920929e-7', async () => {
    // from mpmath import *; -log(mpf(numpy.float32(1 - numpy.float32(1e-7)))) = 1.1920929665620916e-07
    const r = await byName(`${SRC}a = tf.keras.losses.BinaryCrossentropy()(y, p)\nb = tf.keras.losses.binary_crossentropy(y, p)\n`);
    assertValues(r.get('a'), [1.1920929665620916e-7]);
    assertValues(r.get('b'), [1.1920929665620916e-7]);
  });
  it('tf.compat.v1.losses.log_loss of a perfect prediction: -log(float32(1 + 1e-7)) = -1.1920928e-7', async () => {
    // -log(mpf(numpy.float32(1 + numpy.float32(1e-7)))) = -1.1920928244535446e-07 (as TF prints)
    const r = await byName(`${SRC}a = tf.compat.v1.losses.log_loss(y, p)\n`);
    assertValues(r.get('a'), [-1.1920928244535446e-7]);
  });
});

describe('issue 8: both values where the framework breaks', () => {
  // Exact (mpmath): row [-inf, 2, 0.5] label 1: log1p(e^-1.5) = 0.2014132779827524;
  // row [1, 0.5, -0.5] label 0: log(e + e^0.5 + e^-0.5) - 1 = 0.6041306053367282; mean 0.40277194165974034.
  const SRC = [
    'import tensorflow as tf', 'import torch', 'import torch.nn.functional as F', 'import optax', 'import jax.numpy as jnp', 'import numpy as np',
    'y = tf.constant([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])',
    'x = tf.constant([[-np.inf, 2.0, 0.5], [1.0, 0.5, -0.5]])',
    'a = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x)',
    "b = F.cross_entropy(torch.tensor([[-float('inf'), 2.0, 0.5], [1.0, 0.5, -0.5]]), torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))",
    "c = F.kl_div(torch.tensor([[-float('inf'), -0.5]]), torch.tensor([[0.0, 1.0]]), reduction='sum')",
    'd = optax.softmax_cross_entropy(jnp.array([[-jnp.inf, 2.0, 0.5]]), jnp.array([[0.0, 1.0, 0.0]]))',
    'e = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=tf.constant([[0.0, 2.0, 0.5], [1.0, 0.5, -0.5]]))',
  ].join('\n');
  it('the framework value stays NaN; exact holds the limit, with one line saying why', async () => {
    const r = await byName(SRC);
    const check = (name: string, exact: number[], why: RegExp) => {
      const v = r.get(name)!;
      assert.ok(v.tensor && Number.isNaN(v.tensor.data[0]), `${name}: the framework's value is NaN`);
      assert.ok(v.exact, `${name}: exact value`);
      for (let i = 0; i < exact.length; i++) {
        const d = ulpDistance(v.exact.data[i], exact[i], 'float32');
        assert.ok(d <= 4, `${name}[${i}] ${v.exact.data[i]} vs ${exact[i]}`);
      }
      assert.match(v.exactWhy ?? '', why);
    };
    check('a', [0.2014132779827524, 0.6041306053367282], /label of 0 meets a -inf/);
    check('b', [0.40277194165974034], /label of 0 meets a -inf/);
    check('c', [0.5], /target of 0 meets a log-input of -inf/);
    check('d', [0.2014132779827524], /label of 0 meets a -inf/);
    assert.equal(r.get('e')!.exact, null, 'finite results carry no exact value');
  });
});

describe('issue 8: no silent gaps', () => {
  const SRC = [
    'import jax', 'import jax.numpy as jnp', 'import optax', 'import keras', 'import functools', 'import tensorflow as tf', 'import torch',
    'logits = jnp.array([[1.0, 2.0, 0.5]])',
    'labels = jnp.array([[0.0, 1.0, 0.0]])',
  ].join('\n');
  // optax.softmax_cross_entropy([[1, 2, 0.5]], [[0, 1, 0]]) = log(e + e^2 + e^0.5) - 2 (mpmath)
  const CE = 0.46436878410794485;
  it('value-preserving wrappers: jax.jit, jax.vmap over the batch axis, functools.partial', async () => {
    const r = await byName(`${SRC}\na = jax.jit(optax.softmax_cross_entropy)(logits, labels)\nb = jax.jit(optax.softmax_cross_entropy, static_argnames=('axis',))(logits, labels)\nc = functools.partial(optax.softmax_cross_entropy, labels=labels)(logits)\nd = jax.vmap(optax.softmax_cross_entropy)(logits, labels)\n`);
    for (const n of ['a', 'b', 'c', 'd']) assertValues(r.get(n), [CE]);
  });
  it('an unknown function of an ML library on a known tensor gets a reason, also as the outermost expression', async () => {
    const r = (await analyse(`${SRC}\nkeras.ops.no_such_op(logits)\n`)).evaluateAll();
    const last = r[r.length - 1];
    assert.equal(last.line, 10);
    assert.match(last.error ?? '', /keras\.ops\.no_such_op\(\) is not a function Loss Lens evaluates/);
  });
  it('jax.vmap with a scalar argument is refused with a reason (nothing to map over axis 0)', async () => {
    const r = await byName(`${SRC}\ne = jax.vmap(optax.sigmoid_binary_cross_entropy)(logits, 0.5)\n`);
    assert.match(r.get('e')?.error ?? '', /no axis 0/);
  });
  it('keras.ops.*_crossentropy: the Keras documentation examples, exactly', async () => {
    // keras/src/ops/nn.py docstrings; exact values with mpmath on the float32 inputs:
    // categorical: -log(p_c / sum p); sparse (TF backend): log(sum clip p) - log(clip p_c);
    // binary: -(y log p + (1 - y) log(float32(1 - p))).
    const P = '[[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5]]';
    const r = await byName([
      'import keras', 'import tensorflow as tf',
      `a = keras.ops.categorical_crossentropy(tf.constant([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), tf.constant(${P}))`,
      `b = keras.ops.sparse_categorical_crossentropy(tf.constant([0, 1, 2]), tf.constant(${P}))`,
      'c = keras.ops.binary_crossentropy(tf.constant([0.0, 1.0, 1.0, 0.0]), tf.constant([0.1, 0.9, 0.8, 0.2]))',
      'd = keras.ops.binary_crossentropy(tf.constant([0.0, 1.0]), tf.constant([-2.0, 3.0]), from_logits=True)',
    ].join('\n'));
    assertValues(r.get('a'), [0.10536051979703784, 0.22314355131420976, 0.6931471954611064]);
    assertValues(r.get('b'), [0.10536051979703784, 0.22314355131420976, 0.6931471954611064]);
    assertValues(r.get('c'), [0.10536054214877988, 0.10536054214877988, 0.22314353641304868, 0.22314353641304868]);
    // log1p(e^-2), log1p(e^-3)
    assertValues(r.get('d'), [0.1269280110429725, 0.04858735157374206]);
  });
});

describe('issue 8 coverage: torch softmin, jax.nn.one_hot', () => {
  it('torch.softmin / F.softmin(x, dim) = softmax(-x): [1, 2, 3] -> exact (mpmath) e^-x / sum e^-x', async () => {
    const r = await byName('import torch\nimport torch.nn.functional as F\nx = torch.tensor([1.0, 2.0, 3.0])\na = torch.softmin(x, dim=0)\nb = F.softmin(x, dim=0)\n');
    const want = [0.6652409557748219, 0.24472847105479764, 0.09003057317038046];
    assertValues(r.get('a'), want);
    assertValues(r.get('b'), want);
  });
  it('jax.nn.one_hot: float32 rows; indices outside [0, C) encode as zeros (JAX documentation)', async () => {
    const r = await byName('import jax\nimport jax.numpy as jnp\na = jax.nn.one_hot(jnp.array([0, 1, 2]), 3)\nb = jax.nn.one_hot(jnp.array([-1, 3]), 3)\n');
    assertValues(r.get('a'), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assertValues(r.get('b'), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(r.get('a')!.shape, [3, 3]);
  });
});

describe('issue 8 coverage: empty batches [0, C] give each framework\'s result', () => {
  it('torch mean NaN (0/0), sum 0; TF and optax per-example []; Keras 3 returns a (0,)-shaped loss unreduced; tf.compat.v1 div_no_nan 0', async () => {
    const r = await byName([
      'import tensorflow as tf', 'import torch', 'import torch.nn.functional as F', 'import optax', 'import jax.numpy as jnp', 'import numpy as np',
      'x = np.zeros((0, 3), dtype=np.float32)', 'y = np.zeros((0,), dtype=np.int64)',
      'a = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)',
      'b = F.cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long))',
      "c = F.cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long), reduction='sum')",
      // keras/src/losses/loss.py reduce_values: values of shape (0,) are returned as they are
      'd = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, x)',
      'e = optax.softmax_cross_entropy_with_integer_labels(jnp.zeros((0, 3)), jnp.zeros((0,), dtype=jnp.int32))',
      'g = F.binary_cross_entropy_with_logits(torch.zeros(0, 3), torch.zeros(0, 3))',
      'h = tf.compat.v1.losses.softmax_cross_entropy(np.zeros((0, 3), dtype=np.float32), x)',
    ].join('\n'));
    for (const n of ['a', 'd', 'e']) assert.deepEqual(r.get(n)!.shape, [0], n);
    assert.ok(Number.isNaN(r.get('b')!.tensor!.data[0]));
    assert.equal(r.get('c')!.tensor!.data[0], 0);
    assert.ok(Number.isNaN(r.get('g')!.tensor!.data[0]));
    assert.equal(r.get('h')!.tensor!.data[0], 0);
  });
});
