import { FloatDType, allocate, isFloat, isInt } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { ZERO_LABEL_MASKED_LOGIT, exactLimits, noteLimit } from '../exact_limits';
import { EXP_NEG_APPROX_MIN, expNeg2, expNegApprox } from '../exp';
import { laneArgMax, laneMax, laneT, scanLane } from '../softmax';
import { Tensor, formatShape, laneView, normalizeAxis, sameShape } from '../tensor';

/**
 * Framework-neutral cross-entropy kernels. The framework modules (tf_nn, keras, torch, optax)
 * only check arguments, pick the axis and reduce; the arithmetic lives here once.
 *
 * All kernels compute in float64 from the stored inputs and round the per-example loss once to
 * the logits' dtype, so float32 results are within an ulp of the exact value of the float32
 * inputs. (TF/PyTorch compute float32 in float32 and can be a few ulps off; see docs/numerics.md.)
 */

export function floatDtypeOf(t: Tensor, what: string): FloatDType {
  if (!isFloat(t.dtype)) throw new DTypeError(`${what} must be a float tensor, got ${t.dtype}`);
  return t.dtype;
}

/**
 * Softmax cross-entropy with probability (dense) labels along `axis`:
 *   loss = -sum_i y_i log_softmax(x)_i = sum_i y_i ((m - x_i) + log1p(t))
 * Every term is non-negative for y >= 0, so the compensated sum has no cancellation.
 * Output shape: logits' shape without `axis`.
 */
export function softmaxCrossEntropyDense(labels: Tensor, logits: Tensor, axis = -1): Tensor {
  const dtype = floatDtypeOf(logits, 'logits');
  if (!sameShape(labels.shape, logits.shape)) {
    throw new ShapeError(`logits and labels must be broadcastable: labels shape ${formatShape(labels.shape)} and logits shape ${formatShape(logits.shape)} must be equal`);
  }
  const a = normalizeAxis(axis, logits.rank, 'class axis');
  const { outer, n, inner } = laneView(logits.shape, a);
  const out = allocate(dtype, outer * inner);
  const x = logits.data;
  const y = labels.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const off = o * n * inner + j;
      scanLane(x, off, n, inner);
      const m = laneMax;
      const l = Math.log1p(laneT);
      let s = 0;
      let c = 0;
      for (let i = 0, p = off; i < n; i++, p += inner) {
        // A -inf (masked) logit with label 0 gives 0 * inf = NaN for the row, exactly as TF's
        // kernel (sum labels * (lse - x)), PyTorch and optax do; optax.safe_softmax_cross_entropy
        // is the variant that avoids it.
        let v = y[p] * (m - x[p] + l);
        if (v !== v && y[p] === 0 && x[p] === -Infinity && exactLimits()) {
          v = 0;
          noteLimit(ZERO_LABEL_MASKED_LOGIT);
        }
        const u = s + v;
        c += Math.abs(s) >= Math.abs(v) ? s - u + v : v - u + s;
        s = u;
      }
      out[o * inner + j] = Number.isFinite(s) ? s + c : s;
      if (laneT !== laneT) out[o * inner + j] = NaN;
    }
  }
  return new Tensor(dtype, logits.shape.filter((_, d) => d !== a), out);
}

/**
 * Softmax cross-entropy with integer class labels along `axis`:
 *   loss = logsumexp(x) - x_y = (m - x_y) + log1p(t)     (both terms >= 0)
 * `labels` has logits' shape without `axis`. Labels equal to `ignoreIndex` give loss 0 and are
 * reported in the returned mask (PyTorch's ignore_index; Keras's ignore_class). Out-of-range
 * labels are an error, as TF raises on CPU ("Received a label value of ... outside the valid range").
 */
