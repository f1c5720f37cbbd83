import { strict as assert } from 'assert';
import { EvalResult } from '../../../src/python/analyze';
import { analyse } from '../../helpers/parser';

/**
 * Shape and selection functions and methods (src/python/calls/shapes.ts, methods.ts) against the
 * frameworks' documentation examples (numpy.org, pytorch.org, tensorflow.org API pages).
 */
async function byName(src: string): Promise<Map<string, EvalResult>> {
  const m = new Map<string, EvalResult>();
  for (const r of (await analyse(src)).evaluateAll()) if (r.name) m.set(r.name, r);
  return m;
}

function is(r: EvalResult | undefined, shape: number[], values: number[], dtype?: string): void {
  assert.ok(r?.tensor, r?.error ?? 'no result');
  assert.deepEqual(r.shape, shape);
  assert.deepEqual(Array.from(r.tensor.data), values);
  if (dtype) assert.equal(r.dtype, dtype);
}

const HEAD = 'import numpy as np\nimport torch\nimport tensorflow as tf\n';

describe('shape functions', () => {
  it('np.transpose, np.swapaxes, np.moveaxis, np.squeeze, np.expand_dims (numpy docs)', async () => {
    const r = await byName(`${HEAD}x = np.array([[0, 1], [2, 3]])\na = np.transpose(x)\nb = np.swapaxes(np.array([[1, 2, 3]]), 0, 1)\nc = np.moveaxis(np.zeros((3, 4, 5)), 0, -1)\nd = np.squeeze(np.array([[[0], [1], [2]]]))\ne = np.expand_dims(np.array([1, 2]), axis=0)\nf = x.T\ng = np.transpose(np.zeros((1, 2, 3)), (1, 0, 2))\n`);
    is(r.get('a'), [2, 2], [0, 2, 1, 3]);
    is(r.get('b'), [3, 1], [1, 2, 3]);
    assert.deepEqual(r.get('c')!.shape, [4, 5, 3]);
    is(r.get('d'), [3], [0, 1, 2]);
    is(r.get('e'), [1, 2], [1, 2]);
    is(r.get('f'), [2, 2], [0, 2, 1, 3]);
    assert.deepEqual(r.get('g')!.shape, [2, 1, 3]);
  });
  it('np.concatenate (axis 0, axis None) and np.stack (axis 1), np.where (numpy docs)', async () => {
    const r = await byName(`${HEAD}a = np.concatenate((np.array([[1, 2], [3, 4]]), np.array([[5, 6]])), axis=0)\nb = np.concatenate((np.array([[1, 2], [3, 4]]), np.array([[5, 6]])), axis=None)\nc = np.stack([np.array([1, 2, 3]), np.array([4, 5, 6])], axis=1)\nd = np.where(np.array([True, False, True]), np.array([1, 2, 3]), np.array([9, 8, 7]))\ne = np.concatenate((np.array([1, 2]), np.array([0.5])))\n`);
    is(r.get('a'), [3, 2], [1, 2, 3, 4, 5, 6]);
    is(r.get('b'), [6], [1, 2, 3, 4, 5, 6]);
    is(r.get('c'), [3, 2], [1, 4, 2, 5, 3, 6]);
    is(r.get('d'), [3], [1, 8, 3]);
    is(r.get('e'), [3], [1, 2, 0.5], 'float64'); // int64 and float64 promote to float64
  });
  it('torch.flatten(t, start_dim=1), permute, transpose(d0, d1), squeeze of a non-1 dim is a no-op, unsqueeze, cat, stack', async () => {
    const r = await byName(`${HEAD}t = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])\na = torch.flatten(t, start_dim=1)\nb = torch.flatten(t)\nc = t.permute(2, 0, 1)\nd = t.transpose(0, 1)\ne = torch.squeeze(t, 0)\nf = torch.tensor([1, 2]).unsqueeze(1)\ng = torch.cat((torch.tensor([[1, 2]]), torch.tensor([[3, 4]])), dim=1)\nh = torch.stack((torch.tensor([1, 2]), torch.tensor([3, 4])))\n`);
    is(r.get('a'), [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
    is(r.get('b'), [8], [1, 2, 3, 4, 5, 6, 7, 8]);
    is(r.get('c'), [2, 2, 2], [1, 3, 5, 7, 2, 4, 6, 8]);
    is(r.get('d'), [2, 2, 2], [1, 2, 5, 6, 3, 4, 7, 8]);
    is(r.get('e'), [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    is(r.get('f'), [2, 1], [1, 2]);
    is(r.get('g'), [1, 4], [1, 2, 3, 4]);
    is(r.get('h'), [2, 2], [1, 2, 3, 4]);
  });
  it('tf.transpose, tf.reshape, tf.expand_dims, tf.concat; tf.squeeze of a non-1 axis and mixed dtypes are errors', async () => {
    const r = await byName(`${HEAD}x = tf.constant([[1, 2, 3], [4, 5, 6]])\na = tf.transpose(x)\nb = tf.reshape(x, [3, 2])\nc = tf.expand_dims(x, 0)\nd = tf.concat([x, x], 0)\ne = tf.squeeze(x, axis=0)\nf = tf.concat([tf.constant([1.0]), tf.constant([1.0], dtype=tf.float64)], 0)\n`);
    is(r.get('a'), [3, 2], [1, 4, 2, 5, 3, 6], 'int32');
    is(r.get('b'), [3, 2], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(r.get('c')!.shape, [1, 2, 3]);
    is(r.get('d'), [4, 3], [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    assert.match(r.get('e')!.error ?? '', /size not equal to one/);
    assert.match(r.get('f')!.error ?? '', /does not mix float32 and float64/);
  });
  it('a loss on transposed logits: the class axis moved back with permute gives the same loss', async () => {
    const r = await byName(`${HEAD}import torch.nn.functional as F\nx = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])\ny = torch.tensor([0, 2])\na = F.cross_entropy(x, y)\nb = F.cross_entropy(x.T.permute(1, 0), y)\n`);
    assert.equal(r.get('b')!.tensor!.data[0], r.get('a')!.tensor!.data[0]);
  });
});
