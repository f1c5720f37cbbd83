/**
 * Generates the accuracy cases for scripts/bench/accuracy.mjs and evaluates them with the core:
 * exp / expNeg / expNegApprox on sample points, and the sparse / dense softmax cross-entropies
 * and logsumexp on lanes of several shapes (contiguous fast paths and strided scanLane).
 * Prints one JSON document on stdout; mp_check.py computes the exact values and the errors.
 */
import { exp, expNeg, expNegApprox } from '../../src/core/exp';
import { Tensor } from '../../src/core/tensor';
import { softmaxCrossEntropyDense, softmaxCrossEntropySparse } from '../../src/core/losses/kernels';
import { laneLogSumExp } from '../../src/core/softmax';

let seed = 20240611;
function u(): number {
  // xorshift32
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return (seed + 0.5) / 4294967296;
}
const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());

// 1. exp against Math.exp on many points (done here) and against mpmath on a sample (in Python).
function ulpDiff(a: number, b: number): number {
  if (a === b) return 0;
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  return Math.abs(Number(i[0] - i[1]));
}
const M = Number(process.env.EXP_POINTS ?? 4e6);
const hist = [0, 0, 0, 0];
let approxMaxRel = 0;
for (let q = 0; q < M; q++) {
  const x = q % 2 ? -708.39 * u() : (q % 4 === 0 ? 1417.39 * u() - 708.39 : -20 * u());
  const a = exp(x);
  const d = ulpDiff(a, Math.exp(x));
  hist[Math.min(d, 3)]++;
  if (x <= 0) {
    if (expNeg(x) !== a) throw new Error(`expNeg(${x}) differs from exp`);
    const r = Math.abs(expNegApprox(x) / Math.exp(x) - 1);
    if (r > approxMaxRel) approxMaxRel = r;
  }
}
const sample: number[] = [];
for (let q = 0; q < 20000; q++) sample.push(q % 3 === 0 ? 1417.39 * u() - 708.39 : q % 3 === 1 ? -4 * u() : -0.002 * u());
sample.push(0, -1e-300, 1e-300, -5e-324, -708.39, -708.3, 709, 708.9, -0.00016923, 0.00016923, -Math.LN2, Math.LN2);
// Subnormal results (expTiny): checked in ulps of the subnormal grid.
const tinySample: number[] = [];
for (let q = 0; q < 3000; q++) tinySample.push(-708.39 - 36.7 * u());
const tinyOut = tinySample.map(exp);
const expOut = sample.map(exp);
const approxSample = sample.filter((x) => x <= 0 && x >= -708.39);
const approxOut = approxSample.map(expNegApprox);

