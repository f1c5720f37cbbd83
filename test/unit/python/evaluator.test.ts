import { strict as assert } from 'assert';
import { EvalResult } from '../../../src/python/analyze';
import { parseArrayRepr } from '../../../src/python/numpy_repr';
import { analyse } from '../../helpers/parser';

async function results(src: string): Promise<Map<string, EvalResult>> {
  const a = await analyse(src);
  const m = new Map<string, EvalResult>();
  for (const r of a.evaluateAll()) m.set(r.name ?? `line${r.line}`, r);
  return m;
}

const values = (r: EvalResult | undefined) => (r?.tensor ? Array.from(r.tensor.data) : r?.error);

describe('python evaluator: dtypes as each framework infers them', () => {
  it('np.array of Python floats is float64, of ints int64', async () => {
    const r = await results('import numpy as np\na = np.array([0.5, 1.0])\nb = np.array([1, 2])\n');
    assert.equal(r.get('a')!.dtype, 'float64');
    assert.equal(r.get('b')!.dtype, 'int64');
  });
  it('torch.tensor of floats is float32, of ints int64; tf.constant float32/int32; jnp.array float32', async () => {
    const r = await results(
      'import torch\nimport tensorflow as tf\nimport jax.numpy as jnp\nimport numpy as np\n' +
        'a = torch.tensor([0.1])\nb = torch.tensor([1])\nc = tf.constant([0.1])\nd = tf.constant([1])\ne = jnp.array([0.1])\nf = jnp.array(np.array([0.1]))\n',
    );
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => r.get(k)!.dtype), ['float32', 'int64', 'float32', 'int32', 'float32', 'float32']);
    assert.equal(r.get('a')!.tensor!.data[0], Math.fround(0.1));
  });
  it('tf.convert_to_tensor(np.array(...)) keeps float64; explicit dtype= wins', async () => {
    const r = await results(
      'import numpy as np\nimport tensorflow as tf\nimport torch\na = tf.convert_to_tensor(np.array([0.1]))\nb = tf.constant([0.1], dtype=tf.float64)\nc = torch.tensor([1, 2], dtype=torch.float)\nd = np.array([1, 2], dtype=np.float32)\ne = np.array([1], dtype="float64")\n',
    );
    assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((k) => r.get(k)!.dtype), ['float64', 'float64', 'float32', 'float32', 'float64']);
  });
  it('a Python scalar takes the tensor dtype; TF refuses to mix float32 and float64', async () => {
    const r = await results(
      'import tensorflow as tf\nimport numpy as np\nx = tf.constant([0.1, 0.2])\ny = 1 - x\nz = x * tf.constant(np.array([1.0, 2.0]))\n',
    );
    assert.equal(r.get('y')!.dtype, 'float32');
    assert.equal(r.get('y')!.tensor!.data[1], Math.fround(1 - Math.fround(0.2)));
    assert.match(r.get('z')!.error!, /TensorFlow does not mix dtypes: float32 \* float64/);
  });
});

