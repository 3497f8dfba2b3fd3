#!/usr/bin/env python3
"""Pythia 8 muon samples for Neyman, written in the layout of docs/muon-samples.md.

Run through `neyman generate muons --engine pythia` or directly:
    .venv-pythia/bin/python tools/pythia/generate_muons.py --config toys/samples/muon-sample.toml --out muons.npz

Processes (13 TeV pp):
  isolation kind: prompt muons from pp -> Z' -> mu mu (Z' of 20 GeV, NewGaugeBoson:ffbar2gmZZprime with only the Z'
  contribution), non-prompt muons from pp -> b bbar (HardQCD:hardbbbar) with the B0, B+, Bs and Lambda_b decays
  forced to channels with a muon (a branching-ratio change only; recorded in the metadata). Muon selection: pT in
  [10, 15] GeV, |eta| < 2.5; the (pT, eta) flattening weights (32 x 32 bins) are written as `weights`.
  dimuon kind: Drell-Yan Z -> mu mu (WeakSingleBoson:ffbar2gmZ, 60 < mHat < 120) and the heavy-flavour continuum
  (b bbar with both b hadrons forced to muons); both muons pT > 25 GeV, |eta| < 2.1, 70 < m(mu mu) < 110 GeV.
Pileup: Poisson(mu) minimum-bias events (SoftQCD:nonDiffractive) per muon, drawn with replacement from a pool
generated once per chunk (pool size in the metadata); their charged particles are category 4 (pileup).
Calorimeter: every visible final-state particle but muons and neutrinos, Gaussian resolution sqrt((a/sqrt(E))^2 + b^2)
with (a, b) = (10 %, 1 %) for photons and (50 %, 3 %) for hadrons, a 0.1 GeV threshold, kept within dR < 0.45.

Reproducible: the sample is cut into chunks of `chunk` muons (events), chunk k seeded with Random:seed = seed * 1000
+ k + 1 (Pythia's seeds are below 900 000 000), so the output does not depend on --workers. Cached: an output whose
metadata has the same settings hash is not regenerated.
"""
import argparse, hashlib, json, math, multiprocessing as mp, os, sys, time, tomllib

import numpy as np

from pythia_setup import make_pythia
from sample_files import cached, write_npz_atomically

CATEGORY = {"charged_hadron": 1, "neutral_hadron": 2, "photon": 3, "pileup": 4}
FORCED = [511, 521, 531, 5122]
PYTHIA_VERSION = "8.317"


def settings_from(config_path, events, seed, workers):
    with open(config_path, "rb") as f:
        cfg = tomllib.load(f)
    s = cfg.get("sample", {})
    p = s.get("pythia", {})
    out = {
        "kind": s.get("kind", "isolation"),
        "muons": int(events if events is not None else s.get("muons", 2000)),
        "prompt_fraction": float(s.get("prompt_fraction", 0.5)),
        "seed": int(seed if seed is not None else s.get("seed", 2021)),
        "pileup_mu": float(s.get("pileup", {}).get("mu", 50)),
        "pool_size": int(p.get("pool_size", 200)),
        "chunk": int(p.get("chunk", 250)),
        "bbbar_pthat_min": float(p.get("bbbar_pthat_min", 12.0)),
        "z_fraction": float(s.get("dimuon", {}).get("z_fraction", 0.6)),
    }
    if out["kind"] not in ("isolation", "dimuon"):
        raise SystemExit(f"{config_path}: sample.kind must be isolation or dimuon, got {out['kind']!r}")
    if out["muons"] < 2 or not (0 <= out["prompt_fraction"] <= 1) or not (0 <= out["z_fraction"] <= 1) or out["pool_size"] < 1 or out["chunk"] < 1:
        raise SystemExit(f"{config_path}: sample.muons >= 2, prompt_fraction in [0, 1], pythia.pool_size and chunk >= 1")
    return out


def settings_hash(s):
    text = "\n".join(f"{k}={s[k]}" for k in sorted(s)) + f"\npythia={PYTHIA_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def process_lines(name, s):
    forced = [l for i in FORCED for l in (f"{i}:onMode = off", f"{i}:onIfAny = 13")]
    if name == "zprime":
        return ["NewGaugeBoson:ffbar2gmZZprime = on", "Zprime:gmZmode = 3", "32:m0 = 20.", "32:mMin = 15.", "32:mMax = 25.",
                "32:onMode = off", "32:onIfAny = 13"]
    if name == "bbbar":
        return ["HardQCD:hardbbbar = on", f"PhaseSpace:pTHatMin = {s['bbbar_pthat_min']}"] + forced
    if name == "drell_yan":
        return ["WeakSingleBoson:ffbar2gmZ = on", "23:onMode = off", "23:onIfAny = 13", "PhaseSpace:mHatMin = 60.",
                "PhaseSpace:mHatMax = 120."]
    if name == "hf_dimuon":
        return ["HardQCD:hardbbbar = on", "PhaseSpace:pTHatMin = 30."] + forced
    raise ValueError(name)


