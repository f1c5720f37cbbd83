import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES } from '../../../src/rules';
import { SourceComment, applySuppressions, parseSuppressions } from '../../../src/rules/suppression';
import { run } from './run';

const HEAD = 'import torch.nn.functional as F\n';
const LOSS = 'loss = F.cross_entropy(F.softmax(z, dim=1), y)';

describe('suppression comments (src/rules/suppression.ts)', () => {
  const comment = (line: number, text: string): SourceComment => ({ line, start: line * 100, end: line * 100 + text.length, text });
  const f = (line: number, code: string, rule: string) => ({ start: line * 100 + 50, code, rule });
  const lineOf = (o: number) => Math.floor(o / 100);

  it('parses every form, several in one comment', () => {
    const s = parseSuppressions([comment(0, '# noqa: E501, LL101  # losslens: ignore[double-softmax, LL103]'), comment(1, '# NOQA'), comment(2, '# losslens: ignore-file')]);
    assert.deepEqual(
      s.map((x) => [x.kind, x.names, x.comment.line]),
      [
        ['noqa', ['E501', 'LL101'], 0],
        ['ignore', ['double-softmax', 'LL103'], 0],
        ['noqa', [], 1],
        ['ignore-file', [], 2],
      ],
    );
  });

  it('splits kept and suppressed, and finds what silences nothing', () => {
    const findings = [f(0, 'LL101', 'double-softmax'), f(1, 'LL103', 'manual-cross-entropy'), f(2, 'LL105', 'log-of-logits'), f(3, 'LL108', 'deprecated-tf1-api'), f(4, 'LL101', 'double-softmax')];
    const comments = [
      comment(0, '# noqa: LL101'),
      comment(1, '# noqa: E501, LL101'), // E501 is another linter's; LL101 silences nothing here
      comment(2, '# losslens: ignore[log-of-logits, no-such-rule]'),
      comment(3, '# noqa'),
      comment(5, '# losslens: ignore'),
    ];
    const r = applySuppressions(findings, comments, lineOf, { rules: RULES });
    assert.deepEqual(r.kept.map((x) => x.code), ['LL103', 'LL101']);
    assert.deepEqual(r.suppressed.map((x) => [x.finding.code, x.by.text]), [['LL101', '# noqa: LL101'], ['LL105', '# losslens: ignore[log-of-logits, no-such-rule]'], ['LL108', '# noqa']]);
    assert.deepEqual(r.unused.map((u) => [u.suppression.comment.line, u.names]), [[1, ['LL101']], [2, ['no-such-rule']], [5, []]]);
    // a rule that did not run is not reported as unused
    const off = applySuppressions([], [comment(0, '# noqa: LL101')], lineOf, { rules: RULES, enabled: new Set(['LL102']) });
    assert.deepEqual(off.unused, []);
  });

  it('ignore-file silences the whole file, or the rules it names', () => {
    const findings = [f(0, 'LL101', 'double-softmax'), f(7, 'LL103', 'manual-cross-entropy')];
    assert.equal(applySuppressions(findings, [comment(9, '# losslens: ignore-file')], lineOf, { rules: RULES }).kept.length, 0);
    const named = applySuppressions(findings, [comment(9, '# losslens: ignore-file[LL103]')], lineOf, { rules: RULES });
    assert.deepEqual(named.kept.map((x) => x.code), ['LL101']);
  });
});

describe('losslens check: suppressions', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-noqa-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  for (const [form, comment] of [
    ['noqa with the code', '  # noqa: LL101'],
    ['bare noqa', '  # noqa'],
    ['losslens: ignore with the rule name', '  # losslens: ignore[double-softmax]'],
    ['bare losslens: ignore', '  # losslens: ignore'],
  ]) {
    it(`${form} silences its line`, async () => {
      const p = write('one.py', `${HEAD}${LOSS}${comment}\n${LOSS}\n`);
      const r = await run(['check', '--format', 'json', p]);
      assert.deepEqual(JSON.parse(r.out).findings.map((x: { line: number }) => x.line), [3]);
    });
  }

  it('noqa for another code does not silence it; ignore-file silences the file', async () => {
    const other = write('other.py', `${HEAD}${LOSS}  # noqa: E501\n`);
    assert.equal((await run(['check', other])).code, 1);
    const file = write('file.py', `# losslens: ignore-file\n${HEAD}${LOSS}\n${LOSS}\n`);
    const r = await run(['check', file]);
    assert.equal(r.code, 0);
    assert.equal(r.out, '');
  });

  it('SARIF keeps suppressed findings with suppressions: inSource', async () => {
    const p = write('sarif.py', `${HEAD}${LOSS}  # noqa: LL101\n${LOSS}\n`);
    const r = await run(['check', '--format', 'sarif', p]);
    const results = JSON.parse(r.out).runs[0].results;
    assert.equal(results.length, 2);
    const [a, b] = results;
    assert.deepEqual(a.suppressions, [{ kind: 'inSource', justification: "silenced by '# noqa: LL101'" }]);
    assert.equal(a.locations[0].physicalLocation.region.startLine, 2);
    assert.equal(b.suppressions, undefined);
    assert.equal(r.code, 1, 'the unsuppressed one still fails the run');
  });

  it('--report-unused-suppressions reports LL001 for comments that silence nothing', async () => {
    const p = write('unused.py', `${HEAD}${LOSS}  # noqa: LL101\nx = 1  # noqa: LL103, E501\ny = 2  # losslens: ignore\nw = 3  # noqa\n`);
    const quiet = await run(['check', p]);
    assert.equal(quiet.code, 0);
    const r = await run(['check', '--report-unused-suppressions', p]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 2, r.out);
    assert.match(lines[0], /unused\.py:3:8: LL001 unused-suppression '# noqa: LL103, E501': LL103 silences nothing here$/);
    assert.match(lines[1], /unused\.py:4:8: LL001 unused-suppression '# losslens: ignore' silences nothing$/);
  });
});
