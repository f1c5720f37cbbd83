import * as vscode from 'vscode';

/**
 * Base class for objects that own VS Code resources: children registered with `register` are
 * disposed together, in reverse order, exactly once.
 */
export class Disposable implements vscode.Disposable {
  private readonly children: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.children.push(d);
    return d;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.children.length) {
      try {
        this.children.pop()!.dispose();
      } catch {
        // keep disposing the rest
      }
    }
  }
}
