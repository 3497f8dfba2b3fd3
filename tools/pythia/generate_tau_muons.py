#!/usr/bin/env python3
"""Pythia 8 tau-muon samples for Neyman (issue 16, item 1), in the columns of the built-in generator
(Sources/NeymanHEP/TauMuon*.swift, docs/tau-muons.md) so that TauMuonSample reads both.

Run through `neyman generate tau-muons --engine pythia` or directly:
    .venv-pythia/bin/python tools/pythia/generate_tau_muons.py --process ttbar --tau 400 --prompt 200 --fake 200 \
        --seed 1 --out ttbar.npz

Processes (13 TeV pp; one Pythia configuration per truth class, each class filled to its count):
  ttbar   Top:gg2ttbar + Top:qqbar2ttbar. tau: W+ -> tau nu only, W- as in nature; prompt: W+ -> mu nu only, W- as in
          nature; fake: both W as in nature (the muons of b, c and light-hadron decays in the t tbar events).
  w       WeakSingleBoson:ffbar2W, W -> tau nu (tau) or mu nu (prompt).
  z       WeakSingleBoson:ffbar2gmZ, 60 < mHat < 120 GeV, Z/gamma* -> tau tau (tau) or mu mu (prompt).
  wprime  NewGaugeBoson:ffbar2Wprime, m(W') = 600 GeV (SM-like couplings, Wprime:coup2WZ = 0), W' -> tau nu or mu nu:
          the BSM-like process (in place of stau pairs; the talk's W* -> tau nu).
  fakes of w, z, wprime: inclusive W/Z events hardly ever hold a non-prompt muon above 5 GeV, so their fakes come from
          heavy-flavour dijets (HardQCD:hardccbar + hardbbbar, pTHatMin = 10 GeV) with the D+, D0, Ds and Lambda_c
          decays forced to channels with a muon: a charm-rich, soft stand-in for W/Z + jets, as the built-in
          generator's W/Z fakes are.
Forced decays (branching-ratio changes only, kinematics untouched; all listed in the metadata): tau -> mu nu nu
(15:onMode = off, 15:onIfAny = 13) in the tau configurations; the boson decays above; the charm hadrons of the
heavy-flavour fakes.
Vertices: ParticleDecays:limitTau0 = off (every unstable particle decays, at its decay vertex: taus, B and D hadrons
fly, xProd/yProd/zProd in mm), Fragmentation:setVertices and PartonVertex:setVertex on (fm-scale, negligible here);
charged pions and kaons and K_L may decay (211, 321, 130:mayDecay = on) but only inside the inner detector
(ParticleDecays:limitCylinder, r < 1000 mm, |z| < 2700 mm): the decays in flight. Each event is shifted by a
primary vertex drawn as the built-in's: x, y ~ N(0, 0.010 mm), z ~ N(0, 45 mm).
Truth class from the muon's ancestry (through its own shower copies): a tau whose ancestor is a W, Z/gamma* or W' ->
1 (tau); a W, Z/gamma* or W' directly (or a hard-process photon) -> 0 (prompt); anything else (hadron decays,
decays in flight, photon conversions, taus from hadrons) -> 2 (fake). origin: 0 prompt, 1 tau, 2 a b hadron, 3 a
charm hadron with a b hadron among its ancestors, 4 a charm hadron (charmonium included), 5 a light hadron (mostly
pi/K decays in flight).

Detector: the built-in generator's model (TauMuonDetector.swift) re-implemented here with the same constants:
sigma(d0) = 0.010 (+) 0.070 / (pT sqrt(sin theta)) mm, sigma(z0) = 0.030 (+) 0.100 / (pT sin(theta)^1.5) mm, vertex
z measured with 0.020 mm, ID sigma(pT)/pT = 0.01 (+) 0.0005 pT, Moyal energy loss 2.6 + 0.25 lambda GeV with its mean
added back, MS sigma(pT)/pT = 0.03 (+) 0.0001 pT, inverse-variance combination, chi2 match scaling Delta pT / pT;
straight tracks. The ID track is the muon's from its production vertex, except for a charged pion or kaon decaying
beyond r = 122 mm (the pixel layers): then it is the hadron's from the hadron's origin with errors x 1.3 (the
built-in's kinked fit) and the spectrometer sees the muon. Calorimeter isolation from the generated particles:
E_T of the visible final-state particles (no muons, neutrinos, charged particles below 0.4 GeV that curl before the
calorimeter, or particles below 0.1 GeV) with 0.05 < dR < 0.2 of the muon (the core is the muon's own deposit), plus
a residual pileup term N(0, 1.0 GeV) (the underlying event is Pythia's own), divided by pT_CB.
Selection: pT_CB > 5 GeV and |eta| < 2.5 (measured), as the built-in generator.

Reproducible: each class is cut into chunks of --chunk muons; chunk k (counted over all classes, tau then prompt
then fake) is seeded with Random:seed = seed * 1000 + k + 1 (mod 900 000 000) and numpy's default_rng of the same
number, so the output does not depend on --workers. Cached: an output whose metadata has the same settings hash is
not regenerated (unless --force). Written atomically.
"""
import argparse, hashlib, json, math, multiprocessing as mp, os, sys, time

