"""Writes the hostile workspaces of this folder: each is valid/base.workspace.json with one fault.

Run from anywhere with plain python3 (no packages):  python3 Tests/Fixtures/hostile/workspaces/make_hostile.py
Writes <case>.json and EXPECTED.tsv (file, the JSON path the error must name, a fragment its message must hold).
HistFactoryWorkspaceHostileTests reads every *.json here and checks that the reader rejects it with exactly that
path and fragment; the base must read without error, so each rejection is due to the one fault.
"""
import copy, json, os

HERE = os.path.dirname(os.path.abspath(__file__))

BASE = {
    "channels": [
        {"name": "SR", "samples": [
            {"name": "signal", "data": [5.0, 10.0], "modifiers": [
                {"name": "mu", "type": "normfactor", "data": None},
                {"name": "lumi", "type": "lumi", "data": None}]},
            {"name": "background", "data": [50.0, 30.0], "modifiers": [
                {"name": "lumi", "type": "lumi", "data": None},
                {"name": "bkg_unc", "type": "shapesys", "data": [7.0, 5.0]},
                {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
                {"name": "bkg_shape", "type": "histosys", "data": {"hi_data": [52.0, 31.0], "lo_data": [48.0, 29.0]}}]}]},
        {"name": "CR", "samples": [
            {"name": "background", "data": [200.0], "modifiers": [
                {"name": "stat_cr", "type": "staterror", "data": [10.0]},
                {"name": "sf", "type": "shapefactor", "data": None}]}]}],
    "observations": [{"name": "SR", "data": [58.0, 36.0]}, {"name": "CR", "data": [210.0]}],
    "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
        {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "inits": [1.0], "bounds": [[0.5, 1.5]]}]}}],
    "version": "1.0.0",
}


def text(ws):
    return json.dumps(ws, indent=1)


BASE_TEXT = text(BASE)
cases = {}  # name -> (bytes, key, fragment)


def at(t, offset):
    """'line L, column C' of a character offset in an ASCII text."""
    return "line %d, column %d" % (t.count("\n", 0, offset) + 1, offset - t.rfind("\n", 0, offset))


def mutate(name, key, fragment, f):
    ws = copy.deepcopy(BASE)
    f(ws)
    cases[name] = (text(ws).encode(), key, fragment)


def raw(name, key, fragment, data):
    cases[name] = (data if isinstance(data, bytes) else data.encode(), key, fragment)


def replaced(old, new):
    assert BASE_TEXT.count(old) == 1, old
    return BASE_TEXT.replace(old, new)


SIG = "channels[0].samples[0]"
BKG = "channels[0].samples[1]"
CRB = "channels[1].samples[0]"
PAR = "measurements[0].config.parameters"

# Syntax: line and column in the message, the path of the value being read as key.
t = replaced("210.0\n", "210.0,\n")
raw("syntax_trailing_comma", "observations[1].data[1]", at(t, t.index("]", t.index("210.0,"))), t)
cut = BASE_TEXT.index("5.0,") + 4
raw("syntax_truncated", SIG + ".data[1]", at(BASE_TEXT, cut), BASE_TEXT[:cut])
t = replaced('"poi"', "poi")
raw("syntax_unquoted_key", "measurements[0].config", at(t, t.index("poi:")), t)
t = replaced('"signal"', '"sig\\qnal"')
raw("syntax_bad_escape", SIG + ".name", at(t, t.index("\\q")), t)
t = replaced('"signal"', '"sig\\ud800nal"')
raw("syntax_lone_surrogate", SIG + ".name", "surrogate", t)
t = replaced('"signal"', '"sig\tnal"')
raw("syntax_control_character", SIG + ".name", "control character", t)
raw("syntax_invalid_utf8", SIG + ".name", "not UTF-8", replaced('"signal"', '"sig_nal"').encode().replace(b"sig_nal", b"sig\xffnal"))
t = replaced('"version": "1.0.0"', '"version": "1.0.0",\n "version": "1.0.0"')
raw("syntax_duplicate_key", "version", "appears twice", t)
t = replaced("58.0", "1e999")
raw("syntax_number_overflow", "observations[0].data[0]", "too large", t)
t = replaced("58.0", "4e-330")
raw("syntax_number_underflow", "observations[0].data[0]", "too small", t)
t = replaced("58.0", "[" * 70 + "1" + "]" * 70)
raw("syntax_deep_nesting", "observations[0].data" + "[0]" * 61, "nested deeper", t)
t = replaced("58.0", "058.0")
raw("syntax_leading_zero", "observations[0].data[0]", "cannot start with the digit 0", t)
raw("syntax_trailing_text", "$", "after the end of the JSON document", BASE_TEXT + "\n}")
raw("not_an_object", "$", "not a JSON object", "[" + BASE_TEXT + "]")
raw("empty_file", "$", "empty", "")