export function softmaxCrossEntropySparse(
  labels: Tensor,
  logits: Tensor,
  axis = -1,
  ignoreIndex?: number,
): { loss: Tensor; valid: Uint8Array } {
  const dtype = floatDtypeOf(logits, 'logits');
  if (!isInt(labels.dtype)) throw new DTypeError(`sparse labels must be integers, got ${labels.dtype}`);
  const a = normalizeAxis(axis, logits.rank, 'class axis');
  const expected = logits.shape.filter((_, d) => d !== a);
  if (labels.rank !== expected.length) {
    throw new ShapeError(`Rank mismatch: rank of labels (${labels.rank}, shape ${formatShape(labels.shape)}) should equal rank of logits minus 1 (logits shape ${formatShape(logits.shape)})`);
  }
  if (!sameShape(labels.shape, expected)) {
    throw new ShapeError(`labels shape ${formatShape(labels.shape)} must be logits shape ${formatShape(logits.shape)} without the class axis, ${formatShape(expected)}`);
  }
  const { outer, n, inner } = laneView(logits.shape, a);
  const out = allocate(dtype, outer * inner);
  const valid = new Uint8Array(outer * inner);
  const x = logits.data;
  if (inner === 1 && n > 0 && (x instanceof Float32Array || x instanceof Float64Array)) {
    // Contiguous rows (class axis last): the fast row kernels below. Labels are checked first,
    // so the error for the first bad label is the same as the lane loop's.
    for (let q = 0; q < outer; q++) {
      const c = labels.data[q];
      if (ignoreIndex !== undefined && c === ignoreIndex) continue;
      if (!(c >= 0 && c < n)) throw new ValueError(`label value ${c} is outside the valid range of [0, ${n})`);
      valid[q] = 1;
    }
    if (x instanceof Float32Array) sparseRowsF32(x, labels.data, valid, n, outer, out);
    else sparseRowsF64(x, labels.data, valid, n, outer, out);
    return { loss: new Tensor(dtype, expected, out), valid };
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const q = o * inner + j;
      const c = labels.data[q];
      if (ignoreIndex !== undefined && c === ignoreIndex) continue;
      if (!(c >= 0 && c < n)) throw new ValueError(`label value ${c} is outside the valid range of [0, ${n})`);
      const off = o * n * inner + j;
      scanLane(x, off, n, inner);
      const xy = x[off + c * inner];
      // m - x_y is exact when x_y is the maximum (then 0); log1p(t) carries the whole loss.
      out[q] = c === laneArgMax || xy === laneMax ? Math.log1p(laneT) : laneMax - xy + Math.log1p(laneT);
      valid[q] = 1;
    }
  }
  return { loss: new Tensor(dtype, expected, out), valid };
}

// ---------------------------------------------------------------------------------------------
// Row kernels of softmaxCrossEntropySparse for contiguous rows (x is rows x n, row-major).
// Each computes, per row with valid[row], loss = (m - x_y) + log1p(t) with m, k, t as scanLane
// defines them, and stores it once into out (rounding to the logits' dtype).
//
// Memory: a row is first read from RAM, where a plain scalar loop in V8 gets only ~2-3 GB/s on
// the benchmark machine (too few loads in flight), against ~10 GB/s for a loop that touches one
// element per 64-byte line. So each kernel requests a row's lines early: float32 touches ahead
// in a tiny loop, float64 finds the next row's maximum in the loop that sums the current row.
//
// V8: each kernel is one function whose hot loop has its exp calls inlined (separate helpers
// with several call sites made TurboFan's inlining, and the speed, vary by 1.6x from run to
// run), no Math.exp call on the common path, and (float64) the term at the argmax is skipped by
// a well-predicted i === k test rather than by splitting the loop in two.

let touchSink = 0;

/**
 * float32 logits, float32 losses. One pass per row ("online" max): terms are summed against the
 * running maximum m and, when an entry v exceeds it, the sum so far (plus the old maximum's own
 * term, 1) is rescaled by e^(m - v). This reads each row once instead of twice. The rescaling
 * (Math.exp, a few ulps of float64 per rescale; at most n per row) and expNegApprox (< 1e-12
 * relative) keep t within ~1e-11 relative even for an ascending 50,257-class row, 1/6000 of a
 * float32 ulp: the float32 loss is the correctly rounded value or one ulp off, as before. No
 * compensation is needed at that level either (plain float64 summation: < n * 2^-53 = 6e-12).
 * v - m is exact (two float32 values; where not, its rounding is far below 1e-12 of the term).
 * Terms with v - m < -740 are < 2^-1067 and dropped: no float32 loss (the smallest nonzero is
 * 2^-149) can see even n of them. Entries equal to the maximum add e^0 = 1, as in scanLane
 * (k is the first index of the maximum).
 */
