import { strict as assert } from 'assert';
import { ShapeError } from '../../../src/core/errors';
import { Reduction, tfV1ComputeWeightedLoss } from '../../../src/core/losses/reduction';
import { TF_V1_LOSSES, logLoss, sigmoidCrossEntropy, softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from '../../../src/core/losses/tf_v1';
import { Tensor } from '../../../src/core/tensor';
import { ulpDistance } from '../../helpers/ulps';
import { FixtureCase, convertValues, loadFixtures, runFixtureCases } from './fixtures';

const T = (x: unknown, dtype: 'float32' | 'float64' | 'int64' = 'float32') => Tensor.fromNested(x as number[], dtype);

/** Positional argument names of each tf.compat.v1.losses function, in signature order. */
const POSITIONAL: Record<string, [string, string]> = {
  softmax_cross_entropy: ['onehot_labels', 'logits'],
  sparse_softmax_cross_entropy: ['labels', 'logits'],
  sigmoid_cross_entropy: ['multi_class_labels', 'logits'],
  log_loss: ['labels', 'predictions'],
};

function runV1(c: FixtureCase): Tensor {
  const name = c.op.replace(/^tf\.compat\.v1\.losses\./, '');
  const fn = TF_V1_LOSSES[name];
  const [a, b] = POSITIONAL[name];
  const args = convertValues(c.args);
  return fn(args[a] as Tensor, args[b] as Tensor, convertValues(c.kwargs));
}

describe('tf.compat.v1.losses: exact fixtures (test/fixtures/exact/tf.json)', () => {
  const cases = loadFixtures('tf').cases.filter((c) => c.op.startsWith('tf.compat.v1.losses.'));
  it('has tf.compat.v1.losses cases', () => assert.ok(cases.length > 0));
  runFixtureCases(cases, runV1);
});

describe('tf.compat.v1.losses: semantics', () => {
  const onehot = T([[0, 1, 0], [0, 0, 1]]);
  const logits = T([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]]);

  it('Reduction keys are the losses_impl.py strings; the default is weighted_sum_by_nonzero_weights', () => {
    assert.equal(Reduction.SUM_BY_NONZERO_WEIGHTS, 'weighted_sum_by_nonzero_weights');
    assert.equal(Reduction.SUM_OVER_NONZERO_WEIGHTS, Reduction.SUM_BY_NONZERO_WEIGHTS);
    const w = T([0, 3]);
    const dflt = softmaxCrossEntropy(onehot, logits, { weights: w }).data[0];
    const none = softmaxCrossEntropy(onehot, logits, { weights: w, reduction: 'none' });
    // one non-zero weight: the weighted sum divided by 1
    assert.equal(dflt, none.data[1]);
    assert.throws(() => softmaxCrossEntropy(onehot, logits, { reduction: 'mean' }), /Invalid Reduction Key mean/);
  });

  it('weighted_mean divides by the sum of broadcast weights; div_no_nan gives 0 for zero weights', () => {
    const per = softmaxCrossEntropy(onehot, logits, { reduction: 'none' });
    const m = softmaxCrossEntropy(onehot, logits, { weights: T([1, 3]), reduction: 'weighted_mean' }).data[0];
    assert.ok(ulpDistance(m, Math.fround((per.data[0] + 3 * per.data[1]) / 4), 'float32') <= 1);
    for (const r of ['weighted_mean', 'weighted_sum_by_nonzero_weights', 'weighted_sum']) {
      assert.equal(softmaxCrossEntropy(onehot, logits, { weights: 0, reduction: r }).data[0], 0);
    }
  });

  it('float64 inputs come back float64 holding a float32 value (compute_weighted_loss casts to float32)', () => {
    const r = softmaxCrossEntropy(onehot.cast('float64'), logits.cast('float64'), { reduction: 'none' });
    assert.equal(r.dtype, 'float64');
    for (const v of r.data) assert.equal(v, Math.fround(v));
    const s = sigmoidCrossEntropy(onehot.cast('float64'), logits.cast('float64'));
    assert.equal(s.data[0], Math.fround(s.data[0]));
  });

  it('log_loss always returns float32, p + eps rounded to float32 inside both logs (as TF computes)', () => {
    const r = logLoss(T([[1, 0]], 'float64'), T([[1, 0]], 'float64'), { reduction: 'none' });
    assert.equal(r.dtype, 'float32');
    // float32(1 + float32(1e-7)) = 1 + 2^-23; -log(1 + 2^-23) = -1.1920928244535446e-7 (mpmath), as TF prints
    const want = Math.fround(-1.1920928244535446e-7);
    assert.equal(r.data[0], want);
    assert.equal(r.data[1], want);
  });

  it('sparse: labels [B, 1] are squeezed; weights one rank above the labels are squeezed too', () => {
    const a = sparseSoftmaxCrossEntropy(T([1, 2], 'int64'), logits, { weights: T([2, 1]), reduction: 'weighted_sum' });
    const b = sparseSoftmaxCrossEntropy(T([[1], [2]], 'int64'), logits, { weights: T([[2], [1]]), reduction: 'weighted_sum' });
    assert.equal(a.data[0], b.data[0]);
    assert.equal(a.data[0], softmaxCrossEntropy(onehot, logits, { weights: T([2, 1]), reduction: 'weighted_sum' }).data[0]);
  });

  it('label smoothing: softmax towards 1/num_classes, sigmoid towards 1/2', () => {
    // with label_smoothing = 1 every class gets 1/3: the loss is logsumexp - mean(logits)
    const r = softmaxCrossEntropy(T([[0, 1, 0]]), T([[0, 0, 0]]), { label_smoothing: 1, reduction: 'none' });
    assert.ok(ulpDistance(r.data[0], Math.fround(Math.log(3)), 'float32') <= 1);
    const s = sigmoidCrossEntropy(T([[1, 0]]), T([[0, 0]]), { label_smoothing: 1, reduction: 'none' });
    assert.ok(ulpDistance(s.data[0], Math.fround(Math.LN2), 'float32') <= 1);
  });

  it('weights must be scalar or of the losses rank with dims 1 or equal (both shapes in the message)', () => {
    assert.throws(
      () => softmaxCrossEntropy(onehot, logits, { weights: T([[1], [2]]) }),
      (e: unknown) => e instanceof ShapeError && /values\.shape=\[2\]/.test(e.message) && /weights\.shape=\[2, 1\]/.test(e.message),
    );
    assert.throws(() => sigmoidCrossEntropy(onehot, logits, { weights: T([[1, 2]]) }), /Mismatch at dim 1/);
    assert.throws(() => sigmoidCrossEntropy(T([1, 0]), logits), /Shapes \(2, 3\) and \(2,\) are incompatible/);
  });

  it('compute_weighted_loss sums with compensation (no float32 accumulation error)', () => {
    const n = 100000;
    const losses = Tensor.fill('float64', [n], () => 0.1);
    const r = tfV1ComputeWeightedLoss(losses, 1, 'weighted_sum', 'float32');
    assert.equal(r.data[0], Math.fround(n * 0.1));
  });
});

describe('tf.compat.v1.losses: seeded random sets (test/fixtures/exact/random/tf.json)', () => {
  runFixtureCases(loadFixtures('random/tf').cases.filter((c) => c.op.startsWith('tf.compat.v1.losses.')), runV1);
});
