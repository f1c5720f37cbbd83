import { tableCsv, tableNumpy } from './copy';
import { FromPanel, PanelModel, TableModel, ToPanel, isToPanel, toPanelState } from './protocol';
import { visibleRange } from './table_view';
import { CellView, TableView, ViewModel, describeModel } from './view';

/**
 * The Loss Lens panel (browser bundle). Receives ToPanel messages, renders them with DOM APIs
 * only (createElement/textContent: model data never becomes markup), keeps the last message with
 * setState so a reload or a hidden-then-shown panel comes back as it was, and reports 'ready'
 * and 'rendered' to the extension.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;

function post(m: FromPanel): void {
  vscode.postMessage(m);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function section(title: string): HTMLElement {
  const s = el('section');
  s.appendChild(el('h2', title));
  return s;
}

/** Above this many rows a table is virtualised: only the rows in view (plus a margin) are in the DOM. */
const VIRTUAL_FROM = 100;

function headCell(c: CellView, scope: 'col' | 'row'): HTMLTableCellElement {
  const th = el('th', c.text, c.classes.join(' '));
  th.scope = scope;
  if (c.title) th.title = c.title;
  return th;
}

/**
 * Sticky columns sit at the left edge at the offset of the sticky columns before them, measured
 * from the header row (the widths are fixed by CSS in ch, so the rows that scroll in later line up).
 * Set through the CSSOM (allowed by the CSP, unlike style attributes).
 */
function stickyOffsets(headRow: HTMLTableRowElement): number[] {
  const lefts: number[] = [];
  let x = 0;
  for (const th of Array.from(headRow.children) as HTMLElement[]) {
    if (!th.classList.contains('sticky')) break;
    lefts.push(x);
    x += th.getBoundingClientRect().width;
  }
  return lefts;
}

function placeSticky(row: HTMLTableRowElement, lefts: number[]): void {
  const cells = row.children;
  for (let i = 0; i < lefts.length && i < cells.length; i++) (cells[i] as HTMLElement).style.left = `${lefts[i]}px`;
}

/** Renders one table; returns its block and how many example rows are in the DOM. */
function table(t: TableView, onToggle?: () => void): { block: HTMLElement; domRows: () => number } {
  const frag = el('div', undefined, 'table-block');
  const bar = el('div', undefined, 'table-bar');
  bar.appendChild(el('span', t.caption, 'caption'));
  if (t.classes && onToggle) {
    const b = el('button', t.classes.mode === 'top' ? `Show all ${t.classes.count} classes` : `Show the top ${t.classes.k}, the label and others`, 'link');
    b.type = 'button';
    b.addEventListener('click', onToggle);
    bar.appendChild(b);
  }
  frag.appendChild(bar);
  const wrap = el('div', undefined, t.rows.length > VIRTUAL_FROM ? 'scroll tall' : 'scroll');
  // A scrollable region must be reachable by keyboard to scroll it.
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', t.caption);
  const tbl = el('table');
  tbl.setAttribute('aria-rowcount', String(t.rows.length + 1));
  const thead = el('thead');
  const hr = el('tr');
  hr.appendChild(headCell({ text: 'example', classes: ['sticky', 's0'] }, 'col'));
  for (const h of t.head) hr.appendChild(headCell(h, 'col'));
  thead.appendChild(hr);
  tbl.appendChild(thead);
  const tbody = el('tbody');
  tbl.appendChild(tbody);
  wrap.appendChild(tbl);
  frag.appendChild(wrap);
  if (t.footnote) frag.appendChild(el('p', t.footnote, 'footnote'));

  let lefts: number[] = [];
  const rowEl = (i: number): HTMLTableRowElement => {
    const r = t.rows[i];
    const tr = el('tr');
    tr.setAttribute('aria-rowindex', String(i + 2));
    tr.appendChild(headCell({ text: r.header, classes: ['sticky', 's0'] }, 'row'));
    for (const c of r.cells) {
      const td = el('td', c.text, c.classes.join(' '));
      if (c.title) td.title = c.title;
      tr.appendChild(td);
    }
    placeSticky(tr, lefts);
    return tr;
  };
  const spacer = (h: number): HTMLTableRowElement => {
    const tr = el('tr', undefined, 'spacer');
    tr.setAttribute('aria-hidden', 'true');
    const td = el('td');
    td.colSpan = t.head.length + 1;
    tr.appendChild(td);
    tr.style.height = `${h}px`;
    return tr;
  };
  let rowHeight = 0;
  let shown = 0;
  const draw = () => {
    if (t.rows.length <= VIRTUAL_FROM) {
      if (!shown) for (let i = 0; i < t.rows.length; i++) tbody.appendChild(rowEl(i));
      shown = t.rows.length;
      return;
    }
    if (!rowHeight) {
      const probe = rowEl(0);
      tbody.replaceChildren(probe);
      rowHeight = probe.getBoundingClientRect().height || 20;
    }
    const r = visibleRange(wrap.scrollTop, wrap.clientHeight || 400, rowHeight, t.rows.length);
    const nodes: HTMLTableRowElement[] = [];
    if (r.padTop) nodes.push(spacer(r.padTop));
    for (let i = r.start; i < r.end; i++) nodes.push(rowEl(i));
    if (r.padBottom) nodes.push(spacer(r.padBottom));
    tbody.replaceChildren(...nodes);
    shown = r.end - r.start;
  };
  let pending = false;
  wrap.addEventListener('scroll', () => {
    if (pending || t.rows.length <= VIRTUAL_FROM) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  });
  // Offsets and row heights need layout: measure once the block is in the document.
  queueMicrotask(() => {
    lefts = stickyOffsets(hr);
    placeSticky(hr, lefts);
    for (const tr of Array.from(tbody.children) as HTMLTableRowElement[]) if (!tr.classList.contains('spacer')) placeSticky(tr, lefts);
    draw();
  });
  if (t.rows.length <= VIRTUAL_FROM) draw();
  return { block: frag, domRows: () => shown };
}

