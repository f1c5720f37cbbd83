import { strict as assert } from 'assert';
import { FloatDType, ulp } from '../../src/core/dtype';

/** Distance between two numbers in ulps of `dtype` at the expected value. NaN == NaN; infinities must match exactly. */
export function ulpDistance(actual: number, expected: number, dtype: FloatDType): number {
  if (Number.isNaN(expected)) return Number.isNaN(actual) ? 0 : Infinity;
  if (!Number.isFinite(expected)) return actual === expected ? 0 : Infinity;
  if (expected === 0) return actual === 0 ? 0 : Math.abs(actual) / ulp(Number.MIN_VALUE, dtype);
  return Math.abs(actual - expected) / ulp(expected, dtype);
}

type NestedNum = number | string | NestedNum[];

function flat(x: NestedNum): number[] {
  if (Array.isArray(x)) return x.flatMap(flat);
  if (typeof x === 'string') return [x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : Number(x)];
  return [x];
}

/** Asserts that nested values agree elementwise within `tol` ulps of `dtype`, and have the same shape. */
export function assertUlps(actual: NestedNum, expected: NestedNum, dtype: FloatDType, tol: number, what: string): void {
  assert.equal(JSON.stringify(shapeOf(actual)), JSON.stringify(shapeOf(expected)), `${what}: shape`);
  const a = flat(actual);
  const e = flat(expected);
  for (let i = 0; i < e.length; i++) {
    const d = ulpDistance(a[i], e[i], dtype);
    assert.ok(d <= tol, `${what}[${i}]: got ${a[i]}, expected ${e[i]} (${d.toFixed(1)} ulps of ${dtype} > ${tol})`);
  }
}

function shapeOf(x: NestedNum): number[] {
  return Array.isArray(x) ? [x.length, ...(x.length ? shapeOf(x[0]) : [])] : [];
}
