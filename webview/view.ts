import { PanelModel, fromJsonNumber } from './protocol';
import { CellView, TableView, describeTable } from './table_view';

export { CellView, TableView, describeTable } from './table_view';

/**
 * The pure half of the panel's renderer: PanelModel -> a description of what to draw (texts,
 * CSS classes, table cells). main.ts turns it into DOM nodes; tests check it without a DOM.
 * Right/wrong is always said in text as well as colour.
 */
export interface ViewModel {
  title: string;
  /** "TensorFlow · float64 · shape [2]" */
  facts: string[];
  source: { label: string; uri: string; line: number; expression: string } | null;
  expects: string | null;
  error: string | null;
  /** The calm note for inputs that exist only at run time (instead of an error). */
  runtimeOnly: string | null;
  /** Findings on the explained code, one line each. */
  findings: string[];
  value: string | null;
  reduced: { text: string; description: string } | null;
  tables: TableView[];
  comparison: { title: string; table: TableView; notes: string[] } | null;
  notes: string[];
  /** Example rows in the first table (reported back in 'rendered'). */
  rowCount: number;
}

export function describeModel(m: PanelModel, opts: { showAll?: boolean[] } = {}): ViewModel {
  const facts: string[] = [];
  if (m.framework) facts.push(m.framework);
  // The result's dtype and shape, said to be the result's: a table below may hold another dtype
  // (float32 probabilities of a float64 loss), and its caption says which.
  if (m.dtype || m.shape) facts.push(`result ${[m.dtype, m.shape ? `shape [${m.shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]` : ''].filter(Boolean).join(', ')}`);
  const file = m.source.uri ? fileName(m.source.uri) : '';
  const tables = m.tables.map((t, i) => describeTable(t, { showAll: opts.showAll?.[i] }));
  return {
    title: m.function?.name ?? m.title,
    facts,
    source: m.source.uri ? { label: `${file || 'source'}, line ${m.source.line}`, uri: m.source.uri, line: m.source.line, expression: m.source.expression } : null,
    expects: m.function?.expects?.summary ?? null,
    error: m.error,
    runtimeOnly: m.error ? null : m.runtimeOnly ?? null,
    findings: Array.isArray(m.findings) ? m.findings.filter((f) => typeof f === 'string') : [],
    value: m.value ? m.value.text : null,
    reduced: m.reduced ? { text: m.reduced.value.text, description: m.reduced.description } : null,
    tables,
    comparison: m.comparison
      ? {
          title: m.comparison.title,
          table: {
            caption: `${m.comparison.naive.label}: ${m.comparison.naive.expression}; ${m.comparison.stable.label}: ${m.comparison.stable.expression}`,
            head: [m.comparison.naive.label, m.comparison.stable.label, 'difference'].map((text) => ({ text, classes: [] })),
            rows: m.comparison.rows.map((r) => ({
              header: r.label,
              cells: [
                numCell(r.naive.text, fromJsonNumber(r.naive.value)),
                numCell(r.stable.text, fromJsonNumber(r.stable.value)),
                { text: r.ulps === null ? 'not finite' : `${r.ulps} ulp${r.ulps === 1 ? '' : 's'}`, classes: r.ulps === null ? ['num', 'wrong'] : ['num'] },
              ],
            })),
            footnote: null,
            classes: null,
          },
          notes: m.comparison.notes,
        }
      : null,
    notes: m.notes,
    rowCount: tables.length ? tables[0].rows.length : 0,
  };
}

function fileName(uri: string): string {
  const last = uri.replace(/[?#].*$/, '').split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function numCell(text: string, v: number): CellView {
  return { text, classes: Number.isFinite(v) ? ['num'] : ['num', 'nonfinite'], title: String(v) };
}
