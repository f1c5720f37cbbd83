import { strict as assert } from 'assert';
import { FloatDType } from '../../../src/core/dtype';
import { ShapeError, ValueError } from '../../../src/core/errors';
import { oneHot } from '../../../src/core/linalg';
import * as KF from '../../../src/core/losses/keras';
import {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalCrossentropy,
  KERAS_LOSS_CLASSES,
  KERAS_LOSS_FUNCTIONS,
  KLDivergence,
  SparseCategoricalCrossentropy,
} from '../../../src/core/losses/keras_classes';
import { sigmoid } from '../../../src/core/elementwise';
import { softmax } from '../../../src/core/softmax';
import { Tensor } from '../../../src/core/tensor';
import { ulpDistance } from '../../helpers/ulps';
import { FixtureCase, convertValues, loadFixtures, runFixtureCases } from './fixtures';

const T = (x: unknown, dtype: FloatDType | 'int64' = 'float32') => Tensor.fromNested(x as number[], dtype);

/** Deterministic pseudo-random values in (-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function near(actual: number, expected: number, dtype: FloatDType, tol: number, what: string): void {
  const d = ulpDistance(actual, expected, dtype);
  assert.ok(d <= tol, `${what}: got ${actual}, expected ${expected} (${d.toFixed(2)} ulps > ${tol})`);
}

function allNear(a: Tensor, b: Tensor, tol: number, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  const dtype = a.dtype as FloatDType;
  for (let i = 0; i < a.size; i++) near(a.data[i], b.data[i], dtype, tol, `${what}[${i}]`);
}

/** Runs one keras.json case through the class or function API. */
function runKeras(c: FixtureCase): Tensor {
  const name = c.op.replace(/^keras\.losses\./, '');
  const args = convertValues(c.args);
  const Cls = KERAS_LOSS_CLASSES[name];
  if (Cls) {
    const loss = new Cls(c.init);
    return loss.call(args.y_true as Tensor, args.y_pred as Tensor, (args.sample_weight as Tensor | undefined) ?? null);
  }
  const fn = KERAS_LOSS_FUNCTIONS[name];
  if (!fn) throw new Error(`no Keras loss named ${name}`);
  return fn(args.y_true as Tensor, args.y_pred as Tensor, convertValues(c.kwargs));
}

describe('Keras 3 losses: exact fixtures (test/fixtures/exact/keras.json)', () => {
  const file = loadFixtures('keras');
  it('has cases', () => assert.ok(file.cases.length > 0));
  runFixtureCases(file.cases, runKeras);
});

describe('Keras 3 losses: seeded random sets (test/fixtures/exact/random/keras.json)', () => {
  runFixtureCases(loadFixtures('random/keras').cases, runKeras);
});

describe('Keras 3 losses: hand-checked values (mpmath, 60 digits)', () => {
  it('float32 clip bounds: -log(float32(1 - 1e-7)) and -log(float32(1e-7))', () => {
    const r = new CategoricalCrossentropy({ reduction: null }).call(T([[1, 0], [0, 1]]), T([[1, 0], [1, 0]]));
    near(r.data[0], 1.1920929665620916e-7, 'float32', 1, 'hi');
    near(r.data[1], 16.118095639272223, 'float32', 1, 'eps');
  });

  it('float64 categorical on an unnormalised row with a clipped entry', () => {
    const r = KF.categoricalCrossentropy(T([[0, 0.25, 0.75]], 'float64'), T([[0.5, 0.25, 1e-12]], 'float64'));
    near(r.data[0], 12.3632248103861, 'float64', 4, 'cce64');
  });

  it('float64 KL of two close distributions keeps its 1.8e-16 exactly (terms cancel)', () => {
    const r = KF.klDivergence(T([[0.3, 0.7]], 'float64'), T([[0.30000001, 0.69999999]], 'float64'));
    near(r.data[0], 1.825840827968867e-16, 'float64', 4, 'kl');
    const same = KF.klDivergence(T([[0.3, 0.7]], 'float64'), T([[0.3, 0.7]], 'float64'));
    assert.equal(same.data[0], 0);
  });

  it('float64 binary focal from logits (TF fused bce, balanced, gamma 2.5)', () => {
    const r = new BinaryFocalCrossentropy({ from_logits: true, gamma: 2.5, apply_class_balancing: true, alpha: 0.3, dtype: 'float64' }).call(
      T([[1, 0]], 'float64'),
      T([[3.5, -40]], 'float64'),
    );
    near(r.data[0], 6.564573453840447e-7, 'float64', 4, 'bfce');
  });

  it('sparse on probabilities: TF renormalises after clipping, jax/torch/numpy before', () => {
    const y = T([1], 'int64');
    const p = T([[1, 0, 0]], 'float64');
    const tf = KF.sparseCategoricalCrossentropy(y, p);
    const jax = KF.sparseCategoricalCrossentropy(y, p, {}, { backend: 'jax' });
    near(tf.data[0], 16.118095750958314, 'float64', 4, 'tf');
    near(jax.data[0], 16.11809565095832, 'float64', 4, 'jax');
    // away from the bounds both are log(sum p) - log(p_c)
    const q = T([[0.2, 0.2, 0.1]], 'float64');
    near(KF.sparseCategoricalCrossentropy(y, q).data[0], 0.9162907318741551, 'float64', 4, 'tf unclipped');
    near(KF.sparseCategoricalCrossentropy(y, q, {}, { backend: 'numpy' }).data[0], 0.9162907318741551, 'float64', 4, 'np unclipped');
  });
});

