import { strict as assert } from 'assert';
import { FloatDType } from '../../../src/core/dtype';
import { DTypeError, ShapeError, ValueError } from '../../../src/core/errors';
import { Tensor } from '../../../src/core/tensor';
import {
  binary_cross_entropy,
  binary_cross_entropy_with_logits,
  callTorch,
  constructLoss,
  cross_entropy,
  kl_div,
  log_softmax,
  nll_loss,
  softmax,
} from '../../../src/core/losses/torch';
import { assertUlps } from '../../helpers/ulps';
import { convertValues, fixtureExists, loadFixtures, runFixtureCases } from './fixtures';

/**
 * PyTorch losses. Hand cases: expected values computed once with mpmath at 60 digits from the
 * float32/float64 inputs written here (the script's formulas follow LossNLL.cpp / Loss.cpp), so the
 * tests need no Python. Then metamorphic identities, then every case of test/fixtures/exact/torch.json.
 */

const f32 = (v: unknown): Tensor => Tensor.fromNested(v as number[], 'float32');
const f64 = (v: unknown): Tensor => Tensor.fromNested(v as number[], 'float64');
const i64 = (v: unknown): Tensor => Tensor.fromNested(v as number[], 'int64');
const values = (t: Tensor): number[] => Array.from(t.data);

function near(t: Tensor, expected: number | number[], dtype: FloatDType, what: string, tol = 4): void {
  assert.equal(t.dtype, dtype, `${what}: dtype`);
  assertUlps(values(t), Array.isArray(expected) ? expected : [expected], dtype, tol, what);
}

/** Two tensors agree within `tol` ulps elementwise (metamorphic checks). */
function agree(a: Tensor, b: Tensor, tol: number, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  assertUlps(values(a), values(b), a.dtype as FloatDType, tol, what);
}

const X2 = [[0.3, -1.7, 2], [0, 0.1, -0.2], [5, 4, -3.5]];
const W2 = [0.2, 0.3, 0.5];

