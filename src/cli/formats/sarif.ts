import { pathToFileURL } from 'url';
import { RULES } from '../../rules';
import type { Located } from '../check';
import { fingerprints } from './fingerprint';
import { ReportPaths } from './paths';
import { ruleDoc } from './rule_docs';

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

/** The rules in SARIF's reportingDescriptor form, plus LL001 (unused suppressions). */
function ruleDescriptors() {
  const rules: { id: string; name: string; [k: string]: unknown }[] = RULES.map((r) => {
    const doc = ruleDoc(r.name);
    return {
      id: r.code,
      name: r.name,
      shortDescription: { text: r.summary },
      fullDescription: { text: doc?.firstParagraph || r.summary },
      help: doc ? { text: `${r.summary.replace(/\.?$/, ".")} See docs/rules/${r.name}.md.`, markdown: doc.markdown } : { text: r.summary },
      ...(doc ? { helpUri: pathToFileURL(doc.file).href } : {}),
      defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
      properties: { tags: ['loss-function', 'machine-learning'] },
    };
  });
  rules.push({
    id: 'LL001',
    name: 'unused-suppression',
    shortDescription: { text: 'A suppression comment that silences nothing' },
    fullDescription: { text: 'A `# noqa` or `# losslens: ignore` comment names a Loss Lens rule that reports nothing on its line (reported with --report-unused-suppressions).' },
    help: { text: 'Remove the comment, or the names in it that silence nothing.' },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['suppression'] },
  });
  return rules;
}

/**
 * SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, the VS Code SARIF viewer).
 * Paths are relative to `%SRCROOT%` (the working directory, given in originalUriBaseIds);
 * `partialFingerprints["lossLens/v1"]` stays the same across runs while the flagged code does;
 * findings silenced by a comment are present with `suppressions: [{kind: "inSource"}]`.
 */
export function formatSarif(findings: Located[], suppressed: Located[], paths: ReportPaths, version: string | undefined): string {
  const rules = ruleDescriptors();
  const all = [...findings, ...suppressed].sort((a, b) => a.file.localeCompare(b.file) || (a.cell ?? 0) - (b.cell ?? 0) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
  const fps = fingerprints(all, (f) => paths.display(f.file));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Loss Lens', ...(version ? { semanticVersion: version, version } : {}), rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: paths.rootUri() } },
        columnKind: 'utf16CodeUnits',
        results: all.map((f, i) => ({
          ruleId: f.code,
          ruleIndex: rules.findIndex((r) => r.id === f.code),
          level: SARIF_LEVEL[f.severity],
          message: { text: `${f.rule}: ${f.message}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: paths.uri(f.file),
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
              ...(f.cell ? { logicalLocations: [{ name: `cell ${f.cell}`, kind: 'notebookCell' }] } : {}),
            },
          ],
          partialFingerprints: { 'lossLens/v1': fps[i] },
          ...(f.cell ? { properties: { cell: f.cell } } : {}),
          ...(f.suppressedBy ? { suppressions: [{ kind: 'inSource', justification: `silenced by '${f.suppressedBy}'` }] } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 1)}\n`;
}
