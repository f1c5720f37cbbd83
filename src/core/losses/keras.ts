import { broadcastTo, broadcastShapes } from '../broadcast';
import { DDSum } from '../dd';
import { FloatDType, roundTo } from '../dtype';
import { ShapeError, ValueError } from '../errors';
import { spend } from '../limits';
import { Tensor, laneView, normalizeAxis } from '../tensor';
import * as K from './keras_kernels';
import { floatDtypeOf, softmaxCrossEntropyDense } from './kernels';
import { pyShape } from './reduction';

/**
 * Keras 3 cross-entropy functions (keras.losses.categorical_crossentropy & co.), following
 * keras/src/losses/losses.py and the backend ops in keras/src/backend/{tensorflow,numpy,jax}/nn.py.
 * Each returns per-example values (the class axis reduced) in y_pred's dtype; the Loss classes in
 * keras_classes.ts add dtype conversion and reduction. Options use Keras's own argument names.
 *
 * Accuracy: results are within a few ulps of the exact value of Keras's formula on the given
 * inputs with Keras's constants in the dtype (epsilon = 1e-7 and 1 - 1e-7 rounded to it).
 *
 * Where the backends differ (`ctx.backend`, default "tensorflow"):
 * - sparse on probabilities: TF clips, takes log and applies sparse softmax CE, i.e. renormalises
 *   by the sum of the *clipped* probabilities; jax/torch/numpy one-hot the labels and use the
 *   categorical path (renormalise, then clip).
 * - binary from_logits: numpy applies sigmoid then clips; the others use the fused logits form.
 * - binary focal from_logits: on TF, sigmoid() tags its output with _keras_logits, so the inner
 *   binary_crossentropy uses the logits (no clipping); the other backends clip sigmoid(x).
 */

export type KerasBackend = 'tensorflow' | 'jax' | 'torch' | 'numpy';

/** Evaluation context that is not a Keras argument: which backend's formulas to follow. */
export interface KerasContext {
  backend?: KerasBackend;
  /** keras.backend.floatx() for Loss classes without a dtype (default "float32"). */
  floatx?: FloatDType;
}

export interface CategoricalCrossentropyArgs {
  from_logits?: boolean;
  label_smoothing?: number;
  axis?: number;
}

export interface SparseCategoricalCrossentropyArgs {
  from_logits?: boolean;
  ignore_class?: number | null;
  axis?: number;
}

export type BinaryCrossentropyArgs = CategoricalCrossentropyArgs;

export interface BinaryFocalCrossentropyArgs extends CategoricalCrossentropyArgs {
  apply_class_balancing?: boolean;
  alpha?: number;
  gamma?: number;
}

export interface CategoricalFocalCrossentropyArgs extends CategoricalCrossentropyArgs {
  /** A scalar, or one weight per class (along the last axis). */
  alpha?: number | readonly number[] | Tensor;
  gamma?: number;
}

/** Unrounded per-example values (float64) plus the result dtype and an optional Keras mask. */
export interface RawLoss {
  values: Tensor;
  dtype: FloatDType;
  mask?: Tensor;
}

/** Rounds a RawLoss to its dtype (what the plain functions return). */
export function finish(r: RawLoss): Tensor {
  return Tensor.fill(r.dtype, r.values.shape, (i) => r.values.data[i]);
}

const backendOf = (ctx: KerasContext): KerasBackend => ctx.backend ?? 'tensorflow';

export function checkArgs(args: object, allowed: readonly string[], fn: string): void {
  for (const k of Object.keys(args)) {
    if (!allowed.includes(k)) throw new ValueError(`${fn}() got an unexpected keyword argument '${k}'`);
  }
}

function checkAxis(axis: unknown): number {
  if (typeof axis === 'boolean') {
    throw new ValueError(`\`axis\` must be of type \`int\`. Received: axis=${axis ? 'True' : 'False'} of type <class 'bool'>`);
  }
  return (axis as number | undefined) ?? -1;
}

/** Python truthiness of label_smoothing (NaN is truthy in Python). */
const smoothing = (ls: number | undefined): number => (ls === undefined || ls === 0 ? 0 : ls);

