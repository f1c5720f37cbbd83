import { strict as assert } from 'assert';
import { binary } from '../../../src/core/broadcast';
import { allocate } from '../../../src/core/dtype';
import * as E from '../../../src/core/elementwise';
import { BudgetError, ValueError } from '../../../src/core/errors';
import { DEFAULT_BUDGET, Ledger, checkElements, checkTime, currentBudget, withBudget } from '../../../src/core/limits';
import { matmul, oneHot } from '../../../src/core/linalg';
import { reduceSum } from '../../../src/core/reduce';
import { softmax } from '../../../src/core/softmax';
import { Tensor } from '../../../src/core/tensor';
import { binaryFocalCrossentropyRaw, finish } from '../../../src/core/losses/keras';
import * as optax from '../../../src/core/losses/optax';
import { sigmoidCrossEntropyWithLogits } from '../../../src/core/losses/tf_nn';

/** The BudgetError `f` throws (fails when it throws nothing or something else). */
function budgetError(f: () => unknown): BudgetError {
  try {
    f();
  } catch (e) {
    if (e instanceof BudgetError) return e;
    throw e;
  }
  assert.fail('expected a BudgetError');
}

const ints = (values: number[]) => Tensor.fromNested(values, 'int32');

describe('core limits: element budget checked before allocating', () => {
  it('the default budget is 1,000,000 elements per result', () => {
    assert.equal(DEFAULT_BUDGET.maxElements, 1_000_000);
    assert.equal(currentBudget().maxElements, 1_000_000);
  });

  it('one_hot names the shape it refuses: [3, 1000000000]', () => {
    const e = budgetError(() => oneHot(ints([1, 2, 3]), 1e9));
    assert.equal(e.message, 'one_hot: a result of shape [3, 1000000000] (3,000,000,000 elements) exceeds the evaluation limit of 1,000,000 elements');
    assert.equal(e.reason, 'size');
    assert.equal(e.stopsAll, false);
  });

  it('broadcasting [N, 1] + [1, N] is refused by the size of the broadcast result', () => {
    const col = Tensor.fill('float32', [2000, 1], () => 1);
    const row = Tensor.fill('float32', [1, 2000], () => 1);
    const e = budgetError(() => E.add(col, row, 'float32'));
    assert.equal(e.message, 'broadcasting [2000, 1] with [1, 2000]: a result of shape [2000, 2000] (4,000,000 elements) exceeds the evaluation limit of 1,000,000 elements');
    // Just inside the limit it is computed, with the right values.
    const ok = binary(Tensor.fill('float32', [1000, 1], (i) => i), Tensor.fill('float32', [1, 1000], (j) => j), 'float32', (a, b) => a * 1000 + b);
    assert.deepEqual(ok.shape, [1000, 1000]);
    assert.equal(ok.data[123 * 1000 + 456], 123456);
  });

  it('matmul is refused by its output shape, not the size of its inputs', () => {
    const a = Tensor.fill('float64', [2000, 1], () => 1);
    const b = Tensor.fill('float64', [1, 2000], () => 1);
    assert.equal(budgetError(() => matmul(a, b)).message, 'matmul [2000, 1] @ [1, 2000]: a result of shape [2000, 2000] (4,000,000 elements) exceeds the evaluation limit of 1,000,000 elements');
  });

  it('Tensor.fill and allocate refuse beyond the budget; a budget installed with withBudget is stricter', () => {
    assert.match(budgetError(() => Tensor.fill('float32', [100000, 100000], () => 0)).message, /^a tensor: a result of shape \[100000, 100000\] \(10,000,000,000 elements\)/);
    assert.match(budgetError(() => allocate('float64', 2 ** 40)).message, /^an array: a result \(1,099,511,627,776 elements\) exceeds/);
    withBudget({ maxElements: 100 }, () => {
      assert.equal(Tensor.fill('float32', [10, 10], () => 1).size, 100);
      assert.match(budgetError(() => Tensor.fill('float32', [101], () => 1)).message, /exceeds the evaluation limit of 100 elements/);
      // A nested budget cannot loosen the outer one.
      withBudget({ maxElements: 1e9 }, () => assert.equal(currentBudget().maxElements, 100));
    });
    assert.equal(currentBudget().maxElements, 1_000_000);
  });

  it('shapes no framework accepts are a ValueError before any arithmetic on them', () => {
    for (const shape of [[-1, 5], [2.5], [NaN], [Infinity, 0]]) {
      assert.throws(() => checkElements(shape, 'tf.constant'), (e: unknown) => e instanceof ValueError && /^tf\.constant: invalid shape/.test(e.message), JSON.stringify(shape));
    }
    assert.throws(() => oneHot(ints([0]), -3), ValueError);
    // A zero dimension is valid and empty.
    assert.equal(oneHot(ints([]), 5).size, 0);
  });

  it('the ledger bounds what all allocations under one budget add up to', () => {
    const ledger: Ledger = { used: 0, max: 1000 };
    withBudget({ ledger }, () => {
      Tensor.fill('float64', [600], () => 1);
      assert.equal(ledger.used, 600);
      const e = budgetError(() => Tensor.fill('float64', [600], () => 1));
      assert.equal(e.reason, 'memory');
      assert.equal(e.stopsAll, true);
      assert.match(e.message, /add up to more than 1,000 elements/);
    });
    assert.equal(ledger.used, 600); // the refused allocation was not charged
    Tensor.fill('float64', [600], () => 1); // outside the budget the ledger is not in force
    assert.equal(ledger.used, 600);
  });
});

