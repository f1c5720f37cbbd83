import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, check } from '../../helpers/parser';

const only = (rule: string) => async (src: string) => (await check(src)).filter((f) => f.rule === rule);
const ds = only('double-softmax');

describe('rule double-softmax (LL101)', () => {
  it('seed: softmax inside the logits of a positional TF 0.x call, with a fix that removes it', async () => {
    const src = fs.readFileSync(path.join(__dirname, '../../fixtures/acceptance/seed_double_softmax.py'), 'utf8');
    const f = await ds(src);
    assert.equal(f.length, 1);
    assert.equal(src.slice(0, f[0].start).split('\n').length, 2);
    assert.equal(f[0].code, 'LL101');
    const fixed = applyEdits(src, f[0].fixes[0].edits);
    assert.match(fixed, /softmax_cross_entropy_with_logits\(tf\.add\(tf\.matmul\(x,W\),b\),y\)/);
    assert.equal((await ds(fixed)).length, 0);
  });

  it('through a name in the same scope, with the related softmax located', async () => {
    const src = 'import torch.nn.functional as F\nprobs = F.softmax(z, dim=1)\nloss = F.cross_entropy(probs, y)\n';
    const [f] = await ds(src);
    assert.equal(src.slice(f.start, f.end), 'probs');
    assert.equal(src.slice(f.related[0].start, f.related[0].end), 'F.softmax(z, dim=1)');
    assert.equal(applyEdits(src, f.fixes[0].edits).split('\n')[2], 'loss = F.cross_entropy(z, y)');
  });

  it('nn.CrossEntropyLoss objects, nn.Softmax modules, optax, Keras from_logits=True', async () => {
    const cases = [
      'import torch\nfrom torch import nn\ncrit = nn.CrossEntropyLoss()\nloss = crit(torch.softmax(z, dim=1), y)\n',
      'import torch\nfrom torch import nn\nloss = nn.CrossEntropyLoss()(nn.Softmax(dim=1)(z), y)\n',
      'import optax, jax\nloss = optax.softmax_cross_entropy(jax.nn.softmax(z), labels)\n',
      'import tensorflow as tf\nloss = tf.keras.losses.CategoricalCrossentropy(from_logits=True)(y, tf.nn.softmax(z))\n',
      'import tensorflow as tf\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=tf.nn.softmax(z))\n',
      'import torch\nloss = torch.nn.functional.cross_entropy(z.softmax(dim=1), y)\n',
    ];
    for (const c of cases) assert.equal((await ds(c)).length, 1, c);
  });

  it('near misses stay silent', async () => {
    const silent = [
      // log_softmax then NLLLoss
      'import torch.nn.functional as F\nloss = F.nll_loss(F.log_softmax(z, dim=1), y)\n',
      // softmax used only for accuracy next to a logits loss
      'import torch\nimport torch.nn.functional as F\nloss = F.cross_entropy(z, y)\nacc = (F.softmax(z, dim=1).argmax(1) == y).float().mean()\n',
      // Keras softmax output with from_logits=False
      'import tensorflow as tf\nloss = tf.keras.losses.CategoricalCrossentropy()(y, tf.nn.softmax(z))\n',
      // softmax into a loss that expects probabilities
      'import tensorflow as tf\nl = tf.keras.losses.categorical_crossentropy(y, tf.nn.softmax(z))\n',
    ];
    for (const s of silent) assert.equal((await ds(s)).length, 0, s);
  });

  it('# losslens: ignore[double-softmax] silences the line', async () => {
    const src = 'import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)  # losslens: ignore[double-softmax]\n';
    assert.equal((await ds(src)).length, 0);
    assert.equal((await check(src.replace('double-softmax', 'log-of-logits'))).filter((f) => f.rule === 'double-softmax').length, 1);
  });

  it('severity setting and off', async () => {
    const src = 'import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n';
    assert.equal((await check(src, { severity: { 'double-softmax': 'error' } }))[0].severity, 'error');
    assert.equal((await check(src, { severity: { 'double-softmax': 'off' } })).length, 0);
  });
});

