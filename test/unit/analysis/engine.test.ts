import { strict as assert } from 'assert';
import { Project } from '../../../src/analysis/project';
import type { Node } from '../../../src/python/parser';
import { getParser } from '../../helpers/parser';

/** An in-memory project: path -> text. */
async function projectOf(files: Record<string, string>): Promise<Project> {
  return new Project({ parser: await getParser(), read: (p) => files[p] });
}

/** The node of the last occurrence of `expr` in a file (an expression statement's text). */
function nodeOf(project: Project, path: string, expr: string): Node {
  const f = project.file(path)!;
  const at = f.text.lastIndexOf(expr);
  assert.ok(at >= 0, `${expr} not in ${path}`);
  let n = f.analysis.tree.rootNode.descendantForIndex(at, at + expr.length);
  while (n?.parent && n.endIndex - n.startIndex < expr.length) n = n.parent;
  assert.ok(n);
  assert.equal(n.text, expr);
  return n;
}

async function kindOf(files: Record<string, string>, path: string, expr: string) {
  const p = await projectOf(files);
  return p.engine.valueAt(path, nodeOf(p, path, expr));
}

describe('analysis engine: what a tensor is', () => {
  it('library producers with their axis: softmax, log_softmax, sigmoid, methods, modules', async () => {
    const src = [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', 'import tensorflow as tf',
      'a = F.softmax(z, dim=1)', 'b = tf.nn.log_softmax(z)', 'c = torch.sigmoid(z)', 'd = z.softmax(-1)', 'e = nn.Softmax(dim=0)(z)',
      'g = torch.exp(F.log_softmax(z, 1))', 'h = torch.log(F.softmax(z, dim=1))', 'i = z.argmax(1)', 'j = F.softmax(z)',
      'a', 'b', 'c', 'd', 'e', 'g', 'h', 'i', 'j', '',
    ].join('\n');
    const p = await projectOf({ '/p/a.py': src });
    const v = (e: string) => p.engine.valueAt('/p/a.py', nodeOf(p, '/p/a.py', e));
    assert.deepEqual([v('a').kind, v('a').axis], ['probs', 1]);
    assert.deepEqual([v('b').kind, v('b').axis], ['logProbs', -1]);
    assert.equal(v('c').kind, 'sigmoidProbs');
    assert.deepEqual([v('d').kind, v('d').axis], ['probs', -1]);
    assert.deepEqual([v('e').kind, v('e').axis], ['probs', 0]);
    assert.equal(v('g').kind, 'probs');
    assert.equal(v('h').kind, 'logProbs');
    assert.equal(v('i').kind, 'classIndex');
    assert.deepEqual([v('j').kind, v('j').axis], ['probs', null]);
    assert.equal(v('a').prov[0].what, 'F.softmax(z, dim=1)');
  });

  it('across files: a model class imported from another module whose forward ends in softmax', async () => {
    const files = {
      '/p/model.py': 'import torch.nn as nn\nimport torch.nn.functional as F\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(10, 3)\n    def forward(self, x):\n        x = self.fc(x)\n        return F.softmax(x, dim=1)\n',
      '/p/train.py': 'from model import Net\nnet = Net().to("cuda")\nout = net(x)\nout\n',
    };
    const v = await kindOf(files, '/p/train.py', 'out');
    assert.equal(v.kind, 'probs');
    assert.equal(v.axis, 1);
    assert.equal(v.prov[0].file, '/p/model.py');
    assert.ok(v.prov.some((s) => s.what === 'returned by forward()'));
  });

  it('helper returns, tuples element-wise, relative imports and package re-exports', async () => {
    const files = {
      '/p/pkg/__init__.py': 'from .nets import build\n',
      '/p/pkg/nets.py': 'import tensorflow as tf\ndef build(x):\n    logits = tf.matmul(x, W) + b\n    probs = tf.nn.softmax(logits)\n    return logits, probs\n',
      '/p/main.py': 'from pkg import build\nlogits, probs = build(x)\nlogits\nprobs\n',
    };
    const p = await projectOf(files);
    assert.equal(p.engine.valueAt('/p/main.py', nodeOf(p, '/p/main.py', 'probs')).kind, 'probs');
    assert.equal(p.engine.valueAt('/p/main.py', nodeOf(p, '/p/main.py', 'logits')).kind, 'logits');
  });

  it('helpers taking an activation argument, Keras layers, Sequential and functional models', async () => {
    const files = {
      '/p/a.py': [
        'import tensorflow as tf', 'from tensorflow import keras',
        'def add_layer(inputs, n_in, n_out, activation_function=None):',
        '    Wx_plus_b = tf.matmul(inputs, W) + b',
        '    if activation_function is None:', '        outputs = Wx_plus_b', '    else:', '        outputs = activation_function(Wx_plus_b)',
        '    return outputs',
        'pred = add_layer(h, 10, 3, activation_function=tf.nn.softmax)',
        'm1 = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])',
        'm2 = keras.Sequential()', 'm2.add(keras.layers.Dense(64))', 'm2.add(keras.layers.Dense(1))',
        'inp = keras.Input((4,))', 'out = keras.layers.Dense(3, activation=tf.nn.sigmoid)(inp)', 'm3 = keras.Model(inputs=inp, outputs=out)',
        'pred', 'm1', 'm2', 'm3', '',
      ].join('\n'),
    };
    const p = await projectOf(files);
    const at = (e: string) => nodeOf(p, '/p/a.py', e);
    assert.equal(p.engine.valueAt('/p/a.py', at('pred')).kind, 'probs');
    const o1 = p.engine.outputOf('/p/a.py', at('m1'));
    assert.deepEqual([o1.kind, o1.units], ['probs', 10]);
    const o2 = p.engine.outputOf('/p/a.py', at('m2'));
    assert.deepEqual([o2.kind, o2.units], ['logits', 1]);
    assert.equal(p.engine.outputOf('/p/a.py', at('m3')).kind, 'sigmoidProbs');
  });

  it('attributes set in any method, nn.Sequential ending in nn.Softmax, inherited forward', async () => {
    const files = {
      '/p/m.py': [
        'import torch.nn as nn',
        'class Base(nn.Module):', '    def forward(self, x):', '        return self.head(x)',
        'class Net(Base):', '    def __init__(self):', '        super().__init__()', '        self.build()',
        '    def build(self):', '        self.head = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))',
        'y = Net()(x)', 'y', '',
      ].join('\n'),
    };
    assert.equal((await kindOf(files, '/p/m.py', 'y')).kind, 'probs');
  });

  it('unsure stays unknown: producers that disagree, obscure callees, recursion and import cycles terminate', async () => {
    const files = {
      '/p/a.py': [
        'import torch.nn.functional as F', 'from b import g',
        'def pick(x, flag):', '    if flag:', '        return F.softmax(x, dim=1)', '    return F.log_softmax(x, dim=1)',
        'def rec(x):', '    return rec(x)',
        'u = pick(z, True)', 'w = some_lib.fn(z)', 'r = rec(z)', 'c = g(z)', 'u', 'w', 'r', 'c', '',
      ].join('\n'),
      '/p/b.py': 'from a import pick\ndef g(x):\n    return pick(x, 1)\n',
    };
    const p = await projectOf(files);
    for (const e of ['u', 'w', 'r', 'c']) assert.equal(p.engine.valueAt('/p/a.py', nodeOf(p, '/p/a.py', e)).kind, undefined, e);
  });

  it('update() re-reads a file and reports its importers; remove() forgets it', async () => {
    const files: Record<string, string> = {
      '/p/model.py': 'import torch.nn.functional as F\ndef head(x):\n    return F.softmax(x, dim=1)\n',
      '/p/train.py': 'from model import head\np = head(z)\np\n',
    };
    const p = await projectOf(files);
    const at = () => nodeOf(p, '/p/train.py', 'p');
    assert.equal(p.engine.valueAt('/p/train.py', at()).kind, 'probs');
    const affected = p.update('/p/model.py', 'import torch.nn.functional as F\ndef head(x):\n    return F.log_softmax(x, dim=1)\n');
    assert.deepEqual(affected.sort(), ['/p/model.py', '/p/train.py']);
    assert.equal(p.engine.valueAt('/p/train.py', at()).kind, 'logProbs');
    p.remove('/p/model.py');
    assert.equal(p.engine.valueAt('/p/train.py', at()).kind, undefined);
    p.dispose();
  });
});

