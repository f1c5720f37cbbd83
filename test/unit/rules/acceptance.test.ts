import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { check } from '../../helpers/parser';

/**
 * The seed files of test/fixtures/acceptance (a copy of shared/acceptance), checked against
 * expected.json's `diagnostics`: every (rule, line) in `required` is raised, the line being that
 * of the finding's start (1-based), and no rule outside `required` and `allowed` is raised.
 */
const DIR = path.join(__dirname, '..', '..', 'fixtures', 'acceptance');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const expected = require(path.join(DIR, 'expected.json')) as {
  diagnostics: { files: Record<string, { required: [string, number][]; allowed: string[] }> };
};

describe('acceptance: rules on the seed files (expected.json diagnostics)', () => {
  const seeds = fs.readdirSync(DIR).filter((f) => f.endsWith('.py')).sort();

  it('every seed file has an entry in expected.json, and every entry a file', () => {
    assert.deepEqual(seeds, Object.keys(expected.diagnostics.files).sort());
  });

  for (const file of seeds) {
    const spec = expected.diagnostics.files[file] ?? { required: [], allowed: [] };

    const raised = async () => {
      const src = fs.readFileSync(path.join(DIR, file), 'utf8');
      return (await check(src)).map((f) => ({ rule: f.rule as string, line: src.slice(0, f.start).split('\n').length, message: f.message }));
    };

    it(`${file}: raises ${spec.required.length ? spec.required.map(([r, l]) => `${r}@${l}`).join(', ') : 'nothing required'}`, async () => {
      const got = await raised();
      const missing = spec.required.filter(([rule, line]) => !got.some((g) => g.rule === rule && g.line === line));
      const have = got.map((g) => `${g.rule}@${g.line}`).join(', ') || 'nothing';
      assert.deepEqual(missing, [], `missing ${missing.map(([r, l]) => `${r}@${l}`).join(', ')} (raised: ${have})`);
    });

    it(`${file}: raises no rule outside required and allowed`, async () => {
      const ok = new Set([...spec.required.map(([r]) => r), ...spec.allowed]);
      const extra = (await raised()).filter((g) => !ok.has(g.rule));
      assert.deepEqual(extra.map((g) => `${g.rule}@${g.line}: ${g.message}`), []);
    });
  }
});
