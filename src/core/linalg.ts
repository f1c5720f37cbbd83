import { DType, allocate, isInt } from './dtype';
import { DTypeError, ShapeError, ValueError } from './errors';
import { checkElements, checkTime } from './limits';
import { Tensor, formatShape } from './tensor';

/**
 * Matrix product of rank-2 tensors (tf.matmul, torch.matmul, np.matmul, @), and of a vector on
 * either side as np.matmul does. Each output element is an exact float64 dot product rounded once
 * (float32 BLAS accumulates in float32; its result can differ from this by its own rounding).
 */
export function matmul(a: Tensor, b: Tensor, dtype: DType = a.dtype): Tensor {
  const a2 = a.rank === 1 ? a.reshape([1, a.shape[0]]) : a;
  const b2 = b.rank === 1 ? b.reshape([b.shape[0], 1]) : b;
  if (a2.rank !== 2 || b2.rank !== 2) {
    throw new ShapeError(`matmul supports rank 1 and 2 here, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const [n, k] = a2.shape;
  const [k2, m] = b2.shape;
  if (k !== k2) throw new ShapeError(`matmul: inner dimensions differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)}`);
  checkElements([n, m], `matmul ${formatShape(a.shape)} @ ${formatShape(b.shape)}`);
  const out = allocate(dtype, n * m);
  for (let i = 0; i < n; i++) {
    if ((i & 1023) === 0 || m * k >= 1024) checkTime(); // a row costs m * k multiply-adds
    for (let j = 0; j < m; j++) {
      let s = 0;
      let c = 0;
      for (let t = 0; t < k; t++) {
        const v = a2.data[i * k + t] * b2.data[t * m + j];
        const u = s + v;
        c += Math.abs(s) >= Math.abs(v) ? s - u + v : v - u + s;
        s = u;
      }
      out[i * m + j] = Number.isFinite(s) ? s + c : s;
    }
  }
  const shape = a.rank === 1 && b.rank === 1 ? [] : a.rank === 1 ? [m] : b.rank === 1 ? [n] : [n, m];
  return new Tensor(dtype, shape, out);
}

/**
 * one_hot(indices, depth): a new last axis of size depth with on_value at each index and
 * off_value elsewhere (tf.one_hot, default float32; out-of-range and negative indices give an all
 * off row in TF). torch's F.one_hot (int64, rejects out-of-range) is `oneHot(..., {strict: true})`.
 */
export function oneHot(
  indices: Tensor,
  depth: number,
  opts: { onValue?: number; offValue?: number; dtype?: DType; strict?: boolean } = {},
): Tensor {
  if (!isInt(indices.dtype) && indices.dtype !== 'bool') {
    throw new DTypeError(`one_hot indices must be integers, got ${indices.dtype}`);
  }
  if (!Number.isInteger(depth) || depth < 0) throw new ValueError(`one_hot depth must be a non-negative integer, got ${depth}`);
  const on = opts.onValue ?? 1;
  const off = opts.offValue ?? 0;
  const dtype = opts.dtype ?? 'float32';
  checkElements([...indices.shape, depth], 'one_hot');
  const out = allocate(dtype, indices.size * depth);
  if (off !== 0) out.fill(off);
  for (let i = 0; i < indices.size; i++) {
    const c = indices.data[i];
    if (c >= 0 && c < depth) out[i * depth + c] = on;
    else if (opts.strict) throw new ValueError(`one_hot: class index ${c} is out of range for ${depth} classes`);
  }
  return new Tensor(dtype, [...indices.shape, depth], out);
}
