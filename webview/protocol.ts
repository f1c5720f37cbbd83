/**
 * The one message protocol between the extension (src/extension/panel.ts) and the panel's
 * webview (webview/main.ts). Imported by both sides, so it uses neither vscode nor the DOM.
 *
 * Everything here is plain JSON: postMessage serialises it, so NaN and the infinities travel as
 * the strings 'NaN', 'Infinity' and '-Infinity' (JsonNumber), and every number comes with the
 * text the framework would print for it (Num.text), so the webview never formats numbers.
 * Lines are 1-based, as editors show them.
 */

/** A number that survives JSON: finite numbers as numbers, the others by name. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** A value and how the framework prints it ("0.4790107" NumPy style, "0.4790" PyTorch style). */
export interface Num {
  value: JsonNumber;
  text: string;
}

/** The framework a value or call belongs to, as users name it. */
export type FrameworkName = 'TensorFlow' | 'Keras' | 'PyTorch' | 'JAX' | 'optax' | 'NumPy' | 'SciPy';

/** What a loss or activation takes as its prediction argument. */
export type InputKind = 'logits' | 'probabilities' | 'log-probabilities';

/**
 * How labels are given: 'sparse' integer class indices, 'dense' one row of class probabilities
 * (one-hot) per example, 'binary' independent 0/1 targets per output (sigmoid losses), or
 * 'sparse-or-dense' when the function accepts either (PyTorch cross_entropy tells them by shape).
 */
export type LabelKind = 'sparse' | 'dense' | 'binary' | 'sparse-or-dense';

export interface Expectation {
  input: InputKind;
  labels: LabelKind | null;
  /** The class axis as the call sets it (-1 = last; PyTorch's dim 1), null when not applicable. */
  classAxis: number | null;
  /** One sentence, e.g. "logits (unnormalised scores); labels as one row of class probabilities per example". */
  summary: string;
}

/** One row of a table: an example, its cells (one per class or output), and what is known about it. */
export interface TableRow {
  /** "row 0", "row 1"... */
  label: string;
  cells: Num[];
  /** This example's loss, when the loss has one value per row. */
  loss?: Num;
  /** argmax of the row (the predicted class). */
  predicted?: number;
  /** The true class: the sparse label, or the argmax of a dense label row. */
  target?: number | null;
  /** predicted === target; null when the target is unknown or ignored. */
  correct?: boolean | null;
}

/**
 * A table with rows = examples and columns = classes (or outputs), like the table of softmax
 * probabilities in the seed documents. Large tables are capped (ROW_CAP x COLUMN_CAP); `omitted`
 * says how much was left out.
 */
export interface TableModel {
  /** 'probabilities' (softmax/sigmoid rows), 'values' (the tensor as given), 'losses' (elementwise losses). */
  role: 'probabilities' | 'values' | 'losses';
  caption: string;
  dtype: string;
  /** Column headers: "Pr(class 0)"... or "[0]"... */
  columns: string[];
  rows: TableRow[];
  /** Shape of the whole table before capping: [rows, columns]. */
  totalRows: number;
  totalColumns: number;
  /** e.g. "300 more rows and 14 more columns not shown", null when nothing was left out. */
  omitted: string | null;
}

/** The loss after reduction, and which reduction made it. */
export interface Reduced {
  value: Num;
  /** The reduction's name as the framework spells it: 'mean', 'sum', 'sum_over_batch_size', 'none'... */
  reduction: string;
  /** e.g. "mean over 2 rows (PyTorch default reduction='mean')". */
  description: string;
}

/** A hand-written formula next to the framework's fused, numerically stable op, in the same dtype. */
export interface Comparison {
  title: string;
  dtype: string;
  naive: { label: string; expression: string };
  stable: { label: string; expression: string };
  rows: { label: string; naive: Num; stable: Num; /** |naive - stable| in ulps of dtype (null when not finite). */ ulps: number | null }[];
  /** e.g. "max |log(softmax(x)) - log_softmax(x)| = 0 (dtype float64)"; entries that underflowed. */
  notes: string[];
}