describe('core limits: the deadline is checked inside kernel loops', () => {
  const past = () => Date.now() - 1;

  it('matmul, softmax, reductions and fills stop with a time BudgetError once the deadline has passed', () => {
    const m = Tensor.fill('float64', [300, 300], (i) => i % 7);
    const cases: [string, () => unknown][] = [
      ['matmul', () => matmul(m, m)],
      ['softmax', () => softmax(m)],
      ['reduce_sum', () => reduceSum(m, { axis: 1 })],
      ['Tensor.fill', () => Tensor.fill('float64', [10], () => 0)],
      ['broadcast', () => E.add(Tensor.fill('float64', [300, 1], () => 1), Tensor.fill('float64', [1, 300], () => 1), 'float64')],
    ];
    for (const [what, f] of cases) {
      // Fill inputs outside the budget, then run the kernel under an expired one.
      const e = withBudget({ deadline: past() }, () => budgetError(f));
      assert.equal(e.reason, 'time', what);
      assert.equal(e.message, 'evaluation stopped: the time budget ran out', what);
    }
    // The same calls complete once the budget is gone.
    assert.equal(matmul(m, m).data[0], (() => { let s = 0; for (let t = 0; t < 300; t++) s += (t % 7) * ((t * 300) % 7); return s; })());
  });

  it('a 1000 x 1000 matmul (10^9 multiply-adds) stops a few rows after a 30 ms deadline', () => {
    const a = Tensor.fill('float64', [1000, 1000], (i) => (i % 13) / 13);
    const t0 = Date.now();
    const e = withBudget({ deadline: t0 + 30 }, () => budgetError(() => matmul(a, a)));
    const took = Date.now() - t0;
    assert.equal(e.reason, 'time');
    // One row is 10^6 multiply-adds (a few ms); a loaded machine gets generous headroom.
    assert.ok(took < 400, `matmul ran ${took} ms past a 30 ms budget`);
  });

  it('loss kernels over 1,000,000 elements stop between lanes (optax poly loss: ~0.9 s of work; keras focal: ~0.4 s)', function () {
    this.timeout(60_000);
    const x = Tensor.fill('float32', [1000, 1000], (i) => ((i * 7919) % 1000) / 100 - 5);
    const p = Tensor.fill('float32', [1000, 1000], (i) => (((i * 7919) % 1000) + 1) / 1002);
    const y = Tensor.fill('float32', [1000, 1000], (i) => (i % 1000 === Math.floor(i / 1000) ? 1 : 0));
    const cases: [string, () => unknown][] = [
      ['optax.poly_loss_cross_entropy', () => optax.poly_loss_cross_entropy(x, y)],
      ['keras binary_focal_crossentropy', () => finish(binaryFocalCrossentropyRaw(y, p))],
      ['tf.nn.sigmoid_cross_entropy_with_logits', () => sigmoidCrossEntropyWithLogits(y, x)],
    ];
    for (const [what, f] of cases) {
      // Relative to the whole computation on this machine now, so a busy machine does not matter.
      let t0 = Date.now();
      f();
      const full = Date.now() - t0;
      t0 = Date.now();
      const e = withBudget({ deadline: t0 + 5 }, () => budgetError(f));
      const took = Date.now() - t0;
      assert.equal(e.reason, 'time', what);
      assert.ok(took < Math.max(full / 2, 25), `${what} ran ${took} ms on a 5 ms budget (${full} ms in full)`);
    }
  });

  it('cancellation is polled with the deadline', () => {
    let cancelled = false;
    withBudget({ isCancelled: () => cancelled }, () => {
      checkTime();
      cancelled = true;
      const e = budgetError(() => checkTime());
      assert.equal(e.reason, 'cancelled');
      assert.equal(e.message, 'evaluation cancelled');
    });
  });
});