def final_particles(py):
    """Visible final-state particles: (pt, eta, phi, charge, id)."""
    out = []
    ev = py.event
    for i in range(ev.size()):
        p = ev[i]
        if not p.isFinal():
            continue
        out.append((p.pT(), p.eta(), p.phi(), p.charge(), p.id()))
    return out


def smear(rng, pt, eta, is_photon):
    a, b = (0.10, 0.01) if is_photon else (0.50, 0.03)
    e = pt * math.cosh(eta)
    sigma = math.sqrt(a * a / max(e, 1e-9) + b * b)
    return pt * max(0.0, 1.0 + rng.normal(0.0, sigma))


def deposits_around(rng, muon, hard, pool, mu_pu, exclude_index):
    """The calorimeter deposits within dR < 0.45 of the muon: hard-scatter particles and pileup."""
    m_pt, m_eta, m_phi = muon
    deps = []

    def add(pt, eta, phi, category, is_photon):
        dphi = (phi - m_phi + math.pi) % (2 * math.pi) - math.pi
        if (eta - m_eta) ** 2 + dphi ** 2 >= 0.45 ** 2:
            return
        spt = smear(rng, pt, eta, is_photon)
        if spt >= 0.1:
            deps.append((spt, eta, math.atan2(math.sin(phi), math.cos(phi)), category))

    for k, (pt, eta, phi, q, pid) in enumerate(hard):
        apid = abs(pid)
        if k == exclude_index or apid in (12, 13, 14, 16) or pt <= 0:
            continue
        cat = CATEGORY["photon"] if pid == 22 else (CATEGORY["charged_hadron"] if q != 0 else CATEGORY["neutral_hadron"])
        add(pt, eta, phi, cat, pid == 22)
    for _ in range(rng.poisson(mu_pu)):
        for (pt, eta, phi, q, pid) in pool[rng.integers(len(pool))]:
            if abs(pid) in (12, 13, 14, 16) or pt <= 0:
                continue
            cat = CATEGORY["pileup"] if q != 0 else (CATEGORY["photon"] if pid == 22 else CATEGORY["neutral_hadron"])
            add(pt, eta, phi, cat, pid == 22)
    return deps


def pileup_pool(s, seed):
    py = make_pythia(["SoftQCD:nonDiffractive = on"], seed)
    pool = []
    while len(pool) < s["pool_size"]:
        if py.next():
            pool.append(final_particles(py))
    return pool


def chunk_isolation(args):
    s, k, count = args
    rng = np.random.default_rng(s["seed"] * 1000 + k + 1)
    pool = pileup_pool(s, (s["seed"] * 1000 + k + 1) % 900_000_000)
    n_prompt = int(rng.binomial(count, s["prompt_fraction"]))
    out, warnings, tried = [], 0, 0
    for name, label, want in (("zprime", 1, n_prompt), ("bbbar", 0, count - n_prompt)):
        if want == 0:
            continue
        py = make_pythia(process_lines(name, s), (s["seed"] * 1000 + k + 1 + (450_000_000 if label == 0 else 0)) % 900_000_000)
        got = 0
        while got < want:
            tried += 1
            if not py.next():
                warnings += 1
                continue
            hard = final_particles(py)
            for idx, (pt, eta, phi, q, pid) in enumerate(hard):
                if abs(pid) != 13 or not (10 <= pt <= 15) or abs(eta) >= 2.5 or got >= want:
                    continue
                deps = deposits_around(rng, (pt, eta, phi), hard, pool, s["pileup_mu"], idx)
                out.append(((pt, eta, phi, -1.0 if pid > 0 else 1.0), deps, label, None))
                got += 1
    return out, tried, warnings


