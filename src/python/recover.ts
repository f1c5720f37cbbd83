import type { Node, Tree } from 'web-tree-sitter';
import { guessBrokenStatements } from './broken_lines';
import { LineIndex } from './lines';

/**
 * Syntax-error recovery: tree-sitter's ERROR node for an incomplete line (`x = [1, 2`,
 * `def f(x, y`, `if x`) often swallows every statement below it. Recovery finds the broken
 * statement, replaces its characters by spaces in a copy of the text (newlines, `\r` and the
 * length stay, so every offset, line and column of the rest is unchanged and rules, fixes and
 * hovers need no translation), re-parses incrementally and repeats until no error swallows more
 * than its own line. The analysis then runs on the repaired text, and `Unreadable` regions say
 * where it could not read the code.
 */
export interface Unreadable {
  /** UTF-16 offsets of the unread code in the original text. */
  start: number;
  end: number;
  /** What is wrong there, in Python's words where a cheap scan can tell ("'[' was never closed"). */
  reason: string;
}

/** Most re-parses one recovery makes (each blanks at least one broken line per error). */
export const MAX_RECOVERY_PASSES = 48;

/** Nodes whose children are statements or clauses: an error directly inside one is its own statement. */
const CONTAINERS = new Set([
  'module', 'block', 'ERROR', 'function_definition', 'class_definition', 'decorated_definition', 'if_statement',
  'elif_clause', 'else_clause', 'for_statement', 'while_statement', 'with_statement', 'try_statement',
  'except_clause', 'except_group_clause', 'finally_clause', 'match_statement', 'case_clause',
]);

export interface RecoveryResult {
  tree: Tree;
  /** The repaired text the tree was parsed from (same length and line structure as the original). */
  text: string;
  unreadable: Unreadable[];
}

/**
 * Re-parses `tree` (parsed from `text`) with broken statements blanked until no error swallows
 * the code below it, or MAX_RECOVERY_PASSES / the parse deadline is reached (`reparse` throws
 * then, and the best tree so far is kept). Takes ownership of `tree` (it is deleted if replaced).
 * `cellStarts` (notebooks) are offsets where a new cell begins: a statement never continues
 * across one.
 */
export function recover(
  tree: Tree,
  text: string,
  reparse: (text: string, oldTree: Tree) => Tree,
  cellStarts: readonly number[] = [],
): RecoveryResult {
  const blanked: { start: number; end: number }[] = [];
  const lines = new LineIndex(text); // blanking keeps every line break, so this stays valid
  let current = text;
  for (let pass = 0; pass < MAX_RECOVERY_PASSES; pass++) {
    const glued = pass === 0 ? gluedLines(tree.rootNode, text) : [];
    const regions = mergeRegions([...glued, ...(tree.rootNode.hasError || cellStarts.length > 1 ? brokenStatements(tree.rootNode, current, cellStarts) : [])]);
    if (regions.length === 0) break;
    const next = blank(current, regions);
    for (const r of regions) tree.edit(sameLengthEdit(current, lines, r.start, r.end));
    let fresh: Tree;
    try {
      fresh = reparse(next, tree);
    } catch {
      break; // out of time: keep the last complete tree
    }
    tree.delete();
    tree = fresh;
    current = next;
    blanked.push(...regions);
  }
  // Mark the blanked regions as changed, so that a later incremental parse (the editor copies
  // this tree, applies the user's edit and re-parses) reads the real text there again.
  for (const r of mergeRegions(blanked)) tree.edit(sameLengthEdit(current, lines, r.start, r.end));
  return { tree, text: current, unreadable: describe(tree.rootNode, text, current, blanked) };
}

/**
 * Regions to blank in this pass: for each outermost ERROR whose statement runs past the end of
 * its logical line (an unclosed bracket or string, a dangling operator, or the end of a notebook
 * cell), the broken statement up to the end of the error's first line. Errors inside a
 * statement that Python would end where the tree does (a NumPy printed array pasted into a list,
 * `z = 1)`) are left to tree-sitter's own local recovery.
 */
