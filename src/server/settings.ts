import { RULES, RunOptions } from '../rules';
import { Severity } from '../rules/types';

export type RunMode = 'onType' | 'onSave' | 'off';

/** The `lossLens` settings (package.json contributes.configuration), as the server uses them. */
export interface Settings {
  run: RunMode;
  debounceMs: number;
  rules: RunOptions;
}

const RUN_MODES: readonly RunMode[] = ['onType', 'onSave', 'off'];
const SEVERITIES: readonly (Severity | 'off')[] = ['off', 'hint', 'information', 'warning', 'error'];
const FRAMEWORKS = ['auto', 'tensorflow', 'keras', 'pytorch', 'jax', 'numpy'] as const;

/**
 * Reads the `lossLens` section a client returns for workspace/configuration. Any editor may send
 * anything, so every value is checked; a missing or invalid one takes its default. Both shapes
 * are accepted: nested ({ rules: { 'double-softmax': 'off' } }, as VS Code returns it) and flat
 * dotted keys ({ 'rules.double-softmax': 'off' }, as some editors' configs are written).
 */
export function parseSettings(raw: unknown): Settings {
  const o = isObject(raw) ? raw : {};
  const get = (path: string): unknown => {
    if (path in o) return o[path];
    let v: unknown = o;
    for (const part of path.split('.')) v = isObject(v) ? v[part] : undefined;
    return v;
  };
  const run = get('diagnostics.run');
  const debounce = get('diagnostics.debounceMs');
  const framework = get('defaultFramework');
  const severity: NonNullable<RunOptions['severity']> = {};
  for (const r of RULES) {
    const s = get(`rules.${r.name}`);
    severity[r.name] = SEVERITIES.includes(s as Severity) ? (s as Severity | 'off') : r.defaultSeverity;
  }
  return {
    run: RUN_MODES.includes(run as RunMode) ? (run as RunMode) : 'onType',
    debounceMs: typeof debounce === 'number' && Number.isFinite(debounce) ? Math.max(0, Math.min(5000, debounce)) : 300,
    rules: {
      severity,
      defaultFramework: FRAMEWORKS.includes(framework as (typeof FRAMEWORKS)[number]) ? (framework as (typeof FRAMEWORKS)[number]) : 'auto',
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
