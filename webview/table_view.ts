import { Num, TableModel, TableRow, fromJsonNumber } from './protocol';

/**
 * A table of the panel as a description of what to draw (pure: no DOM), so its layout is
 * unit-tested. Rows are examples. The columns that matter most for a row come first and stay in
 * place while the rest scrolls ('sticky' cells: the example, its label, the argmax, the verdict
 * and the per-row loss); then the class columns, each probability tinted by a heat level. A table
 * of more than TOP_K_FROM classes shows, per row, its TOP_K most probable classes, the label's
 * class and the sum of all others; the full matrix is one click away (`showAll`).
 */
export interface CellView {
  text: string;
  /**
   * CSS classes: 'num', 'right', 'wrong', 'max' (the row's argmax), 'nonfinite', 'sticky' plus
   * 's1'...'s4' (its place among the sticky columns), 'heat' plus 'h0'...'h10' (a probability's
   * tenths: the heat map's shade).
   */
  classes: string[];
  /** Tooltip: the full-precision value. */
  title?: string;
}

export interface TableView {
  caption: string;
  /** Column headers after the row header column, with the sticky ones ('s1'...) first. */
  head: CellView[];
  rows: { header: string; cells: CellView[] }[];
  /** Shown under the table: what was left out. */
  footnote: string | null;
  /** How the class columns are shown: all of them, or top-k + label + others (null: no choice to make). */
  classes: { mode: 'top' | 'all'; k: number; count: number } | null;
}

/** More classes than this and a probability table shows the top-k, the label's class and "others". */
export const TOP_K_FROM = 12;
export const TOP_K = 5;

const sticky = (i: number): string[] => ['sticky', `s${i}`];

/** Heat level 0..10 of a probability (null when it is not one). */
export function heatLevel(p: number): number | null {
  if (!(p >= 0 && p <= 1)) return null;
  return Math.round(p * 10);
}

function numCell(n: Num, extra: string[] = []): CellView {
  const v = fromJsonNumber(n.value);
  return { text: n.text, classes: [...(Number.isFinite(v) ? ['num'] : ['num', 'nonfinite']), ...extra], title: String(v) };
}

function heat(n: Num, probs: boolean): string[] {
  const h = probs ? heatLevel(fromJsonNumber(n.value)) : null;
  return h === null ? [] : ['heat', `h${h}`];
}

/** A sum the framework did not print: four significant digits (its exact value in the tooltip). */
export function sumText(v: number): string {
  if (!Number.isFinite(v)) return v !== v ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  return String(Number(v.toPrecision(4)));
}

/** Indices of the k largest cells of a row, largest first (NaN last, ties by class index). */
export function topK(cells: Num[], k: number): number[] {
  const key = (j: number) => {
    const v = fromJsonNumber(cells[j].value);
    return v !== v ? -Infinity : v;
  };
  const idx = cells.map((_, j) => j);
  idx.sort((a, b) => key(b) - key(a) || a - b);
  return idx.slice(0, k);
}

export function describeTable(t: TableModel, opts: { showAll?: boolean } = {}): TableView {
  const rows = t.rows;
  const has = {
    target: rows.some((r) => r.target !== undefined),
    predicted: rows.some((r) => r.predicted !== undefined),
    loss: rows.some((r) => r.loss),
  };
  const head: CellView[] = [];
  let s = 1;
  const at: Record<string, number> = {};
  if (has.target) (at.label = s++), head.push({ text: 'label', classes: sticky(at.label) });
  if (has.predicted) (at.argmax = s++), head.push({ text: 'argmax', classes: sticky(at.argmax) });
  if (has.target) (at.result = s++), head.push({ text: 'result', classes: sticky(at.result) });
  if (has.loss) (at.loss = s++), head.push({ text: 'loss', classes: sticky(at.loss) });
  const probs = t.role === 'probabilities';
  const summarise = probs && t.columns.length > TOP_K_FROM;
  const top = summarise && !opts.showAll;
  const k = Math.min(TOP_K, t.columns.length);
  if (top) {
    for (let i = 1; i <= k; i++) head.push({ text: `top ${i}`, classes: [], title: `the row's ${ordinal(i)}most probable class, as "class: probability"` });
    if (has.target) head.push({ text: 'label class', classes: [], title: "the label's class and its probability" });
    head.push({ text: 'others', classes: [], title: 'the sum of the probabilities of every other class' });
  } else {
    for (const c of t.columns) head.push({ text: c, classes: [] });
  }
  return {
    caption: `${t.caption} (${t.dtype})`,
    head,
    rows: rows.map((r) => ({ header: r.label, cells: [...stickyCells(r, has, at), ...(top ? topCells(r, k, has.target) : allCells(r, probs))] })),
    footnote: t.omitted,
    classes: summarise ? { mode: top ? 'top' : 'all', k, count: t.totalColumns } : null,
  };
}

