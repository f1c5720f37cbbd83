import { applyEdits as applyJsonEdits, modify } from 'jsonc-parser';

/**
 * An .ipynb file read for `losslens check`: its code cells (the text the rules see) and where
 * each sits in the JSON, so fixes can be written back into their cells. Anything that is not a
 * well-formed nbformat 4 notebook is an `error` (one line), never an exception: a `null`
 * document, cells that are not a list, a cell whose source is a number.
 */
export interface NotebookFile {
  /** Source text of each code cell, in order. */
  cells: string[];
  /** Index in the JSON `cells` array of each code cell. */
  jsonIndex: number[];
  /** Whether each code cell's source is stored as a list of lines (nbformat's usual form) or one string. */
  asList: boolean[];
}

export function readNotebook(json: string): NotebookFile | { error: string } {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    return { error: `not valid notebook JSON (${(e as Error).message})` };
  }
  if (typeof nb !== 'object' || nb === null || Array.isArray(nb)) return { error: `not a notebook (the JSON document is ${nb === null ? 'null' : Array.isArray(nb) ? 'a list' : `a ${typeof nb}`}, not an object)` };
  const doc = nb as { cells?: unknown; metadata?: unknown };
  if (!Array.isArray(doc.cells)) return { error: 'not an nbformat 4 notebook ("cells" is not a list)' };
  const meta = (typeof doc.metadata === 'object' && doc.metadata !== null ? doc.metadata : {}) as { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } };
  const language = meta.language_info?.name ?? meta.kernelspec?.language ?? 'python';
  const out: NotebookFile = { cells: [], jsonIndex: [], asList: [] };
  if (language !== 'python') return out;
  for (let i = 0; i < doc.cells.length; i++) {
    const c = doc.cells[i] as { cell_type?: unknown; source?: unknown } | null;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return { error: `cell ${i + 1} is not an object` };
    if (c.cell_type !== 'code') continue;
    const src = c.source ?? '';
    if (typeof src === 'string') {
      out.cells.push(src);
      out.asList.push(false);
    } else if (Array.isArray(src) && src.every((l) => typeof l === 'string')) {
      out.cells.push(src.join(''));
      out.asList.push(true);
    } else {
      return { error: `cell ${i + 1}: "source" is ${Array.isArray(src) ? 'a list with non-string items' : `a ${typeof src}`}, not a string or a list of strings` };
    }
    out.jsonIndex.push(i);
  }
  return out;
}

/** A cell's source the way nbformat stores it: lines that keep their '\n' (the last one without). */
function toLines(source: string): string[] {
  return source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * The notebook JSON with the code cells' sources replaced by `cells` (same order as
 * `nb.cells`); only changed cells are rewritten, in place, with the file's own indentation,
 * so everything else in the file stays byte for byte.
 */
export function writeNotebookCells(json: string, nb: NotebookFile, cells: string[]): string {
  const indent = /^\{\r?\n([ \t]+)"/.exec(json)?.[1] ?? ' ';
  const eol = json.includes('\r\n') ? '\r\n' : '\n';
  let text = json;
  for (let k = 0; k < cells.length; k++) {
    if (cells[k] === nb.cells[k]) continue;
    const value = nb.asList[k] ? toLines(cells[k]) : cells[k];
    const edits = modify(text, ['cells', nb.jsonIndex[k], 'source'], value, {
      formattingOptions: { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol },
    });
    text = applyJsonEdits(text, edits);
  }
  return text;
}
