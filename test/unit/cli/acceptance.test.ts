import { strict as assert } from 'assert';
import * as path from 'path';
import { main } from '../../../src/cli/main';
import { assertUlps } from '../../helpers/ulps';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'acceptance');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const expected = require(path.join(DIR, 'expected.json')) as {
  cases: { file: string; lines: number[]; name: string | null; dtype: 'float32' | 'float64'; value: unknown; tol_ulps: number }[];
};

interface JsonResult { line: number; name: string | null; dtype: string | null; value: unknown; error: string | null }

async function evalJson(file: string): Promise<{ file: string; results: JsonResult[] }> {
  let out = '';
  const code = await main(['eval', path.join(DIR, file), '--json'], (s) => (out += s), () => undefined);
  assert.equal(code, 0);
  return JSON.parse(out);
}

describe('acceptance: losslens eval --json reproduces the seed documents', () => {
  for (const c of expected.cases) {
    it(`${c.file}: ${c.name ?? 'expression'} on line ${c.lines.join(' or ')} (${c.dtype}, ${c.tol_ulps} ulps)`, async () => {
      const { results } = await evalJson(c.file);
      const candidates = results.filter((r) => c.lines.includes(r.line) && r.value !== null && (c.name === null || r.name === c.name));
      assert.ok(candidates.length > 0, `no evaluated result on lines ${c.lines} (got ${JSON.stringify(results.filter((r) => c.lines.includes(r.line)))})`);
      for (const r of candidates) {
        assert.equal(r.dtype, c.dtype, `dtype on line ${r.line}`);
        assertUlps(r.value as never, c.value as never, c.dtype, c.tol_ulps, `${c.name} line ${r.line}`);
      }
    });
  }

  it('seed_softmax_intro.py: the Python 2 print statement does not stop the analysis', async () => {
    const { results } = await evalJson('seed_softmax_intro.py');
    assert.ok(results.some((r) => r.line === 7 && r.value !== null));
  });

  it('seed_double_softmax.py: says why nothing can be evaluated', async () => {
    const { results } = await evalJson('seed_double_softmax.py');
    assert.ok(results.length > 0 && results.every((r) => r.value === null));
    assert.match(results[0].error!, /'x' is not defined in this file/);
  });

  it('seed_tf2_check.py: random inputs are not evaluated, but their shapes are known', async () => {
    let out = '';
    await main(['eval', path.join(DIR, 'seed_tf2_check.py'), '--json'], (s) => (out += s), () => undefined);
    const r = JSON.parse(out).results as { line: number; shape: number[]; error: string }[];
    const labels = r.find((x) => x.line === 3)!;
    assert.deepEqual(labels.shape, [100, 10]);
    assert.match(labels.error, /random values \(tf\.random\.uniform\)/);
    // tf.one_hot(labels, 10) on float one-hot labels: TF itself rejects float indices.
    assert.match(r.find((x) => x.line === 4)!.error, /one_hot indices must be integers, got float32/);
  });
});
