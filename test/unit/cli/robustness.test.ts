import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DOUBLE, run } from './run';

/** Issue 7 item 4: the folder walk, bad notebooks and hostile names or text cannot break `check`. */
describe('losslens check: links, bad notebooks, hostile text and names', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-robust-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, content: string) => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  };

  it('two symbolic links to .. terminate and report each file once', async () => {
    write('tree/a/bad.py', DOUBLE);
    fs.symlinkSync('..', path.join(dir, 'tree', 'a', 'up1'));
    fs.symlinkSync('..', path.join(dir, 'tree', 'a', 'up2'));
    const r = await run(['check', path.join(dir, 'tree')]);
    assert.equal(r.code, 1);
    assert.equal(r.out.trim().split('\n').length, 1, r.out);
    assert.match(r.out, /bad\.py:2:24: LL101/);
  });

  it('a self-link does not multiply findings', async () => {
    write('pkg/bad.py', DOUBLE);
    fs.symlinkSync('.', path.join(dir, 'pkg', 'self'));
    fs.symlinkSync(path.join(dir, 'pkg', 'bad.py'), path.join(dir, 'pkg', 'alias.py'));
    const r = await run(['check', '--format', 'json', path.join(dir, 'pkg')]);
    assert.equal(JSON.parse(r.out).findings.length, 1, r.out);
  });

  it('links out of the given roots are not followed unless --follow-links', async () => {
    write('outside/lib/bad.py', DOUBLE);
    write('proj/clean.py', 'x = 1\n');
    fs.symlinkSync(path.join(dir, 'outside', 'lib'), path.join(dir, 'proj', 'lib'));
    const r = await run(['check', path.join(dir, 'proj')]);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, '');
    assert.match(r.err, /proj\/lib: symbolic link to a path outside the checked folders, not followed \(--follow-links follows it\)/);
    const f = await run(['check', '--follow-links', path.join(dir, 'proj')]);
    assert.equal(f.code, 1);
    assert.match(f.out, /proj\/lib\/bad\.py:2:24: LL101/);
    // a link inside the roots is followed (once)
    const both = await run(['check', path.join(dir, 'proj'), path.join(dir, 'outside')]);
    assert.equal(both.out.trim().split('\n').length, 1, both.out);
  });

  it('a broken link and a link loop are reported, not fatal', async () => {
    write('p/bad.py', DOUBLE);
    fs.symlinkSync(path.join(dir, 'p', 'nowhere.py'), path.join(dir, 'p', 'broken.py'));
    fs.symlinkSync(path.join(dir, 'p', 'loop2.py'), path.join(dir, 'p', 'loop1.py'));
    fs.symlinkSync(path.join(dir, 'p', 'loop1.py'), path.join(dir, 'p', 'loop2.py'));
    const r = await run(['check', path.join(dir, 'p')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /broken\.py: broken symbolic link/);
    assert.match(r.err, /loop1\.py: symbolic link loop/);
    assert.match(r.out, /bad\.py:2:24: LL101/);
  });

  const badNotebooks: [string, string, RegExp][] = [
    ['null.ipynb', 'null', /null\.ipynb: skipped: not a notebook \(the JSON document is null, not an object\)/],
    ['number-source.ipynb', JSON.stringify({ cells: [{ cell_type: 'code', source: 42 }] }), /cell 1: "source" is a number, not a string or a list of strings/],
    ['cells-object.ipynb', JSON.stringify({ cells: { a: 1 } }), /"cells" is not a list/],
    ['cell-null.ipynb', JSON.stringify({ cells: [null] }), /cell 1 is not an object/],
    ['list-mixed.ipynb', JSON.stringify({ cells: [{ cell_type: 'code', source: ['x', 3] }] }), /a list with non-string items/],
    ['truncated.ipynb', '{"cells": [', /not valid notebook JSON/],
    ['array.ipynb', '[]', /the JSON document is a list/],
  ];
  it('malformed notebooks are reported on stderr and skipped; other files keep their findings, SARIF too', async () => {
    write('nb/bad.py', DOUBLE);
    for (const [name, content] of badNotebooks) write(`nb/${name}`, content);
    const text = await run(['check', path.join(dir, 'nb')]);
    assert.equal(text.code, 1);
    assert.match(text.out, /bad\.py:2:24: LL101/);
    for (const [, , reason] of badNotebooks) assert.match(text.err, reason);
    const sarif = await run(['check', '--format', 'sarif', path.join(dir, 'nb')]);
    assert.equal(sarif.code, 1);
    const results = JSON.parse(sarif.out).runs[0].results;
    assert.equal(results.length, 1);
    assert.equal(results[0].ruleId, 'LL101');
  });

  it('escape sequences and control characters in source text are escaped in text output', async () => {
    const p = write('esc.py', 'import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z["\x1b[31mred\x1b]0;title\x07\u202e"], dim=1), y)\n');
    const r = await run(['check', p]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.out, /[\x00-\x09\x0b-\x1f\x7f\u202e]/);
    assert.match(r.out, /z\["\\x1b\[31mred\\x1b\]0;title\\x07\\u202e"\]/);
    const gh = await run(['check', '--format', 'github', p]);
    assert.doesNotMatch(gh.out, /[\x00-\x09\x0b-\x1f\x7f\u202e]/);
    assert.match(gh.out, /\\x1b\[31mred/);
    // eval prints expressions from the source: escaped too
    const ev = await run(['eval', write('esc_eval.py', 'import tensorflow as tf\np = tf.nn.softmax([1.0, 2.0], name="\x1b[2Jx")\n')]);
    assert.doesNotMatch(ev.out + ev.err, /[\x00-\x09\x0b-\x1f\x7f]/);
    assert.match(ev.out, /esc_eval\.py:2:1 p {2}float32\[2\] {2}tf\.nn\.softmax\(\[1\.0, 2\.0\], name="\\x1b\[2Jx"\)/);
  });

  it('a file name with a newline (or an escape sequence, or a colon) is quoted: it cannot forge a finding line', async () => {
    const forged = 'x.py\nreal.py:1:1: LL101 double-softmax forged.py';
    write(forged, DOUBLE);
    write('col:1:2: LL101 x.py', DOUBLE);
    write('\x1b[2Jwipe.py', DOUBLE);
    const r = await run(['check', dir]);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 3, r.out);
    for (const l of lines) assert.match(l, /^"[^"\n]*(\\"[^"\n]*)*":2:24: LL101 double-softmax /, l);
    assert.ok(lines.some((l) => l.includes('x.py\\n')));
    assert.ok(lines.some((l) => l.includes('\\x1b[2Jwipe.py')));
    assert.doesNotMatch(r.out, /\x1b/);
    // stderr messages quote names too
    write('sub/\x1b[31mred.ipynb', 'null');
    const e = await run(['check', path.join(dir, 'sub')]);
    assert.doesNotMatch(e.err, /\x1b/);
    assert.match(e.err, /\\x1b\[31mred\.ipynb": skipped/);
  });
});
