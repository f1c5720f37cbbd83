import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => (out += s), (s) => (err += `${s}\n`)); // as bin/losslens.js writes stderr
  return { code, out, err };
}

// An unclosed list on line 2, a half-typed `if` on line 4, a double softmax below both.
const BROKEN = 'import torch.nn.functional as F\nx = [1, 2\np = F.softmax(torch.tensor([[1.0, 2.0]]), dim=1)\nif p\nloss = F.cross_entropy(p, torch.tensor([1]))\n';

describe('losslens check / eval on files with syntax errors', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-syntax-'));
    fs.writeFileSync(path.join(dir, 'broken.py'), BROKEN);
    fs.writeFileSync(
      path.join(dir, 'nb.ipynb'),
      JSON.stringify({
        metadata: {},
        cells: [
          { cell_type: 'code', source: 'import torch.nn.functional as F\ny = foo(1,' },
          { cell_type: 'code', source: ['p = F.softmax(torch.tensor([[1.0, 2.0]]), dim=1)\n', 'loss = F.cross_entropy(p, torch.tensor([1]))'] },
        ],
      }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('check reports the finding below the errors and one stderr line per file saying where the code could not be read', async () => {
    const file = path.join(dir, 'broken.py');
    const r = await run(['check', file]);
    assert.equal(r.code, 1);
    assert.equal(r.out.trim().split('\n').length, 1);
    assert.match(r.out, /broken\.py:5:24: LL101 double-softmax/);
    const errLines = r.err.trim().split('\n');
    assert.equal(errLines[0], `losslens: ${file}:2:1: syntax error, code not analysed here ('[' was never closed) and 1 more place; the rest of the file was analysed`);
    assert.equal(errLines.length, 2); // and the summary
  });

  it('check on a notebook: an error at the end of cell 1 does not hide cell 2', async () => {
    const file = path.join(dir, 'nb.ipynb');
    const r = await run(['check', file]);
    assert.match(r.out, /nb\.ipynb#cell2:2:24: LL101 double-softmax/);
    assert.match(r.err, new RegExp(`nb\\.ipynb#cell1:2:1: syntax error, code not analysed here \\('\\(' was never closed\\);`));
  });

  it('eval evaluates below the error and says on stderr where it could not read', async () => {
    const file = path.join(dir, 'broken.py');
    const r = await run(['eval', file, '--json']);
    assert.equal(r.code, 0);
    const loss = JSON.parse(r.out).results.find((x: { name: string }) => x.name === 'loss');
    // cross_entropy(softmax([1, 2]), label 1) = log(exp(p0) + exp(p1)) - p1, p = softmax([1, 2]) (mpmath)
    assert.ok(Math.abs(loss.value - 0.488548439212460411498755224539) < 1e-6, String(loss.value));
    assert.equal(r.err, `losslens: ${file}:2:1: syntax error, code not analysed here ('[' was never closed) and 1 more place; the rest of the file was analysed\n`);
  });
});
