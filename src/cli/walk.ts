import * as fs from 'fs';
import * as path from 'path';

export interface WalkOptions {
  /** Follow symbolic links that lead outside the given roots (default: such links are skipped). */
  followLinks?: boolean;
  /**
   * True for a path (as walked) that configuration excludes (config/resolve.ts: DEFAULT_EXCLUDE
   * when there is none); explicit paths are asked too. Hidden folders are always skipped.
   */
  excluded?: (p: string, isDir: boolean) => boolean;
}

/**
 * The .py and .ipynb files under the given paths (files given explicitly are kept whatever
 * their extension), in a stable order. Every file and folder is visited once by its real path
 * (a link back to a parent, a self-link or two links to `..` cannot loop or repeat findings);
 * links that lead outside the real paths of the given roots are not followed unless
 * `followLinks`. Problems are reported through `onError` and never stop the walk.
 */
export function collectFiles(paths: string[], onError: (msg: string, p: string) => void, opts: WalkOptions = {}): string[] {
  const out: string[] = [];
  const visited = new Set<string>();
  const roots: string[] = [];
  for (const p of paths) {
    try {
      roots.push(fs.realpathSync(p));
    } catch {
      // reported when visited
    }
  }
  const inside = (real: string) => roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  const visit = (p: string, explicit: boolean) => {
    let real: string;
    let st: fs.Stats;
    try {
      const lst = fs.lstatSync(p);
      real = fs.realpathSync(p);
      if (lst.isSymbolicLink() && !explicit && !opts.followLinks && !inside(real)) {
        onError('symbolic link to a path outside the checked folders, not followed (--follow-links follows it)', p);
        return;
      }
      st = fs.statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      onError(code === 'ENOENT' ? (explicit ? 'no such file or directory' : 'broken symbolic link') : code === 'ELOOP' ? 'symbolic link loop' : `cannot read (${code ?? 'error'})`, p);
      return;
    }
    if (visited.has(real)) return;
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (!explicit && base.startsWith('.') && base !== '.' && base !== '..') return;
      if (opts.excluded?.(p, true)) return;
      visited.add(real);
      let entries: string[];
      try {
        entries = fs.readdirSync(p).sort();
      } catch (e) {
        onError(`cannot list (${(e as NodeJS.ErrnoException).code})`, p);
        return;
      }
      for (const e of entries) visit(path.join(p, e), false);
    } else if (st.isFile() && (explicit || /\.(py|ipynb)$/.test(p))) {
      if (opts.excluded?.(p, false)) return;
      visited.add(real);
      out.push(p);
    }
  };
  for (const p of paths) visit(p, true);
  return out;
}
