import { strict as assert } from 'assert';
import { ipynbCodeCells, joinCells, locate } from '../../../src/python/notebook';
import { analyse } from '../../helpers/parser';

describe('notebooks', () => {
  it('names defined in earlier cells resolve in later ones; magics do not break parsing', async () => {
    const j = joinCells(['%matplotlib inline\nimport numpy as np', 'x = np.array([0.0, 0.0])', '!pip list\ny = np.exp(x)']);
    const r = (await analyse(j.text)).evaluateAll().find((e) => e.name === 'y')!;
    assert.deepEqual(Array.from(r.tensor!.data), [1, 1]);
    const off = j.text.indexOf('y = ');
    assert.deepEqual(locate(j, off), { cell: 2, offset: '!pip list\n'.length });
    assert.equal(j.text.slice(j.starts[2], j.starts[2] + 9), '#pip list');
  });
  it('reads code cells of an .ipynb (source as list or string), skipping markdown', () => {
    const nb = JSON.stringify({ cells: [{ cell_type: 'markdown', source: ['# t'] }, { cell_type: 'code', source: ['a = 1\n', 'b = 2'] }, { cell_type: 'code', source: 'c = 3' }], metadata: {} });
    assert.deepEqual(ipynbCodeCells(nb), { cells: ['a = 1\nb = 2', 'c = 3'] });
    assert.match((ipynbCodeCells('{oops') as { error: string }).error, /not valid notebook JSON/);
  });
});
