import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, lossLens } from './helpers';

const COMMANDS = ['lossLens.evaluateSelection', 'lossLens.explainLossAtCursor', 'lossLens.openPanel', 'lossLens.showLogs'];

describe('Loss Lens in a real VS Code: activation', () => {
  it('loads, activates and returns its test hooks', async () => {
    const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
    console.log(`    (VS Code ${vscode.version}, ${vscode.env.appName}, ${node ? `Node ${node} extension host` : 'web-worker extension host'})`);
    // Activation as the host sees it (load the bundle, run activate()), when this test activates it.
    const wasActive = vscode.extensions.getExtension(EXTENSION_ID)?.isActive;
    const t0 = Date.now();
    const api = await lossLens();
    if (!wasActive) console.log(`    (extension activated by the test in ${Date.now() - t0} ms)`);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    const hooks = api.testHooks();
    assert.ok(Array.isArray(hooks.panel.sent) && Array.isArray(hooks.panel.received));
    console.log(`    (activate() took ${hooks.activationMs} ms; the server starts in the background)`);
    const status = await hooks.server.status();
    assert.ok(status.pid === undefined || status.pid !== (globalThis as { process?: { pid?: number } }).process?.pid, 'the server is not the extension host');
  });

  it('registers its four commands', async () => {
    await lossLens();
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of COMMANDS) assert.ok(all.has(c), `${c} is not registered`);
  });

  it('Show Logs runs without an error', async () => {
    await vscode.commands.executeCommand('lossLens.showLogs');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });
});
