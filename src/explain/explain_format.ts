import { DType } from '../core/dtype';
import { formatNumpy, formatTorch } from '../core/format';
import { argmax } from '../core/reduce';
import { permute } from '../core/shape_ops';
import { Tensor, normalizeAxis } from '../core/tensor';
import { COLUMN_CAP, FrameworkName, HOVER_CELLS, Num, ROW_CAP, TableModel, TableRow, toJsonNumber } from '../../webview/protocol';
import { Framework } from '../python/values';

/**
 * Numbers and tables for the panel, printed the way the framework prints them: NumPy's str()
 * (TF session results and tf.Tensor values are NumPy arrays) or PyTorch's tensor repr.
 */
export type PrintStyle = 'numpy' | 'torch';

export function styleOf(framework: Framework | null | undefined): PrintStyle {
  return framework === 'torch' ? 'torch' : 'numpy';
}

/** Framework as users name it, from a canonical qualname (keras.* is Keras, not TensorFlow). */
export function frameworkName(qualname: string | undefined, framework: Framework | null | undefined): FrameworkName | null {
  const q = qualname ?? '';
  if (q.startsWith('keras.')) return 'Keras';
  if (q.startsWith('optax.')) return 'optax';
  if (q.startsWith('scipy.')) return 'SciPy';
  if (q.startsWith('torch.')) return 'PyTorch';
  if (q.startsWith('tensorflow.')) return 'TensorFlow';
  if (q.startsWith('jax.')) return 'JAX';
  if (q.startsWith('numpy.')) return 'NumPy';
  switch (framework) {
    case 'torch': return 'PyTorch';
    case 'tensorflow': return 'TensorFlow';
    case 'jax': return 'JAX';
    case 'numpy': return 'NumPy';
    default: return null;
  }
}

function torchElement(v: number, dtype: DType): string {
  if (dtype !== 'float32' && dtype !== 'float64') return dtype === 'bool' ? (v ? 'True' : 'False') : String(v);
  if (v !== v) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(4);
}

/** Elements formatted by one formatNumpy call at most (see cellTexts). */
const FORMAT_BLOCK = 20_000;

/**
 * Each element's text, in flat order. NumPy style takes the tokens of formatNumpy over the whole
 * tensor, so all cells share NumPy's choice of fixed or scientific notation and its precision.
 */
export function cellTexts(t: Tensor, style: PrintStyle): string[] {
  if (t.size === 0) return [];
  if (style === 'torch') return Array.from(t.data, (v) => torchElement(v, t.dtype));
  if (t.rank === 0) return [formatNumpy(t)];
  if (t.rank === 2 && t.size > FORMAT_BLOCK && t.shape[1] > 0) {
    // A panel table (up to 200,000 cells) is formatted in blocks of whole rows: formatNumpy over
    // one huge array exceeds the call stack, and each block still shares one notation.
    const [R, C] = t.shape;
    const per = Math.max(1, Math.floor(FORMAT_BLOCK / C));
    const out: string[] = [];
    for (let r = 0; r < R; r += per) {
      const n = Math.min(per, R - r);
      const part = Tensor.fill(t.dtype, [n, C], (i) => t.data[r * C + i]);
      for (const c of cellTexts(part, style)) out.push(c);
    }
    return out;
  }
  // NumPy prints a whole float as "0." / "1." inside an array; alone in a cell that reads as a
  // typo, so a cell gets "0.0" (the printed value of the whole array keeps NumPy's form).
  return formatNumpy(t).replace(/[[\]]/g, ' ').trim().split(/\s+/).map((c) => (c.endsWith('.') ? `${c}0` : c));
}

/** One number with its printed text. */
export function num(v: number, dtype: DType, style: PrintStyle): Num {
  const text = style === 'torch' ? torchElement(v, dtype) : formatNumpy(Tensor.scalar(v, dtype));
  return { value: toJsonNumber(v), text };
}

/** Numbers of a tensor with their texts (flat order). */
export function nums(t: Tensor, style: PrintStyle): Num[] {
  const texts = cellTexts(t, style);
  return Array.from(t.data, (v, i) => ({ value: toJsonNumber(v), text: texts[i] }));
}

