import { DType, allocate } from './dtype';
import { ShapeError } from './errors';
import { checkElements, checkTime } from './limits';
import { Tensor, formatShape } from './tensor';

/**
 * NumPy broadcasting (shared by NumPy, TF, PyTorch and JAX): shapes are aligned on the right and
 * each pair of dimensions must be equal or one of them 1.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` viewed inside `outShape`, with 0 for broadcast dimensions. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + (rank - shape.length);
    strides[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** Expands `x` to `shape` by broadcasting (a copy). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const out = broadcastShapes(x.shape, shape);
  if (out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  return binary(x, Tensor.scalar(0, x.dtype), x.dtype, (a) => a, shape);
}

/**
 * Applies `f` elementwise over the broadcast of `a` and `b`, computing in float64 and storing
 * the result in `dtype` (so float32 results are rounded once, as float32 hardware does).
 */
export function binary(a: Tensor, b: Tensor, dtype: DType, f: (x: number, y: number) => number, shapeOverride?: readonly number[]): Tensor {
  const shape = shapeOverride ?? broadcastShapes(a.shape, b.shape);
  checkElements(shape, `broadcasting ${formatShape(a.shape)} with ${formatShape(b.shape)}`);
  let size = 1;
  for (const d of shape) size *= d;
  const out = allocate(dtype, size);
  const ad = a.data;
  const bd = b.data;
  if (!shapeOverride && a.size === size && b.size === size) {
    // f can be a whole loss formula: the deadline is checked every 16K elements in every path.
    for (let i = 0; i < size; i++) {
      if ((i & 0x3fff) === 0) checkTime();
      out[i] = f(ad[i], bd[i]);
    }
  } else if (b.size === 1 && a.size === size) {
    const y = bd[0];
    for (let i = 0; i < size; i++) {
      if ((i & 0x3fff) === 0) checkTime();
      out[i] = f(ad[i], y);
    }
  } else if (a.size === 1 && b.size === size) {
    const x = ad[0];
    for (let i = 0; i < size; i++) {
      if ((i & 0x3fff) === 0) checkTime();
      out[i] = f(x, bd[i]);
    }
  } else {
    const rank = shape.length;
    const sa = broadcastStrides(a.shape, shape);
    const sb = broadcastStrides(b.shape, shape);
    const idx = new Array<number>(rank).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < size; i++) {
      if ((i & 0x3fff) === 0) checkTime();
      out[i] = f(ad[ia], bd[ib]);
      for (let d = rank - 1; d >= 0; d--) {
        idx[d]++;
        ia += sa[d];
        ib += sb[d];
        if (idx[d] < shape[d]) break;
        ia -= sa[d] * shape[d];
        ib -= sb[d] * shape[d];
        idx[d] = 0;
      }
    }
  }
  return new Tensor(dtype, shape, out);
}

/** Applies `f` to every element, storing in `dtype`. */
export function unary(x: Tensor, dtype: DType, f: (v: number) => number): Tensor {
  const out = allocate(dtype, x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    if ((i & 0x3fff) === 0) checkTime();
    out[i] = f(d[i]);
  }
  return new Tensor(dtype, x.shape, out);
}
