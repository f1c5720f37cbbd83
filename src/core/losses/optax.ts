import { broadcastShapes, broadcastTo } from '../broadcast';
import * as D from '../dd';
import { ZERO_LABEL_MASKED_LOGIT, exactLimits, noteLimit } from '../exact_limits';
import { FloatDType, isFloat, isInt, roundTo } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { normalizeAxes, permute } from '../shape_ops';
import { Tensor, formatShape, normalizeAxis } from '../tensor';
import { LaneStats, expDiff } from './exact_lanes';
import { klValues } from './kl_terms';
import { FocalOptions, sigmoid_binary_cross_entropy, sigmoid_focal_loss } from './optax_sigmoid';

export { sigmoid_binary_cross_entropy, sigmoid_focal_loss } from './optax_sigmoid';
export type { FocalOptions } from './optax_sigmoid';
import { promoteFloat } from './torch_common';

/**
 * optax loss semantics (google-deepmind/optax, optax/losses/_classification.py and
 * _smoothing.py, 0.2.5+ signatures). optax takes logits first and never reduces: each function
 * returns per-example values. Arguments keep optax's names (axis, where, alpha, gamma, epsilon),
 * so an evaluator can pass Python kwargs through (see callOptax).
 *
 * Arithmetic: float64 from the stored inputs, log_softmax with exact differences
 * (exact_lanes.ts), double-double where terms can cancel, rounded once to the result dtype.
 */

export interface AxisWhereOptions {
  /** Axis or axes of the classes; null reduces over all axes. Default -1. */
  axis?: number | readonly number[] | null;
  /** Boolean mask of the entries to include, of logits' shape or its batch shape. */
  where?: Tensor | null;
}

function requireFloat(t: Tensor, what: string): FloatDType {
  if (!isFloat(t.dtype)) throw new DTypeError(`${what} must be a floating array (jnp.floating), got ${t.dtype}`);
  return t.dtype;
}

/** Lanes over `axes`: the data permuted to [batch..., classes...] and flattened per lane. */
interface Lanes {
  batchShape: number[];
  outer: number;
  n: number;
  x: ArrayLike<number>;
  y: ArrayLike<number> | null;
  mask: ArrayLike<number> | null;
}

/**
 * Broadcasts logits, labels (optional) and where (expanded at the class axes when it has the
 * batch rank, as optax does) together and lays them out as lanes.
 */
function lanesOf(logits: Tensor, labels: Tensor | null, where: Tensor | null | undefined, axis: number | readonly number[] | null | undefined): Lanes {
  let shape = labels ? broadcastShapes(logits.shape, labels.shape) : [...logits.shape];
  const axes = normalizeAxes(axis === undefined ? -1 : axis, shape.length);
  let w = where ?? null;
  if (w && w.rank !== shape.length) {
    const s = [...w.shape];
    for (const a of axes) s.splice(a, 0, 1);
    w = w.reshape(s);
  }
  if (w) shape = broadcastShapes(shape, w.shape);
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const lay = (t: Tensor) => permute(broadcastTo(t, shape), perm).data;
  const n = axes.reduce((p, a) => p * shape[a], 1);
  const batchShape = kept.map((i) => shape[i]);
  const outer = batchShape.reduce((p, d) => p * d, 1);
  return { batchShape, outer, n, x: lay(logits), y: labels ? lay(labels) : null, mask: w ? lay(w) : null };
}

/** a * b with IEEE semantics for non-finite factors (0 * inf = NaN) and an exact product otherwise. */
function prodDD(a: number, b: number): D.DD {
  const p = a * b;
  if (!Number.isFinite(p) || !Number.isFinite(a) || !Number.isFinite(b)) return { hi: p, lo: 0 };
  return D.twoProd(a, b);
}

function mulDD(a: D.DD, b: D.DD): D.DD {
  if (!Number.isFinite(a.hi) || !Number.isFinite(b.hi)) return { hi: a.hi * b.hi, lo: 0 };
  return D.mul(a, b);
}

function denseCE(logits: Tensor, labels: Tensor, opts: AxisWhereOptions, safe: boolean): Tensor {
  requireFloat(logits, 'logits');
  const dtype = promoteFloat(logits, labels);
  const L = lanesOf(logits, labels, opts.where, opts.axis);
  const out = new Float64Array(L.outer);
  const lane = new LaneStats();
  for (let o = 0; o < L.outer; o++) {
    const off = o * L.n;
    lane.scan(L.x, off, L.n, 1, L.mask);
    const s = new D.DDSum();
    for (let i = 0; i < L.n; i++) {
      const p = off + i;
      if (L.mask && !L.mask[p]) continue;
      const y = L.y![p];
      if (safe && y === 0) continue;
      const term = prodDD(y, lane.negLogProb(L.x[p], i));
      if (term.hi !== term.hi && y === 0 && exactLimits()) {
        noteLimit(ZERO_LABEL_MASKED_LOGIT);
        continue;
      }
      s.addDD(term);
    }
    out[o] = s.number();
  }
  return Tensor.fill(dtype, L.batchShape, (i) => out[i]);
}

