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
  /** The values, row-major; absent for a generated input (`gen`). */
  data: (number | string)[];
  /** An expected tensor stored at these flat positions only (random sets, large results). */
  indices?: number[];
  /** A generated input (random sets): expanded by expandGen with the shared PRNG. */
  gen?: GenSpec;
}

export interface GenSpec {
  kind: 'logits' | 'unit' | 'int' | 'onehot';
  seed: number;
  scale?: number;
  lo?: number;
  hi?: number;
}

/** mulberry32, bit for bit as scripts/fixtures/random_sets.py: 32-bit unsigned outputs. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * The values of a generated input (docs/fixture-format.md): every value is an integer times a
 * power of two, exact in its dtype, so Python and TypeScript produce the same bits.
 */
export function expandGen(dtype: DType, shape: number[], g: GenSpec): number[] {
  const next = mulberry32(g.seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const wide = (): number => (next() >>> 11) * 2 ** 32 + next(); // 53 random bits
  const out: number[] = new Array(n);
  switch (g.kind) {
    case 'logits': {
      // sign, magnitude in [2^(scale-8), 2^scale), a full random significand
      const scale = g.scale ?? 0;
      for (let i = 0; i < n; i++) {
        const r = next();
        const sign = r & 1 ? -1 : 1;
        const e = scale - ((r >>> 1) % 8);
        out[i] = dtype === 'float32'
          ? sign * ((next() >>> 9) + 2 ** 23) * 2 ** (e - 24)
          : sign * (((next() >>> 12) + 2 ** 20) * 2 ** 32 + next()) * 2 ** (e - 53);
      }
      return out;
    }
    case 'unit':
      for (let i = 0; i < n; i++) out[i] = dtype === 'float32' ? ((next() >>> 8) + 1) / 2 ** 24 : (wide() + 1) / 2 ** 53;
      return out;
    case 'int': {
      const lo = g.lo ?? 0;
      const span = (g.hi ?? 0) - lo;
      for (let i = 0; i < n; i++) out[i] = lo + (next() % span);
      return out;
    }
    case 'onehot': {
      const c = shape[shape.length - 1];
      out.fill(0);
      for (let r = 0; r * c < n; r++) out[r * c + (next() % c)] = 1;
      return out;
    }
  }
  throw new Error(`unknown generator kind ${String((g as GenSpec).kind)}`);
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
  /** Random sets: the first outputs of mulberry32(1) as Python produced them. */
  prng_check?: number[];
  cases: FixtureCase[];
}

const EXACT_DIR = path.resolve(__dirname, '../../fixtures/exact');

/** Reads test/fixtures/exact/<family>.json. */
export function loadFixtures(family: string): FixtureFile {
  return JSON.parse(fs.readFileSync(path.join(EXACT_DIR, `${family}.json`), 'utf8')) as FixtureFile;
}

export const fixtureExists = (family: string): boolean => fs.existsSync(path.join(EXACT_DIR, `${family}.json`));

export function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && ('data' in v || 'gen' in v);
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
  const values = t.gen ? expandGen(t.dtype, t.shape, t.gen) : t.data;
  const data = allocate(t.dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = num(values[i]);
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
  for (let j = 0; j < e.data.length; j++) {
    const i = e.indices ? e.indices[j] : j;
    const want = num(e.data[j]);
    const got = actual.data[i];
    const d = ulpDistance(got, want, dtype);
    worst = Math.max(worst, d);
    assert.ok(d <= tol, `${c.id}[${i}]: got ${got}, expected ${want} (${d.toFixed(2)} ulps of ${dtype} > ${tol})`);
  }
  recordWorst(c, e.dtype, worst);
  return worst;
}

/** Worst ulps per "op dtype" over every case checked in this process (LOSSLENS_ULPS_REPORT=1 prints it). */
export const worstUlps = new Map<string, number>();

function recordWorst(c: FixtureCase, dtype: string, worst: number): void {
  const key = `${c.id.startsWith('random.') ? 'random' : 'curated'}  ${c.op}  ${dtype}`;
  worstUlps.set(key, Math.max(worstUlps.get(key) ?? 0, worst));
}

if (process.env.LOSSLENS_ULPS_REPORT) {
  after(() => {
    const rows = [...worstUlps].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}  ${v.toFixed(2)}`);
    process.stderr.write(`worst ulps (set  op  dtype  ulps):\n${rows.join('\n')}\n`);
  });
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
