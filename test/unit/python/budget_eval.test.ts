import { strict as assert } from 'assert';
import { BudgetError } from '../../../src/core/errors';
import { explainAt } from '../../../src/explain/explain';
import { FileAnalysis } from '../../../src/python/analyze';
import { EvalOptions } from '../../../src/python/evaluator';
import { EvalError, Value } from '../../../src/python/values';
import { getParser } from '../../helpers/parser';

async function analysis(src: string, opts: EvalOptions = {}): Promise<FileAnalysis> {
  return new FileAnalysis((await getParser()).parse(src), src, opts);
}

/** The value of the last binding of `name` in the file (evaluated on demand, nothing before it is cached). */
function valueOf(an: FileAnalysis, name: string): Value {
  const b = an.scopes.module.lookup(name, an.text.length);
  assert.ok(b, `no binding of ${name}`);
  return an.evaluator.evalBinding(b, undefined);
}

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected an error');
}

const numbers = (v: Value) => (v.kind === 'tensor' ? Array.from(v.tensor.data) : assert.fail(`not a tensor: ${v.kind}`));
/** 2^k labels 0, 1, 0, 1, ... built by list doubling. */
const labels = (k: number) => 'x = [0, 1]\n' + 'x = x + x\n'.repeat(k - 1);

describe('python evaluation budgets: errors that depend on the budget are not values', () => {
  it('a time budget error is not cached: the same binding computes once the budget allows it', async () => {
    const an = await analysis('import tensorflow as tf\nx = tf.constant([1.0, 2.0])\ny = tf.nn.softmax(x)\n');
    an.evaluator.setBudget(Date.now() - 1);
    const e = errorOf(() => valueOf(an, 'y'));
    assert.ok(e instanceof BudgetError && e.reason === 'time', String(e));
    an.evaluator.setBudget(undefined);
    // softmax([1, 2]) in float32: 1 / (1 + e) and e / (1 + e), rounded to float32.
    assert.deepEqual(numbers(valueOf(an, 'y')), [Math.fround(1 / (1 + Math.E)), Math.fround(Math.E / (1 + Math.E))]);
  });

  it('a cancellation is not cached either', async () => {
    const an = await analysis('import numpy as np\nx = np.array([1.0, 2.0])\ny = x * 3\n');
    an.evaluator.setBudget(undefined, () => true);
    assert.equal(errorOf(() => valueOf(an, 'y')).message, 'evaluation cancelled');
    an.evaluator.setBudget(undefined);
    assert.deepEqual(numbers(valueOf(an, 'y')), [3, 6]);
  });

  it("the hover's short budget reaches the matmul kernel: 10^9 multiply-adds stop near the deadline", async () => {
    const an = await analysis(`import tensorflow as tf\n${labels(10)}m = tf.one_hot(x, 976)\nr = tf.matmul(m, m, transpose_a=True)\n`);
    const m = valueOf(an, 'm'); // computed and cached without a budget: only the product is timed
    assert.deepEqual(m.kind === 'tensor' ? m.tensor.shape : m.kind, [1024, 976]);
    const t0 = Date.now();
    an.evaluator.setBudget(t0 + 40);
    const e = errorOf(() => valueOf(an, 'r'));
    const took = Date.now() - t0;
    an.evaluator.setBudget(undefined);
    assert.ok(e instanceof BudgetError && e.reason === 'time', String(e));
    // The whole product takes seconds; a row of it ~1 ms. Headroom for a loaded machine.
    assert.ok(took < 400, `evaluation ran ${took} ms on a 40 ms budget`);
  });

  it('size refusals name the shape; a tensor inside a list counts toward the result', async () => {
    const an = await analysis(
      `import numpy as np\nimport tensorflow as tf\n${labels(9)}` +
        'm = tf.one_hot(x, 1000)\nn = np.array([m, m])\nc = tf.constant(1.0, shape=[30000, 30000])\nh = tf.one_hot([1, 2, 3], 10**9)\nk = np.array([tf.one_hot([1, 2, 3], 10**8)])\n',
    );
    const r = new Map(an.evaluateAll().map((x) => [x.name, x]));
    assert.deepEqual(r.get('m')!.shape, [512, 1000]);
    assert.equal(r.get('n')!.error, "argument 'object' of np.array (tensors inside a list): a result (1,024,000 elements) exceeds the evaluation limit of 1,000,000 elements");
    assert.equal(r.get('c')!.error, 'tf.constant: a result of shape [30000, 30000] (900,000,000 elements) exceeds the evaluation limit of 1,000,000 elements');
    assert.equal(r.get('h')!.error, 'one_hot: a result of shape [3, 1000000000] (3,000,000,000 elements) exceeds the evaluation limit of 1,000,000 elements');
    assert.equal(r.get('k')!.error, 'one_hot: a result of shape [3, 100000000] (300,000,000 elements) exceeds the evaluation limit of 1,000,000 elements');
  });

  it('list doubling (the 29-line file of issue 7) stops at the literal limit, with the reason on every later use', async () => {
    const an = await analysis(`import tensorflow as tf\nx = [0.0, 0.0]\n${'x = x + x\n'.repeat(28)}y = tf.nn.softmax(x)\n`);
    const rs = an.evaluateAll();
    // Reported where it happens (the 16th doubling, line 18: 2^17 items) and where a tensor function uses it.
    assert.deepEqual(rs.map((r) => [r.line, r.name, r.error]), [
      [18, 'x', 'list concatenation: a result of 131,072 items exceeds the evaluation limit of 100,000 elements'],
      [31, 'y', 'x: list concatenation: a result of 131,072 items exceeds the evaluation limit of 100,000 elements'],
    ]);
  });

  it('F.one_hot without num_classes over 262,144 indices (spreading them into Math.max overflowed the stack)', async () => {
    const an = await analysis(
      `import tensorflow as tf\nimport torch\nimport torch.nn.functional as F\n${labels(16)}` +
        'a = tf.one_hot(x, 1)\nb = a + tf.one_hot([0], 4)\ni = torch.tensor(b.numpy()).long().reshape(-1)\nh = F.one_hot(i)\n',
    );
    // Rows of b: [2, 1, 1, 1] for label 0 (one_hot [1] broadcast + [1, 0, 0, 0]), [1, 0, 0, 0] for
    // label 1; flattened: 2, 1, 1, 1, 1, 0, 0, 0, ... so 3 classes.
    const h = valueOf(an, 'h');
    assert.ok(h.kind === 'tensor');
    assert.deepEqual([h.tensor.dtype, ...h.tensor.shape], ['int64', 262144, 3]);
    assert.deepEqual(Array.from(h.tensor.data.slice(0, 24)), [0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
  });

  it('the memory ledger: once an evaluator has allocated its total, it says so once and stops', async () => {
    const an = await analysis(`import tensorflow as tf\n${labels(5)}a = tf.one_hot(x, 100)\nb = tf.one_hot(x, 100)\nc = tf.one_hot(x, 100)\n`, { maxTotalElements: 5000 });
    const rs = an.evaluateAll();
    assert.deepEqual(rs.map((r) => [r.name, r.shape, r.error]), [
      ['a', [32, 100], null],
      [null, null, 'evaluation stopped: the values computed in this file add up to more than 5,000 elements (the memory budget)'],
    ]);
  });
});

describe('python evaluation budgets: long chains of names', () => {
  it('x = x + 1 five thousand times, evaluated from the last line first: the exact value, no stack overflow', async () => {
    const an = await analysis(`import numpy as np\nx = np.array([0.5])\n${'x = x + 1\n'.repeat(5000)}y = x * 2\n`);
    assert.deepEqual(numbers(valueOf(an, 'y')), [10001]);
  });

  it('x += 1 five thousand times (augmented assignments reach the previous binding directly)', async () => {
    const an = await analysis(`import numpy as np\nx = np.array([0.25])\n${'x += 1\n'.repeat(5000)}`);
    assert.deepEqual(numbers(valueOf(an, 'x')), [5000.25]);
  });

  it('a chain through different names: a1 = a0 + 1, a2 = a1 + 1, ... 3000 links', async () => {
    let src = 'import numpy as np\na0 = np.array([1.0, -1.0])\n';
    for (let i = 1; i <= 3000; i++) src += `a${i} = a${i - 1} + 1\n`;
    const an = await analysis(src);
    assert.deepEqual(numbers(valueOf(an, 'a3000')), [3001, 2999]);
  });

  it('an error far down a chain is reported with one name, not one prefix per link', async () => {
    const an = await analysis(`import numpy as np\nx = np.array([1.0]) + undefined_name\n${'x = x + 1\n'.repeat(3000)}y = x * 2\n`);
    const e = errorOf(() => valueOf(an, 'y'));
    assert.ok(e instanceof EvalError);
    assert.equal(e.message, "x: 'undefined_name' is not defined in this file");
  });

  it('x = x + 1 100,000 times under a one-second budget: a value or the time reason, never a crash', async () => {
    const an = await analysis(`import numpy as np\nx = np.array([0.5])\n${'x = x + 1\n'.repeat(100_000)}`);
    const t0 = Date.now();
    an.evaluator.setBudget(t0 + 1000);
    let outcome: string;
    try {
      outcome = String(numbers(valueOf(an, 'x')));
    } catch (e) {
      outcome = (e as Error).message;
    }
    const took = Date.now() - t0;
    assert.ok(outcome === '100000.5' || outcome === 'evaluation stopped: the time budget ran out', outcome);
    assert.ok(took < 2500, `took ${took} ms on a 1000 ms budget`);
  });

  it('Explain at the end of 1,000 reassignments of one name (the issue: a stack overflow)', async () => {
    const src = `import tensorflow as tf\nx = tf.constant([1.0, 2.0])\n${'x = x + 1\n'.repeat(1000)}y = tf.nn.softmax(x)\n`;
    const m = explainAt(await analysis(src), src.length - 5);
    assert.ok(m, 'no model');
    assert.equal(m.kind, 'activation');
  });

  it('names still resolve to the binding before each use (binary search over 3 bindings and a function body)', async () => {
    const an = await analysis(
      'import numpy as np\na = np.array([1.0])\nb1 = a * 2\na = np.array([5.0])\nb2 = a * 2\ndef f():\n    c = a * 3\n    return c\na = np.array([7.0])\nb3 = a * 2\n',
    );
    const r = new Map(an.evaluateAll().map((x) => [x.name, x.tensor ? Array.from(x.tensor.data) : x.error]));
    assert.deepEqual([r.get('b1'), r.get('b2'), r.get('b3')], [[2], [10], [14]]);
    // From inside f, a is the module's a bound before the use: [5.0]; and f runs later, but the
    // binding visible at the use is the one above it in the file.
    assert.deepEqual(r.get('c'), [15]);
  });
});
