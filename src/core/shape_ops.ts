import { broadcastShapes, broadcastTo } from './broadcast';
import { DType, allocate } from './dtype';
import { ValueError } from './errors';
import { checkElements, checkTime } from './limits';
import { Tensor, normalizeAxis } from './tensor';

/** Transposes `x` so that output dimension d is input dimension perm[d] (np.transpose). */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.rank;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ValueError(`permutation ${JSON.stringify(perm)} does not fit rank ${rank}`);
  }
  if (perm.every((p, i) => p === i)) return x;
  const inStrides = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const out = allocate(x.dtype, x.size);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < x.size; i++) {
    if ((i & 0xfffff) === 0) checkTime();
    out[i] = x.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d];
      if (idx[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return new Tensor(x.dtype, shape, out);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** Normalizes a list of axes (None = all), rejecting duplicates as the frameworks do. */
export function normalizeAxes(axes: number | readonly number[] | null | undefined, rank: number): number[] {
  if (axes === null || axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(a, rank));
  if (new Set(out).size !== out.length) throw new ValueError(`duplicate axis in ${JSON.stringify(list)}`);
  return out.sort((a, b) => a - b);
}


/** Moves axis `src` to position `dst` (np.moveaxis, torch.movedim). */
export function moveAxis(x: Tensor, src: number, dst: number): Tensor {
  const s = normalizeAxis(src, x.rank);
  const d = normalizeAxis(dst, x.rank);
  const order = x.shape.map((_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(x, order);
}

/** Exchanges two axes (np.swapaxes, torch.transpose(x, d0, d1)). */
export function swapAxes(x: Tensor, a: number, b: number): Tensor {
  const i = normalizeAxis(a, x.rank);
  const j = normalizeAxis(b, x.rank);
  const perm = x.shape.map((_, k) => k);
  perm[i] = j;
  perm[j] = i;
  return permute(x, perm);
}

/**
 * Removes size-1 axes: all of them (axis null) or the given ones. NumPy and TF reject squeezing
 * an axis whose size is not 1; torch leaves it as it is (`strict` false).
 */
export function squeeze(x: Tensor, axes: number | readonly number[] | null, strict = true): Tensor {
  const drop = axes === null ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes(axes, x.rank);
  const keep = drop.filter((a) => x.shape[a] === 1);
  if (strict && keep.length !== drop.length) throw new ValueError('cannot select an axis to squeeze out which has size not equal to one');
  return x.reshape(x.shape.filter((_, i) => !keep.includes(i)));
}

/** Inserts a size-1 axis at `axis` of the result (np.expand_dims, torch.unsqueeze, tf.expand_dims). */
export function expandDims(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return x.reshape(shape);
}

/**
 * Joins tensors along an existing axis (np.concatenate, torch.cat, tf.concat). Shapes must agree
 * except along `axis`; dtypes are promoted (NumPy, torch) — TF's dtype check is the caller's.
 */
export function concat(xs: readonly Tensor[], axis: number, dtype: DType): Tensor {
  if (xs.length === 0) throw new ValueError('need at least one array to concatenate');
  const rank = xs[0].rank;
  if (rank === 0) throw new ValueError('zero-dimensional arrays cannot be concatenated');
  const a = normalizeAxis(axis, rank);
  for (const t of xs) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new ValueError(`all the input array dimensions except for the concatenation axis must match exactly: [${xs[0].shape.join(', ')}] and [${t.shape.join(', ')}] (axis ${a})`);
    }
  }
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((s, t) => s + t.shape[a], 0);
  checkElements(shape, 'concatenate');
  const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of xs) {
      const block = t.shape[a] * inner;
      const src = t.data;
      for (let i = 0, s = o * block; i < block; i++, s++) out[k++] = src[s];
    }
  }
  return new Tensor(dtype, shape, out);
}

/** Joins same-shape tensors along a new axis (np.stack, torch.stack, tf.stack). */
export function stack(xs: readonly Tensor[], axis: number, dtype: DType): Tensor {
  if (xs.length === 0) throw new ValueError('need at least one array to stack');
  const shape = xs[0].shape;
  if (xs.some((t) => t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new ValueError('all input arrays must have the same shape');
  }
  const a = normalizeAxis(axis, shape.length + 1);
  return concat(xs.map((t) => expandDims(t, a)), a, dtype);
}

/** where(cond, x, y) with broadcasting (np.where, torch.where, tf.where with three arguments). */
export function where(cond: Tensor, x: Tensor, y: Tensor, dtype: DType): Tensor {
  const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape), y.shape);
  checkElements(shape, 'where');
  const c = broadcastTo(cond, shape);
  const a = broadcastTo(x, shape);
  const b = broadcastTo(y, shape);
  return Tensor.fill(dtype, shape, (i) => (c.data[i] !== 0 ? a.data[i] : b.data[i]));
}
