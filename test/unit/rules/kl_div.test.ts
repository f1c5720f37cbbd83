import { strict as assert } from 'assert';
import { applyEdits, check } from '../../helpers/parser';

const RULE = 'kl-div';
const kl = async (src: string) => (await check(src)).filter((f) => f.rule === RULE);
const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

describe('rule kl-div (LL112)', () => {
  it('softmax written inside F.kl_div: reported at the input, safe fix to log_softmax, silent after it', async () => {
    const src = `${HEAD}loss = F.kl_div(F.softmax(s, dim=1), q, reduction='batchmean')\n`;
    const f = await kl(src);
    assert.equal(f.length, 1);
    assert.equal(f[0].code, 'LL112');
    assert.equal(src.slice(f[0].start, f[0].end), 'F.softmax(s, dim=1)');
    assert.match(f[0].message, /expects log-probabilities/);
    assert.equal(f[0].fixes[0].applicability, 'safe');
    const fixed = applyEdits(src, f[0].fixes[0].edits);
    assert.equal(fixed.split('\n')[3], "loss = F.kl_div(F.log_softmax(s, dim=1), q, reduction='batchmean')");
    assert.equal((await kl(fixed)).length, 0);
  });

  it('softmax kept in a name: the rename is unsafe (the name may be used as probabilities elsewhere)', async () => {
    const src = `${HEAD}p = s.softmax(-1)\ncrit = nn.KLDivLoss(reduction='sum')\nloss = crit(p, q)\n`;
    const f = await kl(src);
    assert.equal(f.length, 1);
    assert.equal(src.slice(f[0].start, f[0].end), 'p');
    assert.equal(f[0].fixes[0].applicability, 'unsafe');
    assert.equal(applyEdits(src, f[0].fixes[0].edits).split('\n')[3], 'p = s.log_softmax(-1)');
    assert.equal(src.slice(f[0].related[0].start, f[0].related[0].end), 's.softmax(-1)');
  });

  it("reduction='mean' by default or written: reported where it is configured, unsafe fix to 'batchmean'", async () => {
    const cases: [string, string, string][] = [
      ['crit = nn.KLDivLoss()\nl = crit(F.log_softmax(s, 1), q)\n', 'nn.KLDivLoss()', "crit = nn.KLDivLoss(reduction='batchmean')"],
      ['crit = nn.KLDivLoss(log_target=True)\nl = crit(lp, F.log_softmax(t, 1))\n', 'nn.KLDivLoss(log_target=True)', "crit = nn.KLDivLoss(log_target=True, reduction='batchmean')"],
      ["crit = nn.KLDivLoss(reduction='mean')\nl = crit(lp, torch.softmax(t, -1))\n", "'mean'", "crit = nn.KLDivLoss(reduction='batchmean')"],
      ['l = F.kl_div(F.log_softmax(s, 1), q)\n', 'F.kl_div(F.log_softmax(s, 1), q)', "l = F.kl_div(F.log_softmax(s, 1), q, reduction='batchmean')"],
      ['l = torch.kl_div(lp, F.softmax(t, 1), reduction="mean")\n', '"mean"', "l = torch.kl_div(lp, F.softmax(t, 1), reduction='batchmean')"],
    ];
    for (const [line, at, after] of cases) {
      const src = HEAD + line;
      const f = await kl(src);
      assert.equal(f.length, 1, line);
      assert.equal(src.slice(f[0].start, f[0].end), at, line);
      assert.match(f[0].message, /batch x classes/);
      assert.equal(f[0].fixes[0].applicability, 'unsafe', line);
      const fixed = applyEdits(src, f[0].fixes[0].edits);
      assert.equal(fixed.split('\n')[3], after, line);
      assert.equal((await kl(fixed)).length, 0, after);
    }
  });

  it('silent on log-probabilities, other or unknown reductions, no softmax in sight, legacy flags, **kwargs, and a mean kept in a constant is reported without an edit', async () => {
    const silent = [
      "l = F.kl_div(F.log_softmax(s, 1), q, reduction='batchmean')",
      "l = F.kl_div(torch.log(F.softmax(s, 1)), q, reduction='sum')",
      "l = F.kl_div(lp, q, reduction='none')",
      'l = F.kl_div(lp, q, reduction=r)',
      'l = F.kl_div(lp, q, size_average=False)',
      'l = F.kl_div(lp, q, **kw)',
      "crit = nn.KLDivLoss(None, None, 'sum')",
      // No softmax in sight: the input may be one score per example (1-D), where 'mean' is 'batchmean'.
      'l = F.kl_div(lp, q)',
      'crit = nn.KLDivLoss()\nl = crit(scores_pos, label_pos)',
      "crit = nn.KLDivLoss(reduction='batchmean')\nl = crit(F.log_softmax(s, -1), F.softmax(t, -1))",
    ];
    for (const line of silent) assert.deepEqual(await kl(`${HEAD}${line}\n`), [], line);
    const f = await kl(`${HEAD}R = 'mean'\nl = F.kl_div(F.log_softmax(s, 1), q, reduction=R)\n`);
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].fixes, []);
  });
});