/** The whole value as the framework prints it. */
export function valueText(t: Tensor, style: PrintStyle): string {
  return style === 'torch' ? formatTorch(t) : formatNumpy(t);
}

/**
 * A tensor as rows = examples and columns = classes: the class axis moves last and every other
 * axis folds into the rows. A vector is one example; a scalar one cell.
 */
export function asRows(t: Tensor, classAxis: number | null): Tensor {
  if (t.rank === 0) return t.reshape([1, 1]);
  if (t.rank === 1) return t.reshape([1, t.shape[0]]);
  const a = normalizeAxis(classAxis ?? -1, t.rank);
  const perm = [...Array(t.rank).keys()].filter((d) => d !== a).concat(a);
  const moved = permute(t, perm);
  const c = t.shape[a];
  return moved.reshape([c === 0 ? 0 : t.size / c, c]);
}

/** The first `rows` x `cols` block of a 2-D tensor. */
function block(t: Tensor, rows: number, cols: number): Tensor {
  const [R, C] = t.shape;
  if (rows === R && cols === C) return t;
  return Tensor.fill(t.dtype, [rows, cols], (i) => t.data[Math.floor(i / cols) * C + (i % cols)]);
}

export interface RowInfo {
  loss?: Num[];
  predicted?: number[];
  target?: (number | null)[];
}

/** A capped table of a 2-D tensor (rows = examples), with optional per-row losses and argmax/targets. */
export function tableOf(
  t: Tensor,
  opts: { role: TableModel['role']; caption: string; style: PrintStyle; header?: (j: number) => string; info?: RowInfo; cells?: number },
): TableModel {
  const [R, C] = t.shape;
  const cellCap = opts.cells ?? HOVER_CELLS;
  // Columns first (every class of a row is needed for its top-k and "others"), then as many rows as the cell budget allows.
  const cols = Math.min(C, COLUMN_CAP, cellCap);
  const rows = Math.min(R, ROW_CAP, cols ? Math.max(1, Math.floor(cellCap / cols)) : ROW_CAP);
  const shown = block(t, rows, cols);
  const cells = nums(shown, opts.style);
  const header = opts.header ?? ((j: number) => (opts.role === 'probabilities' ? `Pr(class ${j})` : `[${j}]`));
  const out: TableRow[] = [];
  for (let i = 0; i < rows; i++) {
    const row: TableRow = { label: `row ${i}`, cells: cells.slice(i * cols, (i + 1) * cols) };
    const info = opts.info;
    if (info?.loss) row.loss = info.loss[i];
    if (info?.predicted) {
      row.predicted = info.predicted[i];
      if (info.target) {
        const tg = info.target[i];
        row.target = tg;
        row.correct = tg === null || tg === undefined ? null : tg === row.predicted;
      }
    }
    out.push(row);
  }
  const parts: string[] = [];
  if (R > rows) parts.push(`${R - rows} more row${R - rows === 1 ? '' : 's'}`);
  if (C > cols) parts.push(`${C - cols} more column${C - cols === 1 ? '' : 's'}`);
  return {
    role: opts.role,
    caption: opts.caption,
    dtype: t.dtype,
    columns: Array.from({ length: cols }, (_, j) => header(j)),
    rows: out,
    totalRows: R,
    totalColumns: C,
    omitted: parts.length ? `${parts.join(' and ')} not shown (the table shows at most ${rows} rows and ${cols} columns of this tensor)` : null,
  };
}

/** argmax of each row of a 2-D tensor (the predicted class); rows with no columns give -1. */
export function rowArgmax(rows: Tensor): number[] {
  if (rows.shape[1] === 0) return Array(rows.shape[0]).fill(-1);
  return Array.from(argmax(rows, 1).data);
}

/** True when every row is a probability distribution (entries in [0, 1], sums within 1e-3 of 1). */
export function rowsAreDistributions(rows: Tensor): boolean {
  const [R, C] = rows.shape;
  if (R === 0 || C < 2) return false;
  for (let i = 0; i < R; i++) {
    let s = 0;
    for (let j = 0; j < C; j++) {
      const v = rows.data[i * C + j];
      if (!(v >= 0 && v <= 1)) return false;
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) return false;
  }
  return true;
}