/** The TF backend's shape checks of categorical/binary crossentropy (target and output alike). */
function checkSameShape(target: Tensor, output: Tensor, needRank1: boolean): void {
  const rec = `Received: target.shape=${pyShape(target.shape)}, output.shape=${pyShape(output.shape)}`;
  if (needRank1 && target.rank < 1) throw new ShapeError(`Arguments \`target\` and \`output\` must be at least rank 1. ${rec}`);
  if (target.rank !== output.rank) throw new ShapeError(`Arguments \`target\` and \`output\` must have the same rank (ndim). ${rec}`);
  if (target.shape.some((d, i) => d !== output.shape[i])) throw new ShapeError(`Arguments \`target\` and \`output\` must have the same shape. ${rec}`);
}

/** y_true * (1 - ls) + ls / num_classes (num_classes = last dimension), as float64 values. */
function smoothCategorical(y: Tensor, ls: number, dtype: FloatDType): Tensor {
  if (ls === 0) return y;
  const c = y.shape[y.rank - 1];
  const a = roundTo(dtype, 1.0 - ls);
  const b = roundTo(dtype, ls) / c;
  return Tensor.fill('float64', y.shape, (i) => y.data[i] * a + b);
}

/** The binary smoothing constants: y' = y (1 - ls) + 0.5 ls, both Python floats converted to the dtype. */
function binarySmoothing(ls: number, dtype: FloatDType): [number, number] {
  return ls === 0 ? [1, 0] : [roundTo(dtype, 1.0 - ls), roundTo(dtype, 0.5 * ls)];
}

/** The mean along `axis` of per-element values (each a double or a double-double), unrounded. */
function meanLanes(shape: readonly number[], axis: number, elem: (flat: number, acc: DDSum) => void): Tensor {
  return lanes(shape, axis, (off, n, st) => {
    const acc = new DDSum();
    for (let i = 0, k = off; i < n; i++, k += st) elem(k, acc);
    return acc.number() / n;
  });
}

/** Applies a lane function along `axis`, giving a float64 tensor without that axis. */
function lanes(shape: readonly number[], axis: number, f: (off: number, n: number, stride: number, lane: number) => number): Tensor {
  const { outer, n, inner } = laneView(shape, axis);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    spend(n * inner); // the deadline, between lanes of per-element loss terms
    for (let j = 0; j < inner; j++) out[o * inner + j] = f(o * n * inner + j, n, inner, o * inner + j);
  }
  return new Tensor('float64', shape.filter((_, d) => d !== axis), out);
}

/**
 * keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1)
 * y_true (one-hot or probabilities) and y_pred have the same shape; result has y_pred's shape
 * without `axis`. With label_smoothing, y' = y (1 - ls) + ls / shape[-1].
 *   from_logits:  -sum(y' * log_softmax(y_pred, axis), axis)         (fused, stable)
 *   otherwise:    -sum(y' * log(clip(y_pred / sum(y_pred, axis), eps, 1 - eps)), axis)
 */
export function categoricalCrossentropyRaw(y_true: Tensor, y_pred: Tensor, args: CategoricalCrossentropyArgs = {}, _ctx: KerasContext = {}): RawLoss {
  checkArgs(args, ['from_logits', 'label_smoothing', 'axis'], 'categorical_crossentropy');
  const ax = checkAxis(args.axis);
  const dtype = floatDtypeOf(y_pred, 'y_pred');
  const y = y_true.cast(dtype);
  checkSameShape(y, y_pred, true);
  const axis = normalizeAxis(ax, y_pred.rank);
  const ys = smoothCategorical(y, smoothing(args.label_smoothing), dtype);
  if (args.from_logits) {
    return { values: softmaxCrossEntropyDense(ys, y_pred.cast('float64'), axis), dtype };
  }
  const cb = K.clipBounds(dtype);
  return { values: lanes(y_pred.shape, axis, (off, n, st) => K.categoricalProbLane(ys.data, y_pred.data, off, n, st, cb)), dtype };
}