describe('Keras 3 losses: metamorphic properties', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const next = rng(dtype === 'float32' ? 7 : 11);
    const logits = Tensor.fill(dtype, [12, 6], () => next() * 6);
    const labels = Tensor.fill('int64', [12], (i) => (i * 5) % 6);
    const onehot = oneHot(labels, 6, { dtype });

    it(`${dtype}: SparseCategoricalCrossentropy equals CategoricalCrossentropy with one-hot labels (from_logits)`, () => {
      for (const reduction of ['none', 'sum', 'sum_over_batch_size'] as const) {
        const s = new SparseCategoricalCrossentropy({ from_logits: true, reduction, dtype }).call(labels, logits);
        const c = new CategoricalCrossentropy({ from_logits: true, reduction, dtype }).call(onehot, logits);
        allNear(s, c, 1, `scce vs cce ${reduction}`);
      }
    });

    it(`${dtype}: sparse equals categorical with one-hot labels on probabilities (all backends, away from the clip bounds)`, () => {
      const p = softmax(logits);
      for (const backend of ['tensorflow', 'jax'] as const) {
        const s = KF.sparseCategoricalCrossentropy(labels, p, {}, { backend });
        const c = KF.categoricalCrossentropy(onehot, p);
        allNear(s, c, 2, `${backend}`);
      }
    });

    it(`${dtype}: from_logits=True on logits equals from_logits=False on softmax(logits)`, () => {
      const a = KF.categoricalCrossentropy(onehot, logits, { from_logits: true });
      const b = KF.categoricalCrossentropy(onehot, softmax(logits));
      // softmax is rounded to the dtype, which moves -log(p) by up to ~ulp(p)/p
      allNear(b, a, 4, 'cce logits vs probs');
    });

    it(`${dtype}: binary from_logits=True equals from_logits=False on sigmoid(x) (no clipping)`, () => {
      // |x| < 1 keeps p and 1 - p well conditioned: rounding sigmoid(x) to the dtype moves
      // -log(1 - p) by ulp(p) / (1 - p), many ulps of the loss once 1 - p is small
      const x = Tensor.fill(dtype, [4, 5], () => next());
      const y = Tensor.fill(dtype, [4, 5], () => (next() > 0 ? 1 : 0));
      const a = KF.binaryCrossentropy(y, x, { from_logits: true });
      const b = KF.binaryCrossentropy(y, sigmoid(x));
      allNear(b, a, 4, 'bce logits vs probs');
    });

    it(`${dtype}: focal losses with gamma=0 (and alpha=1) reduce to the plain cross-entropies`, () => {
      const p = softmax(logits);
      allNear(KF.categoricalFocalCrossentropy(onehot, p, { gamma: 0, alpha: 1 }), KF.categoricalCrossentropy(onehot, p), 1, 'cfce');
      const x = Tensor.fill(dtype, [3, 4], () => next() * 3);
      const y = Tensor.fill(dtype, [3, 4], () => (next() + 1) / 2);
      allNear(KF.binaryFocalCrossentropy(y, x, { gamma: 0, from_logits: true }), KF.binaryCrossentropy(y, x, { from_logits: true }), 1, 'bfce');
    });

    it(`${dtype}: reductions agree: sum = N * sum_over_batch_size, unit weights change nothing, mean_with_sample_weight divides by sum(w)`, () => {
      const none = new CategoricalCrossentropy({ from_logits: true, reduction: 'none', dtype }).call(onehot, logits);
      let s = 0;
      for (const v of none.data) s += v;
      const sum = new CategoricalCrossentropy({ from_logits: true, reduction: 'sum', dtype }).call(onehot, logits).data[0];
      const sobs = new CategoricalCrossentropy({ from_logits: true, dtype }).call(onehot, logits).data[0];
      near(sum, s, dtype, 2, 'sum');
      near(sobs, sum / 12, dtype, 2, 'sobs');
      const ones = Tensor.fill(dtype, [12], () => 1);
      assert.equal(new CategoricalCrossentropy({ from_logits: true, dtype }).call(onehot, logits, ones).data[0], sobs);
      const twos = Tensor.fill(dtype, [12], () => 2);
      const mws = new CategoricalCrossentropy({ from_logits: true, reduction: 'mean_with_sample_weight', dtype }).call(onehot, logits, twos).data[0];
      near(mws, sobs, dtype, 1, 'mean_with_sample_weight');
    });
  }

  it('ignore_class: sum_over_batch_size divides by the number of kept entries', () => {
    const y = T([0, 2, -1, 1], 'int64');
    const x = T([[1, 2, 3], [0.5, 0, -1], [9, 9, 9], [2, 1, 0]]);
    const kept = new SparseCategoricalCrossentropy({ from_logits: true, reduction: 'none' }).call(T([0, 2, 1], 'int64'), T([[1, 2, 3], [0.5, 0, -1], [2, 1, 0]]));
    const mean = new SparseCategoricalCrossentropy({ from_logits: true, ignore_class: -1 }).call(y, x).data[0];
    near(mean, (kept.data[0] + kept.data[1] + kept.data[2]) / 3, 'float32', 1, 'masked mean');
    const none = new SparseCategoricalCrossentropy({ from_logits: true, ignore_class: -1, reduction: 'none' }).call(y, x);
    assert.equal(none.data[2], 0);
  });
});

