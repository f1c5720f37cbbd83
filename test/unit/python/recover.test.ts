import { strict as assert } from 'assert';
import { FileAnalysis } from '../../../src/python/analyze';
import { LineIndex } from '../../../src/python/lines';
import { joinCells } from '../../../src/python/notebook';
import { PythonParser, unreadableIn } from '../../../src/python/parser';
import { guessBrokenStatements } from '../../../src/python/broken_lines';
import { blank, danglingLineEnds, reasonFor } from '../../../src/python/recover';
import { runRules } from '../../../src/rules';
import { getParser } from '../../helpers/parser';

// softmax_cross_entropy_with_logits(labels=[[0, 1]], logits=softmax([1, 2])), by mpmath (30 digits):
// log(exp(p0) + exp(p1)) - p1 with p = softmax([1, 2]).
const LOSS = 0.488548439212460411498755224539;

const HEAD = 'import tensorflow as tf\n';
const TAIL =
  'logits = tf.constant([[1.0, 2.0]])\np = tf.nn.softmax(logits)\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=p)\n';

async function analyseText(text: string, opts: { cellStarts?: number[] } = {}): Promise<FileAnalysis> {
  const p = await getParser();
  return new FileAnalysis(p.parse(text, opts), text);
}

/** Line (1-based) of each double-softmax finding, the evaluated loss, and the unreadable regions as text. */
async function outcome(text: string, opts: { cellStarts?: number[] } = {}) {
  const a = await analyseText(text, opts);
  const lines = new LineIndex(text);
  const findings = runRules(a, { explain: false }).filter((f) => f.code === 'LL101');
  const loss = a.evaluateAll().find((r) => r.name === 'loss');
  const out = {
    ll101: findings.map((f) => lines.position(f.start).line),
    loss: loss?.tensor ? Array.from(loss.tensor.data)[0] : undefined,
    unreadable: a.unreadable.map((u) => ({ line: lines.position(u.start).line, text: text.slice(u.start, u.end), reason: u.reason })),
  };
  a.tree.delete();
  return out;
}

