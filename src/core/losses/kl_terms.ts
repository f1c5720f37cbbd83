import * as D from '../dd';
import { ZERO_TARGET_NEG_INF, exactLimits, noteLimit } from '../exact_limits';
import { logMinus } from './exact_log';

/**
 * Terms of the KL divergences (torch.nn.functional.kl_div, optax.kl_divergence[_with_log_targets])
 * as double-doubles, shared by torch_pointwise.ts and optax.ts.
 *   probability targets: y (log y - x), with xlogy's 0 log 0 = 0
 *   log targets:         e^y (y - x)
 * IEEE cases follow the frameworks: y = 0 against x = -inf is 0 * inf = NaN; y < 0 is NaN (log y);
 * a log target of -inf gives 0 * (-inf) = NaN.
 */

const ddNum = (v: number): D.DD => ({ hi: v, lo: 0 });

/** y (log y - x) with a dd log: the term is within ~2^-53 of itself even when log y ~ x. */
function probTerm(y: number, x: number): D.DD {
  if (y === 0) {
    if (x === -Infinity && exactLimits()) {
      noteLimit(ZERO_TARGET_NEG_INF);
      return ddNum(0);
    }
    return ddNum(0 - 0 * x);
  }
  if (!(y > 0) || !Number.isFinite(y) || !Number.isFinite(x)) return ddNum(y * Math.log(y) - y * x);
  return D.mulD(D.add(D.log(y), ddNum(-x)), y);
}

/** e^y (y - x): y - x is exact, e^y to ~2^-104, so the term is accurate relative to itself. */
function logTargetTerm(y: number, x: number): D.DD {
  if (!Number.isFinite(y) || !Number.isFinite(x)) return ddNum(Math.exp(y) * (y - x));
  return D.mul(D.exp(y), D.twoSum(y, -x));
}

/**
 * The KL terms of pairs (ys[i], xs[i]). With `refineSum` (a float64 sum is wanted) and
 * probability targets, the error bound of the dd logs (2^-104 y |log y| per term) is compared
 * with the sum; where it could reach the sum's last bits (a KL of nearly equal distributions,
 * whose terms cancel), the cancelling terms are recomputed with log y - x exact to the
 * difference's own precision (exact_log.ts, BigInt fixed point: slow, so only then).
 */
export function klValues(ys: ArrayLike<number>, xs: ArrayLike<number>, logTarget: boolean, refineSum: boolean): D.DD[] {
  const n = ys.length;
  const out: D.DD[] = new Array(n);
  if (logTarget) {
    for (let i = 0; i < n; i++) out[i] = logTargetTerm(ys[i], xs[i]);
    return out;
  }
  const sum = new D.DDSum();
  let bound = 0;
  for (let i = 0; i < n; i++) {
    const v = probTerm(ys[i], xs[i]);
    out[i] = v;
    sum.addDD(v);
    if (ys[i] > 0) bound += ys[i] * Math.abs(Math.log(ys[i])) * 2 ** -103;
  }
  if (!refineSum || bound === 0) return out;
  const s = Math.abs(sum.number());
  if (!Number.isFinite(s) || bound <= s * 2 ** -58) return out;
  for (let i = 0; i < n; i++) {
    const y = ys[i];
    const x = xs[i];
    if (y > 0 && Number.isFinite(y) && Number.isFinite(x)) out[i] = D.mulD(logMinus(y, x), y);
  }
  return out;
}