describe('Keras 3 losses: argument handling', () => {
  it('Loss classes compute in floatx (float32) unless dtype is given; functions keep y_pred dtype', () => {
    const y = T([[0, 1]], 'float64');
    const p = T([[0.25, 0.75]], 'float64');
    assert.equal(new CategoricalCrossentropy().call(y, p).dtype, 'float32');
    assert.equal(new CategoricalCrossentropy({ dtype: 'float64' }).call(y, p).dtype, 'float64');
    assert.equal(KF.categoricalCrossentropy(y, p).dtype, 'float64');
    assert.equal(new KLDivergence({ dtype: 'float64' }).call(y, p).dtype, 'float64');
  });

  it('rejects unknown keyword arguments, bad reductions and boolean axes', () => {
    assert.throws(() => new BinaryCrossentropy({ from_logit: true } as never), ValueError);
    assert.throws(() => new BinaryCrossentropy({ reduction: 'auto' }), /Invalid value for argument `reduction`/);
    assert.throws(() => KF.categoricalCrossentropy(T([[0, 1]]), T([[0.5, 0.5]]), { axis: true as never }), /must be of type `int`/);
  });

  it('shape errors name both shapes', () => {
    assert.throws(
      () => KF.categoricalCrossentropy(T([[0, 1, 0]]), T([[0.5, 0.5]])),
      (e: unknown) => e instanceof ShapeError && /\(1, 3\)/.test(e.message) && /\(1, 2\)/.test(e.message),
    );
    assert.throws(() => KF.sparseCategoricalCrossentropy(T([[1, 0]], 'int64'), T([[0.5, 0.5]])), ShapeError);
  });

  it('TF backend sparse supports only the last axis; jax accepts axis=0', () => {
    const p = T([[0.5, 0.2], [0.5, 0.8]]);
    assert.throws(() => KF.sparseCategoricalCrossentropy(T([0, 1], 'int64'), p, { axis: 0 }), /Only axis=-1/);
    const r = KF.sparseCategoricalCrossentropy(T([0, 1], 'int64'), p, { axis: 0 }, { backend: 'jax' });
    near(r.data[0], -Math.log(Math.fround(0.5)), 'float32', 1, 'col 0');
  });

  it('categorical focal alpha may be a per-class list', () => {
    const y = T([[0, 1, 0]]);
    const p = T([[0.2, 0.5, 0.3]]);
    const a = KF.categoricalFocalCrossentropy(y, p, { alpha: [0.1, 0.6, 0.3], gamma: 1 });
    near(a.data[0], Math.fround(0.6) * 0.5 * -Math.log(0.5), 'float32', 1, 'alpha list');
  });

  it('numpy backend clips sigmoid(x) in binary from_logits; tensorflow does not', () => {
    const y = T([[1]]);
    const x = T([[-40]]);
    near(KF.binaryCrossentropy(y, x, { from_logits: true }).data[0], 40, 'float32', 1, 'tf');
    near(KF.binaryCrossentropy(y, x, { from_logits: true }, { backend: 'numpy' }).data[0], 16.118095639272223, 'float32', 1, 'numpy');
  });
});
