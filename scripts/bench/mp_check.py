"""Exact (mpmath, 60 digits) check of scripts/bench/accuracy_entry.ts's output (JSON on stdin)."""
import json
import sys
from collections import defaultdict

import mpmath as mp

mp.mp.dps = 60


def ulp(v, dtype):
    """ulp of the float of `dtype` nearest to the exact value v (mpf)."""
    if v == 0:
        return mp.mpf(2) ** (-1074 if dtype == "float64" else -149)
    e = int(mp.floor(mp.log(abs(v), 2)))
    if dtype == "float64":
        return mp.mpf(2) ** max(e - 52, -1074)
    return mp.mpf(2) ** max(e - 23, -149)


def err_ulps(got, exact, dtype):
    if got != got:  # NaN
        return float("inf")
    return float(abs(mp.mpf(float(got)) - exact) / ulp(exact, dtype))


def main():
    d = json.load(sys.stdin)
    print(f"special values (inf/NaN rows, every label) differing from the old kernel: {d['specialMismatch']}")
    h = d["expVsMath"]
    print(f"exp vs Math.exp on {h['points']:.0f} points: identical {h['ulpHistogram'][0]}, 1 ulp apart {h['ulpHistogram'][1]}, 2 {h['ulpHistogram'][2]}, >2 {h['ulpHistogram'][3]}")
    print(f"expNegApprox vs Math.exp, max relative difference (d >= -708.39): {h['approxMaxRel']:.3g}")
    worst, at = 0, None
    for x, y in zip(d["expSample"]["x"], d["expSample"]["exp"]):
        ex = mp.exp(mp.mpf(float(x)))
        e = err_ulps(y, ex, "float64")
        if e > worst:
            worst, at = e, x
    print(f"exp vs mpmath on {len(d['expSample']['x'])} points: max error {worst:.3f} ulp (at x = {at!r})")
    worst = 0
    for x, y in zip(d["tinySample"]["x"], d["tinySample"]["y"]):
        ex = mp.exp(mp.mpf(float(x)))
        worst = max(worst, float(abs(mp.mpf(float(y)) - ex) / mp.mpf(2) ** -1074))
    print(f"exp on {len(d['tinySample']['x'])} subnormal results: max error {worst:.3f} ulp (of 2^-1074)")
    worst = 0
    for x, y in zip(d["approxSample"]["x"], d["approxSample"]["y"]):
        ex = mp.exp(mp.mpf(float(x)))
        worst = max(worst, float(abs(mp.mpf(float(y)) / ex - 1)))
    print(f"expNegApprox vs mpmath on {len(d['approxSample']['x'])} points: max relative error {worst:.3g}")

    stats = defaultdict(lambda: defaultdict(float))
    for lane in d["lanes"]:
        xs = [mp.mpf(float(v)) for v in lane["x"]]
        m = max(xs)
        k = xs.index(m)
        # t = sum over i != k of e^(x_i - m), exactly as the kernels split it: log1p(t) keeps
        # the relative accuracy of tiny losses that log(1 + t) at 60 digits would round away.
        lt = mp.log1p(mp.fsum(mp.exp(v - m) for i, v in enumerate(xs) if i != k))
        lse = m + lt
        loss = (m - xs[lane["label"]]) + lt
        dt = lane["dtype"]
        key = (dt, lane["name"])
        for what in ("fast", "strided", "dense", "old"):
            stats[key][what] = max(stats[key][what], err_ulps(lane[what], loss, dt))
        # logsumexp is returned in float64 by laneLogSumExp (the caller rounds).
        stats[key]["lse(f64)"] = max(stats[key]["lse(f64)"], err_ulps(lane["lse"], lse, "float64"))
    print("\nmax error in ulps of the result dtype against the exact loss (mpmath):")
    print(f"{'dtype':8} {'lanes':45} {'sparse fast':>11} {'strided':>8} {'dense':>6} {'lse(f64)':>9} {'old kernel':>10}")
    overall = 0
    for (dt, name), s in stats.items():
        print(f"{dt:8} {name:45} {s['fast']:11.2f} {s['strided']:8.2f} {s['dense']:6.2f} {s['lse(f64)']:9.2f} {s['old']:10.2f}")
        overall = max(overall, s["fast"], s["strided"], s["dense"])
    print(f"\nworst loss error: {overall:.2f} ulp")


if __name__ == "__main__":
    main()