/**
 * optax.softmax_cross_entropy(logits, labels, axis=-1, where=None)
 *   = -sum(labels * log_softmax(logits, axis, where), axis, where=where)
 * labels broadcast against logits; result has the batch shape. A zero label against a -inf logit
 * is 0 * -inf = NaN, as in optax (safe_softmax_cross_entropy gives 0 there).
 */
export function softmax_cross_entropy(logits: Tensor, labels: Tensor, opts: AxisWhereOptions = {}): Tensor {
  return denseCE(logits, labels, opts, false);
}

/** optax.safe_softmax_cross_entropy(logits, labels): as above over the last axis, with 0 log 0 = 0. */
export function safe_softmax_cross_entropy(logits: Tensor, labels: Tensor): Tensor {
  return denseCE(logits, labels, {}, true);
}

/**
 * optax.softmax_cross_entropy_with_integer_labels(logits, labels, axis=-1, where=None)
 *   = logsumexp(logits, axis, where) - logits[label]
 * computed as (m - x_y) + log1p(t) (both terms >= 0). Labels are integers of the batch shape;
 * a tuple axis flattens those axes in the given order (labels are flat indices). Negative labels
 * count from the end (-1 = last class) and labels outside [-C, C) read NaN (jnp.take_along_axis
 * mode='fill'), so the loss is NaN. With where, a row with nothing included gives 0.
 */
export function softmax_cross_entropy_with_integer_labels(logits: Tensor, labels: Tensor, opts: AxisWhereOptions = {}): Tensor {
  const dtype = requireFloat(logits, 'logits');
  if (!isInt(labels.dtype)) throw new DTypeError(`labels must be an integer array (jnp.integer), got ${labels.dtype}`);
  const axis = opts.axis === undefined ? -1 : opts.axis;
  if (axis === null) throw new ValueError("Keyword argument 'axis' must be of type 'int' or 'tuple[int, ...]' but actual type is <class 'NoneType'>.");
  const axes = typeof axis === 'number' ? [normalizeAxis(axis, logits.rank)] : axis.map((a) => normalizeAxis(a, logits.rank));
  const kept = logits.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const batchShape = kept.map((i) => logits.shape[i]);
  const n = axes.reduce((p, a) => p * logits.shape[a], 1);
  const x = permute(logits, perm).data;
  let mask: ArrayLike<number> | null = null;
  if (opts.where) {
    let w = opts.where;
    if (w.rank !== logits.rank) {
      const s = [...w.shape];
      for (const a of [...axes].sort((p, q) => p - q)) s.splice(a, 0, 1);
      w = w.reshape(s);
    }
    mask = permute(broadcastTo(w, logits.shape), perm).data;
  }
  let lab: Tensor;
  try {
    lab = broadcastTo(labels, batchShape);
  } catch {
    throw new ShapeError(`labels shape ${formatShape(labels.shape)} does not fit logits shape ${formatShape(logits.shape)} without the class axis ${JSON.stringify(axis)} (${formatShape(batchShape)})`);
  }
  const outer = lab.size;
  const out = new Float64Array(outer);
  const lane = new LaneStats();
  for (let o = 0; o < outer; o++) {
    const off = o * n;
    lane.scan(x, off, n, 1, mask);
    if (mask && lane.count === 0) {
      out[o] = 0;
      continue;
    }
    let c = lab.data[o];
    if (c < 0) c += n;
    const xc = c >= 0 && c < n ? x[off + c] : NaN;
    if (lane.nan) {
      // jax.nn.logsumexp: NaN with a NaN, +inf with a +inf maximum, -inf for all -inf.
      out[o] = lseSpecial(x, off, n, mask) - xc;
    } else if (c === lane.k || xc === lane.m) {
      out[o] = lane.l;
    } else {
      out[o] = D.toNumber(D.addD(D.twoSum(lane.m, -xc), lane.l));
    }
  }
  return Tensor.fill(dtype, batchShape, (i) => out[i]);
}

/** logsumexp of a lane whose maximum is not finite or that holds NaN, as jax.nn.logsumexp returns it. */
function lseSpecial(x: ArrayLike<number>, off: number, n: number, mask: ArrayLike<number> | null): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    if (mask && !mask[off + i]) continue;
    const v = x[off + i];
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  return m;
}

