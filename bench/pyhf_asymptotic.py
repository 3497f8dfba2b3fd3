#!/usr/bin/env python3
"""pyhf side of the asymptotic CLs benchmark (peer of `neyman cls --calculator asymptotic`).

Same model and hypothesis as pyhf_toys.py, calctype="asymptotics". Times K repeated
hypotest calls in one process (after warm-up calls) and prints ONE JSON line with the
mean wall time per call. Process start-up and imports are NOT included.
"""
import argparse
import json
import time

import numpy as np
import pyhf


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()

    pyhf.set_backend("numpy")  # default optimizer: scipy (SLSQP)
    model = pyhf.simplemodels.uncorrelated_background(
        signal=[12.0, 11.0], bkg=[50.0, 52.0], bkg_uncertainty=[3.0, 7.0]
    )
    data = [51, 48] + model.config.auxdata

    def run():
        return pyhf.infer.hypotest(
            1.0, data, model, test_stat="qtilde", calctype="asymptotics",
            return_tail_probs=True, return_expected_set=True,
        )

    for _ in range(args.warmup):
        run()

    t0 = time.perf_counter()
    for _ in range(args.calls):
        cls_obs, (clsb, clb), cls_exp = run()
    seconds = time.perf_counter() - t0

    print(json.dumps({
        "tool": "pyhf",
        "version": pyhf.__version__,
        "calls": args.calls,
        "seconds_total": seconds,
        "seconds_per_call": seconds / args.calls,
        "cls": float(cls_obs),
        "cls_expected": [float(x) for x in cls_exp],
        "clsb": float(clsb),
        "clb": float(clb),
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
