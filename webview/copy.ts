import { Num, TableModel, fromJsonNumber } from './protocol';

/**
 * A table as text for the clipboard: CSV (one line per example: the example, every class
 * column, then loss, argmax, label and right/wrong when the table has them) or a NumPy literal of
 * the class columns. Numbers are written in full: the shortest decimal that reads back to the
 * same value in the table's dtype (float32 values are not widened to 17 digits).
 */

/** The shortest decimal text that reads back to `v` in `dtype` ('nan', 'inf', '-inf' otherwise). */
export function shortest(v: number, dtype: string): string {
  if (v !== v) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (dtype === 'float32' && Math.fround(v) === v) {
    for (let p = 1; p <= 9; p++) {
      const s = v.toPrecision(p);
      if (Math.fround(Number(s)) === v) return String(Number(s));
    }
  }
  return String(v);
}

const full = (n: Num, dtype: string) => shortest(fromJsonNumber(n.value), dtype);

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tableCsv(t: TableModel): string {
  const loss = t.rows.some((r) => r.loss);
  const predicted = t.rows.some((r) => r.predicted !== undefined);
  const target = t.rows.some((r) => r.target !== undefined);
  const head = ['example', ...t.columns];
  if (loss) head.push('loss');
  if (predicted) head.push('argmax');
  if (target) head.push('label', 'correct');
  const lines = [head.map(csvField).join(',')];
  for (const r of t.rows) {
    const f = [r.label, ...r.cells.map((c) => full(c, t.dtype))];
    if (loss) f.push(r.loss ? full(r.loss, t.dtype) : '');
    if (predicted) f.push(r.predicted === undefined ? '' : String(r.predicted));
    if (target) f.push(r.target === undefined || r.target === null ? '' : String(r.target), r.correct === true ? 'true' : r.correct === false ? 'false' : '');
    lines.push(f.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

const NUMPY_DTYPES = new Set(['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool']);

/** The class columns as `np.array([[...], ...], dtype=np.float32)`, with a comment saying what it is. */
export function tableNumpy(t: TableModel): string {
  const lit = (n: Num) => {
    const s = full(n, t.dtype);
    if (t.dtype === 'bool') return fromJsonNumber(n.value) ? 'True' : 'False';
    return s === 'nan' ? 'np.nan' : s === 'inf' ? 'np.inf' : s === '-inf' ? '-np.inf' : s;
  };
  const rows = t.rows.map((r) => `    [${r.cells.map(lit).join(', ')}],`);
  const partial = t.rows.length < t.totalRows || t.columns.length < t.totalColumns
    ? ` (the first ${t.rows.length} of ${t.totalRows} rows and ${t.columns.length} of ${t.totalColumns} columns)`
    : '';
  const dtype = NUMPY_DTYPES.has(t.dtype) ? `, dtype=np.${t.dtype}` : '';
  const comment = `# ${t.caption}${partial}`.replace(/[\r\n]+/g, ' ');
  return `${comment}\nnp.array([\n${rows.join('\n')}\n]${dtype})\n`;
}
