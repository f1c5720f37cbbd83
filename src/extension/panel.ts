import * as vscode from 'vscode';
import { BoundedLog, RevealAllowList } from '../../webview/allow_list';
import { FromPanel, PanelModel, ToPanel, isFromPanel, toPanelState } from '../../webview/protocol';
import { Disposable } from './disposable';
import { makeNonce, panelHtml } from './panel_html';

/** Where the build puts the webview bundle (the panel may load nothing else). */
const BUNDLE = ['dist', 'webview'];

/** Anything with error/trace methods (the extension's Logger). */
export interface PanelLog {
  error(msg: string): void;
  trace?(msg: string): void;
}

/**
 * Hosts the Loss Lens webview panel: creates or reveals it, loads the bundle with a fresh nonce,
 * sends results by postMessage (the last one is re-sent whenever the webview says 'ready', so a
 * message posted before it loaded or while it was hidden is never lost), opens the source line
 * on 'reveal', and records the messages both ways for the integration tests. Uses only API of
 * VS Code 1.91 that the web extension host has too.
 */
export class LossPanel extends Disposable {
  static readonly viewType = 'lossLens.panel';
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;
  private last: ToPanel | null = null;
  private readonly sent = new BoundedLog<ToPanel>();
  private readonly received = new BoundedLog<FromPanel>();
  /** Source locations this host sent in this session: the only ones 'reveal' opens. */
  private readonly revealable = new RevealAllowList();
  private readonly onMessageEmitter = this.register(new vscode.EventEmitter<FromPanel>());
  /** Every valid message from the webview. */
  readonly onDidReceiveMessage = this.onMessageEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log?: PanelLog,
  ) {
    super();
    this.register({ dispose: () => this.closePanel() });
  }

  /** Shows a model, creating or revealing the panel beside the editor (keeps the editor focused). */
  show(model: PanelModel): void {
    this.revealable.add(model.source.uri, model.source.line);
    this.send({ type: 'show', model });
  }

  /** Shows a message instead of a result. */
  showEmpty(reason: string): void {
    this.send({ type: 'empty', reason });
  }

  /** Opens the panel (the webview restores its last result itself). */
  reveal(): void {
    this.ensurePanel(false);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** The newest messages (200 each way) sent to and received from the webview, oldest first (copies). */
  testHooks(): { sent: ToPanel[]; received: FromPanel[] } {
    return { sent: this.sent.toArray(), received: this.received.toArray() };
  }

  /** Adopts a panel VS Code restored after a reload, with the state the webview saved. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    this.last = toPanelState(state).last;
    this.adopt(panel);
  }

  private send(msg: ToPanel): void {
    if (this.isDisposed) return;
    this.last = msg;
    this.ensurePanel(true);
    if (this.ready) this.post(msg);
  }

  private post(msg: ToPanel): void {
    const panel = this.panel;
    if (!panel) return;
    this.sent.push(msg);
    panel.webview.postMessage(msg).then(
      (delivered) => {
        if (!delivered) this.log?.trace?.('panel message not delivered (webview not live); it is re-sent on ready');
      },
      (e: unknown) => this.log?.error(`panel message failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  private ensurePanel(preserveFocus: boolean): void {
    if (this.isDisposed) return;
    if (this.panel) {
      if (!this.panel.visible) this.panel.reveal(this.panel.viewColumn, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      LossPanel.viewType,
      'Loss Lens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { ...this.webviewOptions(), enableFindWidget: true, retainContextWhenHidden: false },
    );
    this.adopt(panel);
  }

  private webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, ...BUNDLE)],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.closePanel();
    this.panel = panel;
    this.ready = false;
    const webview = panel.webview;
    webview.options = this.webviewOptions();
    this.panelDisposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState((e) => {
        // A hidden webview without retainContextWhenHidden is torn down; it says 'ready' again when shown.
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.forgetPanel();
      }),
    );
    const bundle = vscode.Uri.joinPath(this.extensionUri, ...BUNDLE);
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(bundle, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(bundle, 'panel.css')).toString(),
    });
  }

  private receive(m: unknown): void {
    if (!isFromPanel(m)) {
      this.log?.error('ignored a malformed message from the Loss Lens panel');
      return;
    }
    // The log keeps the start of a copied table only (it may be megabytes).
    this.received.push(m.type === 'copy' ? { ...m, text: m.text.slice(0, 4096) } : m);
    this.onMessageEmitter.fire(m);
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.last) this.post(this.last);
        break;
      case 'reveal':
        // Only locations this host sent in this session: neither the webview nor its restored state names files.
        if (this.revealable.allows(m.uri, m.line)) void this.revealSource(m.uri, m.line);
        else this.log?.error('ignored a reveal request for a location the panel was not sent in this session');
        break;
      case 'rendered':
        break;
      case 'copy':
        void this.copy(m.format, m.text);
        break;
    }
  }

  /** Puts a table the webview serialised on the clipboard (the webview's own clipboard access is not reliable in every host). */
  private async copy(format: 'csv' | 'numpy', text: string): Promise<void> {
    try {
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(`Loss Lens: table copied ${format === 'csv' ? 'as CSV' : 'as a NumPy literal'}`, 3000);
    } catch (e) {
      this.log?.error(`could not copy the table: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showWarningMessage('Loss Lens: could not copy the table to the clipboard.');
    }
  }

  /** Opens the document at a 1-based line, in the editor column the panel is not in. */
  private async revealSource(uri: string, line: number): Promise<void> {
    try {
      const target = vscode.Uri.parse(uri, true);
      const doc = await vscode.workspace.openTextDocument(target);
      const l = Math.max(0, Math.min(doc.lineCount - 1, line - 1));
      const pos = new vscode.Position(l, doc.lineAt(l).firstNonWhitespaceCharacterIndex);
      const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString());
      const column = shown?.viewColumn ?? (this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos), preserveFocus: false });
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (e) {
      this.log?.error(`could not open ${uri} at line ${line}: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showWarningMessage('Loss Lens: could not open the source of this result.');
    }
  }

  private forgetPanel(): void {
    this.panel = undefined;
    this.ready = false;
    const ds = this.panelDisposables;
    this.panelDisposables = [];
    for (const d of ds) d.dispose();
  }

  private closePanel(): void {
    const p = this.panel;
    this.forgetPanel();
    p?.dispose();
  }
}

/**
 * Restores the panel after a window reload: VS Code hands back the webview panel and the state
 * the webview saved with setState (its last message), and the host adopts it.
 */
export function registerLossPanelSerializer(host: LossPanel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(LossPanel.viewType, {
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
      host.restore(panel, state);
    },
  });
}
