import { strict as assert } from 'assert';
import { oneHot } from '../../../src/core/linalg';
import { softmaxCrossEntropyDense, softmaxCrossEntropySparse } from '../../../src/core/losses/kernels';
import { logSumExp } from '../../../src/core/reduce';
import { logSoftmax, softmax } from '../../../src/core/softmax';
import { Tensor } from '../../../src/core/tensor';
import { ulpDistance } from '../../helpers/ulps';

/** Deterministic pseudo-random rows (no Math.random in tests). */
function rows(n: number, c: number, scale: number, seed: number, dtype: 'float32' | 'float64'): Tensor {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  // Multiples of 2^-10, so that shifting by 64 is exact in float32 too.
  return Tensor.fill(dtype, [n, c], () => Math.round(next() * scale * 1024) / 1024);
}

describe('core softmax family: metamorphic properties', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: softmax is invariant to adding a constant to a row`, () => {
      const x = rows(8, 7, 5, 1, dtype);
      const shifted = Tensor.fill(dtype, x.shape, (i) => x.data[i] + 64); // exact for these magnitudes
      const a = softmax(x).data;
      const b = softmax(shifted).data;
      for (let i = 0; i < a.length; i++) assert.ok(ulpDistance(b[i], a[i], dtype) <= 2, `${i}: ${a[i]} vs ${b[i]}`);
    });

    it(`${dtype}: log_softmax = x - logsumexp(x)`, () => {
      const x = rows(6, 9, 20, 2, dtype);
      const ls = logSoftmax(x).data;
      const lse = logSumExp(x, { axis: -1 }).data;
      for (let i = 0; i < ls.length; i++) {
        const r = Math.floor(i / 9);
        const want = x.data[i] - lse[r];
        // both sides rounded to dtype: within a couple of ulps of the larger magnitude term
        assert.ok(Math.abs(ls[i] - want) <= 4 * Math.max(ulpDistance(0, 0, dtype), Math.abs(want) * (dtype === 'float32' ? 1.2e-7 : 2.3e-16) * 2 + Math.abs(lse[r]) * (dtype === 'float32' ? 1.2e-7 : 2.3e-16)), `${i}`);
      }
    });

    it(`${dtype}: sparse cross-entropy equals dense cross-entropy with one-hot labels`, () => {
      const x = rows(16, 10, 8, 3, dtype);
      const labels = Tensor.fill('int64', [16], (i) => (i * 7) % 10);
      const sparse = softmaxCrossEntropySparse(labels, x).loss.data;
      const dense = softmaxCrossEntropyDense(oneHot(labels, 10, { dtype }), x).data;
      for (let i = 0; i < 16; i++) assert.equal(sparse[i], dense[i]);
    });

    it(`${dtype}: softmax rows sum to 1 and exp(log_softmax) = softmax`, () => {
      const x = rows(5, 50, 30, 4, dtype);
      const p = softmax(x).data;
      const lp = logSoftmax(x).data;
      for (let r = 0; r < 5; r++) {
        let s = 0;
        for (let i = 0; i < 50; i++) s += p[r * 50 + i];
        assert.ok(Math.abs(s - 1) < (dtype === 'float32' ? 2e-6 : 1e-14));
      }
      for (let i = 0; i < p.length; i++) assert.ok(ulpDistance(Math.fround(Math.exp(lp[i])), Math.fround(p[i]), 'float32') <= 2 + Math.abs(lp[i]));
    });
  }

  it('special rows: all -inf, +inf, NaN are NaN; a single class is 1 / 0', () => {
    const x = Tensor.fromNested([[-Infinity, -Infinity], [Infinity, 0], [NaN, 1], [3, -Infinity]], 'float32');
    const p = softmax(x).toNested() as number[][];
    assert.ok(p.slice(0, 3).flat().every(Number.isNaN));
    assert.deepEqual(p[3], [1, 0]);
    const one = Tensor.fromNested([[5], [-1e30]], 'float64');
    assert.deepEqual(softmax(one).toNested(), [[1], [1]]);
    assert.deepEqual(logSoftmax(one).toNested(), [[0], [0]]);
    assert.deepEqual(logSumExp(Tensor.fromNested([[-Infinity, -Infinity], [Infinity, 1]], 'float64'), { axis: 1 }).toNested(), [-Infinity, Infinity]);
  });

  it('empty batch: shape [0, 3] gives [0, 3] and [0]', () => {
    const x = new Tensor('float32', [0, 3], new Float32Array(0));
    assert.deepEqual(softmax(x).shape, [0, 3]);
    assert.deepEqual(softmaxCrossEntropySparse(new Tensor('int64', [0], new Float64Array(0)), x).loss.shape, [0]);
  });

  it('a dominant logit keeps its tiny loss to full precision (log1p form)', () => {
    // CE([30, 0, 0], label 0) = log(1 + 2 e^-30); exact value from mpmath (50 digits):
    // python3 -c "from mpmath import *; mp.dps=50; print(float(log(1+2*exp(-30))))"
    const x = Tensor.fromNested([[30, 0, 0]], 'float64');
    const l = softmaxCrossEntropySparse(Tensor.fromNested([0], 'int64'), x).loss.data[0];
    assert.ok(ulpDistance(l, 1.8715245937678598e-13, 'float64') <= 2, String(l));
    // the naive lse - x_y would give 30 + log(1 + 2e-30...) - 30: only ~3 significant digits
    assert.ok(Math.abs(Math.log(Math.exp(30) + 2) - 30 - 1.8715245937678598e-13) > 1e-16);
  });
});

describe('core softmax: float64 terms far below the maximum', () => {
  // Exact values: mpmath at 50 digits, exp(x_i - logsumexp(x)) rounded to float64. The differences
  // x_i - m (up to -66) are not exact in float64; before the 2Sum correction in softmax() this row
  // was off by up to ~60 ulps.
  const x = [-33.01676146173119, -5.374775530964868, -29.4436248482625, 33.08467481075935, -26.296567174503007, 30.158366707195164];
  const want = [1.8613904016691098e-29, 1.881912507701449e-17, 6.631793342712645e-28, 0.9491317230144838, 1.5430527269228165e-26, 0.05086827698551619];
  it('is within 2 ulps of exact', () => {
    const got = softmax(new Tensor('float64', [6], Float64Array.from(x)));
    for (let i = 0; i < 6; i++) {
      const d = ulpDistance(got.data[i], want[i], 'float64');
      assert.ok(d <= 2, `[${i}] ${got.data[i]} vs ${want[i]}: ${d} ulps`);
    }
  });
});
