import { strict as assert } from 'assert';
import { readNotebook, writeNotebookCells } from '../../../src/cli/notebook_file';

describe('notebook files for --fix (src/cli/notebook_file.ts)', () => {
  it('rewrites only the changed cells\' sources, keeping their form and the rest of the file (tabs, a string source, CRLF)', () => {
    const json = '{\r\n\t"cells": [\r\n\t\t{"cell_type": "code", "source": "a = tf.log(x)"},\r\n\t\t{"cell_type": "markdown", "source": ["keep"]},\r\n\t\t{"cell_type": "code", "source": [\r\n\t\t\t"b = 1\\n",\r\n\t\t\t"c = tf.log(y)"\r\n\t\t]}\r\n\t],\r\n\t"metadata": {"x": 1.0}\r\n}\r\n';
    const nb = readNotebook(json);
    assert.ok(!('error' in nb));
    assert.deepEqual(nb.cells, ['a = tf.log(x)', 'b = 1\nc = tf.log(y)']);
    assert.deepEqual(nb.jsonIndex, [0, 2]);
    const out = writeNotebookCells(json, nb, ['a = tf.math.log(x)', 'b = 1\nc = tf.math.log(y)']);
    // the content: exactly the new sources, each in the form it had (a string, a list of lines)
    const expected = JSON.parse(json);
    expected.cells[0].source = 'a = tf.math.log(x)';
    expected.cells[2].source = ['b = 1\n', 'c = tf.math.log(y)'];
    assert.deepEqual(JSON.parse(out), expected);
    // the text: everything outside the two source values is unchanged (1.0 stays 1.0, CRLF stays CRLF)
    const before = json.split(/"source": (?:"a = tf\.log\(x\)"|\[\r\n\t\t\t"b = 1\\n",\r\n\t\t\t"c = tf\.log\(y\)"\r\n\t\t\])/);
    assert.equal(before.length, 3);
    let rest = out;
    for (const part of before) {
      assert.ok(rest.includes(part), part);
      rest = rest.slice(rest.indexOf(part) + part.length);
    }
    assert.ok(out.startsWith(before[0]) && out.endsWith(before[2]));
    assert.doesNotMatch(out, /[^\r]\n/);
    // unchanged cells leave the text as it is, byte for byte
    assert.equal(writeNotebookCells(json, nb, nb.cells), json);
  });

  it('a language other than Python has no cells to check', () => {
    const nb = readNotebook(JSON.stringify({ metadata: { kernelspec: { language: 'R' } }, cells: [{ cell_type: 'code', source: 'x <- 1' }] }));
    assert.deepEqual(nb, { cells: [], jsonIndex: [], asList: [] });
  });
});
