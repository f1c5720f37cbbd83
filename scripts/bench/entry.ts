/**
 * Benchmark entry bundled by scripts/bench.mjs (esbuild -> temp .cjs, run in a fresh node).
 * argv: <logits.bin> <labels.bin> <float32|float64> <rows> <classes> <runs> <out-losses.bin>
 * Reads raw little-endian logits (Float32Array/Float64Array) and int32 labels, builds an int64
 * labels tensor, times softmaxCrossEntropySparse(labels, logits, -1) after one warm-up run,
 * writes the per-row losses as float64 and prints one JSON line with the timings in ms.
 */
import { readFileSync, writeFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { Tensor } from '../../src/core/tensor';
import { softmaxCrossEntropySparse } from '../../src/core/losses/kernels';

const [logitsPath, labelsPath, dtype, rowsS, classesS, runsS, outPath] = process.argv.slice(2);
const rows = Number(rowsS);
const classes = Number(classesS);
const runs = Number(runsS);

function readTyped<T>(path: string, Ctor: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number }, n: number): T {
  const buf = readFileSync(path);
  if (buf.byteLength !== n * Ctor.BYTES_PER_ELEMENT) throw new Error(`${path}: expected ${n * Ctor.BYTES_PER_ELEMENT} bytes, got ${buf.byteLength}`);
  // Copy into a fresh, aligned ArrayBuffer (Buffer slices may be unaligned or pooled).
  const ab = new ArrayBuffer(buf.byteLength);
  new Uint8Array(ab).set(buf);
  return new Ctor(ab, 0, n);
}

const logitsData = dtype === 'float32'
  ? readTyped(logitsPath, Float32Array, rows * classes)
  : readTyped(logitsPath, Float64Array, rows * classes);
const labels32 = readTyped(labelsPath, Int32Array, rows);
const labels = new Tensor('int64', [rows], Float64Array.from(labels32));
const logits = new Tensor(dtype as 'float32' | 'float64', [rows, classes], logitsData);

let loss = softmaxCrossEntropySparse(labels, logits, -1).loss; // warm-up (JIT)
const times: number[] = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  loss = softmaxCrossEntropySparse(labels, logits, -1).loss;
  times.push(performance.now() - t0);
}
writeFileSync(outPath, new Uint8Array(Float64Array.from(loss.data).buffer));
process.stdout.write(JSON.stringify({ times }) + '\n');
