import { strict as assert } from 'assert';
import * as path from 'path';
import { main } from '../../../src/cli/main';

const EXAMPLE = path.join(__dirname, '../../../examples/softmax_long.py');

async function run(args: string[]): Promise<string> {
  let out = '';
  const code = await main(args, (s) => (out += s), () => undefined);
  assert.equal(code, 0);
  return out;
}

describe('losslens eval: echoes of a value already shown (npm start)', () => {
  it('the human form prints each value once: sess.run(x) after x = ... is not repeated', async () => {
    const out = await run(['eval', EXAMPLE]);
    const heads = out.split('\n').filter((l) => /^\S+:\d+:\d+ /.test(l)).map((l) => Number(/:(\d+):\d+ /.exec(l)![1]));
    // The assignments on lines 7, 10, 15, 18, 22, 26, 30; their sess.run echoes (8, 11, 16, 19, 23, 27, 31) show the same values.
    assert.deepEqual(heads, [7, 10, 15, 18, 22, 26, 30]);
    assert.match(out, /:18:1 loss_per_instance_1 {2}float64\[2\] .*\n {4}\[0\.4790107 {2}1\.19967598\]\n/);
  });

  it('--json keeps every statement, echoes included', async () => {
    const json = JSON.parse(await run(['eval', EXAMPLE, '--json'])) as { results: { line: number }[] };
    assert.deepEqual(json.results.map((r) => r.line), [7, 8, 10, 11, 15, 16, 18, 19, 22, 23, 26, 27, 30, 31]);
  });
});
