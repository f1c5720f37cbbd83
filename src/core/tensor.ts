import { DType, TypedData, allocate } from './dtype';
import { ShapeError, ValueError } from './errors';
import { checkElements, checkTime } from './limits';

/** A nested array of numbers as it appears in code or JSON. */
export type Nested = number | Nested[];

/**
 * A dense row-major tensor: a shape, a dtype and flat typed data.
 * Tensors are treated as immutable once built; operations return new tensors.
 */
export class Tensor {
  readonly size: number;

  constructor(readonly dtype: DType, readonly shape: readonly number[], readonly data: TypedData) {
    const size = shapeSize(shape);
    if (size !== data.length) {
      throw new ShapeError(`data of length ${data.length} does not fit shape ${formatShape(shape)}`);
    }
    this.size = size;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A tensor of the given shape filled by `f(flatIndex)`, rounded to `dtype`. */
  static fill(dtype: DType, shape: readonly number[], f: (i: number) => number): Tensor {
    checkElements(shape, 'a tensor');
    const data = allocate(dtype, shapeSize(shape));
    for (let i = 0; i < data.length; i++) {
      if ((i & 0xffff) === 0) checkTime(); // f may be a whole loss formula per element
      data[i] = f(i);
    }
    return new Tensor(dtype, shape, data);
  }

  static scalar(value: number, dtype: DType): Tensor {
    const data = allocate(dtype, 1);
    data[0] = value;
    return new Tensor(dtype, [], data);
  }

  /** Builds a tensor from a nested array; ragged input is a ShapeError that names where. */
  static fromNested(values: Nested, dtype: DType): Tensor {
    const shape = nestedShape(values);
    checkElements(shape, 'an array');
    const data = allocate(dtype, shapeSize(shape));
    let k = 0;
    const walk = (v: Nested): void => {
      if (typeof v === 'number') data[k++] = v;
      else for (const e of v) walk(e);
    };
    walk(values);
    return new Tensor(dtype, shape, data);
  }

  /** Element at a multi-index (no bounds check beyond the flat index). */
  at(...index: number[]): number {
    let flat = 0;
    for (let d = 0; d < this.shape.length; d++) flat = flat * this.shape[d] + index[d];
    return this.data[flat];
  }

  /** The value as a nested array (a plain number for a scalar). */
  toNested(): Nested {
    const shape = this.shape;
    let k = 0;
    const build = (d: number): Nested => {
      if (d === shape.length) return this.data[k++];
      const out: Nested[] = new Array(shape[d]);
      for (let i = 0; i < shape[d]; i++) out[i] = build(d + 1);
      return out;
    };
    return build(0);
  }

  /** The same data under a new shape of equal size (-1 infers one dimension). */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.dtype, inferReshape(this.size, shape, this.shape), this.data);
  }

  /** Converts to another dtype, rounding (float32) or truncating (ints) as a cast does. */
  cast(dtype: DType): Tensor {
    if (dtype === this.dtype) return this;
    const data = allocate(dtype, this.size);
    const src = this.data;
    if (dtype === 'int32' || dtype === 'int64') {
      for (let i = 0; i < src.length; i++) data[i] = Math.trunc(src[i]);
    } else if (dtype === 'bool') {
      for (let i = 0; i < src.length; i++) data[i] = src[i] !== 0 ? 1 : 0;
    } else {
      data.set(src);
    }
    return new Tensor(dtype, this.shape, data);
  }
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Shape of a nested array; throws a ShapeError naming the first ragged position. */
export function nestedShape(values: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  const check = (x: Nested, d: number, path: number[]): void => {
    if (d === shape.length) {
      if (typeof x !== 'number') throw new ShapeError(`ragged array: element ${formatPath(path)} is a list where a number was expected (shape so far ${formatShape(shape)})`);
      return;
    }
    if (!Array.isArray(x)) throw new ShapeError(`ragged array: element ${formatPath(path)} is a number where a list of ${shape[d]} was expected`);
    if (x.length !== shape[d]) throw new ShapeError(`ragged array: element ${formatPath(path)} has ${x.length} entries, expected ${shape[d]} like the first one`);
    for (let i = 0; i < x.length; i++) check(x[i], d + 1, [...path, i]);
  };
  check(values, 0, []);
  return shape;
}

function formatPath(path: number[]): string {
  return path.length === 0 ? 'at the top' : path.map((i) => `[${i}]`).join('');
}

function inferReshape(size: number, shape: readonly number[], from: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || size % known !== 0) throw new ShapeError(`cannot reshape ${formatShape(from)} to ${formatShape(shape)}`);
    out[unknown] = size / known;
  }
  if (shapeSize(out) !== size) throw new ShapeError(`cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(shape)}`);
  return out;
}

/** Normalizes a possibly negative axis for a tensor of `rank`; throws for out-of-range axes. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ValueError(`${what} ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Splits a shape around `axis` into (outer, n, inner) so that element (o, i, j) of the lane view
 * is at flat index (o * n + i) * inner + j. Every axis-wise op iterates this way.
 */
export function laneView(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, n: shape[axis], inner };
}
