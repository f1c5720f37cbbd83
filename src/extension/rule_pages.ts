import * as vscode from 'vscode';
import { Logger } from './log';

/**
 * A rule's page opens rendered (VS Code's Markdown preview of the packaged docs/rules/<rule>.md),
 * not as raw Markdown in an editable tab. A diagnostic's code links to
 * `<uriScheme>://<extension id>/docs/rules/<rule>.md` (see ruleDocsBase): opening it reaches this
 * extension's UriHandler, desktop and web alike, which shows the preview. The command
 * lossLens.openRulePage does the same for a rule name (or asks which rule).
 */
const RULE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The base of every diagnostic's code link: the server appends /<rule>.md. */
export function ruleDocsBase(context: vscode.ExtensionContext): string {
  return vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: context.extension.id, path: '/docs/rules' }).toString();
}

/** The rule named by a link's path (`/docs/rules/double-softmax.md`), or undefined. */
export function ruleOfPath(path: string): string | undefined {
  const m = /^\/docs\/rules\/([^/]+)\.md$/.exec(path);
  return m && RULE.test(m[1]) ? m[1] : undefined;
}

/** Opens a rule's page rendered; without a valid rule name, asks which rule (lossLens.openRulePage). */
export function rulePageOpener(context: vscode.ExtensionContext): (rule: unknown) => Promise<boolean> {
  const rules = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules');
  return async (rule: unknown): Promise<boolean> => {
    if (typeof rule !== 'string' || !RULE.test(rule)) {
      const names = (await vscode.workspace.fs.readDirectory(rules)).map(([n]) => n).filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3)).sort();
      const picked = await vscode.window.showQuickPick(names, { placeHolder: 'Which rule?' });
      if (!picked) return false;
      rule = picked;
    }
    const page = vscode.Uri.joinPath(rules, `${rule as string}.md`);
    try {
      await vscode.workspace.fs.stat(page);
    } catch {
      void vscode.window.showWarningMessage(`Loss Lens: there is no page for the rule "${rule as string}".`);
      return false;
    }
    await vscode.commands.executeCommand('markdown.showPreview', page);
    return true;
  };
}

/** The UriHandler behind every diagnostic's code link. */
export function registerRuleLinks(open: (rule: unknown) => Promise<boolean>, log: Logger): vscode.Disposable {
  return vscode.window.registerUriHandler({
    handleUri: (uri: vscode.Uri) => {
      const rule = ruleOfPath(uri.path);
      if (!rule) {
        log.error(`ignored a link that is not a rule page: ${uri.path}`);
        return;
      }
      void open(rule).catch((e: unknown) => log.error(`could not open the page of ${rule}: ${e instanceof Error ? e.message : String(e)}`));
    },
  });
}
