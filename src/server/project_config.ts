import { ConfigError, ConfigHost, ConfigResolver } from '../config/resolve';
import { RULES, RunOptions } from '../rules';
import { RuleName, Severity } from '../rules/types';
import type { ProjectOptions } from './server';

/** How the server reaches configuration files: a file: uri's path, and reading a file. Absent in the web worker. */
export interface ConfigAccess extends ConfigHost {
  /** The file system path of a document uri, or undefined when it has none (untitled:, vscode-vfs:). */
  pathOf(uri: string): string | undefined;
}

/**
 * The options rules run with for one document: the nearest `[tool.losslens]` (pyproject.toml) or
 * losslens.toml above the file, read through src/config's ConfigResolver, with the VS Code
 * settings laid over it. Precedence, per rule: a `lossLens.rules.<rule>` setting that differs
 * from the rule's default severity wins; otherwise the configuration file decides (its select,
 * ignore, per-file-ignores, severity table and tf1); otherwise the default. The same for
 * `lossLens.defaultFramework` (a value other than 'auto' wins over `default-framework`).
 * A configuration file with a mistake is reported once (`report`) and ignored until it changes.
 */
export class ProjectConfig implements ProjectOptions {
  private resolver: ConfigResolver | undefined;
  private readonly reported = new Set<string>();

  constructor(
    private readonly access: ConfigAccess,
    private readonly report: (message: string) => void,
  ) {}

  /** A configuration file changed: the next request reads the files again. */
  reset(): void {
    this.resolver = undefined;
    this.reported.clear();
  }

  /** The rule options for the document (or notebook) `uri`, given the VS Code settings. */
  optionsFor(uri: string, settings: RunOptions): RunOptions {
    const file = this.access.pathOf(uri);
    if (!file) return settings;
    this.resolver ??= new ConfigResolver(this.access, RULES);
    let fromFile;
    try {
      fromFile = this.resolver.settingsFor(file);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      if (!this.reported.has(e.message)) {
        this.reported.add(e.message);
        this.report(`Loss Lens: ${e.message} (the file is ignored until it is fixed)`);
      }
      return settings;
    }
    if (!fromFile.config) return settings;
    const severity = {} as Record<RuleName, Severity | 'off'>;
    for (const r of RULES) {
      const set = settings.severity?.[r.name];
      severity[r.name] = set !== undefined && set !== r.defaultSeverity ? set : fromFile.severity[r.name];
    }
    const framework = settings.defaultFramework && settings.defaultFramework !== 'auto' ? settings.defaultFramework : fromFile.defaultFramework;
    return { ...settings, severity, defaultFramework: framework };
  }
}
