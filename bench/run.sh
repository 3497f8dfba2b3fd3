#!/usr/bin/env bash
# make bench: Neyman side by side with its Python peers, in one go, on this machine.
# Prints the table and writes it to docs/benchmarks.md. See bench/README.md.
#
# Environment:
#   BENCH_TOYS=N           toys for the toy-based CLs rows (default 10000; pyhf does ~20-60 toys/s)
#   BENCH_PEER_THREADS=N   set OMP_NUM_THREADS/OPENBLAS_NUM_THREADS=N for the Python peers
#                          (default: unset; measured no difference on this 2-core machine, see README)
#   BENCH_ASYM_CALLS=K     in-process pyhf asymptotic calls to average over (default 200)
#   BENCH_ASYM_INVOCATIONS=M  neyman asymptotic invocations per batch (default 20; 3 batches, median)
#   BENCH_NEYMAN=path      the neyman binary (default .build/release/neyman)
#   BENCH_DOC=path         where to write the table (default docs/benchmarks.md; "-" = do not write)
#   BENCH_ISA=avx2         limit both sides to AVX2 + FMA kernels on a CPU that has AVX-512, to measure what most
#                          users' machines run (OPENBLAS_CORETYPE=Haswell for Neyman and numpy, numpy's AVX-512
#                          dispatch off, numba's target haswell, MKL/oneDNN/ATen capped at AVX2 for torch);
#                          default native: every tool at its best on this CPU. The machine line says which.
#   BENCH_NN=0             skip the neural-network epoch rows (Neyman vs PyTorch) and the torch venv
#                          (default 1; .venv-bench-torch is ~5.4 GiB: PyPI's torch brings its CUDA libraries)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv-bench"
# The peers' venv (bench/setup-venv.sh: created on first use, refreshed when bench/requirements.txt changes).
bash "$ROOT/bench/setup-venv.sh" >/dev/null

# The PyTorch peer (neural-network epoch rows) lives in a venv of its own, with the same hash-stamp
# logic: torch's PyPI wheel pulls several GiB of CUDA packages, and the pyhf venv stays small.
# If it cannot be installed, the NN rows say so and everything else still runs.
TVENV="$ROOT/.venv-bench-torch"
TREQ="$ROOT/bench/requirements-torch.txt"
TSTAMP="$TVENV/.requirements.sha256"
TORCH_PY=""
if [ "${BENCH_NN:-1}" != "0" ]; then
  twant="$(sha256sum "$TREQ" | cut -d' ' -f1)"
  thave="$(cat "$TSTAMP" 2>/dev/null || true)"
  if [ ! -x "$TVENV/bin/python" ] || [ "$twant" != "$thave" ]; then
    if [ -d "$TVENV" ]; then
      echo "bench: bench/requirements-torch.txt changed; recreating .venv-bench-torch" >&2
      rm -rf "$TVENV"
    else
      echo "bench: creating .venv-bench-torch (first use; pip installs torch from PyPI, ~5 GiB, a few minutes)" >&2
    fi
    python3 -m venv "$TVENV"
    if "$TVENV/bin/python" -m pip install -q -r "$TREQ"; then
      echo "$twant" > "$TSTAMP"
    else
      echo "bench: pip install of bench/requirements-torch.txt failed; the torch rows will say so" >&2
      rm -rf "$TVENV"
    fi
  fi
  if [ -x "$TVENV/bin/python" ]; then TORCH_PY="$TVENV/bin/python"; fi
fi

# The in-process timer (Benchmarks/, a package of its own so that `make test` never builds it).
if swift build -c release --package-path "$ROOT/Benchmarks" >/dev/null 2>"$ROOT/.build-bench.log"; then
  export BENCH_INPROC="$(swift build -c release --package-path "$ROOT/Benchmarks" --show-bin-path)/neyman-bench"
else
  echo "bench: Benchmarks/ did not build (see .build-bench.log); skipping the in-process rows" >&2
  export BENCH_INPROC=""
fi

export BENCH_ROOT="$ROOT" BENCH_VENV_PY="$VENV/bin/python" BENCH_TORCH_PY="$TORCH_PY"
# The driver only needs the standard library; the peers run in the venv.
exec python3 - <<'PY'
import datetime, json, os, platform, shlex, statistics, subprocess, sys, time

ROOT = os.environ["BENCH_ROOT"]
VPY = os.environ["BENCH_VENV_PY"]
NEYMAN = os.environ.get("BENCH_NEYMAN") or os.path.join(ROOT, ".build", "release", "neyman")
TOYS = int(os.environ.get("BENCH_TOYS", "10000"))
ASYM_CALLS = int(os.environ.get("BENCH_ASYM_CALLS", "200"))
ASYM_INV = int(os.environ.get("BENCH_ASYM_INVOCATIONS", "20"))
PEER_THREADS = os.environ.get("BENCH_PEER_THREADS", "").strip()
DOC = os.environ.get("BENCH_DOC", os.path.join(ROOT, "docs", "benchmarks.md"))
SEED = 7
NN = os.environ.get("BENCH_NN", "1").strip() != "0"
TPY = os.environ.get("BENCH_TORCH_PY", "")
EPOCH_EVENTS = 100_000
LOAD_START = open("/proc/loadavg").read().split()[0]

# --- which vector kernels run (BENCH_ISA) -------------------------------------------------------
ISA = os.environ.get("BENCH_ISA", "native").strip().lower() or "native"
_cpu_flags = set(next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), []))
if ISA not in ("native", "avx2"):
    sys.exit(f"bench: BENCH_ISA must be native or avx2, got {ISA!r}")
