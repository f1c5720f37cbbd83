import { NotificationType, Position, Range, RequestType, RequestType0, TextDocumentIdentifier } from 'vscode-languageserver-protocol';
import type { PanelModel } from '../../webview/protocol';

/**
 * The Loss Lens requests beyond LSP, shared by the server (src/server) and the VS Code client
 * (src/extension). Other editors can send them too; their results are plain JSON.
 */

/** What a command produced: a model for the panel, or a sentence for the user. */
export interface CommandResult {
  model?: PanelModel;
  /** Why there is no model (nothing to evaluate there, the file is not analysed). */
  message?: string;
}

export interface EvaluateParams {
  textDocument: TextDocumentIdentifier;
  /** The selection; an empty range evaluates what is under its position. */
  range: Range;
}

export interface ExplainParams {
  textDocument: TextDocumentIdentifier;
  position: Position;
}

/** Evaluate Selection: the selected literal or expression, as a panel model. */
export const EvaluateRequest = new RequestType<EvaluateParams, CommandResult, void>('lossLens/evaluateSelection');

/** Explain Loss at Cursor: the loss call (or softmax, array) at a position, as a panel model. */
export const ExplainRequest = new RequestType<ExplainParams, CommandResult, void>('lossLens/explainLossAtCursor');

export interface ServerStatus {
  /** The server's process id (Node), or undefined in a web worker. */
  pid?: number;
  /** Open documents and notebooks the server holds, and analyses it caches. */
  documents: number;
  analyses: number;
  /** Diagnostics runs scheduled or in progress. */
  pending: number;
}

/** The server's process id and what it holds (logs and the integration tests' hooks). */
export const StatusRequest = new RequestType0<ServerStatus, void>('lossLens/status');

/**
 * Sent by the server before it starts analysing or evaluating a document, and with `uri` null
 * when it is done. If the server dies in between, the client knows which document (at which
 * version) it was working on, and asks the restarted server to leave that version alone.
 */
export interface BusyParams {
  uri: string | null;
  version?: number;
}
export const BusyNotification = new NotificationType<BusyParams>('lossLens/busy');

/** initializationOptions the server understands (all optional). */
export interface InitOptions {
  /** Base URI of the rule pages; each diagnostic's code links to `<base>/<rule>.md`. */
  docsBase?: string;
  /** Browser server: URLs of tree-sitter.wasm and tree-sitter-python.wasm. */
  wasm?: { runtime: string; python: string };
  /** Documents (uri and version) the previous server process died on: not analysed again until edited. */
  quarantine?: { uri: string; version: number }[];
}
