#!/usr/bin/env python3
"""dcor side of the distance-correlation benchmark (peer of `neyman-bench dcor N`).

Data, bit-identical to Benchmarks/ neyman-bench's: u_k = (splitmix64(k) >> 11) * 2^-53, where splitmix64(k) is the
output for the state (k + 1) * 0x9E3779B97F4A7C15; x_i = 2 u_{2i} - 1, y_i = x_i^2 + 0.3 (u_{2i+1} - 0.5).

Times `dcor.distance_correlation(x, y)` (dcor 0.7, method AUTO = the AVL O(n log n) algorithm for 1-D input,
numba-compiled) after a warm-up call on 1,000 events that pays numba's compilation; median of 3 calls.
Data generation and imports are not timed. Prints ONE JSON line.
"""
import argparse
import importlib.metadata
import json
import statistics
import time

import numpy as np
import dcor


def splitmix_uniform(k):
    """u_k for an array of uint64 indices k (wrapping uint64 arithmetic, as in Swift's &* and &+)."""
    with np.errstate(over="ignore"):
        z = (k + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def data(n):
    i = np.arange(n, dtype=np.uint64)
    x = 2.0 * splitmix_uniform(2 * i) - 1.0
    y = x * x + 0.3 * (splitmix_uniform(2 * i + np.uint64(1)) - 0.5)
    return x, y


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    x, y = data(args.n)
    dcor.distance_correlation(x[:1000], y[:1000])  # warm-up: numba compilation
    times, value = [], None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        value = float(dcor.distance_correlation(x, y))
        times.append(time.perf_counter() - t0)
    print(json.dumps({"job": "dcor", "n": args.n, "seconds": statistics.median(times), "dcor": value,
                      "version": importlib.metadata.version("dcor")}))


if __name__ == "__main__":
    main()
