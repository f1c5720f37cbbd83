import * as vscode from 'vscode';

/** The extension's one log: a LogOutputChannel ("Loss Lens" in the Output view). */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Loss Lens', { log: true });
  }

  trace(msg: string): void {
    this.channel.trace(msg);
  }

  info(msg: string): void {
    this.channel.info(msg);
  }

  error(msg: string): void {
    this.channel.error(msg);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
