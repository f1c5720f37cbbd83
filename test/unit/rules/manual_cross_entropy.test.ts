import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Tensor } from '../../../src/core/tensor';
import { Finding } from '../../../src/rules';
import { analyse, applyEdits, check } from '../../helpers/parser';
import { assertUlps } from '../../helpers/ulps';

const RULE = 'manual-cross-entropy';
const mce = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const dir = path.join(__dirname, '../../fixtures/acceptance');
const seed = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
const lineOf = (src: string, offset: number) => src.slice(0, offset).split('\n').length;
const preferred = (f: Finding) => f.fixes.find((x) => x.preferred)!;

/** The value the evaluator gives a name on a 1-based line. */
async function valueAt(src: string, name: string, line?: number): Promise<Tensor> {
  const r = (await analyse(src)).evaluateAll().find((x) => x.name === name && (line === undefined || x.line === line) && x.tensor);
  assert.ok(r?.tensor, `no value for ${name} in\n${src}`);
  return r.tensor;
}

function expectedValue(file: string, name: string): number | number[] {
  return expected.cases.find((c: { file: string; name: string }) => c.file === file && c.name === name).value;
}

/** Applies the preferred fix of the only finding; the rule must be silent on the result. */
async function fixOnce(src: string): Promise<string> {
  const f = await mce(src);
  assert.equal(f.length, 1, src);
  const out = applyEdits(src, preferred(f[0]).edits);
  assert.equal((await mce(out)).length, 0, out);
  return out;
}

