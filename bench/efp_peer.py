"""EnergyFlow's EFPSet on the benchmark's events, timed in-process (bench/run.sh; the row "EFPs d<=5").

Events: the same generator as `neyman-bench efp` (documented there): per event n ~ U{20..100} particles around an axis,
a collinear core and a soft disc, written by neyman-bench to a CSV so both tools see identical inputs.
Usage: efp_peer.py EVENTS.csv N_JOBS. EFPSet("d<=5", "p==1"): the connected multigraphs with at most 5 edges (energyflow
leaves out the d = 0 graph, whose value is 1 per event for kappa = 1). Timed: batch_compute alone (reading excluded).
Prints one JSON line: {"job": "efp_energyflow", "events": N, "graphs": G, "n_jobs": J, "seconds": S, "checksum": sum}.
"""
import json, sys, time
import numpy as np
import energyflow as ef

path = sys.argv[1]
n_jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
data = np.loadtxt(path, delimiter=",", skiprows=1)
ev = data[:, 0].astype(int)
starts = np.flatnonzero(np.r_[True, ev[1:] != ev[:-1]])
ends = np.r_[starts[1:], len(ev)]
events = [data[a:b, 1:4] for a, b in zip(starts, ends)]
efpset = ef.EFPSet("d<=5", "p==1", measure="hadr", beta=1, kappa=1, normed=True, coords="ptyphim")
efpset.batch_compute(events[:20], n_jobs=1)   # warm-up
t0 = time.perf_counter()
values = efpset.batch_compute(events, n_jobs=n_jobs)
seconds = time.perf_counter() - t0
print(json.dumps({"job": "efp_energyflow", "events": len(events), "graphs": int(values.shape[1]), "n_jobs": n_jobs, "seconds": seconds,
                  "checksum": float(np.sum(values))}))
