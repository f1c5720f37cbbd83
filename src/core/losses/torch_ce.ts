import * as D from '../dd';
import { FloatDType, isFloat, roundTo } from '../dtype';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { ZERO_LABEL_MASKED_LOGIT, exactLimits, noteLimit } from '../exact_limits';
import { Tensor, laneView, sameShape } from '../tensor';
import { LaneStats } from './exact_lanes';
import { TorchReductionOptions, atenSizes, promoteFloat, reduceElements, requireFloat, resolveReduction, scalarTypeName } from './torch_common';

/**
 * torch.nn.functional.cross_entropy and nll_loss, after aten/src/ATen/native/LossNLL.cpp
 * (cross_entropy_loss_symint, cross_entropy_loss_prob_target, cross_entropy_loss_label_smoothing,
 * nll_loss_nd_symint, nll_loss_out_frame) and LossNLL2d.cpp (nll_loss2d_forward_out_frame).
 *
 * Layout: the class dimension is 1 ([N, C], [N, C, d1, ...]), or 0 for an unbatched [C] input.
 * Every value is computed in float64 from the stored inputs (log_softmax with exact
 * differences, see exact_lanes.ts), summed as double-doubles and rounded once to the result
 * dtype, so results are within a few ulps of the exact value even where PyTorch's own float32
 * arithmetic (log_softmax rounded, then multiplied, then cascade-summed) is several ulps off.
 */

export interface NllLossOptions extends TorchReductionOptions {
  /** Per-class rescaling weight of shape [C]. */
  weight?: Tensor | null;
  /** Target value that contributes nothing (and is left out of the mean's denominator). Default -100. */
  ignore_index?: number;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - e) y + e / C. Default 0. */
  label_smoothing?: number;
}

/** The validated layout of a class-index loss: lanes along the class dim, one per target element. */
interface ClassLayout {
  outer: number;
  n: number;
  inner: number;
  /** Shape of reduction='none' output (the target's shape). */
  noneShape: number[];
}