export interface PolyOptions extends AxisWhereOptions {
  /** Coefficient of the first polynomial term (1 - p_t). Default 2. */
  epsilon?: number;
}

/**
 * f(u) = -log(1 - u) + eps u for u = 1 - p of the top class, as (1 + eps) u + u^2/2 + u^3/3 + ...
 * so that eps = -1 (the recommended detection setting) keeps its u^2/2 digits.
 */
function polyTop(t: number, eps: number): D.DD {
  const tt: D.DD = { hi: t, lo: 0 };
  const u = D.div(tt, D.addD(tt, 1));
  if (!(u.hi < 0.25)) return D.add(D.log1p(tt), D.mulD(u, eps));
  let sum = D.mul(D.twoSum(1, eps), u);
  let pow = u;
  for (let j = 2; j < 200; j++) {
    pow = D.mul(pow, u);
    const term = D.divD(pow, j);
    sum = D.add(sum, term);
    if (Math.abs(term.hi) <= 1e-34 * Math.abs(sum.hi) || term.hi === 0) break;
  }
  return sum;
}

/**
 * optax.poly_loss_cross_entropy(logits, labels, *, epsilon=2.0, axis=-1, where=None):
 *   softmax_cross_entropy(logits, labels) + epsilon * sum(labels * (1 - softmax(logits)))
 * evaluated per class as sum_i y_i f_i with f_i = -log p_i + epsilon (1 - p_i) in double-double;
 * 1 - p_i = (1 + t - e_i) / (1 + t) without cancellation, and for the top class the series of
 * polyTop. (optax computes the two sums separately; for epsilon < 0 they cancel.)
 */
export function poly_loss_cross_entropy(logits: Tensor, labels: Tensor, opts: PolyOptions = {}): Tensor {
  requireFloat(logits, 'logits');
  requireFloat(labels, 'labels');
  const dtype = promoteFloat(logits, labels);
  const eps = roundTo(dtype, opts.epsilon ?? 2); // a weakly typed Python float
  const L = lanesOf(logits, labels, opts.where, opts.axis);
  const out = new Float64Array(L.outer);
  const lane = new LaneStats();
  for (let o = 0; o < L.outer; o++) {
    const off = o * L.n;
    lane.scan(L.x, off, L.n, 1, L.mask);
    const s = new D.DDSum();
    const onePlusT = D.addD({ hi: lane.t, lo: 0 }, 1);
    const l = D.log1p({ hi: lane.t, lo: 0 });
    for (let i = 0; i < L.n; i++) {
      const p = off + i;
      if (L.mask && !L.mask[p]) continue;
      const y = L.y![p];
      const xi = L.x[p];
      let f: D.DD;
      if (lane.nan) f = { hi: NaN, lo: 0 };
      else if (i === lane.k) f = polyTop(lane.t, eps);
      else if (xi === -Infinity) f = { hi: Infinity, lo: 0 };
      else {
        const nl = D.add(D.twoSum(lane.m, -xi), l);
        const u = D.div(D.addD(onePlusT, -expDiff(xi, lane.m)), onePlusT);
        f = D.add(nl, D.mulD(u, eps));
      }
      s.addDD(mulDD({ hi: y, lo: 0 }, f));
    }
    out[o] = s.number();
  }
  return Tensor.fill(dtype, L.batchShape, (i) => out[i]);
}

function klSum(a: Tensor, b: Tensor, opts: AxisWhereOptions, logTarget: boolean): Tensor {
  requireFloat(a, 'log_predictions');
  requireFloat(b, 'targets');
  const dtype = promoteFloat(a, b);
  const L = lanesOf(a, b, opts.where, opts.axis);
  const out = new Float64Array(L.outer);
  for (let o = 0; o < L.outer; o++) {
    const ys: number[] = [];
    const xs: number[] = [];
    for (let i = 0, p = o * L.n; i < L.n; i++, p++) {
      if (L.mask && !L.mask[p]) continue;
      ys.push(L.y![p]);
      xs.push(L.x[p]);
    }
    const s = new D.DDSum();
    for (const v of klValues(ys, xs, logTarget, dtype === 'float64')) s.addDD(v);
    out[o] = s.number();
  }
  return Tensor.fill(dtype, L.batchShape, (i) => out[i]);
}

/**
 * optax.kl_divergence(log_predictions, targets, axis=-1, where=None)
 *   = sum(targets * (where(targets == 0, 0, log(targets)) - log_predictions), axis, where)
 * Each term and the sum are double-doubles, so the KL of two nearly equal distributions keeps its
 * digits. targets = 0 against log_predictions = -inf is 0 * inf = NaN; negative targets give NaN.
 */
