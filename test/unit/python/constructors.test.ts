import { strict as assert } from 'assert';
import { EvalResult } from '../../../src/python/analyze';
import { analyse } from '../../helpers/parser';

/**
 * Array constructors (src/python/calls/constructors.ts) with each framework's documented values
 * and default dtypes (numpy.org, pytorch.org, tensorflow.org API pages; the examples there are
 * quoted next to each case), and the element budget checked before allocating.
 */
async function byName(src: string): Promise<Map<string, EvalResult>> {
  const m = new Map<string, EvalResult>();
  for (const r of (await analyse(src)).evaluateAll()) if (r.name) m.set(r.name, r);
  return m;
}

function is(r: EvalResult | undefined, dtype: string, shape: number[], values: number[]): void {
  assert.ok(r?.tensor, r?.error ?? 'no result');
  assert.equal(r.dtype, dtype);
  assert.deepEqual(r.shape, shape);
  assert.deepEqual(Array.from(r.tensor.data), values);
}

const HEAD = 'import numpy as np\nimport torch\nimport tensorflow as tf\nimport jax.numpy as jnp\n';

describe('constructors: ones, zeros, full, eye', () => {
  it('default dtypes: NumPy float64, torch and TF float32, jnp float32; fill values typed as the framework types them', async () => {
    const r = await byName(`${HEAD}a = np.ones((2, 3))\nb = torch.zeros(2, 3)\nc = tf.ones([2])\nd = jnp.zeros(3)\ne = np.full((2,), 7)\nf = torch.full((2,), 1.5)\ng = tf.fill([2, 2], 3)\nh = torch.ones((1, 2), dtype=torch.float64)\n`);
    is(r.get('a'), 'float64', [2, 3], [1, 1, 1, 1, 1, 1]);
    is(r.get('b'), 'float32', [2, 3], [0, 0, 0, 0, 0, 0]);
    is(r.get('c'), 'float32', [2], [1, 1]);
    is(r.get('d'), 'float32', [3], [0, 0, 0]);
    is(r.get('e'), 'int64', [2], [7, 7]); // np.full((2,), 7).dtype is int64
    is(r.get('f'), 'float32', [2], [1.5, 1.5]);
    is(r.get('g'), 'int32', [2, 2], [3, 3, 3, 3]); // tf.fill([2, 2], 3): int32
    is(r.get('h'), 'float64', [1, 2], [1, 1]);
  });
  it('eye with M and k (numpy: np.eye(2, 3, k=1) = [[0, 1, 0], [0, 0, 1]]); torch.eye(2); tf.eye(2, 3)', async () => {
    const r = await byName(`${HEAD}a = np.eye(2, 3, k=1)\nb = torch.eye(2)\nc = tf.eye(2, num_columns=3)\n`);
    is(r.get('a'), 'float64', [2, 3], [0, 1, 0, 0, 0, 1]);
    is(r.get('b'), 'float32', [2, 2], [1, 0, 0, 1]);
    is(r.get('c'), 'float32', [2, 3], [1, 0, 0, 0, 1, 0]);
  });
  it('*_like keeps shape and dtype', async () => {
    const r = await byName(`${HEAD}x = torch.tensor([[1.0, 2.0]], dtype=torch.float64)\na = torch.zeros_like(x)\nb = np.ones_like(np.array([1, 2, 3]))\nc = tf.ones_like(tf.constant([[1, 2]]))\nd = np.full_like(np.array([1.0, 2.0]), 0.5)\n`);
    is(r.get('a'), 'float64', [1, 2], [0, 0]);
    is(r.get('b'), 'int64', [3], [1, 1, 1]);
    is(r.get('c'), 'int32', [1, 2], [1, 1]);
    is(r.get('d'), 'float64', [2], [0.5, 0.5]);
  });
});

describe('constructors: arange, range, linspace', () => {
  it('arange: np.arange(3) = [0, 1, 2] int64, np.arange(3.0) float64, np.arange(3, 7) = [3, 4, 5, 6], np.arange(3, 7, 2) = [3, 5]', async () => {
    const r = await byName(`${HEAD}a = np.arange(3)\nb = np.arange(3.0)\nc = np.arange(3, 7)\nd = np.arange(3, 7, 2)\n`);
    is(r.get('a'), 'int64', [3], [0, 1, 2]);
    is(r.get('b'), 'float64', [3], [0, 1, 2]);
    is(r.get('c'), 'int64', [4], [3, 4, 5, 6]);
    is(r.get('d'), 'int64', [2], [3, 5]);
  });
  it('torch.arange(5) = [0..4] int64, torch.arange(1, 2.5, 0.5) = [1, 1.5, 2] float32; tf.range(3, 18, 3) = [3, 6, 9, 12, 15] int32', async () => {
    const r = await byName(`${HEAD}a = torch.arange(5)\nb = torch.arange(1, 2.5, 0.5)\nc = tf.range(3, 18, 3)\nd = tf.range(5)\n`);
    is(r.get('a'), 'int64', [5], [0, 1, 2, 3, 4]);
    is(r.get('b'), 'float32', [3], [1, 1.5, 2]);
    is(r.get('c'), 'int32', [5], [3, 6, 9, 12, 15]);
    is(r.get('d'), 'int32', [5], [0, 1, 2, 3, 4]);
  });
  it('linspace: np.linspace(2.0, 3.0, num=5) = [2, 2.25, 2.5, 2.75, 3]; endpoint=False = [2, 2.2, 2.4, 2.6, 2.8]; torch.linspace(-10, 10, steps=5)', async () => {
    const r = await byName(`${HEAD}a = np.linspace(2.0, 3.0, num=5)\nb = np.linspace(2.0, 3.0, num=5, endpoint=False)\nc = torch.linspace(-10, 10, steps=5)\n`);
    is(r.get('a'), 'float64', [5], [2, 2.25, 2.5, 2.75, 3]);
    // 2 + i * 0.2 in float64, as NumPy computes it (i * step + start)
    is(r.get('b'), 'float64', [5], [2, 2 + 0.2, 2 + 2 * 0.2, 2 + 3 * 0.2, 2 + 4 * 0.2]);
    is(r.get('c'), 'float32', [5], [-10, -5, 0, 5, 10]);
  });
});

describe('constructors: budgets and bad shapes', () => {
  it('a result beyond the element budget is refused before anything is allocated, with a one-line reason', async () => {
    const r = await byName(`${HEAD}a = np.zeros((100000, 100000))\nb = torch.ones(3, 2)\n`);
    assert.equal(r.get('a')!.tensor, null);
    assert.match(r.get('a')!.error ?? '', /exceeds the evaluation limit/);
    is(r.get('b'), 'float32', [3, 2], [1, 1, 1, 1, 1, 1]); // the file goes on
  });
  it('negative dimensions and non-integer shapes are rejected with the reason', async () => {
    const r = await byName(`${HEAD}a = np.ones((2, -1))\nb = np.zeros(2.5)\nc = np.arange(0, 1, 0)\n`);
    assert.match(r.get('a')!.error ?? '', /negative dimensions/);
    assert.match(r.get('b')!.error ?? '', /must be an int or a tuple of ints/);
    assert.match(r.get('c')!.error ?? '', /step must be nonzero/);
  });
});
