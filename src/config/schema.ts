import { TomlError, parse } from 'smol-toml';
import type { RuleName, Severity } from '../rules/types';

/**
 * Loss Lens configuration: `[tool.losslens]` in pyproject.toml, or the top level of losslens.toml
 * (which may also hold a `[tool.losslens]` table). Keys follow Ruff's spelling:
 *
 *   select = ["LL1", "double-softmax"]      codes, code prefixes, rule names or "ALL" (default ALL)
 *   ignore = ["LL108"]                      the same forms, subtracted from select
 *   exclude = ["build", "*.gen.py"]         globs replacing the default excludes
 *   extend-exclude = ["notebooks/scratch"]  globs added to them
 *   default-framework = "pytorch"           auto | tensorflow | keras | pytorch | jax | numpy
 *   tf1 = false                             TensorFlow 1 checks (deprecated-tf1-api) on or off
 *   [tool.losslens.severity]                per rule: error | warning | information | hint | off
 *   double-softmax = "error"
 *   [tool.losslens.per-file-ignores]        glob -> codes or rule names ignored in matching files
 *   "tests/**" = ["LL103"]
 */
export type Framework = 'auto' | 'tensorflow' | 'keras' | 'pytorch' | 'jax' | 'numpy';

export interface LossLensConfig {
  /** The file it was read from and the folder its globs are relative to. */
  file: string;
  root: string;
  select?: string[];
  ignore?: string[];
  exclude?: string[];
  extendExclude?: string[];
  defaultFramework?: Framework;
  tf1?: boolean;
  severity?: Partial<Record<RuleName, Severity | 'off'>>;
  perFileIgnores?: { glob: string; names: string[] }[];
}

/** A mistake in a configuration file: printed as `file:line: message`, exit 2. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

export const FRAMEWORKS: Framework[] = ['auto', 'tensorflow', 'keras', 'pytorch', 'jax', 'numpy'];
const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'];
const KEYS = ['select', 'ignore', 'exclude', 'extend-exclude', 'default-framework', 'tf1', 'severity', 'per-file-ignores'];

/** The 1-based line where `key` is written inside the table `[header]` (or the header's line, or 1). */
function lineOf(text: string, header: string | undefined, key?: string): number {
  const lines = text.split(/\r?\n/);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  let inTable = header === undefined;
  let headerLine = 1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    const h = /^\[\s*([^\]]+?)\s*\]/.exec(l);
    if (h && !l.startsWith('[[')) {
      inTable = header !== undefined && h[1].replace(/\s+/g, '').replace(/"/g, '') === header;
      if (inTable) headerLine = i + 1;
      continue;
    }
    if (inTable && key !== undefined && new RegExp(`^["']?${esc(key)}["']?\\s*=`).test(l)) return i + 1;
  }
  return headerLine;
}

/** Names of rules as the config may spell them. */
export interface KnownRule {
  code: string;
  name: RuleName;
}

/**
 * Parses a configuration file's text. Returns undefined for a pyproject.toml without a
 * `[tool.losslens]` table (the search goes on upwards); throws ConfigError with a line number
 * for invalid TOML, unknown keys, unknown rules and wrong value types.
 */
export function parseConfig(text: string, file: string, root: string, rules: readonly KnownRule[]): LossLensConfig | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw new ConfigError(file, e.line, `invalid TOML: ${e.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`);
    throw new ConfigError(file, 1, `invalid TOML: ${(e as Error).message}`);
  }
  const isPyproject = /(^|[\\/])pyproject\.toml$/.test(file);
  const tool = (doc.tool as Record<string, unknown> | undefined)?.losslens;
  let table: Record<string, unknown>;
  let header: string | undefined;
  if (tool !== undefined) {
    if (typeof tool !== 'object' || tool === null || Array.isArray(tool)) throw new ConfigError(file, lineOf(text, undefined, 'tool'), '[tool.losslens] must be a table');
    table = tool as Record<string, unknown>;
    header = 'tool.losslens';
  } else if (isPyproject) return undefined;
  else {
    table = doc;
    header = undefined;
  }
  const at = (key?: string, sub?: string) => (sub ? lineOf(text, header ? `${header}.${sub}` : sub, key) : lineOf(text, header, key));
  const fail = (key: string | undefined, reason: string, sub?: string): never => {
    throw new ConfigError(file, at(key, sub), reason);
  };
  const prefix = header ? `${header}.` : '';
  const ruleOf = (n: string) => rules.find((r) => r.name === n || r.code === n.toUpperCase());
  const selector = (key: string, v: string) => {
    if (v.toUpperCase() === 'ALL' || ruleOf(v) || (/^LL\d{0,3}$/i.test(v) && rules.some((r) => r.code.startsWith(v.toUpperCase())))) return v;
    return fail(key, `${prefix}${key}: unknown rule '${v}' (codes LL101-LL108, their prefixes, rule names or ALL)`);
  };
  const strings = (key: string, v: unknown, sub?: string): string[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return fail(key, `${prefix}${sub ? `${sub}.` : ''}${key} must be a list of strings`, sub);
    return v as string[];
  };
  const out: LossLensConfig = { file, root };
  for (const [key, v] of Object.entries(table)) {
    if (tool === undefined && key === 'tool') continue;
    switch (key) {
      case 'select':
      case 'ignore':
        out[key] = strings(key, v).map((s) => selector(key, s));
        break;
      case 'exclude':
        out.exclude = strings(key, v);
        break;
      case 'extend-exclude':
        out.extendExclude = strings(key, v);
        break;
      case 'default-framework':
        if (typeof v !== 'string' || !FRAMEWORKS.includes(v as Framework)) fail(key, `${prefix}default-framework must be one of ${FRAMEWORKS.join(', ')}`);
        out.defaultFramework = v as Framework;
        break;
      case 'tf1':
        if (typeof v !== 'boolean') fail(key, `${prefix}tf1 must be true or false`);
        out.tf1 = v as boolean;
        break;
      case 'severity': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(key, `${prefix}severity must be a table of rule = "level"`);
        out.severity = {};
        for (const [r, level] of Object.entries(v as Record<string, unknown>)) {
          const rule = ruleOf(r);
          if (!rule) fail(r, `${prefix}severity: unknown rule '${r}'`, 'severity');
          if (typeof level !== 'string' || !SEVERITIES.includes(level)) fail(r, `${prefix}severity.${r} must be one of ${SEVERITIES.join(', ')}`, 'severity');
          out.severity[rule!.name] = level as Severity | 'off';
        }
        break;
      }
      case 'per-file-ignores': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(key, `${prefix}per-file-ignores must be a table of "glob" = [rules]`);
        out.perFileIgnores = Object.entries(v as Record<string, unknown>).map(([glob, names]) => ({
          glob,
          names: strings(glob, names, 'per-file-ignores').map((s) => selector(glob, s)),
        }));
        break;
      }
      default:
        fail(key, `unknown option ${prefix}${key} (known: ${KEYS.join(', ')})`);
    }
  }
  return out;
}
