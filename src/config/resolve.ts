import picomatch from 'picomatch';
import * as path from 'path';
import type { RuleName, Severity } from '../rules/types';
import { ConfigError, Framework, KnownRule, LossLensConfig, parseConfig } from './schema';

export { ConfigError, parseConfig } from './schema';
export type { Framework, KnownRule, LossLensConfig } from './schema';

/**
 * Excluded unless a configuration's `exclude` replaces the list (Ruff's defaults, trimmed to what
 * holds Python). Hidden folders are skipped by the folder walk whatever the configuration says.
 */
export const DEFAULT_EXCLUDE = ['__pycache__', 'node_modules', 'site-packages', 'venv', 'env', '_build', 'build', 'dist', '__pypackages__'];

/** Files in a folder that hold configuration, in precedence order (the first one found wins, like Ruff's). */
export const CONFIG_FILES = ['losslens.toml', '.losslens.toml', 'pyproject.toml'];

/** How the resolver reads files: node's fs in the CLI, the workspace file system in the language server. */
export interface ConfigHost {
  /** The file's text, or undefined when it does not exist or is not readable. */
  readFile(file: string): string | undefined;
}

/** What applies to one file: the options rules run with, and where they came from. */
export interface FileSettings {
  config?: LossLensConfig;
  severity: Record<RuleName, Severity | 'off'>;
  defaultFramework: Framework;
}

/** Command-line overrides: they win over every configuration file. */
export interface Overrides {
  select?: string[];
  extendIgnore?: string[];
  /** A configuration file used for every file instead of the search. */
  configFile?: string;
  /** No configuration files at all (`--isolated`). */
  isolated?: boolean;
}

function matches(sel: string, r: KnownRule): boolean {
  const s = sel.toUpperCase();
  return s === 'ALL' || sel === r.name || r.code.startsWith(s);
}

/** `file` relative to `root` with '/' separators, or undefined outside it. */
function relativeTo(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** A glob matches a path when it matches the path relative to the config's folder or its last component. */
function globMatcher(globs: string[]): (rel: string) => boolean {
  if (globs.length === 0) return () => false;
  const m = picomatch(globs, { dot: true });
  return (rel) => m(rel) || m(rel.slice(rel.lastIndexOf('/') + 1));
}

/**
 * Finds each file's configuration by walking up from its folder to the nearest losslens.toml,
 * .losslens.toml or pyproject.toml with a [tool.losslens] table (the closest one wins, no
 * merging), caching per folder; then computes the file's rule severities and framework.
 * Pure apart from `host.readFile`, so the language server can use it with its own file access.
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, LossLensConfig | null>();
  private readonly matchers = new Map<LossLensConfig, { exclude: (rel: string) => boolean; ignores: { match: (rel: string) => boolean; names: string[] }[] }>();
  private explicit: LossLensConfig | undefined;

  constructor(
    private readonly host: ConfigHost,
    private readonly rules: readonly (KnownRule & { defaultSeverity: Severity })[],
    private readonly overrides: Overrides = {},
  ) {
    if (overrides.configFile) {
      const file = path.resolve(overrides.configFile);
      const text = host.readFile(file);
      if (text === undefined) throw new ConfigError(overrides.configFile, 1, 'cannot read the configuration file');
      this.explicit = parseConfig(text, overrides.configFile, path.dirname(file), rules) ?? { file: overrides.configFile, root: path.dirname(file) };
    }
  }

  /** The configuration that applies to files in `dir` (absolute), or undefined. Throws ConfigError. */
  configFor(dir: string): LossLensConfig | undefined {
    if (this.overrides.isolated) return undefined;
    if (this.explicit) return this.explicit;
    const seen: string[] = [];
    let d = path.resolve(dir);
    let found: LossLensConfig | undefined;
    for (;;) {
      const cached = this.byDir.get(d);
      if (cached !== undefined) {
        found = cached ?? undefined;
        break;
      }
      seen.push(d);
      for (const name of CONFIG_FILES) {
        const file = path.join(d, name);
        const text = this.host.readFile(file);
        if (text === undefined) continue;
        found = parseConfig(text, file, d, this.rules);
        if (found) break;
      }
      if (found) break;
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
    for (const s of seen) this.byDir.set(s, found ?? null);
    return found;
  }

  private matcherOf(c: LossLensConfig) {
    let m = this.matchers.get(c);
    if (!m) {
      m = {
        exclude: globMatcher([...(c.exclude ?? DEFAULT_EXCLUDE), ...(c.extendExclude ?? [])]),
        ignores: (c.perFileIgnores ?? []).map((p) => ({ match: globMatcher([p.glob]), names: p.names })),
      };
      this.matchers.set(c, m);
    }
    return m;
  }

  /**
   * Whether a file or folder is excluded: its path relative to the configuration's folder, or any
   * folder on the way there, matches `exclude`/`extend-exclude` (so files that pre-commit names
   * one by one are excluded too, like Ruff's force-exclude).
   */
  isExcluded(p: string, isDir: boolean): boolean {
    const abs = path.resolve(p);
    const c = this.configFor(isDir ? abs : path.dirname(abs));
    const root = c?.root;
    const match = c ? this.matcherOf(c).exclude : globMatcher(DEFAULT_EXCLUDE);
    const rel = root ? relativeTo(root, abs) : undefined;
    if (rel === undefined) return match(path.basename(abs));
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const sub = parts.slice(0, i).join('/');
      if (sub && match(sub)) return true;
    }
    return false;
  }

  /** The settings for one file (absolute or relative to the working directory). Throws ConfigError. */
  settingsFor(file: string): FileSettings {
    const abs = path.resolve(file);
    const c = this.configFor(path.dirname(abs));
    const select = this.overrides.select ?? c?.select ?? ['ALL'];
    const ignore = [...(c?.ignore ?? []), ...(this.overrides.extendIgnore ?? [])];
    if (c?.tf1 === false) ignore.push('deprecated-tf1-api');
    if (c) {
      const rel = relativeTo(c.root, abs);
      if (rel !== undefined) for (const p of this.matcherOf(c).ignores) if (p.match(rel)) ignore.push(...p.names);
    }
    const severity = {} as Record<RuleName, Severity | 'off'>;
    for (const r of this.rules) {
      const on = select.some((s) => matches(s, r)) && !ignore.some((s) => matches(s, r));
      severity[r.name] = on ? (c?.severity?.[r.name] ?? r.defaultSeverity) : 'off';
    }
    return { config: c, severity, defaultFramework: c?.defaultFramework ?? 'auto' };
  }
}