function sparseRowsF32(x: Float32Array, labels: ArrayLike<number>, valid: Uint8Array, n: number, rows: number, out: TypedArrayOut): void {
  const MIN = EXP_NEG_APPROX_MIN * 1; // a local number (module bindings are re-read per use)
  const len = x.length;
  let touched = 0;
  let sink = 0;
  for (let o = 0; o < rows; o++) {
    if (!valid[o]) continue;
    const off = o * n;
    const end = off + n;
    if (touched < end) {
      // Touch one element per 64-byte line of the row and up to 64 KiB beyond.
      const to = Math.min(len, Math.max(end, touched + 16384));
      for (let p = touched > off ? touched : off; p < to; p += 16) sink += x[p];
      touched = to;
    }
    let m = x[off];
    let k = off;
    let s = 0;
    let p = off + 1;
    // Four entries per iteration (fewer loop overheads and checks per entry): the common case
    // is four entries with MIN <= v - m <= 0; any other group (a new maximum, a NaN, a
    // negligible or -inf entry) takes the one-at-a-time path for its four entries.
    for (; p + 3 < end; p += 4) {
      const d0 = x[p] - m;
      const d1 = x[p + 1] - m;
      const d2 = x[p + 2] - m;
      const d3 = x[p + 3] - m;
      if (d0 <= 0 && d1 <= 0 && d2 <= 0 && d3 <= 0 && d0 >= MIN && d1 >= MIN && d2 >= MIN && d3 >= MIN) {
        s += (expNegApprox(d0) + expNegApprox(d1)) + (expNegApprox(d2) + expNegApprox(d3));
        continue;
      }
      for (let q = p; q < p + 4; q++) {
        const v = x[q];
        if (v > m) {
          s = (s + 1) * Math.exp(m - v); // a new maximum (e^(-inf) = 0 when m was -inf)
          m = v;
          k = q;
          continue;
        }
        const d = v - m;
        if (d >= MIN) s += expNegApprox(d);
        else if (v !== v) s = NaN; // a NaN entry; d is also NaN for v = m = -inf: a zero term
      }
    }
    for (; p < end; p++) {
      const v = x[p];
      if (v > m) {
        s = (s + 1) * Math.exp(m - v);
        m = v;
        k = p;
        continue;
      }
      const d = v - m;
      if (d >= MIN) s += expNegApprox(d);
      else if (v !== v) s = NaN;
    }
    // An infinite maximum (+inf, or a row of only -inf/NaN) makes the row NaN, as in scanLane.
    const l = m > -Infinity && m < Infinity ? Math.log1p(s) : NaN;
    const c = labels[o];
    const xy = x[off + c];
    out[o] = c === k - off || xy === m ? l : m - xy + l;
  }
  touchSink += sink; // keeps the touching loads alive
}

/**
 * float64 logits: two passes as in scanLane (max, then the compensated sum of the terms
 * e^(d + dl), d = x_i - m with its exact rounding error dl), but the max pass of row o + 1 runs
 * inside the sum loop of row o, so each row is read from RAM once, early, and summed from L1/L2.
 */
function sparseRowsF64(x: Float64Array, labels: ArrayLike<number>, valid: Uint8Array, n: number, rows: number, out: TypedArrayOut): void {
  let m = -Infinity;
  let k = -1;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v > m) {
      m = v;
      k = i;
    }
  }
  for (let o = 0; o < rows; o++) {
    const off = o * n;
    const next = o + 1 < rows ? off + n : off; // the last row rescans itself (harmless)
    let m2 = -Infinity;
    let k2 = -1;
    if (valid[o] && m > -Infinity && m < Infinity) {
      let s = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const w = x[next + i];
        if (w > m2) {
          m2 = w;
          k2 = i;
        }
        if (i === k) continue;
        const v = x[off + i];
        const d = v - m;
        const b = d - v;
        const e = expNeg2(d, (v - (d - b)) - (m + b)); // d + its exact rounding error (2Sum)
        const u = s + e;
        c += s >= e ? s - u + e : e - u + s;
        s = u;
      }
      // A NaN entry makes its term, hence s + c, NaN: a NaN row, as in scanLane.
      const l = Math.log1p(s + c);
      const y = labels[o];
      const xy = x[off + y];
      out[o] = y === k || xy === m ? l : m - xy + l;
    } else {
      for (let i = 0; i < n; i++) {
        const w = x[next + i];
        if (w > m2) {
          m2 = w;
          k2 = i;
        }
      }
      if (valid[o]) out[o] = NaN; // +inf maximum, or only -inf/NaN entries
    }
    m = m2;
    k = k2;
  }
}

type TypedArrayOut = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Checks the equal shapes the elementwise sigmoid losses need (TF: "logits and labels must have the same shape"). */
export function requireSameShape(labels: Tensor, logits: Tensor, a = 'labels', b = 'logits'): void {
  if (!sameShape(labels.shape, logits.shape)) {
    throw new ShapeError(`${b} and ${a} must have the same shape: ${a} shape ${formatShape(labels.shape)}, ${b} shape ${formatShape(logits.shape)}`);
  }
}

