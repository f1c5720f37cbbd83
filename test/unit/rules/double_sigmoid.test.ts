import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, check } from '../../helpers/parser';

const RULE = 'double-sigmoid';
const dsg = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const seed = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/acceptance', name), 'utf8');

describe('rule double-sigmoid (LL102)', () => {
  it('through a name: the range is the argument, the related location the sigmoid, the fix passes the logits', async () => {
    const src = 'import torch\nimport torch.nn.functional as F\nq = torch.sigmoid(z)\nloss = F.binary_cross_entropy_with_logits(q, y)\n';
    const f = await dsg(src);
    assert.equal(f.length, 1);
    assert.equal(f[0].code, 'LL102');
    assert.equal(src.slice(f[0].start, f[0].end), 'q');
    assert.equal(src.slice(f[0].related[0].start, f[0].related[0].end), 'torch.sigmoid(z)');
    assert.match(f[0].message, /sigmoid is applied twice.*\[0\.5, 0\.731\]/);
    const fixed = applyEdits(src, f[0].fixes[0].edits);
    assert.equal(fixed.split('\n')[3], 'loss = F.binary_cross_entropy_with_logits(z, y)');
    assert.equal((await dsg(fixed)).length, 0);
  });

  it('every sigmoid spelling into every logits loss', async () => {
    const cases: [string, string][] = [
      ['import tensorflow as tf\nloss = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.nn.sigmoid(z))\n', 'tf.nn.sigmoid(z)'],
      ['import tensorflow as tf\nloss = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.sigmoid(z))\n', 'tf.sigmoid(z)'],
      ['import torch\nimport torch.nn.functional as F\nloss = F.binary_cross_entropy_with_logits(F.sigmoid(z), y)\n', 'F.sigmoid(z)'],
      ['import torch\nloss = torch.nn.BCEWithLogitsLoss()(z.sigmoid(), y)\n', 'z.sigmoid()'],
      ['import torch\nfrom torch import nn\ncrit = nn.BCEWithLogitsLoss()\nloss = crit(nn.Sigmoid()(z), y)\n', 'nn.Sigmoid()(z)'],
      ['import jax, optax\nloss = optax.sigmoid_binary_cross_entropy(jax.nn.sigmoid(z), y)\n', 'jax.nn.sigmoid(z)'],
      ['import tensorflow as tf\nfrom tensorflow import keras\nloss = keras.losses.BinaryCrossentropy(from_logits=True)(y, keras.activations.sigmoid(z))\n', 'keras.activations.sigmoid(z)'],
    ];
    for (const [src, range] of cases) {
      const f = await dsg(src);
      assert.equal(f.length, 1, src);
      assert.equal(src.slice(f[0].start, f[0].end), range, src);
      assert.equal((await dsg(applyEdits(src, f[0].fixes[0].edits))).length, 0, src);
    }
  });

  it('explanation: the bounds, and the values when the logits are known', async () => {
    const src = 'import torch\nimport torch.nn as nn\nz = torch.tensor([[-2.0, 3.0]])\nloss = nn.BCEWithLogitsLoss()(nn.Sigmoid()(z), y)\n';
    const [f] = await dsg(src);
    assert.match(f.explanation!.asWritten!, /^probabilities the loss uses: \[\[0\.529765\d* +0\.7216325\d*\]\] \(float32\)$/);
    assert.match(f.explanation!.asMeant!, /^sigmoid applied once: \[\[0\.1192029\d* +0\.952574\d*\]\] \(float32\)$/);
    assert.match(f.explanation!.details![0], /\(0\.5, 0\.7311\)/);
    assert.match(f.explanation!.details![1], /-log\(0\.7311\) = 0\.3133 per positive label and log 2 = 0\.6931/);
  });

  it('seeds: silent', async () => {
    for (const s of fs.readdirSync(path.join(__dirname, '../../fixtures/acceptance')).filter((n) => n.endsWith('.py'))) {
      assert.equal((await dsg(seed(s))).length, 0, s);
    }
  });

  it('near misses stay silent', async () => {
    const silent = [
      // BCE on probabilities after an explicit sigmoid is right
      'import torch\nimport torch.nn.functional as F\nloss = F.binary_cross_entropy(torch.sigmoid(z), y)\n',
      'import torch\nloss = torch.nn.BCELoss()(torch.sigmoid(z), y)\n',
      // sigmoid used for thresholding next to a logits loss on z
      'import torch\nimport torch.nn.functional as F\nloss = F.binary_cross_entropy_with_logits(z, y)\npred = (torch.sigmoid(z) > 0.5).float()\n',
      // Keras from_logits=False with a sigmoid output
      'import tensorflow as tf\nloss = tf.keras.losses.BinaryCrossentropy()(y, tf.sigmoid(z))\n',
      // softmax into a sigmoid loss is not this rule
      'import tensorflow as tf\nloss = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)\n',
    ];
    for (const s of silent) assert.equal((await dsg(s)).length, 0, s);
  });
});

describe('double-sigmoid through modules kept on self', () => {
  it('self.bce(self.act(...)) with self.bce = nn.BCEWithLogitsLoss() and self.act = nn.Sigmoid()', async () => {
    const src = [
      'import torch.nn as nn',
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.bce = nn.BCEWithLogitsLoss()',
      '        self.act = nn.Sigmoid()',
      '    def step(self, x, y):',
      '        return self.bce(self.act(self.net(x)), y)',
      '',
    ].join('\n');
    const f = (await check(src)).filter((x) => x.rule === 'double-sigmoid');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /nn\.Sigmoid\(\.\.\.\) output is passed to nn\.BCEWithLogitsLoss/);
    assert.equal(applyEdits(src, f[0].fixes[0].edits).split('\n')[7], '        return self.bce(self.net(x), y)');
  });
});