if ISA == "avx2" and not {"avx2", "fma"} <= _cpu_flags:
    sys.exit("bench: BENCH_ISA=avx2 needs a CPU with AVX2 and FMA")
# Every tool's switch to its AVX2 kernels (each is read when the library loads).
AVX2_ENV = {
    "OPENBLAS_CORETYPE": "Haswell",                      # OpenBLAS (Neyman's and numpy's): the Haswell kernels
    "NPY_DISABLE_CPU_FEATURES": "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR",
    "NUMBA_CPU_NAME": "haswell",                         # dcor's numba JIT
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",                   # torch's MKL
    "ONEDNN_MAX_CPU_ISA": "AVX2",                        # torch's oneDNN
    "ATEN_CPU_CAPABILITY": "avx2",                       # torch's own kernels
}
if ISA == "avx2":
    # Neyman and neyman-bench inherit it (neyman keeps a kernel family set in OPENBLAS_CORETYPE).
    os.environ["OPENBLAS_CORETYPE"] = "Haswell"
ISA_PEER = [f"{k}={v}" for k, v in AVX2_ENV.items()] if ISA == "avx2" else []
BENCH_CMD = "make bench" + (" BENCH_ISA=avx2" if ISA == "avx2" else "")

def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)

def run(cmd, check=True):
    """Run cmd, return (seconds of the whole command, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, cwd=ROOT)
    dt = time.perf_counter() - t0
    if check and p.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return dt, p.stdout

def last_json(out):
    """The JSON object a tool printed: the whole output, else its last line that is one."""
    try:
        return json.loads(out)
    except ValueError:
        pass
    for line in reversed(out.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    raise ValueError(f"no JSON object in output: {out[:300]!r}")

# --- peer command prefix: OpenBLAS at its best (see the machine notes) --------------------
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine for old OpenBLAS builds;
# they slow a current numpy, so they are unset for the peer's command alone.
PEER = ["env", "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE", *ISA_PEER]
if PEER_THREADS:
    PEER += [f"OMP_NUM_THREADS={PEER_THREADS}", f"OPENBLAS_NUM_THREADS={PEER_THREADS}"]
PEER.append(VPY)

# --- Neyman ---------------------------------------------------------------------------------
MODEL = ["--n", "51,48", "--s", "12,11", "--b", "50,52", "--b-uncertainty", "3,7",
         "--mu", "1", "--test-stat", "qtilde"]

def neyman_cmd(calc, threads=None, toys=None, extra=()):
    cmd = [NEYMAN, "cls", *MODEL, "--calculator", calc, *extra]
    if toys is not None:
        cmd += ["--toys", str(toys), "--seed", str(SEED)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    return cmd + ["--format", "json", "--quiet"]

neyman_ok, neyman_why = False, "not built"  # shown as "neyman: not built"
if os.access(NEYMAN, os.X_OK):
    try:
        run(neyman_cmd("asymptotic"))            # warm-up: loads the binary and its libraries
        _, out = run(neyman_cmd("asymptotic"))
        j = last_json(out)
        float(j["cls"])
        neyman_ok = True
    except Exception as e:  # noqa: BLE001 - report any failure, run the peer side anyway
        neyman_why = "not built (it ran but failed: see the log)"
        log(f"neyman failed, running the peer side only: {e}")
else:
    log(f"{os.path.relpath(NEYMAN, ROOT)} not found: running the peer side only ('neyman: not built')")

def neyman_toys(threads, extra=()):
    cmd = neyman_cmd("toys", threads=threads, toys=TOYS, extra=extra)
    log(f"neyman toys, {TOYS} toys, --threads {threads} {' '.join(extra)}".rstrip())
    times = []
    dt, out = run(cmd)
    times.append(dt)
    if dt < 60:  # fast: the first run is the warm-up, then the median of 3
        times = []
        for _ in range(3):
            dt, out = run(cmd)
            times.append(dt)
    return statistics.median(times), len(times), last_json(out)

def neyman_asym():
    cmd = neyman_cmd("asymptotic")
    log(f"neyman asymptotic, 3 batches of {ASYM_INV} invocations")
    per = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(ASYM_INV):
            _, out = run(cmd)
        per.append((time.perf_counter() - t0) / ASYM_INV)
    return statistics.median(per), last_json(out)

INPROC = os.environ.get("BENCH_INPROC", "")

def neyman_inproc():
    log("neyman asymptotic in-process (neyman-bench), 3 runs of 2000 calls")
    per, j = [], None
    for _ in range(3):
        _, out = run([INPROC, "asymptotic", "2000"])
        j = last_json(out)
        per.append(float(j["seconds_per_call"]))
    return statistics.median(per), j

def neyman_toys_inproc():
    """`neyman-bench toys TOYS 2`: the toy-based hypotest alone, in-process, as pyhf's is timed; median of 3."""
    log(f"neyman toys in-process (neyman-bench), {TOYS} toys, 2 threads, 3 runs")
    per, j = [], None
    for _ in range(3):
        _, out = run([INPROC, "toys", str(TOYS), "2"])
        j = last_json(out)
        per.append(float(j["seconds"]))
    return statistics.median(per), j

