import { strict as assert } from 'assert';
import { Tensor } from '../../../src/core/tensor';
import { softmax, logSoftmax } from '../../../src/core/softmax';

describe('softmax smoke', () => {
  it('seed 000 first answer, float64', () => {
    const a = Tensor.fromNested([[0.1, 0.3, 0.5, 0.9]], 'float64');
    const s = softmax(a).toNested() as number[][];
    assert.ok(Math.abs(s[0][0] - 0.16838508176959244) < 1e-16);
  });
  it('log_softmax of equal row', () => {
    const a = Tensor.fromNested([[2, 2]], 'float32');
    assert.equal((logSoftmax(a).toNested() as number[][])[0][0], Math.fround(-Math.LN2));
  });
});