describe('torch cross_entropy (hand-checked exact values)', () => {
  it('class indices, mean', () => {
    near(cross_entropy(f32([[1, 2, 3], [1, -1, 0.5]]), i64([2, 0])), 0.48128144204318546, 'float32', 'ce');
  });
  it('weight + ignore_index: mean divides by the weights of non-ignored targets', () => {
    near(cross_entropy(f32(X2), i64([2, 1, 0]), { weight: f32(W2), ignore_index: 1 }), 0.22417092689260715, 'float32', 'ce');
  });
  it('label smoothing with weight and ignore_index (smoothing term weighted, same denominator)', () => {
    const opts = { weight: f32(W2), ignore_index: 1, label_smoothing: 0.1 };
    near(cross_entropy(f32(X2), i64([2, 1, 0]), opts), 0.5113674452054621, 'float32', 'ce mean');
    near(cross_entropy(f32(X2), i64([2, 1, 0]), { ...opts, reduction: 'none' }), [0.13942964774639305, 0, 0.21852756542142412], 'float32', 'ce none');
  });
  it('probability targets with weight and label smoothing: mean divides by N, not the weights', () => {
    const y = f32([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25], [0, 0, 1]]);
    near(cross_entropy(f32(X2), y, { weight: f32(W2), label_smoothing: 0.2 }), 1.6397638435869566, 'float32', 'ce prob');
  });
  it('N-d input [N, C, d] with weight', () => {
    const x = f32([[[1, -0.5], [2, 0], [0.25, 3]], [[0, 0], [1, 1], [-1.5, 2]]]);
    const t = i64([[0, 2], [1, 2]]);
    const none = cross_entropy(x, t, { weight: f32(W2), reduction: 'none' });
    assert.deepEqual([...none.shape], [2, 2]);
    near(none, [0.2865710976459958, 0.03847332227096303, 0.11146171398489527, 0.20380298222219015], 'float32', 'nd none');
    near(cross_entropy(x, t, { weight: f32(W2) }), 0.4268727398420965, 'float32', 'nd mean');
  });
  it('unbatched [C] input with a 0-d target', () => {
    const r = cross_entropy(f32([0.5, -0.5, 2]), Tensor.scalar(1, 'int64'));
    assert.deepEqual([...r.shape], []);
    near(r, 2.7663678998071335, 'float32', 'unbatched');
  });
  it('float64: a loss carried by one small exp term keeps full precision (0.1 - 20.3 is inexact)', () => {
    near(cross_entropy(f64([[20.3, 0.1]]), i64([0])), 1.687529856084651e-9, 'float64', 'f64', 2);
  });
  it('-inf masked logits: finite for class indices, inf with label smoothing, NaN for a zero probability target', () => {
    const x = f32([[-Infinity, 2, 0.5]]);
    near(cross_entropy(x, i64([1])), 0.2014132779827524, 'float32', 'masked');
    assert.equal(cross_entropy(x, i64([1]), { label_smoothing: 0.1 }).data[0], Infinity);
    assert.ok(Number.isNaN(cross_entropy(x, f32([[0, 1, 0]])).data[0]));
  });
  it('hard logits: float32 exp overflow range and +-1e4', () => {
    const x = f32([[88.8, 0], [0, 89.5], [1e4, -1e4]]);
    const r = cross_entropy(x, i64([1, 0, 1]), { reduction: 'none' });
    near(r, [Math.fround(88.8), 89.5, 2e4], 'float32', 'hard'); // + log1p(e^-88.8) is far below an ulp
  });
  it('empty batch: mean is NaN, sum is 0', () => {
    const x = new Tensor('float32', [0, 3], new Float32Array(0));
    const t = new Tensor('int64', [0], new Float64Array(0));
    assert.ok(Number.isNaN(cross_entropy(x, t).data[0]));
    assert.equal(cross_entropy(x, t, { reduction: 'sum' }).data[0], 0);
    assert.deepEqual([...cross_entropy(x, t, { reduction: 'none' }).shape], [0]);
  });
  it('all targets ignored: mean is 0/0 = NaN', () => {
    assert.ok(Number.isNaN(cross_entropy(f32([[1, 2]]), i64([-100])).data[0]));
  });
  it('errors: out-of-range target, float prob target with ignore_index >= 0, smoothing > 1, shapes', () => {
    assert.throws(() => cross_entropy(f32([[1, 2]]), i64([2])), (e: Error) => e instanceof ValueError && /Target 2 is out of bounds/.test(e.message));
    assert.throws(() => cross_entropy(f32([[1, 2]]), f32([[0, 1]]), { ignore_index: 1 }), /ignore_index is not supported for floating point target/);
    assert.throws(() => cross_entropy(f32([[1, 2]]), i64([1]), { label_smoothing: 1.5 }), /label_smoothing must be between 0.0 and 1.0/);
    assert.throws(() => cross_entropy(f32([[1, 2], [3, 4]]), i64([1])), /Expected input batch_size \(2\) to match target batch_size \(1\)/);
    assert.throws(() => cross_entropy(f32([[1, 2]]), i64([[1, 0]])), (e: Error) => e instanceof DTypeError && /floating point type/.test(e.message));
    assert.throws(() => cross_entropy(f32([[1, 2]]), i64([1]), { weight: f32([1, 2, 3]) }), (e: Error) => e instanceof ShapeError && /\[3\]/.test(e.message));
    assert.throws(() => cross_entropy(f32([[1, 2]]), i64([1]), { reduction: 'avg' }), /avg is not a valid value for reduction/);
  });
});