function brokenStatements(root: Node, text: string, cellStarts: readonly number[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let guesses: { start: number; end: number }[] | undefined;
  for (const e of outermostErrors(root)) {
    const stmt = statementOf(e);
    const start = stmt.startIndex;
    const end = Math.max(e.endIndex, stmt.endIndex);
    const cellEnd = cellStarts.find((c) => c > start);
    const limit = cellEnd === undefined || cellEnd - 1 >= end ? end : cellEnd - 1;
    const scan = scanTokens(text, start, limit, true);
    const swallows = scan.stop < limit || limit < end || scan.open.length > 0 || scan.inString;
    if (!swallows) continue;
    // The statements this ERROR swallowed may hold more broken ones (each would otherwise cost a
    // re-parse), and tree-sitter sometimes starts the ERROR at the intact line above the broken
    // one: statements the text scan finds broken inside the node come first.
    guesses ??= guessBrokenStatements(text);
    const inside = guesses.filter((g) => g.start >= start && g.start < end);
    if (inside.length > 0) {
      out.push(...inside);
      continue;
    }
    const stop = Math.min(scan.stop, lineEnd(text, e.startIndex));
    if (stop > start && /\S/.test(text.slice(start, stop))) out.push({ start, end: stop });
  }
  for (const c of cellStarts) {
    // A statement the tree continues from one cell into the next (`y = foo(1,` then a cell `2)`).
    const leaf = c > 0 && c < text.length ? root.descendantForIndex(c, c) : null;
    if (!leaf) continue;
    const stmt = statementOf(leaf);
    if (stmt.startIndex < c && stmt.endIndex > c && !CONTAINERS.has(stmt.type)) out.push({ start: stmt.startIndex, end: Math.min(lineEnd(text, stmt.startIndex), c - 1) });
  }
  return mergeRegions(out);
}

/**
 * Lines that end in a dangling `.` or `=` (`z = tf.` while typing for completion): Python ends
 * the statement there, but tree-sitter reads on and may glue the next line to it without any
 * error (`z = tf.logits = tf.constant(...)`). Such a line is blanked when its statement in the
 * tree does reach into the next line.
 */
export function danglingLineEnds(text: string): number[] {
  if (!DANGLING_HINT.test(text)) return [];
  const out: number[] = [];
  const open: string[] = [];
  let last = -1; // offset of the last significant character of the current logical line
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (c === '\n' && open.length === 0) {
      if (last >= 0 && isDangling(text, last)) out.push(last + 1);
      last = -1;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let j = i + q.length;
      while (j < text.length && !text.startsWith(q, j) && (triple || text[j] !== '\n')) j += text[j] === '\\' ? 2 : 1;
      i = Math.min(j + q.length, text.length);
      last = i - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if ((c === ')' || c === ']' || c === '}') && open.length > 0) open.pop();
    if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\f') last = i;
    i++;
  }
  return out;
}

const DANGLING_HINT = /[\w)\]}][ \t]*[.=][ \t]*(?:#.*)?\r?$/m;

function isDangling(text: string, at: number): boolean {
  const c = text[at];
  if (c === '=') return true;
  if (c !== '.') return false;
  const before = text[at - 1] ?? '';
  if (before === '.') return false; // Ellipsis
  if (/[0-9]/.test(before)) return /[A-Za-z_]/.test(text.slice(lineStart(text, at), at).match(/[\w.]*$/)?.[0][0] ?? ''); // 1. is a float, x1. is not
  return /[\w)\]}]/.test(before);
}

/** Regions for dangling lines whose statement the tree continued onto the next line. */
function gluedLines(root: Node, text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const end of danglingLineEnds(text)) {
    const leaf = root.descendantForIndex(end - 1, end);
    if (!leaf) continue;
    const n = statementOf(leaf);
    if (n.endIndex > lineEnd(text, end) && n.startIndex < end) out.push({ start: n.startIndex, end });
  }
  return out;
}

/** ERROR nodes not inside another ERROR, found by descending only into subtrees that contain errors. */
function outermostErrors(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.isError) {
      out.push(n);
      continue;
    }
    if (!n.hasError) continue;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

