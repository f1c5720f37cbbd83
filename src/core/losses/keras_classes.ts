import { FloatDType } from '../dtype';
import { ValueError } from '../errors';
import { Tensor } from '../tensor';
import {
  BinaryCrossentropyArgs,
  BinaryFocalCrossentropyArgs,
  CategoricalCrossentropyArgs,
  CategoricalFocalCrossentropyArgs,
  KerasContext,
  RawLoss,
  SparseCategoricalCrossentropyArgs,
  binaryCrossentropy,
  binaryCrossentropyRaw,
  binaryFocalCrossentropy,
  binaryFocalCrossentropyRaw,
  categoricalCrossentropy,
  categoricalCrossentropyRaw,
  categoricalFocalCrossentropy,
  categoricalFocalCrossentropyRaw,
  checkArgs,
  klDivergence,
  klDivergenceRaw,
  sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropyRaw,
} from './keras';
import { KerasReduction, kerasReduceWeightedValues, squeezeOrExpandToSameRank, standardizeKerasReduction } from './reduction';

/**
 * Keras 3 Loss classes (keras/src/losses/losses.py LossFunctionWrapper subclasses and
 * keras/src/losses/loss.py Loss.__call__). Constructor arguments are Keras's own:
 *   new CategoricalCrossentropy({ from_logits: true, reduction: 'sum' }).call(y_true, y_pred, sample_weight)
 * __call__ converts y_true and y_pred to the loss dtype (dtype argument, else floatx = float32,
 * so float64 inputs are rounded to float32 by default), squeezes/expands y_true to y_pred's rank,
 * computes the per-example loss and applies reduce_weighted_values (reduction.ts) with the
 * sample_weight and, for ignore_class, the mask.
 */

/** Arguments every Loss accepts. */
export interface KerasLossBaseArgs {
  reduction?: KerasReduction | string;
  name?: string | null;
  /** The compute dtype; null/undefined means floatx (float32 unless ctx.floatx says otherwise). */
  dtype?: FloatDType | null;
}

type RawFn<A> = (y_true: Tensor, y_pred: Tensor, args: A, ctx: KerasContext) => RawLoss;

const BASE_KEYS = ['reduction', 'name', 'dtype'];

/** Base of the Keras loss classes: holds the arguments, converts, reduces. */
export abstract class KerasLoss<A extends object> {
  readonly reduction: KerasReduction;
  readonly dtype: FloatDType;
  readonly name: string;
  /** The function arguments (everything but reduction, name, dtype). */
  readonly args: A;

  protected constructor(
    readonly className: string,
    defaultName: string,
    argKeys: readonly string[],
    private readonly fn: RawFn<A>,
    init: A & KerasLossBaseArgs,
    readonly ctx: KerasContext,
  ) {
    checkArgs(init, [...BASE_KEYS, ...argKeys], `${className}.__init__`);
    this.reduction = standardizeKerasReduction(init.reduction);
    const dtype = init.dtype ?? ctx.floatx ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new ValueError(`${className}: unsupported dtype ${String(dtype)} (float32 and float64 are evaluated)`);
    this.dtype = dtype;
    this.name = init.name ?? defaultName;
    const args: Record<string, unknown> = {};
    for (const k of argKeys) if ((init as Record<string, unknown>)[k] !== undefined) args[k] = (init as Record<string, unknown>)[k];
    this.args = args as A;
  }

  /** Loss.__call__(y_true, y_pred, sample_weight=None). */
  call(y_true: Tensor, y_pred: Tensor, sample_weight: Tensor | number | null = null): Tensor {
    let yt = y_true.cast(this.dtype);
    let yp = y_pred.cast(this.dtype);
    [yt, yp] = squeezeOrExpandToSameRank(yt, yp);
    const raw = this.fn(yt, yp, this.args, this.ctx);
    return kerasReduceWeightedValues(raw.values, { sample_weight, mask: raw.mask ?? null, reduction: this.reduction, dtype: this.dtype });
  }
}

/** keras.losses.CategoricalCrossentropy(from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size"). */
export class CategoricalCrossentropy extends KerasLoss<CategoricalCrossentropyArgs> {
  constructor(init: CategoricalCrossentropyArgs & KerasLossBaseArgs = {}, ctx: KerasContext = {}) {
    super('CategoricalCrossentropy', 'categorical_crossentropy', ['from_logits', 'label_smoothing', 'axis'], categoricalCrossentropyRaw, init, ctx);
  }
}

