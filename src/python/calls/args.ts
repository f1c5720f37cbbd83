import { DType } from '../../core/dtype';
import { Tensor } from '../../core/tensor';
import { LiteralLimits, toTensor } from '../convert';
import { EvalError, Framework, Value, describe } from '../values';

/** What a call handler gets besides its arguments. */
export interface CallContext {
  /** The canonical name being called (for messages). */
  qualname: string;
  framework: Framework;
  limits: LiteralLimits;
  /** Explanations attached to the result (e.g. which positional order was assumed). */
  notes: string[];
}

/**
 * The arguments of one call, bound to the framework's parameter names (positional arguments in
 * signature order, then keywords), with typed accessors that convert the way the framework does
 * and say precisely what is wrong otherwise.
 */
export class Args {
  constructor(
    readonly values: Map<string, Value>,
    readonly cx: CallContext,
    /** Names that came positionally (the positional-order rules need to know). */
    readonly positional: Set<string>,
    /** Source text of each argument by parameter name (for messages and naming heuristics). */
    readonly texts: Map<string, string> = new Map(),
  ) {}

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v.kind !== 'none';
  }

  get(name: string): Value | undefined {
    return this.values.get(name);
  }

  private need(name: string): Value {
    const v = this.values.get(name);
    if (v === undefined) throw new EvalError(`${this.cx.qualname}() is missing the argument '${name}'`, true);
    return v;
  }

  /** A tensor argument, converted with the framework's rules (a Python list becomes float32 in TF). */
  tensor(name: string, dtype?: DType): Tensor {
    return toTensor(this.need(name), this.cx.framework, dtype, this.cx.limits, `argument '${name}' of ${this.cx.qualname}`);
  }

  optTensor(name: string, dtype?: DType): Tensor | undefined {
    return this.has(name) ? this.tensor(name, dtype) : undefined;
  }

  number(name: string, dflt?: number): number {
    const v = this.values.get(name);
    if (v === undefined || v.kind === 'none') {
      if (dflt === undefined) throw new EvalError(`${this.cx.qualname}() needs a number for '${name}'`, true);
      return dflt;
    }
    if (v.kind === 'scalar') return v.value;
    if (v.kind === 'tensor' && v.tensor.size === 1) return v.tensor.data[0];
    throw new EvalError(`'${name}' of ${this.cx.qualname} must be a number, got ${describe(v)}`, true);
  }

  optNumber(name: string): number | undefined {
    return this.has(name) ? this.number(name) : undefined;
  }

  int(name: string, dflt?: number): number {
    const n = this.number(name, dflt);
    if (!Number.isInteger(n)) throw new EvalError(`'${name}' of ${this.cx.qualname} must be an integer, got ${n}`, true);
    return n;
  }

  bool(name: string, dflt: boolean): boolean {
    const v = this.values.get(name);
    if (v === undefined || v.kind === 'none') return dflt;
    if (v.kind === 'scalar') return v.value !== 0;
    throw new EvalError(`'${name}' of ${this.cx.qualname} must be True or False, got ${describe(v)}`, true);
  }

  string(name: string, dflt?: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined || v.kind === 'none') return dflt;
    if (v.kind === 'string') return v.value;
    if (v.kind === 'ref') return v.qualname.split('.').pop(); // tf.losses.Reduction.SUM -> 'SUM'
    throw new EvalError(`'${name}' of ${this.cx.qualname} must be a string, got ${describe(v)}`, true);
  }

  /** An axis argument: an int, a list/tuple of ints, or None (all axes). */
  axes(name: string): number | number[] | null | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (v.kind === 'none') return null;
    if (v.kind === 'scalar' && v.int) return v.value;
    if (v.kind === 'list' && v.items.every((i) => i.kind === 'scalar' && i.int)) {
      return v.items.map((i) => (i as { value: number }).value);
    }
    if (v.kind === 'tensor' && (v.tensor.dtype === 'int32' || v.tensor.dtype === 'int64')) {
      return v.tensor.rank === 0 ? v.tensor.data[0] : Array.from(v.tensor.data);
    }
    throw new EvalError(`'${name}' of ${this.cx.qualname} must be an int or a list of ints, got ${describe(v)}`, true);
  }

  dtype(name: string): DType | undefined {
    const v = this.values.get(name);
    if (v === undefined || v.kind === 'none') return undefined;
    if (v.kind === 'dtype') return v.dtype;
    if (v.kind === 'string') {
      const d = dtypeFromName(v.value);
      if (d) return d;
    }
    throw new EvalError(`'${name}' of ${this.cx.qualname} is not a dtype Loss Lens knows: ${v.kind === 'string' ? v.value : describe(v)}`, true);
  }
}

const DTYPE_NAMES: Record<string, DType> = {
  float32: 'float32', float: 'float32', single: 'float32',
  float64: 'float64', double: 'float64',
  int32: 'int32', int: 'int32', int64: 'int64', long: 'int64',
  bool: 'bool', bool_: 'bool',
};

/** 'float32', 'float64', 'int64'... (also torch.float/torch.double/torch.long). NumPy's np.float is float64, handled by callers. */
export function dtypeFromName(name: string): DType | undefined {
  return DTYPE_NAMES[name];
}

/** A function signature: parameter names in order and how many may be given positionally. */
export interface Signature {
  params: string[];
  /** Number of leading parameters that may be passed positionally (default: all). */
  positional?: number;
  /** Accept and ignore these keyword arguments (name=, etc.). */
  ignore?: string[];
}

/** Binds positional and keyword arguments to a signature, rejecting what Python would reject. */
export function bindArgs(
  sig: Signature,
  qualname: string,
  positional: Value[],
  keywords: Map<string, Value>,
): { values: Map<string, Value>; positional: Set<string> } {
  const values = new Map<string, Value>();
  const pos = new Set<string>();
  const maxPos = sig.positional ?? sig.params.length;
  if (positional.length > maxPos) {
    throw new EvalError(
      maxPos === 0
        ? `${qualname}() takes its arguments by keyword only (got ${positional.length} positional)`
        : `${qualname}() takes at most ${maxPos} positional argument${maxPos === 1 ? '' : 's'} (got ${positional.length})`,
      true,
    );
  }
  positional.forEach((v, i) => {
    values.set(sig.params[i], v);
    pos.add(sig.params[i]);
  });
  for (const [k, v] of keywords) {
    if (sig.ignore?.includes(k) || k === 'name') continue;
    if (!sig.params.includes(k)) throw new EvalError(`${qualname}() got an unexpected keyword argument '${k}'`, true);
    if (values.has(k)) throw new EvalError(`${qualname}() got multiple values for argument '${k}'`, true);
    values.set(k, v);
  }
  return { values, positional: pos };
}
