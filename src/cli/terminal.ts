/**
 * Text for a terminal or a log: code-derived text (messages quoting source, file names) must not
 * carry control characters (escape sequences that recolour, move the cursor or retitle the
 * terminal; CR/LF that start a forged line) or bidirectional overrides (Trojan Source).
 */

/** C0/C1 controls, DEL, and the bidi embedding/override/isolate characters. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default: {
      const n = c.charCodeAt(0);
      return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
    }
  }
}

/** `s` with every control or bidi character written as a visible escape (`\x1b`, `\n`, `\u202e`). */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/**
 * A file path as printed in `file:line:col` lines: unchanged when it is plain; otherwise in double
 * quotes with escapes (like a JSON string), so a name holding a newline, an escape sequence, a
 * quote or a `:` (outside a Windows drive letter) cannot pass for another finding.
 */
export function quotePath(p: string): string {
  const body = p.replace(/^[A-Za-z]:[\\/]/, '');
  const special = process.platform === 'win32' ? /[":]/ : /["\\:]/;
  const needs = new RegExp(UNSAFE.source).test(p) || special.test(body) || /^\s|\s$/.test(p);
  if (!needs) return p;
  return `"${p.replace(/["\\]/g, (c) => `\\${c}`).replace(UNSAFE, escapeChar)}"`;
}
