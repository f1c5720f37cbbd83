import * as vscode from 'vscode';
import { InitOptions, ServerStatus, StatusRequest } from '../server/protocol';
import { ClientFactory, LossLensClient } from './client';
import { registerCommands } from './commands';
import { registerRuleLinks, ruleDocsBase, rulePageOpener } from './rule_pages';
import { Logger } from './log';
import { LossPanel, registerLossPanelSerializer } from './panel';

/** The API activate() returns: test hooks for the integration tests. */
export interface LossLensApi {
  testHooks(): {
    panel: ReturnType<LossPanel['testHooks']>;
    server: {
      /** The running server's status (its pid on Node), once it is running. */
      status(): Promise<ServerStatus>;
      /** How many times the client restarted the server after it stopped. */
      restarts: number;
      /** Kills the server the way a crash would (SIGKILL on Node, the worker terminated on the web). */
      kill(): Promise<void>;
    };
    /** How long activate() took, in milliseconds. */
    activationMs: number;
  };
}

/**
 * What activate() does on both hosts: composes the logger, the language client (which owns
 * diagnostics, hovers and quick fixes: the analysis runs in the server, never here), the panel
 * and the commands; each is one disposable. The client starts in the background.
 */
export function compose(
  context: vscode.ExtensionContext,
  factory: ClientFactory,
  init: () => InitOptions,
  kill: (status: ServerStatus) => void,
): LossLensApi {
  const t0 = Date.now();
  const log = new Logger();
  const client = new LossLensClient(factory, log, init);
  const panel = new LossPanel(context.extensionUri, log);
  const openRule = rulePageOpener(context);
  context.subscriptions.push(log, client, panel, registerLossPanelSerializer(panel), ...registerCommands(client.client, panel, log, openRule), registerRuleLinks(openRule, log));
  const started: Promise<unknown> = client.start().catch((e: unknown) => log.error(`could not start the Loss Lens server: ${e instanceof Error ? e.message : String(e)}`));
  const status = async (): Promise<ServerStatus> => {
    await started;
    return client.client.sendRequest(StatusRequest);
  };
  const activationMs = Date.now() - t0;
  log.info(`Loss Lens activated in ${activationMs} ms (VS Code ${vscode.version})`);
  return {
    testHooks: () => ({
      panel: panel.testHooks(),
      server: {
        status,
        restarts: client.restarts,
        kill: async () => kill(await status()),
      },
      activationMs,
    }),
  };
}

/**
 * Where the rule pages are: each diagnostic's code links to <docsBase>/<rule>.md, a link to this
 * extension's UriHandler, which opens the packaged page rendered (src/extension/rule_pages.ts).
 */
export function docsBase(context: vscode.ExtensionContext): string {
  return ruleDocsBase(context);
}
