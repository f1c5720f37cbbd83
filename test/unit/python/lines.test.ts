import { strict as assert } from 'assert';
import { LineIndex } from '../../../src/python/lines';

describe('LineIndex', () => {
  it('maps offsets to 0-based lines and 1-based line/column, at line ends and starts', () => {
    const text = 'ab\n\ncdé😀\nx';
    const li = new LineIndex(text);
    assert.equal(li.line(0), 0);
    assert.equal(li.line(2), 0); // the newline itself belongs to its line
    assert.equal(li.line(3), 1);
    assert.deepEqual(li.position(4), { line: 3, column: 1 });
    assert.deepEqual(li.position(text.indexOf('x')), { line: 4, column: 1 });
    assert.deepEqual(li.position(text.length), { line: 4, column: 2 });
    assert.deepEqual(li.position(text.indexOf('😀') + 2), { line: 3, column: 6 }); // UTF-16 units
    assert.deepEqual(new LineIndex('').position(0), { line: 1, column: 1 });
  });
});
