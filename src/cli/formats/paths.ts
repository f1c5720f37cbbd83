import * as path from 'path';
import { pathToFileURL } from 'url';

/**
 * Paths as reports want them: relative to the project root (the working directory) with '/'
 * separators, or absolute when a file lies outside it.
 */
export class ReportPaths {
  constructor(readonly root: string = process.cwd()) {}

  /** 'src/train.py' for a file under the root; undefined outside it. */
  relative(file: string): string | undefined {
    const rel = path.relative(this.root, path.resolve(this.root, file));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  /** The relative path, or the absolute one for files outside the root. */
  display(file: string): string {
    return this.relative(file) ?? path.resolve(this.root, file).split(path.sep).join('/');
  }

  /** The root as a file URI ending in '/', for SARIF's originalUriBaseIds. */
  rootUri(): string {
    const u = pathToFileURL(this.root).href;
    return u.endsWith('/') ? u : `${u}/`;
  }

  /** A relative URI reference (each segment percent-encoded) or, outside the root, an absolute file URI. */
  uri(file: string): { uri: string; uriBaseId?: string } {
    const rel = this.relative(file);
    if (rel !== undefined) return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
    return { uri: pathToFileURL(path.resolve(this.root, file)).href };
  }
}
