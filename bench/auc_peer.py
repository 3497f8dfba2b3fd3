"""The Python peer of `neyman-bench auc` and of `neyman auc` on an NPZ file: sklearn.metrics.roc_auc_score with
sample weights on labelled events (40% signal, score ~ N(label, 1), weights ~ U(0.1, 3)). The timed part is the
roc_auc_score call alone (with --repeat K: the median of K calls).

--write-npz PATH also saves the events with numpy.savez (stored members score, label, weight; float64), before any
timing, for `neyman auc --input PATH --score score --label label --weight weight`."""
import argparse, json, statistics, time

import numpy as np
from sklearn.metrics import roc_auc_score

p = argparse.ArgumentParser()
p.add_argument("--events", type=int, default=10_000_000)
p.add_argument("--seed", type=int, default=7)
p.add_argument("--repeat", type=int, default=1)
p.add_argument("--write-npz", default="")
a = p.parse_args()
rng = np.random.default_rng(a.seed)
y = (rng.uniform(size=a.events) < 0.4).astype(np.int8)
s = rng.normal(y.astype(float), 1.0)
w = rng.uniform(0.1, 3.0, a.events)
if a.write_npz:
    np.savez(a.write_npz, score=s, label=y.astype(np.float64), weight=w)
times = []
for _ in range(max(1, a.repeat)):
    t0 = time.perf_counter()
    auc = roc_auc_score(y, s, sample_weight=w)
    times.append(time.perf_counter() - t0)
print(json.dumps({"job": "auc", "events": a.events, "seconds": statistics.median(times), "calls": len(times),
                  "auc": float(auc)}))
