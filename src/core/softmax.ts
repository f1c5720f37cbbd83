import { allocate } from './dtype';
import { checkTime, spend } from './limits';
import { expNeg, expNeg2 } from './exp';
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
 * 50,257-class rows. Results are written to module-level slots to avoid allocation per lane:
 * laneMax = m (NaN if the lane has a NaN), laneArgMax = k (relative to the lane, -1 if no entry
 * exceeds -Infinity), laneT = t (NaN for a lane with NaN or an infinite maximum, and for n = 0).
 *
 * Speed (see docs/benchmarks.md): contiguous Float64Array / Float32Array lanes (stride 1, the
 * usual class-axis-last layout) take monomorphic copies of the loops, and the terms use exp.ts's
 * inlined table-driven expNeg (<= 0.55 ulp, as accurate as Math.exp's < 1 ulp, ~2.5x the
 * throughput in V8).
 * For float64 (and strided) lanes each term is e^(d + dl) with d = x_i - m and dl its exact
 * rounding error (2Sum, 5 flops): x_i - m is not exact for float64 inputs (0.1 - 20.3), and its
 * rounding, |x_i - m| 2^-53, would otherwise go straight into the term (several ulps of a loss
 * log1p(t) carried by terms 20 below the maximum). Float32 inputs differ exactly in float64.
 * A NaN needs no test in the max loop: with a finite maximum a NaN entry makes its term and
 * hence t NaN, which is how it is detected (only the rare non-finite-maximum path rescans).
 */
export let laneMax = 0;
export let laneArgMax = 0;
export let laneT = 0;

export function scanLane(x: ArrayLike<number>, off: number, n: number, stride: number): void {
  spend(n); // every loss kernel scans its lanes here: the deadline is checked between them
  if (stride === 1 && n > 0) {
    if (x instanceof Float64Array) return scanContiguous64(x, off, n);
    if (x instanceof Float32Array) return scanContiguous32(x, off, n);
  }
  scanStrided(x, off, n, stride);
}

// The three scans below are the same algorithm; they are separate functions so that each one's
// element loads stay monomorphic (one typed-array kind per function), which V8 needs to compile
// them to plain loads. Each has a single call site of its exp so that TurboFan always inlines it,
// and skips the argmax term by a well-predicted i === k test.

function scanContiguous64(x: Float64Array, off: number, n: number): void {
  let m = -Infinity;
  let k = -1;
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    if (v > m) {
      m = v;
      k = i;
    }
  }
  if (!(m > -Infinity && m < Infinity)) return nonFiniteLane(x, off, n, 1, m, k);
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (i === k) continue;
    const v = x[off + i];
    const d = v - m;
    const b = d - v;
    const e = expNeg2(d, (v - (d - b)) - (m + b)); // d + its exact rounding error (2Sum)
    const u = s + e;
    c += s >= e ? s - u + e : e - u + s;
    s = u;
  }
  setLane(m, k, s + c);
}

function scanContiguous32(x: Float32Array, off: number, n: number): void {
  let m = -Infinity;
  let k = -1;
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    if (v > m) {
      m = v;
      k = i;
    }
  }
  if (!(m > -Infinity && m < Infinity)) return nonFiniteLane(x, off, n, 1, m, k);
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (i === k) continue;
    const e = expNeg(x[off + i] - m); // exact difference of two float32 values
    const u = s + e;
    c += s >= e ? s - u + e : e - u + s;
    s = u;
  }
  setLane(m, k, s + c);
}

function scanStrided(x: ArrayLike<number>, off: number, n: number, stride: number): void {
  let m = -Infinity;
  let k = -1;
  for (let i = 0, p = off; i < n; i++, p += stride) {
    const v = x[p];
    if (v > m) {
      m = v;
      k = i;
    }
  }
  if (!(m > -Infinity && m < Infinity)) return nonFiniteLane(x, off, n, stride, m, k);
  let s = 0;
  let c = 0;
  for (let i = 0, p = off; i < n; i++, p += stride) {
    if (i === k) continue;
    const v = x[p];
    const d = v - m;
    const b = d - v;
    const e = expNeg2(d, (v - (d - b)) - (m + b));
    const u = s + e;
    c += s >= e ? s - u + e : e - u + s;
    s = u;
  }
  setLane(m, k, s + c);
}

/** t is NaN exactly when the lane (with a finite maximum) holds a NaN; then m is reported NaN. */
function setLane(m: number, k: number, t: number): void {
  laneMax = t === t ? m : NaN;
  laneArgMax = k;
  laneT = t;
}

/**
 * NaN anywhere, or an infinite maximum (or n = 0): the frameworks' e^(x - m) is NaN for the
 * whole lane (TF, PyTorch and JAX all return NaN rows for softmax of [inf, 0] or of all -inf).
 */
function nonFiniteLane(x: ArrayLike<number>, off: number, n: number, stride: number, m: number, k: number): void {
  let nan = false;
  for (let i = 0, p = off; i < n; i++, p += stride) {
    if (x[p] !== x[p]) {
      nan = true;
      break;
    }
  }
  laneMax = nan ? NaN : m;
  laneArgMax = k;
  laneT = NaN;
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
    if (m !== m || z !== z) {
      for (let i = 0, p = off; i < n; i++, p += stride) out[p] = NaN;
      return;
    }
    // e^(x_i - m) with the exact rounding error of x_i - m (2Sum), as in scanLane: for float64
    // inputs x_i - m is rounded, and e^(d + dl) = e^d (1 + dl) turns that rounding (up to
    // |x_i - m| 2^-53) into a relative error of the term, 30-180 ulps for |x_i - m| of 20-70.
    for (let i = 0, p = off; i < n; i++, p += stride) {
      const v = d[p];
      const dd = v - m;
      const b = dd - v;
      out[p] = expNeg2(dd, (v - (dd - b)) - (m + b)) / z;
    }
  });
}

/** log_softmax(x)_i = x_i - logsumexp(x) along `axis`, in the cancellation-free form above. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return laneMap(x, axis, (d, off, n, stride, out) => {
    scanLane(d, off, n, stride);
    const m = laneMax;
    const l = Math.log1p(laneT);
    // (x_i - m) - l with x_i - m carried exactly (hi + lo by 2Sum): within ~1 ulp.
    for (let i = 0, p = off; i < n; i++, p += stride) {
      const v = d[p];
      const dd = v - m;
      const b = dd - v;
      const lo = (v - (dd - b)) - (m + b); // NaN for a -inf entry, whose result is -inf
      out[p] = (dd - l) + (lo === lo ? lo : 0);
    }
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
  const buf = dtype === 'float32' ? (allocate('float64', x.size) as Float64Array) : out;
  for (let o = 0; o < outer; o++) {
    if ((o & 1023) === 0 || n * inner >= 1024) checkTime(); // softmax over many rows
    for (let j = 0; j < inner; j++) fn(x.data, o * n * inner + j, n, inner, buf);
  }
  if (buf !== out) out.set(buf);
  return new Tensor(dtype, x.shape, out);
}
