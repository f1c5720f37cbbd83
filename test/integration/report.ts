// One machine-readable line at the end of the run, read by scripts/vscode-test/chromium.mjs (it
// arrives through the workbench's console forwarding, like mocha's own reporter output).
export const RESULT_MARKER = '__LOSSLENS_RESULT__';

interface RunnerLike {
  once(event: 'end', fn: () => void): unknown;
  stats?: { passes: number; failures: number; pending: number };
}

export function reportResult(runner: RunnerLike): void {
  runner.once('end', () => {
    const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
    console.log(`${RESULT_MARKER}${JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending })}`);
  });
}
