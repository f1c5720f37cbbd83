"""NumPy side of scripts/bench.mjs: the same stable sparse softmax cross-entropy, single-threaded.

argv: <logits.bin> <labels.bin> <float32|float64> <rows> <classes> <runs> <out-losses.bin>
Computes in the logits' dtype as NumPy code would:
    m = max(x); z = x - m; lse = log(sum(exp(z))); loss = lse - z[label]
Prints one JSON line: {"times": [ms, ...], "python": ..., "numpy": ...}.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"  # before importing numpy

import json
import sys
import time

import numpy as np


def sparse_ce(x, labels):
    m = x.max(axis=-1, keepdims=True)
    z = x - m
    lse = np.log(np.exp(z).sum(axis=-1))
    return lse - np.take_along_axis(z, labels[:, None], axis=-1)[:, 0]


def main():
    logits_path, labels_path, dtype, rows, classes, runs, out_path = sys.argv[1:8]
    rows, classes, runs = int(rows), int(classes), int(runs)
    x = np.fromfile(logits_path, dtype=np.dtype(dtype).newbyteorder("<")).reshape(rows, classes)
    labels = np.fromfile(labels_path, dtype="<i4").astype(np.int64)
    loss = sparse_ce(x, labels)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        loss = sparse_ce(x, labels)
        times.append((time.perf_counter() - t0) * 1e3)
    loss.astype("<f8").tofile(out_path)
    print(json.dumps({"times": times, "python": sys.executable, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
