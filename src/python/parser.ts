import { Language, Node, Parser, Tree } from 'web-tree-sitter';

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

/**
 * A Python 3 parser (tree-sitter-python: error-tolerant, so a Python 2 print statement or a
 * half-typed line leaves the rest of the file analysable). Parsing stops when `deadline`
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

  parse(text: string, opts: { deadline?: number; isCancelled?: () => boolean; oldTree?: Tree } = {}): Tree {
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
