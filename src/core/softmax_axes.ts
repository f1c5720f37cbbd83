import { normalizeAxes, permute } from './shape_ops';
import { logSoftmax, softmax } from './softmax';
import { Tensor } from './tensor';

/**
 * softmax / log_softmax normalised jointly over several axes: `axes` null means every axis
 * (keras.ops.softmax(x, axis=None), jax.nn.softmax(x, axis=None), scipy.special.softmax's
 * default), a list means those axes together (keras.ops and jax.nn accept tuples). Keras's TF
 * backend does exactly this: it transposes the normalised axes to the end, reshapes them into
 * one, applies softmax over the last axis and undoes both (keras/src/ops/nn.py softmax,
 * keras/src/backend/tensorflow/nn.py for axis=None). A single int is the ordinary lane softmax.
 */
export function softmaxOverAxes(x: Tensor, axes: number | readonly number[] | null, log = false): Tensor {
  const fn = log ? logSoftmax : softmax;
  if (typeof axes === 'number') return fn(x, axes);
  if (x.rank === 0) return fn(x.reshape([1]), 0).reshape([]);
  const reduced = normalizeAxes(axes, x.rank);
  const kept = x.shape.map((_, i) => i).filter((i) => !reduced.includes(i));
  const perm = [...kept, ...reduced];
  const moved = permute(x, perm);
  const lane = reduced.reduce((p, a) => p * x.shape[a], 1);
  const flat = moved.reshape([...kept.map((a) => x.shape[a]), lane]);
  const out = fn(flat, -1).reshape(moved.shape);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return permute(out, inverse);
}
