/**
 * Jupyter notebooks as one Python text: code cells joined in order, so names defined in earlier
 * cells resolve in later ones. IPython line magics and shell escapes (`%matplotlib inline`,
 * `!pip install`) become comments of the same length, so offsets stay valid.
 */
export interface JoinedCells {
  text: string;
  /** Offset in `text` where each cell starts (cells in input order). */
  starts: number[];
  lengths: number[];
}

export function neutralizeMagics(source: string): string {
  return source.replace(/^([ \t]*)[%!]/gm, '$1#');
}

export function joinCells(cells: string[]): JoinedCells {
  const starts: number[] = [];
  const lengths: number[] = [];
  let text = '';
  for (const c of cells) {
    starts.push(text.length);
    const body = neutralizeMagics(c);
    lengths.push(body.length);
    text += `${body}\n`;
  }
  return { text, starts, lengths };
}

/** Which cell an offset of the joined text falls in, and the offset inside that cell (-1 if none). */
export function locate(j: JoinedCells, offset: number): { cell: number; offset: number } {
  let lo = 0;
  let hi = j.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (j.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  if (j.starts.length === 0 || offset < j.starts[lo] || offset > j.starts[lo] + j.lengths[lo]) return { cell: -1, offset: -1 };
  return { cell: lo, offset: offset - j.starts[lo] };
}

/** The code cells of an .ipynb file's JSON (nbformat 4), or an error message. */
export function ipynbCodeCells(json: string): { cells: string[] } | { error: string } {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    return { error: `not valid notebook JSON (${(e as Error).message})` };
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) return { error: 'not an nbformat 4 notebook (no "cells" list)' };
  const lang = ((nb as { metadata?: { kernelspec?: { language?: string }; language_info?: { name?: string } } }).metadata);
  const language = lang?.language_info?.name ?? lang?.kernelspec?.language ?? 'python';
  if (language !== 'python') return { cells: [] };
  return {
    cells: cells
      .filter((c: { cell_type?: string }) => c?.cell_type === 'code')
      .map((c: { source?: string | string[] }) => (Array.isArray(c.source) ? c.source.join('') : c.source ?? '')),
  };
}
