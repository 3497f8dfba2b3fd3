"""The Pythia 8 set-up both generators share (generate_muons.py, generate_tau_muons.py): 13 TeV pp, a fixed seed, quiet
output, and every setting read strictly. Imported from the scripts' own directory."""

# Settings every sample uses: 13 TeV proton-proton collisions, the seed taken from the caller, no event-count or
# banner output.
SHARED = ["Beams:eCM = 13000.", "Random:setSeed = on", "Next:numberCount = 0", "Print:quiet = on"]


def make_pythia(lines, seed):
    """An initialised Pythia (pythia8mc) with the shared settings, `Random:seed = seed` and `lines`. A setting Pythia
    does not accept (a misspelt name, a value out of range) is an error here, never a silent default."""
    import pythia8mc
    py = pythia8mc.Pythia("", False)
    for line in SHARED + [f"Random:seed = {seed}"] + list(lines):
        if not py.readString(line):
            raise RuntimeError(f"Pythia rejected the setting '{line}'")
    if not py.init():
        raise RuntimeError("Pythia failed to initialise")
    return py