export function kl_divergence(log_predictions: Tensor, targets: Tensor, opts: AxisWhereOptions = {}): Tensor {
  return klSum(log_predictions, targets, opts, false);
}

/** optax.kl_divergence_with_log_targets(log_predictions, log_targets, axis=-1, where=None) = sum(e^lt (lt - lp)). */
export function kl_divergence_with_log_targets(log_predictions: Tensor, log_targets: Tensor, opts: AxisWhereOptions = {}): Tensor {
  return klSum(log_predictions, log_targets, opts, true);
}

/**
 * optax.smooth_labels(labels, alpha) = (1 - alpha) labels + alpha / C, C = labels.shape[-1]
 * (_smoothing.py); the two constants are rounded to the labels' dtype, the rest is exact.
 */
export function smooth_labels(labels: Tensor, alpha: number | Tensor): Tensor {
  const dtype = requireFloat(labels, 'labels');
  const a = typeof alpha === 'number' ? alpha : alpha.data[0];
  if (labels.rank === 0) throw new ValueError('smooth_labels needs labels with a class axis (got a 0-d array)');
  const C = labels.shape[labels.rank - 1];
  // (1.0 - alpha) and alpha / C are Python floats: constants of the labels' dtype in JAX.
  const oneMinus = roundTo(dtype, 1 - a);
  const per = roundTo(dtype, a / C);
  return Tensor.fill(dtype, labels.shape, (i) => {
    const y = labels.data[i];
    if (!Number.isFinite(y) || !Number.isFinite(a)) return oneMinus * y + per;
    return D.toNumber(D.addD(D.twoProd(oneMinus, y), per));
  });
}

type OptaxFn = (a: Tensor, b: Tensor, opts: Record<string, unknown>) => Tensor;

/** An optax loss: its Python parameters in order (keyword-only ones after '*'), and the function. */
export interface OptaxFunctionSpec {
  params: readonly string[];
  fn: OptaxFn;
}

export const OPTAX_FUNCTIONS: Record<string, OptaxFunctionSpec> = {
  softmax_cross_entropy: { params: ['logits', 'labels', 'axis', 'where'], fn: (a, b, o) => softmax_cross_entropy(a, b, o) },
  softmax_cross_entropy_with_integer_labels: {
    params: ['logits', 'labels', 'axis', 'where'],
    fn: (a, b, o) => softmax_cross_entropy_with_integer_labels(a, b, o),
  },
  safe_softmax_cross_entropy: { params: ['logits', 'labels'], fn: (a, b) => safe_softmax_cross_entropy(a, b) },
  sigmoid_binary_cross_entropy: { params: ['logits', 'labels'], fn: (a, b) => sigmoid_binary_cross_entropy(a, b) },
  sigmoid_focal_loss: { params: ['logits', 'labels', '*', 'alpha', 'gamma'], fn: (a, b, o) => sigmoid_focal_loss(a, b, o as FocalOptions) },
  poly_loss_cross_entropy: { params: ['logits', 'labels', '*', 'epsilon', 'axis', 'where'], fn: (a, b, o) => poly_loss_cross_entropy(a, b, o) },
  kl_divergence: { params: ['log_predictions', 'targets', 'axis', 'where'], fn: (a, b, o) => kl_divergence(a, b, o) },
  kl_divergence_with_log_targets: { params: ['log_predictions', 'log_targets', 'axis', 'where'], fn: (a, b, o) => kl_divergence_with_log_targets(a, b, o) },
  smooth_labels: { params: ['labels', 'alpha'], fn: (a, _b, o) => smooth_labels(a, o.alpha as number | Tensor) },
};

/**
 * Calls an optax loss by public name ('optax.softmax_cross_entropy', 'optax.losses.kl_divergence',
 * ...) with arguments by parameter name (`args` positional, `kwargs` the rest).
 */
export function callOptax(op: string, args: Record<string, unknown>, kwargs: Record<string, unknown> = {}): Tensor {
  const name = op.replace(/^optax\.(losses\.)?/, '');
  const spec = OPTAX_FUNCTIONS[name];
  if (!spec) throw new ValueError(`${op} is not a supported optax loss`);
  const all: Record<string, unknown> = { ...args, ...kwargs };
  const [p0, p1] = spec.params;
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k === p0 || (k === p1 && name !== 'smooth_labels')) continue;
    if (!spec.params.includes(k)) throw new ValueError(`${name}() got an unexpected keyword argument '${k}'`);
    opts[k] = v;
  }
  return spec.fn(all[p0] as Tensor, all[p1] as Tensor, opts);
}
