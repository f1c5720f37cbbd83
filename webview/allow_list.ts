/**
 * Host-side bookkeeping for the panel, kept free of vscode so it is unit-tested in plain Node.
 *
 * RevealAllowList: the source locations the host itself sent in a 'show' message this session.
 * A 'reveal' from the webview opens a document only if its (uri, line) is in the list: the
 * webview is not trusted to name files, and neither is the state it saved (a restored panel's
 * result is re-sent but never added). The oldest locations are forgotten beyond `capacity`.
 *
 * BoundedLog: the messages each way, for the integration tests, trimmed to the newest `capacity`.
 */
export class RevealAllowList {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 256) {}

  /** Records a location the host sent. */
  add(uri: string, line: number): void {
    const k = key(uri, line);
    this.keys.delete(k); // re-adding makes it the newest
    this.keys.add(k);
    while (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value as string);
  }

  allows(uri: string, line: number): boolean {
    return this.keys.has(key(uri, line));
  }

  get size(): number {
    return this.keys.size;
  }
}

function key(uri: string, line: number): string {
  return `${line}\u0000${uri}`;
}

export class BoundedLog<T> {
  private items: T[] = [];

  constructor(private readonly capacity = 200) {}

  push(item: T): void {
    this.items.push(item);
    // Trim in batches, so a long session pays O(1) amortised per message.
    if (this.items.length > this.capacity * 2) this.items = this.items.slice(-this.capacity);
  }

  /** The newest messages (at most `capacity`), oldest first, as a copy. */
  toArray(): T[] {
    return this.items.slice(-this.capacity);
  }
}
