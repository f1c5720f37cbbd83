import { DType, allocate, isFloat } from './dtype';
import { ValueError } from './errors';
import { checkTime } from './limits';
import { normalizeAxes, permute } from './shape_ops';
import { laneLogSumExp } from './softmax';
import { sumLane } from './sum';
import { Tensor, laneView } from './tensor';

type Lane = (d: ArrayLike<number>, off: number, n: number, stride: number) => number;

export interface ReduceOptions {
  /** Axes to reduce (negative allowed); null/undefined reduces all (tf.reduce_sum, np.sum, torch.sum). */
  axis?: number | readonly number[] | null;
  keepdims?: boolean;
}

/**
 * Reduces `x` over the given axes with a lane function. Several axes are moved to the end and
 * reduced as one lane, so compensated sums stay accurate over the whole reduced block.
 */
function reduce(x: Tensor, opts: ReduceOptions, dtype: DType, lane: Lane): Tensor {
  const axes = normalizeAxes(opts.axis, x.rank);
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = opts.keepdims ? keepShape : x.shape.filter((_, i) => !axes.includes(i));
  let src = x;
  let outer: number;
  let n: number;
  let inner: number;
  if (axes.length === 1) {
    ({ outer, n, inner } = laneView(x.shape, axes[0]));
  } else {
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    src = permute(x, [...kept, ...axes]);
    n = axes.reduce((p, a) => p * x.shape[a], 1);
    outer = x.size / Math.max(n, 1);
    if (n === 0) outer = kept.reduce((p, a) => p * x.shape[a], 1);
    inner = 1;
  }
  const out = allocate(dtype, outer * inner);
  for (let o = 0; o < outer; o++) {
    if ((o & 1023) === 0 || n * inner >= 1024) checkTime(); // one outer step reduces n * inner elements
    for (let j = 0; j < inner; j++) out[o * inner + j] = lane(src.data, o * n * inner + j, n, inner);
  }
  return new Tensor(dtype, outShape, out);
}

const sumDtype = (d: DType): DType => (d === 'bool' ? 'int64' : d);

/**
 * Sum over axes (tf.reduce_sum, np.sum, torch.sum). Float results are the compensated float64 sum
 * rounded once to the dtype: within an ulp of exact. TF/NumPy/PyTorch sum float32 in float32
 * (pairwise or tree order), so their own results can differ from this by their rounding error.
 */
export function reduceSum(x: Tensor, opts: ReduceOptions = {}): Tensor {
  return reduce(x, opts, sumDtype(x.dtype), sumLane);
}

/** Mean over axes: the sum divided by the element count (NaN for an empty reduction, as NumPy/TF). Integer means give float64 (NumPy). */
export function reduceMean(x: Tensor, opts: ReduceOptions = {}): Tensor {
  const dtype = isFloat(x.dtype) ? x.dtype : 'float64';
  return reduce(x, opts, dtype, (d, off, n, stride) => sumLane(d, off, n, stride) / n);
}

/** Maximum over axes; NaN propagates. An empty reduction is an error (as in NumPy and torch). */
export function reduceMax(x: Tensor, opts: ReduceOptions = {}): Tensor {
  return reduce(x, opts, x.dtype, extremum(x, 1));
}

export function reduceMin(x: Tensor, opts: ReduceOptions = {}): Tensor {
  return reduce(x, opts, x.dtype, extremum(x, -1));
}

function extremum(x: Tensor, sign: 1 | -1): Lane {
  return (d, off, n, stride) => {
    if (n === 0) throw new ValueError(`cannot take the ${sign > 0 ? 'max' : 'min'} of an empty dimension (shape [${x.shape.join(', ')}])`);
    let m = d[off];
    for (let i = 1, p = off + stride; i < n; i++, p += stride) {
      const v = d[p];
      if (v !== v) return NaN;
      if (sign * (v - m) > 0) m = v;
    }
    return m;
  };
}

/**
 * logsumexp over axes (tf.reduce_logsumexp, torch.logsumexp, jax.nn.logsumexp, scipy):
 * m + log1p(sum_{i != argmax} e^(x_i - m)); -inf for an all -inf or empty lane, +inf if any +inf.
 */
export function logSumExp(x: Tensor, opts: ReduceOptions = {}): Tensor {
  const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
  return reduce(x, opts, dtype, (d, off, n, stride) => (n === 0 ? -Infinity : laneLogSumExp(d, off, n, stride)));
}

/** Index of the first maximum along `axis` (tf.argmax, np.argmax, torch.argmax); NaN counts as the maximum, as in NumPy. Result int64. */
export function argmax(x: Tensor, axis = -1): Tensor {
  return reduce(x, { axis }, 'int64', (d, off, n, stride) => {
    if (n === 0) throw new ValueError('argmax of an empty dimension');
    let m = d[off];
    let k = 0;
    if (m !== m) return 0;
    for (let i = 1, p = off + stride; i < n; i++, p += stride) {
      const v = d[p];
      if (v !== v) return i;
      if (v > m) {
        m = v;
        k = i;
      }
    }
    return k;
  });
}
