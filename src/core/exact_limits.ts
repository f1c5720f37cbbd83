import { FloatDType, isFloat, ulp } from './dtype';
import { Tensor } from './tensor';

/**
 * The mathematical value where the frameworks' own arithmetic breaks down.
 *
 * The kernels compute what the framework computes, including its IEEE accidents: a label (or KL
 * target) of 0 against a -inf logit (a masked class) or a -inf log-input is 0 · inf = NaN in TF,
 * PyTorch, optax and Keras, although the term's limit, 0 · log 0 = 0, makes the loss finite.
 * withExactLimits(fn) runs fn with those terms taken at their limit, and says why it mattered, so
 * callers can show both values: what a training run sees and the exact one.
 */
let on = false;
let why: string | null = null;

/** True inside withExactLimits: kernels replace 0 · (±inf) terms by their limit 0. */
export const exactLimits = (): boolean => on;

/** Called by a kernel when it took a limit; the first reason is kept. */
export function noteLimit(reason: string): void {
  if (why === null) why = reason;
}

export const ZERO_LABEL_MASKED_LOGIT =
  'a label of 0 meets a -inf (masked) logit: the framework computes 0 · inf = NaN, the term\'s limit 0 · log 0 is 0';
export const ZERO_TARGET_NEG_INF =
  'a target of 0 meets a log-input of -inf: the framework computes 0 · inf = NaN, the term\'s limit 0 · log 0 is 0';

/** Runs fn with the limits taken; `why` is null when no kernel needed one. */
export function withExactLimits<T>(fn: () => T): { value: T; why: string | null } {
  const prevOn = on;
  const prevWhy = why;
  on = true;
  why = null;
  try {
    const value = fn();
    return { value, why };
  } finally {
    on = prevOn;
    why = prevWhy;
  }
}

/**
 * The largest distance between two tensors of the same shape in ulps of `a`'s dtype (at b's
 * values; NaN against NaN is 0, NaN or an infinity against anything else is Infinity).
 */
export function maxUlpsApart(a: Tensor, b: Tensor): number {
  if (a.size !== b.size) return Infinity;
  const dtype: FloatDType = isFloat(a.dtype) ? a.dtype : 'float64';
  let worst = 0;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (x === y || (x !== x && y !== y)) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Infinity;
    worst = Math.max(worst, Math.abs(x - y) / ulp(y === 0 ? Number.MIN_VALUE : y, dtype));
  }
  return worst;
}

/** How far apart (in ulps) the framework's value and the exact one must be for both to be shown. */
export const EXACT_SHOWN_ABOVE_ULPS = 4;
