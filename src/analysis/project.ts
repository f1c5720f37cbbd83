import { FileAnalysis } from '../python/analyze';
import { checkSource } from '../python/budget';
import { ipynbCodeCells, joinCells } from '../python/notebook';
import { ParseTimeout, PythonParser } from '../python/parser';
import { Engine } from './engine';

/** Reads a project file: its text, or undefined when there is none (missing, unreadable, binary). */
export type FileReader = (path: string) => string | undefined;

export interface ProjectOptions {
  parser?: PythonParser;
  read: FileReader;
  /** Folders an absolute import may resolve under (besides the importing file's own folder and its parents). */
  roots?: string[];
  /** Parse time budget per file, ms. */
  parseBudgetMs?: number;
  /** Every file of the project (when known, as `losslens check` knows them): callers of a function are then also looked for in other files. */
  files?: string[];
}

/** One analysed file of the project. Notebooks are analysed as their code cells joined. */
export interface ProjectFile {
  path: string;
  text: string;
  analysis: FileAnalysis;
  /** False for a FileAnalysis handed in by the caller (its tree is the caller's to delete). */
  owned: boolean;
}

/** Top-level modules of the libraries Loss Lens knows: never looked up as project files. */
const LIBRARIES = new Set(['torch', 'tensorflow', 'keras', 'numpy', 'jax', 'optax', 'scipy', 'sklearn', 'tflearn', 'flax', 'math', 'os', 'sys', 'typing', 'collections', 'functools', 'pandas', 'matplotlib', 'torchvision']);

/**
 * The files of a project as one analysis: each file parsed once (lazily, when a rule or an import
 * needs it), imports between them resolved (`from model import Net`, `from .nets import build`,
 * packages with __init__ re-exports), and one Engine that knows what every tensor is across them.
 * The CLI, the language server and tests give it a reader (path -> text); paths use '/'.
 */
export class Project {
  readonly engine: Engine;
  private readonly files = new Map<string, ProjectFile | null>();
  private readonly resolved = new Map<string, { path: string; rest: string[] } | null>();
  /** path -> files whose imports resolved to it (for invalidation). */
  private readonly importedBy = new Map<string, Set<string>>();
  /** Texts given by update() (an editor's unsaved buffer), read instead of the reader's. */
  private readonly overrides = new Map<string, string>();

  constructor(private readonly opts: ProjectOptions) {
    this.engine = new Engine(this);
  }

  /** A project of one file whose analysis the caller already has (imports of other files stay unresolved). */
  static single(path: string, analysis: FileAnalysis): Project {
    const p = new Project({ read: () => undefined });
    p.files.set(path, { path, text: analysis.text, analysis, owned: false });
    return p;
  }

  /** Adds a file whose analysis the caller already has (its tree stays the caller's). */
  adopt(path: string, analysis: FileAnalysis): void {
    this.files.set(path, { path, text: analysis.text, analysis, owned: false });
  }

  /** The analysed file, parsing it on first use; undefined when it cannot be read or analysed. */
  file(path: string): ProjectFile | undefined {
    const have = this.files.get(path);
    if (have !== undefined) return have ?? undefined;
    const f = this.load(path);
    this.files.set(path, f ?? null);
    return f;
  }

  private load(path: string): ProjectFile | undefined {
    const parser = this.opts.parser;
    if (!parser) return undefined;
    let text = this.overrides.get(path) ?? this.opts.read(path);
    if (text === undefined) return undefined;
    if (path.endsWith('.ipynb')) {
      const nb = ipynbCodeCells(text);
      if ('error' in nb) return undefined;
      text = joinCells(nb.cells).text;
    }
    if (checkSource(text)) return undefined;
    const deadline = Date.now() + (this.opts.parseBudgetMs ?? 2000);
    try {
      const tree = parser.parse(text, { deadline });
      return { path, text, analysis: new FileAnalysis(tree, text, { deadline }), owned: true };
    } catch (e) {
      if (e instanceof ParseTimeout) return undefined;
      throw e;
    }
  }

  private callIndex?: Map<string, string[]>;
  private readonly mentionsLoss = new Map<string, boolean>();

  /** Whether a file's text mentions a loss at all (a cheap test before following calls into it). */
  mayContainLoss(path: string): boolean {
    let m = this.mentionsLoss.get(path);
    if (m === undefined) {
      const text = this.files.get(path)?.text ?? this.overrides.get(path) ?? this.opts.read(path) ?? '';
      m = /[Ll]oss|criterion|[Ee]ntropy/.test(text);
      this.mentionsLoss.set(path, m);
    }
    return m;
  }

