"""Generates workspaces with every HistFactory modifier Neyman reads, and pyhf 0.7.6's numbers for them.

Run with the benchmark venv (pyhf 0.7.6, numpy 1.26.4, scipy 1.17.1):
    .venv-bench/bin/python Tests/Fixtures/generate_pyhf_workspaces.py
Writes Tests/Fixtures/generated/<case>.workspace.json and <case>.expected.json. pyhf runs with the scipy optimizer at
tolerance 1e-12 so that its fits are converged well beyond the precision the tests ask for.
"""
import json, os
import numpy as np
import pyhf

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")
os.makedirs(HERE, exist_ok=True)
pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))

def meas(poi="mu", parameters=None):
    return [{"name": "meas", "config": {"poi": poi, "parameters": parameters or []}}]

cases = {
    "normsys_histosys_twobin": {
        "channels": [{"name": "sr", "samples": [
            {"name": "signal", "data": [4.0, 8.0], "modifiers": [
                {"name": "mu", "type": "normfactor", "data": None},
                {"name": "sig_eff", "type": "normsys", "data": {"hi": 1.08, "lo": 0.93}}]},
            {"name": "background", "data": [40.0, 25.0], "modifiers": [
                {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.12, "lo": 0.85}},
                {"name": "bkg_shape", "type": "histosys", "data": {"hi_data": [44.0, 24.0], "lo_data": [37.0, 27.0]}}]}]}],
        "observations": [{"name": "sr", "data": [43.0, 30.0]}],
        "measurements": meas(), "version": "1.0.0"},
    "staterror_fourbin": {
        "channels": [{"name": "sr", "samples": [
            {"name": "signal", "data": [1.0, 6.0, 9.0, 2.0], "modifiers": [
                {"name": "mu", "type": "normfactor", "data": None},
                {"name": "staterror_sr", "type": "staterror", "data": [0.2, 0.5, 0.6, 0.3]}]},
            {"name": "background", "data": [30.0, 22.0, 15.0, 9.0], "modifiers": [
                {"name": "staterror_sr", "type": "staterror", "data": [2.0, 1.8, 1.5, 1.2]},
                {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}]}]}],
        "observations": [{"name": "sr", "data": [33.0, 25.0, 27.0, 8.0]}],
        "measurements": meas(), "version": "1.0.0"},
    "twochannel_lumi_shared": {
        "channels": [
            {"name": "SR", "samples": [
                {"name": "signal", "data": [5.0, 10.0], "modifiers": [
                    {"name": "mu", "type": "normfactor", "data": None},
                    {"name": "lumi", "type": "lumi", "data": None}]},
                {"name": "background", "data": [50.0, 30.0], "modifiers": [
                    {"name": "mu_bkg", "type": "normfactor", "data": None},
                    {"name": "lumi", "type": "lumi", "data": None},
                    {"name": "sr_syst", "type": "normsys", "data": {"hi": 1.05, "lo": 0.96}}]}]},
            {"name": "CR", "samples": [
                {"name": "background", "data": [200.0], "modifiers": [
                    {"name": "mu_bkg", "type": "normfactor", "data": None},
                    {"name": "lumi", "type": "lumi", "data": None}]}]}],
        "observations": [{"name": "SR", "data": [58.0, 36.0]}, {"name": "CR", "data": [210.0]}],
        "measurements": meas(parameters=[{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "inits": [1.0], "bounds": [[0.5, 1.5]]}]),
        "version": "1.0.0"},
    "shapesys_masked_bin": {
        "channels": [{"name": "sr", "samples": [
            {"name": "signal", "data": [3.0, 7.0, 4.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
            {"name": "background", "data": [20.0, 18.0, 12.0], "modifiers": [
                {"name": "bkg_unc", "type": "shapesys", "data": [3.0, 0.0, 2.5]}]}]}],
        "observations": [{"name": "sr", "data": [22.0, 21.0, 15.0]}],
        "measurements": meas(), "version": "1.0.0"},
    "staterror_masked_bin": {
        "channels": [{"name": "sr", "samples": [
            {"name": "signal", "data": [3.0, 7.0, 4.0], "modifiers": [
                {"name": "mu", "type": "normfactor", "data": None},
                {"name": "staterror_sr", "type": "staterror", "data": [0.3, 0.0, 0.4]}]},
            {"name": "background", "data": [20.0, 18.0, 12.0], "modifiers": [
                {"name": "staterror_sr", "type": "staterror", "data": [2.0, 0.0, 1.5]}]}]}],
        "observations": [{"name": "sr", "data": [22.0, 21.0, 15.0]}],
        "measurements": meas(), "version": "1.0.0"},
}

for name, spec in cases.items():
    ws = pyhf.Workspace(spec)
    model = ws.model()
    data = ws.data(model)
    cls_obs, tails, cls_exp = pyhf.infer.hypotest(1.0, data, model, test_stat="qtilde", return_tail_probs=True,
                                                 return_expected_set=True)
    bestfit, twice_nll = pyhf.infer.mle.fit(data, model, return_fitted_val=True)
    # toms748 directly, with tight tolerances (upper_limit's default rtol is 1e-4).
    obs_limit, exp_limits = pyhf.infer.intervals.upper_limits.toms748_scan(data, model, 0.05, 9.9, level=0.05, atol=1e-12, rtol=1e-12)
    names = []
    for p in model.config.par_order:
        n = model.config.param_set(p).n_parameters
        names += [p] if n == 1 else [f"{p}[{i}]" for i in range(n)]
    out = {
        "suggested_fixed": [bool(x) for x in model.config.suggested_fixed()],
        "auxdata": [float(x) for x in model.config.auxdata],
        "generator": "Tests/Fixtures/generate_pyhf_workspaces.py", "pyhf": pyhf.__version__, "numpy": np.__version__,
        "optimizer": "scipy, tolerance 1e-12",
        "hypotest_asymptotic_mu1": {"CLs_obs": float(cls_obs), "CLsb_obs": float(tails[0]), "CLb_obs": float(tails[1]),
                                    "CLs_exp_band": [float(x) for x in cls_exp]},
        "upper_limit_95": {"call": "toms748_scan(data, model, 0.05, 9.9, level=0.05, atol=1e-12, rtol=1e-12)", "obs": float(obs_limit), "exp_band": [float(x) for x in exp_limits]},
        "mle_fit": {"par_names": names, "bestfit": [float(x) for x in bestfit], "twice_nll": float(twice_nll)},
    }
    with open(os.path.join(HERE, f"{name}.workspace.json"), "w") as f:
        json.dump(spec, f, indent=1)
    with open(os.path.join(HERE, f"{name}.expected.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(name, cls_obs, obs_limit)