import numpy as np

from pythia_setup import SHARED, make_pythia
from sample_files import cached, write_npz_atomically

PYTHIA_VERSION = "8.317"
SCRIPT_VERSION = "1"
PROCESSES = ("ttbar", "w", "z", "wprime")
CLASSES = (("tau", 1), ("prompt", 0), ("fake", 2))
COLUMNS = ["pt", "abs_eta", "abs_d0", "d0_significance", "delta_z0", "z0_sin_theta", "pt_uncertainty", "rho_prime",
           "calo_isolation", "random", "label", "origin", "true_pt"]
TAU_TO_MU = ["15:onMode = off", "15:onIfAny = 13"]
CHARM_TO_MU = [l for i in (411, 421, 431, 4122) for l in (f"{i}:onMode = off", f"{i}:onIfAny = 13")]

# The detector model of TauMuonDetector.swift (same constants).
D0_A, D0_B, Z0_A, Z0_B = 0.010, 0.070, 0.030, 0.100
BEAM_SPOT, VERTEX_LENGTH, VERTEX_RESOLUTION = 0.010, 45.0, 0.020
ID_A, ID_B, MS_A, MS_B = 0.01, 0.0005, 0.03, 0.0001
LOSS_PEAK, LOSS_WIDTH = 2.6, 0.25
LOSS_MEAN = LOSS_PEAK + LOSS_WIDTH * (0.5772156649015329 + math.log(2.0))
MIN_PT, MAX_ABS_ETA = 5.0, 2.5
PIXEL_RADIUS, KINK_DEGRADATION = 122.0, 1.3
CONE, CORE, PILEUP_SIGMA = 0.2, 0.05, 1.0


def process_lines(process, cls):
    """Pythia settings for the muons of class `cls` of `process`, and a description of the forced decays."""
    if cls == "fake" and process != "ttbar":
        return (["HardQCD:hardccbar = on", "HardQCD:hardbbbar = on", "PhaseSpace:pTHatMin = 10."] + CHARM_TO_MU,
                "D+, D0, Ds, Lambda_c (and antiparticles) decay only to channels with a muon")
    tau = cls == "tau"
    lep = "15" if tau else "13"
    extra = TAU_TO_MU if tau else []
    forced_tau = "; tau -> mu nu nu only (BR 17.4 % -> 100 %)" if tau else ""
    if process == "ttbar":
        base = ["Top:gg2ttbar = on", "Top:qqbar2ttbar = on"]
        if cls == "fake":
            return base, "none (both W decay as in nature)"
        # onMode 3: every channel on for the W- only; then the tau (channel 8) or muon (7) channel on for both.
        return (base + ["24:onMode = 3", f"24:{8 if tau else 7}:onMode = 1"] + extra,
                f"W+ -> {'tau' if tau else 'mu'} nu only, W- as in nature" + forced_tau)
    if process == "w":
        return (["WeakSingleBoson:ffbar2W = on", "24:onMode = off", f"24:onIfAny = {lep}"] + extra,
                f"W -> {'tau' if tau else 'mu'} nu only" + forced_tau)
    if process == "z":
        return (["WeakSingleBoson:ffbar2gmZ = on", "PhaseSpace:mHatMin = 60.", "PhaseSpace:mHatMax = 120.",
                 "23:onMode = off", f"23:onIfAny = {lep}"] + extra,
                f"Z/gamma* -> {'tau tau' if tau else 'mu mu'} only" + forced_tau)
    return (["NewGaugeBoson:ffbar2Wprime = on", "34:m0 = 600.", "Wprime:coup2WZ = 0.", "34:onMode = off",
             f"34:onIfAny = {lep}"] + extra, f"W' -> {'tau' if tau else 'mu'} nu only" + forced_tau)