  /**
   * The project files whose text calls `name` (`name(` or `.name(`), from one regular-expression
   * pass over every file's text on first use. Empty when the project's files are not known.
   */
  filesCalling(name: string): string[] {
    if (!this.callIndex) {
      this.callIndex = new Map();
      for (const p of this.opts.files ?? []) {
        const text = this.overrides.get(p) ?? this.opts.read(p);
        if (text === undefined) continue;
        const seen = new Set<string>();
        for (const m of text.matchAll(/([A-Za-z_]\w*)\s*\(/g)) seen.add(m[1]);
        for (const n of seen) {
          const list = this.callIndex.get(n);
          if (list) list.push(p);
          else this.callIndex.set(n, [p]);
        }
      }
    }
    return this.callIndex.get(name) ?? [];
  }

  /** Whether a file exists for the reader (without parsing it). */
  private exists(path: string): boolean {
    const have = this.files.get(path);
    if (have) return true;
    if (have === null) return false;
    return this.overrides.has(path) || this.opts.read(path) !== undefined;
  }

  /**
   * The project module an import names, seen from `from`: `model.Net` -> {path: .../model.py,
   * rest: ['Net']}; `.nets.build` relative to the importing file's package. Undefined for
   * libraries and for modules not in the project.
   */
  resolveImport(from: string, qualname: string): { path: string; rest: string[] } | undefined {
    const key = `${dirname(from)}\0${qualname}`;
    let r = this.resolved.get(key);
    if (r === undefined) {
      r = this.resolveUncached(from, qualname) ?? null;
      this.resolved.set(key, r);
    }
    if (r) {
      let s = this.importedBy.get(r.path);
      if (!s) this.importedBy.set(r.path, (s = new Set()));
      s.add(from);
    }
    return r ?? undefined;
  }

  private resolveUncached(from: string, qualname: string): { path: string; rest: string[] } | undefined {
    const dots = /^\.*/.exec(qualname)![0].length;
    const parts = qualname.slice(dots).split('.').filter(Boolean);
    let bases: string[];
    if (dots > 0) {
      let dir = dirname(from);
      for (let i = 1; i < dots; i++) dir = dirname(dir);
      bases = [dir];
    } else {
      if (parts.length === 0 || LIBRARIES.has(parts[0])) return undefined;
      bases = [];
      // The importing file's folder and up to four parents (scripts run from the repository root), then the roots.
      let dir = dirname(from);
      for (let i = 0; i < 5 && dir; i++) {
        bases.push(dir);
        const up = dirname(dir);
        if (up === dir) break;
        dir = up;
      }
      for (const r of this.opts.roots ?? []) if (!bases.includes(r)) bases.push(r);
    }
    for (const base of bases) {
      for (let i = parts.length; i >= (dots > 0 ? 0 : 1); i--) {
        const mod = [base, ...parts.slice(0, i)].filter(Boolean).join('/');
        for (const cand of i === 0 ? [`${mod}/__init__.py`] : [`${mod}.py`, `${mod}/__init__.py`]) {
          if (cand !== from && this.exists(cand)) return { path: cand, rest: parts.slice(i) };
        }
      }
    }
    return undefined;
  }

  /**
   * A file changed: its analysis is dropped, and so is every derived value (correct and coarse,
   * as Pyright does). Returns the files to re-check: the file and everything that imports it,
   * transitively.
   */
  update(path: string, text?: string): string[] {
    const old = this.files.get(path);
    if (old?.owned) old.analysis.tree.delete();
    this.files.delete(path);
    if (text !== undefined) this.overrides.set(path, text);
    else this.overrides.delete(path);
    this.resolved.clear();
    this.callIndex = undefined;
    this.mentionsLoss.delete(path);
    this.engine.clear();
    return this.importersOf(path);
  }

  /** A file was deleted (it stays absent until update() brings it back). Returns the files that imported it (to re-check). */
  remove(path: string): string[] {
    const old = this.files.get(path);
    if (old?.owned) old.analysis.tree.delete();
    this.overrides.delete(path);
    this.files.set(path, null);
    const affected = this.importersOf(path);
    this.callIndex = undefined;
    this.resolved.clear();
    this.engine.clear();
    return affected;
  }

  private importersOf(path: string): string[] {
    const out = new Set<string>([path]);
    const queue = [path];
    while (queue.length) {
      for (const imp of this.importedBy.get(queue.pop()!) ?? []) {
        if (!out.has(imp)) {
          out.add(imp);
          queue.push(imp);
        }
      }
    }
    return [...out];
  }

  /**
   * Frees a file's tree after its check when no other file imports it (it is parsed again if a
   * later file does). Returns whether it was freed. Call it only between queries.
   */
  release(path: string): boolean {
    const f = this.files.get(path);
    if (!f?.owned || this.importedBy.get(path)?.size) return false;
    f.analysis.tree.delete();
    this.files.delete(path);
    this.engine.clearFile(path);
    return true;
  }

  /**
   * Keeps memory bounded between two files of a long check: when more than `maxFiles` parsed
   * files are held, every tree the project made is freed and every derived value dropped (files
   * are parsed again on demand). Call it only between queries, never during one.
   */
  trim(maxFiles: number): void {
    let owned = 0;
    for (const f of this.files.values()) if (f?.owned) owned++;
    if (owned <= maxFiles) return;
    for (const [p, f] of this.files) {
      if (f?.owned) {
        f.analysis.tree.delete();
        this.files.delete(p);
      }
    }
    this.engine.clear();
  }

  /** Frees the parse trees the project made. */
  dispose(): void {
    for (const f of this.files.values()) if (f?.owned) f.analysis.tree.delete();
    this.files.clear();
    this.engine.clear();
  }
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : i === 0 ? '/' : p.slice(0, i);
}
