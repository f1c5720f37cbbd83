import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

const DOUBLE = 'import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n';

describe('losslens check', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-check-'));
    fs.mkdirSync(path.join(dir, 'pkg', '.hidden'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pkg', 'bad.py'), DOUBLE);
    fs.writeFileSync(path.join(dir, 'pkg', 'clean.py'), 'import torch.nn.functional as F\nloss = F.cross_entropy(z, y)\n');
    fs.writeFileSync(path.join(dir, 'pkg', '.hidden', 'ignored.py'), DOUBLE);
    fs.writeFileSync(path.join(dir, 'pkg', 'notes.txt'), DOUBLE);
    fs.writeFileSync(path.join(dir, 'pkg', 'blob.py'), Buffer.from([0, 1, 2, 3]));
    fs.writeFileSync(
      path.join(dir, 'pkg', 'nb.ipynb'),
      JSON.stringify({ metadata: {}, cells: [{ cell_type: 'code', source: ['import torch.nn.functional as F\n', 'p = F.softmax(z, dim=1)'] }, { cell_type: 'markdown', source: 'x' }, { cell_type: 'code', source: ['%time\n', 'loss = F.cross_entropy(p, y)'] }] }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('walks folders for .py and .ipynb (skipping hidden folders), text format, exit 1', async () => {
    const r = await run(['check', path.join(dir, 'pkg')]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 2, r.out);
    assert.equal(lines[0], `${path.join(dir, 'pkg', 'bad.py')}:2:24: LL101 double-softmax ${lines[0].split(' double-softmax ')[1]}`);
    // notebook: the softmax is in cell 1, the loss in cell 3 (the 2nd code cell): names resolve across cells
    assert.match(lines[1], /nb\.ipynb#cell2:2:24: LL101 double-softmax/);
    assert.match(r.err, /blob\.py: skipped: looks binary/);
  });

  it('json format: 1-based positions and the kebab-case rule name', async () => {
    const r = await run(['check', '--format', 'json', path.join(dir, 'pkg', 'bad.py')]);
    const { findings } = JSON.parse(r.out);
    assert.deepEqual(
      { ...findings[0], message: undefined },
      { file: path.join(dir, 'pkg', 'bad.py'), line: 2, column: 24, endLine: 2, endColumn: 43, code: 'LL101', rule: 'double-softmax', severity: 'warning', message: undefined, fix: { title: 'Remove the inner softmax: pass z', applicability: 'unsafe' } },
    );
  });

  it('sarif format is SARIF 2.1.0 with rules and regions', async () => {
    const r = await run(['check', '--format=sarif', path.join(dir, 'pkg', 'bad.py')]);
    const s = JSON.parse(r.out);
    assert.equal(s.version, '2.1.0');
    const run0 = s.runs[0];
    assert.equal(run0.tool.driver.name, 'Loss Lens');
    assert.ok(run0.tool.driver.rules.some((x: { id: string; name: string }) => x.id === 'LL101' && x.name === 'double-softmax'));
    assert.deepEqual(run0.results[0].locations[0].physicalLocation.region, { startLine: 2, startColumn: 24, endLine: 2, endColumn: 43 });
    assert.equal(run0.results[0].level, 'warning');
  });

  it('clean files exit 0; an explicit non-Python file is checked as Python', async () => {
    assert.equal((await run(['check', path.join(dir, 'pkg', 'clean.py')])).code, 0);
    assert.equal((await run(['check', path.join(dir, 'pkg', 'notes.txt')])).code, 1);
  });

  it('usage errors exit 2; a missing path is reported, not fatal', async () => {
    assert.equal((await run(['check'])).code, 2);
    assert.equal((await run(['check', '--format', 'xml', dir])).code, 2);
    assert.equal((await run(['check', '--bogus', dir])).code, 2);
    const r = await run(['check', path.join(dir, 'missing.py'), path.join(dir, 'pkg', 'clean.py')]);
    assert.equal(r.code, 0);
    assert.match(r.err, /missing\.py: no such file or directory/);
  });
});