/** The shape checks of nll_loss_nd_symint, nll_loss's meta function and check_inputs_nll_loss2d. */
function classIndexLayout(input: Tensor, target: Tensor, weight: Tensor | null | undefined): ClassLayout {
  const r = input.rank;
  const inS = input.shape;
  const tS = target.shape;
  if (r < 1) throw new ValueError(`Expected 1 or more dimensions (got ${r})`);
  if (target.dtype !== 'int64') {
    throw new DTypeError(`expected scalar type Long but found ${scalarTypeName(target.dtype)} (class-index targets must be int64; a float target must have the input's shape ${atenSizes(inS)} to be class probabilities, got ${atenSizes(tS)})`);
  }
  if (r !== 1 && (target.rank === 0 || inS[0] !== tS[0])) {
    throw new ValueError(`Expected input batch_size (${inS[0]}) to match target batch_size (${target.rank === 0 ? 'none: target is 0-d' : tS[0]}).`);
  }
  const C = r === 1 ? inS[0] : inS[1];
  if (r <= 2) {
    if (target.rank > 1) throw new ShapeError(`0D or 1D target tensor expected, multi-target not supported (input ${atenSizes(inS)}, target ${atenSizes(tS)})`);
    const noBatch = r === 1 && target.rank === 0;
    if (!(noBatch || inS[0] === tS[0])) throw new ShapeError(`size mismatch (got input: ${atenSizes(inS)}, target: ${atenSizes(tS)})`);
    if (r === 1 && target.rank === 1) throw new ShapeError(`Expected target to be 0D when input is 1D, but got target.dim =${target.rank} (input ${atenSizes(inS)}, target ${atenSizes(tS)})`);
    if (weight && !(weight.rank === 1 && weight.size === C)) {
      throw new ShapeError(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${atenSizes(weight.shape)}`);
    }
  } else {
    if (r === 4 && target.rank !== 3) throw new ShapeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.rank} (input ${atenSizes(inS)}, target ${atenSizes(tS)})`);
    const expected = [inS[0], ...inS.slice(2)];
    if (!sameShape(tS, expected)) {
      throw new ShapeError(r === 4 ? `size mismatch (got input: ${atenSizes(inS)} , target: ${atenSizes(tS)}` : `Expected target size ${atenSizes(expected)}, got ${atenSizes(tS)}`);
    }
    if (weight && weight.size !== C) throw new ShapeError(`weight tensor should be defined either for all or no classes (${C} classes, weight of shape ${atenSizes(weight.shape)})`);
  }
  const { outer, n, inner } = laneView(inS, r === 1 ? 0 : 1);
  return { outer, n, inner, noneShape: [...tS] };
}

/** Throws PyTorch's IndexError text for a class index outside [0, C). */
function checkTarget(c: number, n: number): void {
  if (!(c >= 0 && c < n)) throw new ValueError(`Target ${c} is out of bounds.`);
}

/** a * b as a dd with IEEE semantics for non-finite factors (0 * inf = NaN, as ATen computes). */
function prodDD(a: number, b: number): D.DD {
  const p = a * b;
  if (!Number.isFinite(p) || !Number.isFinite(a) || !Number.isFinite(b)) return { hi: p, lo: 0 };
  return D.twoProd(a, b);
}

/**
 * Reduces per-target values with PyTorch's class-index rule: 'none' keeps them (0 where ignored),
 * 'sum' adds them, 'mean' divides by the total weight of the non-ignored targets (their count
 * without a weight). All ignored (or an empty batch) gives 0 / 0 = NaN for 'mean', as ATen does.
 */
function reduceClassIndex(values: D.DD[], totalWeight: D.DDSum, shape: number[], dtype: FloatDType, reduction: string): Tensor {
  if (reduction !== 'mean') return reduceElements(values, shape, dtype, reduction);
  const acc = new D.DDSum();
  for (const v of values) acc.addDD(v);
  const num = acc.value();
  const den = totalWeight.value();
  const q = den.hi === 0 || !Number.isFinite(den.hi) || !Number.isFinite(num.hi) ? num.hi / den.hi : D.toNumber(D.div(num, den));
  return Tensor.scalar(q, dtype);
}

/**
 * F.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean'):
 *   l_n = -w[y_n] * input[n, y_n]   (0 where y_n == ignore_index)
 * 'mean' = sum_n l_n / sum_n w[y_n] over non-ignored n (LossNLL.cpp nll_loss_out_frame:
 * total_weight); 'sum' = sum_n l_n. input is [C] (target []), [N, C] (target [N]) or
 * [N, C, d1, ...] (target [N, d1, ...]); targets are int64 in [0, C) unless ignored.
 * The products are exact dd values and the sums double-double, so only the final rounding
 * (and the division for 'mean') remains.
 */
export function nll_loss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  const reduction = resolveReduction(opts);
  const dtype = requireFloat(input, 'input', 'nll_loss');
  const weight = opts.weight ?? null;
  const ignore = opts.ignore_index ?? -100;
  const L = classIndexLayout(input, target, weight);
  const values: D.DD[] = new Array(L.outer * L.inner);
  const total = new D.DDSum();
  const x = input.data;
  for (let o = 0; o < L.outer; o++) {
    for (let j = 0; j < L.inner; j++) {
      const q = o * L.inner + j;
      const c = target.data[q];
      if (c === ignore) {
        values[q] = { hi: 0, lo: 0 };
        continue;
      }
      checkTarget(c, L.n);
      const w = weight ? weight.data[c] : 1;
      values[q] = prodDD(w, -x[(o * L.n + c) * L.inner + j]);
      total.addNumber(w);
    }
  }
  return reduceClassIndex(values, total, L.noneShape, dtype, reduction);
}

/**
 * F.cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)
 * (LossNLL.cpp cross_entropy_loss_symint). Let lp = log_softmax(input, class dim), C classes.
 *
 * Class-index targets (int64, input shape without the class dim):
 *   l_n = (1 - e) w[y_n] (-lp[n, y_n]) + (e / C) sum_c w[c] (-lp[n, c]),   0 where ignored
 *   'mean' = sum_n l_n / sum_n w[y_n] (non-ignored n; their count without weight). With label
 *   smoothing the smoothing term is normalised by the same weight sum (the weight.gather of
 *   target.masked_select(~ignore_mask) in cross_entropy_loss_label_smoothing), so both terms
 *   share the denominator. label_smoothing <= 0 is ignored (only > 0 takes that path).
 * Probability targets (float, the input's shape):
 *   y' = (1 - e) y + e / C;  l_n = sum_c w[c] y'[n, c] (-lp[n, c])
 *   'mean' = sum_n l_n / (numel / C): it divides by the number of samples, NOT by the weights
 *   (cross_entropy_loss_prob_target). ignore_index must be negative here.
 * The constants 1 - e and e / C are rounded to the input's dtype first, as ATen's scalar
 * arithmetic does; everything else is exact.
 * IEEE products as in ATen: a zero weight or zero target against a -inf logit (lp = -inf)
 * gives NaN, and label smoothing with a -inf logit gives inf.
 */
