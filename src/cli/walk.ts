import * as fs from 'fs';
import * as path from 'path';

/** Folders never descended into: VCS data, caches, virtual environments, dependencies. */
const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'env']);

/**
 * The .py and .ipynb files under the given paths (files given explicitly are kept whatever
 * their extension), in a stable order. Unreadable folders are reported through `onError`.
 */
export function collectFiles(paths: string[], onError: (msg: string) => void): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      onError(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : `cannot read (${(e as NodeJS.ErrnoException).code})`}`);
      return;
    }
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (!explicit && (SKIP_DIRS.has(base) || (base.startsWith('.') && base !== '.'))) return;
      let entries: string[];
      try {
        entries = fs.readdirSync(p).sort();
      } catch (e) {
        onError(`${p}: cannot list (${(e as NodeJS.ErrnoException).code})`);
        return;
      }
      for (const e of entries) visit(path.join(p, e), false);
    } else if (st.isFile() && (explicit || /\.(py|ipynb)$/.test(p))) {
      out.push(p);
    }
  };
  for (const p of paths) visit(p, true);
  return out;
}
