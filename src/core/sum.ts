/**
 * Compensated (Neumaier) summation of a strided lane: the error is about 2 ulps of the sum
 * whatever the lane length, where a plain loop can lose log2(n) bits. Used by every float64
 * reduction whose result is checked against exact values.
 */
export function sumLane(data: ArrayLike<number>, offset: number, n: number, stride: number): number {
  let s = 0;
  let c = 0;
  for (let i = 0, k = offset; i < n; i++, k += stride) {
    const v = data[k];
    const t = s + v;
    if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
    else c += v - t + s;
    s = t;
  }
  const r = s + c;
  // With infinities the compensation is NaN; the plain sum is then the right answer.
  return Number.isFinite(s) ? r : s;
}

