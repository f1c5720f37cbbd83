import { DType } from '../core/dtype';
import { Tensor } from '../core/tensor';

/** Which library made a tensor: decides dtype rules for literals and mixing. */
export type Framework = 'numpy' | 'tensorflow' | 'torch' | 'jax';

/** A tensor whose value is known. `framework` is where it lives (a numpy array, a tf.Tensor...). */
export interface TensorValue {
  kind: 'tensor';
  tensor: Tensor;
  framework: Framework;
  /**
   * The mathematical value where the framework's own arithmetic gives NaN or infinity although
   * the value is finite (a masked -inf logit with a zero label...): what a training run sees is
   * `tensor`, the true value is `exact`, and `exactWhy` says in one line why they differ.
   */
  exact?: Tensor;
  exactWhy?: string;
}

/**
 * A tensor whose value is not known here but whose dtype and (maybe partial) shape are:
 * a tf.placeholder (fed later by a feed_dict), a random tensor, a model output of known shape.
 * `null` dimensions are unknown (None).
 */
export interface AbstractTensorValue {
  kind: 'abstract';
  dtype: DType;
  shape: (number | null)[] | null;
  framework: Framework;
  /** Why the value is unknown, for messages ("random values from tf.random.uniform"). */
  why: string;
  /** Set for placeholders: the binding that a feed_dict key resolves to. */
  placeholder?: PlaceholderInfo;
}

export interface PlaceholderInfo {
  name: string;
  id: number;
}

/** A Python number, bool or None; `int` tells int from float (they convert to different dtypes). */
export interface ScalarValue {
  kind: 'scalar';
  value: number;
  int: boolean;
  /** True for True/False (bool is an int subclass in Python, but makes bool arrays). */
  isBool?: boolean;
}

export interface ListValue {
  kind: 'list';
  items: Value[];
  tuple: boolean;
}

export interface DictValue {
  kind: 'dict';
  entries: { key: Value; value: Value }[];
}

export interface StringValue {
  kind: 'string';
  value: string;
}

export interface NoneValue {
  kind: 'none';
}

/** A module, function or class of a known library, by its canonical dotted name. */
export interface RefValue {
  kind: 'ref';
  qualname: string;
  /** functools.partial(f, *args, **kwargs): arguments bound ahead of the call. */
  partial?: { positional: Value[]; keywords: [string, Value][] };
  /** jax.vmap(f) over the leading axis (calls/wrappers.ts): every argument must be batched. */
  vmapped?: boolean;
}

/** A loss object built by a known class (nn.CrossEntropyLoss(weight=w)), callable later. */
export interface CallableValue {
  kind: 'callable';
  qualname: string;
  /** Constructor arguments, already evaluated. */
  init: Record<string, Value>;
}

/** A dtype object (tf.float32, torch.float64, np.float32, 'float32'). */
export interface DTypeValue {
  kind: 'dtype';
  dtype: DType;
}

/** Something we know exists but do not model (a session, a model, an optimizer). */
export interface OpaqueValue {
  kind: 'opaque';
  what: string;
}

export type Value =
  | TensorValue
  | AbstractTensorValue
  | ScalarValue
  | ListValue
  | DictValue
  | StringValue
  | NoneValue
  | RefValue
  | CallableValue
  | DTypeValue
  | OpaqueValue;

export const NONE: NoneValue = { kind: 'none' };

/**
 * Why an expression could not be evaluated. `recognised` is true when the expression is a tensor
 * computation we know (so the user gets the reason), false when it is simply not ours (a
 * string, a session, an unknown library), which the file-level evaluation stays silent about.
 */
export class EvalError extends Error {
  constructor(
    message: string,
    readonly recognised: boolean,
    readonly node?: { startIndex: number; endIndex: number },
  ) {
    super(message);
    this.name = 'EvalError';
  }
}

/** An unknown value used where a tensor was needed: recognised, with the reason carried along. */
export class UnknownValueError extends EvalError {
  constructor(message: string, node?: { startIndex: number; endIndex: number }, readonly abstract?: AbstractTensorValue) {
    super(message, true, node);
  }
}

export function describe(v: Value): string {
  switch (v.kind) {
    case 'tensor': return `${v.tensor.dtype} tensor of shape [${v.tensor.shape.join(', ')}]`;
    case 'abstract': return `${v.dtype} tensor of shape ${v.shape ? `[${v.shape.map((d) => d ?? 'None').join(', ')}]` : 'unknown'}`;
    case 'scalar': return v.int ? 'an int' : 'a float';
    case 'list': return v.tuple ? 'a tuple' : 'a list';
    case 'dict': return 'a dict';
    case 'string': return 'a string';
    case 'none': return 'None';
    case 'ref': return v.qualname;
    case 'callable': return `a ${v.qualname} object`;
    case 'dtype': return `dtype ${v.dtype}`;
    case 'opaque': return v.what;
  }
}
