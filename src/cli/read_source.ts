import * as fs from 'fs';

/**
 * Reads a source file for analysis, or says in one line why it cannot be read. Files over
 * `maxBytes` are refused unread; `analysedBytes` is the analysis limit quoted in the message.
 */
export function readSource(file: string, maxBytes: number, analysedBytes = maxBytes): { text: string } | { error: string } {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? 'error'})` };
  }
  if (st.isDirectory()) return { error: `${file}: is a directory (give a Python file)` };
  if (!st.isFile()) return { error: `${file}: not a regular file` };
  if (st.size > maxBytes) {
    return { error: `${file}: the file is ${(st.size / 1e6).toFixed(1)} MB; Loss Lens analyses files up to ${(analysedBytes / 1e6).toFixed(1)} MB` };
  }
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    return { error: `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (buf.subarray(0, 8192).includes(0)) return { error: `${file}: looks binary (contains NUL bytes); Loss Lens analyses Python source` };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}