# Schema (pyhf schemas/1.0.0/defs.json).
mutate("unknown_top_level_key", "metadata", "unknown key", lambda w: w.update(metadata={"author": "x"}))
mutate("unknown_sample_key", SIG + ".weights", "unknown key", lambda w: w["channels"][0]["samples"][0].update(weights=[1.0]))
mutate("missing_version", "version", "missing required key", lambda w: w.pop("version"))
mutate("wrong_version", "version", "1.0.0", lambda w: w.update(version="1.1.0"))
mutate("modifier_unknown_type", SIG + ".modifiers[0].type", "unsupported modifier type",
       lambda w: w["channels"][0]["samples"][0]["modifiers"][0].update(type="magicfactor"))
def lumi_renamed(w):
    for ci, si, mi in [(0, 0, 1), (0, 1, 0)]:
        w["channels"][ci]["samples"][si]["modifiers"][mi]["name"] = "lumi2016"
    w["measurements"][0]["config"]["parameters"][0]["name"] = "lumi2016"
mutate("lumi_misnamed", SIG + ".modifiers[1].name", "must be named 'lumi'", lumi_renamed)
mutate("normfactor_data_not_null", SIG + ".modifiers[0].data", "must be null",
       lambda w: w["channels"][0]["samples"][0]["modifiers"][0].update(data=[1.0]))
mutate("string_number", "observations[0].data[1]", "expected a number, found a string",
       lambda w: w["observations"][0]["data"].__setitem__(1, "36"))
mutate("bool_number", SIG + ".data[0]", "expected a number", lambda w: w["channels"][0]["samples"][0]["data"].__setitem__(0, True))
mutate("null_number", SIG + ".data[0]", "found null", lambda w: w["channels"][0]["samples"][0]["data"].__setitem__(0, None))
mutate("empty_channels", "channels", "at least one", lambda w: w.update(channels=[]))
mutate("empty_sample_data", BKG + ".data", "at least one", lambda w: w["channels"][0]["samples"][1].update(data=[]))
mutate("name_not_string", "channels[0].name", "expected a string", lambda w: w["channels"][0].update(name=7))
mutate("missing_modifiers", SIG + ".modifiers", "missing required key", lambda w: w["channels"][0]["samples"][0].pop("modifiers"))
mutate("normsys_missing_lo", BKG + ".modifiers[2].data.lo", "missing required key",
       lambda w: w["channels"][0]["samples"][1]["modifiers"][2]["data"].pop("lo"))
mutate("bounds_non_number", PAR + "[0].bounds[0][0]", "expected a number",
       lambda w: w["measurements"][0]["config"]["parameters"][0].update(bounds=[["x", 1.5]]))
mutate("config_missing_parameters", "measurements[0].config.parameters", "missing required key",
       lambda w: w["measurements"][0]["config"].pop("parameters"))

# Semantic rules.
def extra_channel(w):
    c = copy.deepcopy(w["channels"][1])
    c["name"] = "SR"
    w["channels"].append(c)
mutate("duplicate_channel", "channels[2].name", "two channels", extra_channel)
mutate("duplicate_sample", BKG + ".name", "two samples", lambda w: w["channels"][0]["samples"][0].update(name="background"))
mutate("duplicate_observation", "observations[2].name", "two observations", lambda w: w["observations"].append(copy.deepcopy(w["observations"][1])))
mutate("duplicate_measurement", "measurements[1].name", "two measurements", lambda w: w["measurements"].append(copy.deepcopy(w["measurements"][0])))
mutate("duplicate_parameter_config", PAR + "[1].name", "two parameter configs",
       lambda w: w["measurements"][0]["config"]["parameters"].append(copy.deepcopy(w["measurements"][0]["config"]["parameters"][0])))
mutate("duplicate_modifier", SIG + ".modifiers[2].name", "two normfactor modifiers",
       lambda w: w["channels"][0]["samples"][0]["modifiers"].append({"name": "mu", "type": "normfactor", "data": None}))
mutate("incompatible_name_reuse", BKG + ".modifiers[2].type", "used by a normsys",
       lambda w: w["channels"][0]["samples"][1]["modifiers"][2].update(name="mu"))
mutate("sample_bins_mismatch", BKG + ".data", "has 3 bins", lambda w: w["channels"][0]["samples"][1].update(data=[50.0, 30.0, 1.0]))
mutate("observation_bins_mismatch", "observations[1].data", "observation of 'CR'", lambda w: w["observations"][1].update(data=[210.0, 1.0]))
mutate("shapesys_bins_mismatch", BKG + ".modifiers[1].data", "uncertainties", lambda w: w["channels"][0]["samples"][1]["modifiers"][1].update(data=[7.0]))
mutate("histosys_bins_mismatch", BKG + ".modifiers[3].data.hi_data", "has 1 values",
       lambda w: w["channels"][0]["samples"][1]["modifiers"][3]["data"].update(hi_data=[52.0]))
