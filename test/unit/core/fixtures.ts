import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DType, FloatDType, allocate, isFloat } from '../../../src/core/dtype';
import { Tensor } from '../../../src/core/tensor';
import { ulpDistance } from '../../helpers/ulps';

/**
 * Loader and checker for the exact-value fixtures in test/fixtures/exact/<family>.json
 * (format: docs/fixture-format.md). Tests need no Python: the files are committed.
 */

/** A tensor as the fixture files write it; non-finite numbers are strings. */
export interface FixtureTensor {
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}

export interface FixtureCase {
  id: string;
  op: string;
  init: Record<string, unknown>;
  args: Record<string, unknown>;
  kwargs: Record<string, unknown>;
  expected?: FixtureTensor;
  expected_error?: string;
  tol_ulps?: number;
  note?: string;
}

export interface FixtureFile {
  family: string;
  generator: string;
  cases: FixtureCase[];
}

const EXACT_DIR = path.resolve(__dirname, '../../fixtures/exact');

/** Reads test/fixtures/exact/<family>.json. */
export function loadFixtures(family: string): FixtureFile {
  return JSON.parse(fs.readFileSync(path.join(EXACT_DIR, `${family}.json`), 'utf8')) as FixtureFile;
}

export const fixtureExists = (family: string): boolean => fs.existsSync(path.join(EXACT_DIR, `${family}.json`));

export function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

export function num(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

/** A fixture tensor as a core Tensor (values stored in its dtype). */
export function toTensor(t: FixtureTensor): Tensor {
  const data = allocate(t.dtype, t.data.length);
  for (let i = 0; i < t.data.length; i++) data[i] = num(t.data[i]);
  return new Tensor(t.dtype, t.shape, data);
}

/** Converts every fixture tensor among an object's values to a Tensor; other values pass through. */
export function convertValues(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = isFixtureTensor(v) ? toTensor(v) : v;
  return out;
}

/**
 * Asserts `actual` matches the case's expected tensor: same dtype and shape, each element within
 * tol_ulps ulps (of the expected dtype, at the expected value); NaN must be NaN and infinities
 * exact. Returns the largest distance in ulps, for reporting.
 */
export function assertMatches(c: FixtureCase, actual: Tensor): number {
  const e = c.expected;
  if (!e) throw new Error(`${c.id}: case has no expected tensor`);
  assert.equal(actual.dtype, e.dtype, `${c.id}: dtype`);
  assert.deepEqual([...actual.shape], e.shape, `${c.id}: shape`);
  const dtype: FloatDType = isFloat(e.dtype) ? e.dtype : 'float64';
  const tol = c.tol_ulps ?? 0;
  let worst = 0;
  for (let i = 0; i < e.data.length; i++) {
    const want = num(e.data[i]);
    const got = actual.data[i];
    const d = ulpDistance(got, want, dtype);
    worst = Math.max(worst, d);
    assert.ok(d <= tol, `${c.id}[${i}]: got ${got}, expected ${want} (${d.toFixed(2)} ulps of ${dtype} > ${tol})`);
  }
  return worst;
}

/** Asserts that `fn` throws an error whose message contains the case's expected_error words. */
export function assertRejects(c: FixtureCase, fn: () => unknown): void {
  const words = c.expected_error ?? '';
  assert.throws(fn, (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    assert.ok(msg.includes(words), `${c.id}: error "${msg}" does not contain "${words}"`);
    return true;
  }, `${c.id}: expected an error containing "${words}"`);
}

/**
 * Registers one mocha test per case, named by its id: a case with expected_error must make `op`
 * throw an error containing it (assertRejects), any other must match its expected tensor
 * (assertMatches, within the case's tol_ulps).
 */
export function runFixtureCases(cases: readonly FixtureCase[], op: (c: FixtureCase) => Tensor): void {
  for (const c of cases) {
    it(c.id, () => {
      if (c.expected_error !== undefined) assertRejects(c, () => op(c));
      else assertMatches(c, op(c));
    });
  }
}
