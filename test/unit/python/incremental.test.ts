import { strict as assert } from 'assert';
import { editTree } from '../../../src/python/incremental';
import { getParser } from '../../helpers/parser';

/** Applies a change to text the way an editor does, returning the new text and the change record. */
function change(text: string, offset: number, length: number, insert: string) {
  const before = text.slice(0, offset).split('\n');
  const through = text.slice(0, offset + length).split('\n');
  return {
    text: text.slice(0, offset) + insert + text.slice(offset + length),
    change: {
      offset, length, text: insert,
      start: { line: before.length - 1, character: before[before.length - 1].length },
      end: { line: through.length - 1, character: through[through.length - 1].length },
    },
  };
}

describe('incremental re-parse', () => {
  const base = 'import torch\nx = torch.tensor([[1.0, 2.0]])  # é 😀\nloss = F.cross_entropy(x, y)\n' + 'z = 1\n'.repeat(200);
  const cases: [string, number, number, string][] = [
    ['insert a character', base.indexOf('cross'), 0, 'q'],
    ['delete a word', base.indexOf('torch.tensor'), 6, ''],
    ['replace across lines (after non-ASCII text)', base.indexOf('loss'), 20, 'a = F.softmax(\n  x, dim=1)\nb = 2'],
    ['insert a new line at the end', base.length, 0, 'w = F.softmax(x, dim=1)\n'],
  ];
  for (const [name, offset, length, insert] of cases) {
    it(`${name}: the edited tree re-parses to exactly the fresh tree`, async () => {
      const p = await getParser();
      const old = p.parse(base);
      const { text, change: c } = change(base, offset, length, insert);
      const copy = old.copy();
      editTree(copy, c);
      const incremental = p.parse(text, { oldTree: copy });
      const fresh = p.parse(text);
      assert.equal(incremental.rootNode.toString(), fresh.rootNode.toString());
      assert.equal(incremental.rootNode.endIndex, text.length);
      const ce = incremental.rootNode.descendantsOfType('call').map((n) => `${n!.startIndex}:${n!.text}`);
      assert.deepEqual(ce, fresh.rootNode.descendantsOfType('call').map((n) => `${n!.startIndex}:${n!.text}`));
      for (const t of [old, copy, incremental, fresh]) t.delete();
    });
  }
});