/** The statement holding `n`: `n` itself when it sits directly in a block, else its enclosing simple statement (or clause header part). */
function statementOf(n: Node): Node {
  for (let p = n.parent; p && !CONTAINERS.has(p.type); p = p.parent) n = p;
  return n;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  return end > offset && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

interface Scan {
  /** Offset where scanning stopped (a depth-0 newline when asked to stop there, else `limit`). */
  stop: number;
  open: string[];
  unmatched: string | null;
  inString: boolean;
}

const CLOSER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** A small Python tokenizer for brackets, strings and comments (enough to find logical lines and name a reason). */
function scanTokens(text: string, start: number, limit: number, stopAtNewline: boolean): Scan {
  const open: string[] = [];
  let unmatched: string | null = null;
  let i = start;
  while (i < limit) {
    const c = text[i];
    if (c === '#') {
      while (i < limit && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (c === '\n' && open.length === 0 && stopAtNewline) return { stop: i > start && text[i - 1] === '\r' ? i - 1 : i, open, unmatched, inString: false };
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (c === ')' || c === ']' || c === '}') {
      if (open[open.length - 1] === CLOSER[c]) open.pop();
      else unmatched ??= c;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let j = i + q.length;
      let closed = false;
      while (j < limit) {
        if (text[j] === '\\') j += 2;
        else if (text.startsWith(q, j)) {
          closed = true;
          break;
        } else if (!triple && text[j] === '\n') break;
        else j++;
      }
      if (!closed) return { stop: stopAtNewline ? Math.min(lineEnd(text, i), limit) : limit, open, unmatched, inString: true };
      i = j + q.length;
      continue;
    }
    i++;
  }
  return { stop: limit, open, unmatched, inString: false };
}

const COMPOUND_HEADER = /^\s*(?:async\s+)?(?:if|elif|else|for|while|with|def|class|try|except|finally|match|case)\b/;

/** Python's wording for what is wrong with the code in [start, end). */
export function reasonFor(text: string, start: number, end: number): string {
  const s = scanTokens(text, start, end, false);
  if (s.inString) return 'unterminated string literal';
  if (s.unmatched) return `unmatched '${s.unmatched}'`;
  if (s.open.length > 0) return `'${s.open[s.open.length - 1]}' was never closed`;
  const code = text.slice(start, end).replace(/#.*$/gm, '').trimEnd();
  if (COMPOUND_HEADER.test(code) && !code.endsWith(':')) return "expected ':'";
  return 'invalid syntax';
}

/** `text` with [start, end) of each region replaced by spaces (line breaks kept). */
export function blank(text: string, regions: readonly { start: number; end: number }[]): string {
  let out = '';
  let at = 0;
  for (const r of regions) {
    out += text.slice(at, r.start) + text.slice(r.start, r.end).replace(/[^\r\n]/g, ' ');
    at = r.end;
  }
  return out + text.slice(at);
}

function mergeRegions<T extends { start: number; end: number }>(rs: readonly T[]): { start: number; end: number }[] {
  const sorted = [...rs].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** A tree edit that replaces [start, end) by text of the same length and line structure. */
function sameLengthEdit(text: string, lines: LineIndex, start: number, end: number) {
  const pos = (o: number) => ({ row: lines.line(o), column: o - lineStart(text, o) });
  const a = pos(start);
  const b = pos(end);
  return { startIndex: start, oldEndIndex: end, newEndIndex: end, startPosition: a, oldEndPosition: b, newEndPosition: b };
}

/**
 * The regions the analysis could not read: every blanked region (reason from the original
 * text), and every error tree-sitter left in the repaired tree (errors it recovered from locally).
 */
function describe(root: Node, original: string, repaired: string, blanked: readonly { start: number; end: number }[]): Unreadable[] {
  const regions: Unreadable[] = mergeRegions(blanked).map((r) => ({ ...r, reason: reasonFor(original, r.start, r.end) }));
  for (const e of outermostErrors(root)) {
    const start = e.startIndex;
    const end = Math.max(e.endIndex, start);
    if (!/\S/.test(repaired.slice(start, end))) continue;
    regions.push({ start, end, reason: reasonFor(original, lineStart(original, start), lineEnd(original, start)) });
  }
  return regions.sort((a, b) => a.start - b.start);
}
