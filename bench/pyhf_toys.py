#!/usr/bin/env python3
"""pyhf side of the toy-based CLs benchmark (peer of `neyman cls --calculator toys`).

Model: the pyhf README two-bin model (uncorrelated_background), observed [51, 48],
hypotest at mu = 1 with the q~mu test statistic, numpy backend, default scipy optimizer.
Prints ONE JSON line; "seconds" is the wall time of the timed hypotest call only
(imports, model building and a small warm-up call are excluded).
"""
import argparse
import json
import time

import numpy as np
import pyhf


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [
        {k: d.get(k) for k in ("internal_api", "num_threads", "architecture", "version")}
        for d in threadpool_info()
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--toys", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--warmup-toys", type=int, default=5)
    args = ap.parse_args()

    pyhf.set_backend("numpy")  # default optimizer: scipy (SLSQP)
    model = pyhf.simplemodels.uncorrelated_background(
        signal=[12.0, 11.0], bkg=[50.0, 52.0], bkg_uncertainty=[3.0, 7.0]
    )
    data = [51, 48] + model.config.auxdata

    def run(ntoys):
        return pyhf.infer.hypotest(
            1.0, data, model, test_stat="qtilde", calctype="toybased",
            ntoys=ntoys, return_tail_probs=True, return_expected_set=True,
            track_progress=False,  # no tqdm bar: the peer at its best, and a clean stderr
        )

    if args.warmup_toys > 0:
        run(args.warmup_toys)

    # pyhf draws its toys from numpy's legacy global RandomState (through scipy.stats).
    np.random.seed(args.seed)
    t0 = time.perf_counter()
    cls_obs, (clsb, clb), cls_exp = run(args.toys)
    seconds = time.perf_counter() - t0

    print(json.dumps({
        "tool": "pyhf",
        "version": pyhf.__version__,
        "toys": args.toys,
        "seed": args.seed,
        "seconds": seconds,
        "toys_per_second": args.toys / seconds,
        "cls": float(cls_obs),
        "cls_expected": [float(x) for x in cls_exp],
        "clsb": float(clsb),
        "clb": float(clb),
        "numpy": np.__version__,
        "blas": blas_info(),
    }))


if __name__ == "__main__":
    main()
