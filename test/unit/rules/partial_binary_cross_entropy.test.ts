import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Finding } from '../../../src/rules';
import { analyse, applyEdits, check } from '../../helpers/parser';
import { assertUlps } from '../../helpers/ulps';

const RULE = 'partial-binary-cross-entropy';
const pbce = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const seed = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/acceptance', name), 'utf8');
const lineOf = (src: string, offset: number) => src.slice(0, offset).split('\n').length;
const preferred = (f: Finding) => f.fixes.find((x) => x.preferred)!;

describe('rule partial-binary-cross-entropy (LL104)', () => {
  it('seed_sigmoid_question.py line 11: summed over classes, fixed to the full sigmoid cross-entropy (= loss2)', async () => {
    const src = seed('seed_sigmoid_question.py');
    const f = await pbce(src);
    assert.deepEqual(f.map((x) => lineOf(src, x.start)), [11]);
    assert.equal(f[0].code, 'LL104');
    assert.equal(src.slice(f[0].start, f[0].end), '-tf.reduce_sum(p*tf.log(q),1).eval(feed_dict)');
    assert.match(f[0].message, /Only the positive term of binary cross-entropy/);
    assert.match(f[0].message, /treats the classes as mutually exclusive/);
    assert.equal(src.slice(f[0].related[0].start, f[0].related[0].end), 'tf.nn.sigmoid(logit_q)');
    const fixed = applyEdits(src, preferred(f[0]).edits);
    assert.equal(fixed.split('\n')[10], 'loss1 = tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=p, logits=logit_q),1).eval(feed_dict)');
    assert.equal((await pbce(fixed)).length, 0);
    // The fixed line computes what the seed's own line 12 (loss2) computes.
    const r = (await analyse(fixed)).evaluateAll().find((x) => x.name === 'loss1' && x.tensor)!;
    assertUlps(Array.from(r.tensor!.data), [3.790694352120892, 3.6956426834438285], 'float32', 4, 'loss1 after the fix');
  });

  it('seed_sigmoid_answer.py line 13: -p * log(q) elementwise (no class wording)', async () => {
    const src = seed('seed_sigmoid_answer.py');
    const f = await pbce(src);
    assert.deepEqual(f.map((x) => lineOf(src, x.start)), [13]);
    assert.equal(src.slice(f[0].start, f[0].end), '-p * tf.log(q)');
    assert.doesNotMatch(f[0].message, /exclusive/);
    assert.equal(applyEdits(src, preferred(f[0]).edits).split('\n')[12], 'prob1 = tf.nn.sigmoid_cross_entropy_with_logits(labels=p, logits=logit_q)');
  });

  it('other seeds: silent', async () => {
    for (const s of ['seed_softmax_long.py', 'seed_softmax_two_class.py', 'seed_double_softmax.py', 'seed_log_of_logits.py', 'seed_softmax_intro.py']) {
      assert.equal((await pbce(seed(s))).length, 0, s);
    }
  });

  it('PyTorch, JAX and NumPy spellings, with their fused ops', async () => {
    const cases: [string, string][] = [
      ['import torch\nq = torch.sigmoid(z)\nloss = -(y * torch.log(q)).sum(dim=1).mean()\n',
        "loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction='none').sum(dim=1).mean()"],
      ['import torch\nimport torch.nn.functional as F\nloss = torch.mean(-y * torch.log(z.sigmoid() + 1e-7))\n',
        "loss = torch.mean(F.binary_cross_entropy_with_logits(z, y, reduction='none'))"],
      ['import jax, jax.numpy as jnp\nq = jax.nn.sigmoid(z)\nloss = -jnp.sum(y * jnp.log(q), axis=-1)\n',
        'loss = jnp.sum(optax.sigmoid_binary_cross_entropy(z, y), axis=-1)'],
      ['import numpy as np\nfrom scipy.special import expit\nloss = np.sum(y * -np.log(expit(w @ x)))\n',
        'loss = np.sum(np.logaddexp(0, w @ x) - y * (w @ x))'],
    ];
    for (const [src, want] of cases) {
      const f = await pbce(src);
      assert.equal(f.length, 1, src);
      const fixed = applyEdits(src, preferred(f[0]).edits);
      assert.ok(fixed.split('\n').includes(want), `${src}\n-> ${fixed}`);
      assert.equal((await pbce(fixed)).length, 0, fixed);
    }
  });

  it('explains with known inputs: the positive term next to the full loss', async () => {
    const src = 'import numpy as np\nimport tensorflow as tf\nz = tf.constant(np.array([[3.0, -1.0]]))\np = tf.constant(np.array([[1.0, 0.0]]))\nloss = -p * tf.log(tf.sigmoid(z))\n';
    const [f] = await pbce(src);
    assert.match(f.explanation!.asWritten!, /positive term only, -p \* log\(q\): \[\[0\.04858735 0\.\s*\]\] \(float64\)/);
    assert.match(f.explanation!.asMeant!, /full binary cross-entropy: \[\[0\.04858735 0\.31326169\]\] \(float64\)/);
  });

  it('near misses stay silent', async () => {
    const silent = [
      // both terms: manual-cross-entropy's binary form
      'import tensorflow as tf\nq = tf.sigmoid(z)\nloss = -tf.reduce_sum(p * tf.log(q) + (1 - p) * tf.log(1 - q), 1)\n',
      // the negative term written with log1p
      'import torch\nq = torch.sigmoid(z)\nloss = -(y * torch.log(q) + (1 - y) * torch.log1p(-q)).mean()\n',
      // a softmax: that is the categorical cross-entropy
      'import tensorflow as tf\nq = tf.nn.softmax(z)\nloss = -tf.reduce_sum(p * tf.log(q), 1)\n',
      // the fused op
      'import tensorflow as tf\nloss = tf.nn.sigmoid_cross_entropy_with_logits(labels=p, logits=z)\n',
      // the two terms in separate statements, added afterwards
      'import tensorflow as tf\nq = tf.sigmoid(z)\npos = p * tf.log(q)\nneg = (1 - p) * tf.log(1 - q)\nloss = -tf.reduce_mean(pos + neg)\n',
      // a log of a sigmoid that is not a y*log(q) product
      'import torch\nls = torch.log(torch.sigmoid(z))\n',
      // the negative term written as sigmoid(-z) = 1 - sigmoid(z), as a method and as a function
      'import torch\nloss = -(t * z.sigmoid().log() + (1 - t) * (-z).sigmoid().log()).mean()\n',
      'import torch\nloss = -(t * torch.log(torch.sigmoid(z)) + (1 - t) * torch.log(torch.sigmoid(-z))).sum(dim=1)\n',
      'import tensorflow as tf\nloss = -tf.reduce_mean(y * tf.math.log(tf.sigmoid(a)) + (1. - y) * tf.math.log(tf.sigmoid(-(a))))\n',
      // the negative term as log_sigmoid(-z) = log(1 - sigmoid(z)), in the same statement or added later
      'import torch\nimport torch.nn.functional as F\nloss = -(t * torch.log(torch.sigmoid(z)) + (1 - t) * F.logsigmoid(-z)).mean()\n',
      'import tensorflow as tf\npos = y * tf.math.log(tf.sigmoid(a))\nneg = (1 - y) * tf.math.log_sigmoid(-a)\nloss = -tf.reduce_mean(pos + neg)\n',
    ];
    for (const s of silent) assert.equal((await pbce(s)).length, 0, s);
  });

  it('sigmoid(-w) of other logits is not the complement of sigmoid(z): the positive term still fires, and the negative term alone is not misread as (1 - 1 - t)', async () => {
    const other = 'import torch\nloss = -(t * torch.sigmoid(z).log() + (1 - t) * torch.sigmoid(-w).log()).mean()\n';
    // binaryForm sees a log(1 - q) partner that does not match: 'other', which this rule leaves alone (as before).
    assert.equal((await pbce(other)).length, 0);
    const alone = 'import torch\nloss = -(y * torch.log(torch.sigmoid(z))).mean()\nneg = -((1 - y) * torch.log(torch.sigmoid(-z))).mean()\n';
    const f = await pbce(alone);
    assert.equal(f.length, 1);
    assert.equal(lineOf(alone, f[0].start), 2);
    assert.ok(!f[0].message.includes('1 - 1 -'), f[0].message);
  });

  it('log_sigmoid of other logits, or of the same logits without the minus, is not the negative term', async () => {
    for (const s of [
      'import torch\nimport torch.nn.functional as F\nloss = -(t * torch.log(torch.sigmoid(z)) + (1 - t) * F.logsigmoid(-w)).mean()\n',
      'import torch\nimport torch.nn.functional as F\nloss = -(t * torch.log(torch.sigmoid(z)) + (1 - t) * F.logsigmoid(z)).mean()\n',
    ]) assert.equal((await pbce(s)).length, 1, s);
  });
});