describe('rule manual-cross-entropy (LL103)', () => {
  it('seed_softmax_long.py lines 18 and 22: fused op, reduction kept, values unchanged (16 float64 ulps)', async () => {
    const src = seed('seed_softmax_long.py');
    const f = await mce(src);
    assert.deepEqual(f.map((x) => lineOf(src, x.start)), [18, 22]);
    assert.equal(f[0].code, 'LL103');
    assert.equal(src.slice(f[0].start, f[0].end), '-tf.reduce_sum(y_true * tf.log(y_hat_softmax), reduction_indices=[1])');
    assert.match(f[0].message, /numerically unstable.*104 in float32/);
    assert.equal(src.slice(f[0].related[0].start, f[0].related[0].end), 'tf.nn.softmax(y_hat)');
    const fixed = applyEdits(src, [...preferred(f[0]).edits, ...preferred(f[1]).edits]);
    const lines = fixed.split('\n');
    assert.equal(lines[17], 'loss_per_instance_1 = tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_hat)');
    assert.equal(lines[21], 'total_loss_1 = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_hat))');
    assert.equal((await mce(fixed)).length, 0);
    const file = 'seed_softmax_long.py';
    for (const [name, line] of [['loss_per_instance_1', 18], ['total_loss_1', 22]] as const) {
      const want = expectedValue(file, name);
      const after = await valueAt(fixed, name, line);
      assert.equal(after.dtype, 'float64');
      assertUlps(after.rank ? Array.from(after.data) : [after.data[0]], Array.isArray(want) ? want : [want], 'float64', 16, `${name} after the fix`);
      const before = await valueAt(src, name, line);
      assertUlps(Array.from(before.data), Array.isArray(want) ? want : [want], 'float64', 16, `${name} as written`);
    }
  });

  it('seed_softmax_long.py: the explanation shows log(softmax) next to log_softmax and both losses', async () => {
    const [f] = await mce(seed('seed_softmax_long.py'));
    assert.match(f.explanation!.asWritten!, /as written: \[0\.4790107 +1\.19967598\] \(float64\)/);
    assert.match(f.explanation!.asMeant!, /with the fused op: \[0\.4790107 +1\.19967598\] \(float64\)/);
    assert.match(f.explanation!.details![0], /^log\(softmax\(x\)\) as computed: \[\[-1\.4790107/);
    assert.match(f.explanation!.details![2], /No probability underflows here; in float64 a logit more than 745\.1/);
  });

  it('seed_double_softmax.py line 6 (reduction_indices=1 inside reduce_mean): same value on known inputs', async () => {
    const src = seed('seed_double_softmax.py');
    const f = await mce(src);
    assert.deepEqual(f.map((x) => lineOf(src, x.start)), [6]);
    const fixed = applyEdits(src, preferred(f[0]).edits);
    assert.equal(fixed.split('\n')[5], 'cost =tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=tf.add(tf.matmul(x,W),b)))');
    // The seed leaves x, W, b, y undefined: give them values and compare before and after.
    const defs = 'import numpy as np\nimport tensorflow as tf\nx = tf.constant(np.array([[1.0, 2.0], [0.5, -1.0]]))\n' +
      'W = tf.constant(np.array([[0.3, -0.2, 1.0], [0.7, 0.1, -0.4]]))\nb = tf.constant(np.array([0.1, 0.2, 0.3]))\n' +
      'y = tf.constant(np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]))\n';
    const before = await valueAt(defs + src.split('\n').slice(4).join('\n'), 'cost');
    const after = await valueAt(defs + fixed.split('\n').slice(4).join('\n'), 'cost');
    assertUlps(Array.from(after.data), Array.from(before.data), 'float64', 16, 'cost');
  });

  it('seed_softmax_two_class.py line 15 (axis=1, float32 placeholders fed later): same printed values', async () => {
    const src = seed('seed_softmax_two_class.py');
    const f = await mce(src);
    assert.deepEqual(f.map((x) => lineOf(src, x.start)), [15]);
    const fixed = applyEdits(src, preferred(f[0]).edits);
    assert.equal(fixed.split('\n')[14], 'prob1 = tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=logit_q)');
    const want = expectedValue('seed_softmax_two_class.py', 'prob1') as number[];
    assertUlps(Array.from((await valueAt(fixed, 'prob1', 17)).data), want, 'float32', 16, 'prob1 after the fix');
  });

  it('seed_sigmoid_answer.py lines 14 and 15: the binary form, fixed to sigmoid_cross_entropy_with_logits', async () => {
    const src = seed('seed_sigmoid_answer.py');
    const f = await mce(src);
    assert.deepEqual(f.map((x) => lineOf(src, x.start)), [14, 15]);
    assert.equal(src.slice(f[0].start, f[0].end), 'p * -tf.log(q) + (1 - p) * -tf.log(1 - q)');
    assert.match(f[0].message, /Binary cross-entropy written by hand.*above about 17/);
    const fixed = applyEdits(src, [...preferred(f[0]).edits, ...preferred(f[1]).edits]).split('\n');
    assert.equal(fixed[13], 'prob2 = tf.nn.sigmoid_cross_entropy_with_logits(labels=p, logits=logit_q)');
    assert.equal(fixed[14], 'prob3 = tf.nn.sigmoid_cross_entropy_with_logits(labels=p, logits=logit_q)');
    const want = (expectedValue('seed_sigmoid_answer.py', 'prob2') as unknown as number[][]).flat();
    assertUlps(Array.from((await valueAt(fixed.join('\n'), 'prob2', 18)).data), want, 'float32', 4, 'prob2 after the fix');
  });

  it('other seeds: silent', async () => {
    for (const s of ['seed_softmax_intro.py', 'seed_sigmoid_question.py', 'seed_log_of_logits.py', 'seed_tf2_check.py']) {
      assert.equal((await mce(seed(s))).length, 0, s);
    }
  });

  it('variants: operand order, signs, eps and clip, .sum(), fused op per framework with the author\'s reduction', async () => {
    const cases: [string, string][] = [
      ['import tensorflow as tf\np = tf.nn.softmax(x)\nl = -tf.reduce_sum(tf.log(q) * p)\nl2 = -tf.reduce_sum(tf.log(p) * q)\n',
        'l2 = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=q, logits=x))'],
      ['import tensorflow as tf\np = tf.nn.softmax(x)\nl = tf.reduce_sum(-y * tf.log(p + 1e-10), axis=-1)\n',
        'l = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x)'],
      ['import tensorflow as tf\np = tf.nn.softmax(x)\nl = tf.reduce_mean(tf.reduce_sum(y * -tf.log(tf.clip_by_value(p, 1e-10, 1.0)), 1))\n',
        'l = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x))'],
      ['import tensorflow as tf\np = tf.nn.softmax(x)\nl = -tf.reduce_mean(tf.reduce_sum(y * tf.log(p), 1))\n',
        'l = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x))'],
      ['import tensorflow as tf\np = tf.nn.softmax(x)\nl = tf.reduce_sum(y * tf.log(p), 1)\n',
        'l = -tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x)'],
      ['import torch\nimport torch.nn.functional as F\np = F.softmax(z, dim=1)\nloss = -torch.sum(y * torch.log(p), dim=1).mean()\n',
        'loss = F.cross_entropy(z, y)'],
      ['import torch\nimport torch.nn.functional as F\nloss = torch.mean(-torch.sum(y * torch.log(F.softmax(z, dim=1) + 1e-8), dim=1))\n',
        'loss = F.cross_entropy(z, y)'],
      ['import torch\np = torch.softmax(z, dim=-1)\nloss = -(y * p.log()).sum()\n',
        "loss = torch.nn.functional.cross_entropy(z, y, reduction='sum')"],
      ['import torch\np = z.softmax(dim=1)\nloss = (-y * torch.log(torch.clamp(p, 1e-7, 1.0))).sum(1)\n',
        "loss = torch.nn.functional.cross_entropy(z, y, reduction='none')"],
      ['import torch\nimport torch.nn.functional as F\np = F.softmax(z, dim=1)\nloss = -(y * torch.log(p)).mean()\n',
        'loss = -(y * F.log_softmax(z, dim=1)).mean()'],
      ['import jax, jax.numpy as jnp\np = jax.nn.softmax(x)\nloss = -jnp.sum(y * jnp.log(p), axis=-1)\n',
        'loss = -jnp.sum(y * jax.nn.log_softmax(x), axis=-1)'],
      ['import numpy as np\nfrom scipy.special import softmax\np = softmax(x, axis=1)\nloss = -np.sum(y * np.log(p)) / len(y)\n',
        'loss = -np.sum(y * log_softmax(x, axis=1)) / len(y)'],
    ];
    for (const [src, want] of cases) {
      const f = await mce(src);
      assert.equal(f.length, 1, src);
      const fixed = applyEdits(src, preferred(f[0]).edits);
      assert.ok(fixed.split('\n').includes(want), `${src}\n-> ${fixed}`);
    }
  });

  it('a bare-name import gets the new name added: from scipy.special import softmax, log_softmax', async () => {
    const src = 'import numpy as np\nfrom scipy.special import softmax\nloss = -np.sum(y * np.log(softmax(x, axis=1)), axis=1)\n';
    const out = await fixOnce(src);
    assert.equal(out.split('\n')[1], 'from scipy.special import softmax, log_softmax');
  });

  // (Tensor method calls such as x.mean() are not evaluated yet, so these use the function forms.)
  it('fixes keep the value: before and after on known inputs (TF, PyTorch, binary form)', async () => {
    const cases: [string, string][] = [
      ['import numpy as np\nimport tensorflow as tf\nx = tf.constant(np.array([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]]))\ny = tf.constant(np.array([[0.2, 0.8, 0.0], [0.0, 0.0, 1.0]]))\nloss = -tf.reduce_sum(y * tf.log(tf.nn.softmax(x)))\n', 'float64'],
      ['import torch\nimport torch.nn.functional as F\nz = torch.tensor([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]], dtype=torch.float64)\ny = torch.tensor([[0.2, 0.8, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64)\nloss = torch.mean(-torch.sum(y * torch.log(F.softmax(z, dim=1)), dim=1))\n', 'float64'],
      ['import torch\nz = torch.tensor([[0.5, 1.5, 0.1], [2.2, 1.3, 1.7]], dtype=torch.float64)\ny = torch.tensor([[0.2, 0.8, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64)\nloss = -torch.sum(y * torch.log(torch.softmax(z, dim=1)))\n', 'float64'],
      ['import numpy as np\nimport tensorflow as tf\nz = tf.constant(np.array([[0.5, -1.5], [2.2, 1.3]]))\np = tf.constant(np.array([[1.0, 0.0], [0.0, 1.0]]))\nq = tf.sigmoid(z)\nloss = tf.reduce_mean(-(p * tf.log(q) + (1 - p) * tf.log(1 - q)), 1)\n', 'float64'],
    ];
    for (const [src, dtype] of cases) {
      const out = await fixOnce(src);
      const before = await valueAt(src, 'loss');
      const after = await valueAt(out, 'loss');
      assert.equal(after.dtype, dtype);
      assertUlps(Array.from(after.data), Array.from(before.data), 'float64', 16, out);
    }
  });

  it('explains a logit gap of 200 in float32: the manual form gives inf, the fused op 200', async () => {
    const src = 'import tensorflow as tf\nx = tf.constant([[0., 200.]])\ny = tf.constant([[1., 0.]])\np = tf.nn.softmax(x)\nloss = -tf.reduce_sum(y * tf.log(p), 1)\n';
    const [f] = await mce(src);
    const e = f.explanation!;
    assert.equal(e.asWritten, 'as written: [inf] (float32)');
    assert.equal(e.asMeant, 'with the fused op: [200.] (float32)');
    assert.match(e.details![0], /log\(softmax\(x\)\) as computed: \[\[-inf +0\.\]\]/);
    assert.match(e.details![2], /1 probability rounded to 0.*103\.97 below/);
  });

  it('explains the binary form in float32: NaN as written where sigmoid(z) rounds to 1, finite fused', async () => {
    const src = 'import tensorflow as tf\nz = tf.constant([[0.5, 20.0]])\np = tf.constant([[1.0, 1.0]])\n' +
      'loss = p * -tf.log(tf.sigmoid(z)) + (1 - p) * -tf.log(1 - tf.sigmoid(z))\n';
    const [f] = await mce(src);
    assert.match(f.explanation!.asWritten!, /^as written: \[\[ *0\.474076\d* +nan *\]\] \(float32\)$/);
    assert.match(f.explanation!.asMeant!, /^with the fused op: \[\[4\.74076\d*e-01 2\.06115\d*e-09\]\] \(float32\)$/);
    assert.match(f.explanation!.details![0], /rounds to exactly 1 for z above 16\.64/);
  });

  it('log(softmax) outside a product (e.g. into nll_loss): offers log_softmax', async () => {
    const src = 'import torch\nimport torch.nn.functional as F\nloss = F.nll_loss(torch.log(F.softmax(z, dim=1)), y)\n';
    const [f] = await mce(src);
    assert.equal(src.slice(f.start, f.end), 'torch.log(F.softmax(z, dim=1))');
    assert.equal(applyEdits(src, preferred(f).edits).split('\n')[2], 'loss = F.nll_loss(F.log_softmax(z, dim=1), y)');
  });

  it('# losslens: ignore[manual-cross-entropy] and severity off silence it', async () => {
    const src = 'import tensorflow as tf\np = tf.nn.softmax(x)\nl = -tf.reduce_sum(y * tf.log(p), 1)  # losslens: ignore[manual-cross-entropy]\n';
    assert.equal((await mce(src)).length, 0);
    const plain = src.replace(/  #.*/, '');
    assert.equal((await mce(plain)).length, 1);
    assert.equal((await check(plain, { severity: { 'manual-cross-entropy': 'off' } })).filter((f) => f.rule === RULE).length, 0);
  });

  it('near misses stay silent', async () => {
    const silent = [
      // already log_softmax
      'import tensorflow as tf\nloss = -tf.reduce_sum(y * tf.nn.log_softmax(x), 1)\n',
      // log of raw logits is log-of-logits, not this rule
      'import tensorflow as tf\nloss = -tf.reduce_sum(y * tf.log(logits), 1)\n',
      // the positive term alone with a sigmoid is partial-binary-cross-entropy
      'import tensorflow as tf\nq = tf.sigmoid(z)\nloss = -tf.reduce_sum(p * tf.log(q), 1)\n',
      // a guarded log of softmax outside any product (entropy regularisers, logging)
      'import tensorflow as tf\nlp = tf.log(tf.clip_by_value(tf.nn.softmax(x), 1e-10, 1.0))\n',
      // the fused op itself
      'import torch.nn.functional as F\nloss = F.cross_entropy(z, y)\n',
      // binary terms of different sigmoids
      'import tensorflow as tf\nloss = -(p * tf.log(tf.sigmoid(a)) + (1 - p) * tf.log(1 - tf.sigmoid(b)))\n',
      // deliberate reference formulas a test compares a fused loss against
      'import torch\ncase = dict(name="BCE", reference_fn=lambda i, t: -(t * torch.sigmoid(i).log() + (1 - t) * (1 - torch.sigmoid(i)).log()))\n',
      'import numpy as np\ndef ref_softmax_xent(x, y):\n    p = np.exp(x) / np.exp(x).sum(1, keepdims=True)\n    return -(y * np.log(p)).sum(1)\n',
      'import torch\nexpected = -(y * torch.log(torch.softmax(z, dim=1))).sum(1)\nassert torch.allclose(torch.nn.functional.cross_entropy(z, y, reduction="none"), expected)\n',
    ];
    for (const s of silent) assert.equal((await mce(s)).length, 0, s);
  });

  it('names that only contain "ref" or "expected" inside a word do not exempt a training loss', async () => {
    for (const s of [
      'import torch\nprefetch_loss = -(y * torch.log(torch.softmax(z, dim=1))).sum(1).mean()\n',
      'import torch\ndef unexpectedly(z, y):\n    return -(y * torch.log(torch.softmax(z, dim=1))).sum(1).mean()\n',
      'import torch\nreferee = lambda z, y: -(y * torch.log(torch.softmax(z, dim=1))).sum(1).mean()\n',
    ]) assert.equal((await mce(s)).length, 1, s);
  });

  it('the sigmoid(-z) form of the negative term is read as 1 - sigmoid(z): the full unstable binary form is reported once', async () => {
    const src = 'import torch\nloss = -(t * z.sigmoid().log() + (1 - t) * (-z).sigmoid().log()).mean()\n';
    const f = await mce(src);
    assert.equal(f.length, 1);
    assert.match(f[0].message, /^Binary cross-entropy written by hand/);
    assert.equal((await check(src)).filter((x) => x.rule === 'partial-binary-cross-entropy').length, 0);
  });
});