/** keras.losses.SparseCategoricalCrossentropy(from_logits=False, ignore_class=None, reduction=...). Labels are converted to the loss dtype (float32) first, as Keras does. */
export class SparseCategoricalCrossentropy extends KerasLoss<SparseCategoricalCrossentropyArgs> {
  constructor(init: SparseCategoricalCrossentropyArgs & KerasLossBaseArgs = {}, ctx: KerasContext = {}) {
    super('SparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', ['from_logits', 'ignore_class'], sparseCategoricalCrossentropyRaw, init, ctx);
  }
}

/** keras.losses.BinaryCrossentropy(from_logits=False, label_smoothing=0.0, axis=-1, reduction=...). */
export class BinaryCrossentropy extends KerasLoss<BinaryCrossentropyArgs> {
  constructor(init: BinaryCrossentropyArgs & KerasLossBaseArgs = {}, ctx: KerasContext = {}) {
    super('BinaryCrossentropy', 'binary_crossentropy', ['from_logits', 'label_smoothing', 'axis'], binaryCrossentropyRaw, init, ctx);
  }
}

/** keras.losses.BinaryFocalCrossentropy(apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1, reduction=...). */
export class BinaryFocalCrossentropy extends KerasLoss<BinaryFocalCrossentropyArgs> {
  constructor(init: BinaryFocalCrossentropyArgs & KerasLossBaseArgs = {}, ctx: KerasContext = {}) {
    super(
      'BinaryFocalCrossentropy',
      'binary_focal_crossentropy',
      ['apply_class_balancing', 'alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'],
      binaryFocalCrossentropyRaw,
      init,
      ctx,
    );
  }
}

/** keras.losses.CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1, reduction=...). */
export class CategoricalFocalCrossentropy extends KerasLoss<CategoricalFocalCrossentropyArgs> {
  constructor(init: CategoricalFocalCrossentropyArgs & KerasLossBaseArgs = {}, ctx: KerasContext = {}) {
    super(
      'CategoricalFocalCrossentropy',
      'categorical_focal_crossentropy',
      ['alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'],
      categoricalFocalCrossentropyRaw,
      init,
      ctx,
    );
  }
}

/** keras.losses.KLDivergence(reduction=...). */
export class KLDivergence extends KerasLoss<object> {
  constructor(init: KerasLossBaseArgs = {}, ctx: KerasContext = {}) {
    super('KLDivergence', 'kl_divergence', [], klDivergenceRaw, init, ctx);
  }
}

type KerasLossClass = new (init?: Record<string, unknown>, ctx?: KerasContext) => KerasLoss<object>;

/** The classes by their keras.losses names. */
export const KERAS_LOSS_CLASSES: Record<string, KerasLossClass> = {
  CategoricalCrossentropy: CategoricalCrossentropy as KerasLossClass,
  SparseCategoricalCrossentropy: SparseCategoricalCrossentropy as KerasLossClass,
  BinaryCrossentropy: BinaryCrossentropy as KerasLossClass,
  BinaryFocalCrossentropy: BinaryFocalCrossentropy as KerasLossClass,
  CategoricalFocalCrossentropy: CategoricalFocalCrossentropy as KerasLossClass,
  KLDivergence: KLDivergence as KerasLossClass,
};

type KerasLossFn = (y_true: Tensor, y_pred: Tensor, args?: Record<string, unknown>, ctx?: KerasContext) => Tensor;

/** The plain functions by their keras.losses names (per-example values, y_pred's dtype). */
export const KERAS_LOSS_FUNCTIONS: Record<string, KerasLossFn> = {
  categorical_crossentropy: categoricalCrossentropy as KerasLossFn,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy as KerasLossFn,
  binary_crossentropy: binaryCrossentropy as KerasLossFn,
  binary_focal_crossentropy: binaryFocalCrossentropy as KerasLossFn,
  categorical_focal_crossentropy: categoricalFocalCrossentropy as KerasLossFn,
  kl_divergence: ((y_true, y_pred, args) => {
    checkArgs(args ?? {}, [], 'kl_divergence');
    return klDivergence(y_true, y_pred);
  }) as KerasLossFn,
};