/**
 * keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1)
 * y_true holds class indices of shape y_pred.shape without the class axis (a trailing 1 is
 * squeezed; float labels are truncated, as the int64 cast does). Labels equal to ignore_class
 * give 0 and are masked out of the reduction (the mask is returned for the Loss class).
 *   from_logits:  logsumexp(x) - x[c]
 *   TF:           log(sum_j clip(p_j)) - log(clip(p_c))
 *   jax/torch/np: -log(clip(p_c / sum_j p_j))
 * Labels outside [0, num_classes) raise (TF on CPU; a zero one-hot row elsewhere is not modelled).
 */
export function sparseCategoricalCrossentropyRaw(
  y_true: Tensor,
  y_pred: Tensor,
  args: SparseCategoricalCrossentropyArgs = {},
  ctx: KerasContext = {},
): RawLoss {
  checkArgs(args, ['from_logits', 'ignore_class', 'axis'], 'sparse_categorical_crossentropy');
  const dtype = floatDtypeOf(y_pred, 'y_pred');
  const backend = backendOf(ctx);
  let labels = y_true;
  if (labels.rank === y_pred.rank && labels.rank > 0 && labels.shape[labels.rank - 1] === 1) labels = labels.reshape(labels.shape.slice(0, -1));
  const ax = checkAxis(args.axis);
  if (y_pred.rank < 1) throw new ShapeError(`Argument \`output\` must be at least rank 1. Received: output.shape=${pyShape(y_pred.shape)}`);
  if (backend === 'tensorflow' && ax !== -1 && ax !== y_pred.rank - 1) {
    throw new ValueError(`Only axis=-1 is currently supported. Received: axis=${ax}`);
  }
  const axis = normalizeAxis(ax, y_pred.rank);
  const expected = y_pred.shape.filter((_, d) => d !== axis);
  const rec = `target.shape=${pyShape(labels.shape)}, output.shape=${pyShape(y_pred.shape)}`;
  if (labels.rank !== expected.length) throw new ShapeError(`Argument \`output\` must have rank (ndim) \`target.ndim - 1\`. Received: ${rec}`);
  if (labels.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`Arguments \`target\` and \`output\` must have the same shape up until the last dimension: ${rec}`);
  }
  const ignore = args.ignore_class ?? null;
  const ignoreV = ignore === null ? NaN : roundTo(dtype, ignore);
  const valid = new Float64Array(labels.size);
  const cb = K.clipBounds(dtype);
  const values = lanes(y_pred.shape, axis, (off, n, st, q) => {
    const raw = labels.data[q];
    if (ignore !== null && raw === ignoreV) return 0;
    valid[q] = 1;
    const c = Math.trunc(raw);
    if (!(c >= 0 && c < n)) {
      throw new ValueError(`Received a label value of ${c} which is outside the valid range of [0, ${n}). Label values: ${c}`);
    }
    if (args.from_logits) return K.sparseLogitsLane(y_pred.data, off, n, st, c);
    if (backend === 'tensorflow') return K.sparseTfProbLane(y_pred.data, off, n, st, c, cb);
    const s = K.laneSumDD(y_pred.data, off, n, st);
    for (let i = 0, k = off; i < n; i++, k += st) if (y_pred.data[k] !== y_pred.data[k]) return NaN;
    return K.negLogClippedRatio(y_pred.data[off + c * st], s, cb);
  });
  const out: RawLoss = { values, dtype };
  if (ignore !== null) out.mask = new Tensor('float64', values.shape, valid);
  return out;
}

/**
 * keras.losses.binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1)
 * Same shapes; y' = y (1 - ls) + 0.5 ls; elementwise
 *   from_logits:  max(x, 0) - x y' + log1p(e^-|x|)        (numpy backend: sigmoid, then as below)
 *   otherwise:    -(y' log(p) + (1 - y') log(1 - p)),  p = clip(y_pred, eps, 1 - eps)
 * then the mean over `axis`.
 */