// 2. Lanes.
type Lane = { name: string; dtype: 'float32' | 'float64'; n: number; x: number[]; label: number };
const lanes: Lane[] = [];
function addLanes(name: string, dtype: 'float32' | 'float64', count: number, n: number, gen: (i: number) => number, labelOf?: (x: number[]) => number) {
  for (let r = 0; r < count; r++) {
    const x = new Array<number>(n);
    for (let i = 0; i < n; i++) x[i] = dtype === 'float32' ? Math.fround(gen(i)) : gen(i);
    const label = labelOf ? labelOf(x) : Math.floor(u() * n);
    lanes.push({ name, dtype, n, x, label });
  }
}
const argmax = (x: number[]) => x.indexOf(Math.max(...x));
for (const dtype of ['float64', 'float32'] as const) {
  addLanes('normal*3, n=1000', dtype, 40, 1000, () => 3 * normal());
  addLanes('normal*3, label=argmax (small loss)', dtype, 40, 1000, () => 3 * normal(), argmax);
  addLanes('one dominant logit (t ~ 1e-20)', dtype, 40, 50, (i) => (i === 7 ? 60 + normal() : normal()), () => 7);
  addLanes('wide range (x*100), n=300', dtype, 40, 300, () => 100 * normal() + 17.3);
  addLanes('near ties, n=64', dtype, 40, 64, () => 5 + 1e-6 * normal());
  addLanes('offset 1e4, n=200', dtype, 30, 200, () => 1e4 + 4 * normal());
  addLanes('terms near underflow (-700..-720)', dtype, 30, 40, (i) => (i === 0 ? 0 : -700 - 20 * u()), () => 0);
  addLanes('ascending (online rescale every step)', dtype, 4, 5000, (i) => i * 1e-3 + 1e-4 * normal());
  addLanes('normal*3, n=50257', dtype, 3, 50257, () => 3 * normal());
  addLanes('half masked at -1e30, leading masks', dtype, 30, 101, (i) => (i < 9 || u() < 0.5 ? -1e30 : 2 * normal()), (x) => x.findIndex((v) => v > -1e29));
}
function lossesFast(dtype: 'float32' | 'float64', group: Lane[]): number[] {
  // Rows of one tensor (contiguous fast path): all lanes in group have the same n.
  const n = group[0].n;
  const data = dtype === 'float32' ? new Float32Array(group.length * n) : new Float64Array(group.length * n);
  group.forEach((l, r) => data.set(l.x, r * n));
  const labels = new Tensor('int64', [group.length], Float64Array.from(group.map((l) => l.label)));
  return Array.from(softmaxCrossEntropySparse(labels, new Tensor(dtype, [group.length, n], data), -1).loss.data);
}
function lossesStrided(dtype: 'float32' | 'float64', group: Lane[]): number[] {
  // The same rows transposed, class axis 0: the strided scanLane path.
  const n = group[0].n, R = group.length;
  const data = dtype === 'float32' ? new Float32Array(R * n) : new Float64Array(R * n);
  group.forEach((l, r) => l.x.forEach((v, i) => (data[i * R + r] = v)));
  const labels = new Tensor('int64', [R], Float64Array.from(group.map((l) => l.label)));
  return Array.from(softmaxCrossEntropySparse(labels, new Tensor(dtype, [n, R], data), 0).loss.data);
}
function lossesDense(dtype: 'float32' | 'float64', group: Lane[]): number[] {
  const n = group[0].n, R = group.length;
  const data = dtype === 'float32' ? new Float32Array(R * n) : new Float64Array(R * n);
  const y = dtype === 'float32' ? new Float32Array(R * n) : new Float64Array(R * n);
  group.forEach((l, r) => { data.set(l.x, r * n); y[r * n + l.label] = 1; });
  return Array.from(softmaxCrossEntropyDense(new Tensor(dtype, [R, n], y), new Tensor(dtype, [R, n], data), -1).data);
}
/** The kernel before the speed work (Math.exp, Neumaier, one lane at a time), for comparison. */
function oldKernel(l: Lane): number {
  const x = l.dtype === 'float32' ? Float32Array.from(l.x) : Float64Array.from(l.x);
  let m = -Infinity, k = -1, nan = false;
  for (let i = 0; i < x.length; i++) if (x[i] > m) { m = x[i]; k = i; } else if (x[i] !== x[i]) nan = true;
  if (nan || m === Infinity || m === -Infinity) return NaN; // the old scanLane's NaN lanes
  let s = 0, c = 0;
  for (let i = 0; i < x.length; i++) {
    if (i === k) continue;
    const e = Math.exp(x[i] - m);
    const t = s + e;
    c += s >= e ? s - t + e : e - t + s;
    s = t;
  }
  const t = s + c, xy = x[l.label];
  const v = l.label === k || xy === m ? Math.log1p(t) : m - xy + Math.log1p(t);
  return l.dtype === 'float32' ? Math.fround(v) : v;
}
const groups = new Map<string, Lane[]>();
for (const l of lanes) {
  const key = `${l.dtype}|${l.name}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key)!.push(l);
}
const laneOut: object[] = [];
for (const [, g] of groups) {
  const dtype = g[0].dtype;
  const fast = lossesFast(dtype, g), strided = lossesStrided(dtype, g), dense = lossesDense(dtype, g);
  g.forEach((l, r) => {
    const lse = laneLogSumExp(dtype === 'float32' ? Float32Array.from(l.x) : Float64Array.from(l.x), 0, l.n, 1);
    laneOut.push({ name: l.name, dtype, x: l.x, label: l.label, fast: fast[r], strided: strided[r], dense: dense[r], lse, old: oldKernel(l) });
  });
}
// 3. Special values: every path must give the old kernel's result (NaN where it is NaN, the same
// finite loss otherwise, to within float rounding) for rows with -inf, +inf and NaN entries.
const I = Infinity;
const specialRows: number[][] = [
  [-I, -I, 0, 1], [-I, -I, -I, -I, -I, 2, 1, 0, -I], [-I, -I, -I, -I], [I, 0, 1, 2], [0, NaN, 1, 2], [NaN, 0, 1, 2],
  [1, 2, 3, NaN, 4, 5, 6, 7, 8], [-I, -I, -I, -I, -I, -I, -I, -I, 5], [3, 3, 3, 3, 3], [-I, NaN, -I, -I, 1],
  [I, I, 0, 0], [-1e300, 1e300, 0, 0], [0, -800, -745, -740, -709, -700, 0, 0, 0],
];
let specialMismatch = 0;
for (const dtype of ['float64', 'float32'] as const) {
  for (const row of specialRows) {
    for (let label = 0; label < row.length; label++) {
      const lane: Lane = { name: 'special', dtype, n: row.length, x: row, label };
      const want = oldKernel(lane);
      for (const got of [lossesFast(dtype, [lane])[0], lossesStrided(dtype, [lane])[0]]) {
        const same = Number.isNaN(want) ? Number.isNaN(got) : got === want || Math.abs(got - want) <= 4e-16 * Math.abs(want) + (dtype === 'float32' ? 1.2e-7 * Math.abs(want) : 0);
        if (!same) { specialMismatch++; console.error(`special ${dtype} [${row}] label ${label}: got ${got}, old kernel ${want}`); }
      }
    }
  }
}

process.stdout.write(JSON.stringify({
  specialMismatch,
  expVsMath: { points: M, ulpHistogram: hist, approxMaxRel },
  expSample: { x: sample, exp: expOut },
  approxSample: { x: approxSample, y: approxOut },
  tinySample: { x: tinySample, y: tinyOut },
  lanes: laneOut,
}));