# --- run ------------------------------------------------------------------------------------
res = {}
if neyman_ok:
    try:
        res["n_t2"] = neyman_toys(2)
        res["n_t1"] = neyman_toys(1)
        # The same with every gamma a coordinate of the fit (the full fit), for comparison with the default
        # analytic profiling of the per-bin gammas.
        res["n_t2_numeric"] = neyman_toys(2, ["--profile-gammas", "numeric"])
        res["n_asym"] = neyman_asym()
        if INPROC and os.access(INPROC, os.X_OK):
            res["n_inproc"] = neyman_inproc()
            res["n_toys_inproc"] = neyman_toys_inproc()
    except Exception as e:  # noqa: BLE001
        neyman_ok, neyman_why = False, "not built (it ran but failed: see the log)"
        res = {}
        log(f"neyman failed, running the peer side only: {e}")

log(f"pyhf asymptotic, {ASYM_CALLS} calls in one process")
_, out = run(PEER + ["bench/pyhf_asymptotic.py", "--calls", str(ASYM_CALLS)])
p_asym = last_json(out)
est = TOYS / 22.0
log(f"pyhf toys, {TOYS} toys, one process (about {est:.0f} s at ~22 toys/s on a 2 GHz core)")
_, out = run(PEER + ["bench/pyhf_toys.py", "--toys", str(TOYS), "--seed", str(SEED)])
p_toys = last_json(out)

# --- neural-network epochs: Neyman (neyman-bench) vs PyTorch ----------------------------------
# torch's command: like the pyhf peer's, and with no inherited OMP/MKL thread counts (torch_epoch.py
# sets its threads itself with torch.set_num_threads).
TORCH = ["env", "-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE", "-u", "OMP_NUM_THREADS",
         "-u", "MKL_NUM_THREADS", *ISA_PEER, TPY]
NN_JOBS = (("dense", "epoch-dense", "one epoch, dense 11-197-197-1, 10^5 events, batch 128"),
           ("pfn", "epoch-pfn", "one epoch, PFN Phi 3x100 / F 3x100, 10^5 events x 64 particles, batch 128"))
TORCH_THREADS = (1, 2)

