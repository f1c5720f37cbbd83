import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '../../..');
const SCRIPT = path.join(ROOT, 'scripts/realcode.mjs');
const CASES = path.join(ROOT, 'test/fixtures/real/cases.json');

interface Ratio { found: number; total: number; recall: number | null }
interface Result {
  cases: number;
  summary: { overall: Ratio; crossBoundary: Ratio; sameScope: Ratio; byFamily: Record<string, Ratio> };
  scored: { id: string; found: boolean; hits: boolean[]; other: { rule: string; line: number }[] }[];
  good: { dir: string; files: number; findings: number; per1000: number; byRule: Record<string, number> }[];
  problems: string[];
}

function realcode(args: string[]): Result {
  const r = spawnSync(process.execPath, [SCRIPT, ...args, '--json'], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Result;
}

interface Case { id: string; repo: string; commit: string; source: string; license: string | null; kept: boolean; files: string[]; flow: string; crossBoundary: boolean; expected: { file: string; cell?: number; line: number; rule: string }[] }

describe('real-code evidence (scripts/realcode.mjs)', function () {
  this.timeout(120_000);

  it('cases.json: every case is pinned, sourced, licensed or marked not kept, with a flow and expected lines', () => {
    const cases = JSON.parse(fs.readFileSync(CASES, 'utf8')) as Case[];
    assert.ok(cases.length >= 30, `${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'ids are unique');
    for (const c of cases) {
      assert.match(c.id, /^[a-z0-9][a-z0-9-]*$/, c.id);
      assert.match(c.repo, /^[\w.-]+\/[\w.-]+$/, c.id);
      assert.match(c.commit, /^[0-9a-f]{40}$/, c.id);
      assert.match(c.source, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+$/, c.id);
      assert.ok(c.kept ? ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'BSD-2-Clause'].includes(c.license ?? '') : true, `${c.id}: kept only under a permissive licence`);
      assert.ok(c.flow.length > 40 && c.flow.endsWith('.'), `${c.id}: a one-sentence flow`);
      assert.ok(c.expected.length > 0, c.id);
      for (const e of c.expected) {
        assert.ok(c.files.includes(e.file), `${c.id}: expected file ${e.file} is one of the case's files`);
        assert.equal(e.cell !== undefined, e.file.endsWith('.ipynb'), `${c.id}: notebook lines name their cell`);
        assert.ok(Number.isInteger(e.line) && e.line > 0, c.id);
      }
    }
    const cross = cases.filter((c) => c.crossBoundary).length;
    assert.ok(cross * 2 >= cases.length, `at least half cross a function, class or file boundary (${cross}/${cases.length})`);
  });

  it('scores a case as found only for a finding of a matching family on an expected line (synthetic cases)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-realcode-'));
    try {
      const src = ['import torch.nn.functional as F', 'x = 1', 'loss = F.cross_entropy(F.softmax(z, dim=1), y)', ''].join('\n');
      const nb = JSON.stringify({ cells: [
        { cell_type: 'markdown', source: ['# title'] },
        { cell_type: 'code', source: ['import torch.nn.functional as F\n', 'p = F.softmax(z, dim=1)'] },
        { cell_type: 'code', source: ['\n', 'l = F.cross_entropy(p, y)'] },
      ], metadata: {}, nbformat: 4, nbformat_minor: 5 });
      const mk = (id: string, expected: Case['expected'], crossBoundary = false, file = 'train.py', text = src): Case => {
        fs.mkdirSync(path.join(dir, id), { recursive: true });
        fs.writeFileSync(path.join(dir, id, file), text);
        return { id, repo: 'example/none', commit: '0'.repeat(40), source: 'https://github.com/example/none/issues/1', license: 'MIT', kept: true, files: [file], flow: 'synthetic.', crossBoundary, expected };
      };
      const cases = [
        mk('hit', [{ file: 'train.py', line: 3, rule: 'double-softmax' }]),
        mk('wrong-line', [{ file: 'train.py', line: 2, rule: 'double-softmax' }]),
        mk('wrong-family', [{ file: 'train.py', line: 3, rule: 'kl-div' }], true),
        mk('any-of-two', [{ file: 'train.py', line: 1, rule: 'double-softmax' }, { file: 'train.py', line: 3, rule: 'keras-activation-loss-mismatch' }], true),
        mk('notebook', [{ file: 'nb.ipynb', cell: 2, line: 2, rule: 'double-softmax' }], true, 'nb.ipynb', nb),
        mk('notebook-wrong-cell', [{ file: 'nb.ipynb', cell: 1, line: 2, rule: 'double-softmax' }], false, 'nb.ipynb', nb),
      ];
      fs.writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(cases));
      const res = realcode(['--cases', path.join(dir, 'cases.json')]);
      const found = Object.fromEntries(res.scored.map((s) => [s.id, s.found]));
      // 'any-of-two': the first expected line has no finding, the second has a double-softmax,
      // which counts for the keras-activation-loss-mismatch family (same mistake, other side)
      assert.deepEqual(found, { hit: true, 'wrong-line': false, 'wrong-family': false, 'any-of-two': true, notebook: true, 'notebook-wrong-cell': false });
      assert.deepEqual(res.summary.overall, { found: 3, total: 6, recall: 3 / 6 });
      assert.deepEqual(res.summary.crossBoundary, { found: 2, total: 3, recall: 2 / 3 });
      // 'wrong-line' reports the line-3 finding as another finding in the case's files
      assert.deepEqual(res.scored.find((s) => s.id === 'wrong-line')!.other.map((f) => [f.rule, f.line]), [['double-softmax', 3]]);

      // findings per 1,000 files on a known-good folder: 2 files, 1 finding
      const good = path.join(dir, 'good');
      fs.mkdirSync(path.join(good, 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(good, 'a.py'), src);
      fs.writeFileSync(path.join(good, 'pkg', 'b.py'), 'import torch\nprint(torch.softmax(x, dim=1))\n');
      fs.mkdirSync(path.join(good, '.hidden'));
      fs.writeFileSync(path.join(good, '.hidden', 'c.py'), src);
      const g = realcode(['--cases', path.join(dir, 'cases.json'), '--good', good]).good[0];
      assert.deepEqual([g.files, g.findings, g.per1000, g.byRule], [2, 1, 500, { 'double-softmax': 1 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recall on the real cases does not fall below main at the end of 2026-12-06 (floor)', function () {
    const cases = (JSON.parse(fs.readFileSync(CASES, 'utf8')) as Case[]).filter((c) => c.kept);
    const missing = cases.filter((c) => !c.files.every((f) => fs.existsSync(path.join(path.dirname(CASES), c.id, f))));
    // The case files are public repositories' code and stay out of commits: they exist only
    // where `node scripts/realcode.mjs --materialize` found the git mirrors (docs/real-code.md).
    if (missing.length) this.skip();
    const res = realcode([]);
    assert.equal(res.scored.length, cases.length);
    // Floor = what main found at the end of 2026-12-06's session (the project-wide analysis of
    // issue 6 and the kl-div rule): 19 of the 28 kept cases, 11 of the 17 cross-boundary ones
    // (it was 2 and 0 before the analysis). The two single-scope cases found from the start must
    // stay found; raise the numbers as rules land.
    const found = res.scored.filter((s) => s.found).map((s) => s.id);
    for (const id of ['scico-val-softmax-criterion', 'lenet-lab-positional-xent']) assert.ok(found.includes(id), `${id} is still found`);
    assert.ok(res.summary.overall.found >= 19, `overall ${res.summary.overall.found}/${res.summary.overall.total}`);
    assert.ok(res.summary.crossBoundary.found >= 11, `cross-boundary ${res.summary.crossBoundary.found}/${res.summary.crossBoundary.total}`);
    assert.equal(res.summary.crossBoundary.total, cases.filter((c) => c.crossBoundary).length);
  });
});
