/**
 * Diagnostics as plain data. Rules return Findings; the extension converts them to VS Code
 * objects and the CLI prints them. Offsets are UTF-16 code unit offsets into the analysed text
 * (what tree-sitter gives and what vscode's document.positionAt takes).
 */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

export type RuleName =
  | 'double-softmax'
  | 'double-sigmoid'
  | 'manual-cross-entropy'
  | 'partial-binary-cross-entropy'
  | 'log-of-logits'
  | 'positional-loss-arguments'
  | 'one-hot-of-one-hot'
  | 'deprecated-tf1-api'
  | 'nll-expects-log-probs'
  | 'logits-into-probability-loss'
  | 'multiclass-multilabel'
  | 'kl-div';

export interface Span {
  start: number;
  end: number;
}

/** A replacement of text[start, end) by newText. */
export interface TextEdit extends Span {
  newText: string;
  /** Another project file the edit applies to (the file's path as the Project knows it); absent: the finding's file. */
  file?: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix the editor offers first (isPreferred). */
  preferred?: boolean;
  /**
   * 'safe': applied by `losslens check --fix` and source.fixAll (it keeps what the code means,
   * e.g. the result only feeds a loss); 'unsafe': changes what the code computes on purpose
   * (removing a softmax whose output is also used elsewhere), applied only with --unsafe-fixes
   * or by hand. Absent means unsafe.
   */
  applicability?: 'safe' | 'unsafe';
}

/** Another place that explains the finding (the softmax that causes a double softmax). */
export interface Related extends Span {
  message: string;
  /** Another project file the location is in (its path as the Project knows it); absent: the finding's file. */
  file?: string;
  /** 1-based line and column of `start` when `file` is set (the caller may not have that file's text). */
  line?: number;
  column?: number;
}

/** Numbers that make the finding concrete, when the inputs are known (shown on hover). */
export interface Explanation {
  /** E.g. "loss as written (double softmax): 1.1018 (float32)". */
  asWritten?: string;
  /** E.g. "loss as meant (softmax applied once): 0.4170". */
  asMeant?: string;
  /** Further lines: bounds, shapes, per-row values. */
  details?: string[];
}

export interface Finding extends Span {
  rule: RuleName;
  code: string;
  severity: Severity;
  message: string;
  related: Related[];
  fixes: Fix[];
  explanation?: Explanation;
}

export interface RuleInfo {
  name: RuleName;
  /** Stable code, e.g. LL101. */
  code: string;
  defaultSeverity: Severity;
  /** One line: what the rule finds. */
  summary: string;
}