COMMON = ["ParticleDecays:limitTau0 = off", "Fragmentation:setVertices = on", "PartonVertex:setVertex = on",
          "211:mayDecay = on", "321:mayDecay = on", "130:mayDecay = on", "ParticleDecays:limitCylinder = on",
          "ParticleDecays:xyMax = 1000.", "ParticleDecays:zMax = 2700."]


def quark_content(a):
    """5 for a b hadron, 4 for a charm hadron (charmonium included), 0 for a light hadron, -1 for no hadron."""
    if a < 100:
        return -1
    a %= 10000
    digits = ((a // 1000) % 10, (a // 100) % 10)
    return 5 if 5 in digits else (4 if 4 in digits else 0)


def first_other(ev, i):
    """The first ancestor of particle i that is not a copy of it (same |id|), or None."""
    a = ev[i].idAbs()
    j = i
    while True:
        m = ev[j].mother1()
        if m <= 0:
            return None
        if ev[m].idAbs() != a:
            return m
        j = m


def has_b_ancestor(ev, i):
    j = ev[i].mother1()
    while j > 0:
        q = quark_content(ev[j].idAbs())
        if q == 5:
            return True
        if q < 0:
            return False
        j = ev[j].mother1()
    return False


def classify(ev, i):
    """(label, origin, mother index) of the muon at i (docstring: truth class)."""
    m = first_other(ev, i)
    if m is None:
        return 2, 5, None
    a = ev[m].idAbs()
    if a in (23, 24, 34) or (a == 22 and 21 <= abs(ev[m].status()) <= 29):
        return 0, 0, m
    if a == 15:
        t = first_other(ev, m)
        if t is not None and ev[t].idAbs() in (23, 24, 34):
            return 1, 1, m
        m = t if t is not None else m
        a = ev[m].idAbs()
    q = quark_content(a)
    if q == 5:
        return 2, 2, m
    if q == 4:
        return 2, (3 if has_b_ancestor(ev, m) else 4), m
    return 2, 5, m


def visible(ev):
    """pT, eta, phi of the final-state particles that reach the calorimeter (no muons, neutrinos, soft particles)."""
    rows = []
    for i in range(ev.size()):
        p = ev[i]
        if not p.isFinal() or p.idAbs() in (12, 13, 14, 16) or p.e() < 0.1:
            continue
        pt = p.pT()
        if p.charge() != 0 and pt < 0.4:
            continue
        rows.append((pt, p.eta(), p.phi()))
    return np.array(rows).reshape(-1, 3)


def measure(rng, origin, idp, mup, k, zpv):
    """TauMuonDetector.measure: the ID, MS and combined measurements of a straight track (see the docstring)."""
    px, py, pz = idp
    pt2 = px * px + py * py
    pt, p = math.sqrt(pt2), math.sqrt(pt2 + pz * pz)
    sin_theta = pt / p
    dx, dy, oz = origin
    t = -(dx * px + dy * py) / pt2
    d0_true, z0_true = (dx * py - dy * px) / pt, oz + t * pz
    sd0 = math.hypot(D0_A, D0_B / (pt * math.sqrt(sin_theta))) * k
    d0 = d0_true + rng.normal(0.0, sd0)
    z0 = z0_true + rng.normal(0.0, math.hypot(Z0_A, Z0_B / (pt * sin_theta ** 1.5)) * k)
    zpv_measured = zpv + rng.normal(0.0, VERTEX_RESOLUTION)
    res_id = lambda x: math.hypot(ID_A, ID_B * x)
    res_ms = lambda x: math.hypot(MS_A, MS_B * x)
    pt_id = pt * (1 + rng.normal(0.0, res_id(pt) * k))
    z = rng.normal()
    loss = LOSS_PEAK + LOSS_WIDTH * -math.log(max(z * z, 1e-300))
    mpx, mpy, mpz = mup
    mpt = math.hypot(mpx, mpy)
    mp_ = math.sqrt(mpt * mpt + mpz * mpz)
    p_ms = max(mp_ - loss + LOSS_MEAN, 0.5)
    pt_ms = p_ms * (mpt / mp_) * (1 + rng.normal(0.0, res_ms(mpt)))
    s_id, s_ms = res_id(abs(pt_id)) * abs(pt_id) * k, res_ms(abs(pt_ms)) * abs(pt_ms)
    w_id, w_ms = 1 / (s_id * s_id), 1 / (s_ms * s_ms)
    pt_cb = (pt_id * w_id + pt_ms * w_ms) / (w_id + w_ms)
    s_cb = 1 / math.sqrt(w_id + w_ms)
    chi2 = (pt_id - pt_ms) ** 2 / (s_id * s_id + s_ms * s_ms)
    dz = abs(z0 - zpv_measured)
    return {"pt": pt_cb, "abs_eta": abs(math.asinh(pz / pt)), "abs_d0": abs(d0), "d0_significance": abs(d0) / sd0,
            "delta_z0": dz, "z0_sin_theta": dz * sin_theta, "pt_uncertainty": s_cb / abs(pt_cb) * max(1.0, math.sqrt(chi2)),
            "rho_prime": (pt_id - pt_ms) / pt_cb}


def track(ev, i, mother, origin_code, pv):
    """(origin, ID momentum, muon momentum, fit degradation) of the muon at i, the origin shifted by the vertex."""
    mu = ev[i]
    mom = (mu.px(), mu.py(), mu.pz())
    at = (mu.xProd() + pv[0], mu.yProd() + pv[1], mu.zProd() + pv[2])
    if origin_code == 5 and mother is not None and ev[mother].idAbs() in (211, 321) \
            and math.hypot(mu.xProd(), mu.yProd()) > PIXEL_RADIUS:
        h = ev[mother]
        return (h.xProd() + pv[0], h.yProd() + pv[1], h.zProd() + pv[2]), (h.px(), h.py(), h.pz()), mom, KINK_DEGRADATION
    return at, mom, mom, 1.0


def chunk(args):
    """Muons of one class from one chunk: (rows, events generated, Pythia failures)."""
    process, cls, label, k, count, seed = args
    number = (seed * 1000 + k + 1) % 900_000_000
    rng = np.random.default_rng(number)
    py = make_pythia(COMMON + process_lines(process, cls)[0], number)
    rows, events, failures = [], 0, 0
    while len(rows) < count:
        if not py.next():
            failures += 1
            continue
        events += 1
        pv = (rng.normal(0, BEAM_SPOT), rng.normal(0, BEAM_SPOT), rng.normal(0, VERTEX_LENGTH))
        ev = py.event
        cands = []
        for i in range(ev.size()):
            p = ev[i]
            if p.idAbs() == 13 and p.isFinal() and p.pT() > 0.8 * MIN_PT and abs(p.eta()) < MAX_ABS_ETA + 0.1:
                lab, origin, mother = classify(ev, i)
                if lab == label:
                    cands.append((i, origin, mother))
        if not cands:
            continue
        vis = None
        for i, origin, mother in cands:
            if len(rows) >= count:
                break
            at, idp, mup, kfit = track(ev, i, mother, origin, pv)
            m = measure(rng, at, idp, mup, kfit, pv[2])
            noise = rng.normal(0.0, PILEUP_SIGMA)
            random = rng.uniform()
            if not (m["pt"] > MIN_PT and m["abs_eta"] < MAX_ABS_ETA):
                continue
            if vis is None:
                vis = visible(ev)
            mu = ev[i]
            dphi = (vis[:, 2] - mu.phi() + math.pi) % (2 * math.pi) - math.pi
            dr2 = (vis[:, 1] - mu.eta()) ** 2 + dphi ** 2
            cone = vis[(dr2 < CONE * CONE) & (dr2 > CORE * CORE), 0].sum() + noise
            m["calo_isolation"] = cone / m["pt"]
            m.update(random=random, label=float(label), origin=float(origin), true_pt=mu.pT())
            rows.append([m[c] for c in COLUMNS])
    return rows, events, failures


def settings_hash(s):
    text = "\n".join(f"{k}={s[k]}" for k in sorted(s)) + f"\npythia={PYTHIA_VERSION}\nscript={SCRIPT_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--process", default="ttbar", help="ttbar, w, z or wprime")
    ap.add_argument("--tau", type=int, default=200)
    ap.add_argument("--prompt", type=int, default=100)
    ap.add_argument("--fake", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--chunk", type=int, default=250, help="muons per chunk (part of the settings: it sets the seeds)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    if a.process not in PROCESSES:
        ap.error(f"--process: unknown process '{a.process}' (ttbar, w, z, wprime)")
    for name in ("tau", "prompt", "fake"):
        if getattr(a, name) < 0:
            ap.error(f"--{name}: the number of {name} muons must be >= 0 (got {getattr(a, name)})")
    if a.tau + a.prompt + a.fake < 1:
        ap.error("--tau, --prompt, --fake: at least one muon")
    if a.chunk < 1 or a.seed < 0 or a.workers < 1:
        ap.error("--chunk and --workers must be >= 1 and --seed >= 0")
    if not a.out.endswith(".npz"):
        ap.error("--out must be a .npz file")
    s = {"process": a.process, "tau": a.tau, "prompt": a.prompt, "fake": a.fake, "seed": a.seed, "chunk": a.chunk}
    h = settings_hash(s)
    if cached(a.out, h, a.force):
        return
    jobs, k = [], 0
    for cls, label in CLASSES:
        n = s[cls]
        for start in range(0, n, a.chunk):
            jobs.append((a.process, cls, label, k, min(a.chunk, n - start), a.seed))
            k += 1
    started = time.time()
    results = []
    # "spawn", as generate_muons.py: a forked worker can inherit a lock held by another thread (numpy's OpenBLAS).
    with mp.get_context("spawn").Pool(max(1, min(a.workers, len(jobs)))) as pool:
        for i, r in enumerate(pool.imap(chunk, jobs)):
            results.append(r)
            print(f"\r[pythia] {a.process}: chunk {i + 1}/{len(jobs)}", end="", file=sys.stderr, flush=True)
    print("", file=sys.stderr)
    seconds = time.time() - started
    table = np.array([row for r in results for row in r[0]], dtype=float).reshape(-1, len(COLUMNS))
    events = {cls: 0 for cls, _ in CLASSES}
    for job, r in zip(jobs, results):
        events[job[1]] += r[1]
    meta = {
        "generator": f"pythia8 {PYTHIA_VERSION} (pythia8mc), tools/pythia/generate_tau_muons.py v{SCRIPT_VERSION}",
        "process": a.process, "seed": a.seed, "settings_hash": h, "settings": {k: str(v) for k, v in s.items()},
        "pythia_settings": {cls: process_lines(a.process, cls)[0] for cls, _ in CLASSES},
        "forced_decays": {cls: process_lines(a.process, cls)[1] for cls, _ in CLASSES},
        "common_settings": SHARED + COMMON,
        "vertex": "primary vertex x, y ~ N(0, 0.010 mm), z ~ N(0, 45 mm) added to Pythia's production vertices",
        "detector": "TauMuonDetector.swift's model re-implemented in numpy with the same constants",
        "events_generated": events, "pythia_failures": sum(r[2] for r in results), "seconds": seconds,
        "muons_per_second": len(table) / seconds if seconds > 0 else None,
    }
    members = {c: table[:, j].copy() for j, c in enumerate(COLUMNS)}
    members["metadata"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    write_npz_atomically(a.out, members)
    print(json.dumps({"out": a.out, "cached": False, "settings_hash": h, "n_muons": len(table),
                      "n_tau": a.tau, "n_prompt": a.prompt, "n_fake": a.fake, "seconds": seconds,
                      "rate_per_second": len(table) / seconds if seconds > 0 else None}))


if __name__ == "__main__":
    main()
