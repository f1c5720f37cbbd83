import { binary, unary } from './broadcast';
import { DType, floatOf, isFloat, promote } from './dtype';
import * as S from './scalar';
import { Tensor } from './tensor';

/**
 * Elementwise ops with NumPy broadcasting. Each result is computed in float64 from the (already
 * rounded) inputs and stored once in the result dtype: for float32 that is the correctly rounded
 * result of one float32 operation, which is what TF, PyTorch and JAX compute on CPU for + - * /
 * and within their own 1-2 ulp error for log/exp.
 */

/** The dtype of an arithmetic result: NumPy promotion (callers enforce stricter framework rules). */
function arith(a: Tensor, b: Tensor): DType {
  const d = promote(a.dtype, b.dtype);
  return d === 'bool' ? 'int64' : d;
}

export const add = (a: Tensor, b: Tensor, dtype = arith(a, b)) => binary(a, b, dtype, (x, y) => x + y);
export const sub = (a: Tensor, b: Tensor, dtype = arith(a, b)) => binary(a, b, dtype, (x, y) => x - y);
export const mul = (a: Tensor, b: Tensor, dtype = arith(a, b)) => binary(a, b, dtype, (x, y) => x * y);
/** True division; integer inputs give float64 as in NumPy (callers pick float32 for torch). */
export const div = (a: Tensor, b: Tensor, dtype: DType = isFloat(arith(a, b)) ? arith(a, b) : 'float64') =>
  binary(a, b, dtype, (x, y) => x / y);
export const pow = (a: Tensor, b: Tensor, dtype = arith(a, b)) => binary(a, b, dtype, (x, y) => Math.pow(x, y));
/** Elementwise maximum; NaN propagates (tf.maximum, torch.maximum, np.maximum). */
export const maximum = (a: Tensor, b: Tensor, dtype = arith(a, b)) => binary(a, b, dtype, (x, y) => (x !== x || y !== y ? NaN : Math.max(x, y)));
export const minimum = (a: Tensor, b: Tensor, dtype = arith(a, b)) => binary(a, b, dtype, (x, y) => (x !== x || y !== y ? NaN : Math.min(x, y)));

const fl = (x: Tensor) => floatOf(x.dtype);

export const neg = (x: Tensor) => unary(x, x.dtype, (v) => -v);
export const abs = (x: Tensor) => unary(x, x.dtype, Math.abs);
export const log = (x: Tensor) => unary(x, fl(x), Math.log);
export const log1p = (x: Tensor) => unary(x, fl(x), Math.log1p);
export const exp = (x: Tensor) => unary(x, fl(x), Math.exp);
export const sqrt = (x: Tensor) => unary(x, fl(x), Math.sqrt);
export const square = (x: Tensor) => unary(x, x.dtype, (v) => v * v);
/** sigmoid(x) = 1 / (1 + e^-x), stable for both signs (see scalar.ts). */
export const sigmoid = (x: Tensor) => unary(x, fl(x), S.sigmoid);
/** softplus(x) = log(1 + e^x), stable. */
export const softplus = (x: Tensor) => unary(x, fl(x), S.softplus);
/** log(sigmoid(x)) = -softplus(-x), stable (tf.math.log_sigmoid, F.logsigmoid, jax.nn.log_sigmoid). */
export const logSigmoid = (x: Tensor) => unary(x, fl(x), S.logSigmoid);

/** tf.clip_by_value / torch.clamp / jnp.clip: min(max(x, lo), hi), NaN kept. */
export function clipByValue(x: Tensor, lo: number, hi: number): Tensor {
  return unary(x, x.dtype, (v) => S.clip(v, lo, hi));
}
