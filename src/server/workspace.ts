import {
  Connection, NotebookCellKind, NotebookDocument, NotebookDocuments, TextDocumentContentChangeEvent, TextDocuments,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextChange } from '../python/incremental';
import { Source } from './analysis';

/** A document the server analyses, resolved: the source its analysis covers, and its own text. */
export interface Located {
  source: Source;
  /** The file, or the notebook cell. */
  doc: TextDocument;
  /** What a diagnostics run and the busy/quarantine protocol identify: the file or the notebook, at a version. */
  target: { uri: string; version: number };
}

/**
 * The open documents: .py files through textDocument/* and notebooks (jupyter-notebook, python
 * cells) through notebookDocument/*. Incremental changes to files are reported to `onEdits` with
 * their offsets in the text they applied to, for incremental re-parsing.
 */
export class Workspace {
  readonly files: TextDocuments<TextDocument>;
  readonly notebooks: NotebookDocuments<TextDocument>;

  constructor(onEdits: (uri: string, version: number, changes: TextChange[] | undefined) => void) {
    this.files = new TextDocuments<TextDocument>({
      create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
      update: (doc, changes, version) => {
        onEdits(doc.uri, version, changesOf(doc, changes, version));
        return doc;
      },
    });
    this.notebooks = new NotebookDocuments<TextDocument>({
      create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
      update: (doc, changes, version) => TextDocument.update(doc, changes, version),
    });
  }

  /**
   * Listens on the connection. `onNotebookChange` hears every notebookDocument/didChange:
   * NotebookDocuments fires no event when cells only move (no cell opened, closed or edited),
   * but a move changes what earlier cells define for later ones.
   */
  listen(connection: Connection, onNotebookChange: (uri: string) => void): void {
    this.files.listen(connection);
    const sync = connection.notebooks.synchronization;
    const wrapped = {
      notebooks: {
        synchronization: {
          onDidOpenNotebookDocument: sync.onDidOpenNotebookDocument.bind(sync),
          onDidSaveNotebookDocument: sync.onDidSaveNotebookDocument.bind(sync),
          onDidCloseNotebookDocument: sync.onDidCloseNotebookDocument.bind(sync),
          onDidChangeNotebookDocument: (h: Parameters<typeof sync.onDidChangeNotebookDocument>[0]) =>
            sync.onDidChangeNotebookDocument(async (params) => {
              await h(params);
              onNotebookChange(params.notebookDocument.uri);
            }),
        },
      },
    };
    this.notebooks.listen(wrapped as unknown as Connection);
  }

  /** A .py file, or a python code cell of an open notebook. */
  locate(uri: string): Located | undefined {
    const file = this.files.get(uri);
    if (file) return file.languageId === 'python' ? { source: { kind: 'file', doc: file }, doc: file, target: { uri, version: file.version } } : undefined;
    const nb = this.notebooks.findNotebookDocumentForCell(uri);
    if (!nb) return undefined;
    const cell = this.notebooks.cellTextDocuments.get(uri);
    if (!cell || cell.languageId !== 'python') return undefined;
    return { source: this.notebookSource(nb), doc: cell, target: { uri: nb.uri, version: nb.version } };
  }

  notebookSource(nb: NotebookDocument): Extract<Source, { kind: 'notebook' }> {
    const cells: TextDocument[] = [];
    for (const c of nb.cells) {
      if (c.kind !== NotebookCellKind.Code) continue;
      const d = this.notebooks.getCellTextDocument(c);
      if (d && d.languageId === 'python') cells.push(d);
    }
    return { kind: 'notebook', uri: nb.uri, cells };
  }

  /** The current version of a file or notebook (undefined once it is closed). */
  versionOf(uri: string): number | undefined {
    return this.files.get(uri)?.version ?? this.notebooks.getNotebookDocument(uri)?.version;
  }

  /** Cell text document by uri (for positions in notebook cells). */
  cell(uri: string): TextDocument | undefined {
    return this.notebooks.cellTextDocuments.get(uri);
  }

  get openCount(): number {
    return this.files.all().length + this.notebooks.cellTextDocuments.all().length;
  }
}

/**
 * Applies `changes` to `doc` (in place; TextDocument.update is sequential, each change relative
 * to the text after the previous one) and returns them as offset edits, or undefined when one of
 * them replaces the whole text.
 */
function changesOf(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextChange[] | undefined {
  const out: TextChange[] = [];
  let incremental = true;
  for (const c of changes) {
    if ('range' in c && c.range) {
      const offset = doc.offsetAt(c.range.start);
      const end = doc.offsetAt(c.range.end);
      out.push({ offset, length: end - offset, text: c.text, start: doc.positionAt(offset), end: doc.positionAt(end) });
    } else incremental = false;
    TextDocument.update(doc, [c], version);
  }
  return incremental ? out : undefined;
}