describe('analysis engine: parameters, loops, slices, star imports', () => {
  it('a parameter takes what its callers pass (in the file, else in other project files), else its default', async () => {
    const files = {
      '/p/a.py': [
        'import torch.nn.functional as F', 'from tensorflow.keras.layers import *',
        'def run(model, x):', '    return model(x)', 'def head(z, act=F.log_softmax):', '    return act(z, dim=1)',
        'class M:', '    def set(self, fn):', '        self.fn = fn',
        'out = run(Dense(3, activation="softmax"), h)', 'lp = head(z)', 'out', 'lp', '',
      ].join('\n'),
      '/p/b.py': 'import torch.nn.functional as F\nfrom a import M\nm = M()\nm.set(F.softmax)\n',
    };
    const p = new Project({ parser: await getParser(), read: (q) => (files as Record<string, string>)[q], files: Object.keys(files) });
    const at = (e: string) => nodeOf(p, '/p/a.py', e);
    assert.deepEqual([p.engine.valueAt('/p/a.py', at('out')).kind, p.engine.valueAt('/p/a.py', at('out')).units], ['probs', 3]);
    assert.equal(p.engine.valueAt('/p/a.py', at('lp')).kind, 'logProbs');
    const fnInSet = nodeOf(p, '/p/a.py', 'self.fn = fn').childForFieldName('right')!;
    assert.equal(p.engine.valueAt('/p/a.py', fnInSet).ref?.type, 'lib');
  });

  it('rows of a loop and slices keep the kind (marked sliced); an integer index picks a tuple element', async () => {
    const src = 'import torch\np = torch.softmax(z, -1)\nfor row in p:\n    r = row\ns = p[:, 0]\nt = (torch.sigmoid(z), z)[0]\nr\ns\nt\n';
    const v = await Promise.all(['r', 's', 't'].map((e) => kindOf({ '/p/a.py': src }, '/p/a.py', e)));
    assert.deepEqual(v.map((x) => [x.kind, !!x.sliced]), [['probs', false], ['probs', true], ['sigmoidProbs', false]]);
  });
});
