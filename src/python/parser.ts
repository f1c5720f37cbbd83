import { Language, Node, Parser, Tree } from 'web-tree-sitter';
import { danglingLineEnds, recover, Unreadable } from './recover';

export type { Node, Tree };

/**
 * Where the two WebAssembly files live: the tree-sitter runtime and the Python grammar shipped by
 * the tree-sitter-python npm package. Paths (Node) or bytes (browser, tests); the caller decides,
 * so this layer does no file-system lookups of its own.
 */
export interface ParserAssets {
  runtimeWasm: string | Uint8Array;
  pythonWasm: string | Uint8Array;
}

let loading: Promise<Language> | undefined;

/** Loads tree-sitter and the Python grammar once per process. */
export function loadPython(assets: ParserAssets): Promise<Language> {
  loading ??= (async () => {
    const { runtimeWasm } = assets;
    await Parser.init(
      typeof runtimeWasm === 'string' ? { locateFile: () => runtimeWasm } : { wasmBinary: runtimeWasm },
    );
    return Language.load(assets.pythonWasm);
  })();
  return loading;
}

export class ParseTimeout extends Error {}

export interface ParseOptions {
  /** Date.now() value after which parsing stops. */
  deadline?: number;
  isCancelled?: () => boolean;
  /** The previous tree, edited with the changes since (tree.edit), for an incremental parse. */
  oldTree?: Tree;
  /** Recover from syntax errors that swallow the code below them (default true; see recover.ts). */
  recover?: boolean;
  /** Offsets where notebook cells start in a joined text: no statement continues across one. */
  cellStarts?: readonly number[];
}

/** Time for syntax-error recovery when the caller gives no deadline. */
const RECOVERY_MS = 1000;

/** What recovery found, per tree returned by parse() (a copy of the tree has none). */
const unreadableByTree = new WeakMap<Tree, Unreadable[]>();

/**
 * Where the analysis of a tree returned by PythonParser.parse could not read the code (syntax
 * errors; empty for a clean file). The tree itself was parsed from a repaired text in which those
 * regions are blank, so `node.text` there is spaces.
 */
export function unreadableIn(tree: Tree): Unreadable[] {
  return unreadableByTree.get(tree) ?? [];
}

/**
 * A Python 3 parser (tree-sitter-python: error-tolerant, so a Python 2 print statement parses,
 * and with recover.ts a half-typed line leaves the rest of the file analysable). Parsing stops when `deadline`
 * (a Date.now() value) passes, or `isCancelled()` says so, and then throws ParseTimeout.
 */
export class PythonParser {
  private readonly parser: Parser;

  constructor(language: Language) {
    this.parser = new Parser();
    this.parser.setLanguage(language);
  }

  static async create(assets: ParserAssets): Promise<PythonParser> {
    return new PythonParser(await loadPython(assets));
  }

  /**
   * Parses `text`. When an incomplete statement swallows the code below it, the statement is
   * blanked and the text re-parsed (incrementally, within the same deadline), so the returned tree
   * covers every intact statement; unreadableIn(tree) says where the code could not be read.
   */
  parse(text: string, opts: ParseOptions = {}): Tree {
    const tree = this.parseOnce(text, opts);
    if (opts.recover === false) return tree;
    if (!tree.rootNode.hasError && (opts.cellStarts?.length ?? 0) < 2 && danglingLineEnds(text).length === 0) return tree;
    // Recovery re-parses a file whose error swallows the rest once per broken statement it finds
    // (one pass costs about a full parse: the code after the error cannot be reused), so it gets
    // at most half the time left before the deadline (1 s without one), leaving the rest to the
    // evaluation; what it does not reach is reported as unreadable.
    const now = Date.now();
    const deadline = now + (opts.deadline === undefined ? RECOVERY_MS : Math.max(0, (opts.deadline - now) / 2));
    const r = recover(tree, text, (t, oldTree) => this.parseOnce(t, { ...opts, deadline, oldTree }), opts.cellStarts);
    unreadableByTree.set(r.tree, r.unreadable);
    return r.tree;
  }

  private parseOnce(text: string, opts: ParseOptions): Tree {
    const { deadline, isCancelled } = opts;
    let stopped = false;
    const progressCallback = (): boolean => {
      stopped = (deadline !== undefined && Date.now() > deadline) || (isCancelled?.() ?? false);
      return stopped;
    };
    const tree = this.parser.parse(text, opts.oldTree ?? null, { progressCallback });
    if (!tree || stopped) {
      this.parser.reset();
      throw new ParseTimeout(stopped ? 'parsing stopped: time budget exceeded or cancelled' : 'the parser returned no tree');
    }
    return tree;
  }
}
