import { strict as assert } from 'assert';
import { EXP_NEG_APPROX_MIN, TAB_HI, TAB_TL, exp, expNeg, expNegApprox } from '../../../src/core/exp';

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulpDiff(a: number, b: number): number {
  if (a === b) return 0;
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  const d = i[0] - i[1];
  return Number(d < 0n ? -d : d);
}

/** [x, e^x correctly rounded to float64], from mpmath at 50 digits. */
const EXACT: [number, number][] = [
  [0.5, 1.6487212707001282],
  [-0.5, 0.6065306597126334],
  [1.0, 2.718281828459045],
  [-1.0, 0.36787944117144233],
  [1e-10, 1.0000000001],
  [-1e-10, 0.9999999999],
  [0.00034, 1.0003400578065513],
  [-0.00016923, 0.9998307843185887],
  [10.25, 28282.541920334977],
  [-10.25, 3.535750085040998e-5],
  [88.7, 3.325986980250579e38],
  [-87.3, 1.2192470959520051e-38],
  [700.0, 1.0142320547350045e304],
  [-700.0, 9.85967654375977e-305],
  [709.0, 8.218407461554972e307],
  [-708.39, 2.2394014988804677e-308],
  [709.7, 1.6549840276802644e308],
  [-708.5, 2.006132305331306e-308],
  [-720.0, 2.0322308024e-313],
  [-745.0, 5e-324],
  [-745.1, 5e-324],
  [-249.1289722314089, 6.377670497778833e-109],
  [-494.24672054898076, 2.2458283861543558e-215],
  [214.37414829747274, 1.263309227394995e93],
  [-605.3577817920919, 1.2486933259699604e-263],
  [51.344800102578574, 1.989588944226434e22],
  [-189.81880473486626, 3.6537644184428545e-83],
  [-625.8155235942404, 1.628438695303895e-272],
  [11.036433929408531, 62095.81841913258],
  [-654.8686519877074, 3.927878725278415e-285],
  [-93.52406625039919, 2.415539269934517e-41],
  [-609.014864794765, 3.2225882745904945e-265],
  [-579.4596600917432, 2.2073293431390397e-252],
  [-106.45630898505772, 5.842684615584602e-47],
  [463.649460660278, 2.2929907468443138e201],
  [-532.5726210509522, 5.0891993708731195e-232],
  [-391.6703871518604, 7.938019017570078e-171],
  [181.07287614872007, 4.35462672665039e78],
  [634.903571461577, 5.4339748798188934e275],
  [109.75487819099567, 4.63380720303633e47],
  [-145.90376741984448, 4.313193287581938e-64],
  [-0.02374489440707994, 0.9765347974732402],
  [-0.9534173193822437, 0.3854216614837256],
  [-0.14153154095132048, 0.868027796730635],
  [-0.7103907136683237, 0.4914521428746842],
  [-0.8557449166425625, 0.42496650852113393],
  [-0.8822077619216316, 0.41386817988998603],
  [-0.6915181758980656, 0.5008151661053686],
  [-0.1838736408799686, 0.8320409331446501],
  [-0.8192736200760625, 0.4407516914378284],
  [-0.41839983633753375, 0.6580990439015174],
];