mutate("negative_shapesys", BKG + ".modifiers[1].data[1]", "uncertainty must be a number >= 0",
       lambda w: w["channels"][0]["samples"][1]["modifiers"][1].update(data=[7.0, -5.0]))
mutate("negative_staterror", CRB + ".modifiers[0].data[0]", "uncertainty must be a number >= 0",
       lambda w: w["channels"][1]["samples"][0]["modifiers"][0].update(data=[-10.0]))
mutate("negative_observation", "observations[0].data[0]", "observed count", lambda w: w["observations"][0]["data"].__setitem__(0, -3.0))
mutate("normsys_nonpositive", BKG + ".modifiers[2].data.hi", "must be > 0",
       lambda w: w["channels"][0]["samples"][1]["modifiers"][2]["data"].update(hi=0.0))
mutate("missing_observation", "channels[1].name", "no observation", lambda w: w["observations"].pop(1))
mutate("orphan_observation", "observations[2].name", "not of any channel", lambda w: w["observations"].append({"name": "VR", "data": [3.0]}))
mutate("poi_missing", "measurements[0].config.poi", "'nu'", lambda w: w["measurements"][0]["config"].update(poi="nu"))
mutate("poi_per_bin", "measurements[0].config.poi", "one parameter per bin", lambda w: w["measurements"][0]["config"].update(poi="sf"))
mutate("bounds_reversed", PAR + "[0].bounds[0]", "not below", lambda w: w["measurements"][0]["config"]["parameters"][0].update(bounds=[[1.5, 0.5]]))
mutate("bounds_not_pair", PAR + "[0].bounds[0]", "pair", lambda w: w["measurements"][0]["config"]["parameters"][0].update(bounds=[[0.5]]))
mutate("init_outside_bounds", PAR + "[0].inits[0]", "outside its bounds", lambda w: w["measurements"][0]["config"]["parameters"][0].update(inits=[2.0]))
mutate("inits_wrong_length", PAR + "[0].inits", "has 2 values", lambda w: w["measurements"][0]["config"]["parameters"][0].update(inits=[1.0, 1.0]))
mutate("lumi_without_sigmas", PAR + "[0]", "needs 'sigmas'", lambda w: w["measurements"][0]["config"]["parameters"][0].pop("sigmas"))
mutate("lumi_sigma_zero", PAR + "[0].sigmas[0]", "must be > 0", lambda w: w["measurements"][0]["config"]["parameters"][0].update(sigmas=[0.0]))
mutate("config_unsupported_attribute", PAR + "[1].auxdata", "does not use 'auxdata'",
       lambda w: w["measurements"][0]["config"]["parameters"].append({"name": "mu", "auxdata": [1.0]}))
mutate("config_factors", PAR + "[1].factors", "does not use 'factors'",
       lambda w: w["measurements"][0]["config"]["parameters"].append({"name": "bkg_unc", "factors": [1.0, 1.0]}))
mutate("negative_background_total", BKG + ".data[0]", "expected rate in bin 0 of channel 'SR'",
       lambda w: w["channels"][0]["samples"][1].update(data=[-60.0, 30.0]))
mutate("negative_background_compensated", BKG + ".data[0]", "background only",
       lambda w: w["channels"][0]["samples"][1].update(data=[-3.0, 30.0]))
def zero(w, keep_data):
    for c in w["channels"]:
        for s in c["samples"]:
            s["data"] = [0.0] * len(s["data"])
    w["channels"][0]["samples"][1]["modifiers"][3]["data"] = {"hi_data": [0.0, 0.0], "lo_data": [0.0, 0.0]}
    if not keep_data:
        for o in w["observations"]:
            o["data"] = [0.0] * len(o["data"])
mutate("all_zero_yields", "channels[1].samples", "expects no events", lambda w: zero(w, False))
mutate("zero_yields_with_data", "observations[1].data[0]", "expects none", lambda w: zero(w, True))

for f in os.listdir(HERE):
    if f.endswith(".json"):
        os.remove(os.path.join(HERE, f))
os.makedirs(os.path.join(HERE, "valid"), exist_ok=True)
with open(os.path.join(HERE, "valid", "base.workspace.json"), "w") as fh:
    fh.write(BASE_TEXT + "\n")
with open(os.path.join(HERE, "EXPECTED.tsv"), "w") as fh:
    fh.write("file\tkey\tmessage fragment\n")
    for name in sorted(cases):
        data, key, fragment = cases[name]
        with open(os.path.join(HERE, name + ".json"), "wb") as out:
            out.write(data)
        fh.write("%s.json\t%s\t%s\n" % (name, key, fragment))
print(len(cases), "hostile workspaces")
