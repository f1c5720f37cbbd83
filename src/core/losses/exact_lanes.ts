import { spend } from '../limits';
import { laneArgMax, laneMax, laneT, scanLane } from '../softmax';

/**
 * Softmax statistics of one lane for the torch and optax losses, exact to a few float64 ulps
 * for float64 inputs too.
 *
 * Like softmax.ts's scanLane it finds m = max x, k = the first argmax and
 * t = sum_{j != k} e^(x_j - m), so that sum_j e^(x_j - m) = 1 + t, and
 *   -log_softmax_j = (m - x_j) + log1p(t)   (both terms >= 0, nothing cancels).
 * The difference: x_j - m is rounded in float64 (it is not exact for float64 inputs, e.g.
 * 0.1 - 20.3), and e^(x_j - m) inherits that rounding times |x_j - m|, which for a loss
 * log1p(t) ~ t carried by one small term is many ulps. Here x_j - m is formed exactly as a
 * double-double r and e^r = e^(r.hi) (1 + r.lo), so each term is within ~1 ulp.
 *
 * A lane with NaN, or with an infinite maximum (+inf, or all -inf), is NaN throughout, as
 * log_softmax is in PyTorch and JAX. An optional mask (nonzero = included) restricts the lane,
 * as jax.nn.log_softmax(where=...) does; masked entries take no part in m, k or t. Without a
 * mask the scan is softmax.ts's scanLane; only the masked loop is this class's own.
 */
export class LaneStats {
  m = -Infinity;
  k = -1;
  t = 0;
  /** log1p(t). */
  l = 0;
  /** True when the lane's log_softmax is NaN throughout. */
  nan = false;
  /** Number of entries included (n without a mask). */
  count = 0;

  scan(x: ArrayLike<number>, off: number, n: number, stride: number, mask?: ArrayLike<number> | null): this {
    if (mask) spend(n); // (unmasked lanes are counted by scanLane)
    if (!mask) {
      // The unmasked lane is softmax.ts's scanLane (same algorithm, exact x - m terms included).
      scanLane(x, off, n, stride);
      this.count = n;
      this.k = laneArgMax;
      this.t = laneT;
      this.nan = laneT !== laneT;
      this.m = laneMax;
      this.l = Math.log1p(laneT);
      return this;
    }
    let m = -Infinity;
    let k = -1;
    let nan = false;
    let count = 0;
    for (let i = 0, p = off; i < n; i++, p += stride) {
      if (mask && !mask[p]) continue;
      count++;
      const v = x[p];
      if (v > m) {
        m = v;
        k = i;
      } else if (v !== v) nan = true;
    }
    this.count = count;
    this.m = m;
    this.k = k;
    if (nan || m === Infinity || m === -Infinity) {
      this.nan = true;
      this.t = NaN;
      this.l = NaN;
      return this;
    }
    this.nan = false;
    let s = 0;
    let c = 0;
    for (let i = 0, p = off; i < n; i++, p += stride) {
      if (i === k || (mask && !mask[p])) continue;
      const e = expDiff(x[p], m);
      const u = s + e;
      c += s >= e ? s - u + e : e - u + s;
      s = u;
    }
    this.t = s + c;
    this.l = Math.log1p(this.t);
    return this;
  }

  /** -log_softmax at index i (value xi = x[i]); NaN for a NaN lane. */
  negLogProb(xi: number, i: number): number {
    if (this.nan) return NaN;
    if (i === this.k || xi === this.m) return this.l;
    return this.m - xi + this.l;
  }

  /** softmax at index i. */
  prob(xi: number, i: number): number {
    if (this.nan) return NaN;
    const e = i === this.k ? 1 : expDiff(xi, this.m);
    return e / (1 + this.t);
  }
}

/** e^(a - b) with the rounding of a - b compensated: e^(hi) * (1 + lo). */
export function expDiff(a: number, b: number): number {
  const d = a - b;
  if (!Number.isFinite(d)) return Math.exp(d);
  const bb = d - a;
  const lo = a - (d - bb) + (-b - bb);
  const e = Math.exp(d);
  return e + e * lo;
}