describe('double-softmax explanation: the loss as written and as meant', () => {
  it('evaluates both, with the log(1 + (C-1)/e) bound', async () => {
    const src = 'import torch\nimport torch.nn.functional as F\nz = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])\ny = torch.tensor([0, 1])\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n';
    const [f] = (await check(src)).filter((x) => x.rule === 'double-softmax');
    const e = f.explanation!;
    // Exact values (mpmath on the float32 inputs, rounded to float32):
    //   as meant   F.cross_entropy(z, y)             = 0.31853977
    //   as written F.cross_entropy(softmax(z), y)    = 0.74501026 (softmax rounded to float32 first)
    assert.match(e.asMeant!, /= 0\.31853977$/);
    assert.match(e.asWritten!, /= 0\.74501026 \(float32\)$/);
    // log(1 + 2/e) = 0.5514 for C = 3
    assert.match(e.details![0], /3 classes .* = 0\.5514/);
  });
});

describe('double-softmax through modules kept on self', () => {
  const MODULE = [
    'import torch.nn as nn',
    'class Classifier(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(10, 3)',
    '        self.softmax = nn.Softmax(dim=1)',
    '        self.criterion = nn.CrossEntropyLoss()',
    '    def training_step(self, x, y):',
    '        out = self.softmax(self.fc(x))',
    '        return self.criterion(out, y)',
    '    def predict(self, x):',
    '        return self.softmax(self.fc(x)).argmax(1)',
    '',
  ].join('\n');

  it('self.criterion(self.softmax(...)) through a local name', async () => {
    const f = await ds(MODULE);
    assert.equal(f.length, 1);
    assert.equal(MODULE.slice(f[0].start, f[0].end), 'out');
    assert.equal(MODULE.slice(f[0].related[0].start, f[0].related[0].end), 'self.softmax(self.fc(x))');
    assert.match(applyEdits(MODULE, f[0].fixes[0].edits), /return self\.criterion\(self\.fc\(x\), y\)/);
  });

  it('stays silent when the attribute is assigned different modules, or is a plain loss on logits', async () => {
    assert.equal((await ds(MODULE.replace('self.softmax = nn.Softmax(dim=1)', 'self.softmax = nn.Softmax(dim=1) if True else None\n        self.softmax = nn.Identity()'))).length, 0);
    assert.equal((await ds(MODULE.replace('out = self.softmax(self.fc(x))', 'out = self.fc(x)'))).length, 0);
  });
});

describe('double-softmax through a model whose forward() ends in softmax', () => {
  const NET = [
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(784, 10)',
    '    def forward(self, x):',
    '        x = self.fc(x)',
    '        return F.softmax(x, dim=1)',
    'model = Net().to("cpu")',
    'criterion = nn.CrossEntropyLoss()',
    'output = model(data)',
    'loss = criterion(output, target)',
    '',
  ].join('\n');

  it('reports at the loss argument, points at forward() and fixes forward()', async () => {
    const f = await ds(NET);
    assert.equal(f.length, 1);
    assert.equal(NET.slice(f[0].start, f[0].end), 'output');
    assert.match(f[0].message, /model\(\.\.\.\) returns F\.softmax\(\.\.\.\) from its forward\(\)/);
    assert.equal(NET.slice(f[0].related[0].start, f[0].related[0].end), 'F.softmax(x, dim=1)');
    assert.equal(applyEdits(NET, f[0].fixes[0].edits).split('\n')[9], '        return x');
  });

  it('stays silent for log_softmax + NLLLoss, and when some return is not a softmax', async () => {
    const nll = NET.replace('return F.softmax(x, dim=1)', 'return F.log_softmax(x, dim=1)').replace('nn.CrossEntropyLoss()', 'nn.NLLLoss()');
    assert.equal((await ds(nll)).length, 0);
    const mixed = NET.replace('        return F.softmax(x, dim=1)', '        if self.training:\n            return x\n        return F.softmax(x, dim=1)');
    assert.equal((await ds(mixed)).length, 0);
  });
});
