import { allocate } from '../core/dtype';
import { BudgetError, LossLensError } from '../core/errors';
import { Tensor, shapeSize } from '../core/tensor';
import type { Args } from './calls/args';
import { AbstractTensorValue, EvalError, Value } from './values';

/** Largest stand-in tensor built for shape inference. */
const MAX_STANDIN = 100_000;

/**
 * Shape and dtype inference for expressions whose inputs are only partly known (placeholders,
 * random tensors): the same numerics run on zero-filled stand-ins of the known shapes, and only
 * the result's dtype and shape are kept. Unknown (None) dimensions are tried at two sizes;
 * output dimensions that differ between the two runs are unknown too. An error on stand-ins of
 * fully known shapes is a real error (mismatched shapes, wrong dtype) and is reported as such.
 */
export function withStandInValues(values: Value[], f: (vals: Value[]) => Value): Value {
  const abstracts = collectAbstract(values);
  if (abstracts.length === 0) return f(values);
  const why = abstracts[0].why;
  const unknown = (): AbstractTensorValue => ({ kind: 'abstract', dtype: abstracts[0].dtype, shape: null, framework: abstracts[0].framework, why });
  if (abstracts.some((a) => a.shape === null)) return unknown();
  const hasNone = abstracts.some((a) => a.shape!.some((d) => d === null));
  const run = (noneSize: number): Value | Error => {
    const sub = values.map((v) => substitute(v, noneSize));
    if (sub === null || sub.some((v) => v === null)) return new Error('too large for shape inference');
    try {
      return f(sub as Value[]);
    } catch (e) {
      if (e instanceof BudgetError && e.stopsAll) throw e; // out of time: not a fact about the shapes
      if (e instanceof LossLensError || e instanceof EvalError) return e;
      throw e;
    }
  };
  const r1 = run(2);
  if (r1 instanceof Error) {
    if (r1 instanceof LossLensError || (r1 instanceof EvalError && r1.recognised)) {
      if (!hasNone || run(3) instanceof Error) throw r1;
    }
    return unknown();
  }
  if (r1.kind !== 'tensor') return unknown();
  let shape: (number | null)[] = [...r1.tensor.shape];
  if (hasNone) {
    const r2 = run(3);
    if (r2 instanceof Error || r2.kind !== 'tensor' || r2.tensor.rank !== r1.tensor.rank) shape = shape.map(() => null);
    else shape = shape.map((d, i) => (d === r2.tensor.shape[i] ? d : null));
  }
  return { kind: 'abstract', dtype: r1.tensor.dtype, shape, framework: r1.framework, why };
}

/** withStandInValues over a call's bound arguments. */
export function withStandIns(args: Args, f: (a: Args) => Value): Value {
  const names = [...args.values.keys()];
  const vals = names.map((n) => args.values.get(n)!);
  if (collectAbstract(vals).length === 0) return f(args);
  return withStandInValues(vals, (sub) => {
    const A = args.constructor as new (...p: unknown[]) => Args;
    return f(new A(new Map(names.map((n, i) => [n, sub[i]])), args.cx, args.positional, args.texts));
  });
}

/** Most list items looked at for abstract values (nested lists can share items: x = [x, x]). */
const MAX_COLLECT = 100_000;

function collectAbstract(values: Value[]): AbstractTensorValue[] {
  const out: AbstractTensorValue[] = [];
  let visited = 0;
  const walk = (v: Value, depth: number) => {
    if (++visited > MAX_COLLECT || depth > 64) return; // converting such a list fails on its own limits
    if (v.kind === 'abstract') out.push(v);
    else if (v.kind === 'list') for (const i of v.items) walk(i, depth + 1);
  };
  for (const v of values) walk(v, 0);
  return out;
}

function substitute(v: Value, noneSize: number, visits = { n: 0 }, depth = 0): Value | null {
  if (++visits.n > MAX_COLLECT || depth > 64) return null;
  if (v.kind === 'abstract') {
    const shape = v.shape!.map((d) => d ?? noneSize);
    const size = shapeSize(shape);
    if (size > MAX_STANDIN) return null;
    return { kind: 'tensor', tensor: new Tensor(v.dtype, shape, allocate(v.dtype, size)), framework: v.framework };
  }
  if (v.kind === 'list') {
    const items: Value[] = [];
    for (const i of v.items) {
      const s = substitute(i, noneSize, visits, depth + 1);
      if (s === null) return null;
      items.push(s);
    }
    return { ...v, items };
  }
  return v;
}