/** Everything the panel shows about one loss call, activation, array or expression. */
export interface PanelModel {
  kind: 'loss' | 'manual-loss' | 'activation' | 'array' | 'expression';
  title: string;
  source: { uri: string; line: number; endLine: number; expression: string };
  framework: FrameworkName | null;
  /** The function as users write it ("tf.nn.softmax_cross_entropy_with_logits", "nn.CrossEntropyLoss"). */
  function: { name: string; qualname: string; expects: Expectation | null } | null;
  dtype: string | null;
  shape: (number | null)[] | null;
  /** Softmax/sigmoid probabilities first, then any others (elementwise losses, raw values). */
  tables: TableModel[];
  /** The value of the expression itself, printed as the framework would ("[0.4790107  1.19967598]"). */
  value: { text: string; dtype: string; shape: number[] } | null;
  /**
   * The mathematical value where the framework's own arithmetic gives NaN or infinity although the
   * value is finite (`value` is what training sees), printed the same way, with one line saying why.
   */
  exact?: { text: string; why: string } | null;
  reduced: Reduced | null;
  comparison: Comparison | null;
  notes: string[];
  /** Why the expression could not be evaluated (the rest of the model says what is known). */
  error: string | null;
  /**
   * Set instead of `error` when the inputs exist only at run time (a model's output, data loaded
   * from files, an unfed placeholder): the normal case in training code, shown as a calm note.
   */
  runtimeOnly?: string | null;
  /** The findings (diagnostics) on this call, one line each ("LL101 double-softmax: ..."). */
  findings?: string[];
}

/**
 * Caps on what a table carries across the wire. A hover's model keeps the small default
 * (HOVER_CELLS); a command's model (the panel) carries up to PANEL_CELLS cells, at most ROW_CAP
 * rows and COLUMN_CAP columns, so 1,000 classes or thousands of rows reach the panel (which
 * virtualises its rows).
 */
export const ROW_CAP = 10_000;
export const COLUMN_CAP = 1_000;
export const HOVER_CELLS = 10_000;
export const PANEL_CELLS = 50_000;
/** The longest text the panel may ask the extension to put on the clipboard. */
export const COPY_CAP = 16_000_000;

/** Extension -> panel. */
export type ToPanel = { type: 'show'; model: PanelModel } | { type: 'empty'; reason: string };

/** Panel -> extension. `rows` is the number of example rows rendered in the first table. */
export type FromPanel =
  | { type: 'ready' }
  | { type: 'rendered'; title: string; rows: number; /** Example rows of the first table in the DOM (virtualised: fewer). */ domRows?: number }
  | { type: 'reveal'; uri: string; line: number }
  /** Copy the first table as CSV or as a NumPy literal (the extension writes the clipboard). */
  | { type: 'copy'; format: 'csv' | 'numpy'; text: string };

/** What the webview keeps with setState (and the serializer hands back after a reload). */
export interface PanelState {
  last: ToPanel | null;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Validates a message from the webview (never trust its shape). */
export function isFromPanel(x: unknown): x is FromPanel {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'ready':
      return true;
    case 'rendered':
      return typeof x.title === 'string' && typeof x.rows === 'number' && (x.domRows === undefined || typeof x.domRows === 'number');
    case 'reveal':
      return typeof x.uri === 'string' && typeof x.line === 'number' && Number.isInteger(x.line) && x.line >= 1;
    case 'copy':
      return (x.format === 'csv' || x.format === 'numpy') && typeof x.text === 'string' && x.text.length <= COPY_CAP;
    default:
      return false;
  }
}

/** Validates a message from the extension (shallowly: the model's fields are checked where used). */
export function isToPanel(x: unknown): x is ToPanel {
  if (!isObj(x)) return false;
  if (x.type === 'show') return isObj(x.model) && typeof x.model.title === 'string' && Array.isArray(x.model.tables);
  if (x.type === 'empty') return typeof x.reason === 'string';
  return false;
}

/** Reads a saved PanelState back (anything else gives an empty state). */
export function toPanelState(x: unknown): PanelState {
  if (isObj(x) && (x.last === null || isToPanel(x.last))) return { last: x.last as ToPanel | null };
  return { last: null };
}

/** JsonNumber back to a number. */
export function fromJsonNumber(v: JsonNumber): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

/** A number to JsonNumber. */
export function toJsonNumber(v: number): JsonNumber {
  return Number.isFinite(v) ? v : v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}
