import { DType } from './dtype';
import { Tensor } from './tensor';

/**
 * Number formatting: the shortest decimal that reads back to the same value in the tensor's
 * dtype (for JSON), and printing the way NumPy (TF's session.run results are NumPy arrays,
 * tf.Tensor prints its NumPy value) and PyTorch print tensors.
 */

/** Shortest round-trip decimal of x in `dtype`; non-finite values as "NaN", "Infinity", "-Infinity". */
export function shortest(x: number, dtype: DType): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (dtype !== 'float32') return String(x);
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

/** JSON-ready nested value: numbers, or strings for non-finite values. */
export type JsonNested = number | string | JsonNested[];

export function toJsonValue(t: Tensor): JsonNested {
  const conv = (v: number): number | string => {
    const s = shortest(v, t.dtype);
    return Number.isFinite(v) ? Number(s) : s;
  };
  const n = t.toNested();
  const walk = (x: unknown): JsonNested => (Array.isArray(x) ? x.map(walk) : conv(x as number));
  return walk(n);
}

// ---- NumPy-style printing (numpy >= 1.14 defaults: precision 8, floatmode 'maxprec') ----

function numpyElement(x: number, precision: number, sci: boolean, dtype: DType): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (sci) {
    const s = x.toExponential(precision);
    const [m, e] = s.split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '.') : m;
    const exp = Number(e);
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  // NumPy's 'maxprec': the shortest repr that reads back to the same value in the array's
  // dtype (float32 prints as float32), cut to `precision` fractional digits if longer.
  const short = shortest(x, dtype);
  const frac = short.includes('.') ? short.length - short.indexOf('.') - 1 : 0;
  if (!/e/i.test(short) && frac <= precision) return short;
  let s = x.toFixed(precision);
  if (s.includes('.')) s = s.replace(/0+$/, '');
  return s;
}

/** Formats a tensor as `print(np_array)` shows it (str form), or a scalar as NumPy prints it. */
export function formatNumpy(t: Tensor, opts: { precision?: number; maxLine?: number } = {}): string {
  const precision = opts.precision ?? 8;
  if (t.rank === 0) {
    const v = t.data[0];
    if (t.dtype === 'float32' || t.dtype === 'float64') return numpyScalar(v, t.dtype);
    return t.dtype === 'bool' ? (v ? 'True' : 'False') : String(v);
  }
  const isFloatT = t.dtype === 'float32' || t.dtype === 'float64';
  let finite = Array.from(t.data).filter((v) => Number.isFinite(v)).map(Math.abs);
  const maxAbs = finite.length ? Math.max(...finite.slice(0, 100000)) : 0;
  finite = finite.filter((v) => v > 0);
  const minAbs = finite.length ? Math.min(...finite.slice(0, 100000)) : 0;
  const sci = isFloatT && (maxAbs >= 1e8 || (minAbs > 0 && (minAbs < 1e-4 || maxAbs / minAbs > 1e3)));
  const strs = Array.from(t.data, (v) => {
    if (t.dtype === 'bool') return v ? 'True' : 'False';
    if (!isFloatT) return String(v);
    const s = numpyElement(v, precision, sci, t.dtype);
    return s.endsWith('.') || s.includes('.') || s.includes('e') || /n|i/.test(s) ? s : `${s}.`;
  });
  // Pad: integer part on the left, fraction on the right, as NumPy aligns columns.
  const split = strs.map((s) => {
    const i = s.search(/[.e]/);
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i)];
  });
  const wl = Math.max(...split.map(([l]) => l.length));
  const wr = Math.max(...split.map(([, r]) => r.length));
  const cells = split.map(([l, r]) => l.padStart(wl) + r.padEnd(wr));
  let k = 0;
  const build = (d: number, indent: string): string => {
    if (d === t.rank - 1) {
      const row: string[] = [];
      for (let i = 0; i < t.shape[d]; i++) row.push(cells[k++]);
      return `[${row.join(' ')}]`;
    }
    const parts: string[] = [];
    for (let i = 0; i < t.shape[d]; i++) parts.push(build(d + 1, `${indent} `));
    const sep = '\n'.repeat(t.rank - 1 - d) + indent + ' ';
    return `[${parts.join(sep)}]`;
  };
  return build(0, '');
}

function numpyScalar(v: number, dtype: DType): string {
  if (v !== v) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const s = shortest(v, dtype);
  return s.includes('.') || s.includes('e') ? s.replace(/e([+-]?)(\d)$/, 'e$10$2') : `${s}.0`;
}

/** Formats like PyTorch: tensor([0.4790, 1.1997], dtype=torch.float64) (4 decimals, default dtype float32 omitted). */
export function formatTorch(t: Tensor): string {
  const isFloatT = t.dtype === 'float32' || t.dtype === 'float64';
  const body = (() => {
    const strs = Array.from(t.data, (v) => (!isFloatT ? String(v) : v !== v ? 'nan' : !Number.isFinite(v) ? (v > 0 ? 'inf' : '-inf') : v.toFixed(4)));
    if (t.rank === 0) return strs[0];
    const w = Math.max(...strs.map((s) => s.length));
    let k = 0;
    const build = (d: number, indent: string): string => {
      if (d === t.rank - 1) {
        const row: string[] = [];
        for (let i = 0; i < t.shape[d]; i++) row.push(strs[k++].padStart(w));
        return `[${row.join(', ')}]`;
      }
      const parts: string[] = [];
      for (let i = 0; i < t.shape[d]; i++) parts.push(build(d + 1, `${indent} `));
      return `[${parts.join(`,${'\n'.repeat(t.rank - 1 - d)}${indent} `)}]`;
    };
    return build(0, '       ');
  })();
  const dt = t.dtype === 'float32' || t.dtype === 'int64' ? '' : `, dtype=torch.${t.dtype}`;
  return `tensor(${body}${dt})`;
}