def chunk_dimuon(args):
    s, k, count = args
    events = max(1, count // 2)
    rng = np.random.default_rng(s["seed"] * 1000 + k + 1)
    pool = pileup_pool(s, (s["seed"] * 1000 + k + 1) % 900_000_000)
    n_z = int(rng.binomial(events, s["z_fraction"]))
    out, warnings, tried = [], 0, 0
    for name, label, want, proc in (("drell_yan", 1, n_z, 0), ("hf_dimuon", 0, events - n_z, 1)):
        if want == 0:
            continue
        py = make_pythia(process_lines(name, s), (s["seed"] * 1000 + k + 1 + 300_000_000 * (proc + 1)) % 900_000_000)
        got = 0
        while got < want:
            tried += 1
            if not py.next():
                warnings += 1
                continue
            hard = final_particles(py)
            mus = [(i, p) for i, p in enumerate(hard) if abs(p[4]) == 13 and p[0] > 25 and abs(p[1]) < 2.1]
            if len(mus) < 2:
                continue
            (i1, a), (i2, b) = sorted(mus, key=lambda t: -t[1][0])[:2]
            m2 = 2 * a[0] * b[0] * (math.cosh(a[1] - b[1]) - math.cos(a[2] - b[2]))
            mass = math.sqrt(max(m2, 0.0))
            if not (70 < mass < 110):
                continue
            qa, qb = (-1.0 if a[4] > 0 else 1.0), (-1.0 if b[4] > 0 else 1.0)
            for (idx, p, q) in ((i1, a, qa), (i2, b, qb)):
                deps = deposits_around(rng, p[:3], hard, pool, s["pileup_mu"], idx)
                out.append(((p[0], p[1], p[2], q), deps, label, (k * 1_000_000 + got, mass, qa * qb, proc)))
            got += 1
    return out, tried, warnings


def flattening_weights(muons, labels):
    w = np.ones(len(labels))
    for cls in (0, 1):
        idx = np.where(labels == cls)[0]
        if len(idx) < 2:
            continue
        h, xe, ye = np.histogram2d(muons[idx, 0], muons[idx, 1], bins=32, range=[[10, 15], [-2.5, 2.5]])
        ix = np.clip(np.searchsorted(xe, muons[idx, 0], side="right") - 1, 0, 31)
        iy = np.clip(np.searchsorted(ye, muons[idx, 1], side="right") - 1, 0, 31)
        raw = 1.0 / h[ix, iy]
        w[idx] = raw * len(idx) / raw.sum()
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--events", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    s = settings_from(a.config, a.events, a.seed, a.workers)
    h = settings_hash(s)
    if cached(a.out, h, a.force):
        return
    per = s["chunk"]
    chunks = [(s, k, min(per, s["muons"] - k * per)) for k in range((s["muons"] + per - 1) // per)]
    fn = chunk_isolation if s["kind"] == "isolation" else chunk_dimuon
    start = time.time()
    results = []
    # "spawn", not the Linux default "fork": a worker forked while another thread of this process (numpy's OpenBLAS
    # pool) holds a lock inherits the lock held and waits on it forever (seen once in CI: a worker parked in a futex
    # wait, the run hung). Chunks are seeded by their index, so the output does not depend on the start method.
    with mp.get_context("spawn").Pool(max(1, min(a.workers, len(chunks)))) as pool:
        for i, r in enumerate(pool.imap(fn, chunks)):
            results.append(r)
            print(f"\r[pythia] chunk {i + 1}/{len(chunks)}", end="", file=sys.stderr, flush=True)
    print("", file=sys.stderr)
    seconds = time.time() - start
    rows = [row for r in results for row in r[0]]
    tried = sum(r[1] for r in results)
    warnings = sum(r[2] for r in results)
    n = len(rows)
    m = max(1, max(len(r[1]) for r in rows))
    X = np.zeros((n, m, 4))
    for i, (_, deps, _, _) in enumerate(rows):
        for j, d in enumerate(sorted(deps, key=lambda d: -d[0])):
            X[i, j] = d
    muons = np.array([r[0] for r in rows], dtype=float)
    labels = np.array([r[2] for r in rows], dtype=float)
    members = {"X": X, "muons": muons, "y": labels}
    if s["kind"] == "isolation":
        members["weights"] = flattening_weights(muons, labels)
        processes = {"0": "zprime_mumu", "1": "bbbar"}
        members["process"] = (1 - labels).astype(np.int64)
    else:
        members["event"] = np.array([r[3][0] for r in rows], dtype=np.int64)
        members["pair_mass"] = np.array([r[3][1] for r in rows])
        members["pair_charge"] = np.array([r[3][2] for r in rows])
        members["process"] = np.array([r[3][3] for r in rows], dtype=np.int64)
        processes = {"0": "drell_yan_z", "1": "heavy_flavour_dimuon"}
    meta = {
        "generator": f"pythia8 {PYTHIA_VERSION} (pythia8mc)", "kind": s["kind"], "seed": s["seed"], "settings_hash": h,
        "settings": {k: str(v) for k, v in s.items()}, "processes": processes,
        "forced_decays": "B0, B+, Bs, Lambda_b (and antiparticles) decay only to channels with a muon "
                         "(onMode = off, onIfAny = 13): a branching-ratio change; kinematics untouched",
        "pileup": f"Poisson(mu = {s['pileup_mu']}) SoftQCD:nonDiffractive events per muon, drawn with replacement from a "
                  f"pool of {s['pool_size']} generated once per chunk of {s['chunk']} muons",
        "calorimeter": "Gaussian resolution (10%/sqrt(E) + 1%) photons, (50%/sqrt(E) + 3%) hadrons, 0.1 GeV threshold",
        "events_generated": tried, "pythia_failures": warnings, "seconds": seconds,
        "muons_per_second": n / seconds if seconds > 0 else None,
    }
    members["metadata"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    write_npz_atomically(a.out, members)
    print(json.dumps({"out": a.out, "cached": False, "settings_hash": h, "n_muons": n,
                      "n_signal": int(labels.sum()), "n_background": int(n - labels.sum()),
                      "rate_per_second": n / seconds if seconds > 0 else None}))


if __name__ == "__main__":
    main()