function stickyCells(r: TableRow, has: { target: boolean; predicted: boolean; loss: boolean }, at: Record<string, number>): CellView[] {
  const out: CellView[] = [];
  if (has.target) out.push({ text: r.target === undefined ? '' : r.target === null ? 'ignored' : String(r.target), classes: ['num', ...sticky(at.label)] });
  if (has.predicted) out.push({ text: r.predicted === undefined ? '' : String(r.predicted), classes: ['num', ...sticky(at.argmax)] });
  if (has.target) {
    const verdict = r.correct === true ? { text: '✓ right', cls: 'right' } : r.correct === false ? { text: '✗ wrong', cls: 'wrong' } : { text: '–', cls: '' };
    out.push({ text: verdict.text, classes: [...(verdict.cls ? [verdict.cls] : []), ...sticky(at.result)] });
  }
  if (has.loss) out.push(r.loss ? numCell(r.loss, sticky(at.loss)) : { text: '', classes: sticky(at.loss) });
  return out;
}

function allCells(r: TableRow, probs: boolean): CellView[] {
  return r.cells.map((c, j) => numCell(c, [...(r.predicted === j ? ['max'] : []), ...heat(c, probs)]));
}

function topCells(r: TableRow, k: number, withLabel: boolean): CellView[] {
  const top = topK(r.cells, k);
  const out = top.map((j) => {
    const c = r.cells[j];
    return { ...numCell(c, [...(r.predicted === j ? ['max'] : []), ...heat(c, true)]), text: `${j}: ${c.text}` };
  });
  const label = typeof r.target === 'number' && r.target >= 0 && r.target < r.cells.length ? r.target : null;
  if (withLabel) {
    out.push(label === null ? { text: '', classes: [] } : { ...numCell(r.cells[label], heat(r.cells[label], true)), text: `${label}: ${r.cells[label].text}` });
  }
  let others = 0;
  let n = 0;
  for (let j = 0; j < r.cells.length; j++) {
    if (top.includes(j) || j === label) continue;
    others += fromJsonNumber(r.cells[j].value);
    n++;
  }
  const cell = numCell({ value: Number.isFinite(others) ? others : others !== others ? 'NaN' : others > 0 ? 'Infinity' : '-Infinity', text: sumText(others) }, heat({ value: others, text: '' }, true));
  cell.title = `${others} (the sum of the other ${n} class${n === 1 ? '' : 'es'})`;
  out.push(cell);
  return out;
}

function ordinal(i: number): string {
  return i === 1 ? '' : i === 2 ? '2nd ' : i === 3 ? '3rd ' : `${i}th `;
}

/**
 * Which rows to put in the DOM for a scroll position: rows [start, end) plus the heights of the
 * spacers above and below, so thousands of rows cost one screenful of elements. `overscan` rows
 * either side keep a fast scroll from showing blanks.
 */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 10): { start: number; end: number; padTop: number; padBottom: number } {
  if (total <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const h = rowHeight > 0 ? rowHeight : 20;
  const first = Math.floor(Math.max(0, scrollTop) / h);
  const start = Math.max(0, Math.min(total - 1, first) - overscan);
  const end = Math.min(total, first + Math.ceil(Math.max(0, viewport) / h) + 1 + overscan);
  return { start, end, padTop: start * h, padBottom: (total - end) * h };
}
