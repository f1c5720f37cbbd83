import { allocate } from './dtype';
import { Tensor, laneView, normalizeAxis } from './tensor';

/**
 * The shared lane kernel of softmax, log_softmax, logsumexp and the softmax cross-entropies.
 *
 * For a lane x_0..x_{n-1} it finds m = max x and t = sum over i != k of e^(x_i - m), where k is
 * the first index of the maximum, so that sum e^(x_i - m) = 1 + t exactly. Then
 *   logsumexp(x)   = m + log1p(t)
 *   log_softmax_i  = (x_i - m) - log1p(t)     both terms <= 0: no cancellation
 *   softmax_i      = e^(x_i - m) / (1 + t)
 * log1p(t) keeps full accuracy when one logit dominates (t << 1), where log(sum) would lose it.
 * t is summed with Neumaier compensation so the float64 result stays within a few ulps even for
 * 50,257-class rows. Results are written to module-level slots to avoid allocation per lane.
 */
export let laneMax = 0;
export let laneArgMax = 0;
export let laneT = 0;

export function scanLane(x: ArrayLike<number>, off: number, n: number, stride: number): void {
  let m = -Infinity;
  let k = -1;
  let nan = false;
  for (let i = 0, p = off; i < n; i++, p += stride) {
    const v = x[p];
    if (v > m) {
      m = v;
      k = i;
    } else if (v !== v) nan = true;
  }
  if (nan || n === 0 || m === Infinity || m === -Infinity) {
    // NaN anywhere, or an infinite maximum: the frameworks' e^(x - m) is NaN for the whole lane
    // (TF, PyTorch and JAX all return NaN rows for softmax of [inf, 0] or of all -inf).
    laneMax = nan ? NaN : m;
    laneArgMax = k;
    laneT = nan || m === Infinity || m === -Infinity ? NaN : 0;
    return;
  }
  let s = 0;
  let c = 0;
  for (let i = 0, p = off; i < n; i++, p += stride) {
    if (i === k) continue;
    const e = Math.exp(x[p] - m);
    const u = s + e;
    c += s >= e ? s - u + e : e - u + s;
    s = u;
  }
  laneMax = m;
  laneArgMax = k;
  laneT = s + c;
}

/**
 * softmax(x)_i = e^(x_i) / sum_j e^(x_j) along `axis` (default -1, as tf.nn.softmax, jax.nn.softmax;
 * torch.softmax's dim is required and passed explicitly). Computed in float64 and rounded once.
 * A lane with NaN or an infinite maximum is NaN throughout, as in the frameworks.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return laneMap(x, axis, (d, off, n, stride, out) => {
    scanLane(d, off, n, stride);
    const m = laneMax;
    const z = 1 + laneT;
    for (let i = 0, p = off; i < n; i++, p += stride) out[p] = Math.exp(d[p] - m) / z;
  });
}

/** log_softmax(x)_i = x_i - logsumexp(x) along `axis`, in the cancellation-free form above. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return laneMap(x, axis, (d, off, n, stride, out) => {
    scanLane(d, off, n, stride);
    const m = laneMax;
    const l = Math.log1p(laneT);
    for (let i = 0, p = off; i < n; i++, p += stride) out[p] = d[p] - m - l;
  });
}

/** logsumexp of one lane: m + log1p(t); +-Infinity maxima give +-Infinity as torch/TF/JAX do. */
export function laneLogSumExp(d: ArrayLike<number>, off: number, n: number, stride: number): number {
  scanLane(d, off, n, stride);
  if (laneMax === Infinity || laneMax === -Infinity) return laneMax;
  return laneMax + Math.log1p(laneT);
}

type LaneFn = (d: ArrayLike<number>, off: number, n: number, stride: number, out: Float64Array | Float32Array) => void;

/** Runs `fn` over every lane along `axis`, writing into a new float tensor of x's float dtype. */
function laneMap(x: Tensor, axis: number, fn: LaneFn): Tensor {
  const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
  const out = allocate(dtype, x.size) as Float32Array | Float64Array;
  if (x.size === 0) return new Tensor(dtype, x.shape, out);
  const a = normalizeAxis(axis, x.rank);
  const { outer, n, inner } = laneView(x.shape, a);
  // Float32 results are computed in a float64 lane buffer and rounded once on store.
  const buf = dtype === 'float32' ? new Float64Array(x.size) : out;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) fn(x.data, o * n * inner + j, n, inner, buf);
  }
  if (buf !== out) out.set(buf);
  return new Tensor(dtype, x.shape, out);
}
