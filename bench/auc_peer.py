"""The Python peer of `neyman-bench auc`: sklearn.metrics.roc_auc_score with sample weights on labelled events
(40% signal, score ~ N(label, 1), weights ~ U(0.1, 3)). The timed part is the one roc_auc_score call."""
import argparse, json, time

import numpy as np
from sklearn.metrics import roc_auc_score

p = argparse.ArgumentParser()
p.add_argument("--events", type=int, default=10_000_000)
p.add_argument("--seed", type=int, default=7)
a = p.parse_args()
rng = np.random.default_rng(a.seed)
y = (rng.uniform(size=a.events) < 0.4).astype(np.int8)
s = rng.normal(y.astype(float), 1.0)
w = rng.uniform(0.1, 3.0, a.events)
t0 = time.perf_counter()
auc = roc_auc_score(y, s, sample_weight=w)
dt = time.perf_counter() - t0
print(json.dumps({"job": "auc", "events": a.events, "seconds": dt, "auc": float(auc)}))
