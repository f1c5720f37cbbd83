import * as E from '../../../src/core/elementwise';
import * as tfnn from '../../../src/core/losses/tf_nn';
import { logSumExp } from '../../../src/core/reduce';
import { logSoftmax, softmax } from '../../../src/core/softmax';
import { Tensor } from '../../../src/core/tensor';
import { strict as assert } from 'assert';
import { FixtureCase, convertValues, loadFixtures, mulberry32, runFixtureCases } from './fixtures';

/**
 * The core's softmax family and TF's tf.nn cross-entropies against exact values
 * (mpmath, 50 digits: scripts/gen_fixtures.py -> test/fixtures/exact/{core,tf}.json).
 */
type Op = (a: Record<string, unknown>) => Tensor;
const T = (v: unknown) => v as Tensor;
const axis = (a: Record<string, unknown>) => (a.axis as number | undefined) ?? -1;

const OPS: Record<string, Op> = {
  softmax: (a) => softmax(T(a.x), axis(a)),
  log_softmax: (a) => logSoftmax(T(a.x), axis(a)),
  logsumexp: (a) => logSumExp(T(a.x), { axis: axis(a) }),
  sigmoid: (a) => E.sigmoid(T(a.x)),
  log_sigmoid: (a) => E.logSigmoid(T(a.x)),
  softplus: (a) => E.softplus(T(a.x)),
  'tf.nn.softmax_cross_entropy_with_logits': (a) => tfnn.softmaxCrossEntropyWithLogits(T(a.labels), T(a.logits), axis(a)),
  'tf.nn.sparse_softmax_cross_entropy_with_logits': (a) => tfnn.sparseSoftmaxCrossEntropyWithLogits(T(a.labels), T(a.logits)),
  'tf.nn.sigmoid_cross_entropy_with_logits': (a) => tfnn.sigmoidCrossEntropyWithLogits(T(a.labels), T(a.logits)),
  'tf.nn.weighted_cross_entropy_with_logits': (a) => {
    const l = T(a.logits);
    const q = typeof a.pos_weight === 'number' ? Tensor.scalar(a.pos_weight, l.dtype) : T(a.pos_weight);
    return tfnn.weightedCrossEntropyWithLogits(T(a.labels), l, q);
  },
};

const run = (c: FixtureCase): Tensor => OPS[c.op]({ ...convertValues(c.args), ...convertValues(c.kwargs) });

describe('exact values: core softmax family (core.json)', () => {
  runFixtureCases(loadFixtures('core').cases, run);
});

describe('exact values: tf.nn cross-entropies (tf.json)', () => {
  runFixtureCases(loadFixtures('tf').cases.filter((x) => x.op.startsWith('tf.nn.')), run);
});

describe('exact values: seeded random sets, core ops (random/core.json)', () => {
  const file = loadFixtures('random/core');
  it('the PRNG reproduces the generator\'s', () => {
    const next = mulberry32(1);
    assert.deepEqual(file.prng_check, [next(), next(), next()]);
  });
  runFixtureCases(file.cases, run);
});

describe('exact values: seeded random sets, tf.nn (random/tf.json)', () => {
  runFixtureCases(loadFixtures('random/tf').cases.filter((x) => x.op.startsWith('tf.nn.')), run);
});
