// Shared by the integration tests. They run in both extension hosts (Node and web worker), so
// nothing here may use Node's APIs: files are reached through vscode.workspace.fs and URIs.
import * as vscode from 'vscode';
import type { FromPanel, ToPanel } from '../../webview/protocol';

export const EXTENSION_ID = 'loss-lens.loss-lens';

/** The API activate() returns (src/extension/compose.ts). */
export interface LossLensApi {
  testHooks(): {
    panel: { sent: ToPanel[]; received: FromPanel[] };
    server: {
      /** The running server: its pid (Node host; undefined in a web worker) and what it holds. */
      status(): Promise<{ pid?: number; documents: number; analyses: number; pending: number }>;
      /** How many times the client restarted the server after it stopped. */
      restarts: number;
      /** Kills the server as a crash would (SIGKILL on Node, the worker terminated on the web). */
      kill(): Promise<void>;
    };
    activationMs: number;
  };
}

/**
 * The panel's message log as it is now. testHooks() may hand out copies, so pollers call this
 * again on every probe rather than keeping the arrays.
 */
export async function panelMessages(): Promise<{ sent: ToPanel[]; received: FromPanel[] }> {
  return (await lossLens()).testHooks().panel;
}

/**
 * Polls `probe` until it returns a value that is not undefined/false, or throws after `timeoutMs`
 * with the last value seen. Tests wait for asynchronous results this way, never by sleeping.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs)); // the polling interval, not a fixed wait for a result
  }
}

/** The extension, activated, and its test hooks. */
export async function lossLens(): Promise<LossLensApi> {
  const ext = vscode.extensions.getExtension<LossLensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test window has no workspace folder (the launcher opens a copy of test/integration/fixtures)');
  return folder.uri;
}

/** A file of the test workspace: test/integration/fixtures/<rel>, or acceptance/<seed>.py. */
export function fixture(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
}

export async function openFixture(rel: string, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixture(rel));
  return vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
}

/** 0-based position of the first occurrence of `needle` in the document (plus `delta` characters). */
export function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const i = doc.getText().indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not found in ${doc.uri.path}`);
  return doc.positionAt(i + delta);
}

export function rangeOf(doc: vscode.TextDocument, needle: string): vscode.Range {
  const start = positionOf(doc, needle);
  return new vscode.Range(start, doc.positionAt(doc.offsetAt(start) + needle.length));
}

export function lossLensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Loss Lens');
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

/** Waits until Loss Lens reports diagnostics on `uri` that satisfy `ok`. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  ok: (ds: vscode.Diagnostic[]) => boolean,
  what = 'Loss Lens diagnostics',
  timeoutMs = 20000,
): Promise<vscode.Diagnostic[]> {
  return waitFor(`${what} on ${uri.path}`, () => {
    const ds = lossLensDiagnostics(uri);
    return ok(ds) ? ds : undefined;
  }, timeoutMs);
}

/** Hover texts (markdown or plain) the providers give at a position, joined. */
export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** Every decimal number in a text (so tests can compare values whatever the formatting). */
export function numbersIn(text: string): number[] {
  return (text.match(/-?\d+\.\d+(?:e[-+]?\d+)?/gi) ?? []).map(Number);
}

export function hasNumberNear(text: string, expected: number, tol: number): boolean {
  return numbersIn(text).some((v) => Math.abs(v - expected) <= tol);
}

/** Reverts every dirty document and closes all editors (and panels), so the next test starts clean. */
export async function closeEverything(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme !== 'untitled')) {
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closePanel');
}

interface HarnessConfig {
  screenshotUrl?: string;
}

let harnessConfig: Promise<HarnessConfig> | undefined;
function readHarnessConfig(): Promise<HarnessConfig> {
  harnessConfig ??= (async () => {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), '.losslens-test.json'));
      return JSON.parse(new TextDecoder().decode(bytes)) as HarnessConfig;
    } catch {
      return {}; // not run by scripts/vscode-test/run.mjs (e.g. @vscode/test-electron): no screenshots
    }
  })();
  return harnessConfig;
}

/**
 * Asks the launcher to screenshot the workbench once every CSS selector in `waitFor` is visible
 * (it waits for them, bounded). Resolves when the PNG is written, or at once when the suite is not
 * run by the launcher. A screenshot that could not be taken is logged, not failed: screenshots
 * illustrate the docs, the assertions are elsewhere.
 */
export async function screenshot(name: string, waitForSelectors: string[] = []): Promise<void> {
  const { screenshotUrl } = await readHarnessConfig();
  if (!screenshotUrl) return;
  const q = [`name=${encodeURIComponent(name)}`, ...waitForSelectors.map((s) => `waitFor=${encodeURIComponent(s)}`)].join('&');
  try {
    const res = await fetch(`${screenshotUrl}?${q}`);
    const body = (await res.json()) as { ok: boolean; missing?: string[] };
    if (!body.ok || body.missing?.length) console.log(`screenshot ${name}: ${JSON.stringify(body)}`);
  } catch (e) {
    console.log(`screenshot ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