describe('torch nll_loss, BCE, BCE with logits, kl_div, softmax (hand-checked)', () => {
  it('nll_loss with weight, mean', () => {
    const lp = f32([[-0.1, -2.5, -3.0], [-1.2, -0.4, -2.2]]);
    near(nll_loss(lp, i64([0, 2]), { weight: f32(W2) }), 1.6000000280993325, 'float32', 'nll');
  });
  it('binary_cross_entropy: weight, log clamped at -100', () => {
    const x = f32([0.2, 0, 1, 0.999, 1e-10]);
    const y = f32([1, 1, 0, 0.25, 0]);
    const w = f32([1, 2, 3, 0.5, 1]);
    near(binary_cross_entropy(x, y, { weight: w, reduction: 'none' }), [1.6094378975329393, 200, 300, 2.590538118556369, 1.0000000134014319e-10], 'float32', 'bce none');
    near(binary_cross_entropy(x, y, { weight: w }), 100.83999520323786, 'float32', 'bce mean');
    assert.throws(() => binary_cross_entropy(f32([1.5]), f32([1])), /all elements of input should be between 0 and 1/);
    assert.throws(() => binary_cross_entropy(f32([0.5, 0.5]), f32([1])), /Using a target size \(torch.Size\(\[1\]\)\) that is different to the input size \(torch.Size\(\[2\]\)\)/);
  });
  it('binary_cross_entropy_with_logits: pos_weight over the last dim, weight broadcast, hard logits', () => {
    const x = f32([[88.8, -89.5, 1e4], [-1e4, 0.3, -2.0]]);
    const y = f32([[1, 0, 0.5], [1, 0.25, 0]]);
    const opts = { pos_weight: f32([2, 0.5, 1]), weight: f32([[0.7], [1.3]]) };
    near(
      binary_cross_entropy_with_logits(x, y, { ...opts, reduction: 'none' }),
      [3.8086995088157115e-39, 9.45674987284348e-40, 3499.999940395355, 25999.999046325684, 0.9230790625769323, 0.16500640830346502],
      'float32',
      'bcel none',
    );
    near(binary_cross_entropy_with_logits(x, y, opts), 4916.84784536532, 'float32', 'bcel mean');
    assert.throws(() => binary_cross_entropy_with_logits(f32([1, 2]), f32([[1, 2]])), /Target size \(torch.Size\(\[1, 2\]\)\) must be the same as input size \(torch.Size\(\[2\]\)\)/);
  });
  it('kl_div float64 of nearly equal distributions: batchmean, mean, none, log_target', () => {
    const inp = f64([
      [-1.6094374124342254, -1.203973137659325, -0.6931471805599453],
      [-1.6094379124341003, -1.2039728043259361, -0.6931471805599453],
    ]);
    const p = f64([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]]);
    near(kl_div(inp, p, { reduction: 'batchmean' }), 2.085774179537957e-14, 'float64', 'batchmean');
    near(kl_div(inp, p), 6.952580598459857e-15, 'float64', 'mean');
    near(
      kl_div(inp, p, { reduction: 'none' }),
      [-9.99999749748043e-8, 1.0000001669412972e-7, -1.1595234069231498e-17, -7.45793313592024e-18, 2.6806564750211327e-17, -1.1595234069231498e-17],
      'float64',
      'none',
    );
    const lt = f64([[-1.6094379124341003, -1.2039728043259361, -0.6931471805599453]]); // log p, correctly rounded
    const row0 = f64([[-1.6094374124342254, -1.203973137659325, -0.6931471805599453]]);
    near(kl_div(row0, lt, { reduction: 'sum', log_target: true }), 4.1699976783004534e-14, 'float64', 'log_target');
  });
  it('kl_div: 0 log 0 = 0, but a zero target against -inf is NaN', () => {
    assert.equal(kl_div(f32([-1, -2]), f32([0, 1]), { reduction: 'none' }).data[0], 0);
    assert.ok(Number.isNaN(kl_div(f32([-Infinity]), f32([0]), { reduction: 'sum' }).data[0]));
  });
  it('softmax / log_softmax along dim 1', () => {
    const x = f32([[1e4, 0, -1e4], [1, 2, 3]]);
    near(log_softmax(x, 1), [0, -1e4, -2e4, -2.40760596444438, -1.4076059644443804, -0.4076059644443803], 'float32', 'log_softmax');
    near(softmax(x, 1), [1, 0, 0, 0.09003057317038046, 0.24472847105479764, 0.6652409557748219], 'float32', 'softmax');
    near(softmax(x, -1), values(softmax(x, 1)), 'float32', 'negative dim');
  });
});