def neyman_bench(args, key, what):
    """(json, None) from `neyman-bench ARGS...` (its JSON must hold a number under key), or (None, why) for the cell."""
    if not (INPROC and os.access(INPROC, os.X_OK)):
        return None, "not built"
    log(f"neyman {what} (neyman-bench)")
    p = subprocess.run([INPROC, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, cwd=ROOT)
    if p.returncode != 0:
        log(f"neyman-bench {args[0]} exited {p.returncode} ({(p.stderr.strip().splitlines() or [''])[-1][:200]}): 'neyman: not yet'")
        return None, "not yet"
    try:
        j = last_json(p.stdout)
        float(j[key])
        return j, None
    except Exception as e:  # noqa: BLE001
        log(f"neyman-bench {args[0]}: unreadable output ({e}): 'neyman: not yet'")
        return None, "not yet"

def neyman_epoch(job, threads):
    """(json, None) from `neyman-bench JOB THREADS`, or (None, why) for the cell."""
    return neyman_bench([job, str(threads)], "seconds_per_epoch", f"{job}, one epoch of 10^5 events, {threads} thread(s)")

def torch_epoch(model, threads):
    log(f"torch {model} epoch, 10^5 events, --threads {threads}")
    try:
        _, out = run(TORCH + ["bench/torch_epoch.py", "--model", model, "--events", str(EPOCH_EVENTS),
                              "--seed", str(SEED), "--threads", str(threads)])
        j = last_json(out)
        float(j["seconds_per_epoch"])
        return j
    except Exception as e:  # noqa: BLE001 - report it in the table, go on
        log(f"torch {model} --threads {threads} failed: {e}")
        return None

nn = []
if NN:
    for model, job, label in NN_JOBS:
        nres = {thr: neyman_epoch(job, thr) for thr in TORCH_THREADS}
        tj = {thr: torch_epoch(model, thr) for thr in TORCH_THREADS} if TPY else {}
        nn.append((model, label, nres, tj))
# The PFN's cost on padding: every event with all 64 slots real, then with half of them (the rest zero padding);
# Neyman's Phi runs on real particles only, so half the slots should cost about half (issue target: <= 60 %).
pfn_fill = {}
if NN:
    for fill in ("1.0", "0.5"):
        pfn_fill[fill] = neyman_bench(["epoch-pfn", "1", "--fill", fill], "seconds_per_epoch",
                                      f"epoch-pfn, 1 thread, every event with a fraction {fill} of its 64 slots real")
# --- sPlot and ROC: Neyman (neyman-bench) vs iminuit + sweights, scikit-learn ---------------------
def splot_job(job, peer_script, events):
    """(neyman json or None, peer json or None) for one row."""
    nj = pj = None
    if INPROC and os.access(INPROC, os.X_OK):
        log(f"neyman {job} (neyman-bench), {events:,} events")
        try:
            _, out = run([INPROC, job, str(events)])
            nj = last_json(out)
        except Exception as e:  # noqa: BLE001
            log(f"neyman-bench {job} failed: {e}")
    log(f"python {peer_script}, {events:,} events")
    try:
        _, out = run(PEER + [f"bench/{peer_script}", "--events", str(events), "--seed", str(SEED)])
        pj = last_json(out)
    except Exception as e:  # noqa: BLE001
        log(f"{peer_script} failed: {e}")
    return nj, pj

splot = [("sweights", "extended fit (Voigt, Gamma fixed, + exponential) and sWeights, 10^5 events",
          "iminuit 2.33.0 + sweights 1.7.0", splot_job("sweights", "sweights_peer.py", 100_000)),
         ("auc", "weighted ROC AUC, 10^7 events", "scikit-learn roc_auc_score", splot_job("auc", "auc_peer.py", 10_000_000))]
# --- AUC from an NPZ file: the whole `neyman auc` command vs scikit-learn's in-process call --------
AUC_NPZ_EVENTS = 2_000_000
AUC_NPZ = os.path.join(ROOT, ".build-bench-auc.npz")
log(f"python auc_peer.py, {AUC_NPZ_EVENTS:,} events written to {os.path.relpath(AUC_NPZ, ROOT)}, median of 3 calls")
try:
    _, out = run(PEER + ["bench/auc_peer.py", "--events", str(AUC_NPZ_EVENTS), "--seed", str(SEED), "--repeat", "3",
                         "--write-npz", AUC_NPZ])
    a_peer = last_json(out)
except Exception as e:  # noqa: BLE001 - report it in the table, go on
    log(f"auc peer (NPZ row) failed: {e}")
    a_peer = None
a_ney = None
if neyman_ok and os.path.exists(AUC_NPZ):
    cmd = [NEYMAN, "auc", "--input", AUC_NPZ, "--score", "score", "--label", "label", "--weight", "weight",
           "--format", "json"]
    log("neyman auc on the NPZ file, whole command: a warm-up, then the median of 3")
    try:
        run(cmd)
        times = []
        for _ in range(3):
            dt, out = run(cmd)
            times.append(dt)
        a_ney = {"seconds": statistics.median(times), "auc": float(last_json(out)["auc"])}
    except Exception as e:  # noqa: BLE001
        log(f"neyman auc failed: {e}")
# --- distance correlation: Neyman (neyman-bench dcor) vs dcor 0.7 ----------------------------------
DCOR_N = 1_000_000

log(f"dcor 0.7 distance_correlation (AUTO = AVL), n = {DCOR_N:,}, median of 3 after a numba warm-up")
try:
    _, out = run(PEER + ["bench/dcor_peer.py", "--n", str(DCOR_N)])
    d_peer = last_json(out)
except Exception as e:  # noqa: BLE001 - report it in the table, go on
    log(f"dcor peer failed: {e}")
    d_peer = None
d_ney, d_why = neyman_bench(["dcor", str(DCOR_N)], "seconds", f"dcor, n = {DCOR_N:,}, median of 3")
# --- energy-flow polynomials: Neyman (neyman-bench efp) vs EnergyFlow's EFPSet ---------------------
EFP_EVENTS = int(os.environ.get("BENCH_EFP_EVENTS", "10000"))
EFP_PEER_JOBS = [int(x) for x in os.environ.get("BENCH_EFP_PEER_JOBS", "1 2").split()]
EFP_CSV = os.path.join(ROOT, ".build-bench-efp.csv")
e_ney = {thr: neyman_bench(["efp", str(EFP_EVENTS), str(thr), EFP_CSV], "seconds",
                           f"efp, all connected d<=5, {EFP_EVENTS:,} events, {thr} thread(s)") for thr in (1, 2)}
e_peer = {}
for jobs in EFP_PEER_JOBS:
    log(f"energyflow EFPSet('d<=5', 'p==1').batch_compute, {EFP_EVENTS:,} events, n_jobs={jobs}")
    try:
        _, out = run(PEER + ["bench/efp_peer.py", EFP_CSV, str(jobs)])
        e_peer[jobs] = last_json(out)
    except Exception as e:  # noqa: BLE001 - report it in the table, go on
        log(f"efp peer n_jobs={jobs} failed: {e}")
        e_peer[jobs] = None
LOAD_END = open("/proc/loadavg").read().split()[0]

# --- table ----------------------------------------------------------------------------------
def fmt_t(s):
    if s is None:
        return f"neyman: {neyman_why}"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"

def ratio(peer, ney):
    if not (ney and peer):
        return "-"
    r = peer / ney
    return f"{r:.0f}x" if r >= 100 else (f"{r:.1f}x" if r >= 1 else f"{r:.2f}x")

def toy_err(j, n):
    """Rough binomial error of CLs = CLsb/CLb from n toys per hypothesis."""
    try:
        sb, b, cls = float(j["clsb"]), float(j["clb"]), float(j["cls"])
    except (KeyError, TypeError, ValueError):
        return None
    if sb <= 0 or b <= 0:
        return None
    esb = (sb * (1 - sb) / n) ** 0.5
    eb = (b * (1 - b) / n) ** 0.5
    return cls * ((esb / sb) ** 2 + (eb / b) ** 2) ** 0.5

def fmt_cls(j, n=None):
    if j is None:
        return "-"
    s = f"{float(j['cls']):.4f}" if n is not None else f"{float(j['cls']):.6f}"
    if n is not None:
        e = toy_err(j, n)
        if e is not None:
            s += f" ± {e:.4f}"
    return s

def fmt_band(j):
    return "[" + ", ".join(f"{float(x):.4f}" for x in j["cls_expected"]) + "]" if j else "-"

rows = []
for key, thr in (("n_t2", 2), ("n_t1", 1)):
    t, nruns, j = res.get(key, (None, 0, None))
    how = "" if not nruns else (f" (median of {nruns})" if nruns > 1 else " (1 run)")
    rows.append((f"toy-based CLs, {TOYS:,} toys; Neyman --threads {thr}{how}, pyhf 1 process",
                 fmt_t(t), fmt_t(p_toys["seconds"]), ratio(p_toys["seconds"], t),
                 fmt_cls(j, TOYS), fmt_cls(p_toys, TOYS)))
t, nruns, j = res.get("n_t2_numeric", (None, 0, None))
if t is not None:
    rows.append((f"same, --threads 2, gammas fitted numerically (`--profile-gammas numeric`, the full fit; median of {nruns})",
                 fmt_t(t), fmt_t(p_toys["seconds"]), ratio(p_toys["seconds"], t),
                 fmt_cls(j, TOYS), fmt_cls(p_toys, TOYS)))
t, j = res.get("n_toys_inproc", (None, None))
if t is not None:
    rows.append((f"toy-based CLs, {TOYS:,} toys, both in-process (Neyman: neyman-bench toys, 2 threads, median of 3)",
                 fmt_t(t), fmt_t(p_toys["seconds"]), ratio(p_toys["seconds"], t),
                 fmt_cls(j, TOYS), fmt_cls(p_toys, TOYS)))
t, j = res.get("n_asym", (None, None))
rows.append(("asymptotic hypotest, per call (Neyman: whole process, see note)",
             fmt_t(t), fmt_t(p_asym["seconds_per_call"]), ratio(p_asym["seconds_per_call"], t),
             fmt_cls(j), fmt_cls(p_asym)))

t, j = res.get("n_inproc", (None, None))
if t is not None:
    rows.append(("asymptotic hypotest, per call, both in-process (Neyman: neyman-bench)",
                 fmt_t(t), fmt_t(p_asym["seconds_per_call"]), ratio(p_asym["seconds_per_call"], t),
                 fmt_cls(j), fmt_cls(p_asym)))

hdr = ("job", "Neyman", "pyhf 0.7.6", "ratio (pyhf/Neyman)", "CLs Neyman", "CLs pyhf")
table = ["| " + " | ".join(hdr) + " |", "|" + "---|" * len(hdr)]
table += ["| " + " | ".join(r) + " |" for r in rows]

def fmt_loss(j):
    try:
        return f"{float(j['final_loss']):.4f}"
    except (KeyError, TypeError, ValueError):
        return "-"

torch_v = ""
nn_rows, nn_threads = [], []
# One row per thread count: Neyman and torch with the same number of threads (the issue's comparison); the note
# also gives each tool's best setting.
for model, label, nres, tj in nn:
    for thr in TORCH_THREADS:
        nj, nwhy = nres.get(thr, (None, "not run"))
        j = tj.get(thr) if tj else None
        if j:
            torch_v = j.get("version", torch_v)
        bt = float(j["seconds_per_epoch"]) if j else None
        tcell = fmt_t(bt) if j else ("torch: not installed" if not TPY else "torch: failed (see the log)")
        nt = float(nj["seconds_per_epoch"]) if nj else None
        ncell = fmt_t(nt) if nj else f"neyman: {nwhy}"
        nn_rows.append((f"{label}; {thr} thread{'s' if thr > 1 else ''} each", ncell, tcell, ratio(bt, nt),
                        fmt_loss(nj), fmt_loss(j)))
    tbest = min((float(v["seconds_per_epoch"]), k) for k, v in tj.items() if v) if tj and any(tj.values()) else None
    nbest = min((float(v[0]["seconds_per_epoch"]), k) for k, v in nres.items() if v[0]) if any(v[0] for v in nres.values()) else None
    if tbest and nbest:
        nn_threads.append(f"{model}: best settings torch {fmt_t(tbest[0])} ({tbest[1]} thread(s)) vs Neyman "
                          f"{fmt_t(nbest[0])} ({nbest[1]} thread(s)), ratio {ratio(tbest[0], nbest[0])}")

nn_hdr = ("job", "Neyman", f"PyTorch {torch_v}".strip(), "ratio (torch/Neyman)", "loss Neyman", "loss torch")
nn_table = ["| " + " | ".join(nn_hdr) + " |", "|" + "---|" * len(nn_hdr)]
nn_table += ["| " + " | ".join(r) + " |" for r in nn_rows]

def fmt_dcor(j):
    return f"{float(j['dcor']):.12f}" if j else "-"

d_nt = float(d_ney["seconds"]) if d_ney else None
d_pt = float(d_peer["seconds"]) if d_peer else None
d_row = (f"distance correlation (V-statistic), univariate, n = {DCOR_N:,}",
         fmt_t(d_nt) if d_ney else f"neyman: {d_why}", fmt_t(d_pt) if d_peer else "dcor: failed (see the log)",
         ratio(d_pt, d_nt), fmt_dcor(d_ney), fmt_dcor(d_peer))
d_hdr = ("job", "Neyman", "dcor 0.7", "ratio (dcor/Neyman)", "dCor Neyman", "dCor dcor")
d_table = ["| " + " | ".join(d_hdr) + " |", "|" + "---|" * len(d_hdr), "| " + " | ".join(d_row) + " |"]

e_rows = []
for thr in (1, 2):
    j, why = e_ney[thr]
    pj = e_peer.get(thr)
    nt = float(j["seconds"]) if j else None
    pt = float(pj["seconds"]) if pj else None
    agree = "-"
    if j and pj:
        # energyflow leaves out the d = 0 graph (1 per event for kappa = 1).
        ours = float(j["checksum"]) - EFP_EVENTS * (int(j["graphs"]) - int(pj["graphs"]))
        agree = f"{abs(ours - float(pj['checksum'])) / abs(float(pj['checksum'])):.1e}"
    e_rows.append((f"all connected EFPs d <= 5 (beta = 1, kappa = 1), {EFP_EVENTS:,} events of 20-100 particles, "
                   f"{thr} thread(s) / n_jobs={thr}",
                   fmt_t(nt) if j else f"neyman: {why}", fmt_t(pt) if pj else "energyflow: not run or failed (see the log)",
                   ratio(pt, nt), f"{j['graphs'] if j else '-'} / {pj['graphs'] if pj else '-'}", agree))
e_hdr = ("job", "Neyman", "energyflow 1.4.0", "ratio (energyflow/Neyman)", "graphs Neyman / energyflow", "relative difference of the sums")
e_table = ["| " + " | ".join(e_hdr) + " |", "|" + "---|" * len(e_hdr)] + ["| " + " | ".join(r) + " |" for r in e_rows]

# --- environment ----------------------------------------------------------------------------
def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT).stdout.strip()
    except Exception:  # noqa: BLE001
        return ""

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
# The vector extensions every figure below depends on (most users' CPUs have AVX2 + FMA and no AVX-512).
_flags = set(next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), []))
vec = ", ".join(f for f in ["sse4_2", "avx", "avx2", "fma"] if f in _flags)
_avx512 = sorted(f for f in _flags if f.startswith("avx512"))
vec += ("; AVX-512: " + " ".join(_avx512)) if _avx512 else "; no AVX-512"
if ISA == "avx2":
    kernels = ("**kernels limited to AVX2 + FMA on both sides** (`BENCH_ISA=avx2`"
               + (", although this CPU has AVX-512" if _avx512 else "") + "): "
               + ", ".join(f"{k}={v}" for k, v in AVX2_ENV.items() if k != "NPY_DISABLE_CPU_FEATURES")
               + ", numpy's AVX-512 dispatch off (NPY_DISABLE_CPU_FEATURES)")