describe('exp (table-driven, src/core/exp.ts)', () => {
  it('special values: 0, -0, +-Infinity, NaN', () => {
    assert.equal(exp(0), 1);
    assert.equal(exp(-0), 1);
    assert.equal(exp(Infinity), Infinity);
    assert.equal(exp(-Infinity), 0);
    assert.ok(Number.isNaN(exp(NaN)));
    assert.equal(expNeg(0), 1);
    assert.equal(expNeg(-0), 1);
    assert.equal(expNeg(-Infinity), 0);
    assert.ok(Number.isNaN(expNeg(NaN)));
    assert.equal(expNegApprox(0), 1);
    assert.ok(Number.isNaN(expNegApprox(NaN)));
  });

  it('overflows past ln(MAX_VALUE) = 709.7827 and underflows to 0 below -745.13', () => {
    assert.ok(Number.isFinite(exp(709.78)));
    assert.equal(exp(709.79), Infinity);
    assert.equal(exp(1000), Infinity);
    assert.equal(exp(-745.2), 0);
    assert.equal(expNeg(-745.2), 0);
    assert.equal(exp(-1000), 0);
    assert.equal(exp(-745.1), 5e-324); // the smallest subnormal
  });

  it('subnormal results are correctly rounded (within an ulp of the subnormal grid)', () => {
    for (const x of [-708.4, -710, -715.5, -720, -730, -740, -744]) {
      const y = exp(x);
      assert.ok(y > 0 && y < 2.2250738585072014e-308, `exp(${x}) = ${y} should be subnormal`);
      assert.ok(ulpDiff(y, Math.exp(x)) <= 1, `exp(${x})`);
      assert.equal(expNeg(x), y);
    }
  });

  it('matches mpmath-derived correctly rounded values to within 1 ulp (mostly exactly)', () => {
    let exact = 0;
    for (const [x, cr] of EXACT) {
      const y = exp(x);
      assert.ok(ulpDiff(y, cr) <= 1, `exp(${x}) = ${y}, correctly rounded ${cr}`);
      if (y === cr) exact++;
      if (x <= 0) assert.equal(expNeg(x), y, `expNeg(${x})`);
    }
    assert.ok(exact >= EXACT.length - 3, `only ${exact} of ${EXACT.length} correctly rounded`);
  });

  it('is within 1 ulp of Math.exp on 200,000 random points over the whole range', () => {
    let seed = 12345;
    const u = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
    let differ = 0;
    for (let q = 0; q < 200000; q++) {
      const x = q % 2 ? -750 * u() : 1460 * u() - 745;
      const y = exp(x);
      const d = ulpDiff(y, Math.exp(x));
      assert.ok(d <= 1, `exp(${x}) = ${y}, Math.exp ${Math.exp(x)}`);
      if (d) differ++;
      if (x <= 0) assert.equal(expNeg(x), y);
    }
    // Both are within ~0.5 ulp, so they disagree only near rounding midpoints (~10%).
    assert.ok(differ < 40000, `${differ} points differ`);
  });

  it('expNegApprox is within 1e-12 relative on [-708.39, 0], and finite/tiny down to its minimum', () => {
    let worst = 0;
    for (let q = 0; q <= 100000; q++) {
      const d = -708.39 * (q / 100000) ** 2;
      worst = Math.max(worst, Math.abs(expNegApprox(d) / Math.exp(d) - 1));
    }
    assert.ok(worst < 1e-12, `max relative error ${worst}`);
    for (const d of [-708.5, -720, -739.9, EXP_NEG_APPROX_MIN]) {
      const y = expNegApprox(d);
      assert.ok(y >= 0 && y < 2.3e-308 && Math.abs(y - Math.exp(d)) < 1e-320, `expNegApprox(${d}) = ${y}`);
    }
  });

  it('builds 2^(j/2048) as TAB_HI (1 + TAB_TL) to ~100 bits (mpmath values)', () => {
    const ref: [number, number, number][] = [
      [1, 1.0003385080526823, -5.139594137315957e-18],
      [5, 1.0016936865283832, -7.161147610664373e-17],
      [1024, 1.4142135623730951, -6.835808657661922e-17],
      [2047, 1.9993232129924874, -9.226052009661886e-18],
    ];
    assert.equal(TAB_HI[0], 1);
    assert.equal(TAB_TL[0], 0);
    for (const [j, hi, tl] of ref) {
      assert.equal(TAB_HI[j], hi, `TAB_HI[${j}]`);
      assert.ok(Math.abs(TAB_TL[j] - tl) <= 1e-30, `TAB_TL[${j}] = ${TAB_TL[j]}, expected ${tl}`);
    }
    for (let j = 0; j < 2048; j++) assert.ok(Math.abs(TAB_TL[j]) <= 2 ** -53, `|TAB_TL[${j}]| <= 2^-53`);
  });
});
