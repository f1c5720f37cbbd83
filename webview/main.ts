import { FromPanel, ToPanel, isToPanel, toPanelState } from './protocol';
import { TableView, ViewModel, describeModel } from './view';

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

function table(t: TableView): HTMLElement {
  const wrap = el('div', undefined, 'scroll');
  // A scrollable region must be reachable by keyboard to scroll it.
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', t.caption);
  const tbl = el('table');
  tbl.appendChild(el('caption', t.caption));
  const thead = el('thead');
  const hr = el('tr');
  const corner = el('th', 'example');
  corner.scope = 'col';
  hr.appendChild(corner);
  for (const h of t.head) {
    const th = el('th', h);
    th.scope = 'col';
    hr.appendChild(th);
  }
  thead.appendChild(hr);
  tbl.appendChild(thead);
  const tbody = el('tbody');
  for (const r of t.rows) {
    const tr = el('tr');
    const th = el('th', r.header);
    th.scope = 'row';
    tr.appendChild(th);
    for (const c of r.cells) {
      const td = el('td', c.text, c.classes.join(' '));
      if (c.title) td.title = c.title;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
  tbl.appendChild(tbody);
  wrap.appendChild(tbl);
  const frag = el('div', undefined, 'table-block');
  frag.appendChild(wrap);
  if (t.footnote) frag.appendChild(el('p', t.footnote, 'footnote'));
  return frag;
}

function list(items: string[]): HTMLElement {
  const ul = el('ul');
  for (const i of items) ul.appendChild(el('li', i));
  return ul;
}

function renderView(v: ViewModel): void {
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
  for (const t of v.tables) root.appendChild(table(t));
  if (v.comparison) {
    const s = section(v.comparison.title);
    s.appendChild(table(v.comparison.table));
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
}

function render(msg: ToPanel): void {
  root.replaceChildren();
  if (msg.type === 'empty') {
    root.appendChild(el('p', msg.reason, 'empty'));
    vscode.setState({ last: msg });
    post({ type: 'rendered', title: 'Loss Lens', rows: 0 });
    return;
  }
  let view: ViewModel;
  try {
    view = describeModel(msg.model);
  } catch {
    root.appendChild(el('p', 'This result could not be shown (the message was malformed).', 'error'));
    post({ type: 'rendered', title: 'Loss Lens', rows: 0 });
    return;
  }
  renderView(view);
  vscode.setState({ last: msg });
  post({ type: 'rendered', title: view.title, rows: view.rowCount });
}

window.addEventListener('message', (event: MessageEvent) => {
  if (isToPanel(event.data)) render(event.data);
});

// 'ready' first: the extension answers with its latest result, which then replaces the saved one.
post({ type: 'ready' });
const saved = toPanelState(vscode.getState());
render(saved.last ?? { type: 'empty', reason: 'Place the cursor on a loss call and run "Loss Lens: Explain Loss at Cursor", or select an array and run "Loss Lens: Evaluate Selection".' });
