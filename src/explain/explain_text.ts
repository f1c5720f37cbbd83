import { PanelModel } from '../../webview/protocol';

/**
 * A short Markdown explanation of a PanelModel for hovers and "Explain Loss at Cursor": which
 * function it is, what it expects, its value as the framework prints it, the reduction, and
 * right/wrong per row. Everything from the user's code goes inside code spans, so the text can
 * be shown as untrusted Markdown.
 */
const MAX_ROWS = 8;
const MAX_VALUE = 800;

export function explainText(m: PanelModel): string {
  const out: string[] = [];
  const fw = m.framework ? ` (${m.framework})` : '';
  const head = m.kind === 'manual-loss' ? `**Hand-written cross-entropy**${fw}` : m.function ? `**${code(m.function.name)}**${fw}` : `**${m.kind === 'array' ? 'Array' : 'Value'}**${fw}`;
  out.push(head, '');
  for (const f of m.findings ?? []) out.push(`- ⚠ ${escape(f)}`);
  if (m.findings?.length) out.push('');
  if (m.function?.expects) out.push(escape(m.function.expects.summary), "");
  if (m.value) {
    const v = m.value.text.length > MAX_VALUE ? `${m.value.text.slice(0, MAX_VALUE)}…` : m.value.text;
    // Under a "Value" heading the line says only the dtype and shape (not "Value" twice).
    const what = `${m.value.dtype}, shape ${shape(m.value.shape)}`;
    out.push(head.startsWith('**Value**') ? `${what}:` : `Value (${what}):`, '', block(v), '');
    if (m.exact) {
      const e = m.exact.text.length > MAX_VALUE ? `${m.exact.text.slice(0, MAX_VALUE)}…` : m.exact.text;
      out.push(`Exact value (${escape(m.exact.why)}):`, '', block(e), '');
    }
  } else if (m.dtype) {
    out.push(`dtype ${m.dtype}${m.shape ? `, shape ${shape(m.shape)}` : ''}`, '');
  }
  if (m.reduced) out.push(`Reduced: ${code(m.reduced.value.text)}, ${escape(m.reduced.description)}.`, '');
  const probs = m.tables.find((t) => t.role === 'probabilities');
  if (probs && probs.rows.length) out.push(`${escape(probs.caption)}:`, '', block(probabilityBlock(probs)), '');
  const table = m.tables.find((t) => t.rows.some((r) => r.loss || r.predicted !== undefined));
  if (table) {
    const lines = table.rows.slice(0, MAX_ROWS).map((r) => {
      const parts: string[] = [];
      if (r.loss) parts.push(`loss ${code(r.loss.text)}`);
      if (r.predicted !== undefined) parts.push(`argmax ${r.predicted}`);
      if (r.target !== undefined) parts.push(r.target === null ? 'label ignored' : `label ${r.target}`);
      if (r.correct === true) parts.push('**right**');
      if (r.correct === false) parts.push('**wrong**');
      return `- ${escape(r.label)}: ${parts.join(', ')}`;
    });
    if (table.totalRows > MAX_ROWS) lines.push(`- … ${table.totalRows - MAX_ROWS} more rows (open the Loss Lens panel)`);
    out.push(...lines, '');
  }
  if (m.comparison) {
    const c = m.comparison;
    out.push(`${escape(c.title)}:`, '');
    for (const r of c.rows.slice(0, MAX_ROWS)) out.push(`- ${escape(r.label)}: as written ${code(r.naive.text)}, fused ${code(r.stable.text)}${r.ulps === null ? '' : ` (${r.ulps} ulp${r.ulps === 1 ? "" : "s"} apart)`}`);
    out.push('', `Fused, stable form: ${code(c.stable.expression)}`, '');
  }
  if (m.error) out.push(`Not evaluated: ${code(m.error)}`, '');
  else if (m.runtimeOnly) out.push(`Inputs known only at run time (${code(m.runtimeOnly)}): the value appears when they are literals or fed values.`, '');
  for (const n of m.notes) out.push(`- ${escape(n)}`);
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

const MAX_COLUMNS = 10;

/** The probability rows as aligned text (capped at MAX_ROWS x MAX_COLUMNS), for a fenced block. */
function probabilityBlock(t: PanelModel['tables'][number]): string {
  const rows = t.rows.slice(0, MAX_ROWS).map((r) => {
    const cells = r.cells.slice(0, MAX_COLUMNS).map((c) => c.text);
    const more = t.totalColumns > MAX_COLUMNS ? ' ...' : '';
    return `${r.label.padEnd(7)} ${cells.join('  ')}${more}`;
  });
  if (t.totalRows > MAX_ROWS) rows.push(`... ${t.totalRows - MAX_ROWS} more rows`);
  return rows.join('\n');
}

function shape(s: readonly (number | null)[]): string {
  return `[${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

/**
 * Every line break CommonMark knows (LF, CR, CRLF) and the Unicode line separators, as one space:
 * inside a code span a blank line (`\r\n\r\n`, or `\r \r` after replacing only `\n`) would end the
 * paragraph and let the rest render as Markdown (headings, images, links).
 */
function oneLine(s: string): string {
  return s.replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ');
}

/** Inline code that neither backticks nor line breaks in the text can break out of. */
export function code(s: string): string {
  const flat = oneLine(s);
  const ticks = '`'.repeat(Math.max(1, ...(flat.match(/`+/g) ?? []).map((t) => t.length + 1)));
  return `${ticks} ${flat} ${ticks}`;
}

function block(s: string): string {
  const fence = '`'.repeat(Math.max(3, ...(s.match(/`+/g) ?? []).map((t) => t.length + 1)));
  return `${fence}text\n${s}\n${fence}`;
}

/**
 * Text that renders as itself: line breaks become spaces and every ASCII punctuation character is
 * backslash-escaped (CommonMark allows it for all of them), so quoted user code cannot form
 * emphasis, links, images, HTML, entities, headings, lists or tables, and `:` `.` `@` escaped
 * keep GFM from turning bare URLs (`http://`, `www.`) and e-mail addresses into links.
 */
export function escape(s: string): string {
  return oneLine(s).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}
