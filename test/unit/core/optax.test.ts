import { strict as assert } from 'assert';
import { FloatDType } from '../../../src/core/dtype';
import { DTypeError } from '../../../src/core/errors';
import { Tensor } from '../../../src/core/tensor';
import {
  callOptax,
  kl_divergence,
  kl_divergence_with_log_targets,
  poly_loss_cross_entropy,
  safe_softmax_cross_entropy,
  sigmoid_binary_cross_entropy,
  sigmoid_focal_loss,
  smooth_labels,
  softmax_cross_entropy,
  softmax_cross_entropy_with_integer_labels,
} from '../../../src/core/losses/optax';
import { assertUlps } from '../../helpers/ulps';
import { convertValues, fixtureExists, loadFixtures, runFixtureCases } from './fixtures';

/**
 * optax losses. Hand cases: expected values computed once with mpmath at 60 digits from the
 * inputs written here (formulas of optax/losses/_classification.py and _smoothing.py), then
 * metamorphic identities, then every case of test/fixtures/exact/optax.json.
 */

const f32 = (v: unknown): Tensor => Tensor.fromNested(v as number[], 'float32');
const f64 = (v: unknown): Tensor => Tensor.fromNested(v as number[], 'float64');
const i32 = (v: unknown): Tensor => Tensor.fromNested(v as number[], 'int32');
const bool = (v: unknown): Tensor => Tensor.fromNested(v as number[], 'bool');
const values = (t: Tensor): number[] => Array.from(t.data);

function near(t: Tensor, expected: number[], dtype: FloatDType, what: string, tol = 4): void {
  assert.equal(t.dtype, dtype, `${what}: dtype`);
  assertUlps(values(t), expected, dtype, tol, what);
}

function agree(a: Tensor, b: Tensor, tol: number, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  assertUlps(values(a), values(b), a.dtype as FloatDType, tol, what);
}

const X = [[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]];
const Y = [[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]];

describe('optax softmax cross-entropies (hand-checked exact values)', () => {
  it('softmax_cross_entropy with soft labels', () => {
    near(softmax_cross_entropy(f32(X), f32(Y)), [1.8461297159417336, 1.4017988567636495], 'float32', 'sce');
  });
  it('where excludes entries from the normaliser and the sum; a batch-shaped where is expanded', () => {
    const w = bool([[1, 0, 1], [1, 1, 1]]);
    near(softmax_cross_entropy(f32(X), f32(Y), { where: w }), [0.2203358146578675, 1.4017988567636495], 'float32', 'where');
    const rowMask = softmax_cross_entropy(f32(X), f32(Y), { where: bool([1, 0]) });
    assert.equal(rowMask.data[1], 0);
  });
  it('integer labels: -1 is the last class, out of range reads NaN (take_along_axis fill)', () => {
    const r = softmax_cross_entropy_with_integer_labels(f32([...X, [0, 1, 2]]), i32([2, -1, 7]));
    near(r, [1.9761297404998142, 0.6517987717734216, NaN], 'float32', 'int');
    assert.throws(() => softmax_cross_entropy_with_integer_labels(f32(X), f32([0, 1])), DTypeError);
  });
  it('a zero label at a -inf logit is NaN; safe_softmax_cross_entropy gives the finite value', () => {
    const x = f32([[-Infinity, 2, 0.5]]);
    assert.ok(Number.isNaN(softmax_cross_entropy(x, f32([[0, 1, 0]])).data[0]));
    near(safe_softmax_cross_entropy(x, f32([[0, 1, 0]])), [0.2014132779827524], 'float32', 'safe');
  });
  it('tuple axis and axis=None', () => {
    const x = f32([[[1, 2], [3, 4]], [[0, 0], [0, 0]]]);
    const y = f32([[[0, 0], [0, 1]], [[0.25, 0.25], [0.25, 0.25]]]);
    const r = softmax_cross_entropy(x, y, { axis: [1, 2] });
    assert.deepEqual([...r.shape], [2]);
    near(r, [0.4401896985611957, Math.log(4)], 'float32', 'tuple axis');
    const all = softmax_cross_entropy(x, y, { axis: null });
    assert.deepEqual([...all.shape], []);
    const yi = softmax_cross_entropy_with_integer_labels(x, i32([3, 0]), { axis: [1, 2] });
    agree(yi, r, 1, 'integer labels over a tuple axis');
  });
});