else:
    kernels = "every tool at its best on this CPU (`BENCH_ISA=native`" + ("; OpenBLAS picks its AVX-512 kernels" if _avx512 else "") + ")"
kernels += ". Neyman's own loops are compiled for the x86-64 baseline (SSE2) in either case; its Adam step is C (CNeymanKernels), the rest Swift"
mhz = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("cpu MHz")), "?")
mem_kb = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
pkgs = sh([VPY, "-c", "import importlib.metadata as m; print(' '.join(f'{p}=={m.version(p)}' for p in ('pyhf','numpy','scipy','dcor','numba')))"])
blas = p_toys.get("blas") or []
blas_s = "; ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('architecture')}, {b.get('num_threads')} threads)" for b in blas) or "?"
swift_v = (sh(["swift", "--version"]).splitlines() or ["?"])[0]
commit = sh(["git", "rev-parse", "--short", "HEAD"]) or "?"
if sh(["git", "status", "--porcelain", "--untracked-files=no"]):
    commit += " (with uncommitted changes)"
neyman_v = (sh([NEYMAN, "--version"]) if neyman_ok else "") or f"commit {commit}"
peer_env = ("OPENBLAS_L2_SIZE unset, OPENBLAS_CORETYPE=Haswell and the other AVX2 switches of the Kernels line; "
            if ISA == "avx2" else "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; ") + (
    f"OMP_NUM_THREADS=OPENBLAS_NUM_THREADS={PEER_THREADS}" if PEER_THREADS else "thread counts left at OpenBLAS's default (1 thread measured no faster here: bench/README.md)")