export function binaryCrossentropyRaw(y_true: Tensor, y_pred: Tensor, args: BinaryCrossentropyArgs = {}, ctx: KerasContext = {}): RawLoss {
  checkArgs(args, ['from_logits', 'label_smoothing', 'axis'], 'binary_crossentropy');
  const ax = checkAxis(args.axis);
  const dtype = floatDtypeOf(y_pred, 'y_pred');
  const y = y_true.cast(dtype);
  checkSameShape(y, y_pred, false);
  const axis = normalizeAxis(ax, y_pred.rank);
  const [a, b] = binarySmoothing(smoothing(args.label_smoothing), dtype);
  const cb = K.clipBounds(dtype);
  const numpyLogits = backendOf(ctx) === 'numpy';
  const lab = new K.BinLabel();
  const values = meanLanes(y_pred.shape, axis, (i, acc) => {
    lab.set(y.data[i], a, b);
    const v = y_pred.data[i];
    acc.addNumber(!args.from_logits ? K.bceProb(lab, v, cb) : numpyLogits ? K.bceSigmoidClipped(lab, v, cb) : K.bceLogits(lab, v));
  });
  return { values, dtype };
}

/**
 * keras.losses.binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
 * gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1)
 *   p = sigmoid(y_pred) if from_logits else y_pred;  bce = binary_crossentropy(y', p)
 *   focal = (1 - p_t)^gamma,  p_t = y' p + (1 - y')(1 - p)  (p unclipped)
 *   [apply_class_balancing] * (y' alpha + (1 - y')(1 - alpha));  mean over `axis`.
 * alpha, gamma and 1 - alpha are converted to the dtype.
 */
export function binaryFocalCrossentropyRaw(y_true: Tensor, y_pred: Tensor, args: BinaryFocalCrossentropyArgs = {}, ctx: KerasContext = {}): RawLoss {
  checkArgs(args, ['apply_class_balancing', 'alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'], 'binary_focal_crossentropy');
  const ax = checkAxis(args.axis);
  const dtype = floatDtypeOf(y_pred, 'y_pred');
  const y = y_true.cast(dtype);
  checkSameShape(y, y_pred, false);
  const axis = normalizeAxis(ax, y_pred.rank);
  const [a, b] = binarySmoothing(smoothing(args.label_smoothing), dtype);
  const alpha = args.alpha ?? 0.25;
  const f: K.FocalParams = {
    gamma: roundTo(dtype, args.gamma ?? 2.0),
    balance: args.apply_class_balancing ? [roundTo(dtype, alpha), roundTo(dtype, 1 - alpha)] : null,
    fromLogits: !!args.from_logits,
    fused: !!args.from_logits && backendOf(ctx) === 'tensorflow',
  };
  const cb = K.clipBounds(dtype);
  const lab = new K.BinLabel();
  const values = meanLanes(y_pred.shape, axis, (i, acc) => {
    const r = K.binaryFocalElement(lab.set(y.data[i], a, b), y_pred.data[i], f, cb);
    acc.addDD(r);
  });
  return { values, dtype };
}

/** Per-class alpha as a function of the flat index (alpha broadcasts against the last axis). */
function alphaLookup(alpha: CategoricalFocalCrossentropyArgs['alpha'], shape: readonly number[], dtype: FloatDType): (flat: number) => number {
  if (alpha === undefined || typeof alpha === 'number') {
    const a = roundTo(dtype, alpha ?? 0.25);
    return () => a;
  }
  // a list is converted with the default float dtype (float32), a tensor keeps its own
  const t = alpha instanceof Tensor ? alpha : Tensor.fromNested([...alpha], 'float32');
  const last = shape.length ? shape[shape.length - 1] : 1;
  broadcastShapes(shape, t.shape);
  if (t.size === 1) {
    const a = roundTo(dtype, t.data[0]);
    return () => a;
  }
  if (t.rank !== 1 || t.shape[0] !== last) {
    throw new ShapeError(`alpha of shape ${pyShape(t.shape)} must be a scalar or have one entry per class, ${last} (y_pred shape ${pyShape(shape)})`);
  }
  const vals = Array.from(t.data, (v) => roundTo(dtype, v));
  return (flat) => vals[flat % last];
}