function list(items: string[]): HTMLElement {
  const ul = el('ul');
  for (const i of items) ul.appendChild(el('li', i));
  return ul;
}

function copyButtons(t: TableModel): HTMLElement {
  const bar = el('div', undefined, 'copy-bar');
  const add = (label: string, format: 'csv' | 'numpy', text: () => string) => {
    const b = el('button', label);
    b.type = 'button';
    b.title = format === 'csv' ? 'Copy this table as CSV (full precision)' : 'Copy the class columns as a NumPy array literal';
    b.addEventListener('click', () => post({ type: 'copy', format, text: text() }));
    bar.appendChild(b);
  };
  add('Copy CSV', 'csv', () => tableCsv(t));
  add('Copy as NumPy', 'numpy', () => tableNumpy(t));
  return bar;
}

/** Renders the view; returns how many example rows of the first table are in the DOM (after layout). */
function renderView(v: ViewModel, model: PanelModel, onToggle: (i: number) => void): () => number {
  let domRows = () => 0;
  const header = el('header');
  header.appendChild(el('h1', v.title));
  if (v.facts.length) header.appendChild(el('p', v.facts.join(' · '), 'facts'));
  if (v.source) {
    const src = v.source;
    const p = el('p', undefined, 'source');
    const b = el('button', src.label, 'link');
    b.type = 'button';
    b.title = 'Show this line in the editor';
    b.addEventListener('click', () => post({ type: 'reveal', uri: src.uri, line: src.line }));
    p.appendChild(b);
    p.appendChild(el('code', src.expression));
    header.appendChild(p);
  }
  if (v.expects) header.appendChild(el('p', v.expects, 'expects'));
  root.appendChild(header);
  if (v.findings.length) {
    const f = el('div', undefined, 'findings');
    f.appendChild(el('strong', v.findings.length === 1 ? 'Finding on this code' : `${v.findings.length} findings on this code`));
    f.appendChild(list(v.findings));
    root.appendChild(f);
  }
  if (v.runtimeOnly) {
    const n = el('div', undefined, 'runtime');
    n.appendChild(el('strong', 'Inputs known only at run time. '));
    n.appendChild(document.createTextNode(`Loss Lens shows what the call expects; its values appear when the inputs are literals or fed values (${v.runtimeOnly}).`));
    root.appendChild(n);
  }
  if (v.error) {
    const e = el('div', undefined, 'error');
    e.setAttribute('role', 'alert');
    e.appendChild(el('strong', 'Not evaluated: '));
    e.appendChild(document.createTextNode(v.error));
    root.appendChild(e);
  }
  if (v.reduced) {
    const s = section('Loss');
    const p = el('p', undefined, 'reduced');
    p.appendChild(el('code', v.reduced.text, 'big'));
    p.appendChild(document.createTextNode(` ${v.reduced.description}`));
    s.appendChild(p);
    root.appendChild(s);
  }
  v.tables.forEach((t, i) => {
    const r = table(t, () => onToggle(i));
    if (i === 0) domRows = r.domRows;
    if (model.tables[i]) r.block.insertBefore(copyButtons(model.tables[i]), r.block.children[1] ?? null);
    root.appendChild(r.block);
  });
  if (v.comparison) {
    const s = section(v.comparison.title);
    s.appendChild(table(v.comparison.table).block);
    if (v.comparison.notes.length) s.appendChild(list(v.comparison.notes));
    root.appendChild(s);
  }
  if (v.value) {
    const s = section('Value');
    s.appendChild(el('pre', v.value));
    root.appendChild(s);
  }
  if (v.notes.length) {
    const s = section('Notes');
    s.appendChild(list(v.notes));
    root.appendChild(s);
  }
  return domRows;
}

/** Per table of the shown model: whether its full class matrix is open (reset by each new model). */
let showAll: boolean[] = [];

function render(msg: ToPanel, keepToggles = false): void {
  if (!keepToggles) showAll = [];
  root.replaceChildren();
  if (msg.type === 'empty') {
    root.appendChild(el('p', msg.reason, 'empty'));
    vscode.setState({ last: msg });
    post({ type: 'rendered', title: 'Loss Lens', rows: 0 });
    return;
  }
  let view: ViewModel;
  try {
    view = describeModel(msg.model, { showAll });
  } catch {
    root.appendChild(el('p', 'This result could not be shown (the message was malformed).', 'error'));
    post({ type: 'rendered', title: 'Loss Lens', rows: 0 });
    return;
  }
  const domRows = renderView(view, msg.model, (i) => {
    showAll = [...showAll];
    showAll[i] = !showAll[i];
    render(msg, true);
  });
  vscode.setState({ last: msg });
  // After the tables have measured themselves and drawn their first rows (their microtasks run first).
  queueMicrotask(() => post({ type: 'rendered', title: view.title, rows: view.rowCount, domRows: domRows() }));
}

window.addEventListener('message', (event: MessageEvent) => {
  if (isToPanel(event.data)) render(event.data);
});

// 'ready' first: the extension answers with its latest result, which then replaces the saved one.
post({ type: 'ready' });
const saved = toPanelState(vscode.getState());
render(saved.last ?? { type: 'empty', reason: 'Place the cursor on a loss call and run "Loss Lens: Explain Loss at Cursor", or select an array and run "Loss Lens: Evaluate Selection".' });