describe('torch metamorphic identities', () => {
  const rows = [[2.5, -1, 0.25, 7], [88.8, 89.5, -3, 0], [1e3, -1e3, 999, 1], [-2, -2, -2, -2]];
  const labels = [3, 1, 2, 0];
  const oneHot = labels.map((c) => [0, 1, 2, 3].map((i) => (i === c ? 1 : 0)));
  for (const dtype of ['float32', 'float64'] as const) {
    const x = Tensor.fromNested(rows, dtype);
    it(`class-index CE equals CE with one-hot probability targets (${dtype})`, () => {
      for (const reduction of ['none', 'sum', 'mean'] as const) {
        agree(cross_entropy(x, i64(labels), { reduction }), cross_entropy(x, Tensor.fromNested(oneHot, dtype), { reduction }), 2, reduction);
      }
      // with label smoothing the dense path smooths the one-hot target the same way
      agree(
        cross_entropy(x, i64(labels), { reduction: 'none', label_smoothing: 0.25 }),
        cross_entropy(x, Tensor.fromNested(oneHot, dtype), { reduction: 'none', label_smoothing: 0.25 }),
        4,
        'smoothed',
      );
    });
    it(`cross_entropy equals nll_loss(log_softmax(x, 1)) (${dtype})`, () => {
      const w = Tensor.fromNested([0.5, 1, 2, 0.25], dtype);
      for (const reduction of ['none', 'sum', 'mean'] as const) {
        agree(cross_entropy(x, i64(labels), { weight: w, reduction }), nll_loss(log_softmax(x, 1), i64(labels), { weight: w, reduction }), 4, reduction);
      }
    });
    it(`BCE with logits equals BCE(sigmoid(x)) away from the clamp (${dtype})`, () => {
      const z = Tensor.fromNested([[-3, -0.5, 0, 0.75, 4]], dtype);
      const y = Tensor.fromNested([[0, 0.25, 1, 0.5, 1]], dtype);
      const p = Tensor.fromNested([[-3, -0.5, 0, 0.75, 4].map((v) => 1 / (1 + Math.exp(-v)))], 'float64');
      const viaProb = binary_cross_entropy(p, y.cast('float64'), { reduction: 'none' });
      const direct = binary_cross_entropy_with_logits(z, y, { reduction: 'none' });
      // sigmoid(x) is rounded to float64 first, so allow that rounding (a few float64 ulps) in float64
      assertUlps(values(direct), values(viaProb), dtype, dtype === 'float64' ? 64 : 1, 'bce');
    });
  }
  it('nn.*Loss classes take the functional kwargs at construction', () => {
    const x = f32(X2);
    const t = i64([2, 1, 0]);
    const loss = constructLoss('CrossEntropyLoss', { weight: f32(W2), ignore_index: 1, label_smoothing: 0.1 });
    agree(loss(x, t), cross_entropy(x, t, { weight: f32(W2), ignore_index: 1, label_smoothing: 0.1 }), 0, 'class');
    agree(callTorch('torch.nn.KLDivLoss', { input: f32([-1, -2]), target: f32([0.5, 0.5]) }, {}, { reduction: 'sum' }), kl_div(f32([-1, -2]), f32([0.5, 0.5]), { reduction: 'sum' }), 0, 'kl class');
    assert.throws(() => constructLoss('NLLLoss', { label_smoothing: 0.1 }), /unexpected keyword argument 'label_smoothing'/);
  });
  it('legacy size_average / reduce override reduction', () => {
    const x = f32(X2);
    const t = i64([2, 1, 0]);
    agree(cross_entropy(x, t, { size_average: false }), cross_entropy(x, t, { reduction: 'sum' }), 0, 'size_average');
    agree(cross_entropy(x, t, { reduce: false, reduction: 'sum' }), cross_entropy(x, t, { reduction: 'none' }), 0, 'reduce');
  });
});

describe('torch exact fixtures (test/fixtures/exact/torch.json)', () => {
  if (!fixtureExists('torch')) {
    it.skip('torch.json not generated yet');
    return;
  }
  runFixtureCases(loadFixtures('torch').cases, (c) => callTorch(c.op, convertValues(c.args), convertValues(c.kwargs), convertValues(c.init)));
});

describe('torch: seeded random sets (test/fixtures/exact/random/torch.json)', () => {
  runFixtureCases(loadFixtures('random/torch').cases, (c) => callTorch(c.op, convertValues(c.args), convertValues(c.kwargs), convertValues(c.init)));
});
