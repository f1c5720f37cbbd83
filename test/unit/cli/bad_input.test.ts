import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';

/** Runs the CLI in-process; returns exit code, stdout, stderr and the time taken. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string; ms: number }> {
  let out = '';
  let err = '';
  const t0 = Date.now();
  const code = await main(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err, ms: Date.now() - t0 };
}

describe('losslens eval: bad input gets a clear message, never a crash or a hang', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  const evalJson = async (src: string) => {
    const r = await run(['eval', write('snippet.py', src), '--json']);
    assert.equal(r.code, 0, r.err);
    return { ...r, results: JSON.parse(r.out).results as { line: number; value: unknown; error: string | null; dtype: string }[] };
  };

  it('a missing file: one line on stderr, exit 1', async () => {
    const r = await run(['eval', path.join(dir, 'nope.py')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^losslens: .*nope\.py: no such file\n?$/);
  });

  it('a directory', async () => {
    const r = await run(['eval', dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /is a directory/);
  });

  it('a binary file', async () => {
    const r = await run(['eval', write('blob.py', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]))]);
    assert.equal(r.code, 1);
    assert.match(r.err, /looks binary/);
  });

  it('a 50 MB file is refused before it is read', async () => {
    const p = path.join(dir, 'huge.py');
    const fd = fs.openSync(p, 'w');
    fs.ftruncateSync(fd, 50_000_000);
    fs.closeSync(fd);
    const r = await run(['eval', p]);
    assert.equal(r.code, 1);
    assert.match(r.err, /50\.0 MB; Loss Lens analyses files up to 2\.0 MB/);
    assert.ok(r.ms < 1000);
  });

  it('a 10 MB Python file: clear message within a second', async () => {
    const line = 'x = tf.nn.softmax([[1.0, 2.0, 3.0]])\n';
    const r = await run(['eval', write('ten.py', line.repeat(Math.ceil(10_000_000 / line.length)))]);
    assert.equal(r.code, 1);
    assert.match(r.err, /10\.0 MB/);
    assert.ok(r.ms < 1000, `${r.ms} ms`);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run(['eval'])).code, 2);
    assert.equal((await run(['eval', 'a.py', '--yaml'])).code, 2);
  });

  it('a ragged literal names the ragged element', async () => {
    const { results } = await evalJson('import numpy as np\nx = np.array([[1.0, 2.0], [3.0]])\n');
    assert.match(results[0].error!, /ragged array: element \[1\] has 1 entries, expected 2/);
  });

  it('a literal nested 1,000 levels deep', async () => {
    const src = `import numpy as np\nx = np.array(${'['.repeat(1000)}1.0${']'.repeat(1000)})\n`;
    const { results, ms } = await evalJson(src);
    assert.match(results[0].error!, /nested too deeply|nested deeper than 32 levels/);
    assert.ok(ms < 1000, `${ms} ms`);
  });

  it('a 1,000,000-element literal: clear message within a second', async () => {
    const src = `import numpy as np\nx = np.array([${Array.from({ length: 1_000_000 }, (_, i) => i % 10).join(', ')}])\n`;
    const r = await run(['eval', write('million.py', src)]);
    assert.equal(r.code, 1);
    assert.match(r.err, /line 2: an array literal of about 1,000,000 elements exceeds the evaluation limit of 100,000 elements/);
    assert.ok(r.ms < 1000, `${r.ms} ms`);
  });

  it('a 150,000-element literal inside the file-size limit gets the element budget message', async () => {
    const src = `import torch\nx = torch.tensor([${'0, '.repeat(150_000)}1])\n`;
    const r = await run(['eval', write('k150.py', src)]);
    assert.equal(r.code, 1);
    assert.match(r.err, /about 150,001 elements exceeds the evaluation limit/);
  });

  it('NaN and Inf literals flow through as the frameworks compute them', async () => {
    const { results } = await evalJson(
      "import numpy as np, math\nimport tensorflow as tf\nx = np.array([[float('nan'), 1.0], [np.inf, -math.inf], [float('-inf'), 0.0]])\ny = tf.nn.softmax(x)\n",
    );
    const y = results.find((r) => r.line === 4)!;
    assert.deepEqual(y.value, [['NaN', 'NaN'], ['NaN', 'NaN'], [0, 1]]);
  });

  it('syntax errors: the rest of the file is still analysed', async () => {
    const { results } = await evalJson('import numpy as np\ndef broken(:\n    pass\nx = np.exp(np.array([0.0, 1.0]))\n');
    const x = results.find((r) => r.line === 4)!;
    assert.deepEqual(x.value, [1, Math.E]);
  });

  it('non-numeric list elements and unsupported constructs say why', async () => {
    const { results } = await evalJson("import numpy as np\nx = np.array([1.0, 'a'])\ny = np.log(z)\n");
    assert.match(results[0].error!, /contains a string/);
    assert.match(results[1].error!, /'z' is not defined in this file/);
  });

  it('shape mismatches report both shapes', async () => {
    const { results } = await evalJson(
      'import tensorflow as tf\nl = tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=[[1.0, 2.0, 3.0]])\n',
    );
    assert.match(results[0].error!, /labels shape \[1, 2\] and logits shape \[1, 3\] must be equal/);
  });
});