torch_pkgs = sh([TPY, "-c", "import importlib.metadata as m; print(' '.join(f'{p}=={m.version(p)}' for p in ('torch','numpy')))"]) if (TPY and nn) else ""
torch_par = sh([TPY, "-c", "import torch; print(torch.__config__.parallel_info())"]) if (TPY and nn) else ""
torch_libs = "; ".join(l.strip() for l in torch_par.splitlines()
                       if "Math Kernel Library" in l or "MKL-DNN" in l or "parallel backend" in l)
now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")

a_diff = ""
if res.get("n_asym"):
    d = abs(float(res["n_asym"][1]["cls"]) - float(p_asym["cls"]))
    a_diff = f" Asymptotic CLs differ by {d:.1e}."

toys_note = "" if TOYS == 10000 else f" **Quick run: BENCH_TOYS={TOYS}, not the 10,000-toy headline.**"
a_row = (f"weighted AUC, {AUC_NPZ_EVENTS:,} labelled events from a .npz (stored members)",
         fmt_t(a_ney["seconds"]) if a_ney else f"neyman: {neyman_why if not neyman_ok else 'failed (see the log)'}",
         fmt_t(float(a_peer["seconds"])) if a_peer else "peer: failed (see the log)",
         ratio(float(a_peer["seconds"]) if a_peer else None, a_ney["seconds"] if a_ney else None),
         f"{a_ney['auc']:.12f}" if a_ney else "-", f"{float(a_peer['auc']):.12f}" if a_peer else "-")