/**
 * keras.losses.categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0,
 * from_logits=False, label_smoothing=0.0, axis=-1)
 *   p = softmax(y_pred, axis) if from_logits else y_pred
 *   out = clip(p / sum(p, axis), eps, 1 - eps)
 *   sum(alpha * (1 - out)^gamma * (-y' log(out)), axis)
 */
export function categoricalFocalCrossentropyRaw(
  y_true: Tensor,
  y_pred: Tensor,
  args: CategoricalFocalCrossentropyArgs = {},
  _ctx: KerasContext = {},
): RawLoss {
  checkArgs(args, ['alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'], 'categorical_focal_crossentropy');
  const ax = checkAxis(args.axis);
  const dtype = floatDtypeOf(y_pred, 'y_pred');
  const y = y_true.cast(dtype);
  checkSameShape(y, y_pred, true);
  const axis = normalizeAxis(ax, y_pred.rank);
  const ys = smoothCategorical(y, smoothing(args.label_smoothing), dtype);
  const gamma = roundTo(dtype, args.gamma ?? 2.0);
  const alphaAt = alphaLookup(args.alpha, y_pred.shape, dtype);
  const cb = K.clipBounds(dtype);
  const fl = !!args.from_logits;
  return { values: lanes(y_pred.shape, axis, (off, n, st) => K.categoricalFocalLane(ys.data, y_pred.data, off, n, st, gamma, alphaAt, fl, cb, dtype === 'float64')), dtype };
}

/**
 * keras.losses.kl_divergence(y_true, y_pred) = sum(a * log(a / b), axis=-1) with
 * a = clip(y_true, eps, 1), b = clip(y_pred, eps, 1); the inputs broadcast.
 */
export function klDivergenceRaw(y_true: Tensor, y_pred: Tensor, args: object = {}, _ctx: KerasContext = {}): RawLoss {
  checkArgs(args, [], 'kl_divergence');
  const dtype = floatDtypeOf(y_pred, 'y_pred');
  const shape = broadcastShapes(y_true.shape, y_pred.shape);
  if (shape.length === 0) throw new ShapeError(`kl_divergence sums over axis -1, which a scalar does not have (y_true shape ${pyShape(y_true.shape)}, y_pred shape ${pyShape(y_pred.shape)})`);
  const a = broadcastTo(y_true.cast(dtype), shape);
  const b = broadcastTo(y_pred, shape);
  const cb = K.clipBounds(dtype);
  const precise = dtype === 'float64';
  return { values: lanes(shape, shape.length - 1, (off, n, st) => K.klLane(a.data, b.data, off, n, st, cb, precise)), dtype };
}

export const categoricalCrossentropy = (y_true: Tensor, y_pred: Tensor, args?: CategoricalCrossentropyArgs, ctx?: KerasContext) =>
  finish(categoricalCrossentropyRaw(y_true, y_pred, args, ctx));
export const sparseCategoricalCrossentropy = (y_true: Tensor, y_pred: Tensor, args?: SparseCategoricalCrossentropyArgs, ctx?: KerasContext) =>
  finish(sparseCategoricalCrossentropyRaw(y_true, y_pred, args, ctx));
export const binaryCrossentropy = (y_true: Tensor, y_pred: Tensor, args?: BinaryCrossentropyArgs, ctx?: KerasContext) =>
  finish(binaryCrossentropyRaw(y_true, y_pred, args, ctx));
export const binaryFocalCrossentropy = (y_true: Tensor, y_pred: Tensor, args?: BinaryFocalCrossentropyArgs, ctx?: KerasContext) =>
  finish(binaryFocalCrossentropyRaw(y_true, y_pred, args, ctx));
export const categoricalFocalCrossentropy = (y_true: Tensor, y_pred: Tensor, args?: CategoricalFocalCrossentropyArgs, ctx?: KerasContext) =>
  finish(categoricalFocalCrossentropyRaw(y_true, y_pred, args, ctx));
export const klDivergence = (y_true: Tensor, y_pred: Tensor) => finish(klDivergenceRaw(y_true, y_pred));