describe('optax sigmoid, focal, poly, KL, smoothing (hand-checked)', () => {
  const fx = [0.5, -1.5, 3, -20, 8, -0.25];
  const fy = [1, 0, 1, 0, 1, 0.5];
  it('sigmoid_binary_cross_entropy', () => {
    near(
      sigmoid_binary_cross_entropy(f32(fx), f32(fy)),
      [0.4740769841801067, 0.2014132779827524, 0.04858735157374206, 2.061153620314381e-9, 0.00033540637289576885, 0.7009394198788436],
      'float32',
      'sbce',
    );
  });
  it('sigmoid_focal_loss with alpha = 0.25 (float32) and gamma = 1.5 (float64)', () => {
    near(
      sigmoid_focal_loss(f32(fx), f32(fy), { alpha: 0.25 }),
      [0.01689337262937591, 0.005027135194931743, 2.7320831124249382e-5, 6.567383038181427e-27, 9.429925857328176e-12, 0.08761742748485545],
      'float32',
      'focal',
    );
    near(
      sigmoid_focal_loss(f64(fx), f64(fy), { gamma: 1.5 }),
      [0.10997512964790018, 0.01569338034793184, 0.0005018179943883703, 1.9287498400130184e-22, 2.0597714283079456e-9, 0.2478195084986475],
      'float64',
      'focal f64',
    );
  });
  it('poly_loss_cross_entropy: epsilon = -1 keeps the cancelled (1 - p)^2 / 2 digits', () => {
    const onehot = f32([[1, 0, 0], [0, 1, 0]]);
    near(poly_loss_cross_entropy(f32([[12, 0, -3], X[0]]), onehot, { epsilon: -1 }), [2.0801810753785326e-11, 1.3788105913771125], 'float32', 'poly -1');
    near(poly_loss_cross_entropy(f32(X), f32(Y)), [3.371169786894309, 2.6975773828170047], 'float32', 'poly 2');
  });
  it('kl_divergence of nearly equal float64 distributions', () => {
    const lp = f64([
      [-1.6094374124342254, -1.203973137659325, -0.6931471805599453],
      [-1.6094379124341003, -1.2039728043259361, -0.6931471805599453],
    ]);
    near(kl_divergence(lp, f64([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]])), [4.1707730193214084e-14, 7.75339754505959e-18], 'float64', 'kl');
    const lt = f64([[-1.6094379124341003, -1.2039728043259361, -0.6931471805599453]]);
    near(kl_divergence_with_log_targets(f64([[-1.6094374124342254, -1.203973137659325, -0.6931471805599453]]), lt), [4.1699976783004534e-14], 'float64', 'kl log targets');
  });
  it('smooth_labels: (1 - alpha) y + alpha / C with the constants in float32', () => {
    const a = 0.9333333112299442;
    const b = 0.03333333507180214;
    near(smooth_labels(f32([[0, 1, 0], [1, 0, 0]]), 0.1), [b, a, b, a, b, b], 'float32', 'smooth');
  });
});

describe('optax metamorphic identities', () => {
  const rows = [[2.5, -1, 0.25, 7], [88.8, 89.5, -3, 0], [1e4, -1e4, 999, 1], [-2, -2, -2, -2], [0.1, 20.3, 5, -7]];
  const labels = [3, 1, 2, 0, 0];
  const oneHot = labels.map((c) => [0, 1, 2, 3].map((i) => (i === c ? 1 : 0)));
  for (const dtype of ['float32', 'float64'] as const) {
    const x = Tensor.fromNested(rows, dtype);
    it(`integer-label CE equals dense CE with one-hot labels (${dtype})`, () => {
      agree(softmax_cross_entropy_with_integer_labels(x, i32(labels)), softmax_cross_entropy(x, Tensor.fromNested(oneHot, dtype)), 1, 'int vs dense');
    });
    it(`focal loss with gamma = 0 and no alpha equals sigmoid BCE (${dtype})`, () => {
      const z = Tensor.fromNested([-30, -2, 0, 0.5, 17], dtype);
      const y = Tensor.fromNested([0, 1, 0.5, 0.25, 1], dtype);
      agree(sigmoid_focal_loss(z, y, { gamma: 0 }), sigmoid_binary_cross_entropy(z, y), 0, 'focal gamma 0');
    });
    it(`poly loss with epsilon = 0 equals softmax_cross_entropy (${dtype})`, () => {
      const y = Tensor.fromNested(oneHot, dtype);
      agree(poly_loss_cross_entropy(x, y, { epsilon: 0 }), softmax_cross_entropy(x, y), 1, 'poly 0');
    });
  }
  it('kl_divergence of a distribution with itself is 0', () => {
    const p = f64([[0.1, 0.2, 0.7]]);
    const lp = f64([[Math.log(0.1), Math.log(0.2), Math.log(0.7)]]);
    // log_predictions are the rounded logs, so the exact KL is tiny but not 0: within 1e-16 of 0
    assert.ok(Math.abs(kl_divergence(lp, p).data[0]) < 1e-16);
    assert.equal(kl_divergence(f64([[-1, -2]]), f64([[0, 0]])).data[0], 0);
  });
  it('callOptax binds positional and keyword arguments by name', () => {
    agree(callOptax('optax.losses.sigmoid_focal_loss', { logits: f32([0.5]), labels: f32([1]) }, { alpha: 0.25 }), sigmoid_focal_loss(f32([0.5]), f32([1]), { alpha: 0.25 }), 0, 'focal');
    agree(callOptax('optax.smooth_labels', { labels: f32([[0, 1]]), alpha: 0.1 }), smooth_labels(f32([[0, 1]]), 0.1), 0, 'smooth');
    assert.throws(() => callOptax('optax.softmax_cross_entropy', { logits: f32([[1]]), labels: f32([[1]]) }, { gamma: 2 }), /unexpected keyword argument 'gamma'/);
  });
});

describe('optax exact fixtures (test/fixtures/exact/optax.json)', () => {
  if (!fixtureExists('optax')) {
    it.skip('optax.json not generated yet');
    return;
  }
  runFixtureCases(loadFixtures('optax').cases, (c) => callOptax(c.op, convertValues(c.args), convertValues(c.kwargs)));
});

describe('optax: seeded random sets (test/fixtures/exact/random/optax.json)', () => {
  runFixtureCases(loadFixtures('random/optax').cases, (c) => callOptax(c.op, convertValues(c.args), convertValues(c.kwargs)));
});