lines = [
    "# Benchmarks: Neyman vs pyhf" + (", PyTorch" if nn else "") + ", iminuit + sweights, scikit-learn, dcor and energyflow",
    "",
    f"Generated by `{BENCH_CMD}` (bench/run.sh) on {now}. Do not edit by hand: run `{BENCH_CMD}` again.{toys_note}",
    "",
    f"Every figure below was measured on this CPU: {cpu}, {sh(['nproc'])} cores; vector extensions: {vec}.",
    "",
    f"Kernels: {kernels}.",
    "",
    "Model: the pyhf README two-bin model, `uncorrelated_background(signal=[12, 11], bkg=[50, 52], "
    "bkg_uncertainty=[3, 7])`, observed [51, 48], hypothesis mu = 1, test statistic q~mu.",
    "",
    *table,
    "",
    "Ratio = pyhf time / Neyman time (above 1: Neyman is faster). CLs from toys carries a rough binomial error "
    "(± from CLs+b and CLb with the toy count per hypothesis); the two tools draw different random streams, "
    "so their toy CLs agree only within that error." + a_diff,
    "",
    "Notes:",
    f"- Neyman times are of its whole command (process start, parsing, output included), seed {SEED}; the fast "
    "ones are the median of 3 runs after a warm-up.",
    "- Neyman's toy fits profile the two per-bin shapesys gammas in closed form (Barlow-Beeston-lite, the default "
    "`--profile-gammas analytic`), so each fit is over mu alone; `--profile-gammas numeric` fits all three "
    "parameters numerically and reaches the same minima (both give the same CLs here). The in-process toy row times "
    "`ToyCalculator.test` (`neyman-bench toys`: the conditional fits to the observed data, every pseudo-experiment "
    "generated and fitted twice, CLs and band), as pyhf's call is timed.",
    f"- pyhf toys: the wall time of the one `pyhf.infer.hypotest(..., calctype=\"toybased\", ntoys={TOYS}, "
    "return_expected_set=True)` call (numpy backend, default scipy optimizer, progress bar off, after a 5-toy "
    f"warm-up); imports and model building excluded. pyhf ran at {p_toys['toys_per_second']:.1f} toys/s.",
    f"- Asymptotic per call: pyhf is the mean of {p_asym['calls']} `hypotest` calls in one process (no start-up cost); "
    f"Neyman is the median over 3 batches of {ASYM_INV} invocations of `neyman cls --calculator asymptotic`, "
    "each batch's time divided by the count, so **process start-up is included** on the Neyman side only. "
    "The in-process row times `Benchmarks/` `neyman-bench asymptotic 2000` (a fresh calculator per call, Asimov fit "
    "included, as in pyhf; median of 3 runs).",
    f"- Expected CLs band [-2σ..+2σ]: Neyman toys {fmt_band(res.get('n_t2', (0, 0, None))[2])}, "
    f"pyhf toys {fmt_band(p_toys)}; asymptotic Neyman {fmt_band(res.get('n_asym', (0, None))[1])}, "
    f"pyhf {fmt_band(p_asym)}.",
    "",
    *([] if not nn else [
        "Neural-network training, one epoch each:",
        "",
        *nn_table,
        "",
        "Ratio = torch time / Neyman time (above 1: Neyman is faster).",
        "",
        "Notes:",
        "- Both sides: one training epoch of 10^5 synthetic events in shuffled mini-batches of 128, "
        "BCE-with-logits loss, Adam lr 1e-3; dense 11 -> 197 -> 197 -> 1 (ReLU); PFN: Phi = 3 dense layers of 100 "
        "(ReLU) per particle, zero-padded particles masked, summed over up to 64 particles of (z, eta, phi), then "
        "F = 3 dense layers of 100 (ReLU) and 1 logit.",
        f"- PyTorch: `bench/torch_epoch.py --model dense|pfn --events 100000 --seed {SEED} --threads T`, data made "
        "with numpy, the wall time (perf_counter) of the timed epoch alone: data generation, model building and a "
        "1,000-event warm-up epoch on a throw-away model are excluded; Adam is torch's fused implementation "
        "(`fused=True`, faster here than the default). Run with `torch.set_num_threads(1)` and with 2; "
        "each row compares equal thread counts. " + "; ".join(nn_threads) + ".",
        "- Neyman: `neyman-bench epoch-dense` / `epoch-pfn` (Benchmarks/, in-process, its own synthetic data of the "
        "same shapes); `neyman: not yet` means that job does not exist yet (or failed)."
        + " Both tools run with 1 and with 2 threads; each row compares them at the same thread count (Neyman's "
        "threads are data-parallel workers, `[training] threads`, one BLAS thread each).",
        "- loss: the final training loss each tool reports (torch: mean BCE over the epoch's mini-batches). The two "
        "tools draw different data and initial weights, so losses agree only roughly.",
        "- Padding: `neyman-bench epoch-pfn 1 --fill F` gives every event round(64 F) real particles and pads the rest; "
        + (f"an epoch with all slots real took {fmt_t(float(pfn_fill['1.0'][0]['seconds_per_epoch']))}, with half of them "
           f"{fmt_t(float(pfn_fill['0.5'][0]['seconds_per_epoch']))} "
           f"({100 * float(pfn_fill['0.5'][0]['seconds_per_epoch']) / float(pfn_fill['1.0'][0]['seconds_per_epoch']):.0f} % of the full one; "
           "Phi runs on the real particles only, gathered from the whole batch)."
           if pfn_fill.get('1.0', (None,))[0] and pfn_fill.get('0.5', (None,))[0] else "not measured (neyman-bench failed or not built)."),
        "",
    ]),
    "sPlot and ROC (in-process on both sides; data generation excluded from the times):",
    "",
    "| job | Neyman | peer | ratio (peer/Neyman) |",
    "|---|---|---|---|",
    *[f"| {label} ({peer}) | {fmt_t(float(nj['seconds'])) if nj else 'neyman: not built'} | "
      f"{fmt_t(float(pj['seconds'])) if pj else 'peer: failed (see the log)'} | "
      f"{ratio(float(pj['seconds']) if pj else None, float(nj['seconds']) if nj else None)} |"
      for _, label, peer, (nj, pj) in splot],
    "",
    "- sweights: `neyman-bench sweights` (SPlotFit + SWeights.compute, summation) vs `bench/sweights_peer.py` "
    "(Migrad + Hesse on the NLL with scipy's voigt_profile normalised by quad, then sweights.SWeight summation); "
    "both on their own Z -> mu mu-like samples of the same model. auc: `neyman-bench auc` (ROC.auc) vs "
    "`bench/auc_peer.py` (sklearn.metrics.roc_auc_score with sample_weight).",
    "",
    "Weighted ROC AUC read from an NPZ file (Neyman: the whole command; scikit-learn: the call alone):",
    "",
    "| job | Neyman | scikit-learn roc_auc_score | ratio (peer/Neyman) | AUC Neyman | AUC scikit-learn |",
    "|---|---|---|---|---|---|",
    "| " + " | ".join(a_row) + " |",
    "",
    "- Both sides: the events of `bench/auc_peer.py --events 2000000 --seed 7` (40% signal, score ~ N(label, 1), "
    "weights ~ U(0.1, 3)), which saves them with numpy.savez (float64 members score, label, weight). Neyman: "
    "`neyman auc --input FILE --score score --label label --weight weight --format json`, wall time of the whole "
    "process (start-up, reading and checking the file, the AUC, output), a warm-up run then the median of 3. "
    "scikit-learn: `roc_auc_score(y, s, sample_weight=w)` in-process, median of 3 calls; its reading and the "
    "interpreter's start-up are not timed.",
    "",
    "Distance correlation:",
    "",
    *d_table,
    "",
    "Ratio = dcor time / Neyman time (above 1: Neyman is faster).",
    "",
    "Notes:",
    f"- Both sides: the same {DCOR_N:,} events, bit for bit (x = 2u - 1, y = x^2 + 0.3(u' - 0.5) from splitmix64 "
    "uniforms, see bench/dcor_peer.py), the biased (V-statistic) distance correlation, exponent 1; median of 3 "
    "calls, data generation excluded.",
    "- dcor: `dcor.distance_correlation(x, y)` (method AUTO, which is the AVL O(n log n) algorithm of Huo & "
    "Székely for 1-D input), after a 1,000-event warm-up call that pays numba's compilation.",
    "- Neyman: `neyman-bench dcor` (Benchmarks/, in-process): `DistanceCorrelation.univariate`, the merge-sort "
    "O(n log n) algorithm; it also computes the U-statistics in the same pass.",
    "",
    "Energy-flow polynomials:",
    "",
    *e_table,
    "",
    "Notes:",
    "- Both sides: the same events (`neyman-bench efp` generates them from seed 9 and writes them to a CSV that "
    "bench/efp_peer.py reads): 20 to 100 massless particles per event, a third in a collinear core, the rest soft in "
    "a disc of 0.45; all connected multigraphs with at most 5 edges, measure hadr, beta = 1, kappa = 1, normed.",
    "- energyflow: `EFPSet('d<=5', 'p==1', ...).batch_compute(events, n_jobs)` (its variable elimination with "
    "numpy einsum, one einsum per graph; n_jobs > 1 uses multiprocessing); it leaves out the d = 0 graph.",
    "- Neyman: `EnergyFlowPolynomials(graphs: Multigraph.connected(maxEdges: 5))` (NeymanHEP): variable elimination "
    "planned once for the whole set, each elimination shared by every graph that contains it, BLAS dgemv/dgemm; "
    "events split over threads. Reading excluded on both sides; a 20-50-event warm-up call excluded.",
    "",
    "Machine and versions:",
    f"- `nproc`: {sh(['nproc'])}; CPU: {cpu} ({mhz} MHz; {vec}); memory {mem_kb / 2**20:.1f} GiB; "
    f"{platform.system()} {platform.release()}",
    f"- Neyman: {neyman_v}; {swift_v}",
    f"- Peer: {pkgs}; Python {sh([VPY, '-c', 'import platform; print(platform.python_version())'])}; "
    f"BLAS: {blas_s}",
    f"- Peer environment: {peer_env}.",
    *([f"- PyTorch peer: {torch_pkgs or 'not installed'}" + (f"; {torch_libs}" if torch_libs else "")
       + "; PyPI's default Linux wheel (CUDA build, run on the CPU)."] if nn else []),
    f"- Load average (1 min) at the start of the runs {LOAD_START}, at the end {LOAD_END}: anything else running "
    "on the machine slows both sides.",
    "",
]
text = "\n".join(lines)
# The block bench/shard-throughput.sh writes into the same file is kept (it is measured by that script alone).
if DOC and DOC != "-" and os.path.exists(DOC):
    import re
    kept = re.findall(r"<!-- shard-throughput:.*?<!-- /shard-throughput -->\n?", open(DOC).read(), re.S)
    if kept:
        text = text.rstrip("\n") + "\n\n" + "".join(kept)
print()
print(text)
if DOC and DOC != "-":
    os.makedirs(os.path.dirname(DOC) or ".", exist_ok=True)
    tmp = DOC + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, DOC)
    log(f"wrote {os.path.relpath(DOC, ROOT)}")
PY