describe('python evaluator: names', () => {
  it('import aliases, from-imports and conventional aliases without imports', async () => {
    const r = await results(
      'import torch.nn.functional as fn\nfrom tensorflow import nn as tnn\nfrom numpy import array as arr\nimport torch\n' +
        'x = torch.tensor([[1.0, 2.0]])\na = fn.softmax(x, dim=1)\nb = tnn.softmax([[1.0, 2.0]])\nc = arr([1.0])\nd = np.exp(np.array([0.0]))\n',
    );
    const s = 1 / (1 + Math.exp(1));
    assert.equal(r.get('a')!.tensor!.data[0], Math.fround(s));
    assert.equal(r.get('b')!.tensor!.data[0], Math.fround(s));
    assert.equal(r.get('c')!.dtype, 'float64');
    assert.deepEqual(values(r.get('d')), [1]);
  });
  it('assignments in order, tuple unpacking, augmented assignment', async () => {
    const r = await results('import numpy as np\nx = np.array([1.0])\nx = x + 1\na, (b, c) = 1.0, (np.array([2.0]), np.array([3.0]))\nc *= 2\nd = c\n');
    assert.deepEqual(values(r.get('x')), [2]);
    assert.deepEqual(values(r.get('b')), [2]);
    assert.deepEqual(values(r.get('d')), [6]);
  });
  it('function bodies resolve their own names and module names', async () => {
    const r = await results('import numpy as np\nw = np.array([1.0, 2.0])\ndef f(x):\n    y = np.exp(w)\n    z = x * 2\n    return y\n');
    assert.deepEqual(values(r.get('y')), [Math.E, Math.exp(2)]);
    assert.equal(r.get('z'), undefined); // a parameter: unknown, not a tensor expression we recognise
  });
  it('feed_dict forms: .eval(feed_dict), .eval(feed_dict=...), sess.run(t, feed_dict=...), sess.run(t, {..})', async () => {
    const src =
      'import tensorflow as tf\np = tf.placeholder(tf.float32, shape=[None, 2])\nq = tf.nn.softmax(p)\nfd = {p: [[0.0, 0.0]]}\nsess = tf.Session()\n' +
      'a = q.eval(fd)\nb = q.eval(feed_dict=fd)\nc = sess.run(q, feed_dict={p: [[0.0, 0.0]]})\nd = sess.run(q, {p: [[1.0, 1.0]]})\n';
    const r = await results(src);
    for (const k of ['a', 'b', 'c', 'd']) assert.deepEqual(values(r.get(k)), [0.5, 0.5], k);
    assert.match(r.get('q')!.error!, /placeholder/);
    assert.deepEqual(r.get('q')!.shape, [null, 2]);
  });
  it('a feed of the wrong shape names both shapes', async () => {
    const r = await results('import tensorflow as tf\np = tf.placeholder(tf.float32, shape=[None, 3])\na = tf.nn.softmax(p).eval({p: [[1.0, 2.0]]})\n');
    assert.match(r.get('a')!.error!, /has shape \[1, 2\], but the placeholder's shape is \[None, 3\]/);
  });
  it('loss objects constructed then called (nn.Softmax)', async () => {
    const r = await results('import torch\nfrom torch import nn\nsm = nn.Softmax(dim=1)\nx = torch.tensor([[0.0, 0.0]])\ny = sm(x)\n');
    assert.deepEqual(values(r.get('y')), [0.5, 0.5]);
  });
  it('unknown calls and names are silent unless they feed a known tensor function', async () => {
    const r = await results('import foo\na = foo.bar(1)\nb = "text"\nimport tensorflow as tf\nc = tf.nn.softmax(foo.bar(1))\n');
    assert.equal(r.get('a'), undefined);
    assert.equal(r.get('b'), undefined);
    assert.match(r.get('c')!.error!, /foo\.bar\(\) is not a function Loss Lens evaluates/);
  });
});

describe('NumPy printed form', () => {
  it('reads the repr of seed 000 with and without commas', () => {
    const a = parseArrayRepr('# printed: [[ 0.227863  ,  0.61939586,  0.15274114],\n#           [ 0.49674623,  0.20196195,  0.30129182]]');
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal((a.values as number[][])[1][2], 0.30129182);
    const b = parseArrayRepr('[[ 0.16838508  0.205666    0.25120102  0.37474789]]');
    assert.deepEqual(b.shape, [1, 4]);
  });
  it('array(..., dtype=float32), tensor([...]), nan/inf, ragged', () => {
    const a = parseArrayRepr('array([[1., nan], [-inf, 2e-3]], dtype=float32)');
    assert.equal(a.dtype, 'float32');
    assert.ok(Number.isNaN((a.values as number[][])[0][1]));
    assert.equal((a.values as number[][])[1][0], -Infinity);
    assert.throws(() => parseArrayRepr('[[1 2] [3]]'), /ragged/);
    assert.throws(() => parseArrayRepr('[[1 2'), /unclosed/);
  });
});

describe('NumPy printed form pasted into code', () => {
  it('a list without commas is read as the printed array, with a note', async () => {
    const a = await analyse('import numpy as np\nlogits = np.array([[ 0.227863   0.61939586  0.15274114]\n                   [ 0.49674623  0.20196195  0.30129182]])\ny = [[1 2 3]]\nz = np.log(y)\n');
    const r = a.evaluateAll();
    const logits = r.find((x) => x.name === 'logits')!;
    assert.deepEqual(logits.shape, [2, 3]);
    assert.equal(logits.tensor!.data[5], 0.30129182);
    assert.match(logits.notes.join(' '), /printed form/);
    const z = r.find((x) => x.name === 'z')!;
    assert.equal(z.dtype, 'float64'); // np.log of ints is float64
    assert.deepEqual(Array.from(z.tensor!.data), [0, Math.log(2), Math.log(3)]);
  });
  it('a list with a real syntax error stays an error, not a guess', async () => {
    const a = await analyse('import numpy as np\nx = np.array([[1, 2], [3, +]])\n');
    assert.equal(a.evaluateAll().find((x) => x.name === 'x' && x.tensor), undefined);
  });
});

describe('tensor methods', () => {
  it('x.sum(1), .mean(), p.log(), x.softmax(dim=1), .float()', async () => {
    const r = await results('import torch\nx = torch.tensor([[0.0, 0.0], [1.0, 3.0]])\na = x.sum(1)\nb = x.mean()\nc = x.softmax(dim=1)\nd = torch.tensor([1, 2]).float().log()\n');
    assert.deepEqual(values(r.get('a')), [0, 4]);
    assert.deepEqual(values(r.get('b')), [1]);
    assert.deepEqual(values(r.get('c'))!.slice(0, 2), [0.5, 0.5]);
    assert.deepEqual(values(r.get('d')), [0, Math.fround(Math.log(2))]);
  });
});

describe('bindings inside compound statements', () => {
  it('if/else, for, while, try/except, with, match/case bodies bind names in order', async () => {
    const src = [
      'import numpy as np',
      'if True:\n    a = np.array([1.0])\nelse:\n    a = np.array([2.0])',
      'for i in range(3):\n    b = np.array([3.0])',
      'while False:\n    c = np.array([4.0])',
      'try:\n    d = np.array([5.0])\nexcept Exception:\n    d = np.array([6.0])',
      'match 1:\n    case 1:\n        e = np.array([7.0])',
      'z = np.exp(a) + b + c + d + e',
    ].join('\n') + '\n';
    const r = await results(src);
    // the last textual binding wins: a = 2, d = 6
    assert.deepEqual(values(r.get('z')), [Math.exp(2) + 3 + 4 + 6 + 7]);
  });
});
