import { FloatDType, allocate, isFloat, isInt } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
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
        const v = y[p] * (m - x[p] + l);
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

/** log_softmax gathered at integer labels, used by nll-style losses: -(log_softmax(x)_y). Same as sparse CE. */
export const nllOfLogits = softmaxCrossEntropySparse;

/** Checks the equal shapes the elementwise sigmoid losses need (TF: "logits and labels must have the same shape"). */
export function requireSameShape(labels: Tensor, logits: Tensor, a = 'labels', b = 'logits'): void {
  if (!sameShape(labels.shape, logits.shape)) {
    throw new ShapeError(`${b} and ${a} must have the same shape: ${a} shape ${formatShape(labels.shape)}, ${b} shape ${formatShape(logits.shape)}`);
  }
}

/** Validates a label_smoothing value the way every framework does: a float in [0, 1]. */
export function checkSmoothing(e: number): number {
  if (!(e >= 0 && e <= 1)) throw new ValueError(`label_smoothing must be in [0, 1], got ${e}`);
  return e;
}
