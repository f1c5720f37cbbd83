import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { closeEverything, hasNumberNear, hoverText, lossLens, openFixture, positionOf, waitFor } from './helpers';

// softmax rows of [[1, 2, 3], [1, 2, 0.5]] and the PyTorch cross-entropy of
// logits [[2, 1, 0.1], [0.5, 2.5, 0.3]] with targets [0, 1] (exact values, rounded)
const SOFTMAX_ROW0 = [0.09003057, 0.24472847, 0.66524096];
const SOFTMAX_ROW1 = [0.2312239, 0.62853172, 0.14024438];
const CE_ROWS = [0.41703002, 0.22004952];
const CE_MEAN = 0.31853977;

/** Hover text at `needle` (+delta), polled until it mentions `mustMatch` (analysis may still be running). */
async function hoverAt(ed: vscode.TextEditor, needle: string, delta: number, mustMatch: RegExp): Promise<string> {
  const pos = positionOf(ed.document, needle, delta);
  return waitFor(`a hover matching ${mustMatch} at "${needle}"`, async () => {
    const text = await hoverText(ed.document.uri, pos);
    return mustMatch.test(text) ? text : undefined;
  });
}

describe('Loss Lens in a real VS Code: hovers', () => {
  before(() => lossLens());
  afterEach(closeEverything);

  it('an array literal: dtype, shape and row-wise softmax', async () => {
    const ed = await openFixture('hover_values.py');
    const text = await hoverAt(ed, '[[1.0, 2.0, 3.0]', 3, /float64/);
    assert.match(text, /\(2, 3\)|\[2, 3\]|2\s*[×x]\s*3/, `shape 2x3 in:\n${text}`);
    assert.match(text, /softmax/i, `softmax in:\n${text}`);
    for (const v of [...SOFTMAX_ROW0, ...SOFTMAX_ROW1]) assert.ok(hasNumberNear(text, v, 6e-4), `softmax value ${v} in:\n${text}`);
  });

  it('a loss call: per-row values and the reduced value', async () => {
    const ed = await openFixture('hover_values.py');
    const text = await hoverAt(ed, 'F.cross_entropy(logits', 4, /\d\.\d/);
    for (const v of CE_ROWS) assert.ok(hasNumberNear(text, v, 6e-4), `per-row loss ${v} in:\n${text}`);
    assert.ok(hasNumberNear(text, CE_MEAN, 6e-4), `mean ${CE_MEAN} in:\n${text}`);
  });
});
