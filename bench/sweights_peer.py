"""The Python peer of `neyman-bench sweights`: iminuit (Migrad + Hesse) fit of a Voigt (Gamma fixed) over an
exponential on [70, 110], then sweights.SWeight(method="summation"), on a Z -> mu mu-like sample.

The timed part is the fit and the sWeights (data generation excluded), as on the Neyman side. The signal pdf is
normalised with scipy.integrate.quad at every call, as the reference cases do. Prints one JSON object.
"""
import argparse, json, time

import numpy as np
from iminuit import Minuit
from scipy.integrate import quad
from scipy.special import voigt_profile
from sweights import SWeight

p = argparse.ArgumentParser()
p.add_argument("--events", type=int, default=100_000)
p.add_argument("--seed", type=int, default=7)
a = p.parse_args()

LO, HI, GAMMA = 70.0, 110.0, 2.4952
rng = np.random.default_rng(a.seed)
ns = rng.binomial(a.events, 0.35)
sig = []
while len(sig) < ns:
    x = 91.1876 + (GAMMA / 2) * rng.standard_cauchy(ns) + rng.normal(0, 1.5, ns)
    sig.extend(x[(x >= LO) & (x <= HI)].tolist())
sig = np.array(sig[:ns])
u = rng.uniform(size=a.events - ns)
lam0 = -0.03
bkg = LO + np.log1p(u * np.expm1(lam0 * (HI - LO))) / lam0
m = np.concatenate([sig, bkg])


def f_s(x, M, s):
    norm = quad(lambda t: voigt_profile(t - M, s, GAMMA / 2), LO, HI, epsrel=1e-10)[0]
    return voigt_profile(x - M, s, GAMMA / 2) / norm


def f_b(x, lam):
    return lam * np.exp(lam * (x - LO)) / np.expm1(lam * (HI - LO))


def nll(Ns, Nb, M, s, lam):
    return Ns + Nb - np.sum(np.log(Ns * f_s(m, M, s) + Nb * f_b(m, lam)))


t0 = time.perf_counter()
mi = Minuit(nll, Ns=0.3 * a.events, Nb=0.7 * a.events, M=91.0, s=1.7, lam=-0.025)
mi.errordef = Minuit.LIKELIHOOD
mi.limits["Ns"] = (0, None)
mi.limits["Nb"] = (0, None)
mi.limits["s"] = (0.1, 10)
mi.migrad()
mi.hesse()
v = mi.values
sw = SWeight(m, pdfs=[lambda x: f_s(x, v["M"], v["s"]), lambda x: f_b(x, v["lam"])], yields=[v["Ns"], v["Nb"]],
             discvarranges=((LO, HI),), method="summation", compnames=("sig", "bkg"), verbose=False, checks=False)
w = sw.get_weight(0, m)
dt = time.perf_counter() - t0
print(json.dumps({"job": "sweights", "events": a.events, "seconds": dt, "signal_yield": v["Ns"],
                  "sum_w_signal": float(w.sum()), "valid": bool(mi.valid), "nfcn": mi.nfcn}))