export function cross_entropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const reduction = resolveReduction(opts);
  const dtype = requireFloat(input, 'input', 'cross_entropy');
  const eps = opts.label_smoothing ?? 0;
  const weight = opts.weight ?? null;
  const ignore = opts.ignore_index ?? -100;
  if (sameShape(input.shape, target.shape)) {
    if (!isFloat(target.dtype)) throw new DTypeError(`Expected floating point type for target with class probabilities, got ${scalarTypeName(target.dtype)}`);
    if (!(ignore < 0)) throw new ValueError('ignore_index is not supported for floating point target');
    if (eps > 0 && !(eps <= 1)) throw new ValueError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
    return probTargetCE(input, target, weight, reduction, eps > 0 ? eps : 0, promoteFloat(input, target, weight));
  }
  if (eps > 0 && !(eps <= 1)) throw new ValueError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const L = classIndexLayout(input, target, weight);
  const smooth = eps > 0 ? eps : 0;
  const values: D.DD[] = new Array(L.outer * L.inner);
  const total = new D.DDSum();
  const x = input.data;
  const lane = new LaneStats();
  // ATen multiplies by the Python doubles (1 - e) and e / C as scalars of the input's dtype.
  const oneMinus = { hi: roundTo(dtype, 1 - smooth), lo: 0 };
  const perClass = { hi: roundTo(dtype, smooth / L.n), lo: 0 };
  for (let o = 0; o < L.outer; o++) {
    for (let j = 0; j < L.inner; j++) {
      const q = o * L.inner + j;
      const c = target.data[q];
      if (c === ignore) {
        values[q] = { hi: 0, lo: 0 };
        continue;
      }
      checkTarget(c, L.n);
      const off = o * L.n * L.inner + j;
      lane.scan(x, off, L.n, L.inner);
      const w = weight ? weight.data[c] : 1;
      total.addNumber(w);
      const nll = prodDD(w, lane.negLogProb(x[off + c * L.inner], c));
      if (smooth === 0) {
        values[q] = nll;
        continue;
      }
      const s = new D.DDSum();
      for (let i = 0, p = off; i < L.n; i++, p += L.inner) s.addDD(prodDD(weight ? weight.data[i] : 1, lane.negLogProb(x[p], i)));
      values[q] = D.add(mulSpecial(nll, oneMinus), mulSpecial(s.value(), perClass));
    }
  }
  return reduceClassIndex(values, total, L.noneShape, dtype, reduction);
}

/** dd product keeping IEEE non-finite semantics (0 * inf = NaN). */
function mulSpecial(a: D.DD, b: D.DD): D.DD {
  if (!Number.isFinite(a.hi) || !Number.isFinite(b.hi)) return { hi: a.hi * b.hi, lo: 0 };
  return D.mul(a, b);
}

function probTargetCE(input: Tensor, target: Tensor, weight: Tensor | null, reduction: string, eps: number, dtype: FloatDType): Tensor {
  const classDim = input.rank === 1 ? 0 : 1;
  if (input.rank === 0) throw new ValueError('Dimension out of range (expected to be in range of [-1, 0], but got 1)');
  const C = input.shape[classDim];
  if (weight && !(weight.rank === 1 && weight.size === C)) {
    throw new ShapeError(`cross_entropy: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${atenSizes(weight.shape)}`);
  }
  const { outer, n, inner } = laneView(input.shape, classDim);
  const x = input.data;
  const y = target.data;
  const lane = new LaneStats();
  // target_ * (1 - e) + e / C with both Python doubles as scalars of the input's dtype.
  const oneMinus = { hi: roundTo(input.dtype, 1 - eps), lo: 0 };
  const perClass = { hi: roundTo(input.dtype, eps / C), lo: 0 };
  const values: D.DD[] = new Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const off = o * n * inner + j;
      lane.scan(x, off, n, inner);
      const s = new D.DDSum();
      for (let i = 0, p = off; i < n; i++, p += inner) {
        // y' = (1 - e) y + e / C, exact as a dd; then (w y') (-lp) with IEEE 0 * inf = NaN.
        let yp: D.DD = eps > 0 ? D.add(D.mulD(oneMinus, y[p]), perClass) : { hi: y[p], lo: 0 };
        if (!Number.isFinite(y[p])) yp = { hi: eps > 0 ? y[p] * oneMinus.hi + perClass.hi : y[p], lo: 0 };
        if (weight) yp = mulSpecial(yp, { hi: weight.data[i], lo: 0 });
        const term = mulSpecial(yp, { hi: lane.negLogProb(x[p], i), lo: 0 });
        if (term.hi !== term.hi && yp.hi === 0 && exactLimits()) noteLimit(ZERO_LABEL_MASKED_LOGIT);
        else s.addDD(term);
      }
      values[o * inner + j] = s.value();
    }
  }
  const noneShape = input.shape.filter((_, d) => d !== classDim);
  if (reduction === 'mean') return reduceElements(values, noneShape, dtype, 'mean', C === 0 ? 0 : input.size / C);
  return reduceElements(values, noneShape, dtype, reduction);
}
