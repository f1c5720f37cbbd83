import * as vscode from 'vscode';
import { RULES, RunOptions } from '../rules';
import { Severity } from '../rules/types';

export type RunMode = 'onType' | 'onSave' | 'off';

/** The extension's settings (package.json contributes.configuration), read fresh when they change. */
export interface Settings {
  run: RunMode;
  debounceMs: number;
  rules: RunOptions;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('lossLens', scope);
  const severity: NonNullable<RunOptions['severity']> = {};
  for (const r of RULES) severity[r.name] = c.get<Severity | 'off'>(`rules.${r.name}`, r.defaultSeverity);
  return {
    run: c.get<RunMode>('diagnostics.run', 'onType'),
    debounceMs: Math.max(0, c.get<number>('diagnostics.debounceMs', 300)),
    rules: { severity, defaultFramework: c.get('defaultFramework', 'auto') },
  };
}