describe('syntax-error recovery', () => {
  // Each shape sits on line 2, above a double softmax whose loss call is on the file's last line.
  const shapes: [string, string, string, string][] = [
    ['unclosed list literal', 'x = [1, 2', 'x = [1, 2', "'[' was never closed"],
    ['unclosed list over two lines', 'x = [1, 2,\n   3,', 'x = [1, 2,', "'[' was never closed"],
    ['unclosed call', 'y = foo(1,', 'y = foo(1,', "'(' was never closed"],
    ['unclosed print call', 'print(tf.constant([1.0])', 'print(tf.constant([1.0])', "'(' was never closed"],
    ['unclosed def signature', 'def f(x, y\n    return x', 'def f(x, y', "'(' was never closed"],
    ['unclosed def signature with annotation colon', 'def f(x:\n    return x', 'def f(x:', "'(' was never closed"],
    ['unclosed dict', 'd = {"a": 1,', 'd = {"a": 1,', "'{' was never closed"],
    ['unclosed parenthesis', 'z = (1 +', 'z = (1 +', "'(' was never closed"],
    ['unterminated f-string', "s = f'abc {x", "s = f'abc {x", 'unterminated string literal'],
    ['unterminated string', 's = "abc', 's = "abc', 'unterminated string literal'],
    ['half-typed if', 'if x', 'if x', "expected ':'"],
    ['half-typed for', 'for i in range(3)', 'for i in range(3)', "expected ':'"],
    ['half-typed for target', 'for i in', 'for i in', "expected ':'"],
    ['half-typed with', 'with tf.Session() as sess', 'with tf.Session() as sess', "expected ':'"],
    ['dangling operator', 'z = 1 +', 'z = 1 +', 'invalid syntax'],
    ['dangling attribute dot (typing for completion)', 'z = tf.', 'z = tf.', 'invalid syntax'],
    ['half-typed lambda', 'g = lambda x:', 'g = lambda x:', 'invalid syntax'],
    ['stray closing bracket', 'z = 1)', 'z = 1)', "unmatched ')'"],
  ];
  for (const [what, line, unread, reason] of shapes) {
    it(`${what}: \`${line.split('\n')[0]}\` leaves the double softmax and the loss value below it`, async () => {
      const text = `${HEAD}${line}\n${TAIL}`;
      const lastLine = text.trimEnd().split('\n').length;
      const o = await outcome(text);
      assert.deepEqual(o.ll101, [lastLine]);
      assert.ok(o.loss !== undefined && Math.abs(o.loss - LOSS) < 1e-6, `loss ${o.loss}`);
      assert.deepEqual(o.unreadable, [{ line: 2, text: unread, reason }]);
    });
  }

  it('a stray indent and a header with no body need no recovery and report nothing', async () => {
    for (const line of ['  y = 1', 'def f(x, y):', 'try:']) {
      const o = await outcome(`${HEAD}${line}\n${TAIL}`);
      assert.equal(o.ll101.length, 1, line);
      assert.deepEqual(o.unreadable, [], line);
    }
  });

  it('an error inside one method leaves a loss in another method of the class', async () => {
    for (const broken of ['x = [1, 2', 'y = foo(1,']) {
      const text = `${HEAD}\nclass Model:\n    def broken(self):\n        ${broken}\n        return 1\n\n    def loss(self):\n        logits = tf.constant([[1.0, 2.0]])\n        p = tf.nn.softmax(logits)\n        return tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=p)\n`;
      const o = await outcome(text);
      assert.deepEqual(o.ll101, [11], broken);
      assert.deepEqual(o.unreadable.map((u) => [u.line, u.text]), [[5, broken]]);
    }
  });

  it('a half-typed if inside a function body leaves the rest of the body', async () => {
    const text = `${HEAD}\ndef train(x):\n    if x\n    logits = tf.constant([[1.0, 2.0]])\n    p = tf.nn.softmax(logits)\n    return tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=p)\n`;
    const o = await outcome(text);
    assert.deepEqual(o.ll101, [7]);
    assert.deepEqual(o.unreadable, [{ line: 4, text: 'if x', reason: "expected ':'" }]);
  });

  it('several broken lines in one file are each blanked, and the code between them is analysed', async () => {
    const text = `${HEAD}a = [1,\nlogits = tf.constant([[1.0, 2.0]])\nb = foo(\np = tf.nn.softmax(logits)\nif p\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=p)\n`;
    const o = await outcome(text);
    assert.deepEqual(o.ll101, [7]);
    assert.ok(Math.abs(o.loss! - LOSS) < 1e-6);
    assert.deepEqual(o.unreadable.map((u) => u.line), [2, 4, 6]);
  });

  it('CRLF line ends and non-ASCII text keep every offset valid', async () => {
    const text = `${HEAD}s = "héllo 😀\r\nx = [1, 2\r\n${TAIL.replace(/\n/g, '\r\n')}`;
    const a = await analyseText(text);
    const f = runRules(a, { explain: false }).find((x) => x.code === 'LL101')!;
    assert.equal(text.slice(f.start, f.end), 'p');
    assert.ok(text.slice(0, f.start).endsWith('logits='));
    assert.deepEqual(a.unreadable.map((u) => text.slice(u.start, u.end)), ['s = "héllo 😀', 'x = [1, 2']);
    a.tree.delete();
  });

  it('notebook: an error in one cell does not hide later cells (with and without cell boundaries)', async () => {
    const cells = ['import tensorflow as tf', 'x = [1, 2', 'logits = tf.constant([[1.0, 2.0]])\np = tf.nn.softmax(logits)', 'loss = tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=p)'];
    const j = joinCells(cells);
    for (const opts of [{}, { cellStarts: j.starts }]) {
      const o = await outcome(j.text, opts);
      assert.deepEqual(o.ll101, [5]);
      assert.ok(Math.abs(o.loss! - LOSS) < 1e-6);
      assert.deepEqual(o.unreadable.map((u) => u.text), ['x = [1, 2']);
    }
  });

  it('notebook: a statement never continues into the next cell', async () => {
    // `y = foo(1,` then a cell `2)` parses as one call across the cell boundary unless cells are known.
    const cells = ['import tensorflow as tf\ny = foo(1,', '2)\nlogits = tf.constant([[1.0, 2.0]])\np = tf.nn.softmax(logits)\nloss = tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=p)'];
    const j = joinCells(cells);
    const o = await outcome(j.text, { cellStarts: j.starts });
    assert.deepEqual(o.ll101, [6]);
    assert.deepEqual(o.unreadable.map((u) => [u.text, u.reason]), [['y = foo(1,', "'(' was never closed"], ['2)', "unmatched ')'"]]);
  });

  it('an incremental re-parse of a recovered tree reads the blanked line again once it is fixed', async () => {
    const p: PythonParser = await getParser();
    const broken = `${HEAD}x = [1, 2\n${TAIL}`;
    const first = p.parse(broken);
    assert.equal(unreadableIn(first).length, 1);
    // The user types `]` at the end of line 2: edit a copy of the tree and re-parse with it.
    const at = broken.indexOf('2\n') + 1;
    const fixed = `${broken.slice(0, at)}]${broken.slice(at)}`;
    const old = first.copy();
    old.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: { row: 1, column: 9 }, oldEndPosition: { row: 1, column: 9 }, newEndPosition: { row: 1, column: 10 } });
    const second = p.parse(fixed, { oldTree: old });
    assert.equal(second.rootNode.hasError, false);
    assert.deepEqual(unreadableIn(second), []);
    assert.equal(second.rootNode.namedChildren[1]?.text, 'x = [1, 2]');
    const fresh = p.parse(fixed);
    assert.equal(second.rootNode.toString(), fresh.rootNode.toString());
    for (const t of [first, old, second, fresh]) t.delete();
  });

  it('an unrelated edit elsewhere keeps the broken line unreadable (the tree does not silently reuse the blank)', async () => {
    const p = await getParser();
    const broken = `${HEAD}x = [1, 2\n${TAIL}`;
    const first = p.parse(broken);
    const at = broken.length; // append a line at the end
    const edited = `${broken}y = 1\n`;
    const old = first.copy();
    const row = broken.split('\n').length - 1;
    old.edit({ startIndex: at, oldEndIndex: at, newEndIndex: edited.length, startPosition: { row, column: 0 }, oldEndPosition: { row, column: 0 }, newEndPosition: { row: row + 1, column: 0 } });
    const second = p.parse(edited, { oldTree: old });
    assert.deepEqual(unreadableIn(second).map((u) => edited.slice(u.start, u.end)), ['x = [1, 2']);
    for (const t of [first, old, second]) t.delete();
  });

  it('recover: false returns the plain tree-sitter tree', async () => {
    const p = await getParser();
    const t = p.parse(`${HEAD}x = [1, 2\n${TAIL}`, { recover: false });
    assert.deepEqual(unreadableIn(t), []);
    assert.equal(t.rootNode.namedChildren.filter((c) => c?.type === 'expression_statement').length, 0);
    t.delete();
  });

  it('a file of nothing but broken lines stops within the pass limit and the deadline', async () => {
    const p = await getParser();
    const text = Array.from({ length: 2000 }, (_, i) => (i % 2 ? `    x${i} = (` : `if y${i}`)).join('\n');
    const t0 = Date.now();
    const t = p.parse(text, { deadline: Date.now() + 1000 });
    assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
    assert.ok(unreadableIn(t).length > 0);
    t.delete();
  });

  it('one unclosed list every 500 lines of a 10,000-line file: all 20 found in one recovery, nothing intact reported', async () => {
    const block = 'import torch\nlogits = torch.tensor([[2.0, 1.0], [0.5, 2.5]])\np = F.softmax(logits, dim=1)\nloss = F.cross_entropy(p, torch.tensor([0, 1]))\n\n';
    const lines = block.repeat(2000).split('\n').slice(0, 10_000);
    const text = lines.flatMap((l, i) => (i % 500 === 2 ? ['x = [1, 2', l] : [l])).join('\n');
    const p = await getParser();
    const t = p.parse(text, { deadline: Date.now() + 20_000 });
    const u = unreadableIn(t);
    assert.equal(u.length, 20);
    assert.deepEqual([...new Set(u.map((r) => text.slice(r.start, r.end)))], ['x = [1, 2']);
    const a = new FileAnalysis(t, text);
    const findings = runRules(a, { explain: false }).filter((f) => f.code === 'LL101');
    assert.equal(findings.length, 2000); // every block's double softmax, below and between the errors
    t.delete();
  });

  it('the text scan guesses unclosed brackets and colon-less headers, not intact code', () => {
    const guess = (s: string) => guessBrokenStatements(s).map((g) => s.slice(g.start, g.end));
    assert.deepEqual(guess('x = [1, 2\nimport os\ny = 1\n'), ['x = [1, 2']);
    assert.deepEqual(guess('def f(a,\n      b):\n    return (a +\n            b)\n'), []);
    assert.deepEqual(guess("d = {\n'a': 1,\n}\nx = f(\n    a,\n)\n"), []);
    assert.deepEqual(guess('if x\n    y = 1\nwhile y: pass\nfor k in d[1:2]\n'), ['if x']);
    assert.deepEqual(guess('s = """\nif x\nz = [\n"""\nt = \'(\'  # (\n'), []);
    assert.deepEqual(guess('a = foo(1,\n    2,\nb = 3\nclass C\n'), ['a = foo(1,', 'class C']);
    assert.deepEqual(guess('y = 1\nz = g(1,\n      2\n'), ['z = g(1,']);
  });

  it('blank keeps length and line breaks; reasons follow Python', () => {
    const s = 'a = [1,\r\n  2\nb = 1';
    const b = blank(s, [{ start: 0, end: 12 }]);
    assert.equal(b.length, s.length);
    assert.equal(b, '       \r\n   \nb = 1');
    assert.equal(reasonFor('x = "ab', 0, 7), 'unterminated string literal');
    assert.equal(reasonFor("x = '''ab\ncd", 0, 12), 'unterminated string literal');
    assert.equal(reasonFor('f(a, [b)', 0, 8), "unmatched ')'");
    assert.equal(reasonFor('while x  # comment', 0, 18), "expected ':'");
    assert.equal(reasonFor('x = "(" + (1', 0, 12), "'(' was never closed");
  });

  it('dangling `.` and `=` are found outside strings, comments and brackets only', () => {
    const ends = (s: string) => danglingLineEnds(s).map((e) => s.slice(0, e).split('\n').length);
    assert.deepEqual(ends('z = tf.\ny = 1\n'), [1]);
    assert.deepEqual(ends('z =  # todo\ny = 1\n'), [1]);
    assert.deepEqual(ends('x = 1.\ny = ...\n"""e.g.\nthat =\n"""\n# a.\nf(a.\n  b)\nv = x1.\n'), [9]);
    assert.deepEqual(ends('a = b \\\n  .c\n'), []);
  });
});
