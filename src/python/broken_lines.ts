/**
 * A line scanner that guesses, in one linear pass over the text, every statement Python would
 * reject for an unclosed bracket or a compound header without its colon. Recovery uses the
 * guesses only inside ERROR nodes the parser produced (so a wrong guess cannot remove intact
 * code): when one error swallows the rest of a file, the errors below it sit inside the same
 * ERROR node and would otherwise cost one full re-parse each.
 */

/** A line that starts a statement and so cannot continue a bracketed expression of a less indented line. */
const STATEMENT_START =
  /^(?:(?:def|class|if|elif|while|for|with|try|except|finally|return|import|from|raise|assert|del|pass|break|continue|global|nonlocal|async|yield)\b|else\s*:|[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*(?:[-+*/%@&|^]|\/\/|\*\*|>>|<<)?=(?!=))/;

const HEADER = /^(?:async\s+)?(?:def|class|if|elif|else|while|for|with|try|except|finally)\b/;

interface Open {
  /** Offset where the statement holding the bracket starts. */
  stmtStart: number;
  /** End of the physical line the bracket opened on. */
  lineEnd: number;
  indent: number;
}

export function guessBrokenStatements(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let open: Open[] = [];
  let triple: string | null = null;
  let stmtStart = -1;
  let stmtIndent = 0;
  let continued = false;
  for (let ls = 0; ls < text.length; ) {
    const nl = text.indexOf('\n', ls);
    const le = nl < 0 ? text.length : nl;
    const end = le > ls && text.charCodeAt(le - 1) === 13 ? le - 1 : le;
    let i = ls;
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    const indent = i - ls;
    if (triple === null && i < end && text[i] !== '#') {
      if (open.length > 0 && indent <= open[0].indent && STATEMENT_START.test(text.slice(i, Math.min(end, i + 80)))) {
        out.push({ start: open[0].stmtStart, end: open[0].lineEnd });
        open = [];
        continued = false;
      }
      if (open.length === 0 && !continued) {
        stmtStart = i;
        stmtIndent = indent;
      }
    }
    // Scan the line's tokens.
    let lastCode = -1;
    while (i < end) {
      const c = text[i];
      if (triple !== null) {
        const close = text.indexOf(triple, i);
        if (close < 0 || close >= end) {
          i = end;
          break;
        }
        i = close + 3;
        triple = null;
        lastCode = i - 1;
        continue;
      }
      if (c === '#') break;
      if (c === '"' || c === "'") {
        if (text.startsWith(c.repeat(3), i)) {
          triple = c.repeat(3);
          i += 3;
          continue;
        }
        let j = i + 1;
        while (j < end && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
        i = j + 1;
        lastCode = Math.min(j, end - 1);
        continue;
      }
      if (c === '(' || c === '[' || c === '{') open.push({ stmtStart, lineEnd: end, indent: stmtIndent });
      else if ((c === ')' || c === ']' || c === '}') && open.length > 0) open.pop();
      if (c !== ' ' && c !== '\t') lastCode = i;
      i++;
    }
    continued = triple === null && lastCode >= 0 && text[lastCode] === '\\' && lastCode === end - 1;
    if (triple === null && open.length === 0 && !continued && stmtStart >= 0 && stmtStart < end && lastCode >= 0) {
      // The logical line ends here: a compound header must end with ':'.
      const head = text.slice(stmtStart, Math.min(end, stmtStart + 12));
      if (HEADER.test(head) && text[lastCode] !== ':' && !/:\s*\S/.test(text.slice(stmtStart, end))) out.push({ start: stmtStart, end });
      stmtStart = -1;
    }
    ls = le + 1;
  }
  if (open.length > 0) out.push({ start: open[0].stmtStart, end: open[0].lineEnd }); // never closed before the end
  return out;
}
